"""``thalgen align``: FASTQ (single or paired, plain or gzipped) -> GRCh38 coordinate-sorted, indexed BAM."""

from __future__ import annotations

import argparse

from thalgen.align import align, write_stats
from thalgen.cli.common import check_sample_id
from thalgen.locus import LocusReference

HELP = "align reads to the globin loci (mappy/minimap2) and write a sorted, indexed GRCh38 BAM"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, help="locus reference directory (thalgen reference prepare)")
    parser.add_argument("--fq1", required=True, help="FASTQ (R1 for pairs), plain or gzipped")
    parser.add_argument("--fq2", help="R2 FASTQ for paired-end reads")
    parser.add_argument("--sample", required=True, help="sample id (read group ID and SM)")
    parser.add_argument("--platform", default="illumina", choices=["illumina", "hifi", "ont"])
    parser.add_argument("--out", required=True, help="output BAM path (an index .bai is written beside it)")
    parser.add_argument("--stats", help="write alignment counts as JSON here")
    parser.add_argument("--threads", type=int, default=1, help="worker processes for mapping")


def main(args: argparse.Namespace) -> int:
    check_sample_id(args.sample)
    ref = LocusReference.load(args.reference)
    stats = align(ref, args.fq1, args.fq2, args.sample, args.out, args.platform, args.threads)
    if args.stats:
        write_stats(stats, args.stats)
    print(f"{args.sample}: {stats.reads_in} reads, {stats.reads_mapped} on the loci, {stats.supplementary} supplementary -> {args.out}")
    return 0
