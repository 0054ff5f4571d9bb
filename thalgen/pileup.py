"""Streaming pileup over a region: per-position base counts by quality bin, indel events, and depth.

One pass over the reads of a region, numpy for the per-base work: each read's aligned bases become
flat indices ``(pos, base, quality bin)`` that are counted with ``np.bincount`` in batches, so the
cost is linear in bases and no per-base Python loop runs. Indels are collected per read from the
CIGAR (a handful per read at most) and left-normalised, so aligner placement inside repeats
(CD8/9 +G, CD41/42 -TTCT) collapses to one canonical record.

Coordinates: ``start0``/``end0`` 0-based half-open GRCh38; arrays are indexed by ``pos0 - start0``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pysam

from thalgen.locus import LocusReference
from thalgen.normalize import normalize

BASES = "ACGTN"
_LUT = np.full(256, 4, dtype=np.int64)
for _i, _b in enumerate("ACGT"):
    _LUT[ord(_b)] = _i
    _LUT[ord(_b.lower())] = _i
#: Upper edges of the base-quality bins; a base's error is taken at its bin's lower phred value.
QUAL_BIN_EDGES = np.array([10, 15, 20, 25, 30, 35, 40, 256])
QUAL_BIN_PHRED = np.array([5, 10, 15, 20, 25, 30, 35, 40], dtype=float)
N_QBINS = len(QUAL_BIN_EDGES)
_FLUSH_BASES = 2_000_000
#: Indels at least this long are structural (long-read alignments jump deletions with one CIGAR 'D').
MAX_SMALL_INDEL = 50


@dataclass
class PileupSettings:
    min_mapq: int = 20
    min_baseq: int = 13
    #: bases a read must have on each side of an indel to count as spanning it (ref or alt evidence)
    indel_anchor: int = 5


@dataclass
class IndelEvidence:
    """Reads supporting one normalised indel allele."""

    pos1: int
    ref: str
    alt: str
    reads: int = 0
    mapq_sum: int = 0


@dataclass
class RegionPileup:
    chrom: str
    start0: int
    end0: int
    #: counts[i, base, qbin]: high-MAPQ bases at start0+i (A,C,G,T,N x quality bin)
    counts: np.ndarray
    #: bases from reads with MAPQ < min_mapq (ambiguous placement, e.g. HBA2 vs HBA1)
    low_mapq_depth: np.ndarray
    #: high-MAPQ reads whose alignment deletes each position (a deletion is evidence, not missing data)
    deleted_depth: np.ndarray
    #: reads whose aligned span covers each position with >= indel_anchor bases each side (high MAPQ)
    span_starts0: np.ndarray
    span_ends0: np.ndarray
    indels: dict[tuple[int, str, str], IndelEvidence] = field(default_factory=dict)
    #: number of high-MAPQ reads with an indel (any) starting at normalised pos1, to subtract from ref support
    n_reads: int = 0
    n_duplicates: int = 0

    @property
    def depth(self) -> np.ndarray:
        """Usable depth per position: high-MAPQ, high-baseQ bases (any allele) plus reads deleting it."""
        return self.counts.sum(axis=(1, 2)) + self.deleted_depth

    def base_counts(self) -> np.ndarray:
        """counts summed over quality bins: (L, 5)."""
        return self.counts.sum(axis=2)

    def spanning_reads(self, lo0: int, hi0: int) -> int:
        """High-MAPQ reads that cover [lo0, hi0) (0-based) with anchors: candidates for indel genotyping."""
        return int(np.count_nonzero((self.span_starts0 <= lo0) & (self.span_ends0 >= hi0)))


def _ref_len(cigar: list[tuple[int, int]]) -> int:
    return sum(n for op, n in cigar if op in (0, 2, 3, 7, 8))


def _mate_end0(read: pysam.AlignedSegment) -> int | None:
    if not read.has_tag("MC"):
        return None
    mc = read.get_tag("MC")
    n, total = "", 0
    for ch in mc:
        if ch.isdigit():
            n += ch
        else:
            if ch in "MDN=X":
                total += int(n)
            n = ""
    return read.next_reference_start + total


def pileup_region(
    bam: pysam.AlignmentFile,
    ref: LocusReference,
    chrom: str,
    start0: int,
    end0: int,
    settings: PileupSettings | None = None,
) -> RegionPileup:
    """Count bases and indels of all usable reads over ``[start0, end0)``."""
    settings = settings or PileupSettings()
    length = end0 - start0
    counts = np.zeros(length * 5 * N_QBINS, dtype=np.int64)
    low_mapq = np.zeros(length, dtype=np.int64)
    deleted = np.zeros(length, dtype=np.int64)
    pending: list[np.ndarray] = []
    pending_n = 0
    span_s: list[int] = []
    span_e: list[int] = []
    indel_reads: dict[tuple[int, str, str], IndelEvidence] = {}
    n_reads = n_dup = 0
    refseq = ref.slice(chrom)

    def flush() -> None:
        nonlocal pending, pending_n, counts
        if pending:
            flat = np.concatenate(pending)
            counts += np.bincount(flat, minlength=counts.size)
            pending, pending_n = [], 0

    for read in bam.fetch(chrom, start0, end0):
        if read.is_unmapped or read.is_secondary or read.is_qcfail:
            continue
        if read.is_duplicate:
            n_dup += 1
            continue
        cigar = read.cigartuples
        seq = read.query_sequence
        if not cigar or seq is None:
            continue
        quals = read.query_qualities
        qarr = np.asarray(quals, dtype=np.int64) if quals is not None else np.full(len(seq), 30, dtype=np.int64)
        codes = _LUT[np.frombuffer(seq.encode("ascii"), dtype=np.uint8)]
        rpos = read.reference_start
        # overlapping mates: count the shared part of the fragment once (from the leftmost mate)
        skip_below0 = -1
        if read.is_proper_pair and read.next_reference_id == read.reference_id:
            if read.next_reference_start < rpos or (read.next_reference_start == rpos and read.is_read2):
                mate_end = _mate_end0(read)
                if mate_end is not None and mate_end > rpos:
                    skip_below0 = mate_end
        high = read.mapping_quality >= settings.min_mapq
        qpos = 0
        for op, n in cigar:
            if op in (0, 7, 8):  # M, =, X
                lo = max(rpos, start0, skip_below0)
                hi = min(rpos + n, end0)
                if hi > lo:
                    q0 = qpos + (lo - rpos)
                    q1 = q0 + (hi - lo)
                    if high:
                        bq = qarr[q0:q1]
                        keep = bq >= settings.min_baseq
                        if keep.any():
                            pos_i = np.arange(lo - start0, hi - start0, dtype=np.int64)[keep]
                            qbin = np.searchsorted(QUAL_BIN_EDGES, bq[keep], side="right")
                            qbin = np.minimum(qbin, N_QBINS - 1)
                            pending.append((pos_i * 5 + codes[q0:q1][keep]) * N_QBINS + qbin)
                            pending_n += int(keep.sum())
                    else:
                        low_mapq[lo - start0 : hi - start0] += 1
                rpos += n
                qpos += n
            elif op == 1:  # insertion: anchored at the base before
                if high and start0 < rpos <= end0 and rpos > skip_below0:
                    anchor = refseq.fetch0(rpos - 1, rpos)
                    _add_indel(indel_reads, ref, chrom, rpos, anchor, anchor + seq[qpos : qpos + n], read.mapping_quality)
                qpos += n
            elif op == 2 and n >= MAX_SMALL_INDEL:  # a structural deletion spanned by a long read:
                rpos += n  # evidence for the copy-number caller, not a small variant or depth here
            elif op == 2:  # deletion
                if high and start0 < rpos < end0 and rpos > skip_below0:
                    ref_del = refseq.fetch0(rpos - 1, min(rpos + n, refseq.interval.end0))
                    _add_indel(indel_reads, ref, chrom, rpos, ref_del, ref_del[0], read.mapping_quality)
                if high:
                    lo, hi = max(rpos, start0, skip_below0), min(rpos + n, end0)
                    if hi > lo:
                        deleted[lo - start0 : hi - start0] += 1
                rpos += n
            elif op == 3:  # N (skip)
                rpos += n
            elif op == 4:  # soft clip
                qpos += n
        if high:
            n_reads += 1
            span_s.append(read.reference_start + settings.indel_anchor)
            span_e.append(read.reference_end - settings.indel_anchor)
        if pending_n > _FLUSH_BASES:
            flush()
    flush()
    return RegionPileup(
        chrom=chrom,
        start0=start0,
        end0=end0,
        counts=counts.reshape(length, 5, N_QBINS),
        low_mapq_depth=low_mapq,
        deleted_depth=deleted,
        span_starts0=np.asarray(span_s, dtype=np.int64),
        span_ends0=np.asarray(span_e, dtype=np.int64),
        indels=indel_reads,
        n_reads=n_reads,
        n_duplicates=n_dup,
    )


def _add_indel(store: dict, ref: LocusReference, chrom: str, pos1: int, ref_allele: str, alt_allele: str, mapq: int) -> None:
    """Record one read's indel after left-normalisation (pos1 is the anchor base, 1-based)."""
    if "N" in alt_allele:
        return
    key = normalize(ref, chrom, pos1, ref_allele, alt_allele)
    ev = store.get(key)
    if ev is None:
        ev = store[key] = IndelEvidence(*key)
    ev.reads += 1
    ev.mapq_sum += mapq
