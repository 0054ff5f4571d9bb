"""Duplicate marking on the sorted locus BAM (flag 0x400), so PCR copies of one molecule count once.

Why here and not in the lab's pipeline: every input route (FASTQ or re-aligned BAM/CRAM) ends in
the same locus BAM, so duplicates are decided the same way for every sample, after re-alignment.

Rules (Picard/samtools-like, kept small):
- pairs with both mates mapped: same library, same unclipped 5' position and strand of both ends
  (the two ends are ordered, so R1/R2 swapped copies of a fragment match) -> duplicates; the pair
  with the highest base-quality sum stays unmarked (ties: the smallest read name, so output is stable);
- single-end reads, long reads and pairs whose mate is unmapped ("fragments"): same unclipped 5'
  position and strand; a fragment at an end of a complete pair is a duplicate of that pair;
- UMI-aware when every read carries a UMI (``RX`` or ``UB`` tag, or a read-name suffix ``:ACGTACGT``,
  dual ``:ACGT+TTGA``): the UMI joins the key, so same position + different UMI is not a duplicate.
  A file where only some reads carry a UMI is treated as UMI-less (a partial tag is not trusted).
- mode ``umi-only`` (amplicon assays, where every read starts at a primer by design) marks nothing
  unless UMIs are present; mode ``off`` clears and marks nothing.
All records of a duplicate template (supplementary, secondary and an unmapped mate) get the flag.
Input duplicate flags are cleared first: the decision is always thalgen's own.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

import pysam

MODES = ("position", "umi-only", "off")
_NAME_UMI = re.compile(r":([ACGTN]{4,}(?:[+\-][ACGTN]{4,})?)$")
_CLIP_OPS = (4, 5)  # soft, hard
_DUP = 0x400

End = tuple[int, int, bool]  # (tid, unclipped 5' position 0-based, reverse)


@dataclass
class DupStats:
    """What QC shows: primary mapped reads examined, how many were duplicates, and how."""

    reads: int = 0
    duplicates: int = 0
    fraction: float = 0.0
    umi_used: bool = False
    mode: str = "position"


def read_umi(read: pysam.AlignedSegment) -> str:
    """The read's UMI from an RX/UB tag or a trailing ``:UMI`` in the name; '' when none."""
    for tag in ("RX", "UB"):
        if read.has_tag(tag):
            return str(read.get_tag(tag))
    m = _NAME_UMI.search(read.query_name or "")
    return m.group(1) if m else ""


def unclipped_five_prime(read: pysam.AlignedSegment) -> End:
    """(tid, 5' position as if no clipping, reverse): the fragment end that PCR copies share."""
    cig = read.cigartuples or []
    if read.is_reverse:
        clip = 0
        for op, n in reversed(cig):
            if op not in _CLIP_OPS:
                break
            clip += n
        return (read.reference_id, read.reference_end - 1 + clip, True)
    clip = 0
    for op, n in cig:
        if op not in _CLIP_OPS:
            break
        clip += n
    return (read.reference_id, read.reference_start - clip, False)


def _library(read: pysam.AlignedSegment, libraries: dict[str, str]) -> str:
    rg = read.get_tag("RG") if read.has_tag("RG") else ""
    return libraries.get(str(rg), str(rg))


def _qual_sum(read: pysam.AlignedSegment) -> int:
    q = read.query_qualities
    return int(sum(q)) if q is not None else 0


def _best(candidates: list[tuple[int, str]]) -> str:
    """Highest score wins; ties go to the smallest name (deterministic)."""
    return min(candidates, key=lambda c: (-c[0], c[1]))[1]


def find_duplicates(bam_path: str | Path, mode: str = "position") -> tuple[set[str], DupStats]:
    """Names of duplicate templates in a BAM and the counts; does not write anything."""
    if mode not in MODES:
        raise ValueError(f"unknown duplicate-marking mode {mode!r} (use one of {', '.join(MODES)})")
    stats = DupStats(mode=mode)
    # template name -> per-segment (end, qual sum, umi, library); filled from primary mapped records
    segments: dict[str, dict[int, tuple[End, int, str, str]]] = {}
    mate_mapped: dict[str, bool] = {}
    n_with_umi = 0
    with pysam.AlignmentFile(str(bam_path), "rb") as bam:
        libraries = {rg["ID"]: rg.get("LB", rg["ID"]) for rg in bam.header.to_dict().get("RG", [])}
        for read in bam.fetch(until_eof=True):
            if read.is_unmapped or read.is_secondary or read.is_supplementary:
                continue
            stats.reads += 1
            umi = read_umi(read)
            n_with_umi += bool(umi)
            seg = 2 if read.is_paired and read.is_read2 else 1
            name = read.query_name
            segments.setdefault(name, {})[seg] = (unclipped_five_prime(read), _qual_sum(read), umi, _library(read, libraries))
            mate_mapped[name] = read.is_paired and not read.mate_is_unmapped
    stats.umi_used = stats.reads > 0 and n_with_umi == stats.reads
    if mode == "off" or (mode == "umi-only" and not stats.umi_used):
        return set(), stats

    pairs: dict[tuple, list[tuple[int, str]]] = {}
    frags: dict[tuple, list[tuple[int, str]]] = {}
    for name, segs in segments.items():
        umi = segs[min(segs)][2] if stats.umi_used else ""
        lib = segs[min(segs)][3]
        if len(segs) == 2 and mate_mapped.get(name, False):
            ends = tuple(sorted((segs[1][0], segs[2][0])))
            pairs.setdefault((lib, ends, umi), []).append((segs[1][1] + segs[2][1], name))
        else:
            for end, score, _, _ in segs.values():
                frags.setdefault((lib, end, umi), []).append((score, name))

    duplicates: set[str] = set()
    pair_ends: set[tuple] = set()
    for (lib, ends, umi), members in pairs.items():
        keep = _best(members)
        duplicates.update(name for _, name in members if name != keep)
        pair_ends.update((lib, end, umi) for end in ends)
    for key, members in frags.items():
        keep = None if key in pair_ends else _best(members)
        duplicates.update(name for _, name in members if name != keep)

    for name in duplicates:
        stats.duplicates += len(segments[name])
    stats.fraction = round(stats.duplicates / stats.reads, 6) if stats.reads else 0.0
    return duplicates, stats


def mark_duplicates(bam_path: str | Path, mode: str = "position") -> DupStats:
    """Rewrite ``bam_path`` in place with 0x400 set on every record of a duplicate template.

    The BAM must not be indexed yet (the index would be stale); the caller indexes afterwards.
    """
    bam_path = Path(bam_path)
    duplicates, stats = find_duplicates(bam_path, mode)
    tmp = bam_path.with_name(bam_path.name + ".markdup.tmp")
    with pysam.AlignmentFile(str(bam_path), "rb") as bam:
        header = bam.header.to_dict()
        header.setdefault("PG", []).append(
            {"ID": f"thalgen.markdup.{len(header.get('PG', []))}", "PN": "thalgen markdup",
             "CL": f"mode={mode} umi={'yes' if stats.umi_used else 'no'}"}
        )
        try:
            with pysam.AlignmentFile(str(tmp), "wb", header=header) as out:
                for read in bam.fetch(until_eof=True):
                    if read.query_name in duplicates:
                        read.flag |= _DUP
                    else:
                        read.flag &= ~_DUP
                    out.write(read)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
    os.replace(tmp, bam_path)
    return stats
