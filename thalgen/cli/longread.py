"""``thalgen longread call``: deletions, duplications and phase from long reads (HiFi, ONT) that span them."""

from __future__ import annotations

import argparse
import json

from thalgen.cli.common import check_sample_id, print_structural_calls
from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable
from thalgen.locus import LocusReference
from thalgen.samplesheet import ASSAYS

HELP = "long reads (HiFi/ONT): deletions and duplications from spanning reads, copy number, phase (cn.json)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    c = sub.add_parser("call", help="call both clusters of one long-read sample; writes the cn.json of `thalgen cnv call`")
    c.add_argument("--reference", required=True, help="locus reference directory")
    c.add_argument("--bam", required=True, help="BAM from `thalgen align --platform hifi|ont`")
    c.add_argument("--sample", required=True)
    c.add_argument("--assay", default="wgs", choices=ASSAYS,
                   help="the sample's assay (sample sheet column); amplicon: reads are whole long-range PCR products, "
                   "called from junction and normal-allele products, never from read counts (default: wgs)")
    c.add_argument("--design", help="amplicon primer design YAML (default: the repository's config/lr_amplicons.yaml); "
                   "only with --assay amplicon")
    c.add_argument("--calls", help="calls JSON from `thalgen call` (heterozygous variants to phase)")
    c.add_argument("--json", help="output S.cn.json (with a 'phase' section when --calls is given)")
    c.add_argument("--tsv", help="output S.cn.tsv (per-bin depth and called copies)")
    c.add_argument("--png", help="output S.cn.png")
    c.add_argument("--phase-json", help="output S.phase.json (blocks and pairs; needs --calls)")


def main(args: argparse.Namespace) -> int:
    from thalgen import longread

    check_sample_id(args.sample)
    require_readable(args.bam)
    ref = LocusReference.load(args.reference)
    calls = longread.load_calls(args.calls) if args.calls else None
    if args.phase_json and calls is None:
        raise InputError(args.phase_json, "--phase-json needs --calls (the variants to phase)")
    if not args.json and not args.phase_json:
        raise InputError(args.bam, "nothing to write: give --json and/or --phase-json")
    if args.design and args.assay != "amplicon":
        raise InputError(args.design, f"--design is for --assay amplicon (got --assay {args.assay})")
    result = longread.call_sample(ref, args.bam, args.sample, calls, assay=args.assay, design=args.design)
    if args.json:
        with atomic_write_text(args.json) as fh:
            fh.write(json.dumps(result.document, indent=2, sort_keys=True) + "\n")
    if args.tsv:
        longread.write_tsv(result, ref, args.tsv)
    if args.png:
        longread.plot(result, ref, args.png, args.sample)
    if args.phase_json:
        with atomic_write_text(args.phase_json) as fh:
            fh.write(json.dumps({"sample": args.sample, **(result.phase or {})}, indent=2, sort_keys=True) + "\n")
    print_structural_calls(args.sample, result.document)
    return 0
