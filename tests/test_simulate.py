"""Tests for thalgen.simulate: spec parsing, haplotype construction, homology rearrangements, truth, CLI."""

from __future__ import annotations

import gzip
import hashlib
import json
from pathlib import Path

import numpy as np
import pytest

from thalgen.cli.main import main as cli_main
from thalgen.errors import InputError
from thalgen.genes import genes
from thalgen.locus import Interval, LocusReference, LocusSlice, read_fasta
from thalgen.simulate import (
    build_haplotype,
    build_patient,
    homology_boxes,
    load_spec,
    patient_rng,
    resolve_edit,
    truth,
)

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"
SLICES = [SHARED / "chr11_beta_cluster.fa", SHARED / "chr16_HBA_cluster.fa"]
SPEC = Path("spec.yaml")


@pytest.fixture(scope="module")
def refdir(tmp_path_factory) -> Path:
    if not all(p.exists() for p in SLICES):
        pytest.skip("shared reference slices not available")
    slices = {}
    for path in SLICES:
        for header, seq in read_fasta(path):
            iv = Interval.parse(header.split()[0])
            slices[iv.chrom] = LocusSlice(iv, seq, str(path))
    d = tmp_path_factory.mktemp("locusref")
    LocusReference(slices).write(d)
    return d


@pytest.fixture(scope="module")
def ref(refdir) -> LocusReference:
    return LocusReference.load(refdir)


def hap(ref, tokens, index=1, seed=1):
    rng = patient_rng(seed, "t", "crossover")
    return build_haplotype(ref, [resolve_edit(ref, t, SPEC, rng) for t in tokens], index, SPEC)


def rel(ref, chrom, pos1):
    return pos1 - 1 - ref.slice(chrom).interval.start0


# ---- small edits --------------------------------------------------------------------------------
def test_snv_changes_exactly_one_base(ref):
    h = hap(ref, ["chr11:5227002:T:A"])
    seq, refseq = h.contigs["chr11"].sequence, ref.slice("chr11").sequence
    i = rel(ref, "chr11", 5227002)
    assert refseq[i] == "T" and seq[i] == "A"
    assert len(seq) == len(refseq)
    assert sum(a != b for a, b in zip(seq, refseq)) == 1
    assert h.contigs["chr16"].sequence == ref.slice("chr16").sequence


def test_cd41_42_deletion_and_cd8_9_insertion(ref):
    refseq = ref.slice("chr11").sequence
    h = hap(ref, ["chr11:5226762:CAAAG:C", "chr11:5226995:C:CC"])
    seq = h.contigs["chr11"].sequence
    i = rel(ref, "chr11", 5226762)
    j = rel(ref, "chr11", 5226995)
    expected = refseq[: i + 1] + refseq[i + 5 : j + 1] + "C" + refseq[j + 1 :]
    assert seq == expected
    assert len(seq) == len(refseq) - 3
    # inserted base has no reference origin; bases after the deletion keep their GRCh38 positions
    origin = h.contigs["chr11"].origin0
    assert origin[j - 4 + 1] == -1
    assert origin[i + 1] == 5226762 - 1 + 5


def test_truth_left_normalises_and_sets_zygosity(ref):
    spec = _patient("p", [["chr11:5226995:C:CC", "chr11:5227002:T:A"], ["chr11:5227002:T:A"]])
    haps = build_patient(ref, spec, SPEC)
    t = truth(ref, spec, haps)
    assert [(v["pos"], v["ref"], v["alt"], v["zygosity"], v["alt_copies"], v["total_copies"], v["haplotypes"]) for v in t["variants"]] == [
        (5226994, "A", "AC", "heterozygous", 1, 2, [1]),
        (5227002, "T", "A", "homozygous", 2, 2, [1, 2]),
    ]
    assert t["variants"][0]["gene"] == "HBB"
    assert t["deletions"] == []


def test_variant_opposite_a_deletion_is_hemizygous(ref):
    spec = _patient("p", [["chr16:173598:T:C"], ["del:chr16:165401-184701"]])
    t = truth(ref, spec, build_patient(ref, spec, SPEC))
    v = t["variants"][0]
    assert (v["gene"], v["zygosity"], v["alt_copies"], v["total_copies"]) == ("HBA2", "hemizygous", 1, 1)
    assert t["deletions"] == [
        {"name": "del:chr16:165401-184701", "chrom": "chr16", "start": 165401, "end": 184701,
         "kind": "deletion", "copies": 1, "haplotypes": [2]}
    ]


