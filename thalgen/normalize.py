"""Left-normalisation of VCF alleles against the locus reference (the bcftools norm convention).

CD8/9 +G and CD41/42 -TTCT sit in repeats: aligners may place them anywhere in the repeat, so every
caller output and catalog row is put in one canonical form: parsimonious, then shifted left.
"""

from __future__ import annotations

from thalgen.locus import LocusReference


def normalize(ref_seq: LocusReference, chrom: str, pos1: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Return the left-normalised, parsimonious (pos1, ref, alt) of a biallelic VCF record.

    ``ref`` must match the reference at ``pos1`` (1-based). Multi-base substitutions are only trimmed.
    """
    ref, alt = ref.upper(), alt.upper()
    # trim common suffix, then common prefix (keeping one anchor base for indels)
    while len(ref) > 1 and len(alt) > 1 and ref[-1] == alt[-1]:
        ref, alt = ref[:-1], alt[:-1]
    while len(ref) > 1 and len(alt) > 1 and ref[0] == alt[0]:
        ref, alt = ref[1:], alt[1:]
        pos1 += 1
    if len(ref) == len(alt) or (len(ref) > 1 and len(alt) > 1):
        return pos1, ref, alt
    # pure indel with one anchor base: shift left while the last bases are equal
    while True:
        if ref[-1] != alt[-1] or pos1 <= ref_seq.slice(chrom).interval.start1:
            break
        prev = ref_seq.fetch0(chrom, pos1 - 2, pos1 - 1)
        ref = prev + ref[:-1]
        alt = prev + alt[:-1]
        pos1 -= 1
    return pos1, ref, alt


def right_shift_indel(ref_seq: LocusReference, chrom: str, pos1: int, ref: str, alt: str) -> tuple[int, str, str]:
    """Shift a left-normalised indel as far right (3') as the sequence allows; HGVS's 3' rule on the + strand.

    Returns the VCF-style record (anchor base first) at its rightmost equivalent position.
    """
    if len(ref) == len(alt) or (len(ref) > 1 and len(alt) > 1):
        return pos1, ref, alt
    end0 = ref_seq.slice(chrom).interval.end0
    while True:
        # the base after the record
        nxt_pos0 = pos1 - 1 + len(ref)
        if nxt_pos0 >= end0:
            break
        nxt = ref_seq.fetch0(chrom, nxt_pos0, nxt_pos0 + 1)
        # rotating the indel sequence right by one works only if its first base equals the next base
        indel = ref[1:] if len(ref) > len(alt) else alt[1:]
        if indel[0] != nxt:
            break
        new_anchor = ref_seq.fetch0(chrom, pos1, pos1 + 1)
        indel = indel[1:] + nxt
        pos1 += 1
        if len(ref) > len(alt):
            ref, alt = new_anchor + indel, new_anchor
        else:
            ref, alt = new_anchor, new_anchor + indel
    return pos1, ref, alt
