"""Amplicon long reads (long-range PCR over the alpha cluster, HiFi/ONT): simulate -> align -> longread call.

The design is config/lr_amplicons.yaml. Every read is one whole PCR product, so depth says nothing about
copy number; deletions are called from junction reads (gap products, short unit products) and zygosity
from reads of normal-allele products. First the design itself is checked (primer sites unique, product
sizes as documented, a junction product for every key catalog deletion), then patients end to end.
"""

from __future__ import annotations

import collections
import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from thalgen.align import align
from thalgen.catalog import load_deletions
from thalgen.cli.main import main as cli
from thalgen.locus import LocusReference
from thalgen.longread import AMPLICON_DEPTH_NOTE, ANCHOR, DROPOUT_CAVEAT, HOMOLOGY_BOX
from thalgen.simulate import (
    MAX_AMPLICON,
    PatientSpec,
    _amplicons,
    build_haplotype,
    homology_boxes,
    load_amplicon_design,
    resolve_edit,
    simulate_patient,
)
from thalgen.structural import load_cn_json

DESIGN = Path(__file__).resolve().parents[1] / "config" / "lr_amplicons.yaml"
ALLELES = ("aa", "--SEA", "--THAI", "--FIL", "--MED", "--MEDII", "-(a)20.5", "--CAL", "-a3.7", "-a4.2", "aaa_anti3.7",
           "aaa_anti4.2")
BETA_NA = "not covered by the amplicon design: 619del, 1393del (no product would carry their junctions)"
DEPTH = 40  # 20 reads per chromosome's product at efficiency 1
COMP = str.maketrans("ACGT", "TGCA")


def _chr16(ref: LocusReference, allele: str):
    edits = [] if allele == "aa" else [resolve_edit(ref, allele, "<test>", np.random.default_rng(3))]
    return build_haplotype(ref, edits, 1).contigs["chr16"]


def _spec(pid: str, haps, platform: str = "hifi", efficiency: dict[str, float] | None = None) -> PatientSpec:
    design = load_amplicon_design(DESIGN)
    by_id = {r.id: r.interval for r in design}
    bias = [(by_id[k], v) for k, v in (efficiency or {}).items()] or False
    return PatientSpec(id=pid, haplotypes=haps, platform=platform, assay="amplicon", depth=DEPTH, read_length=150,
                       insert_mean=350.0, insert_sd=60.0, duplicate_rate=0.0, seed=5,
                       regions=[r.interval for r in design], capture_bias=bias)


# ---- the design ------------------------------------------------------------------------------------
def test_primer_sites_are_unique_in_the_locus(locus_ref):
    """Products are simulated by GRCh38 origin; that equals primer binding only where the 20-mer is unique."""
    k = 20
    counts: collections.Counter[str] = collections.Counter()
    for sl in locus_ref.slices.values():
        seq = sl.sequence.upper()
        for i in range(len(seq) - k + 1):
            counts[seq[i : i + k]] += 1
            counts[seq[i : i + k].translate(COMP)[::-1]] += 1
    for r in load_amplicon_design(DESIGN):
        fwd = locus_ref.fetch0(r.interval.chrom, r.interval.start0, r.interval.start0 + k).upper()
        rev = locus_ref.fetch0(r.interval.chrom, r.interval.end0 - k, r.interval.end0).upper()
        assert (r.id, counts[fwd], counts[rev]) == (r.id, 1, 1)


def test_products_are_as_documented(locus_ref):
    """The sizes written in the YAML are what the simulator makes, allele by allele (missing = no product)."""
    doc = yaml.safe_load(DESIGN.read_text())
    design = load_amplicon_design(DESIGN)
    contigs = {a: _chr16(locus_ref, a) for a in ALLELES}
    for row, region in zip(doc["regions"], design):
        spec = _spec("d", ([], []))
        spec.regions = [region.interval]
        made = {a: [e - s for s, e, _ in _amplicons(locus_ref, spec, c)] for a, c in contigs.items()}
        assert {a: v for a, v in made.items() if v} == {a: n if isinstance(n, list) else [n]
                                                          for a, n in row["products"].items()}, region.id
    kinds = collections.Counter(r.kind for r in design)
    assert kinds == {"gap": 6, "normal": 3, "unit": 2, "gene": 2}


