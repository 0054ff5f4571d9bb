"""Long-read structural calls and phase on simulated HiFi and ONT patients (simulate -> align -> longread).

Patients (30x HiFi, 45x ONT so a one-copy region still reaches the small-variant caller's 15x):
* ``seacs``: hap1 --SEA + HbS (HBB:c.20A>T); hap2 -a3.7 + Hb CS written on the hybrid gene + HBB:c.118C>T (β0).
  Hb CS (HBA2:c.427T>C) lies in the segment -a3.7 deletes, so the simulator refuses it there; on a -a3.7
  chromosome that codon comes from the HBA1 unit, written here as HBA1:c.427T>C (chr16:177409; the
  simulator's "+3804" hint would miss it by 7 bp: HBA1 c.427 is 3811 bp after HBA2 c.427). --SEA removes
  it from hap1, so it is hemizygous, cis to -a3.7 and trans to --SEA.
* ``cd4142``: CD41/42 (HBB:c.126_129del) on both chromosomes, no deletion.
* ``hbhcs``: the classic HbH-CS genotype --SEA / αCSα (HBA2:c.427T>C on the undeleted chromosome). --SEA
  removes the other HBA2, so Hb CS is on the only HBA2 copy: hemizygous (1/1), as the simulator's truth says.
Structural-only patients (no small-variant calling): 619del / 1393del (HiFi: two beta deletions in trans,
150 bp apart) and the triplications anti-3.7 / aa and anti-4.2 / aa, called from the reads anchored in unique
sequence on both sides of the unit homology; where too few such reads exist they are refused, never called normal.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thalgen.align import align
from thalgen.cli.main import main as cli
from thalgen.locus import LocusReference
from thalgen.simulate import PatientSpec, homology_boxes, simulate_patient
from thalgen.structural import load_cn_json

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"
HBS, B0_CD39, CS_ON_HYBRID, CD4142 = "HBB:c.20A>T", "HBB:c.118C>T", "HBA1:c.427T>C", "HBB:c.126_129del"
CS = "HBA2:c.427T>C"
PATIENTS = {
    "seacs": (["--SEA", HBS], ["-a3.7", CS_ON_HYBRID, B0_CD39]),
    "cd4142": ([CD4142], [CD4142]),
    "anti37": (["anti-3.7"], []),
    "anti37_low": (["anti-3.7"], []),
    "anti37_deep": (["anti-3.7"], []),
    "anti42": (["anti-4.2"], []),
    "del619_1393": (["619del"], ["1393del"]),
    "hbhcs": (["--SEA"], [CS]),
}
DEPTH = {"hifi": 30, "ont": 45}
#: a triplication's reads must be one unit longer to span: HiFi needs more than 30x to show it reliably
DEPTH_OF = {"anti37_low": 6, "anti37_deep": 40}
STRUCTURAL_ONLY = {"anti37", "anti37_low", "anti37_deep", "anti42", "del619_1393"}


@pytest.fixture(scope="module")
def ref_dir(tmp_path_factory) -> Path:
    fastas = [SHARED / "chr11_beta_cluster.fa", SHARED / "chr16_HBA_cluster.fa"]
    if not all(p.exists() for p in fastas):
        pytest.skip("../shared/reference test slices not available")
    from thalgen.refprep import prepare_from_locus_fastas

    out = tmp_path_factory.mktemp("lrref")
    prepare_from_locus_fastas(fastas).write(out)
    return out


@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lrsims")


def run_patient(ref_dir: Path, workdir: Path, platform: str, key: str) -> dict[str, Path]:
    """simulate -> align -> longread call, then (unless structural-only) thalgen call --copy-number ->
    longread call --calls (phase) -> thalgen report."""
    pid = f"{platform}_{key}"
    out = {k: workdir / f"{pid}.{k}" for k in ("bam", "cn.json", "calls.json", "phase.json", "cn.tsv", "cn.png", "vcf.gz",
                                                 "report.json", "report.html")}
    done = out["cn.json"] if key in STRUCTURAL_ONLY else out["report.json"]
    if done.exists():
        return out
    ref = LocusReference.load(ref_dir)
    h1, h2 = PATIENTS[key]
    spec = PatientSpec(id=pid, haplotypes=(h1, h2), platform=platform, assay="wgs",
                       depth=DEPTH_OF.get(key, DEPTH[platform]), read_length=150, insert_mean=350.0, insert_sd=60.0,
                       duplicate_rate=0.0, seed=11, regions=None, capture_bias=False)
    paths = simulate_patient(ref, spec, workdir, "<test>")
    align(ref, paths["reads"], None, pid, out["bam"], platform, 2)
    base = ["--reference", str(ref_dir), "--bam", str(out["bam"]), "--sample", pid]
    assert cli(["longread", "call", *base, "--json", str(out["cn.json"]), "--tsv", str(out["cn.tsv"]),
                "--png", str(out["cn.png"])]) == 0
    if key in STRUCTURAL_ONLY:
        return out
    assert cli(["call", *base, "--vcf", str(out["vcf.gz"]), "--json", str(out["calls.json"]), "--platform", platform,
                "--copy-number", str(out["cn.json"])]) == 0
    assert cli(["longread", "call", *base, "--calls", str(out["calls.json"]), "--phase-json", str(out["phase.json"])]) == 0
    assert cli(["report", "--reference", str(ref_dir), "--sample", pid, "--calls", str(out["calls.json"]),
                "--copy-number", str(out["cn.json"]), "--phase", str(out["phase.json"]), "--json", str(out["report.json"]),
                "--html", str(out["report.html"])]) == 0
    return out


def variants(calls_path: Path) -> dict[str, str]:
    return {f"{v['gene']}:{v['hgvs_c']}": v["zygosity"] for v in json.loads(calls_path.read_text())["variants"]}


def relations(phase: dict) -> dict[frozenset, str]:
    return {frozenset((p["a"], p["b"])): p["relation"] for p in phase["pairs"]}


def haplotype_sets(phase: dict) -> list[set[frozenset]]:
    """Each block as the set of its two haplotypes (member names), independent of which is called 1."""
    out = []
    for b in phase["blocks"]:
        haps = [frozenset(m["name"] for m in b["members"] if m["haplotype"] == h) for h in (1, 2)]
        out.append(set(haps))
    return out


@pytest.mark.parametrize("platform", ["hifi", "ont"])
def test_sea_a37_cs_and_hbs_b0_phased(ref_dir, workdir, platform):
    out = run_patient(ref_dir, workdir, platform, "seacs")
    alpha, beta, dels, doc = load_cn_json(out["cn.json"])
    assert (alpha.alleles, alpha.alternatives, alpha.assessable) == (("--SEA", "-a3.7"), [], True)
    assert (beta.alleles, beta.alternatives) == (("B", "B"), [])
    assert alpha.copy_number == {"HBA2": 0, "HBA1": 0, "hybrid": 1}
    assert [(d.name, d.copies, d.evidence["haplotypes"]) for d in dels] == [("--SEA", 1, [1]), ("-a3.7", 1, [2])]
    sea, a37 = dels
    # the --SEA junction is unique sequence: exact GRCh38 breakpoints (catalog 165401-184701)
    assert (sea.start1, sea.end1) == (165401, 184701)
    # -a3.7: one Z unit lost, the jump placed inside the identical stretch
    z = homology_boxes(LocusReference.load(ref_dir))["Z"]
    assert a37.end1 - (a37.start1 - 1) == z.offset == 3804
    assert z.stretch_start0 <= a37.start1 - 1 <= z.stretch_end0
    assert sea.junction_reads >= 5 and a37.junction_reads >= 5
    segs = [(s["start"], s["end"], s["copies"]) for s in doc["ploidy_segments"]]
    assert segs == [(165401, a37.start1 - 1, 1), (a37.start1, a37.end1, 0), (a37.end1 + 1, 184701, 1)]
    assert doc["incompletely_assessed"] == ["Chinese_GgAgdb", "HPFH-1", "HPFH-2", "HPFH-3", "HS40del60.3", "Thai_GgAgdb"]
    assert not [x for x in doc["not_assessable"] if x["what"].endswith("cluster")]
    assert {k: v for k, v in variants(out["calls.json"]).items() if k.startswith("HBB")} == {
        HBS: "heterozygous", B0_CD39: "heterozygous"}
    phase = json.loads(out["phase.json"].read_text())
    rel = relations(phase)
    assert (rel[frozenset(("--SEA", "-a3.7"))], rel[frozenset((HBS, B0_CD39))]) == ("trans", "trans")
    assert {frozenset({HBS}), frozenset({B0_CD39})} in haplotype_sets(phase)
    assert all(p["discordant_reads"] <= 0.05 * p["reads"] and p["reads"] >= 5 for p in phase["pairs"])
    assert out["cn.png"].read_bytes()[:4] == b"\x89PNG"
    rows = out["cn.tsv"].read_text().splitlines()
    assert rows[0] == "chrom\tstart\tend\tmean_depth\tcalled_copies"
    def called_at(chrom: str, pos1: int) -> str:
        return next(r.split("\t")[4] for r in rows[1:] if r.split("\t")[0] == chrom
                    and int(r.split("\t")[1]) <= pos1 <= int(r.split("\t")[2]))

    assert (called_at("chr16", 175000), called_at("chr16", 180000), called_at("chr16", 160000)) == ("0", "1", "2")


@pytest.mark.parametrize("platform", ["hifi", "ont"])
def test_cd4142_homozygote_no_deletion(ref_dir, workdir, platform):
    out = run_patient(ref_dir, workdir, platform, "cd4142")
    alpha, beta, dels, doc = load_cn_json(out["cn.json"])
    assert (alpha.alleles, beta.alleles, dels, doc["ploidy_segments"]) == (("aa", "aa"), ("B", "B"), [], [])
    assert alpha.copy_number == {"HBA2": 2, "HBA1": 2, "hybrid": 0}
    assert {g: v["copies"] for g, v in doc["copy_number"].items()} == {
        "HBZ": 2, "HBA2": 2, "HBA1": 2, "HBQ1": 2, "HBB": 2, "HBD": 2, "HBG1": 2, "HBG2": 2}
    assert variants(out["calls.json"]) == {"HBB:c.126_129del": "homozygous"}
    phase = json.loads(out["phase.json"].read_text())
    assert (phase["blocks"], phase["pairs"], phase["unphased"]) == ([], [], [])


def test_hifi_adjacent_beta_deletions_in_trans(ref_dir, workdir):
    out = run_patient(ref_dir, workdir, "hifi", "del619_1393")
    alpha, beta, dels, doc = load_cn_json(out["cn.json"])
    assert (alpha.alleles, beta.alleles, beta.alternatives) == (("aa", "aa"), ("1393del", "619del"), [])
    assert [(d.name, d.copies) for d in dels] == [("619del", 1), ("1393del", 1)]
    assert sorted(h for d in dels for h in d.evidence["haplotypes"]) == [1, 2]
    assert (dels[0].start1, dels[0].end1) == (5225389, 5226007)  # catalog breakpoints, exact
    assert {g: v["copies"] for g, v in doc["copy_number"].items()}["HBB"] == 0


def test_hifi_triplication_never_a_confident_normal(ref_dir, workdir):
    """anti-3.7 / aa at HiFi 30x with this seed: only 2 reads of the triplicated chromosome reach 1 kb of unique
    sequence beyond both Z units (they need 11.5 kb of read where a reference read needs 7.7 kb), 1 more does so
    across the X units, against 12 reference reads: too few to call the triplication, too many to rule it out.
    The cluster is refused, not called either way."""
    out = run_patient(ref_dir, workdir, "hifi", "anti37")
    alpha, _beta, dels, doc = load_cn_json(out["cn.json"])
    assert (alpha.alleles, alpha.assessable, dels) == (None, False, [])
    assert alpha.reason.startswith(
        "aaa_anti3.7: 2 read(s) anchored beyond the Z-unit homology (chr16:171843-177510) and 1 beyond the other "
        "unit's are 3804 bp longer than the reference")
    assert alpha.reason.endswith("too few to call it, too many to rule it out")
    assert [x["what"] for x in doc["not_assessable"]][0] == "alpha cluster"
    assert [(j["name"], j["kind"], j["called"]) for j in doc["junctions"]] == [("aaa_anti3.7", "duplication", False)]


def test_hifi_low_depth_triplication_refused(ref_dir, workdir):
    """anti-3.7 / aa at HiFi 6x: no read of the triplicated chromosome spans, and the reference reads are too
    few to rule a triplication out on either chromosome: not assessable, never aa/aa."""
    out = run_patient(ref_dir, workdir, "hifi", "anti37_low")
    alpha, _beta, dels, doc = load_cn_json(out["cn.json"])
    assert (alpha.alleles, alpha.assessable, dels) == (None, False, [])
    assert alpha.reason.startswith("too few spanning reads for -a4.2, aaa_anti3.7, aaa_anti4.2 (")
    reasons = {x["what"]: x["reason"] for x in doc["not_assessable"]}
    # 5 reference reads span the Z units (MIN_SPAN reads, which the earlier count of reads across the unit in any
    # arrangement accepted for aaa_anti3.7), but a triplicated chromosome's reads must be 3.8 kb longer to span:
    # at these read lengths the 5 are worth 2.9 of those
    assert reasons["aaa_anti3.7"] == (
        "5 read(s) span the Z-unit homology chr16:171843-177510 with 1000 bp anchors, 2.9 read(s)' worth of a "
        "chromosome with aaa_anti3.7 on 2 chromosome(s) where it could be (< 5): presence or absence not shown")
    assert doc["copy_number"] == {}  # neither cluster assessable at 6x: no copies claimed


@pytest.mark.parametrize(("platform", "key", "box", "unit"), [
    ("hifi", "anti37_deep", "Z", 3804), ("ont", "anti37", "Z", 3804),
    ("hifi", "anti42", "X", 4257), ("ont", "anti42", "X", 4257)])
def test_triplication_called_from_spanning_reads(ref_dir, workdir, platform, key, box, unit):
    """anti-3.7 / aa and anti-4.2 / aa: the triplicated chromosome's reads anchored beyond both units are one
    unit longer than the reference; counted against the reference reads (weighted for the longer span they need)
    they are one chromosome in two."""
    out = run_patient(ref_dir, workdir, platform, key)
    name = "aaa_anti3.7" if box == "Z" else "aaa_anti4.2"
    alpha, beta, dels, doc = load_cn_json(out["cn.json"])
    assert (alpha.alleles, alpha.alternatives, alpha.assessable, beta.alleles) == ((name, "aa"), [], True, ("B", "B"))
    # as the short-read caller counts them: anti-3.7's extra gene is the HBA2/HBA1 hybrid, anti-4.2's a whole HBA2
    assert alpha.copy_number == ({"HBA2": 2, "HBA1": 2, "hybrid": 1} if box == "Z" else {"HBA2": 3, "HBA1": 2, "hybrid": 0})
    assert [(d.name, d.kind, d.copies, d.end1 - d.start1 + 1) for d in dels] == [(name, "duplication", 1, unit)]
    region = {"Z": "chr16:171843-177510", "X": "chr16:169447-174843"}[box]
    span = dels[0].evidence["spanning"]
    assert (span["region"], span["length_change"]) == (region, unit)
    assert span["reads"] >= 3 and span["reads"] >= 0.25 * (span["reads"] + span["reference_reads_length_weighted"])
    assert not [x for x in doc["not_assessable"] if x["what"] == "alpha cluster"]
    assert [(j["name"], j["called"]) for j in doc["junctions"] if j["name"] == name] == [(name, True)]


@pytest.mark.parametrize("platform", ["hifi", "ont"])
def test_hbh_cs_sea_with_cs_in_trans(ref_dir, workdir, platform):
    """--SEA / αCSα: --SEA called from its junction, the intact chromosome shown free of -a3.7/-a4.2/anti- by
    the reads spanning its units; Hb CS on the only HBA2 left (hemizygous), trans to --SEA; HbH disease."""
    out = run_patient(ref_dir, workdir, platform, "hbhcs")
    alpha, beta, dels, doc = load_cn_json(out["cn.json"])
    assert (alpha.alleles, alpha.alternatives, alpha.assessable, beta.alleles) == (("--SEA", "aa"), [], True, ("B", "B"))
    assert alpha.copy_number == {"HBA2": 1, "HBA1": 1, "hybrid": 0}
    assert [(d.name, d.copies, d.start1, d.end1) for d in dels] == [("--SEA", 1, 165401, 184701)]
    assert variants(out["calls.json"]) == {CS: "hemizygous"}
    phase = json.loads(out["phase.json"].read_text())
    assert relations(phase) == {frozenset(("--SEA", CS)): "trans"}
    assert haplotype_sets(phase) == [{frozenset({"--SEA"}), frozenset({CS})}]
    report = json.loads(out["report.json"].read_text())
    assert (report["alpha"]["status"], report["alpha"]["genotype_ascii"]) == ("hbh_disease", "--SEA/aCSa")
    assert (report["beta"]["status"], report["beta"]["genotype"]) == ("normal", "β/β")


@pytest.mark.parametrize("platform", ["hifi", "ont"])
def test_cs_on_hybrid_hemizygous_cis_to_a37(ref_dir, workdir, platform):
    out = run_patient(ref_dir, workdir, platform, "seacs")
    # the small-variant caller used the long-read copies: Hb CS on the hybrid is hemizygous
    assert variants(out["calls.json"]) == {HBS: "heterozygous", B0_CD39: "heterozygous", CS_ON_HYBRID: "hemizygous"}
    phase = json.loads(out["phase.json"].read_text())
    assert relations(phase) == {
        frozenset(("--SEA", "-a3.7")): "trans",
        frozenset(("--SEA", CS_ON_HYBRID)): "trans",
        frozenset(("-a3.7", CS_ON_HYBRID)): "cis",
        frozenset((HBS, B0_CD39)): "trans",
    }
    assert haplotype_sets(phase) == [
        {frozenset({"--SEA"}), frozenset({"-a3.7", CS_ON_HYBRID})},
        {frozenset({HBS}), frozenset({B0_CD39})},
    ]
    assert phase["unphased"] == []
