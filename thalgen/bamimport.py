"""Take the globin-locus reads back out of a lab's GRCh38 BAM/CRAM, as sequenced, for re-alignment.

Why re-align instead of trusting the lab's alignment: HBA2/HBA1, HBG1/HBG2 and HBB/HBD are near
copies, and which paralog a read lands on depends on the aligner and its settings. Re-aligning the
locus reads to the locus reference (``thalgen.align.align_reads``) decides placement the same way
for FASTQ and BAM input.

What is read, through the index only (never the whole file):
- every primary record overlapping the locus reference's GRCh38 intervals (in the file's naming,
  ``chr11`` or ``11``);
- mates of those pairs mapped elsewhere, fetched by mate position in merged windows (at most
  ``max_mate_windows`` windows; the rest are counted and their partners go on single-end);
- unplaced unmapped reads (``*``), when the index says there are some and at most ``max_unmapped``
  of them: reads from divergent or inserted sequence that the genome aligner could not place.
Secondary and supplementary records are skipped (the primary holds the whole read); QC-failed
reads are skipped. Reverse-strand records are reverse-complemented (qualities reversed) back to
the sequenced orientation and mates are paired by name, R1 first.

Decisions:
- A hard-clipped primary (rare; some pipelines hard-clip adapters) is kept with the bases it still
  has and counted (``hard_clipped_primary``): losing a few clipped bases is better than losing the
  read, and the count in the QC tells the lab it happened.
- A record without base qualities (``*``) gets Q20 for every base and is counted
  (``without_qualities``): usable for counting, never treated as high-confidence.
- The build is checked from the header before anything is read: GRCh37/hg19 is refused with its
  name (the loci sit ~21 kb (chr11) / ~50 kb (chr16) elsewhere there; calls at GRCh37 positions
  would be at wrong coordinates). Coordinate translation is not attempted.
- A missing index is built beside the file when the directory is writable, otherwise refused.
- CRAM needs the lab's genome FASTA (``genome_fasta``); a CRAM without one is refused rather
  than letting htslib fetch a reference over the network.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Iterator

import mappy
import pysam

from thalgen.errors import InputError
from thalgen.fastq import Read
from thalgen.fileio import require_readable
from thalgen.locus import GRCH37_CONTIG_LENGTHS, GRCH38_CONTIG_LENGTHS, LocusReference

#: T2T-CHM13v2.0 lengths: recognised only to name the build in the error.
CHM13_CONTIG_LENGTHS: dict[str, int] = {"chr11": 135_127_769, "chr16": 92_533_332}
_KNOWN_BUILDS = (("GRCh38", GRCH38_CONTIG_LENGTHS), ("GRCh37/hg19", GRCH37_CONTIG_LENGTHS), ("T2T-CHM13", CHM13_CONTIG_LENGTHS))
MATE_WINDOW_GAP = 1000
FILL_QUALITY = chr(33 + 20)
_SKIP_FLAGS = 0x100 | 0x800 | 0x200  # secondary, supplementary, QC fail


@dataclass(frozen=True, slots=True)
class UmiRead(Read):
    """A read that carried a UMI tag (RX/UB) in the lab BAM; ``align`` writes it back as RX."""

    umi: str = ""


@dataclass(frozen=True)
class BuildInfo:
    """The build and contig naming of an aligned file: ``contigs`` maps chr11 -> the file's name."""

    build: str
    naming: str  # "chr" or "bare"
    contigs: dict[str, str]


@dataclass
class ImportStats:
    """What was taken from the BAM/CRAM; lands in ``{sample}.align.json`` under ``source``."""

    path: str = ""
    format: str = ""
    build: str = ""
    naming: str = ""
    index_built: bool = False
    source_samples: list[str] = field(default_factory=list)
    regions: list[str] = field(default_factory=list)
    records_in_loci: int = 0
    pairs: int = 0
    singles: int = 0
    mates_fetched_elsewhere: int = 0
    mate_windows: int = 0
    mates_not_found: int = 0
    unmapped_included: int = 0
    unmapped_note: str = ""
    skipped_secondary: int = 0
    skipped_supplementary: int = 0
    skipped_qcfail: int = 0
    hard_clipped_primary: int = 0
    without_qualities: int = 0

    def to_json(self) -> dict:
        return asdict(self)


