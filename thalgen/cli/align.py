"""``thalgen align``: FASTQ (single or paired, plain or gzipped) or a lab's GRCh38 BAM/CRAM ->
GRCh38 coordinate-sorted, duplicate-marked, indexed locus BAM.

With ``--bam`` only the globin-locus reads (plus their mates and unplaced unmapped reads) are taken
out of the file through its index and re-aligned, so paralog placement is decided as for FASTQ.
"""

from __future__ import annotations

import argparse
import shlex

from thalgen.align import align, align_reads, write_stats
from thalgen.bamimport import ImportStats, extract_reads
from thalgen.cli.common import check_sample_id
from thalgen.errors import InputError
from thalgen.locus import LocusReference
from thalgen.markdup import MODES as MARKDUP_MODES

HELP = "align reads (FASTQ, or the locus reads of a GRCh38 BAM/CRAM) to the globin loci and write a sorted, indexed GRCh38 BAM"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, help="locus reference directory (thalgen reference prepare)")
    src = parser.add_mutually_exclusive_group(required=True)
    src.add_argument("--fq1", help="FASTQ (R1 for pairs), plain or gzipped")
    src.add_argument("--bam", help="GRCh38 BAM or CRAM (indexed, or in a writable directory so the index can be built)")
    parser.add_argument("--fq2", help="R2 FASTQ for paired-end reads")
    parser.add_argument("--genome-fasta", help="the genome FASTA a CRAM was compressed against (needed for CRAM)")
    parser.add_argument("--sample", required=True, help="sample id (read group ID and SM)")
    parser.add_argument("--platform", default="illumina", choices=["illumina", "hifi", "ont"])
    parser.add_argument(
        "--markdup", default="position", choices=MARKDUP_MODES,
        help="duplicate marking: position (UMI-aware when every read has a UMI), umi-only (amplicon assays), off",
    )
    parser.add_argument("--out", required=True, help="output BAM path (an index .bai is written beside it)")
    parser.add_argument("--stats", help="write alignment counts as JSON here")
    parser.add_argument("--threads", type=int, default=1, help="worker processes for mapping")


def main(args: argparse.Namespace) -> int:
    check_sample_id(args.sample)
    if args.bam and args.fq2:
        raise InputError(args.fq2, "--fq2 goes with --fq1, not with --bam")
    ref = LocusReference.load(args.reference)
    if args.bam:
        source = ImportStats()
        reads = extract_reads(args.bam, ref, args.genome_fasta, source)
        command = f"thalgen align --bam {shlex.quote(args.bam)} --platform {args.platform} --markdup {args.markdup}"
        stats = align_reads(ref, reads, args.sample, args.out, args.platform, args.threads, markdup=args.markdup, command=command)
        stats.source = source.to_json()
    else:
        stats = align(ref, args.fq1, args.fq2, args.sample, args.out, args.platform, args.threads, markdup=args.markdup)
    if args.stats:
        write_stats(stats, args.stats)
    print(
        f"{args.sample}: {stats.reads_in} reads, {stats.reads_mapped} on the loci, {stats.supplementary} supplementary,"
        f" {stats.duplicates} duplicates ({stats.duplicate_fraction:.1%}{', UMI-aware' if stats.umi_aware else ''}) -> {args.out}"
    )
    if args.bam and stats.source.get("hard_clipped_primary"):
        print(f"{args.sample}: warning: {stats.source['hard_clipped_primary']} hard-clipped primary reads were re-aligned without their clipped bases")
    return 0