def test_explicit_sea_like_deletion_removes_the_segment(ref):
    h = hap(ref, ["del:chr16:165401-184701"])
    refseq = ref.slice("chr16").sequence
    a, b = rel(ref, "chr16", 165401), rel(ref, "chr16", 184701) + 1
    assert h.contigs["chr16"].sequence == refseq[:a] + refseq[b:]
    assert len(h.contigs["chr16"].sequence) == 70000 - 19301


def test_explicit_duplication_is_tandem(ref):
    h = hap(ref, ["dup:chr16:173384-177187"])
    refseq = ref.slice("chr16").sequence
    a, b = rel(ref, "chr16", 173384), rel(ref, "chr16", 177187) + 1
    assert h.contigs["chr16"].sequence == refseq[:b] + refseq[a:b] + refseq[b:]
    assert int(np.count_nonzero(h.contigs["chr16"].origin0 == 173384 - 1)) == 2


# ---- homology-mediated rearrangements -----------------------------------------------------------
def test_homology_boxes_found_from_sequence(ref):
    boxes = homology_boxes(ref)
    assert (boxes["Z"].offset, boxes["Z"].stretch_start0 + 1, boxes["Z"].stretch_end0) == (3804, 172871, 173383)
    assert (boxes["X"].offset, boxes["X"].stretch_start0 + 1, boxes["X"].stretch_end0) == (4257, 169499, 169818)


def test_alpha37_hybrid_keeps_hba2_5prime_and_hba1_3prime(ref):
    refseq = ref.slice("chr16").sequence
    h = hap(ref, ["-α3.7"])
    e = h.edits[0]
    assert (e.name, e.kind, e.end0 - e.start0) == ("-a3.7", "deletion", 3804)
    seq = h.contigs["chr16"].sequence
    assert len(seq) == len(refseq) - 3804
    hba2, hba1 = genes()["HBA2"], genes()["HBA1"]
    c = e.start0 - ref.slice("chr16").interval.start0  # crossover, slice-relative
    s2 = rel(ref, "chr16", hba2.start1)
    e1 = rel(ref, "chr16", hba1.end1) + 1
    hybrid = seq[s2 : e1 - 3804]
    assert hybrid[: c - s2] == refseq[s2:c]  # 5': HBA2
    assert hybrid[c - s2 :] == refseq[c + 3804 : e1]  # 3': HBA1
    # and the 3' part really is HBA1-specific: it differs from HBA2's own 3' end
    assert hybrid[c - s2 :] != refseq[c : e1 - 3804]


def test_anti37_triplication_adds_one_unit(ref):
    refseq = ref.slice("chr16").sequence
    h = hap(ref, ["anti-3.7"])
    e = h.edits[0]
    assert (e.name, e.kind) == ("anti-3.7", "duplication")
    c = e.start0 - ref.slice("chr16").interval.start0
    seq = h.contigs["chr16"].sequence
    assert seq == refseq[: c + 3804] + refseq[c : c + 3804] + refseq[c + 3804 :]


def test_alpha42_deletes_hba2_whole(ref):
    h = hap(ref, ["-a4.2"])
    e = h.edits[0]
    hba2 = genes()["HBA2"]
    assert e.end0 - e.start0 == 4257
    assert 169498 <= e.start0 <= 169818
    assert e.start0 < hba2.start1 - 1 and e.end0 >= hba2.end1
    origin = h.contigs["chr16"].origin0
    assert not np.any((origin >= hba2.start1 - 1) & (origin < hba2.end1))


def test_crossover_is_seeded(ref):
    a = hap(ref, ["-a3.7"], seed=5).edits[0].start0
    b = hap(ref, ["-a3.7"], seed=5).edits[0].start0
    assert a == b


def test_variant_in_triplicated_unit_has_three_copies(ref):
    spec = _patient("p", [["chr16:173598:T:C"], ["anti-3.7"]])
    t = truth(ref, spec, build_patient(ref, spec, SPEC))
    v = t["variants"][0]
    assert (v["zygosity"], v["alt_copies"], v["total_copies"]) == ("heterozygous", 1, 3)
    assert t["deletions"][0]["kind"] == "duplication" and t["deletions"][0]["homology"]["unit_length"] == 3804