def detect_build(header: pysam.AlignmentHeader | dict, path: str | Path = "<header>") -> BuildInfo:
    """GRCh38 with chr11/chr16 (or 11/16) at their GRCh38 lengths; anything else is an InputError."""
    hd = header.to_dict() if hasattr(header, "to_dict") else header
    lengths = {sq["SN"]: int(sq["LN"]) for sq in hd.get("SQ", [])}
    found: dict[str, tuple[str, int]] = {}
    for chrom in ("chr11", "chr16"):
        for name in (chrom, chrom[3:]):
            if name in lengths:
                found[chrom] = (name, lengths[name])
                break
    if len(found) < 2:
        shown = ", ".join(list(lengths)[:8]) + (" ..." if len(lengths) > 8 else "")
        missing = " and ".join(c for c in ("chr11", "chr16") if c not in found)
        raise InputError(path, f"no {missing} contig (as chr11/11, chr16/16) in the header; found {len(lengths)} contigs: {shown or 'none'}")
    namings = {"chr" if name.startswith("chr") else "bare" for name, _ in found.values()}
    builds = []
    for chrom, (name, length) in found.items():
        build = next((b for b, table in _KNOWN_BUILDS if table[chrom] == length), None)
        builds.append(build)
        if build is None:
            raise InputError(path, f"{name} has length {length:,}, which is not GRCh38 ({GRCH38_CONTIG_LENGTHS[chrom]:,}): unknown build; thalgen needs GRCh38")
    if len(set(builds)) > 1 or len(namings) > 1:
        raise InputError(path, f"chr11 and chr16 disagree on build or naming ({', '.join(f'{n}={b}' for (n, _), b in zip(found.values(), builds))})")
    build = builds[0]
    if build != "GRCh38":
        name11, len11 = found["chr11"]
        raise InputError(
            path,
            f"aligned to {build} ({name11} length {len11:,}), not GRCh38: the globin loci are at other coordinates there;"
            " realign to GRCh38 or give the FASTQ files",
        )
    naming = namings.pop()
    return BuildInfo("GRCh38", naming, {chrom: name for chrom, (name, _) in found.items()})


def _open(path: Path, genome_fasta: str | Path | None) -> tuple[pysam.AlignmentFile, str]:
    with open(path, "rb") as fh:
        magic = fh.read(4)
    if magic == b"CRAM":
        if genome_fasta is None:
            raise InputError(path, "CRAM input needs the genome FASTA it was compressed against (config genome_fasta / --genome-fasta)")
        require_readable(genome_fasta)
        try:
            return pysam.AlignmentFile(str(path), "rc", reference_filename=str(genome_fasta)), "CRAM"
        except (OSError, ValueError) as exc:
            raise InputError(path, f"cannot open CRAM with {genome_fasta}: {exc}") from None
    try:
        return pysam.AlignmentFile(str(path), "rb"), "BAM"
    except (OSError, ValueError) as exc:
        if "EOF marker" in str(exc):
            raise InputError(path, "BAM is truncated (no BGZF end-of-file marker): copy or re-create it") from None
        raise InputError(path, f"not a readable BAM or CRAM ({exc})") from None


def _ensure_index(aln: pysam.AlignmentFile, path: Path, fmt: str, genome_fasta: str | Path | None) -> tuple[pysam.AlignmentFile, bool]:
    """Return an indexed handle; build the index beside the file when it is missing and we may."""
    if aln.has_index():
        return aln, False
    aln.close()
    if not os.access(path.parent, os.W_OK):
        raise InputError(path, f"no index ({'.crai' if fmt == 'CRAM' else '.bai/.csi'}) and the directory is not writable to build one (run samtools index)")
    try:
        pysam.index(str(path))
    except pysam.SamtoolsError as exc:
        raise InputError(path, f"no index and building one failed (is it coordinate-sorted?): {str(exc).strip()}") from None
    reopened, _ = _open(path, genome_fasta)
    if not reopened.has_index():
        raise InputError(path, "index was built but cannot be opened")
    return reopened, True


def _to_read(rec: pysam.AlignedSegment, stats: ImportStats) -> Read:
    """The read as sequenced: reverse-strand records are reverse-complemented back."""
    seq = rec.query_sequence or ""
    quals = rec.query_qualities
    if quals is None:
        qual = FILL_QUALITY * len(seq)
        stats.without_qualities += 1
    else:
        qual = pysam.qualities_to_qualitystring(quals)
    if rec.cigartuples and (rec.cigartuples[0][0] == 5 or rec.cigartuples[-1][0] == 5):
        stats.hard_clipped_primary += 1
    if rec.is_reverse and not rec.is_unmapped:
        seq, qual = mappy.revcomp(seq), qual[::-1]
    name = rec.query_name
    umi = str(rec.get_tag("RX")) if rec.has_tag("RX") else (str(rec.get_tag("UB")) if rec.has_tag("UB") else "")
    return UmiRead(name, seq.upper(), qual, umi) if umi else Read(name, seq.upper(), qual)


def _segment(rec: pysam.AlignedSegment) -> int:
    return 2 if rec.is_read2 else 1


def _skip(rec: pysam.AlignedSegment, stats: ImportStats) -> bool:
    if rec.flag & _SKIP_FLAGS:
        if rec.is_secondary:
            stats.skipped_secondary += 1
        elif rec.is_supplementary:
            stats.skipped_supplementary += 1
        else:
            stats.skipped_qcfail += 1
        return True
    return not rec.query_sequence


