"""Align reads to the locus reference with mappy (minimap2) and write a GRCh38 coordinate-sorted BAM.

The index is built from the locus slices only, so alignment is fast; positions are shifted to GRCh38
chromosome coordinates and the header carries the full GRCh38 contig lengths (the BAM opens in IGV on
hg38). Reads are streamed in batches to worker processes (mappy holds the GIL while mapping, so
threads would not help); each worker writes a sorted chunk and the chunks are merged, so memory stays
bounded by the batch size, not the read count. Soft clips and supplementary alignments are kept:
the junction caller reads deletion breakpoints from them.

Every route (FASTQ, or reads taken back out of a lab BAM/CRAM by ``thalgen.bamimport``) goes through
``align_reads``, which ends with duplicate marking (``thalgen.markdup``) before indexing, so paralog
placement and duplicates are decided the same way for every input.
"""

from __future__ import annotations

import collections
import itertools
import json
import multiprocessing
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

import mappy
import pysam

from thalgen import __version__
from thalgen.errors import InputError
from thalgen.fastq import Read, read_fastq, read_pairs
from thalgen.fileio import atomic_path
from thalgen.locus import GRCH38_CONTIG_LENGTHS, LocusReference
from thalgen.markdup import MODES as MARKDUP_MODES
from thalgen.markdup import mark_duplicates

PRESETS = {"illumina": "sr", "hifi": "map-hifi", "ont": "map-ont"}
PLATFORM_TAG = {"illumina": "ILLUMINA", "hifi": "PACBIO", "ont": "ONT"}
MAX_PROPER_INSERT = 1000
CONTIG_ORDER = ("chr11", "chr16")
_BAM_CIGAR_SOFT_CLIP = 4


@dataclass
class AlignStats:
    """Counts a lab checks first: how many reads came in and how many landed on the loci."""

    reads_in: int = 0
    pairs_in: int = 0
    reads_mapped: int = 0
    reads_unmapped_dropped: int = 0
    supplementary: int = 0
    preset: str = ""
    mappy_version: str = getattr(mappy, "__version__", "unknown")
    #: duplicate marking (thalgen.markdup) over primary mapped reads of the locus BAM
    duplicates: int = 0
    duplicate_fraction: float = 0.0
    umi_aware: bool = False
    markdup_mode: str = ""
    #: where the reads came from when they were taken out of a BAM/CRAM (thalgen.bamimport.ImportStats)
    source: dict = field(default_factory=dict)

    def add(self, other: "AlignStats") -> None:
        for name in ("reads_in", "pairs_in", "reads_mapped", "reads_unmapped_dropped", "supplementary"):
            setattr(self, name, getattr(self, name) + getattr(other, name))


def bam_header(sample: str, platform: str, preset: str, command: str = "") -> dict:
    return {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": c, "LN": GRCH38_CONTIG_LENGTHS[c], "AS": "GRCh38"} for c in CONTIG_ORDER],
        "RG": [{"ID": sample, "SM": sample, "PL": PLATFORM_TAG.get(platform, platform.upper()), "LB": sample}],
        "PG": [{"ID": "thalgen", "PN": "thalgen", "VN": __version__, "CL": command or f"mappy -x {preset}"}],
    }


# ---- worker side --------------------------------------------------------------------------------
_worker: dict = {}


def _init_worker(fasta: str, offsets: dict[str, int], preset: str, header: dict) -> None:
    aligner = mappy.Aligner(fasta, preset=preset)
    if not aligner:
        raise RuntimeError(f"mappy could not index {fasta}")
    _worker.update(aligner=aligner, offsets=offsets, header=pysam.AlignmentHeader.from_dict(header), preset=preset)


def _revcomp(seq: str) -> str:
    return mappy.revcomp(seq)


def _hits_by_segment(hits: list, n_segments: int) -> list[list]:
    out: list[list] = [[] for _ in range(n_segments)]
    for h in hits:
        if h.is_primary:  # id == parent: primary and supplementary; secondaries are dropped
            seg = h.read_num - 1 if n_segments == 2 else 0
            out[seg].append(h)
    return out