def test_every_key_alpha_deletion_has_a_junction_product_anchored_for_the_caller(locus_ref):
    """alpha0 and homology deletions with catalog breakpoints: some product of the deleted chromosome reaches
    ANCHOR bp beyond where the caller looks (the whole homology window for -a3.7/-a4.2), within MAX_AMPLICON."""
    boxes = homology_boxes(locus_ref)
    design = load_amplicon_design(DESIGN)
    spec = _spec("d", ([], []))
    spec.regions = [r.interval for r in design]
    found = {}
    for d in load_deletions():
        if d.cluster != "alpha" or d.start1 is None or d.kind != "deletion":
            continue
        if d.variant_class != "alpha0" and d.name not in HOMOLOGY_BOX:
            continue
        if not locus_ref.covers(d.chrom, d.start1 - 1, d.end1):
            continue
        contig = _chr16(locus_ref, d.name)
        lo0, hi0 = d.start1 - 1, d.end1
        if d.name in HOMOLOGY_BOX:
            box = boxes[HOMOLOGY_BOX[d.name]]
            lo0, hi0 = box.stretch_start0, box.stretch_end0 + box.offset
        spans = [(int(contig.origin0[s]), int(contig.origin0[e - 1]) + 1, e - s)
                 for s, e, _ in _amplicons(locus_ref, spec, contig)]
        found[d.name] = sorted(n for s0, e0, n in spans
                               if s0 <= lo0 - ANCHOR and e0 >= hi0 + ANCHOR and n <= MAX_AMPLICON)
    assert found == {"-a3.7": [4501], "-a4.2": [3993], "--SEA": [3999], "--MED": [2378], "--MEDII": [4985, 6249],
                     "-(a)20.5": [2599, 11799, 12285], "--FIL": [2649, 4399], "--THAI": [2749], "--CAL": [2785]}


def test_unit_products_reach_unique_anchors_on_every_arrangement(locus_ref):
    """Each unit pair's homology (the caller's homology_regions) lies >= ANCHOR inside its unit product, so the
    product's length decides -a / normal / anti; the anti products are short enough to amplify."""
    from thalgen.longread import homology_regions

    regions = homology_regions(locus_ref)
    by_id = {r.id: r.interval for r in load_amplicon_design(DESIGN)}
    sizes = {}
    for rid, box in (("Z_unit_3.7", "Z"), ("X_unit_4.2", "X")):
        iv, reg = by_id[rid], regions[box]
        assert iv.start0 <= reg.start0 - ANCHOR and iv.end0 >= reg.end0 + ANCHOR
        sizes[box] = (iv.end0 - iv.start0 - reg.unit, iv.end0 - iv.start0, iv.end0 - iv.start0 + reg.unit)
    assert sizes == {"Z": (4501, 8305, 12109), "X": (3993, 8250, 12507)}
    assert max(sizes["Z"][2], sizes["X"][2]) <= MAX_AMPLICON == 13_000


