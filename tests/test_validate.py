"""thalgen validate: concordance outcomes on hand-made reports, the CLI outputs, a broken caller, the
reference-sample set (coverage of every claimed class, expectations = the rules on the true genotype,
sheet = spec), and simulator determinism."""

from __future__ import annotations

import copy
import gzip
import json
import re
from pathlib import Path

import pytest

from thalgen.cli.main import main as cli
from thalgen.errors import InputError
from thalgen.validate import (
    canonical_deletion_name,
    compare_deletions,
    compare_expectations,
    compare_variants,
    format_table,
    normalise_genotype,
    render_html,
    validate,
)

REPO = Path(__file__).resolve().parents[1]
SPEC = REPO / "config" / "reference_patients.yaml"
SHEET = REPO / "config" / "reference_samples.tsv"
CI_CONFIG = REPO / "config" / "ci" / "config.yaml"
REFERENCE = {"build": "GRCh38", "intervals": ["chr11:5200000-5300000", "chr16:130002-200001"],
             "checksums": {"chr11:5200000-5300000": "md5:a", "chr16:130002-200001": "md5:b"}}
HBS = {"chrom": "chr11", "pos": 5227002, "ref": "T", "alt": "A", "gene": "HBB"}
CS = {"chrom": "chr16", "pos": 173598, "ref": "T", "alt": "C", "gene": "HBA2"}


def called(v: dict, zygosity: str = "heterozygous", alt: int = 1, total: int = 2, filters=()) -> dict:
    return {**v, "hgvs_c": {5227002: "c.20A>T", 173598: "c.427T>C"}.get(v["pos"], ""), "zygosity": zygosity,
            "alt_copies": alt, "total_copies": total, "filters": list(filters)}


def make_truth(sample="s1", variants=(), deletions=(), expect=None) -> dict:
    return {"sample": sample, "variants": [dict(v) for v in variants], "deletions": [dict(d) for d in deletions],
            "expect": dict(expect or {}), "reference": REFERENCE, "_path": f"{sample}.truth.json",
            "platform": "illumina", "assay": "wgs", "depth": 30, "haplotypes": [["x"], []]}


def make_report(sample="s1", variants=(), deletions=(), not_callable=(), alpha="silent_carrier",
                alpha_gt="-a3.7/aa", beta="normal", beta_gt="β/β", structure=True) -> dict:
    return {
        "sample": sample, "thalgen_version": "0.1.0", "catalog_version": "c1", "reference": REFERENCE,
        "variants": list(variants), "deletions": list(deletions), "not_callable": list(not_callable),
        "alpha": {"status": alpha, "genotype_ascii": alpha_gt, "genotype": alpha_gt},
        "beta": {"status": beta, "genotype": beta_gt}, "qc": {"status": "pass"},
        "structural_assessment": {"alpha": {"alleles": ["-a3.7", "aa"]} if structure else None,
                                  "beta": {"alleles": ["B", "B"]} if structure else None},
        "method": {"calling_regions": ["chr11:5225164-5227371", "chr16:172576-174010", "chr16:176380-177822"]},
    }


def outcomes(checks, klass=None, positive_only=True):
    """(item, outcome) for the checks of a class, leaving out the catalog-site negatives."""
    return sorted((c.item, c.outcome) for c in checks if (klass is None or c.klass == klass)
                  and not (positive_only and c.outcome == "TN" and "(catalog" in c.item))


# -------------------------------------------------------------------------------- small variants
def test_variant_outcomes_tp_wrong_fn_fp():
    truth = make_truth(variants=[{**HBS, "zygosity": "heterozygous", "alt_copies": 1, "total_copies": 2},
                                 {**CS, "zygosity": "heterozygous", "alt_copies": 1, "total_copies": 2}])
    fp = {"chrom": "chr11", "pos": 5226925, "ref": "C", "alt": "T", "gene": "HBB"}
    report = make_report(variants=[called(HBS, "homozygous", 2, 2), called(fp)])
    checks = compare_variants(truth, report)
    assert outcomes(checks) == [
        ("chr11:5226925 C>T (HBB)", "FP"),
        ("chr11:5227002 T>A (HBB c.20A>T)", "wrong"),
        ("chr16:173598 T>C (HBA2)", "FN"),
    ]
    wrong = next(c for c in checks if c.outcome == "wrong")
    assert (wrong.expected, wrong.reported) == ("heterozygous 1/2", "homozygous 2/2")