def _query_span(hit, read_len: int, paired_read2: bool) -> tuple[int, int]:
    """(q_st, q_en) on the read as sequenced. In paired mapping minimap2 reports read 2's query
    coordinates on its reverse complement (strand is still relative to the read), so flip them back."""
    if paired_read2:
        return read_len - hit.q_en, read_len - hit.q_st
    return hit.q_st, hit.q_en


def _cigar_with_clips(hit, read_len: int, paired_read2: bool = False) -> list[tuple[int, int]]:
    q_st, q_en = _query_span(hit, read_len, paired_read2)
    if hit.strand > 0:
        left, right = q_st, read_len - q_en
    else:
        left, right = read_len - q_en, q_st
    cigar = [(op, length) for length, op in hit.cigar]
    if left:
        cigar.insert(0, (_BAM_CIGAR_SOFT_CLIP, left))
    if right:
        cigar.append((_BAM_CIGAR_SOFT_CLIP, right))
    return cigar


def _cigar_string(cigar: list[tuple[int, int]]) -> str:
    return "".join(f"{length}{'MIDNSHP=X'[op]}" for op, length in cigar)


def _segment_records(read: Read, hits: list, sample: str, paired_flags: int) -> list[pysam.AlignedSegment]:
    header: pysam.AlignmentHeader = _worker["header"]
    offsets: dict[str, int] = _worker["offsets"]
    records = []
    parts = []
    for i, h in enumerate(hits):
        a = pysam.AlignedSegment(header)
        a.query_name = read.name
        reverse = h.strand < 0
        a.query_sequence = _revcomp(read.seq) if reverse else read.seq
        quals = pysam.qualitystring_to_array(read.qual[::-1] if reverse else read.qual)
        a.query_qualities = quals
        a.flag = paired_flags | (16 if reverse else 0) | (2048 if i > 0 else 0)
        a.reference_id = header.get_tid(h.ctg)
        a.reference_start = offsets[h.ctg] + h.r_st
        a.mapping_quality = h.mapq
        cigar = _cigar_with_clips(h, len(read.seq), paired_read2=bool(paired_flags & 128))
        a.cigartuples = cigar
        a.set_tag("NM", h.NM)
        a.set_tag("RG", sample)
        if getattr(read, "umi", ""):
            a.set_tag("RX", read.umi)
        records.append(a)
        parts.append(f"{h.ctg},{offsets[h.ctg] + h.r_st + 1},{'-' if reverse else '+'},{_cigar_string(cigar)},{h.mapq},{h.NM}")
    if len(records) > 1:
        for i, a in enumerate(records):
            a.set_tag("SA", "".join(p + ";" for j, p in enumerate(parts) if j != i))
    return records


def _unmapped_record(read: Read, flags: int) -> pysam.AlignedSegment:
    a = pysam.AlignedSegment(_worker["header"])
    a.query_name = read.name
    a.query_sequence = read.seq
    a.query_qualities = pysam.qualitystring_to_array(read.qual)
    a.flag = flags | 4
    a.reference_id = -1
    a.reference_start = -1
    if getattr(read, "umi", ""):
        a.set_tag("RX", read.umi)
    return a


