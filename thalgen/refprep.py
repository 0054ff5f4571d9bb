"""Build a locus reference directory from a lab's genome FASTA, from locus FASTAs, or by download.

Whatever the source, the slices are verified the same way before anything is written: the declared
interval length must match, and every transcript the slice covers must translate to its protein at
its GRCh38 coordinates (a slice from another build or at a wrong offset fails this).
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import re
import urllib.error
import urllib.request
from pathlib import Path

from thalgen.errors import InputError
from thalgen.fileio import atomic_path, is_gzip, require_readable
from thalgen.genes import verify_slice_against_genes
from thalgen.locus import (
    CLUSTER_OF_CHROM,
    DEFAULT_INTERVALS,
    GRCH37_CONTIG_LENGTHS,
    GRCH38_CONTIG_LENGTHS,
    Interval,
    LocusReference,
    LocusSlice,
    read_fasta,
)

UCSC_API = "https://api.genome.ucsc.edu"
ENSEMBL_API = "https://rest.ensembl.org"


def verify(ref: LocusReference, origin: str | Path) -> LocusReference:
    """Check lengths and gene translations; raise InputError naming ``origin`` on any mismatch."""
    for s in ref.slices.values():
        if len(s.sequence) != s.interval.length:
            raise InputError(origin, f"sequence for {s.interval} has {len(s.sequence)} bp, expected {s.interval.length}")
        if s.interval.end0 > GRCH38_CONTIG_LENGTHS[s.chrom]:
            raise InputError(origin, f"{s.interval} runs past the end of GRCh38 {s.chrom}")
        n_frac = s.sequence.count("N") / max(1, len(s.sequence))
        if n_frac > 0.05:
            raise InputError(origin, f"{s.interval} is {n_frac:.0%} N: not usable as a locus reference")
    problems = verify_slice_against_genes(ref)
    if problems:
        raise InputError(origin, "sequence does not match GRCh38 at the declared interval: " + "; ".join(problems))
    return ref


# ---- (c) locus FASTAs whose headers start with their GRCh38 interval ---------------------------
def prepare_from_locus_fastas(paths: list[str | Path]) -> LocusReference:
    """Each record's header starts with its GRCh38 interval, e.g. ``>chr11:5200000-5300000 ...``."""
    slices: dict[str, LocusSlice] = {}
    for path in paths:
        for header, seq in read_fasta(path):
            token = header.split()[0] if header.split() else ""
            try:
                interval = Interval.parse(token)
            except ValueError:
                raise InputError(path, f"header {header[:60]!r} does not start with a GRCh38 interval like chr11:5200000-5300000") from None
            if interval.chrom not in CLUSTER_OF_CHROM:
                raise InputError(path, f"{interval} is not on chr11 or chr16 (the globin clusters)")
            if len(seq) != interval.length:
                raise InputError(path, f"record {interval} has {len(seq)} bp but its header declares {interval.length} bp")
            if interval.chrom in slices:
                raise InputError(path, f"a second {interval.chrom} slice ({interval}); give one slice per cluster")
            slices[interval.chrom] = LocusSlice(interval, seq, f"locus FASTA {Path(path).name} ({header[:80]})")
    ref = LocusReference(dict(sorted(slices.items())))
    for path in paths:
        verify(ref, path)
    return ref


# ---- (a) a lab's own GRCh38 genome FASTA --------------------------------------------------------
def _contig_aliases(chrom: str) -> tuple[str, str]:
    bare = chrom.removeprefix("chr")
    return chrom, bare


def prepare_from_genome(genome: str | Path, intervals: tuple[Interval, ...] = DEFAULT_INTERVALS) -> LocusReference:
    """Extract the intervals from a genome FASTA naming contigs ``chr11`` or ``11`` (plain, gzip or bgzip)."""
    genome = require_readable(genome)
    wanted = {iv.chrom: iv for iv in intervals}
    sequences = _read_contigs(genome, {alias for c in wanted for alias in _contig_aliases(c)}, wanted)
    slices: dict[str, LocusSlice] = {}
    for chrom, iv in wanted.items():
        contig = next((a for a in _contig_aliases(chrom) if a in sequences), None)
        if contig is None:
            raise InputError(genome, f"no contig named {chrom} or {chrom.removeprefix('chr')}")
        full_len, seq = sequences[contig]
        if full_len == GRCH37_CONTIG_LENGTHS[chrom]:
            raise InputError(genome, f"contig {contig} has the GRCh37/hg19 length {full_len}; thalgen needs GRCh38 ({GRCH38_CONTIG_LENGTHS[chrom]})")
        if full_len != GRCH38_CONTIG_LENGTHS[chrom]:
            raise InputError(genome, f"contig {contig} is {full_len} bp, not the GRCh38 length {GRCH38_CONTIG_LENGTHS[chrom]}")
        slices[chrom] = LocusSlice(iv, seq, f"genome FASTA {genome.name} contig {contig}")
    return verify(LocusReference(slices), genome)


