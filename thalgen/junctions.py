"""Junction evidence: reads that cross a deletion or duplication breakpoint (the molecular gap-PCR).

Three kinds of read evidence are gathered from the BAM and merged per fragment (read name):

* **split reads** - a primary alignment with a supplementary part (SA tag) on the same chromosome and
  strand; in read order, part 2 starting right of part 1 is a deletion ``[end1, start2)``, left of
  it a tandem duplication ``[start2, end1)``;
* **clipped reads** - a soft clip of at least ``MIN_CLIP`` bp whose sequence is found once in the
  slice (within ``MAX_EVENT`` bp): the read aligns to the junction sequence, even when the aligner
  left the short part unaligned;
* **discordant pairs** - mates in forward/reverse orientation farther apart than the insert-size
  distribution allows (deletion) or in reverse/forward orientation (tandem duplication). They are
  added to a precise junction they are compatible with, else clustered into an imprecise one.

Both sides must map with MAPQ >= ``MIN_MAPQ``: paralogous sequence (HBA2/HBA1, HBG2/HBG1) cannot
anchor a junction. The homology-mediated -a3.7/-a4.2 and their triplications join inside identical
sequence and leave no junction at all; they are recognised from depth at the paralog-specific
positions instead (the folded/unique bins of ``copynumber.py``; :func:`paralog_sites` lists those positions).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pysam

from thalgen.errors import InputError
from thalgen.locus import LocusReference

MIN_MAPQ = 20
MIN_CLIP = 20
MIN_EVENT = 50  # smaller events are indels for the small-variant caller
MAX_EVENT = 120_000
MERGE_BP = 10
MIN_SUPPORT = 2
_CIGAR_RE = re.compile(r"(\d+)([MIDNSHP=X])")


@dataclass
class InsertStats:
    median: float
    sd: float
    n: int

    @property
    def max_normal(self) -> float:
        return self.median + 6 * self.sd + 50


@dataclass
class Junction:
    """A breakpoint junction: a deletion removes ``[left0, right0)``, a duplication repeats it."""

    chrom: str
    kind: str  # deletion / duplication
    left0: int
    right0: int
    precise: bool
    split_reads: set[str] = field(default_factory=set)
    clipped_reads: set[str] = field(default_factory=set)
    discordant_pairs: set[str] = field(default_factory=set)

    @property
    def fragments(self) -> set[str]:
        return self.split_reads | self.clipped_reads | self.discordant_pairs

    @property
    def support(self) -> int:
        return len(self.fragments)

    @property
    def size(self) -> int:
        return self.right0 - self.left0

    def to_json(self) -> dict:
        return {
            "chrom": self.chrom, "kind": self.kind, "start": self.left0 + 1, "end": self.right0,
            "precise": self.precise, "fragments": self.support, "split_reads": len(self.split_reads),
            "clipped_reads": len(self.clipped_reads), "discordant_pairs": len(self.discordant_pairs),
        }


def _cigar_parts(cigar: str) -> tuple[int, int, int]:
    """(leading clip, aligned query length, reference length) of a CIGAR string."""
    ops = [(int(n), op) for n, op in _CIGAR_RE.findall(cigar)]
    lead = 0
    for n, op in ops:
        if op in "SH":
            lead += n
        else:
            break
    qlen = sum(n for n, op in ops if op in "MI=X")
    rlen = sum(n for n, op in ops if op in "MDN=X")
    return lead, qlen, rlen


def insert_stats(bam: pysam.AlignmentFile, chrom: str, start0: int, end0: int, limit: int = 20000) -> InsertStats:
    sizes = []
    for read in bam.fetch(chrom, start0, end0):
        if read.is_proper_pair and read.template_length > 0 and not read.is_secondary and not read.is_supplementary:
            sizes.append(read.template_length)
            if len(sizes) >= limit:
                break
    if len(sizes) < 50:
        return InsertStats(0.0, 0.0, len(sizes))
    arr = np.asarray(sizes, dtype=float)
    med = float(np.median(arr))
    mad = float(np.median(np.abs(arr - med))) * 1.4826
    return InsertStats(med, max(mad, 10.0), len(sizes))


def _event(chrom: str, first: tuple[int, int], second: tuple[int, int]) -> tuple[str, int, int] | None:
    """Deletion or duplication implied by two read parts in read order, each (ref_start0, ref_end0)."""
    (s1, e1), (s2, e2) = first, second
    if s2 >= e1 - MERGE_BP:
        left, right = e1, max(s2, e1)
        if MIN_EVENT <= right - left <= MAX_EVENT:
            return ("deletion", left, right)
        return None
    if s2 < e1 and e2 <= e1 + MERGE_BP and e1 - s2 >= MIN_EVENT and e1 - s2 <= MAX_EVENT:
        return ("duplication", s2, e1)
    return None


def collect_junctions(ref: LocusReference, bam_path: str | Path) -> tuple[list[Junction], dict[str, InsertStats]]:
    """All junctions with at least MIN_SUPPORT fragments in the slices, and the insert sizes seen."""
    try:
        bam = pysam.AlignmentFile(str(bam_path))
    except (ValueError, OSError) as exc:
        raise InputError(bam_path, f"not a readable BAM ({exc})") from None
    out: list[Junction] = []
    stats: dict[str, InsertStats] = {}
    with bam:
        for chrom, sl in sorted(ref.slices.items()):
            if chrom not in bam.references:
                continue
            ins = insert_stats(bam, chrom, sl.interval.start0, sl.interval.end0)
            stats[chrom] = ins
            out.extend(_junctions_in_slice(bam, ref, chrom, ins))
    return out, stats


def _junctions_in_slice(bam: pysam.AlignmentFile, ref: LocusReference, chrom: str, ins: InsertStats) -> list[Junction]:
    sl = ref.slice(chrom)
    seq = sl.sequence
    off = sl.interval.start0
    precise: dict[tuple[str, int, int], Junction] = {}
    discordant: list[tuple[str, str, int, int, int, int]] = []  # (name, kind, l_start, l_end, r_start, r_end)

    def add_precise(kind: str, left: int, right: int, name: str, how: str) -> None:
        for (k, l0, r0), j in precise.items():
            if k == kind and abs(l0 - left) <= MERGE_BP and abs(r0 - right) <= MERGE_BP:
                break
        else:
            j = precise.setdefault((kind, left, right), Junction(chrom, kind, left, right, True))
        (j.split_reads if how == "split" else j.clipped_reads).add(name)

    for read in bam.fetch(chrom, sl.interval.start0, sl.interval.end0):
        if read.is_unmapped or read.is_secondary or read.is_duplicate or read.is_qcfail:
            continue
        if read.is_supplementary:
            continue
        name = read.query_name
        if read.mapping_quality >= MIN_MAPQ and read.has_tag("SA"):
            for sa in str(read.get_tag("SA")).rstrip(";").split(";"):
                fields = sa.split(",")
                if len(fields) < 6 or fields[0] != chrom or int(fields[4]) < MIN_MAPQ:
                    continue
                if (fields[2] == "-") != read.is_reverse:
                    continue
                lead, _, rlen = _cigar_parts(fields[3])
                sa_start = int(fields[1]) - 1
                own_lead = read.cigartuples[0][1] if read.cigartuples and read.cigartuples[0][0] in (4, 5) else 0
                mine = (read.reference_start, read.reference_end)
                other = (sa_start, sa_start + rlen)
                # same strand, so both CIGARs run along the stored sequence: the part with the shorter
                # leading clip comes first (for read 2 too, since align writes its clips on the right side)
                first, second = (mine, other) if own_lead < lead else (other, mine)
                ev = _event(chrom, first, second)
                if ev:
                    add_precise(ev[0], ev[1], ev[2], name, "split")
        elif read.mapping_quality >= MIN_MAPQ and not read.has_tag("SA") and read.cigartuples:
            _clip_evidence(read, seq, off, add_precise)
        if (read.is_paired and not read.mate_is_unmapped and read.next_reference_name == chrom
                and read.mapping_quality >= MIN_MAPQ and ins.n and not read.is_supplementary):
            mq = read.get_tag("MQ") if read.has_tag("MQ") else MIN_MAPQ
            if mq < MIN_MAPQ or read.reference_start > read.next_reference_start:
                continue
            if read.reference_start == read.next_reference_start and read.is_read2:
                continue
            if not read.has_tag("MC"):
                continue
            mate_end = _mate_end(read)
            span = mate_end - read.reference_start
            fr = (not read.is_reverse) and read.mate_is_reverse
            rf = read.is_reverse and not read.mate_is_reverse
            if fr and span > ins.max_normal:
                discordant.append((name, "deletion", read.reference_start, read.reference_end, read.next_reference_start, mate_end))
            elif rf and span > 2 * read.query_length:
                discordant.append((name, "duplication", read.reference_start, read.reference_end, read.next_reference_start, mate_end))
    junctions = list(precise.values())
    leftovers = []
    for item in discordant:
        name, kind, ls, le, rs, re_ = item
        placed = False
        for j in junctions:
            if j.kind != kind:
                continue
            if kind == "deletion":
                ok = le <= j.left0 + MERGE_BP and rs >= j.right0 - MERGE_BP and abs((re_ - ls) - j.size - ins.median) <= 5 * ins.sd + 50
            else:
                fragment = (j.right0 - rs) + (le - j.left0)  # its length on the duplicated haplotype
                ok = ls >= j.left0 - MERGE_BP and re_ <= j.right0 + MERGE_BP and abs(fragment - ins.median) <= 5 * ins.sd + 50
            if ok:
                j.discordant_pairs.add(name)
                placed = True
                break
        if not placed:
            leftovers.append(item)
    junctions.extend(_cluster_discordant(chrom, leftovers, ins))
    return sorted((j for j in junctions if j.support >= MIN_SUPPORT), key=lambda j: (j.left0, j.right0, j.kind))


def _mate_end(read: pysam.AlignedSegment) -> int:
    _, _, rlen = _cigar_parts(str(read.get_tag("MC")))
    return read.next_reference_start + rlen


def _clip_evidence(read: pysam.AlignedSegment, seq: str, off: int, add) -> None:
    """A soft clip whose sequence occurs once nearby: the read spans a junction the aligner left clipped."""
    cig = read.cigartuples
    q = read.query_sequence or ""
    if cig[-1][0] == 4 and cig[-1][1] >= MIN_CLIP:
        clip = q[len(q) - cig[-1][1]:]
        bp = read.reference_end
        hit = _unique_find(seq, clip[:MIN_CLIP + 5], bp - off)
        if hit is not None:
            pos = hit + off
            if pos >= bp:
                if MIN_EVENT <= pos - bp <= MAX_EVENT:
                    add("deletion", bp, pos, read.query_name, "clip")
            elif bp - pos >= MIN_EVENT:
                add("duplication", pos, bp, read.query_name, "clip")
    if cig[0][0] == 4 and cig[0][1] >= MIN_CLIP:
        clip = q[: cig[0][1]]
        bp = read.reference_start
        probe = clip[-(MIN_CLIP + 5):]
        hit = _unique_find(seq, probe, bp - off)
        if hit is not None:
            end = hit + len(probe) + off  # the clipped part ends where the aligned part resumes
            if end <= bp:
                if MIN_EVENT <= bp - end <= MAX_EVENT:
                    add("deletion", end, bp, read.query_name, "clip")
            elif end - bp >= MIN_EVENT:
                add("duplication", bp, end, read.query_name, "clip")


def _unique_find(seq: str, probe: str, around: int) -> int | None:
    lo = max(0, around - MAX_EVENT)
    hi = min(len(seq), around + MAX_EVENT)
    first = seq.find(probe, lo, hi)
    if first < 0 or seq.find(probe, first + 1, hi) >= 0:
        return None
    return first


def _cluster_discordant(chrom: str, pairs: list[tuple[str, str, int, int, int, int]], ins: InsertStats) -> list[Junction]:
    """Imprecise junctions from discordant pairs that no precise junction explains."""
    out: list[Junction] = []
    for kind in ("deletion", "duplication"):
        items = sorted((p for p in pairs if p[1] == kind), key=lambda p: p[2])
        groups: list[list[tuple]] = []
        for p in items:
            for g in groups:
                if abs(p[2] - g[0][2]) <= ins.max_normal and abs(p[4] - g[0][4]) <= ins.max_normal:
                    g.append(p)
                    break
            else:
                groups.append([p])
        for g in groups:
            if kind == "deletion":
                left = int(max(p[3] for p in g))
                right = int(min(p[4] for p in g))
            else:
                left = int(min(p[2] for p in g))
                right = int(max(p[5] for p in g))
            if right - left < MIN_EVENT:
                continue
            j = Junction(chrom, kind, left, right, False)
            j.discordant_pairs.update(p[0] for p in g)
            out.append(j)
    return out


# ---- paralog-specific sites (hybrid genes) --------------------------------------------------
@dataclass(frozen=True)
class ParalogSite:
    """A position where the two copies of a homology box differ (GRCh38 0-based)."""

    pos0: int  # in the left (e.g. HBA2) copy
    partner0: int  # the same position in the right (e.g. HBA1) copy
    base: str
    partner_base: str


def paralog_sites(ref: LocusReference, chrom: str, start0: int, end0: int, offset: int) -> list[ParalogSite]:
    """Positions in ``[start0, end0)`` whose base differs from the base ``offset`` bp to the right."""
    out = []
    for p in range(start0, end0):
        if not ref.covers(chrom, p, p + offset + 1):
            continue
        a = ref.fetch0(chrom, p, p + 1)
        b = ref.fetch0(chrom, p + offset, p + offset + 1)
        if a != b and "N" not in (a, b):
            out.append(ParalogSite(p, p + offset, a, b))
    return out