def test_copy_number_aware_zygosity_is_compared():
    truth = make_truth(variants=[{**CS, "zygosity": "hemizygous", "alt_copies": 1, "total_copies": 1}])
    ok = compare_variants(truth, make_report(variants=[called(CS, "hemizygous", 1, 1)]))
    bad = compare_variants(truth, make_report(variants=[called(CS, "heterozygous", 1, 2)]))
    assert outcomes(ok) == [("chr16:173598 T>C (HBA2 c.427T>C)", "TP")]
    assert outcomes(bad) == [("chr16:173598 T>C (HBA2 c.427T>C)", "wrong")]


def test_not_callable_and_filtered_are_no_calls_and_expected_when_truth_says_not_assessable():
    het = {**HBS, "zygosity": "heterozygous", "alt_copies": 1, "total_copies": 2}
    nc = [{"chrom": "chr11", "start": 5226900, "end": 5227100, "reason": "usable depth 4 < 15", "gene": "HBB"}]
    checks = compare_variants(make_truth(variants=[het]), make_report(not_callable=nc))
    assert outcomes(checks) == [("chr11:5227002 T>A (HBB)", "no_call")]
    assert checks[0].note == "not callable: usable depth 4 < 15"
    expected_na = make_truth(variants=[het], expect={"beta.status": "not_assessable"})
    assert outcomes(compare_variants(expected_na, make_report(not_callable=nc))) == [
        ("chr11:5227002 T>A (HBB)", "expected_no_call")]
    filtered = compare_variants(make_truth(variants=[het]), make_report(variants=[called(HBS, filters=["LowQual"])]))
    assert outcomes(filtered) == [("chr11:5227002 T>A (HBB c.20A>T)", "no_call")]
    assert filtered[0].note == "filtered: LowQual"


def test_filtered_false_call_is_not_counted_and_catalog_sites_are_negatives():
    report = make_report(variants=[called(HBS, filters=["LowQual"])])
    checks = compare_variants(make_truth(), report)
    assert [c for c in checks if c.outcome != "TN"] == []
    negatives = {c.item for c in checks}
    assert "chr11:5227002 T>A (catalog site)" not in negatives  # a call was made there, filtered
    assert "chr11:5227003 C>T (catalog site)" in negatives  # HbC, correctly absent
    # a site inside a not-callable region is neither a TN nor a FP
    nc = [{"chrom": "chr11", "start": 5227000, "end": 5227010, "reason": "depth"}]
    gap = compare_variants(make_truth(), make_report(not_callable=nc))
    assert "chr11:5227003 C>T (catalog site)" not in {c.item for c in gap}


# -------------------------------------------------------------------------------------- deletions
def _del(name, start, end, copies=1, chrom="chr16", kind="deletion"):
    return {"name": name, "chrom": chrom, "start": start, "end": end, "copies": copies, "kind": kind,
            "cluster": "alpha" if chrom == "chr16" else "beta"}


