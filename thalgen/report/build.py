"""Assemble report.json for one sample from the callers' outputs and the interpretation.

Inputs are the files the workflow produced for the sample (calls JSON from ``thalgen call``, the
copy-number JSON from ``thalgen cnv call`` when it ran, alignment counts); the output is one
dictionary in the report.json shape, which the HTML report renders and ``thalgen validate`` reads.
"""

from __future__ import annotations

import datetime as _dt
from pathlib import Path
from typing import Any

from thalgen import __version__
from thalgen.errors import InputError
from thalgen.fileio import read_json
from thalgen.interpret import interpret
from thalgen.locus import LocusReference
from thalgen.model import ClusterGenotype, DeletionCall, NotCallable, VariantCall

REPORT_SCHEMA_VERSION = "1.0"


def variant_from_json(d: dict[str, Any]) -> VariantCall:
    fields = dict(d)
    fields["pos1"] = fields.pop("pos")
    return VariantCall(**fields)


def not_callable_from_json(d: dict[str, Any]) -> NotCallable:
    fields = dict(d)
    fields["start1"] = fields.pop("start")
    fields["end1"] = fields.pop("end")
    return NotCallable(**fields)


def apply_phase(variants: list[VariantCall], phase: dict[str, Any]) -> None:
    """Give read-phased variants a phase set (block + haplotype): same set = cis, so the interpretation
    uses phase from the reads instead of assuming compound heterozygosity."""
    by_name: dict[str, str] = {}
    for block in phase.get("blocks", []):
        for m in block.get("members", []):
            if m.get("kind") == "variant":
                by_name[m["name"]] = f"{block['id']}.h{m['haplotype']}"
    for v in variants:
        ps = by_name.get(f"{v.gene}:{v.hgvs_c}")
        if ps:
            v.phase_set = ps


def _load_cn(path: str | Path | None) -> tuple[ClusterGenotype | None, ClusterGenotype | None, list[DeletionCall], dict[str, Any]]:
    if not path:
        return None, None, [], {}
    from thalgen.structural import load_cn_json

    return load_cn_json(path)


def _outside_amplicon_design(gene: str, cn: dict[str, Any] | None) -> bool:
    """An amplicon sample whose cluster of ``gene`` no product of the design covers (zero reads expected)."""
    from thalgen.genes import genes

    if not cn or cn.get("assay") != "amplicon" or gene not in genes():
        return False
    cluster = genes()[gene].cluster
    return any(item.get("what") == f"{cluster} cluster" and "not covered by the amplicon design" in item.get("reason", "")
               for item in cn.get("not_assessable", []))


def qc_status(calls: dict[str, Any], cn: dict[str, Any], min_depth: int) -> dict[str, Any]:
    """pass / warn / fail with the reasons a bioinformatician reads first.

    Depth is judged per copy: a gene the copy-number step found on one chromosome (--SEA/-a3.7) is
    expected at half depth, and a gene deleted on both (--SEA/--SEA) is explained, not a QC failure.
    Catalog deletions the locus reference cannot see are limitations of the assay, listed in the report,
    not QC problems of this sample; a whole cluster that is not assessable is.
    """
    reasons: list[str] = []
    status = "pass"
    depth = calls.get("depth_by_gene", {})
    copy_number = (cn or {}).get("copy_number", {})
    for gene, d in sorted(depth.items()):
        copies = (copy_number.get(gene) or {}).get("copies")
        if copies == 0:
            continue  # deleted on both chromosomes: zero depth is the finding
        if d["mean_depth"] == 0 and _outside_amplicon_design(gene, cn):
            # an amplicon design targets what it targets: a gene with no product is outside the assay (its
            # cluster is then reported not assessable), not a failed sample
            if status == "pass":
                status = "warn"
            reasons.append(f"{gene}: no reads (not targeted by the amplicon design)")
            continue
        scale = 2 / copies if copies else 1.0
        if d["mean_depth"] * scale < min_depth:
            status = "fail"
            reasons.append(f"{gene}: mean usable depth {d['mean_depth']}x is below {min_depth}x")
        elif d["min_depth"] * scale < min_depth:
            if status == "pass":
                status = "warn"
            reasons.append(f"{gene}: parts below {min_depth}x (min {d['min_depth']}x); see not callable")
    for item in (cn or {}).get("not_assessable", []):
        if str(item.get("what", "")).endswith("cluster"):
            if status == "pass":
                status = "warn"
            reasons.append(f"{item['what']}: {item.get('reason', 'not assessable')}")
    return {"status": status, "reasons": reasons, "depth": depth, "min_depth": min_depth}


def build_report(
    sample: str,
    ref: LocusReference,
    calls_path: str | Path,
    cn_path: str | Path | None = None,
    align_stats_path: str | Path | None = None,
    sample_info: dict[str, Any] | None = None,
    phase_path: str | Path | None = None,
) -> dict[str, Any]:
    """The report.json dictionary for one sample."""
    calls = read_json(calls_path)
    if calls.get("sample") != sample:
        raise InputError(calls_path, f"calls are for sample {calls.get('sample')!r}, not {sample!r}")
    variants = [variant_from_json(v) for v in calls["variants"]]
    phase = read_json(phase_path) if phase_path else None
    if phase is not None:
        apply_phase(variants, phase)
    not_callable = [not_callable_from_json(n) for n in calls["not_callable"]]
    alpha, beta, deletions, cn = _load_cn(cn_path)
    interpretation = interpret(alpha, beta, variants, not_callable)
    interpretation["interpretation"]["notes"].extend(f"α: {c}" for c in (cn or {}).get("caveats", []))
    from thalgen.catalog import CATALOG_VERSION

    align_stats = read_json(align_stats_path) if align_stats_path else {}
    settings = calls.get("settings", {})
    report: dict[str, Any] = {
        "schema_version": REPORT_SCHEMA_VERSION,
        "sample": sample,
        "thalgen_version": __version__,
        "generated_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "input": sample_info or {},
        "reference": ref.to_json(),
        "catalog_version": CATALOG_VERSION,
        "qc": {**qc_status(calls, cn, int(settings.get("min_depth", 15))), "alignment": align_stats},
        "variants": [v.to_json() for v in variants],
        "not_callable": [n.to_json() for n in not_callable],
        "deletions": [d.to_json() for d in deletions],
        "copy_number": cn.get("copy_number", {}) if cn else {},
        "phase": {k: v for k, v in phase.items() if k != "sample"} if phase else None,
        "structural_assessment": {
            "alpha": cn.get("alpha") if cn else None,
            "beta": cn.get("beta") if cn else None,
            "not_assessable": cn.get("not_assessable", []) if cn else [{"what": "copy number", "reason": "copy-number analysis was not run"}],
            "incompletely_assessed": cn.get("incompletely_assessed", []) if cn else [],
        },
        **interpretation,
        "method": {
            "aligner": f"mappy (minimap2) preset {align_stats.get('preset', 'sr')}",
            "aligner_version": align_stats.get("mappy_version", ""),
            "small_variants": {k: settings[k] for k in sorted(settings)},
            "calling_regions": calls.get("regions", []),
        },
    }
    return report