# ---- bad input ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "token, problem",
    [
        ("chr11:5227002:G:A", "REF mismatch: the reference has T at chr11:5227002, not G"),
        ("chr11:1000:A:G", "outside the locus reference"),
        ("HBX:c.20A>T", "no transcript for gene HBX"),
        ("nonsense_edit", "unknown edit 'nonsense_edit'"),
    ],
)
def test_bad_edit_names_spec_and_problem(ref, token, problem):
    with pytest.raises(InputError) as exc:
        resolve_edit(ref, token, SPEC, patient_rng(1, "x"))
    assert exc.value.path == "spec.yaml"
    assert problem in exc.value.problem


def test_overlapping_edits_rejected(ref):
    with pytest.raises(InputError) as exc:
        hap(ref, ["chr16:173598:T:C", "-a3.7"])
    assert exc.value.path == "spec.yaml"
    assert exc.value.problem.startswith("haplotype 1: 'chr16:173598:T:C' (chr16:173598) lies inside the segment deleted by '-a3.7'")
    assert "HBA1 position (+3804 bp)" in exc.value.problem
    with pytest.raises(InputError) as exc:
        hap(ref, ["chr11:5226762:CAAAG:C", "chr11:5226764:A:G"])
    assert exc.value.problem == (
        "haplotype 1: edits 'chr11:5226762:CAAAG:C' (chr11:5226762-5226766) and "
        "'chr11:5226764:A:G' (chr11:5226764-5226764) overlap")


def test_hgvs_edit_uses_hgvs_module_or_says_it_is_missing(ref):
    try:
        import thalgen.hgvs  # noqa: F401
    except ImportError:
        with pytest.raises(InputError) as exc:
            resolve_edit(ref, "HBB:c.20A>T", SPEC, patient_rng(1, "x"))
        assert "thalgen.hgvs" in exc.value.problem
        return
    e = resolve_edit(ref, "HBB:c.20A>T", SPEC, patient_rng(1, "x"))
    assert (e.chrom, e.start1, e.ref, e.alt) == ("chr11", 5227002, "T", "A")


def _write(tmp_path, name, text):
    p = tmp_path / name
    p.write_text(text)
    return p


@pytest.mark.parametrize(
    "body, problem",
    [
        ("patients:\n  - id: a\n    haplotypes: [[]]\n", "exactly two lists"),
        ("patients:\n  - id: a\n    haplotypes: [[], []]\n    platform: sanger\n", "unknown platform 'sanger'"),
        ("patients:\n  - id: a\n    haplotypes: [[], []]\n    depht: 3\n", "unknown key(s): depht"),
        ("patients:\n  - id: a\n    haplotypes: [[], []]\n  - id: a\n    haplotypes: [[], []]\n", "duplicate patient id(s): a"),
        ("defaults: {depth: lots}\npatients:\n  - id: a\n    haplotypes: [[], []]\n", "depth must be a number"),
        ("patients: [", "not valid YAML"),
    ],
)
def test_bad_spec_files(tmp_path, body, problem):
    p = _write(tmp_path, "s.yaml", body)
    with pytest.raises(InputError) as exc:
        load_spec(p)
    assert exc.value.path == str(p)
    assert problem in exc.value.problem


def test_tsv_spec(tmp_path):
    p = _write(
        tmp_path,
        "s.tsv",
        "id\thaplotype1\thaplotype2\tdepth\tplatform\n"
        "p1\tchr11:5227002:T:A;-a3.7\t.\t30\thifi\n",
    )
    (pt,) = load_spec(p)
    assert (pt.id, pt.haplotypes, pt.depth, pt.platform, pt.read_length) == (
        "p1", (["chr11:5227002:T:A", "-a3.7"], []), 30.0, "hifi", 150)


def test_patient_rng_depends_on_seed_and_id_only():
    a = patient_rng(3, "x").integers(0, 1 << 30, 4).tolist()
    assert a == patient_rng(3, "x").integers(0, 1 << 30, 4).tolist()
    assert a != patient_rng(3, "y").integers(0, 1 << 30, 4).tolist()
    assert a != patient_rng(4, "x").integers(0, 1 << 30, 4).tolist()