# ---- patients end to end -------------------------------------------------------------------------
@pytest.fixture(scope="module")
def workdir(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("lramp")


def run(ref_dir: Path, workdir: Path, spec: PatientSpec) -> tuple[dict, Path]:
    """simulate -> align (no position duplicate marking: amplicon reads all start at a primer) -> longread call."""
    ref = LocusReference.load(ref_dir)
    paths = simulate_patient(ref, spec, workdir, "<test>")
    bam, cn = workdir / f"{spec.id}.bam", workdir / f"{spec.id}.cn.json"
    align(ref, paths["reads"], None, spec.id, bam, spec.platform, 2, markdup="umi-only")
    assert cli(["longread", "call", "--reference", str(ref_dir), "--bam", str(bam), "--sample", spec.id,
                "--assay", "amplicon", "--json", str(cn)]) == 0
    return json.loads(paths["truth"].read_text()), cn


def calls(cn: Path):
    alpha, beta, dels, doc = load_cn_json(cn)
    return alpha, beta, [(d.name, d.copies, d.evidence["haplotypes"]) for d in dels], doc


CASES = {
    "aa": ("hifi", ([], []), ("aa", "aa"), []),
    "sea": ("hifi", (["--SEA"], []), ("--SEA", "aa"), [("--SEA", 1, [1])]),
    "a37": ("hifi", (["-a3.7"], []), ("-a3.7", "aa"), [("-a3.7", 1, [1])]),
    "sea_a37": ("hifi", (["--SEA"], ["-a3.7"]), ("--SEA", "-a3.7"), [("--SEA", 1, [1]), ("-a3.7", 1, [2])]),
    "a42": ("hifi", (["-a4.2"], []), ("-a4.2", "aa"), [("-a4.2", 1, [1])]),
    "sea_sea": ("hifi", (["--SEA"], ["--SEA"]), ("--SEA", "--SEA"), [("--SEA", 2, [1, 2])]),
    "ont_sea_a37": ("ont", (["--SEA"], ["-a3.7"]), ("--SEA", "-a3.7"), [("--SEA", 1, [1]), ("-a3.7", 1, [2])]),
    # two alpha0 deletions in trans (Hb Bart's): a normal-allele product of one lies in the other's deleted segment
    "sea_fil": ("hifi", (["--SEA"], ["--FIL"]), ("--FIL", "--SEA"), [("--FIL", 1, [1]), ("--SEA", 1, [2])]),
    "sea_thai": ("hifi", (["--SEA"], ["--THAI"]), ("--SEA", "--THAI"), [("--THAI", 1, [1]), ("--SEA", 1, [2])]),
}


@pytest.mark.parametrize("key", list(CASES))
def test_alpha_genotype_from_junction_and_normal_products(locus_ref_dir, workdir, key):
    platform, haps, alleles, deletions = CASES[key]
    t, cn = run(locus_ref_dir, workdir, _spec(key, haps, platform))
    alpha, beta, dels, doc = calls(cn)
    assert (alpha.alleles, alpha.assessable) == (alleles, True)
    assert dels == deletions
    # no beta products in this design: the beta cluster is refused, never called normal
    assert (beta.assessable, beta.reason) == (False, BETA_NA)
    assert doc["depth"]["normalisation"].startswith("none")
    if "--SEA" in alleles:  # unique junction: exact catalog breakpoints
        sea = next(d for d in load_cn_json(cn)[2] if d.name == "--SEA")
        assert (sea.start1, sea.end1) == (165401, 184701)
    # every read is one whole product: as many reads as the truth's products drew
    assert t["reads"] == sum(p["reads"] for p in t["amplicon_products"])


def test_homozygous_a37_from_the_missing_normal_unit_product(locus_ref_dir, workdir):
    """Only the short Z-unit product and no normal one: -a3.7 on both chromosomes (neither gives the X-unit product,
    whose reverse primer lies in the lost Z unit, and -a4.2 in cis with -a3.7 is not an allele). The call rests on a
    missing normal product, so the cn.json carries the allele-dropout caveat."""
    _, cn = run(locus_ref_dir, workdir, _spec("a37_a37", (["-a3.7"], ["-a3.7"])))
    alpha, _, dels, doc = calls(cn)
    assert (alpha.alleles, alpha.assessable, dels) == (("-a3.7", "-a3.7"), True, [("-a3.7", 2, [1, 2])])
    assert alpha.copy_number == {"HBA2": 0, "HBA1": 0, "hybrid": 2}
    assert doc["caveats"] == [DROPOUT_CAVEAT.format(name="-a3.7", where="both chromosomes", n=0)]


@pytest.mark.parametrize(("key", "allele", "copies"), [
    ("anti37", "aaa_anti3.7", {"HBA2": 2, "HBA1": 2, "hybrid": 1}),
    ("anti42", "aaa_anti4.2", {"HBA2": 3, "HBA1": 2, "hybrid": 0})])
def test_triplication_from_the_long_unit_product(locus_ref_dir, workdir, key, allele, copies):
    """anti-3.7 / aa and anti-4.2 / aa: the unit product one unit longer (12.1 / 12.5 kb) beside the normal one;
    heterozygous because normal-product reads are present, whatever their number. Gene copies as the short-read
    caller counts them: the anti-3.7 extra gene is the hybrid, anti-4.2's is a whole HBA2."""
    _, cn = run(locus_ref_dir, workdir, _spec(key, ([allele], [])))
    alpha, _, dels, doc = calls(cn)
    assert (alpha.alleles, alpha.assessable, dels) == ((allele, "aa"), True, [(allele, 1, [1])])
    assert alpha.copy_number == copies
    d = load_cn_json(cn)[2][0]
    assert (d.kind, d.depth_ratio, d.evidence["depth_ratio_note"]) == ("duplication", 0.0, AMPLICON_DEPTH_NOTE)
    assert doc["caveats"] == []


#: beta rows (no beta product in the design); every alpha row in the slice has a product that carries it
NOT_COVERED = ["1393del", "619del", "Lepore-BW", "SEA-HPFH", "Sicilian_db", "Thai_db", "Turkish_GgAgdb", "beta cluster"]


def test_normal_sample_lists_what_the_design_cannot_see(locus_ref_dir, workdir):
    """aa / aa: every alpha catalog row inside the slice is carried by some product (nothing listed as 'not covered'),
    anti- rows ruled out by the normal unit products; the beta cluster has no product and is refused."""
    _, cn = run(locus_ref_dir, workdir, _spec("aa_na", ([], [])))
    _, _, _, doc = calls(cn)
    na = {x["what"]: x["reason"] for x in doc["not_assessable"]}
    assert sorted(k for k, v in na.items() if v.startswith("not covered by the amplicon design")) == NOT_COVERED
    assert not {"-a3.7", "-a4.2", "aaa_anti3.7", "aaa_anti4.2", "--SEA", "alpha cluster"} & set(na)
    assert doc["deletions"] == [] and doc["caveats"] == []
    assert doc["assay"] == "amplicon" and doc["depth"]["normalisation"].startswith("none: amplicon long reads")


#: Uneven but every event's own alleles share a primer pair (the unit products) or are near-equal.
UNEVEN = {"SEA_normal": 5.0, "X_unit_4.2": 0.5, "HBA2_gene": 0.1, "HBA1_gene": 8.0, "MED_CAL_normal": 3.0,
          "FIL_THAI_normal": 0.5, "SEA_gap": 6.0}


def test_uneven_products_do_not_change_the_call(locus_ref_dir, workdir):
    t, cn = run(locus_ref_dir, workdir, _spec("a37_uneven", (["-a3.7"], []), efficiency=UNEVEN))
    reads = collections.Counter()
    for p in t["amplicon_products"]:
        reads[p["region"]] += p["reads"]
    # read counts per product differ ~80-fold (HBA1 gene vs HBA2 gene) ...
    assert reads["chr16:175101-178100"] >= 40 * reads["chr16:171001-175000"] > 0
    alpha, _, dels, _ = calls(cn)
    # ... and the call is the one of even products
    assert (alpha.alleles, dels) == (("-a3.7", "aa"), [("-a3.7", 1, [1])])


def test_weak_normal_product_still_heterozygous(locus_ref_dir, workdir):
    """The normal product amplifies 7x worse than the gap product: --SEA/aa, not --SEA/--SEA (Hb Bart's)."""
    _, cn = run(locus_ref_dir, workdir, _spec("sea_weak_normal", (["--SEA"], []), efficiency={"SEA_normal": 0.15}))
    alpha, _, dels, _ = calls(cn)
    assert (alpha.alleles, dels) == (("--SEA", "aa"), [("--SEA", 1, [1])])


def test_short_gap_product_outnumbering_the_unit_product(locus_ref_dir, workdir):
    """A 4-kb gap product amplifying 10x better than the 4-8 kb unit products (PCR favours short products)."""
    _, cn = run(locus_ref_dir, workdir, _spec("sea_a37_uneven", (["--SEA"], ["-a3.7"]),
                                              efficiency={"SEA_gap": 3.0, "Z_unit_3.7": 0.3}))
    alpha, _, dels, _ = calls(cn)
    assert (alpha.alleles, dels) == (("--SEA", "-a3.7"), [("--SEA", 1, [1]), ("-a3.7", 1, [2])])
