"""Per-sample HTML: escaping, self-containment, not-assessable flags, findings, counselling, CN plot, end to end."""

from __future__ import annotations

import json
import re

import pytest

from thalgen.cli.main import main as cli
from thalgen.interpret import ALPHA_STATUSES, BETA_STATUSES
from thalgen.model import ClusterGenotype
from thalgen.report.html import (
    ALPHA_STATUS_WORDS,
    BETA_STATUS_WORDS,
    deletion_hgvs,
    png_data_uri,
    render_report,
    safe_url,
    source_links,
)
from thalgen.report.validate_schema import validate_report

import report_fixtures as F
from conftest import simulate_align

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16
HOSTILE = "<script>alert(1)</script>"


def test_hostile_sample_id_and_names_render_as_text(tmp_path):
    report = F.beta_major_report(tmp_path)
    report["sample"] = HOSTILE
    report["variants"][0]["common_name"] = '"><img src=x onerror=alert(2)>'
    report["input"] = {"platform": HOSTILE}
    html = render_report(report)
    assert HOSTILE not in html
    assert "<script" not in html  # the per-sample report carries no script at all
    assert "<img src=x" not in html
    assert html.count("&lt;script&gt;alert(1)&lt;/script&gt;") == 4  # title, identity table, facts, footer
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html


def test_self_contained_no_external_resources(tmp_path):
    html = render_report(F.hbh_report(tmp_path), cn_png=PNG)
    assert not re.search(r"<(link|script|img|iframe)\b[^>]*\b(src|href)=\"(https?:)?//", html)
    assert "@import" not in html and "url(" not in html
    assert "@page { size: A4" in html
    assert '<img src="data:image/png;base64,iVBORw0KGgoAAAAAAAAAAAAAAAAAAAAA"' in html


def test_not_a_png_is_refused():
    with pytest.raises(ValueError, match="not a PNG image"):
        png_data_uri(b"GIF89a....")


def test_status_words_cover_every_status():
    assert set(ALPHA_STATUS_WORDS) == set(ALPHA_STATUSES)
    assert set(BETA_STATUS_WORDS) == set(BETA_STATUSES)


def test_normal_report_has_no_flags(tmp_path):
    html = render_report(F.normal_report(tmp_path))
    assert "NOT ASSESSABLE" not in html and "Incompletely assessed" not in html
    assert "Normal α-globin genotype (αα/αα); no β-globin variant detected." in html
    assert "No small variant, deletion or duplication was detected in the analysed regions." in html
    assert "No counselling implication was found in the parts that could be assessed." in html


def test_low_coverage_report_flags_everything_not_assessable(tmp_path):
    html = render_report(F.low_coverage_report(tmp_path))
    banner = html.split('<div class="banner" role="alert">')[1].split("</div>\n")[1]
    assert "<li><b>α-globin genotype not assessable</b>: mean depth 5x is below the 15x copy-number analysis needs</li>" in banner
    assert "<li><b>β-globin genotype not assessable</b>" in banner
    assert "<li><b>sample QC failed</b>" in banner
    assert "<li><b>copy number not assessable</b>: mean depth below 15x in both clusters</li>" in banner
    assert html.count('class="gt tone-na"') == 2
    assert "this result must not be used for reproductive risk assessment" in html
    assert "<td>IVS-I-110 (G&gt;A)</td><td>depth 6 &lt; 15</td>" in html


def test_missing_copy_number_is_said_prominently(tmp_path):
    html = render_report(F.make_report(tmp_path, "NOCN-1"))
    assert ('<div class="missing">Copy-number analysis is not available for this sample (copy number: copy-number '
            "analysis was not run): deletions and duplications (including −α3.7, −α4.2 and --SEA) were NOT "
            "assessed.</div>") in html
    assert "<li><b>copy number not assessable</b>: copy-number analysis was not run</li>" in html


