"""``thalgen call``: small variants (SNVs, indels) in HBB, HBA2 and HBA1 -> VCF + calls JSON."""

from __future__ import annotations

import argparse
import json

from thalgen.cli.common import check_sample_id
from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable
from thalgen.locus import LocusReference
from thalgen import catalog
from thalgen.structural import HYBRID_ALLELES
from thalgen.smallvar import NEAR_BREAKPOINT_BP, NEAR_HOMOLOGY_BREAKPOINT_BP, CallSettings, CopyNumberLookup, call_sample
from thalgen.vcf import write_vcf

HELP = "call SNVs and indels in HBB/HBA2/HBA1 with copy-number-aware genotypes"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, help="locus reference directory")
    parser.add_argument("--bam", required=True, help="BAM from thalgen align (GRCh38 coordinates)")
    parser.add_argument("--sample", required=True)
    parser.add_argument("--vcf", required=True, help="output .vcf.gz (bgzipped, tabix-indexed)")
    parser.add_argument("--json", required=True, help="output calls JSON (variants, not callable, depth per gene)")
    parser.add_argument("--copy-number", help="copy-number JSON from `thalgen cnv` (segments with copies)")
    parser.add_argument("--platform", default="illumina", choices=["illumina", "hifi", "ont"], help="read technology (sets the indel error model)")
    parser.add_argument("--min-depth", type=int, default=CallSettings.min_depth, help="usable depth below which a position is not callable")


def load_copy_segments(path: str) -> CopyNumberLookup:
    """Copy-number segments (chrom, start0, end0, copies) from the cnv JSON's ``ploidy_segments``."""
    require_readable(path)
    try:
        data = json.loads(open(path).read())
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg})") from None
    segs = [(s["chrom"], int(s["start"]) - 1, int(s["end"]), int(s["copies"])) for s in data.get("ploidy_segments", [])]
    ends = [(d["chrom"], int(d[k]), _breakpoint_window(d["name"])) for d in data.get("deletions", []) for k in ("start", "end")]
    alpha_alleles = (data.get("alpha") or {}).get("alleles") or []
    # long reads are placed by their unique flanks, so a hybrid gene's paralog-derived part can lie over the
    # other gene; short reads there are placed by their own sequence and need no such filter
    long_read = data.get("caller") == "longread"
    return CopyNumberLookup(segs, breakpoints=ends,
                            hybrid_alpha=long_read and any(a in HYBRID_ALLELES for a in alpha_alleles))


def _breakpoint_window(name: str) -> int:
    try:
        mechanism = catalog.deletion_by_name(name).mechanism
    except KeyError:  # a novel segment: its ends are estimates
        mechanism = "homology"
    return NEAR_HOMOLOGY_BREAKPOINT_BP if mechanism == "homology" else NEAR_BREAKPOINT_BP


def main(args: argparse.Namespace) -> int:
    check_sample_id(args.sample)
    require_readable(args.bam)
    ref = LocusReference.load(args.reference)
    copies = load_copy_segments(args.copy_number) if args.copy_number else None
    settings = CallSettings(platform=args.platform, min_depth=args.min_depth)
    result = call_sample(args.bam, ref, settings, copies)
    write_vcf(args.vcf, args.sample, ref, result.variants, command=f"thalgen call --sample {args.sample}")
    payload = {
        "sample": args.sample,
        "settings": {"platform": settings.platform, "min_depth": settings.min_depth, "min_mapq": settings.pileup.min_mapq, "min_baseq": settings.pileup.min_baseq,
                     "min_qual": settings.min_qual},
        "regions": [str(r) for r in result.regions],
        "variants": [v.to_json() for v in result.variants],
        "not_callable": [n.to_json() for n in result.not_callable],
        "depth_by_gene": result.depth_by_gene,
    }
    with atomic_write_text(args.json) as fh:
        json.dump(payload, fh, indent=2, sort_keys=True)
        fh.write("\n")
    print(f"{args.sample}: {len(result.variants)} variants, {len(result.not_callable)} not-callable regions -> {args.vcf}")
    return 0
