"""Report dictionaries built by the real pipeline pieces (build_report + interpret) for the report tests.

A calls JSON is written the way ``thalgen call`` writes it, ``build_report`` assembles the report, and when
a structural genotype is given the copy-number part is filled the way build_report does with a CN JSON
(``interpret`` on the ClusterGenotypes, DeletionCall.to_json for the deletions), so the tests exercise
the same shapes the workflow produces without waiting for a BAM.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from thalgen.catalog import load_deletions, load_small_variants
from thalgen.interpret import interpret
from thalgen.locus import Interval, LocusReference, LocusSlice
from thalgen.model import ClusterGenotype, DeletionCall, NotCallable, VariantCall
from thalgen.report.build import build_report

SHARED = Path(__file__).resolve().parents[2] / "shared"


def locus_reference() -> LocusReference:
    """A small in-memory reference (only its provenance block reaches the report)."""
    return LocusReference({
        "chr11": LocusSlice(Interval("chr11", 5_199_999, 5_300_000), "ACGT" * 25_000 + "A", "test slice chr11"),
        "chr16": LocusSlice(Interval("chr16", 130_001, 200_001), "TGCA" * 17_500, "test slice chr16"),
    })


def catalog_call(name: str, zygosity: str = "heterozygous", depth: int = 60, total: int = 2,
                 filters: tuple[str, ...] = ()) -> VariantCall:
    """A VariantCall for the catalog row whose common name or id is ``name`` (real coordinates and HGVS)."""
    rows = [r for r in load_small_variants() if name in (r.common_name, r.id)]
    assert len(rows) == 1, name
    r = rows[0]
    alt = total if zygosity in ("homozygous", "hemizygous") else 1
    alt_depth = round(depth * alt / total)
    return VariantCall(chrom=r.chrom, pos1=r.pos1, ref=r.ref, alt=r.alt, gene=r.gene, transcript=r.transcript,
                       hgvs_c=r.hgvs_c, hgvs_p=r.hgvs_p, zygosity=zygosity, alt_copies=alt, total_copies=total,
                       depth=depth, ref_depth=depth - alt_depth, alt_depth=alt_depth, alt_fraction=alt_depth / depth,
                       quality=812.4, genotype_quality=99, consequence="", catalog_id=r.id,
                       common_name=r.common_name, variant_class=r.variant_class, in_catalog=True,
                       filters=list(filters))


def novel_call(gene: str = "HBB", chrom: str = "chr11", pos1: int = 5226700, hgvs_c: str = "c.193A>G",
               hgvs_p: str = "p.(Lys65Glu)") -> VariantCall:
    return VariantCall(chrom=chrom, pos1=pos1, ref="T", alt="C", gene=gene, transcript="NM_000518.5", hgvs_c=hgvs_c,
                       hgvs_p=hgvs_p, zygosity="heterozygous", alt_copies=1, total_copies=2, depth=48, ref_depth=25,
                       alt_depth=23, alt_fraction=23 / 48, quality=402.0, genotype_quality=99, consequence="missense")


def catalog_deletion(name: str, copies: int = 1, junction_reads: int = 14, depth_ratio: float = 0.5) -> DeletionCall:
    rows = [d for d in load_deletions() if d.name == name]
    assert len(rows) == 1, name
    d = rows[0]
    assert d.start1 is not None and d.end1 is not None
    return DeletionCall(name=d.name, cluster=d.cluster, chrom=d.chrom, start1=d.start1, end1=d.end1, copies=copies,
                        kind=d.kind, catalog_id=d.id, variant_class=d.variant_class, depth_ratio=depth_ratio,
                        junction_reads=junction_reads, log_likelihood_ratio=38.6)


def depth_by_gene(mean: float = 62.0, minimum: int = 41, pct: float = 100.0) -> dict[str, dict[str, float]]:
    return {g: {"mean_depth": mean, "min_depth": minimum, "pct_ge_20x": pct, "region_mean_depth": mean,
                "low_mapq_mean": 0.0 if g == "HBB" else 1.5} for g in ("HBA1", "HBA2", "HBB")}


def calls_json(sample: str, variants: list[VariantCall], not_callable: list[NotCallable],
               depth: dict[str, dict[str, float]]) -> dict[str, Any]:
    return {"sample": sample, "settings": {"min_depth": 15, "min_mapq": 20, "min_baseq": 13, "min_qual": 20},
            "regions": ["chr11:5225000-5229000", "chr16:172000-174200", "chr16:175800-178000"],
            "variants": [v.to_json() for v in variants], "not_callable": [n.to_json() for n in not_callable],
            "depth_by_gene": depth}


def make_report(tmp: Path, sample: str, variants: list[VariantCall] = (), not_callable: list[NotCallable] = (),
                alpha: ClusterGenotype | None = None, beta: ClusterGenotype | None = None,
                deletions: list[DeletionCall] = (), copy_number: dict[str, Any] | None = None,
                depth: dict[str, dict[str, float]] | None = None, ref: LocusReference | None = None,
                structural_gaps: list[dict[str, str]] = ()) -> dict[str, Any]:
    """report.json dict; with ``alpha``/``beta`` the copy-number part is filled as build_report does with a CN JSON."""
    path = Path(tmp) / f"{sample}.calls.json"
    path.write_text(json.dumps(calls_json(sample, list(variants), list(not_callable), depth or depth_by_gene())))
    report = build_report(sample, ref or locus_reference(), path, None, None,
                          {"platform": "illumina", "assay": "capture"})
    if alpha is not None or beta is not None:
        report.update(interpret(alpha, beta, list(variants), list(not_callable)))
        report["deletions"] = [d.to_json() for d in deletions]
        report["copy_number"] = copy_number or {}
        report["structural_assessment"] = {
            "alpha": {"alleles": list(alpha.alleles)} if alpha and alpha.alleles else None,
            "beta": {"alleles": list(beta.alleles)} if beta and beta.alleles else None,
            "not_assessable": list(structural_gaps), "incompletely_assessed": []}
    return report


NORMAL_CN = {"HBZ": {"copies": 2, "ratio": 1.01, "quality": 60}, "HBA2": {"copies": 2, "ratio": 0.98, "quality": 60},
             "HBA1": {"copies": 2, "ratio": 1.02, "quality": 60}, "HBQ1": {"copies": 2, "ratio": 0.99, "quality": 60},
             "HBB": {"copies": 2, "ratio": 1.0, "quality": 60}, "HBD": {"copies": 2, "ratio": 0.97, "quality": 60}}


def normal_report(tmp: Path, sample: str = "NORMAL-01", **kw: Any) -> dict[str, Any]:
    return make_report(tmp, sample, alpha=ClusterGenotype("alpha", ("aa", "aa")),
                       beta=ClusterGenotype("beta", ("B", "B")), copy_number=NORMAL_CN, **kw)


def beta_major_report(tmp: Path, sample: str = "BTM-02", **kw: Any) -> dict[str, Any]:
    """IVS-I-110 / CD39 compound heterozygote (unphased short reads)."""
    return make_report(tmp, sample, variants=[catalog_call("CD39 (C>T)"), catalog_call("IVS-I-110 (G>A)")],
                       alpha=ClusterGenotype("alpha", ("aa", "aa")), beta=ClusterGenotype("beta", ("B", "B")),
                       copy_number=NORMAL_CN, **kw)


def hbh_report(tmp: Path, sample: str = "HBH-03", **kw: Any) -> dict[str, Any]:
    """--SEA/-α3.7 deletional HbH disease."""
    cn = dict(NORMAL_CN)
    cn.update({"HBA2": {"copies": 1, "ratio": 0.49, "quality": 45}, "HBA1": {"copies": 1, "ratio": 0.52, "quality": 45},
               "HBQ1": {"copies": 1, "ratio": 0.51, "quality": 50}})
    return make_report(tmp, sample, alpha=ClusterGenotype("alpha", ("--SEA", "-a3.7"), log_likelihood_ratio=41.0),
                       beta=ClusterGenotype("beta", ("B", "B")),
                       deletions=[catalog_deletion("--SEA", junction_reads=9, depth_ratio=0.5),
                                  catalog_deletion("-a3.7", junction_reads=0, depth_ratio=0.0)],
                       copy_number=cn, **kw)


def low_coverage_report(tmp: Path, sample: str = "LOWCOV-04", **kw: Any) -> dict[str, Any]:
    depth = {"HBA1": {"mean_depth": 5.2, "min_depth": 0, "pct_ge_20x": 0.0, "region_mean_depth": 5.0, "low_mapq_mean": 3.1},
             "HBA2": {"mean_depth": 4.8, "min_depth": 0, "pct_ge_20x": 0.0, "region_mean_depth": 4.6, "low_mapq_mean": 3.4},
             "HBB": {"mean_depth": 7.9, "min_depth": 2, "pct_ge_20x": 0.0, "region_mean_depth": 7.5, "low_mapq_mean": 0.0}}
    nc = [NotCallable("chr11", 5225464, 5227071, "depth 2-12 < 15 (min usable depth)", gene="HBB"),
          NotCallable("chr16", 172876, 173710, "depth 0-9 < 15 (min usable depth)", gene="HBA2"),
          NotCallable("chr16", 176680, 177522, "depth 0-8 < 15 (min usable depth)", gene="HBA1"),
          NotCallable("chr11", 5226820, 5226820, "depth 6 < 15", gene="HBB", what="site", name="IVS-I-110 (G>A)")]
    return make_report(tmp, sample, not_callable=nc, depth=depth,
                       alpha=ClusterGenotype("alpha", None, assessable=False,
                                             reason="mean depth 5x is below the 15x copy-number analysis needs"),
                       beta=ClusterGenotype("beta", None, assessable=False,
                                            reason="mean depth 8x is below the 15x copy-number analysis needs"),
                       structural_gaps=[{"what": "copy number", "reason": "mean depth below 15x in both clusters"}], **kw)


def alpha0_carrier_report(tmp: Path, sample: str, deletion: str = "--SEA", **kw: Any) -> dict[str, Any]:
    cn = dict(NORMAL_CN)
    cn.update({"HBA2": {"copies": 1, "ratio": 0.5, "quality": 52}, "HBA1": {"copies": 1, "ratio": 0.49, "quality": 52},
               "HBQ1": {"copies": 1, "ratio": 0.5, "quality": 52}})
    return make_report(tmp, sample, alpha=ClusterGenotype("alpha", (deletion, "aa")),
                       beta=ClusterGenotype("beta", ("B", "B")), deletions=[catalog_deletion(deletion)],
                       copy_number=cn, **kw)