def test_deletion_names_copies_and_overlap():
    assert canonical_deletion_name("anti-3.7") == "aaa_anti3.7"
    assert canonical_deletion_name("-α3.7") == "-a3.7"
    truth = make_truth(deletions=[_del("--SEA", 165401, 184701), _del("anti-3.7", 172900, 176704, kind="duplication")])
    report = make_report(deletions=[_del("--SEA", 165300, 184800), _del("aaa_anti3.7", 173384, 177187, kind="duplication")])
    assert outcomes(compare_deletions(truth, report)) == [
        ("--SEA (chr16:165401-184701)", "TP"), ("anti-3.7 (chr16:172900-176704)", "TP")]
    wrong_copies = make_report(deletions=[_del("--SEA", 165401, 184701, copies=2)])
    assert outcomes(compare_deletions(make_truth(deletions=[_del("--SEA", 165401, 184701)]), wrong_copies)) == [
        ("--SEA (chr16:165401-184701)", "wrong")]
    other_allele = make_report(deletions=[_del("--MED", 162799, 180320)])
    checks = compare_deletions(make_truth(deletions=[_del("--SEA", 165401, 184701)]), other_allele)
    assert outcomes(checks) == [("--SEA (chr16:165401-184701)", "wrong")]
    assert checks[0].note == "a different allele overlaps the true one"
    novel = compare_deletions(make_truth(deletions=[_del("del:chr16:160001-170000", 160001, 170000)]),
                              make_report(deletions=[_del("novel", 160200, 169900)]))
    assert outcomes(novel) == [("del:chr16:160001-170000 (chr16:160001-170000)", "TP")]


def test_homozygous_deletion_with_two_crossovers_is_one_allele_with_two_copies():
    truth = make_truth(deletions=[_del("-a3.7", 173202, 177005), _del("-a3.7", 173285, 177088)])
    hom = compare_deletions(truth, make_report(deletions=[_del("-a3.7", 173071, 176874, copies=2)]))
    assert [(c.item, c.expected, c.reported, c.outcome) for c in hom if c.outcome != "TN"] == [
        ("-a3.7 (chr16:173202-177088)", "-a3.7 x2", "-a3.7 x2", "TP")]
    het = compare_deletions(truth, make_report(deletions=[_del("-a3.7", 173071, 176874, copies=1)]))
    assert [(c.expected, c.reported, c.outcome) for c in het if c.outcome != "TN"] == [("-a3.7 x2", "-a3.7 x1", "wrong")]


def test_deletion_fn_fp_no_call_and_catalog_negatives():
    truth = make_truth(deletions=[_del("619del", 5225389, 5226007, chrom="chr11")])
    report = make_report(deletions=[_del("-a3.7", 173301, 177104)])
    checks = compare_deletions(truth, report)
    assert outcomes(checks) == [("-a3.7 (chr16:173301-177104)", "FP"), ("619del (chr11:5225389-5226007)", "FN")]
    negatives = sorted(c.item for c in checks if c.outcome == "TN")
    # catalog rows inside the reference slices, minus the true (619del) and called (-a3.7) ones
    assert negatives == sorted(f"{n} (catalog)" for n in (
        "-a4.2", "--SEA", "--MED", "--MEDII", "-(a)20.5", "--FIL", "--THAI", "--CAL", "aaa_anti3.7", "aaa_anti4.2",
        "1393del", "Lepore-BW", "SEA-HPFH", "Sicilian_db", "Thai_db", "Turkish_GgAgdb"))
    unassessed = compare_deletions(truth, make_report(structure=False))
    assert outcomes(unassessed, positive_only=False) == [("619del (chr11:5225389-5226007)", "no_call")]


