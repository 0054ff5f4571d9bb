"""``thalgen reference prepare``: build a locus reference directory (GRCh38 slices of both globin clusters)."""

from __future__ import annotations

import argparse

from thalgen import refprep
from thalgen.errors import InputError
from thalgen.locus import DEFAULT_INTERVALS, Interval

HELP = "prepare the locus reference (GRCh38 slices of the beta- and alpha-globin clusters)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    p = sub.add_parser("prepare", help="build a locus reference directory")
    src = p.add_mutually_exclusive_group(required=True)
    src.add_argument("--genome", help="GRCh38 genome FASTA (.fa/.fa.gz; contigs chr11/chr16 or 11/16)")
    src.add_argument("--download", action="store_true", help="fetch the intervals from a public sequence service")
    src.add_argument("--locus-fasta", action="append", help="FASTA whose headers start with a GRCh38 interval (repeatable)")
    p.add_argument("--out", required=True, help="output directory")
    p.add_argument("--interval", action="append", help="GRCh38 interval to take (repeatable; default: both whole clusters with flanks)")
    p.add_argument("--service", choices=["ucsc", "ensembl"], default="ucsc", help="sequence service for --download")
    p.add_argument("--server", help="base URL of the sequence service (default: the public one)")
    p.add_argument("--cache-dir", help="download cache (default: $THALGEN_CACHE or ~/.cache/thalgen)")


def main(args: argparse.Namespace) -> int:
    intervals = DEFAULT_INTERVALS
    if args.interval:
        try:
            intervals = tuple(Interval.parse(text) for text in args.interval)
        except ValueError as exc:
            raise InputError("--interval", str(exc)) from None
    if args.genome:
        ref = refprep.prepare_from_genome(args.genome, intervals)
    elif args.download:
        from pathlib import Path

        ref = refprep.prepare_by_download(intervals, args.service, args.server, Path(args.cache_dir) if args.cache_dir else None)
    else:
        ref = refprep.prepare_from_locus_fastas(args.locus_fasta)
    out = ref.write(args.out)
    for s in ref.slices.values():
        print(f"{s.interval}\t{s.interval.length} bp\tmd5:{s.md5}\t{s.source}")
    print(f"locus reference written to {out}")
    return 0