def _set_mates(r1: list[pysam.AlignedSegment], r2: list[pysam.AlignedSegment]) -> None:
    """Fill mate fields from each segment's primary record (plus proper-pair and TLEN)."""
    p1, p2 = r1[0], r2[0]
    for recs, mate in ((r1, p2), (r2, p1)):
        for a in recs:
            if mate.is_unmapped:
                a.flag |= 8
            if mate.is_reverse:
                a.flag |= 32
            a.next_reference_id = mate.reference_id
            a.next_reference_start = mate.reference_start
            if not mate.is_unmapped:
                a.set_tag("MC", mate.cigarstring)
            a.set_tag("MQ", mate.mapping_quality if not mate.is_unmapped else 0)
    if p1.is_unmapped or p2.is_unmapped:
        # place the unmapped mate at its partner's position (SAM convention)
        for u, m in ((p1, p2), (p2, p1)):
            if u.is_unmapped and not m.is_unmapped:
                u.reference_id = m.reference_id
                u.reference_start = m.reference_start
                m.next_reference_id = m.reference_id
                m.next_reference_start = m.reference_start
        for recs in (r1, r2):
            for a in recs:
                if a.is_unmapped:
                    a.next_reference_id = (p2 if a is p1 else p1).reference_id
                    a.next_reference_start = (p2 if a is p1 else p1).reference_start
        return
    if p1.reference_id == p2.reference_id and p1.is_reverse != p2.is_reverse:
        left, right = (p1, p2) if p1.reference_start <= p2.reference_start else (p2, p1)
        span = max(left.reference_end, right.reference_end) - left.reference_start
        fr = not left.is_reverse and right.is_reverse
        if fr and span <= MAX_PROPER_INSERT:
            p1.flag |= 2
            p2.flag |= 2
        tlen = span if span > 0 else 0
        left.template_length = tlen
        right.template_length = -tlen


def _align_batch(job: tuple[list[tuple], str, str]) -> tuple[str, dict]:
    """Map one batch of reads and write a coordinate-sorted chunk BAM; return (path, stats)."""
    batch, chunk_path, sample = job
    aligner: mappy.Aligner = _worker["aligner"]
    buf = mappy.ThreadBuffer()
    stats = AlignStats(preset=_worker["preset"])
    out: list[pysam.AlignedSegment] = []
    for item in batch:
        if len(item) == 2:
            r1, r2 = item
            stats.pairs_in += 1
            stats.reads_in += 2
            hits = _hits_by_segment(list(aligner.map(r1.seq, r2.seq, buf=buf)), 2)
            if not hits[0] and not hits[1]:
                stats.reads_unmapped_dropped += 2
                continue
            recs = []
            for read, seg_hits, flags in ((r1, hits[0], 1 | 64), (r2, hits[1], 1 | 128)):
                recs.append(_segment_records(read, seg_hits, sample, flags) if seg_hits else [_unmapped_record(read, flags)])
            _set_mates(recs[0], recs[1])
            for recs_seg, seg_hits in zip(recs, hits):
                stats.reads_mapped += 1 if seg_hits else 0
                stats.supplementary += max(0, len(seg_hits) - 1)
                out.extend(recs_seg)
        else:
            (r,) = item
            stats.reads_in += 1
            hits = _hits_by_segment(list(aligner.map(r.seq, buf=buf)), 1)[0]
            if not hits:
                stats.reads_unmapped_dropped += 1
                continue
            stats.reads_mapped += 1
            stats.supplementary += len(hits) - 1
            out.extend(_segment_records(r, hits, sample, 0))
    out.sort(key=lambda a: (a.reference_id, a.reference_start, a.query_name, a.flag))
    with pysam.AlignmentFile(chunk_path, "wb", header=_worker["header"]) as bam:
        for a in out:
            bam.write(a)
    return chunk_path, asdict(stats)


# ---- driver --------------------------------------------------------------------------------------
def _batches(items: Iterable[tuple], size: int) -> Iterator[list[tuple]]:
    it = iter(items)
    while batch := list(itertools.islice(it, size)):
        yield batch


def _merge_sorted(chunks: list[str], out_path: str, threads: int, tmpdir: str) -> None:
    """Merge sorted chunk BAMs (hierarchically when there are many) into one sorted BAM."""
    level = 0
    while len(chunks) > 200:
        merged = []
        for i in range(0, len(chunks), 200):
            target = os.path.join(tmpdir, f"merge{level}_{i}.bam")
            pysam.merge("-f", "-c", "-p", "-@", str(threads), target, *chunks[i : i + 200])
            merged.append(target)
        chunks, level = merged, level + 1
    if len(chunks) == 1:
        shutil.copyfile(chunks[0], out_path)
    else:
        pysam.merge("-f", "-c", "-p", "-@", str(threads), out_path, *chunks)


