"""The Snakemake workflow end to end on a tiny batch: one good sample, one with a truncated FASTQ.

The good sample is reported; the run fails (non-zero exit), the batch summary still lists every sample
with the failed one's reason, and the failed sample leaves no half-written outputs.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest
import yaml

from conftest import REPO


def _env() -> dict[str, str]:
    """The test interpreter's bin directory first on PATH, so the workflow's `thalgen` and `snakemake` are
    the ones installed with it (a fresh CI virtualenv), not whatever else the machine has."""
    import os

    env = dict(os.environ)
    env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
    return env


SNAKEMAKE = [sys.executable, "-m", "snakemake"]


@pytest.fixture(scope="module")
def batch(tmp_path_factory, locus_ref_dir):
    work = tmp_path_factory.mktemp("wf")
    spec = work / "spec.yaml"
    spec.write_text(
        'defaults: {depth: 40, read_length: 150, seed: 3, regions: ["chr11:5215000-5240000", "chr16:160000-190000"]}\n'
        "patients:\n  - id: good\n    haplotypes: [[\"HBB:c.20A>T\"], []]\n"
    )
    assert subprocess.run([sys.executable, "-m", "thalgen.cli.main", "simulate", "--reference", str(locus_ref_dir),
                           "--spec", str(spec), "--outdir", str(work / "fq")]).returncode == 0
    # a truncated gzip FASTQ pair for the failing sample
    data = (work / "fq" / "good_R1.fastq.gz").read_bytes()
    (work / "fq" / "bad_R1.fastq.gz").write_bytes(data[: len(data) // 3])
    shutil.copy(work / "fq" / "good_R2.fastq.gz", work / "fq" / "bad_R2.fastq.gz")
    sheet = work / "samples.tsv"
    sheet.write_text(
        "sample\tfq1\tfq2\tbam\tplatform\tassay\tpartner\n"
        f"good\t{work}/fq/good_R1.fastq.gz\t{work}/fq/good_R2.fastq.gz\t\tillumina\twgs\t\n"
        f"bad\t{work}/fq/bad_R1.fastq.gz\t{work}/fq/bad_R2.fastq.gz\t\tillumina\twgs\t\n"
    )
    config = work / "config.yaml"
    config.write_text(yaml.safe_dump({"samples": str(sheet), "reference": str(locus_ref_dir), "outdir": str(work / "out"), "threads": 1}))
    run = subprocess.run(
        [*SNAKEMAKE, "--cores", "2", "--keep-going", "--configfile", str(config), "--snakefile", str(REPO / "Snakefile"),
         "--directory", str(REPO)],
        capture_output=True, text=True, env=_env(),
    )
    return work / "out", run


def test_failed_sample_fails_the_run(batch):
    _out, run = batch
    assert run.returncode != 0


def test_good_sample_is_reported(batch):
    out, _run = batch
    import json

    report = json.loads((out / "good" / "good.report.json").read_text())
    assert [(v["hgvs_c"], v["zygosity"]) for v in report["variants"]] == [("c.20A>T", "heterozygous")]
    assert report["beta"]["status"] == "hbs_trait"


def test_summary_lists_failed_sample_with_reason(batch):
    out, _run = batch
    rows = (out / "summary.tsv").read_text().splitlines()
    header = rows[0].split("\t")
    by_sample = {r.split("\t")[0]: dict(zip(header, r.split("\t"))) for r in rows[1:]}
    assert set(by_sample) == {"good", "bad"}
    assert by_sample["bad"]["result"] == "failed"
    assert "bad_R1.fastq.gz" in (out / "summary.tsv").read_text()
    assert "truncated" in (out / "summary.tsv").read_text()


def test_failed_sample_leaves_no_half_written_outputs(batch):
    out, _run = batch
    leftovers = [p for p in (out / "bad").glob("*")] if (out / "bad").exists() else []
    assert leftovers == []


def test_bad_sheet_is_one_line_error(tmp_path, locus_ref_dir):
    sheet = tmp_path / "s.tsv"
    sheet.write_text("sample\tfq1\tplatform\tassay\nx/y\ta.fq\tillumina\twgs\n")
    config = tmp_path / "c.yaml"
    config.write_text(yaml.safe_dump({"samples": str(sheet), "reference": str(locus_ref_dir), "outdir": str(tmp_path / "o")}))
    run = subprocess.run([*SNAKEMAKE, "-n", "--configfile", str(config), "--snakefile", str(REPO / "Snakefile"), "--directory", str(REPO)],
                         capture_output=True, text=True, env=_env())
    assert run.returncode != 0
    assert f"thalgen: error: {sheet}: line 2: sample id 'x/y' is not safe as a file name" in run.stdout + run.stderr