# --------------------------------------------------------------------------------- expectations
def test_expectations_statuses_and_genotypes():
    assert normalise_genotype("--SEA/-a3.7") == normalise_genotype("-a3.7/--SEA")
    truth = make_truth(expect={"alpha.status": "hbh_disease", "alpha.genotype_ascii": "-a3.7/--SEA",
                               "beta.status": "normal", "beta.genotype": "β/β", "qc.status": "pass"})
    report = make_report(alpha="hbh_disease", alpha_gt="--SEA/-a3.7")
    assert outcomes(compare_expectations(truth, report)) == [
        ("alpha.genotype_ascii", "TP"), ("alpha.status", "TP"), ("beta.genotype", "TN"), ("beta.status", "TN"),
        ("qc.status", "TN")]
    broken = make_report(alpha="alpha0_trait", alpha_gt="--SEA/aa", beta="hbs_trait", beta_gt="βS/β")
    assert outcomes(compare_expectations(truth, broken)) == [
        ("alpha.genotype_ascii", "wrong"), ("alpha.status", "wrong"), ("beta.genotype", "FP"), ("beta.status", "FP"),
        ("qc.status", "TN")]
    missed = make_report(alpha="normal", alpha_gt="aa/aa", beta="not_assessable", beta_gt="not assessable")
    assert outcomes(compare_expectations(truth, missed)) == [
        ("alpha.genotype_ascii", "FN"), ("alpha.status", "FN"), ("beta.genotype", "no_call"), ("beta.status", "no_call"),
        ("qc.status", "TN")]


def test_unresolved_genotype_is_a_no_call_when_the_truth_is_among_the_alternatives():
    truth = make_truth(expect={"alpha.genotype_ascii": "aa/aa"})
    among = compare_expectations(truth, make_report(alpha_gt="aa/aa or HS40del60.3/aa"))
    assert [(c.outcome, c.note) for c in among] == [("no_call", "unresolved alternatives")]
    without = compare_expectations(truth, make_report(alpha_gt="-a3.7/aa or --SEA/aa"))
    assert [c.outcome for c in without] == ["FP"]


def test_confident_answer_where_not_assessable_is_expected_is_a_false_positive():
    truth = make_truth(expect={"beta.status": "not_assessable", "alpha.status": "not_assessable", "qc.status": "fail"})
    na = make_report(alpha="not_assessable", beta="not_assessable")
    na["qc"]["status"] = "fail"
    assert outcomes(compare_expectations(truth, na)) == [
        ("alpha.status", "expected_no_call"), ("beta.status", "expected_no_call"), ("qc.status", "TP")]
    confident = make_report(alpha="normal", beta="normal")
    assert outcomes(compare_expectations(truth, confident)) == [
        ("alpha.status", "FP"), ("beta.status", "FP"), ("qc.status", "FN")]
    missing_field = compare_expectations(make_truth(expect={"alpha.functional_genes": 3}), make_report())
    assert [(c.klass, c.reported, c.outcome) for c in missing_field] == [("other", "<missing>", "wrong")]


# ------------------------------------------------------------------------------------ whole runs
def write_case(tmp: Path, truth: dict, report: dict | None) -> tuple[Path, Path]:
    tdir, rdir = tmp / "truth", tmp / "results"
    tdir.mkdir(parents=True, exist_ok=True)
    t = {k: v for k, v in truth.items() if k != "_path"}
    (tdir / f"{truth['sample']}.truth.json").write_text(json.dumps(t, ensure_ascii=False))
    if report is not None:
        (rdir / truth["sample"]).mkdir(parents=True, exist_ok=True)
        (rdir / truth["sample"] / f"{truth['sample']}.report.json").write_text(json.dumps(report, ensure_ascii=False))
    return tdir, rdir


