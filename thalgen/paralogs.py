"""Base-to-base correspondence between the HBA2 and HBA1 calling regions (GRCh38, both on chr16).

Why: a hybrid α gene (the -α3.7 fusion, the extra unit of anti-3.7) is HBA2 sequence on one side of
its crossover and HBA1 on the other. Long reads through it are placed by their unique flanks, so their
HBA2-derived part can lie over HBA1 (or the reverse) and every paralog difference there looks like a
variant. A difference whose allele is exactly the other paralog's reference sequence at the
corresponding position is explained by the hybrid gene, not a new variant; this module says which
position corresponds, from a global alignment of the two regions.
"""

from __future__ import annotations

from Bio import Align

from thalgen.genes import transcripts
from thalgen.locus import LocusReference
from thalgen.smallvar import DOWNSTREAM_BP, UPSTREAM_BP



class ParalogMap:
    """HBA2 <-> HBA1 position correspondence (0-based GRCh38 positions on chr16)."""

    def __init__(self, ref: LocusReference) -> None:
        tx = transcripts()
        a, b = tx["HBA2"].span, tx["HBA1"].span
        self.chrom = a.chrom
        # the small-variant caller's calling regions (HBA2/HBA1 are on the + strand)
        self.a0, self.a1 = a.start0 - UPSTREAM_BP, a.end0 + DOWNSTREAM_BP
        self.b0, self.b1 = b.start0 - UPSTREAM_BP, b.end0 + DOWNSTREAM_BP
        self.ref = ref
        seq_a = ref.fetch0(self.chrom, self.a0, self.a1)
        seq_b = ref.fetch0(self.chrom, self.b0, self.b1)
        aligner = Align.PairwiseAligner(mode="global", match_score=2, mismatch_score=-3,
                                        open_gap_score=-5, extend_gap_score=-1)
        aln = aligner.align(seq_a, seq_b)[0]
        self.partner: dict[int, int] = {}
        for (sa, ea), (sb, eb) in zip(*aln.aligned):
            for k in range(ea - sa):
                pa, pb = self.a0 + sa + k, self.b0 + sb + k
                self.partner[pa] = pb
                self.partner[pb] = pa

    def paralog_ward(self, chrom: str, variants: list[tuple[int, str, str]]) -> list[bool]:
        """For each VCF-style variant (pos1, ref, alt): does it turn the reference into the paralog's sequence?

        Judged by edit distance over a window (WINDOW bp each side, mapped to the paralog through the
        alignment), with the sample's other variants in the window applied too, since a hybrid gene's
        paralog differences come in runs (a 7-bp deletion beside an SNV: each alone is only part of the
        way): a variant is paralog-ward when leaving it out takes the haplotype further from the paralog.
        """
        out = []
        for i, (pos1, ref_allele, _alt) in enumerate(variants):
            start0, end0 = pos1 - 1, pos1 - 1 + len(ref_allele)
            lo0 = self._mapped(start0 - WINDOW, -1) if chrom == self.chrom else None
            hi0 = self._mapped(end0 + WINDOW, +1) if chrom == self.chrom else None
            if lo0 is None or hi0 is None or not (lo0 < start0 and end0 < hi0):
                out.append(False)
                continue
            p_lo, p_hi = sorted((self.partner[lo0], self.partner[hi0]))
            para = self.ref.fetch0(chrom, p_lo, p_hi + 1).upper()
            near = [v for v in variants if lo0 < v[0] - 1 and v[0] - 1 + len(v[1]) < hi0]
            others = [v for v in near if v != variants[i]]
            with_it = self._haplotype(chrom, lo0, hi0 + 1, near)
            without = self._haplotype(chrom, lo0, hi0 + 1, others)
            out.append(with_it is not None and without is not None and _distance(with_it, para) < _distance(without, para))
        return out

    def _haplotype(self, chrom: str, lo0: int, hi0: int, variants: list[tuple[int, str, str]]) -> str | None:
        """The reference over [lo0, hi0) with non-overlapping variants applied (None if they overlap)."""
        parts, at = [], lo0
        for pos1, ref_allele, alt in sorted(variants):
            start0 = pos1 - 1
            if start0 < at:
                return None
            parts.append(self.ref.fetch0(chrom, at, start0) + alt)
            at = start0 + len(ref_allele)
        parts.append(self.ref.fetch0(chrom, at, hi0))
        return "".join(parts).upper()

    def _mapped(self, pos0: int, step: int) -> int | None:
        """The nearest position from ``pos0`` outward (``step``) that has a partner, within 2 x WINDOW."""
        for k in range(2 * WINDOW):
            if pos0 + step * k in self.partner:
                return pos0 + step * k
        return None


def _distance(a: str, b: str) -> int:
    return int(-_EDIT.score(a, b))


_EDIT = Align.PairwiseAligner(mode="global", match_score=0, mismatch_score=-1, open_gap_score=-1, extend_gap_score=-1)
WINDOW = 30  # bp each side of a variant compared with the paralog


_MAPS: dict[tuple, ParalogMap] = {}


def paralog_map(ref: LocusReference) -> ParalogMap:
    """One alignment per reference (the small-variant caller asks per variant)."""
    key = tuple((c, s.md5) for c, s in sorted(ref.slices.items()))
    if key not in _MAPS:
        _MAPS[key] = ParalogMap(ref)
    return _MAPS[key]
