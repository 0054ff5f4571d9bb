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
from thalgen.longread import ANCHOR, HOMOLOGY_BOX
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
ALLELES = ("aa", "--SEA", "--THAI", "--FIL", "--MED", "--MEDII", "-(a)20.5", "--CAL", "-a3.7", "-a4.2")
BETA_NA = "too few spanning reads for 619del, 1393del (long-read caller needs >= 5 reads across each breakpoint)"
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
        assert {a: v for a, v in made.items() if v} == {a: [n] for a, n in row["products"].items()}, region.id
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
    assert found == {"-a3.7": [4246], "-a4.2": [3393], "--SEA": [3999], "--MED": [2378], "--MEDII": [4985, 6249],
                     "-(a)20.5": [2599], "--FIL": [2649, 4399], "--THAI": [2749], "--CAL": [2785]}


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
                "--json", str(cn)]) == 0
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


def test_homozygous_a37_is_not_assessable_with_this_design(locus_ref_dir, workdir):
    """No chromosome gives the X-unit product (its reverse primer lies in the lost Z unit), so -a4.2 cannot be
    excluded: the cluster is refused rather than called -a3.7/-a3.7."""
    _, cn = run(locus_ref_dir, workdir, _spec("a37_a37", (["-a3.7"], ["-a3.7"])))
    alpha, _, dels, _ = calls(cn)
    assert (alpha.alleles, alpha.assessable, dels) == (None, False, [])
    assert alpha.reason == ("too few spanning reads for -a4.2, aaa_anti4.2 (long-read caller needs >= 5 reads across "
                            "each breakpoint)")


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


@pytest.mark.xfail(strict=True, reason="needs longread change: for amplicons, zygosity from the presence of "
                   "normal-product reads (>= HET_MIN_REF), not their fraction of the junction reads")
def test_weak_normal_product_still_heterozygous(locus_ref_dir, workdir):
    """The normal product amplifies 7x worse than the gap product: --SEA/aa, not --SEA/--SEA (Hb Bart's)."""
    _, cn = run(locus_ref_dir, workdir, _spec("sea_weak_normal", (["--SEA"], []), efficiency={"SEA_normal": 0.15}))
    alpha, _, dels, _ = calls(cn)
    assert (alpha.alleles, dels) == (("--SEA", "aa"), [("--SEA", 1, [1])])


@pytest.mark.xfail(strict=True, reason="needs longread change: for amplicons, no MIN_EVENT_FRACTION test and "
                   "reads of another rearrangement not weighed against an event by count")
def test_short_gap_product_outnumbering_the_unit_product(locus_ref_dir, workdir):
    """A 4-kb gap product amplifying 10x better than the 4-8 kb unit products (PCR favours short products)."""
    _, cn = run(locus_ref_dir, workdir, _spec("sea_a37_uneven", (["--SEA"], ["-a3.7"]),
                                              efficiency={"SEA_gap": 3.0, "Z_unit_3.7": 0.3}))
    alpha, _, dels, _ = calls(cn)
    assert (alpha.alleles, dels) == (("--SEA", "-a3.7"), [("--SEA", 1, [1]), ("-a3.7", 1, [2])])