def _patient(pid, haplotypes, **kw):
    from thalgen.simulate import DEFAULTS, PatientSpec

    s = {**DEFAULTS, **kw}
    return PatientSpec(pid, (haplotypes[0], haplotypes[1]), s["platform"], s["assay"], s["depth"], s["read_length"],
                       s["insert_mean"], s["insert_sd"], s["duplicate_rate"], s["seed"], s["regions"], s["capture_bias"])


# ---- CLI end to end ------------------------------------------------------------------------------
SMALL_SPEC = """\
defaults: {platform: illumina, depth: 20, read_length: 100, insert_mean: 300, insert_sd: 30, seed: 7,
           regions: ["chr11:5225000-5228000"]}
patients:
  - id: sickle
    haplotypes: [["chr11:5227002:T:A"], ["chr11:5227002:T:A"]]
    expect: {beta.status: sickle_cell_disease}
  - id: long1
    platform: hifi
    depth: 4
    regions: ["chr16:170000-180000"]
    haplotypes: [["-a3.7"], []]
"""


def _md5(path: Path) -> str:
    return hashlib.md5(path.read_bytes()).hexdigest()


def test_cli_writes_reads_and_truth_deterministically(refdir, tmp_path, capsys):
    spec = _write(tmp_path, "spec.yaml", SMALL_SPEC)
    out1, out2 = tmp_path / "o1", tmp_path / "o2"
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(out1)]) == 0
    # other order: only one patient; its reads must not depend on the others
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(out2), "--patient", "long1"]) == 0
    assert sorted(p.name for p in out1.iterdir()) == [
        "long1.fastq.gz", "long1.truth.json", "sickle.truth.json", "sickle_R1.fastq.gz", "sickle_R2.fastq.gz"]
    assert _md5(out1 / "long1.fastq.gz") == _md5(out2 / "long1.fastq.gz")
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(out2), "--patient", "sickle"]) == 0
    assert _md5(out1 / "sickle_R1.fastq.gz") == _md5(out2 / "sickle_R1.fastq.gz")
    # gzip header: no name, mtime 0
    raw = (out1 / "sickle_R1.fastq.gz").read_bytes()
    assert raw[3] & 0x08 == 0 and raw[4:8] == b"\0\0\0\0"
    t = json.loads((out1 / "sickle.truth.json").read_text())
    assert (t["sample"], t["platform"], t["depth"], t["seed"], t["expect"]) == (
        "sickle", "illumina", 20.0, 7, {"beta.status": "sickle_cell_disease"})
    assert [(v["pos"], v["zygosity"]) for v in t["variants"]] == [(5227002, "homozygous")]
    with gzip.open(out1 / "sickle_R1.fastq.gz", "rt") as fh:
        first = [next(fh) for _ in range(4)]
    assert first[0] == "@sickle:1/1\n" and len(first[1]) == 101 and first[2] == "+\n"
    # 2 haplotypes x 10 depth x 3000 bp / (2 x 100)
    assert t["read_pairs"] == 300
    lt = json.loads((out1 / "long1.truth.json").read_text())
    assert lt["deletions"][0]["name"] == "-a3.7" and lt["deletions"][0]["end"] - lt["deletions"][0]["start"] + 1 == 3804


def test_cli_bad_spec_exits_with_error(refdir, tmp_path, capsys):
    spec = _write(tmp_path, "bad.yaml", "patients:\n  - id: a\n    haplotypes: [[\"chr11:5227002:G:A\"], []]\n")
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(tmp_path / "o")]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"thalgen: error: {spec}: chr11:5227002:G:A: REF mismatch")
    assert not (tmp_path / "o" / "a.truth.json").exists()


# ---- catalog names ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "token, record",
    [
        ("Hb Constant Spring", ("chr16", 173598, "T", "C")),
        ("CD41/42 (-TTCT)", ("chr11", 5226762, "CAAAG", "C")),
        ("HBB_c.27dup", ("chr11", 5226994, "A", "AC")),
        ("rs334", ("chr11", 5227002, "T", "A")),
    ],
)
def test_catalog_small_variant_by_name(ref, token, record):
    e = resolve_edit(ref, token, SPEC, patient_rng(1, "x"))
    assert (e.chrom, e.start1, e.ref, e.alt) == record


