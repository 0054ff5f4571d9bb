"""The locus reference: GRCh38 slices of the beta-globin (chr11) and alpha-globin (chr16) clusters.

A locus reference directory holds ``locus.fa`` (one record per cluster, named by its GRCh38 contig,
e.g. ``chr11``, holding only the slice) and ``manifest.json`` (for each slice: the GRCh38 interval,
the full contig length, an MD5 of the sequence and where it came from). Everything downstream speaks
GRCh38 positions: a position ``p0`` inside a slice is ``slice.start0 + p0`` on the chromosome.

Coordinates: ``start0``/``end0`` are 0-based half-open; ``start1``/``end1`` are 1-based inclusive.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from thalgen import __version__
from thalgen.errors import InputError
from thalgen.fileio import atomic_path, open_text, require_readable

BUILD = "GRCh38"
#: Full GRCh38 contig lengths, so BAM/VCF headers open on hg38 in IGV and merge with other VCFs.
GRCH38_CONTIG_LENGTHS: dict[str, int] = {"chr11": 135_086_622, "chr16": 90_338_345}
#: GRCh37 lengths, used only to recognise (and refuse) the wrong build by name.
GRCH37_CONTIG_LENGTHS: dict[str, int] = {"chr11": 135_006_516, "chr16": 90_354_753}
CLUSTER_OF_CHROM: dict[str, str] = {"chr11": "beta", "chr16": "alpha"}

MANIFEST_NAME = "manifest.json"
FASTA_NAME = "locus.fa"
MANIFEST_FORMAT = "thalgen-locus-reference/1"


@dataclass(frozen=True)
class Interval:
    """A GRCh38 interval; 0-based half-open inside, printed 1-based inclusive."""

    chrom: str
    start0: int
    end0: int

    @property
    def start1(self) -> int:
        return self.start0 + 1

    @property
    def end1(self) -> int:
        return self.end0

    @property
    def length(self) -> int:
        return self.end0 - self.start0

    def __str__(self) -> str:
        return f"{self.chrom}:{self.start1}-{self.end1}"

    def contains0(self, pos0: int) -> bool:
        return self.start0 <= pos0 < self.end0

    @classmethod
    def parse(cls, text: str) -> "Interval":
        """Parse ``chr11:5200000-5300000`` (1-based inclusive, commas allowed); accepts ``11:`` too."""
        m = re.fullmatch(r"(?:chr)?([0-9XYM]+):([\d,]+)-([\d,]+)", text.strip())
        if not m:
            raise ValueError(f"not an interval of the form chr11:5200000-5300000: {text!r}")
        start1 = int(m.group(2).replace(",", ""))
        end1 = int(m.group(3).replace(",", ""))
        if end1 < start1 or start1 < 1:
            raise ValueError(f"empty or negative interval: {text!r}")
        return cls(f"chr{m.group(1)}", start1 - 1, end1)


#: Whole clusters with flanks: beta-globin cluster incl. LCR and the far ends of the large
#: beta-cluster deletions' nearest breakpoints; alpha cluster incl. HS-40 and HBQ1.
DEFAULT_INTERVALS: tuple[Interval, ...] = (
    Interval("chr11", 5_190_000, 5_320_000),
    Interval("chr16", 120_000, 240_000),
)


@dataclass
class LocusSlice:
    """One cluster's GRCh38 sequence slice."""

    interval: Interval
    sequence: str
    source: str
    md5: str = ""

    def __post_init__(self) -> None:
        self.sequence = self.sequence.upper()
        if not self.md5:
            self.md5 = sequence_md5(self.sequence)

    @property
    def chrom(self) -> str:
        return self.interval.chrom

    @property
    def cluster(self) -> str:
        return CLUSTER_OF_CHROM[self.interval.chrom]

    def fetch0(self, start0: int, end0: int) -> str:
        """GRCh38 0-based half-open ``[start0, end0)`` bases; raises if outside the slice."""
        lo = start0 - self.interval.start0
        hi = end0 - self.interval.start0
        if lo < 0 or hi > len(self.sequence) or lo > hi:
            raise IndexError(f"{self.chrom}:{start0 + 1}-{end0} is outside the locus slice {self.interval}")
        return self.sequence[lo:hi]