def test_cli_pass_writes_tsv_and_html_and_fails_on_a_flipped_genotype(tmp_path, capsys):
    het = {**HBS, "zygosity": "heterozygous", "alt_copies": 1, "total_copies": 2}
    truth = make_truth("s1", variants=[het], deletions=[_del("-a3.7", 173301, 177104)],
                       expect={"alpha.status": "silent_carrier", "beta.status": "hbs_trait", "beta.genotype": "βS/β"})
    report = make_report("s1", variants=[called(HBS)], deletions=[_del("-a3.7", 173300, 177100)],
                         beta="hbs_trait", beta_gt="βS/β")
    tdir, rdir = write_case(tmp_path / "ok", truth, report)
    tsv, html, details = tmp_path / "v.tsv", tmp_path / "v.html", tmp_path / "d.tsv"
    rc = cli(["validate", "--truth-dir", str(tdir), "--results-dir", str(rdir), "--tsv", str(tsv), "--html", str(html),
              "--details", str(details)])
    out = capsys.readouterr().out
    assert rc == 0
    assert "Validation PASSED: 0 discordant, 0 no-call(s)" in out
    rows = [line.split("\t") for line in tsv.read_text().splitlines()]
    assert rows[0][:11] == ["level", "name", "TP", "TN", "FP", "FN", "wrong", "no_call", "expected_no_call", "missing",
                            "checks"]
    by_name = {(r[0], r[1]): r for r in rows[1:]}
    # 64 catalog SNV sites lie in the calling regions; HbS is the TP, the other 63 are true negatives
    assert by_name[("class", "SNV")][2:6] == ["1", "63", "0", "0"]
    assert by_name[("class", "alpha_deletion")][2] == "1"
    assert by_name[("class", "status")][2:4] == ["2", "0"]
    assert by_name[("overall", "all")][-1] == "PASS"
    assert by_name[("sample", "s1")][-1] == "PASS"
    page = html.read_text()
    assert "PASSED" in page and "Sensitivity" in page and "Specificity" in page
    assert re.search(r"100\.0% \(1/1\)</td>", page)  # SNV sensitivity with its counts
    assert len(details.read_text().splitlines()) == 1 + int(by_name[("overall", "all")][10])

    # a broken caller: one genotype flipped in a copy of the results
    broken = copy.deepcopy(report)
    broken["variants"][0].update(zygosity="homozygous", alt_copies=2)
    broken["beta"].update(status="sickle_cell_anemia", genotype="βS/βS")
    tdir2, rdir2 = write_case(tmp_path / "broken", truth, broken)
    rc = cli(["validate", "--truth-dir", str(tdir2), "--results-dir", str(rdir2), "--html", str(html)])
    out = capsys.readouterr().out
    assert rc == 1
    assert "DISCORDANT: 3 check(s) in 1 sample(s)" in out
    assert re.search(r"s1 +SNV +chr11:5227002 T>A \(HBB c\.20A>T\) +heterozygous 1/2 +homozygous 2/2 +wrong", out)
    assert re.search(r"s1 +status codes +beta\.status +hbs_trait +sickle_cell_anemia +wrong", out)
    assert "Validation FAILED: 3 discordant" in out
    assert "FAILED" in html.read_text()


def test_missing_report_fails_and_other_reference_is_refused(tmp_path, capsys):
    tdir, rdir = write_case(tmp_path, make_truth("gone"), None)
    (rdir).mkdir(exist_ok=True)
    assert cli(["validate", "--truth-dir", str(tdir), "--results-dir", str(rdir)]) == 1
    assert re.search(r"gone +result file +report\.json +present +missing +missing", capsys.readouterr().out)
    other = make_report("s2")
    other["reference"] = {**REFERENCE, "checksums": {**REFERENCE["checksums"], "chr11:5200000-5300000": "md5:z"}}
    tdir, rdir = write_case(tmp_path / "ref", make_truth("s2"), other)
    with pytest.raises(InputError, match="made on another reference than the truth"):
        validate(sorted(tdir.glob("*.truth.json")), rdir)
    assert cli(["validate", "--truth-dir", str(tmp_path / "nothing"), "--results-dir", str(rdir)]) == 1
    assert "truth directory not found" in capsys.readouterr().err


def test_html_escapes_truth_text(tmp_path):
    truth = make_truth("s1")
    truth["haplotypes"] = [["<script>alert(1)</script>"], []]
    tdir, rdir = write_case(tmp_path, truth, make_report("s1"))
    page = render_html(validate(sorted(tdir.glob("*.truth.json")), rdir), title="<b>t</b>")
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page and "&lt;b&gt;t&lt;/b&gt;" in page


