"""Per-exon coverage of HBB, HBA2 and HBA1 for the report's evidence table.

Depth is the callers' *usable* depth (``thalgen.pileup``: reads with MAPQ >= min_mapq, bases with
base quality >= the pileup minimum, reads deleting a base count for it), so the table says what the
genotype was actually built on. Reads below min_mapq are counted apart: in HBA2/HBA1 they are mostly
reads that map equally well to both paralogs (MAPQ 0), and an exon that looks covered only by them is
flagged, because there the caller could not see a variant.

Exons are numbered in transcript order (HBB is on the minus strand: exon 1 is the highest genomic one).
Coordinates in the output are GRCh38 1-based inclusive.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pysam

from thalgen.fileio import require_readable
from thalgen.genes import transcripts
from thalgen.locus import LocusReference
from thalgen.pileup import PileupSettings, pileup_region

DEFAULT_GENES = ("HBB", "HBA2", "HBA1")
DEFAULT_THRESHOLD = 20
DEFAULT_MIN_MAPQ = 20
#: An exon is flagged as paralog-ambiguous when at least this share of its reads (mean per base) is low-MAPQ.
AMBIGUOUS_SHARE = 0.2


@dataclass(frozen=True)
class ExonCoverage:
    gene: str
    transcript: str
    exon: int  # 1-based, transcript order
    chrom: str
    start1: int
    end1: int
    mean_depth: float | None  # None when the exon lies outside the locus reference
    min_depth: int | None
    pct_ge_threshold: float | None
    low_mapq_mean: float | None
    note: str = ""

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = d.pop("start1")
        d["end"] = d.pop("end1")
        return d


def exon_note(mean_depth: float, min_depth: int, low_mapq_mean: float, threshold: int, min_mapq: int) -> str:
    """Why an exon's numbers need a second look ("" when they do not)."""
    notes = []
    if min_depth < threshold:
        notes.append(f"parts below {threshold}x (min {min_depth}x)")
    total = mean_depth + low_mapq_mean
    if low_mapq_mean > 0 and total > 0 and low_mapq_mean / total >= AMBIGUOUS_SHARE:
        notes.append(f"{100 * low_mapq_mean / total:.0f}% of reads have MAPQ < {min_mapq} (placement ambiguous "
                     "between paralogs, e.g. HBA2/HBA1); not used for calling")
    return "; ".join(notes)


def exon_coverage(
    bam_path: str | Path,
    ref: LocusReference,
    genes: tuple[str, ...] = DEFAULT_GENES,
    threshold: int = DEFAULT_THRESHOLD,
    min_mapq: int = DEFAULT_MIN_MAPQ,
) -> list[ExonCoverage]:
    """Min/mean usable depth and % of bases at >= ``threshold`` for every exon of ``genes``."""
    require_readable(bam_path)
    settings = PileupSettings(min_mapq=min_mapq)
    out: list[ExonCoverage] = []
    with pysam.AlignmentFile(str(bam_path)) as bam:
        for gene in genes:
            tx = transcripts()[gene]
            for number, (lo1, hi1) in enumerate(tx.tx_exons1, 1):
                if not ref.covers(tx.chrom, lo1 - 1, hi1):
                    out.append(ExonCoverage(gene, tx.name, number, tx.chrom, lo1, hi1, None, None, None, None,
                                            "outside the locus reference: not assessed"))
                    continue
                pile = pileup_region(bam, ref, tx.chrom, lo1 - 1, hi1, settings)
                depth = pile.depth
                low = pile.low_mapq_depth
                mean = round(float(depth.mean()), 1)
                mind = int(depth.min())
                pct = round(100.0 * float(np.count_nonzero(depth >= threshold)) / len(depth), 1)
                low_mean = round(float(low.mean()), 1)
                out.append(ExonCoverage(gene, tx.name, number, tx.chrom, lo1, hi1, mean, mind, pct, low_mean,
                                        exon_note(mean, mind, low_mean, threshold, min_mapq)))
    return out


def coverage_json(exons: list[ExonCoverage], threshold: int = DEFAULT_THRESHOLD,
                  min_mapq: int = DEFAULT_MIN_MAPQ) -> dict[str, Any]:
    """The ``coverage`` block of report.json."""
    return {"threshold": threshold, "min_mapq": min_mapq, "exons": [e.to_json() for e in exons]}