@dataclass
class LocusReference:
    """The loaded locus reference directory (or an in-memory one built by ``prepare``)."""

    slices: dict[str, LocusSlice]
    directory: Path | None = None
    created_by: str = f"thalgen {__version__}"
    extra: dict = field(default_factory=dict)

    # --- access -------------------------------------------------------------------------
    def slice(self, chrom: str) -> LocusSlice:
        try:
            return self.slices[chrom]
        except KeyError:
            raise KeyError(f"the locus reference has no {chrom} slice") from None

    def has(self, chrom: str) -> bool:
        return chrom in self.slices

    def fetch0(self, chrom: str, start0: int, end0: int) -> str:
        return self.slice(chrom).fetch0(start0, end0)

    def covers(self, chrom: str, start0: int, end0: int) -> bool:
        """True when ``[start0, end0)`` lies wholly inside the slice of ``chrom``."""
        s = self.slices.get(chrom)
        return s is not None and s.interval.start0 <= start0 and end0 <= s.interval.end0

    @property
    def fasta_path(self) -> Path:
        if self.directory is None:
            raise ValueError("in-memory locus reference has no FASTA on disk")
        return self.directory / FASTA_NAME

    def to_json(self) -> dict:
        """The provenance block that goes into every report."""
        return {
            "build": BUILD,
            "intervals": [str(s.interval) for s in self.slices.values()],
            "checksums": {str(s.interval): f"md5:{s.md5}" for s in self.slices.values()},
            "sources": {str(s.interval): s.source for s in self.slices.values()},
        }

    # --- persistence --------------------------------------------------------------------
    def write(self, directory: str | Path) -> Path:
        """Write ``locus.fa`` + ``manifest.json`` atomically into ``directory``."""
        directory = Path(directory)
        directory.mkdir(parents=True, exist_ok=True)
        with atomic_path(directory / FASTA_NAME) as tmp:
            with open(tmp, "w") as fh:
                for s in self.slices.values():
                    fh.write(f">{s.chrom} {s.interval} {BUILD}\n")
                    for i in range(0, len(s.sequence), 60):
                        fh.write(s.sequence[i : i + 60] + "\n")
        manifest = {
            "format": MANIFEST_FORMAT,
            "build": BUILD,
            "created_by": self.created_by,
            "slices": [
                {
                    "chrom": s.chrom,
                    "cluster": s.cluster,
                    "start1": s.interval.start1,
                    "end1": s.interval.end1,
                    "length": s.interval.length,
                    "contig_length": GRCH38_CONTIG_LENGTHS[s.chrom],
                    "md5": s.md5,
                    "source": s.source,
                }
                for s in self.slices.values()
            ],
        }
        with atomic_path(directory / MANIFEST_NAME) as tmp:
            tmp.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        self.directory = directory
        return directory

    @classmethod
    def load(cls, directory: str | Path) -> "LocusReference":
        """Load and verify (lengths, checksums) a locus reference directory."""
        directory = Path(directory)
        manifest_path = directory / MANIFEST_NAME
        if not directory.is_dir():
            raise InputError(directory, "locus reference directory not found (run `thalgen reference prepare`)")
        require_readable(manifest_path)
        try:
            manifest = json.loads(manifest_path.read_text())
        except json.JSONDecodeError as exc:
            raise InputError(manifest_path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
        if manifest.get("format") != MANIFEST_FORMAT:
            raise InputError(manifest_path, f"not a thalgen locus reference manifest (format {manifest.get('format')!r})")
        records = dict(read_fasta(directory / FASTA_NAME))
        slices: dict[str, LocusSlice] = {}
        for entry in manifest["slices"]:
            chrom = entry["chrom"]
            seq = None
            for name, s in records.items():
                if name.split()[0] == chrom:
                    seq = s
            if seq is None:
                raise InputError(directory / FASTA_NAME, f"no record for {chrom} declared in the manifest")
            interval = Interval(chrom, entry["start1"] - 1, entry["end1"])
            if len(seq) != interval.length:
                raise InputError(
                    directory / FASTA_NAME,
                    f"{chrom} record has {len(seq)} bp but the manifest declares {interval} ({interval.length} bp)",
                )
            digest = sequence_md5(seq)
            if digest != entry["md5"]:
                raise InputError(directory / FASTA_NAME, f"{chrom} sequence checksum {digest} does not match the manifest ({entry['md5']})")
            slices[chrom] = LocusSlice(interval, seq, entry.get("source", "unknown"), digest)
        return cls(slices, directory, manifest.get("created_by", "unknown"))


def sequence_md5(sequence: str) -> str:
    return hashlib.md5(sequence.upper().encode("ascii")).hexdigest()


def read_fasta(path: str | Path) -> list[tuple[str, str]]:
    """Read a (small) FASTA file, plain or gzipped, into (header, sequence) pairs."""
    records: list[tuple[str, str]] = []
    header: str | None = None
    chunks: list[str] = []
    with open_text(path) as fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\r\n")
            if not line:
                continue
            if line.startswith(">"):
                if header is not None:
                    records.append((header, "".join(chunks)))
                header, chunks = line[1:].strip(), []
            else:
                if header is None:
                    raise InputError(path, f"line {lineno}: sequence before the first '>' header: not FASTA")
                if not re.fullmatch(r"[A-Za-z*\-]+", line):
                    raise InputError(path, f"line {lineno}: unexpected characters in sequence")
                chunks.append(line)
    if header is not None:
        records.append((header, "".join(chunks)))
    if not records:
        raise InputError(path, "no FASTA records")
    return records
