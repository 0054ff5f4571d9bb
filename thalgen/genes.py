"""Transcript models (HBB, HBA2, HBA1) and gene spans, and the genomic <-> HGVS c. coordinate map.

Genomic positions here are GRCh38 1-based (``pos1``) because HGVS and people count that way;
intervals handed to the rest of the code are converted to 0-based half-open where stated.
"""

from __future__ import annotations

import csv
import functools
from dataclasses import dataclass
from importlib import resources

from Bio.Seq import Seq

from thalgen.locus import Interval, LocusReference


@dataclass(frozen=True)
class Gene:
    """A gene span used for copy number, coverage tables and plots."""

    name: str
    chrom: str
    start1: int
    end1: int
    strand: str
    cluster: str
    kind: str

    @property
    def interval(self) -> Interval:
        return Interval(self.chrom, self.start1 - 1, self.end1)


@dataclass(frozen=True)
class Transcript:
    """A coding transcript on GRCh38 with exons (1-based inclusive, ascending genomic order)."""

    gene: str
    name: str
    chrom: str
    strand: str
    exons1: tuple[tuple[int, int], ...]
    cds_start1: int  # lowest genomic base of the CDS (incl. stop codon)
    cds_end1: int  # highest genomic base of the CDS
    protein: str
    source: str

    # -- transcript-order helpers ----------------------------------------------------------
    @property
    def tx_exons1(self) -> list[tuple[int, int]]:
        """Exons in transcript order (5'->3'), each as (low, high) genomic 1-based."""
        return list(self.exons1) if self.strand == "+" else list(reversed(self.exons1))

    @property
    def tx_start1(self) -> int:
        """Genomic position of the transcript's first base (5' end)."""
        return self.exons1[0][0] if self.strand == "+" else self.exons1[-1][1]

    @property
    def tx_end1(self) -> int:
        return self.exons1[-1][1] if self.strand == "+" else self.exons1[0][0]

    @property
    def cds_first1(self) -> int:
        """Genomic position of c.1 (the A of ATG)."""
        return self.cds_start1 if self.strand == "+" else self.cds_end1

    @property
    def cds_last1(self) -> int:
        """Genomic position of the last base of the stop codon."""
        return self.cds_end1 if self.strand == "+" else self.cds_start1

    @property
    def span(self) -> Interval:
        return Interval(self.chrom, self.exons1[0][0] - 1, self.exons1[-1][1])

    def _dir(self) -> int:
        return 1 if self.strand == "+" else -1

    def exon_tx_offsets(self) -> list[tuple[int, int, int]]:
        """For each exon in transcript order: (5'-most genomic pos1, 3'-most genomic pos1, tx index of its first base)."""
        out = []
        acc = 0
        for low, high in self.tx_exons1:
            first, last = (low, high) if self.strand == "+" else (high, low)
            out.append((first, last, acc))
            acc += high - low + 1
        return out

    @functools.cached_property
    def _cds_tx_bounds(self) -> tuple[int, int]:
        first = self._tx_index(self.cds_first1)
        last = self._tx_index(self.cds_last1)
        assert first is not None and last is not None
        return first, last

    def _tx_index(self, pos1: int) -> int | None:
        """0-based index in the spliced transcript of an exonic genomic position, else None."""
        for first, last, acc in self.exon_tx_offsets():
            lo, hi = min(first, last), max(first, last)
            if lo <= pos1 <= hi:
                return acc + (pos1 - first) * self._dir()
        return None

    def _tx_index_to_c(self, idx: int) -> str:
        cds_first, cds_last = self._cds_tx_bounds
        if idx < cds_first:
            return f"-{cds_first - idx}"
        if idx > cds_last:
            return f"*{idx - cds_last}"
        return str(idx - cds_first + 1)

    def c_pos(self, pos1: int) -> str:
        """HGVS c. position (no prefix) of a GRCh38 1-based position: '20', '93-21', '-78', '*110', '92+5'."""
        idx = self._tx_index(pos1)
        if idx is not None:
            return self._tx_index_to_c(idx)
        d = self._dir()
        # upstream of the transcript: continue the 5'UTR numbering
        if (pos1 - self.tx_start1) * d < 0:
            dist = (self.tx_start1 - pos1) * d
            return self._tx_index_to_c(-dist)
        if (pos1 - self.tx_end1) * d > 0:
            tx_len = sum(h - lo + 1 for lo, h in self.exons1)
            dist = (pos1 - self.tx_end1) * d
            return self._tx_index_to_c(tx_len - 1 + dist)
        # intronic: between exon k (3' end) and exon k+1 (5' end)
        offsets = self.exon_tx_offsets()
        for (f1, l1, a1), (f2, _l2, a2) in zip(offsets, offsets[1:]):
            if (pos1 - l1) * d > 0 and (f2 - pos1) * d > 0:
                up = (pos1 - l1) * d
                down = (f2 - pos1) * d
                if up <= down:
                    return f"{self._tx_index_to_c(a1 + abs(l1 - f1))}+{up}"
                return f"{self._tx_index_to_c(a2)}-{down}"
        raise AssertionError(f"position {pos1} not placed on {self.name}")

    def region(self, pos1: int) -> str:
        """Where a position falls: upstream, utr5, cds, intron, utr3, downstream."""
        d = self._dir()
        if (pos1 - self.tx_start1) * d < 0:
            return "upstream"
        if (pos1 - self.tx_end1) * d > 0:
            return "downstream"
        idx = self._tx_index(pos1)
        if idx is None:
            return "intron"
        cds_first, cds_last = self._cds_tx_bounds
        if idx < cds_first:
            return "utr5"
        if idx > cds_last:
            return "utr3"
        return "cds"

    def cds_sequence(self, ref: LocusReference) -> str:
        """The coding sequence (c.1 to the stop codon) read from the reference, in transcript orientation."""
        parts = []
        for low, high in self.exons1:
            lo = max(low, self.cds_start1)
            hi = min(high, self.cds_end1)
            if lo <= hi:
                parts.append(ref.fetch0(self.chrom, lo - 1, hi))
        seq = "".join(parts)
        return seq if self.strand == "+" else str(Seq(seq).reverse_complement())

    def translate(self, ref: LocusReference) -> str:
        return str(Seq(self.cds_sequence(ref)).translate(to_stop=True))