def test_catalog_name_matching_several_variants_is_ambiguous(ref):
    with pytest.raises(InputError) as exc:
        resolve_edit(ref, "rs41464951", SPEC, patient_rng(1, "x"))
    assert "ambiguous" in exc.value.problem and "HBA2_c.427T>C" in exc.value.problem


def test_catalog_deletion_by_name_or_clear_error(ref):
    from thalgen import catalog

    try:
        d = catalog.deletion_by_name("--SEA")
    except Exception:  # the deletion catalog is not in this build yet
        with pytest.raises(InputError) as exc:
            resolve_edit(ref, "--SEA", SPEC, patient_rng(1, "x"))
        assert "unknown edit '--SEA'" in exc.value.problem
        return
    e = resolve_edit(ref, "--SEA", SPEC, patient_rng(1, "x"))
    assert (e.kind, e.chrom, e.start1, e.end1, e.name) == ("deletion", d.chrom, d.start1, d.end1, "--SEA")


# ---- capture bias, panels, amplicons ------------------------------------------------------------
def test_capture_bias_keeps_mean_on_target_depth(ref):
    from thalgen.simulate import _reference_weights

    region = Interval.parse("chr11:5225001-5235000")
    low = Interval.parse("chr11:5226001-5227000")
    spec = _patient("p", [[], []], regions=[region], capture_bias=[(low, 0.5)])
    w = _reference_weights(ref, spec, "chr11")
    i0 = region.start0 - ref.slice("chr11").interval.start0
    assert w[:i0].sum() == 0 and w[i0 + 10_000 :].sum() == 0
    assert w[i0 : i0 + 10_000].mean() == pytest.approx(1.0)
    # the smooth profile alone: uneven (> 20 % range) but neighbouring bases differ by < 1 %
    plain = _reference_weights(ref, _patient("p", [[], []], regions=[region], capture_bias=True), "chr11")
    on = plain[i0 : i0 + 10_000]
    assert on.mean() == pytest.approx(1.0)
    assert on.max() / on.min() > 1.2 and np.max(np.abs(np.diff(on)) / on[:-1]) < 0.01
    # the given interval is at half the efficiency the smooth profile alone would give
    j = low.start0 - ref.slice("chr11").interval.start0
    ratio = (w[j : j + 1000] / plain[j : j + 1000]) / (w[i0:j] / plain[i0:j]).mean()
    assert np.allclose(ratio, 0.5)


def test_amplicon_across_a_deletion_gives_gap_pcr_product(refdir, tmp_path):
    spec = _write(
        tmp_path,
        "amp.yaml",
        "defaults: {depth: 20, read_length: 100, duplicate_rate: 0}\n"
        "patients:\n"
        "  - id: gap\n"
        "    assay: amplicon\n"
        "    regions: ['chr16:165001-185000', 'chr11:5226601-5227000']\n"
        "    haplotypes: [['del:chr16:165401-184701'], []]\n",
    )
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(tmp_path / "o")]) == 0
    t = json.loads((tmp_path / "o" / "gap.truth.json").read_text())
    # the normal chr16 allele (20 kb) is too long to amplify; the deleted one gives 20000 - 19301 bp
    assert sorted((p["haplotype"], p["chrom"], p["length"]) for p in t["amplicon_products"]) == [
        (1, "chr11", 400), (1, "chr16", 699), (2, "chr11", 400)]
    # 10 x length / 200 pairs per product: 20 + 35 + 20
    assert t["read_pairs"] == 20 + 35 + 20


def test_cli_seed_override_and_patient_filter(refdir, tmp_path):
    spec = _write(tmp_path, "spec.yaml", SMALL_SPEC)
    out = tmp_path / "o"
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(out),
                     "--patient", "sickle", "--seed", "99"]) == 0
    assert sorted(p.name for p in out.iterdir()) == ["sickle.truth.json", "sickle_R1.fastq.gz", "sickle_R2.fastq.gz"]
    assert json.loads((out / "sickle.truth.json").read_text())["seed"] == 99
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(out),
                     "--patient", "nobody"]) == 1


