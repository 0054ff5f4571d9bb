"""Run summary: every sample (failed ones with the reason), relative links, MultiQC files, bad input."""

from __future__ import annotations

import csv
import json

import pytest

from thalgen.cli.main import main as cli
from thalgen.errors import InputError
from thalgen.report.html import render_report
from thalgen.report.summary import TSV_COLUMNS, parse_failed, summary_rows

import report_fixtures as F

FAIL_REASON = "alignment: 0 reads mapped to the globin loci"


def _write(outdir, report, html=True):
    path = outdir / "reports" / f"{report['sample']}.report.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report, ensure_ascii=False))
    if html:
        path.with_suffix(".html").write_text(render_report(report))
    return path


@pytest.fixture
def run_dir(tmp_path):
    out = tmp_path / "out"
    paths = [_write(out, F.normal_report(tmp_path, "S2")), _write(out, F.hbh_report(tmp_path, "S1")),
             _write(out, F.low_coverage_report(tmp_path, "s3"), html=False)]
    return out, paths


def _tsv(path):
    with open(path, encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def test_summary_lists_every_sample_including_failed(run_dir):
    out, paths = run_dir
    assert cli(["summary", "--outdir", str(out), "--run", "RUN1", "--reports", *map(str, paths),
                "--failed", f"S4={FAIL_REASON}"]) == 0
    rows = _tsv(out / "summary.tsv")
    assert list(rows[0]) == list(TSV_COLUMNS)
    assert [(r["sample"], r["result"], r["qc_status"]) for r in rows] == [
        ("S1", "reported", "pass"), ("S2", "reported", "pass"), ("s3", "reported", "fail"), ("S4", "failed", "fail")]
    s1, s2, s3, s4 = rows
    assert (s1["alpha_genotype"], s1["alpha_status"], s1["beta_status"]) == ("--SEA/-α3.7", "hbh_disease", "normal")
    assert s1["findings"] == "HBA2, HBA1, HBQ1 --SEA het; HBA2, HBA1 -α3.7 het"
    assert (s1["mean_depth_beta"], s1["mean_depth_alpha"]) == ("62.0", "62.0")
    assert s1["report"] == "reports/S1.report.html" and s3["report"] == ""
    assert s2["not_assessable"] == "" and s2["findings"] == ""
    assert s3["not_assessable"].startswith("α-globin genotype not assessable (mean depth 5x is below")
    assert (s4["qc_reasons"], s4["alpha_status"], s4["beta_status"]) == (FAIL_REASON, "not_assessable", "not_assessable")
    assert s4["not_assessable"] == f"α- and β-globin genotypes not assessable (sample failed before a report was made: {FAIL_REASON})"
    assert s4["conclusion"] == f"No result: {FAIL_REASON}."

    html = (out / "summary.html").read_text()
    assert html.count('<a href="reports/') == 2
    assert '<a href="reports/S1.report.html">report</a>' in html
    assert '<span class="review">no report</span>' in html and '<span class="muted">HTML missing</span>' in html
    assert FAIL_REASON in html and "RUN1" in html
    assert "1 SAMPLE FAILED · 2 WITH PARTS NOT ASSESSABLE" in html
    assert html.count("<tr class=") == 4


def test_multiqc_custom_content(run_dir):
    out, paths = run_dir
    assert cli(["summary", "--outdir", str(out), "--reports", *map(str, paths), "--failed", f"S4={FAIL_REASON}"]) == 0
    table = (out / "multiqc" / "thalgen_mqc.tsv").read_text().splitlines()
    assert table[:4] == ["# id: 'thalgen_genotypes'", "# section_name: 'thalgen: globin genotypes'",
                         table[2], "# plot_type: 'table'"]
    data = [line.split("\t") for line in table if not line.startswith("#")]
    assert data[0] == ["Sample", "qc_status", "mean_depth_beta", "mean_depth_alpha", "alpha_genotype", "alpha_status",
                       "beta_genotype", "beta_status", "not_assessable"]
    assert data[1] == ["S1", "pass", "62.0", "62.0", "--SEA/-α3.7", "hbh_disease", "β/β", "normal", "none"]
    assert [d[0] for d in data[1:]] == ["S1", "S2", "s3", "S4"]
    gen = (out / "multiqc" / "thalgen_generalstats_mqc.tsv").read_text().splitlines()
    assert gen[:2] == ["# id: 'thalgen_generalstats'", "# plot_type: 'generalstats'"]
    assert [line for line in gen if not line.startswith("#")] == [
        "Sample\tthalgen_depth_hbb\tthalgen_depth_hba\tthalgen_not_assessable",
        "S1\t62.0\t62.0\t0", "S2\t62.0\t62.0\t0", "s3\t7.9\t5.0\t4", "S4\t\t\t1"]


def test_bad_inputs(run_dir, tmp_path):
    out, paths = run_dir
    with pytest.raises(InputError, match="a second report for sample 'S2'"):
        summary_rows([paths[0], paths[0]], {}, out)
    with pytest.raises(InputError, match=r"sample 'S1' has a report but is also listed as failed \(x\)"):
        summary_rows(paths, {"S1": "x"}, out)
    broken = json.loads(paths[0].read_text())
    del broken["beta"]["genotype"]
    bad = tmp_path / "bad.report.json"
    bad.write_text(json.dumps(broken))
    with pytest.raises(InputError) as exc:
        summary_rows([bad], {}, out)
    assert exc.value.problem == "not a valid thalgen report.json: /beta: 'genotype' is a required property"
    with pytest.raises(InputError, match="is not SAMPLE=REASON"):
        parse_failed(["S9"])
    assert cli(["summary", "--outdir", str(out), "--reports", str(paths[0]), "--multiqc", str(out / "x.tsv")]) == 1
    assert cli(["summary", "--outdir", str(out)]) == 1
