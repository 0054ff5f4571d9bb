"""``thalgen cnv``: copy number and deletions in both globin clusters (bins, pon, call)."""

from __future__ import annotations

import argparse
import json

from thalgen.cli.common import check_sample_id, print_structural_calls
from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable
from thalgen.locus import LocusReference

HELP = "copy number, deletions and duplications in both globin clusters (depth + junction reads)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    b = sub.add_parser("bins", help="count reads per bin in both clusters (input for a panel of normals)")
    b.add_argument("--reference", required=True, help="locus reference directory")
    b.add_argument("--bam", required=True)
    b.add_argument("--sample", required=True)
    b.add_argument("--out", required=True, help="output S.bins.tsv")
    p = sub.add_parser("pon", help="panel of normals: per-bin median over a batch of the same assay")
    p.add_argument("--out", required=True, help="output pon.tsv")
    p.add_argument("bins", nargs="+", help="S.bins.tsv files of the batch")
    c = sub.add_parser("call", help="call deletions/duplications and copy number for one sample")
    c.add_argument("--reference", required=True)
    c.add_argument("--bam", required=True)
    c.add_argument("--sample", required=True)
    c.add_argument("--bins", help="S.bins.tsv from `thalgen cnv bins` (counted from the BAM when absent)")
    c.add_argument("--pon", help="pon.tsv from `thalgen cnv pon` (needed for panel/amplicon/wes)")
    c.add_argument("--assay", default="wgs", choices=["wgs", "wes", "panel", "amplicon"])
    c.add_argument("--json", required=True, help="output S.cn.json")
    c.add_argument("--tsv", help="output S.cn.tsv (binned copy-number track)")
    c.add_argument("--png", help="output S.cn.png (plot of both clusters)")


def main(args: argparse.Namespace) -> int:
    from thalgen import copynumber

    if args.action == "bins":
        check_sample_id(args.sample)
        ref = LocusReference.load(args.reference)
        bins = copynumber.count_bins(ref, args.bam, args.sample)
        copynumber.write_bins(bins, args.out)
        print(f"{args.sample}: {int(bins.count.sum())} reads in {len(bins.count)} bins -> {args.out}")
        return 0
    if args.action == "pon":
        samples = [copynumber.read_bins(p) for p in args.bins]
        pon = copynumber.build_pon(samples)
        copynumber.write_pon(pon, args.out)
        state = "usable" if pon.usable else f"too small (< {copynumber.PON_MIN_SAMPLES} samples): callers normalise per sample"
        print(f"panel of normals from {pon.n_samples} sample(s), {state} -> {args.out}")
        return 0
    from thalgen import structural

    check_sample_id(args.sample)
    ref = LocusReference.load(args.reference)
    require_readable(args.bam)
    bins = copynumber.read_bins(args.bins) if args.bins else None
    if bins is not None and bins.sample and bins.sample != args.sample:
        raise InputError(args.bins, f"bins are for sample {bins.sample!r}, not {args.sample!r}")
    pon = copynumber.read_pon(args.pon) if args.pon else None
    result = structural.call_sample_cn(ref, args.bam, args.sample, bins, pon, args.assay)
    with atomic_write_text(args.json) as fh:
        fh.write(json.dumps(result.document, indent=2, sort_keys=True) + "\n")
    if args.tsv:
        structural.write_cn_tsv(result, args.tsv)
    if args.png:
        from thalgen.cnplot import plot_cn

        plot_cn(result, ref, args.png, args.sample)
    print_structural_calls(args.sample, result.document)
    return 0