def test_beta_major_findings_rows(tmp_path):
    html = render_report(F.beta_major_report(tmp_path))
    assert "NM_000518.5:c.118C&gt;T<span class=\"sub\">p.(Gln40*)</span><span class=\"sub\">chr11:5,226,774 G&gt;A</span>" in html
    assert "<td>CD39 (C&gt;T)</td>" in html and "<td>IVS-I-110 (G&gt;A)</td>" in html
    assert html.count("1 of 2 copies") == 2
    assert "AF 0.50 (30/60 reads)" in html
    assert '<a href="https://globin.bx.psu.edu/' in html
    assert "β-thalassaemia major genotype" in html
    assert "phase not determined; compound heterozygosity assumed — confirm by parental testing" in html
    assert "Each child of this person inherits one of the two β-globin alleles" in html


def test_novel_variant_is_marked_for_review(tmp_path):
    report = F.make_report(tmp_path, "VUS-1", variants=[F.novel_call()], alpha=ClusterGenotype("alpha", ("aa", "aa")),
                           beta=ClusterGenotype("beta", ("B", "B")), copy_number=F.NORMAL_CN)
    html = render_report(report)
    assert '<span class="review">not in catalog — review</span>' in html
    assert "<td>uncertain significance</td>" in html
    assert report["beta"]["status"] == "normal"


def test_hbh_deletions_and_counselling(tmp_path):
    html = render_report(F.hbh_report(tmp_path))
    assert "NC_000016.10:g.(164401_166401)_(183701_185701)del" in html
    assert "<td>--SEA</td>" in html and "<td>-α3.7</td>" in html
    assert "9 junction reads" in html
    assert ("If the partner also carries α0-thalassaemia, each pregnancy has a 1 in 4 risk of Hb Bart's "
            "hydrops fetalis") in html.replace("&#39;", "'")
    assert "HbH disease is a haemolytic anaemia of variable severity" in html


def test_silent_carrier_cannot_contribute_to_barts(tmp_path):
    report = F.make_report(tmp_path, "SC-1", alpha=ClusterGenotype("alpha", ("-a3.7", "aa")),
                           beta=ClusterGenotype("beta", ("B", "B")), deletions=[F.catalog_deletion("-a3.7")],
                           copy_number=F.NORMAL_CN)
    html = render_report(report).replace("&#39;", "'")
    assert "cannot contribute to a pregnancy with Hb Bart's hydrops fetalis" in html
    assert "each pregnancy has a 1 in 4 risk of HbH disease" in html


def test_url_helpers():
    assert safe_url("javascript:alert(1)") == ""
    assert safe_url("https://www.ithanet.eu/db/ithagenes?ithaID=300") == "https://www.ithanet.eu/db/ithagenes?ithaID=300"
    assert source_links("https://a.org/x (note) https://www.ithanet.eu/db/y, https://a.org/x") == [
        {"url": "https://a.org/x", "label": "a.org"}, {"url": "https://www.ithanet.eu/db/y", "label": "ITHANET"}]
    assert deletion_hgvs("chr11", 5_226_000, 5_226_618, "deletion", 0) == "NC_000011.10:g.5226000_5226618del"


def test_end_to_end_simulate_align_call_report(locus_ref_dir, tmp_path):
    """IVS-I-110 / CD39 at 40x over small regions: the CLI writes a valid report with exon coverage."""
    spec = ('defaults: {platform: illumina, depth: 40, read_length: 150, seed: 3, '
            'regions: ["chr11:5224000-5228500", "chr16:172000-178000"]}\n'
            'patients:\n  - id: btm\n    haplotypes: [["HBB:c.93-21G>A"], ["HBB:c.118C>T"]]\n')
    bam = simulate_align(locus_ref_dir, tmp_path, spec)["btm"]["bam"]
    calls = tmp_path / "btm.calls.json"
    assert cli(["call", "--reference", str(locus_ref_dir), "--bam", str(bam), "--sample", "btm",
                "--vcf", str(tmp_path / "btm.vcf.gz"), "--json", str(calls)]) == 0
    png = tmp_path / "btm.cn.png"
    png.write_bytes(PNG)
    out_json, out_html = tmp_path / "btm.report.json", tmp_path / "btm.report.html"
    assert cli(["report", "--reference", str(locus_ref_dir), "--sample", "btm", "--calls", str(calls),
                "--bam", str(bam), "--cn-png", str(png), "--run", "RUN7", "--info", "assay=wgs",
                "--json", str(out_json), "--html", str(out_html)]) == 0
    report = json.loads(out_json.read_text())
    validate_report(report)
    assert report["run"] == "RUN7" and report["input"] == {"assay": "wgs"}
    assert report["plots"] == {"copy_number": "btm.cn.png"}
    assert report["beta"]["status"] == "beta_thal_major" and report["beta"]["genotype"] == "β0/β+"
    assert report["alpha"]["status"] == "not_assessable"  # no copy-number analysis: never "normal"
    assert [(e["gene"], e["exon"]) for e in report["coverage"]["exons"]] == [
        ("HBB", 1), ("HBB", 2), ("HBB", 3), ("HBA2", 1), ("HBA2", 2), ("HBA2", 3), ("HBA1", 1), ("HBA1", 2), ("HBA1", 3)]
    hbb = report["coverage"]["exons"][:3]
    assert all(e["min_depth"] >= 20 and e["pct_ge_threshold"] == 100.0 for e in hbb)
    html = out_html.read_text()
    assert "<td>CD39 (C&gt;T)</td>" in html and "RUN7" in html and "data:image/png;base64," in html