def test_no_call_rate_limit(tmp_path, capsys):
    truth = make_truth("s1", expect={"beta.status": "hbs_trait"})
    tdir, rdir = write_case(tmp_path, truth, make_report("s1", beta="not_assessable"))
    assert cli(["validate", "--truth-dir", str(tdir), "--results-dir", str(rdir)]) == 0
    out = capsys.readouterr().out
    assert re.search(r"s1 +status codes +beta\.status +hbs_trait +not_assessable", out)
    assert cli(["validate", "--truth-dir", str(tdir), "--results-dir", str(rdir), "--max-no-call-rate", "0"]) == 1


# --------------------------------------------------------------------- the pipeline, end to end
def test_pipeline_on_a_simulated_panel_patient_and_a_broken_copy(tmp_path, locus_ref_dir, locus_ref):
    """Simulate -> align -> call -> report (no copy number) -> validate; then flip one genotype."""
    from conftest import simulate_align

    from thalgen.report.build import build_report
    from thalgen.smallvar import CallSettings, call_sample

    spec = ("defaults: {platform: illumina, assay: panel, depth: 120, seed: 5, regions: [chr11:5224501-5228000]}\n"
            "patients:\n  - id: p1\n    haplotypes: [[HBB:c.20A>T], [HBB:c.126_129del]]\n"
            "    expect: {beta.status: sickle_beta_thal, beta.genotype: βS/β0, alpha.status: not_assessable}\n")
    run = simulate_align(locus_ref_dir, tmp_path / "sim", spec)["p1"]
    result = call_sample(str(run["bam"]), locus_ref, CallSettings())
    calls = tmp_path / "p1.calls.json"
    calls.write_text(json.dumps({"sample": "p1", "settings": {"min_depth": 15},
                                 "regions": [str(r) for r in result.regions],
                                 "variants": [v.to_json() for v in result.variants],
                                 "not_callable": [n.to_json() for n in result.not_callable],
                                 "depth_by_gene": result.depth_by_gene}))
    report = build_report("p1", locus_ref, calls)
    (tmp_path / "res" / "p1").mkdir(parents=True)
    (tmp_path / "res" / "p1" / "p1.report.json").write_text(json.dumps(report, ensure_ascii=False))
    v = validate([run["truth"]], tmp_path / "res")
    assert v.passed, format_table(v)
    assert {(c.klass, c.outcome) for c in v.checks if "catalog" not in c.item} == {
        ("SNV", "TP"), ("indel", "TP"), ("beta_genotype", "TP"), ("status", "TP"), ("status", "expected_no_call")}
    report["variants"] = [dict(x, zygosity="homozygous", alt_copies=2) if x["pos"] == 5227002 else x
                          for x in report["variants"]]
    (tmp_path / "res" / "p1" / "p1.report.json").write_text(json.dumps(report, ensure_ascii=False))
    broken = validate([run["truth"]], tmp_path / "res")
    assert not broken.passed
    assert [(c.item, c.outcome) for c in broken.checks if c.discordant] == [
        ("chr11:5227002 T>A (HBB c.20A>T)", "wrong")]


# ----------------------------------------------------------------------- the reference sample set
@pytest.fixture(scope="module")
def reference_truths(locus_ref):
    from thalgen.simulate import build_patient, load_spec, truth

    return {p.id: (p, truth(locus_ref, p, build_patient(locus_ref, p, SPEC))) for p in load_spec(SPEC)}