def _read_contigs(genome: Path, names: set[str], wanted: dict[str, Interval]) -> dict[str, tuple[int, str]]:
    """Return {contig: (full length, slice sequence)}; uses a .fai index when present, else streams once."""
    try:
        import pysam

        if Path(str(genome) + ".fai").exists():
            with pysam.FastaFile(str(genome)) as fa:
                out = {}
                for name in names & set(fa.references):
                    iv = wanted.get(name) or wanted.get(f"chr{name}")
                    out[name] = (fa.get_reference_length(name), fa.fetch(name, iv.start0, min(iv.end0, fa.get_reference_length(name))).upper())
                return out
    except (OSError, ValueError):
        pass  # fall back to streaming (e.g. plain gzip without .gzi)
    out: dict[str, tuple[int, str]] = {}
    opener = gzip.open if is_gzip(genome) else open
    current: str | None = None
    iv: Interval | None = None
    pos0 = 0
    chunks: list[str] = []

    def finish() -> None:
        if current is not None and iv is not None:
            out[current] = (pos0, "".join(chunks).upper())

    try:
        with opener(genome, "rt") as fh:
            for line in fh:
                if line.startswith(">"):
                    finish()
                    name = line[1:].split()[0] if line[1:].split() else ""
                    current = name if name in names else None
                    iv = (wanted.get(name) or wanted.get(f"chr{name}")) if current else None
                    pos0, chunks = 0, []
                    continue
                if current is None:
                    continue
                seq = line.strip()
                lo, hi = pos0, pos0 + len(seq)
                if hi > iv.start0 and lo < iv.end0:
                    chunks.append(seq[max(0, iv.start0 - lo) : min(len(seq), iv.end0 - lo)])
                pos0 = hi
            finish()
    except (EOFError, OSError) as exc:
        raise InputError(genome, f"could not read genome FASTA ({exc})") from None
    return out


# ---- (b) download from a public sequence service ------------------------------------------------
def default_cache_dir() -> Path:
    return Path(os.environ.get("THALGEN_CACHE", Path.home() / ".cache" / "thalgen"))


def _fetch(url: str, timeout: float) -> bytes:
    request = urllib.request.Request(url, headers={"User-Agent": "thalgen", "Accept": "application/json, text/plain"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read()
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise InputError(url, f"download failed ({exc})") from None


def _download_interval(iv: Interval, service: str, server: str, timeout: float) -> str:
    if service == "ucsc":
        # UCSC REST: 0-based start, end exclusive
        url = f"{server}/getData/sequence?genome=hg38;chrom={iv.chrom};start={iv.start0};end={iv.end0}"
        body = _fetch(url, timeout)
        try:
            dna = json.loads(body)["dna"]
        except (ValueError, KeyError):
            raise InputError(url, "unexpected answer from the UCSC sequence service (no 'dna' field)") from None
    elif service == "ensembl":
        url = f"{server}/sequence/region/human/{iv.chrom.removeprefix('chr')}:{iv.start1}..{iv.end1}:1?coord_system_version=GRCh38;content-type=text/plain"
        body = _fetch(url, timeout)
        dna = body.decode("ascii", errors="replace").strip()
    else:
        raise InputError(service, "unknown sequence service (use ucsc or ensembl)")
    if not re.fullmatch(r"[ACGTNacgtn]*", dna):
        raise InputError(url, "answer is not a DNA sequence")
    return dna.upper()


def prepare_by_download(
    intervals: tuple[Interval, ...] = DEFAULT_INTERVALS,
    service: str = "ucsc",
    server: str | None = None,
    cache_dir: Path | None = None,
    timeout: float = 60.0,
) -> LocusReference:
    """Fetch each interval from UCSC or Ensembl REST, verify it, and cache it by interval + service."""
    server = (server or (UCSC_API if service == "ucsc" else ENSEMBL_API)).rstrip("/")
    cache_dir = cache_dir or default_cache_dir()
    slices: dict[str, LocusSlice] = {}
    for iv in intervals:
        key = hashlib.sha1(f"{service}|{iv}".encode()).hexdigest()[:16]
        cached = cache_dir / f"GRCh38_{iv.chrom}_{iv.start1}_{iv.end1}_{service}_{key}.txt"
        seq = cached.read_text().strip() if cached.exists() else ""
        if len(seq) != iv.length:
            seq = _download_interval(iv, service, server, timeout)
            if len(seq) != iv.length:
                raise InputError(server, f"{service} returned {len(seq)} bp for {iv}, expected {iv.length}")
        slices[iv.chrom] = LocusSlice(iv, seq, f"{service} REST {server} GRCh38 {iv}")
        verify(LocusReference({iv.chrom: slices[iv.chrom]}), server)
        if not cached.exists():
            cache_dir.mkdir(parents=True, exist_ok=True)
            with atomic_path(cached) as tmp:
                tmp.write_text(seq + "\n")
    return LocusReference(slices)