def _merge_windows(positions: list[tuple[str, int]], gap: int) -> list[tuple[str, int, int]]:
    windows: list[tuple[str, int, int]] = []
    for contig, pos0 in sorted(set(positions)):
        if windows and windows[-1][0] == contig and pos0 - windows[-1][2] < gap:
            windows[-1] = (contig, windows[-1][1], pos0 + 1)
        else:
            windows.append((contig, pos0, pos0 + 1))
    return windows


def extract_reads(
    bam_or_cram: str | Path,
    ref: LocusReference,
    genome_fasta: str | Path | None = None,
    stats: ImportStats | None = None,
    max_mate_windows: int = 20000,
    max_unmapped: int = 2_000_000,
) -> Iterator[tuple[Read, Read] | tuple[Read]]:
    """Check the file (build, index, CRAM reference) now; return an iterator of (R1, R2) / (read,)."""
    path = require_readable(bam_or_cram)
    stats = stats if stats is not None else ImportStats()
    aln, fmt = _open(path, genome_fasta)
    try:
        info = detect_build(aln.header, path)
    except InputError:
        aln.close()
        raise
    aln, built = _ensure_index(aln, path, fmt, genome_fasta)
    stats.path, stats.format, stats.build, stats.naming, stats.index_built = str(path), fmt, info.build, info.naming, built
    stats.source_samples = sorted({rg.get("SM", "") for rg in aln.header.to_dict().get("RG", []) if rg.get("SM")})
    regions = []
    for chrom, sl in ref.slices.items():
        if chrom not in info.contigs:
            aln.close()
            raise InputError(path, f"no contig for {chrom} in the header")
        regions.append((info.contigs[chrom], sl.interval.start0, sl.interval.end0))
    stats.regions = [f"{c}:{s + 1}-{e}" for c, s, e in regions]
    return _iterate(aln, path, regions, stats, max_mate_windows, max_unmapped)


def _iterate(
    aln: pysam.AlignmentFile,
    path: Path,
    regions: list[tuple[str, int, int]],
    stats: ImportStats,
    max_mate_windows: int,
    max_unmapped: int,
) -> Iterator[tuple[Read, Read] | tuple[Read]]:
    pending: dict[str, dict[int, Read]] = {}
    mate_at: dict[str, tuple[str, int]] = {}
    done: set[str] = set()

    def take(rec: pysam.AlignedSegment) -> tuple[Read, Read] | tuple[Read] | None:
        name = rec.query_name
        if not rec.is_paired:
            if name in done:
                return None
            done.add(name)
            stats.singles += 1
            return (_to_read(rec, stats),)
        key = name
        if key in done:
            return None
        segs = pending.setdefault(key, {})
        seg = _segment(rec)
        if seg in segs:
            return None  # the same record seen from a second region
        segs[seg] = _to_read(rec, stats)
        if len(segs) == 2:
            del pending[key]
            mate_at.pop(key, None)
            done.add(key)
            stats.pairs += 1
            return (segs[1], segs[2])
        if rec.next_reference_id >= 0:
            mate_at[key] = (aln.get_reference_name(rec.next_reference_id), rec.next_reference_start)
        return None

    try:
        for contig, start0, end0 in regions:
            for rec in aln.fetch(contig, start0, end0):
                stats.records_in_loci += 1
                if _skip(rec, stats):
                    continue
                item = take(rec)
                if item:
                    yield item
        # mates that map outside the loci: fetch by position, a bounded number of merged windows
        wanted = [mate_at[n] for n in sorted(mate_at)]
        windows = _merge_windows(wanted, MATE_WINDOW_GAP)
        stats.mate_windows = min(len(windows), max_mate_windows)
        for contig, start0, end0 in windows[:max_mate_windows]:
            for rec in aln.fetch(contig, start0, end0):
                if rec.query_name not in pending or _skip(rec, stats):
                    continue
                item = take(rec)
                if item:
                    stats.mates_fetched_elsewhere += 1
                    yield item
        # unplaced unmapped reads, only when the index says there are some and not too many
        n_unmapped = aln.nocoordinate if aln.is_bam else 0
        if n_unmapped and n_unmapped <= max_unmapped:
            for rec in aln.fetch("*"):
                if rec.is_paired and rec.query_name in done:
                    continue
                if _skip(rec, stats):
                    continue
                stats.unmapped_included += 1
                item = take(rec)
                if item:
                    yield item
        elif n_unmapped:
            stats.unmapped_note = f"{n_unmapped} unplaced unmapped reads not read (more than {max_unmapped})"
        elif not aln.is_bam:
            stats.unmapped_note = "CRAM index has no unmapped count; unplaced unmapped reads not read"
        # partners that never turned up go on alone
        for name in sorted(pending):
            for read in pending[name].values():
                stats.mates_not_found += 1
                stats.singles += 1
                yield (read,)
        pending.clear()
    except (OSError, ValueError) as exc:
        raise InputError(path, f"reading failed ({exc})") from None
    finally:
        with contextlib.suppress(OSError):  # closing a handle that hit a read error fails again
            aln.close()