def test_reference_set_covers_every_claimed_class(reference_truths, locus_ref):
    from thalgen.catalog import find_variant, load_deletions

    patients = [p for p, _ in reference_truths.values()]
    truths = [t for _, t in reference_truths.values()]
    assert len(patients) >= 30
    seen_dels = {canonical_deletion_name(d["name"]) for t in truths for d in t["deletions"]}
    for row in load_deletions():
        in_slice = row.start1 is not None and all(locus_ref.covers(row.chrom, row.start1 - 1, row.end1) for _ in [0])
        if in_slice:
            assert row.name in seen_dels, f"catalog {row.cluster} deletion {row.name} inside the reference is not tested"
    classes = set()
    for t in truths:
        for v in t["variants"]:
            row = find_variant(v["chrom"], v["pos"], v["ref"], v["alt"])
            assert row is not None, v
            classes.add(row.variant_class)
            classes.add("snv" if len(v["ref"]) == len(v["alt"]) == 1 else "indel")
            classes.add(v["zygosity"])
            name = row.common_name
            for word, tag in (("HbS", "HbS"), ("HbC", "HbC"), ("HbE", "HbE"), ("Constant Spring", "HbCS"),
                              ("Quong Sze", "HbQS"), ("IVS", "splice"), ("PolyA", "polyA"), ("Cap", "cap")):
                if word in name:
                    classes.add(tag)
            if re.match(r"-\d+ ", name):
                classes.add("promoter")
        if len([v for v in t["variants"] if v["gene"] in ("HBB", "")]) >= 2 and all(
                v["zygosity"] == "heterozygous" for v in t["variants"]):
            classes.add("compound_het")
        if t["variants"] and t["deletions"] and t["deletions"][0]["chrom"] == "chr16" == t["variants"][0]["chrom"]:
            classes.add("nondeletional_with_deletion")
    for p in patients:
        classes.update({p.platform, p.assay})
        if p.depth < 10:
            classes.add("low_coverage")
        if p.haplotypes == ([], []):
            classes.add("normal")
    assert {"beta0", "beta+", "beta++", "promoter", "splice", "cap", "polyA", "indel", "snv", "HbS", "HbC", "HbE",
            "HbCS", "HbQS", "compound_het", "homozygous", "hemizygous", "nondeletional_with_deletion", "normal",
            "low_coverage", "panel", "wes", "wgs", "hifi", "ont"} <= classes
    # a homopolymer indel: one base inserted into / deleted from a run of >= 3 (CD27/28 +C: GGG -> GGGG)
    runs = [v["pos"] for t in truths for v in t["variants"] if len(v["ref"]) != len(v["alt"])
            and len(set(v["ref"][1:] + v["alt"][1:])) == 1
            and locus_ref.fetch0(v["chrom"], v["pos"], v["pos"] + 3) == (v["ref"][1:] + v["alt"][1:])[0] * 3]
    assert runs == [5226936]
    statuses = {t["expect"].get("alpha.status") for t in truths}
    assert {"silent_carrier", "alpha_thal_trait", "alpha0_trait", "hbh_disease", "hb_barts_hydrops",
            "alpha_triplication", "normal", "not_assessable"} <= statuses


def _implied(locus_ref, t: dict) -> dict:
    """What thalgen's interpretation rules report for the TRUE genotype (deletions + small variants)."""
    from thalgen import catalog, hgvs
    from thalgen.interpret import interpret
    from thalgen.model import ClusterGenotype, VariantCall

    alleles = {"chr16": ["aa", "aa"], "chr11": ["B", "B"]}
    for d in t["deletions"]:
        for h in d["haplotypes"]:
            alleles[d["chrom"]][h - 1] = canonical_deletion_name(d["name"])
    variants = []
    for v in t["variants"]:
        c = VariantCall(v["chrom"], v["pos"], v["ref"], v["alt"], v["gene"], "", "", "", v["zygosity"],
                        v["alt_copies"], v["total_copies"], 100, 50, 50, 0.5, 999.0, 99)
        ann = hgvs.annotate(locus_ref, c.chrom, c.pos1, c.ref, c.alt)
        c.gene, c.hgvs_c = ann.gene, ann.hgvs_c
        row = catalog.find_variant(*c.key)
        c.catalog_id, c.common_name, c.variant_class, c.in_catalog = row.id, row.common_name, row.variant_class, True
        variants.append(c)
    out = interpret(ClusterGenotype("alpha", tuple(alleles["chr16"])), ClusterGenotype("beta", tuple(alleles["chr11"])),
                    variants, [])
    return {"alpha.status": out["alpha"]["status"], "alpha.genotype_ascii": out["alpha"]["genotype_ascii"],
            "beta.status": out["beta"]["status"], "beta.genotype": out["beta"]["genotype"]}