def _data_rows(name: str) -> list[dict[str, str]]:
    text = resources.files("thalgen.data").joinpath(name).read_text()
    lines = [ln for ln in text.splitlines() if ln and not ln.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@functools.cache
def transcripts() -> dict[str, Transcript]:
    """Transcripts by gene symbol (HBB, HBA2, HBA1)."""
    out: dict[str, Transcript] = {}
    for row in _data_rows("transcripts.tsv"):
        exons = tuple(
            (int(a), int(b)) for a, b in (part.split("-") for part in row["exons_1based"].split(","))
        )
        out[row["gene"]] = Transcript(
            gene=row["gene"],
            name=row["transcript"],
            chrom=row["chrom"],
            strand=row["strand"],
            exons1=tuple(sorted(exons)),
            cds_start1=int(row["cds_start1"]),
            cds_end1=int(row["cds_end1"]),
            protein=row["protein"],
            source=row["source"],
        )
    return out


@functools.cache
def genes() -> dict[str, Gene]:
    """Gene spans by symbol, both clusters."""
    return {
        row["gene"]: Gene(row["gene"], row["chrom"], int(row["start1"]), int(row["end1"]), row["strand"], row["cluster"], row["kind"])
        for row in _data_rows("genes.tsv")
    }


def transcript_at(chrom: str, pos1: int, flank: int = 0) -> Transcript | None:
    """The transcript whose span (plus ``flank`` bp each side) contains a position, if any."""
    for tx in transcripts().values():
        if tx.chrom == chrom and tx.exons1[0][0] - flank <= pos1 <= tx.exons1[-1][1] + flank:
            return tx
    return None


def verify_slice_against_genes(ref: LocusReference) -> list[str]:
    """Translate every transcript the reference wholly covers; return a list of mismatches (empty = verified).

    This is how a slice claimed to be GRCh38 is checked: the CDS read at its declared coordinates must
    translate to the known protein. A slice at the wrong offset or from another build fails here.
    """
    problems = []
    for tx in transcripts().values():
        if not ref.covers(tx.chrom, tx.exons1[0][0] - 1, tx.exons1[-1][1]):
            continue
        protein = tx.translate(ref)
        if protein != tx.protein:
            problems.append(
                f"{tx.gene} ({tx.name}) CDS at its GRCh38 coordinates does not translate to the {tx.gene} protein"
            )
    return problems