# ---- long-read amplicons and primer designs ----------------------------------------------------------
DESIGN = """\
regions:
  - {id: SEA_gap, interval: "chr16:162601-185900", kind: gap, detects: --SEA junction, source: test}
  - {id: SEA_normal, interval: "chr16:183301-185900", kind: normal, detects: no --SEA, source: test}
"""


def test_long_read_amplicons_are_whole_products_from_a_named_design(refdir, tmp_path):
    _write(tmp_path, "design.yaml", DESIGN)
    spec = _write(
        tmp_path,
        "amp.yaml",
        "defaults: {platform: hifi, assay: amplicon, depth: 30, regions: design.yaml, seed: 3}\n"
        "patients:\n"
        "  - id: seahet\n"
        "    haplotypes: [['--SEA'], []]\n"
        "    capture_bias: [{interval: 'chr16:183301-185900', efficiency: 0.5}]\n",
    )
    assert cli_main(["simulate", "--reference", str(refdir), "--spec", str(spec), "--outdir", str(tmp_path / "o")]) == 0
    t = json.loads((tmp_path / "o" / "seahet.truth.json").read_text())
    products = sorted((p["haplotype"], p["region"], p["length"]) for p in t["amplicon_products"])
    # --SEA chromosome: the 4.0 kb gap product only (its normal primer is deleted); the other: the normal
    # product only (23.3 kb across the undeleted segment does not amplify)
    assert products == [(1, "chr16:162601-185900", 3999), (2, "chr16:183301-185900", 2600)]
    reads = {p["region"]: p["reads"] for p in t["amplicon_products"]}
    # depth 30 = 15 reads per chromosome's product at efficiency 1; the entry naming SEA_normal halves it
    assert t["reads"] == 22 == sum(reads.values())  # round(15 + 7.5), half to even
    with gzip.open(tmp_path / "o" / "seahet.fastq.gz", "rt") as fh:
        lengths = [len(line.strip()) for i, line in enumerate(fh) if i % 4 == 1]
    assert len(lengths) == 22
    assert sorted({3999 if abs(n - 3999) < 20 else 2600 if abs(n - 2600) < 20 else n for n in lengths}) == [2600, 3999]
    assert sum(abs(n - 3999) < 20 for n in lengths) == reads["chr16:162601-185900"]


def test_amplicon_efficiency_belongs_to_the_region_with_that_interval(ref):
    from thalgen.simulate import _amplicons

    outer, inner = Interval.parse("chr16:162601-185900"), Interval.parse("chr16:183301-185900")
    spec = _patient("p", [[], []], assay="amplicon", regions=[outer, inner], capture_bias=[(inner, 0.2)])
    h = hap(ref, ["--SEA"])
    # the gap product overlaps the entry's interval but is not that primer pair: efficiency 1
    assert [(e - s, eff) for s, e, eff in _amplicons(ref, spec, h.contigs["chr16"])] == [(3999, 1.0)]
    normal = hap(ref, [])
    assert [(e - s, eff) for s, e, eff in _amplicons(ref, spec, normal.contigs["chr16"])] == [(2600, 0.2)]


@pytest.mark.parametrize(
    "body, problem",
    [
        ("regions: []\n", "non-empty 'regions' list"),
        ("regions:\n  - {id: 'a b', interval: 'chr16:1-2', kind: gap, detects: x, source: y}\n", "id 'a b' missing"),
        ("regions:\n  - {id: a, interval: 'chr16:5-2', kind: gap, detects: x, source: y}\n", "region a: empty or negative"),
        ("regions:\n  - {id: a, interval: 'chr16:1-2', kind: qpcr, detects: x, source: y}\n", "kind 'qpcr' is not one of"),
        ("regions:\n  - {id: a, interval: 'chr16:1-2', kind: gap, detects: x}\n", "region a: 'source' is empty"),
        ("regions:\n  - {id: a, interval: 'chr16:1-2', kind: gap, detects: x, source: y}\n"
         "  - {id: a, interval: 'chr16:3-4', kind: gap, detects: x, source: y}\n", "duplicate region id(s): a"),
    ],
)
def test_bad_amplicon_design(tmp_path, body, problem):
    from thalgen.simulate import load_amplicon_design

    path = _write(tmp_path, "d.yaml", body)
    with pytest.raises(InputError) as exc:
        load_amplicon_design(path)
    assert exc.value.path == str(path) and problem in exc.value.problem