def test_reference_expectations_are_the_rules_applied_to_the_true_genotype(reference_truths, locus_ref):
    for pid, (p, t) in reference_truths.items():
        expect = dict(p.expect)
        if p.depth < 10:  # too shallow for any answer: not assessable, and QC fails
            assert expect == {"alpha.status": "not_assessable", "alpha.genotype_ascii": "not assessable",
                              "beta.status": "not_assessable", "beta.genotype": "not assessable", "qc.status": "fail"}
            continue
        expect.pop("qc.status", None)
        implied = _implied(locus_ref, t)
        if p.assay == "wes":
            # an exome does not capture the introns and flanks of HBB/HBA2/HBA1: a cluster with nothing found is
            # "not assessable" there (capture gaps), never normal; what is found is still called
            for cluster, key in (("alpha", "alpha.genotype_ascii"), ("beta", "beta.genotype")):
                if implied[f"{cluster}.status"] == "normal":
                    implied[f"{cluster}.status"] = "not_assessable"
                    implied.pop(key)
        if p.assay == "amplicon" and p.platform != "illumina":
            # the long-read amplicon design has no beta products: beta is not assessable by design
            implied.update({"beta.status": "not_assessable", "beta.genotype": "not assessable"})
        assert expect == implied, pid


def test_sheet_and_ci_config_match_the_spec(reference_truths):
    import yaml

    from thalgen.samplesheet import load_sample_sheet

    cfg = yaml.safe_load(CI_CONFIG.read_text())
    assert (cfg["samples"], cfg["demo_spec"], cfg["outdir"]) == (
        "config/reference_samples.tsv", "config/reference_patients.yaml", "results/ci")
    rows = {r.sample: r for r in load_sample_sheet(SHEET)}
    assert set(rows) == set(reference_truths)
    assert {pid for pid, (p, _) in reference_truths.items() if p.platform != "illumina"} == {
        "ref_hifi_hbh_hbs", "ref_ont_a37_cd4142", "ref_hifi_anti37", "ref_ont_hbh_cs", "ref_hifi_amp_sea_a37"}
    for pid, row in rows.items():
        p = reference_truths[pid][0]
        if p.platform == "illumina":
            expected = (f"results/ci/demo/fastq/{pid}_R1.fastq.gz", f"results/ci/demo/fastq/{pid}_R2.fastq.gz")
        else:
            expected = (f"results/ci/demo/fastq/{pid}.fastq.gz", "")
        assert (row.fq1, row.fq2, row.platform, row.assay) == (*expected, p.platform, p.assay)
    # a panel of normals is built only for capture assays; keep those batches mostly two-copy anyway
    wgs = [t for pid, (p, t) in reference_truths.items() if p.assay == "wgs" and p.platform == "illumina"]
    altered = [t for t in wgs if any(d["chrom"] == "chr16" for d in t["deletions"])]
    assert len(altered) * 2 <= len(wgs)


# ------------------------------------------------------------------------------- determinism
def test_same_seed_same_fastq(tmp_path, locus_ref_dir):
    spec = tmp_path / "s.yaml"
    spec.write_text("patients:\n  - {id: d1, depth: 20, seed: 11, assay: panel, regions: [chr11:5225001-5228000],"
                    " haplotypes: [[HBB:c.20A>T], []]}\n")
    digests = []
    for run in ("a", "b"):
        assert cli(["simulate", "--reference", str(locus_ref_dir), "--spec", str(spec), "--outdir",
                    str(tmp_path / run)]) == 0
        digests.append([(tmp_path / run / f"d1_R{i}.fastq.gz").read_bytes() for i in (1, 2)])
    assert digests[0] == digests[1]
    text = gzip.decompress(digests[0][0]).decode()
    assert text.startswith("@") and text.count("\n") % 4 == 0 and len(text) > 1000