def test_report_cli_refuses_non_png_plot(tmp_path, capsys):
    bad = tmp_path / "x.cn.png"
    bad.write_text("not an image")
    calls = tmp_path / "S.calls.json"
    calls.write_text(json.dumps(F.calls_json("S", [], [], F.depth_by_gene())))
    ref_dir = tmp_path / "ref"
    F.locus_reference().write(ref_dir)
    rc = cli(["report", "--reference", str(ref_dir), "--sample", "S", "--calls", str(calls), "--cn-png", str(bad),
              "--json", str(tmp_path / "S.report.json"), "--html", str(tmp_path / "S.report.html")])
    assert rc == 1
    assert capsys.readouterr().err == f"thalgen: error: {bad}: not a PNG image\n"
    assert not (tmp_path / "S.report.json").exists()


def test_catalog_deletion_gaps_are_amber_not_red(tmp_path):
    """The CN caller lists catalog deletions it cannot see (dicts or bare names): a limitation, not a failed sample."""
    report = F.normal_report(tmp_path)
    report["structural_assessment"]["not_assessable"] = [
        {"what": "HS40del79.7", "reason": "chr16:46622-126319 lies outside the locus reference"}]
    report["structural_assessment"]["incompletely_assessed"] = ["HPFH-1"]
    validate_report(report)
    html = render_report(report)
    assert "NOT ASSESSABLE" not in html
    assert ("<li><b>2 catalog deletion(s) not fully assessable</b>: HS40del79.7, HPFH-1 — see Evidence</li>") in html
    assert ("<tr><td>HS-40 del (79.7 kb)</td><td>not assessable</td><td>chr16:46622-126319 lies outside the locus "
            "reference</td></tr>") in html
    assert "<tr><td>HPFH-1 (Black)</td><td>incompletely assessed</td><td>incompletely assessed</td></tr>" in html
    report["structural_assessment"]["not_assessable"].append({"what": "alpha cluster", "reason": "depth too noisy"})
    html = render_report(report)
    assert "⚠ NOT ASSESSABLE — THIS RESULT IS INCOMPLETE" in html
    assert "<li><b>alpha cluster not assessable</b>: depth too noisy</li>" in html


def test_amplicon_deletion_row_says_depth_is_not_used():
    """Long-read amplicon deletions carry no depth ratio (read counts are PCR efficiency): never 'ratio 0.00'."""
    from thalgen.report.html import deletion_row

    d = {"name": "--SEA", "cluster": "alpha", "chrom": "chr16", "start": 165401, "end": 184701, "copies": 1,
         "kind": "deletion", "evidence": {"depth_ratio": 0.0, "depth_ratio_note": "not used: amplicon reads are whole "
                                          "PCR products", "junction_reads": 18, "log_likelihood_ratio": 5.4}}
    row = deletion_row(d)
    assert (row["depth"], row["evidence"], row["copies"]) == ("depth not used", "18 junction reads", "1 of 2 chromosomes")
    d["evidence"].pop("depth_ratio_note")
    assert deletion_row(d)["depth"] == "ratio 0.00"