def align(
    ref: LocusReference,
    fq1: str | Path,
    fq2: str | Path | None,
    sample: str,
    out_bam: str | Path,
    platform: str = "illumina",
    threads: int = 1,
    batch_size: int = 20000,
    markdup: str = "position",
) -> AlignStats:
    """Align FASTQ(s) to the locus reference; write ``out_bam`` (+ .bai) sorted and indexed, atomically."""
    if fq2 is not None and platform != "illumina":
        raise InputError(fq2, f"paired FASTQ given for platform {platform}; long reads are single-end")
    reads: Iterable[tuple] = read_pairs(fq1, fq2) if fq2 is not None else ((r,) for r in read_fastq(fq1))
    return align_reads(ref, reads, sample, out_bam, platform, threads, batch_size, markdup)


def align_reads(
    ref: LocusReference,
    reads: Iterable[tuple[Read, Read] | tuple[Read]],
    sample: str,
    out_bam: str | Path,
    platform: str = "illumina",
    threads: int = 1,
    batch_size: int = 20000,
    markdup: str = "position",
    command: str = "",
) -> AlignStats:
    """Align (R1, R2) pairs and (read,) singles; write ``out_bam`` (+ .bai) sorted, duplicate-marked, indexed.

    ``markdup``: ``position`` (UMI-aware when every read has a UMI), ``umi-only`` (amplicons: only with
    UMIs) or ``off``. An empty ``reads`` gives a valid empty BAM: downstream reports "not callable".
    """
    if platform not in PRESETS:
        raise InputError(platform, f"unknown platform (use one of {', '.join(PRESETS)})")
    if markdup not in MARKDUP_MODES:
        raise InputError(markdup, f"unknown duplicate-marking mode (use one of {', '.join(MARKDUP_MODES)})")
    preset = PRESETS[platform]
    out_bam = Path(out_bam)
    fasta = str(ref.fasta_path)
    offsets = {c: s.interval.start0 for c, s in ref.slices.items()}
    header = bam_header(sample, platform, preset, command or f"thalgen align --platform {platform} (mappy -x {preset})")
    stats = AlignStats(preset=preset)
    with tempfile.TemporaryDirectory(prefix=".thalgen-align-", dir=out_bam.parent if out_bam.parent.exists() else None) as tmpdir:
        chunks: list[str] = []
        n_workers = max(1, threads)
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(n_workers, initializer=_init_worker, initargs=(fasta, offsets, preset, header)) as pool:
            # reads are pulled in this thread (a bad input file raises here, not inside the pool) and at
            # most 2 batches per worker are in flight, so memory stays bounded by the batch size
            in_flight: collections.deque = collections.deque()

            def collect() -> None:
                chunk_path, chunk_stats = in_flight.popleft().get()
                chunks.append(chunk_path)
                stats.add(AlignStats(**chunk_stats))

            for i, batch in enumerate(_batches(reads, batch_size)):
                in_flight.append(pool.apply_async(_align_batch, ((batch, os.path.join(tmpdir, f"chunk{i:06d}.bam"), sample),)))
                while len(in_flight) > 2 * n_workers:
                    collect()
            while in_flight:
                collect()
        with atomic_path(out_bam, suffix=".bam") as tmp_bam:
            if chunks:
                _merge_sorted(chunks, str(tmp_bam), threads, tmpdir)
            else:
                with pysam.AlignmentFile(str(tmp_bam), "wb", header=header):
                    pass
            dup = mark_duplicates(tmp_bam, markdup)
            stats.duplicates, stats.duplicate_fraction = dup.duplicates, dup.fraction
            stats.umi_aware, stats.markdup_mode = dup.umi_used, dup.mode
            pysam.index(str(tmp_bam), str(tmp_bam) + ".bai")
            os.replace(str(tmp_bam) + ".bai", str(out_bam) + ".bai")
    return stats


def write_stats(stats: AlignStats, path: str | Path) -> None:
    with atomic_path(path) as tmp:
        tmp.write_text(json.dumps(asdict(stats), indent=2, sort_keys=True) + "\n")
