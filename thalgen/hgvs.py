"""HGVS naming for HBB, HBA2 and HBA1: genomic VCF record <-> c. <-> p., with legacy names.

Why this is its own module: the same variant reaches us in several spellings (an aligner's placement
inside a repeat, HbVar's legacy c.125_128delTCTT, a caller's left-normalised VCF). Naming goes
through one path: left-normalise on the genome, apply HGVS's 3' rule in *transcript* orientation
(HBB is on the minus strand, so the left-normalised record already is transcript-3'-most; HBA2/HBA1
are on the plus strand and are shifted right), then number with ``Transcript.c_pos``.

Protein names are predicted (in parentheses), three-letter, with ``*`` for stop codons in new
positions (``p.(Trp16*)``, ``p.(Ser10Valfs*14)``, ``p.(Ter143Glnext*31)``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from Bio.Data.IUPACData import protein_letters_1to3
from Bio.Seq import Seq

from thalgen.genes import Transcript, transcripts
from thalgen.locus import LocusReference
from thalgen.normalize import normalize, right_shift_indel

#: How far outside a transcript a variant is still named against it (5' promoter, 3' downstream).
UPSTREAM_BP = 2000
DOWNSTREAM_BP = 1000
#: Genomic bases read past the transcript's 3' end when a frameshift or stop loss runs on.
READTHROUGH_BP = 1500

CONSEQUENCES = (
    "missense", "synonymous", "nonsense", "frameshift", "inframe_deletion", "inframe_insertion",
    "start_loss", "stop_loss", "splice_donor", "splice_acceptor", "splice_region", "intron",
    "promoter", "utr5", "utr3", "downstream",
)

_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}
_COMPLEMENT = str.maketrans("ACGTN", "TGCAN")


@dataclass(frozen=True)
class HgvsAnnotation:
    """The HGVS names and predicted consequence of one variant on one transcript."""

    gene: str
    transcript: str
    hgvs_c: str  # "c.27dup" (no transcript prefix)
    hgvs_p: str  # "p.(Glu7Val)", "p.(Ser10Valfs*14)", "" for non-coding/intronic
    consequence: str  # one of CONSEQUENCES
    legacy: str  # "codon 6", "IVS-I-110", "-28", "" when no legacy name applies


def revcomp(seq: str) -> str:
    return seq.translate(_COMPLEMENT)[::-1]


# --- c. positions ---------------------------------------------------------------------------

_CPOS = r"[-*]?\d+(?:[+-]\d+)?"


def _split_cpos(cpos: str) -> tuple[str, int, int]:
    """'93-21' -> ('', 93, -21); '*110' -> ('*', 110, 0); '-78' -> ('-', 78, 0)."""
    m = re.fullmatch(r"([-*]?)(\d+)([+-]\d+)?", cpos)
    if not m:
        raise ValueError(f"not an HGVS c. position: {cpos!r}")
    return m.group(1), int(m.group(2)), int(m.group(3) or 0)


def _tx_length(tx: Transcript) -> int:
    return sum(hi - lo + 1 for lo, hi in tx.exons1)


def genomic_pos1(tx: Transcript, cpos: str) -> int:
    """GRCh38 1-based position of an HGVS c. position (the inverse of ``Transcript.c_pos``)."""
    prefix, num, offset = _split_cpos(cpos)
    cds_first_idx, cds_last_idx = tx._cds_tx_bounds
    if prefix == "-":
        idx = cds_first_idx - num
    elif prefix == "*":
        idx = cds_last_idx + num
    else:
        if num == 0:
            raise ValueError("c.0 does not exist")
        idx = cds_first_idx + num - 1
        if idx > cds_last_idx:
            raise ValueError(f"c.{cpos} lies past the stop codon (c.{cds_last_idx - cds_first_idx + 1}); write c.*N")
    d = 1 if tx.strand == "+" else -1
    length = _tx_length(tx)
    if idx < 0:
        base = tx.tx_start1 + idx * d
    elif idx >= length:
        base = tx.tx_end1 + (idx - length + 1) * d
    else:
        base = None
        for first, last, acc in tx.exon_tx_offsets():
            n = abs(last - first) + 1
            if acc <= idx < acc + n:
                base = first + (idx - acc) * d
                if offset > 0 and base != last:
                    raise ValueError(f"c.{cpos}: c.{prefix}{num} is not the last base of an exon")
                if offset < 0 and base != first:
                    raise ValueError(f"c.{cpos}: c.{prefix}{num} is not the first base of an exon")
                break
        assert base is not None
    if offset and not 0 <= idx < length:
        raise ValueError(f"c.{cpos}: an intronic offset outside the transcript")
    pos1 = base + offset * d
    # c.92+110 is accepted although HGVS names that base from the nearer exon (c.93-21)
    return pos1


# --- choosing the transcript ----------------------------------------------------------------


def transcript_for(chrom: str, pos1: int, end1: int | None = None) -> Transcript | None:
    """The transcript whose span plus promoter (2 kb) / downstream (1 kb) window holds the variant."""
    end1 = pos1 if end1 is None else end1
    best: tuple[int, Transcript] | None = None
    for tx in transcripts().values():
        if tx.chrom != chrom:
            continue
        lo, hi = tx.exons1[0][0], tx.exons1[-1][1]
        if tx.strand == "+":
            wlo, whi = lo - UPSTREAM_BP, hi + DOWNSTREAM_BP
        else:
            wlo, whi = lo - DOWNSTREAM_BP, hi + UPSTREAM_BP
        if end1 < wlo or pos1 > whi:
            continue
        dist = max(0, lo - end1, pos1 - hi)
        if best is None or dist < best[0]:
            best = (dist, tx)
    return None if best is None else best[1]


# --- the variant in genomic terms -----------------------------------------------------------


@dataclass(frozen=True)
class _Edit:
    """A parsimonious edit: genomic span [start1, end1] replaced by ``alt`` (plus strand).

    An insertion has an empty span: end1 == start1 - 1 (it sits between end1 and start1).
    """

    start1: int
    end1: int
    alt: str
    ref: str

    @property
    def is_insertion(self) -> bool:
        return self.end1 < self.start1


def _edit_from_vcf(pos1: int, ref: str, alt: str) -> _Edit:
    """Drop the shared anchor base of a normalised VCF indel."""
    if len(ref) != len(alt) and min(len(ref), len(alt)) == 1 and ref[0] == alt[0]:
        return _Edit(pos1 + 1, pos1 + len(ref) - 1, alt[1:], ref[1:])
    return _Edit(pos1, pos1 + len(ref) - 1, alt, ref)


def _check_ref(ref: LocusReference, chrom: str, pos1: int, ref_allele: str) -> None:
    seen = ref.fetch0(chrom, pos1 - 1, pos1 - 1 + len(ref_allele))
    if seen != ref_allele.upper():
        raise ValueError(f"REF {ref_allele} does not match the reference ({seen}) at {chrom}:{pos1}")


# --- c. names ------------------------------------------------------------------------------


def _c_range(tx: Transcript, lo1: int, hi1: int) -> str:
    """c. range of genomic [lo1, hi1] written 5'->3' in transcript orientation."""
    a, b = (lo1, hi1) if tx.strand == "+" else (hi1, lo1)
    return tx.c_pos(a) if a == b else f"{tx.c_pos(a)}_{tx.c_pos(b)}"


def _tx_seq(tx: Transcript, seq: str) -> str:
    return seq if tx.strand == "+" else revcomp(seq)


def _name_c(ref: LocusReference, tx: Transcript, chrom: str, e: _Edit) -> str:
    """HGVS c. description of a 3'-shifted edit."""
    if e.is_insertion:
        n = len(e.alt)
        # the bases 5' of the insertion in transcript orientation
        if tx.strand == "+":
            before_lo, before_hi = e.start1 - n, e.end1
        else:
            before_lo, before_hi = e.start1, e.start1 + n - 1
        if ref.covers(chrom, before_lo - 1, before_hi) and ref.fetch0(chrom, before_lo - 1, before_hi) == e.alt:
            return f"c.{_c_range(tx, before_lo, before_hi)}dup"
        flank = _c_range(tx, e.end1, e.start1)
        return f"c.{flank}ins{_tx_seq(tx, e.alt)}"
    span = _c_range(tx, e.start1, e.end1)
    if not e.alt:
        return f"c.{span}del"
    if len(e.ref) == 1 and len(e.alt) == 1:
        return f"c.{span}{_tx_seq(tx, e.ref)}>{_tx_seq(tx, e.alt)}"
    return f"c.{span}delins{_tx_seq(tx, e.alt)}"


# --- legacy names --------------------------------------------------------------------------


def _intron_number_and_length(tx: Transcript, exon_last1: int) -> tuple[int, int]:
    offsets = tx.exon_tx_offsets()
    for k, ((_f1, l1, _a1), (f2, _l2, _a2)) in enumerate(zip(offsets, offsets[1:]), 1):
        if l1 == exon_last1 or f2 == exon_last1:
            return k, abs(f2 - l1) - 1
    raise AssertionError("no intron next to that exon base")


def _legacy_point(tx: Transcript, pos1: int) -> tuple[str, int, str]:
    """(kind, number, text) of one position in legacy globin numbering (codons without Met, IVS, cap)."""
    prefix, num, offset = _split_cpos(tx.c_pos(pos1))
    region = tx.region(pos1)
    if region == "intron":
        d = 1 if tx.strand == "+" else -1
        exon_base = pos1 - offset * d
        k, length = _intron_number_and_length(tx, exon_base)
        n = offset if offset > 0 else length + offset + 1
        return f"IVS{k}", n, f"IVS-{_ROMAN.get(k, str(k))}-{n}"
    if region == "cds":
        codon = (num - 1) // 3
        return "codon", codon, "initiation codon" if codon == 0 else f"codon {codon}"
    if region in ("utr5", "upstream"):
        cap_offset = (tx._cds_tx_bounds[0] - num) if prefix == "-" else 0
        if cap_offset >= 0:
            return "cap", cap_offset + 1, f"Cap+{cap_offset + 1}"
        return "upstream", cap_offset, str(cap_offset)
    if region == "utr3":
        return "term", num, f"Term CD+{num}"
    return "downstream", 0, ""


def _legacy(tx: Transcript, lo1: int, hi1: int) -> str:
    """Legacy name of genomic [lo1, hi1] (all equivalent placements of an indel already merged)."""
    a, b = (lo1, hi1) if tx.strand == "+" else (hi1, lo1)
    ka, na, ta = _legacy_point(tx, a)
    kb, nb, tb = _legacy_point(tx, b)
    if (ka, na) == (kb, nb):
        return ta
    if ka != kb:
        return f"{ta} to {tb}" if ta and tb else ""
    if ka == "codon":
        sep = "/" if nb == na + 1 else "-"
        return f"codons {na}{sep}{nb}" if na else f"initiation codon{sep}codon {nb}"
    if ka.startswith("IVS") or ka in ("cap", "term"):
        return f"{ta}_{nb}"
    return f"{ta}_{tb}"


# --- protein consequence -------------------------------------------------------------------


def _aa3(aa: str) -> str:
    return "Ter" if aa == "*" else protein_letters_1to3[aa]


def _mutant_coding_tail(ref: LocusReference, tx: Transcript, chrom: str, e: _Edit | None) -> str:
    """Spliced sequence from c.1 to the transcript end plus read-through, with ``e`` applied."""
    d = 1 if tx.strand == "+" else -1
    positions: list[int] = []
    for first, last, _acc in tx.exon_tx_offsets():
        positions.extend(range(first, last + d, d))
    start = positions.index(tx.cds_first1)
    positions = positions[start:]
    tail_from = positions[-1] + d
    slice_iv = ref.slice(chrom).interval
    for i in range(READTHROUGH_BP):
        p = tail_from + i * d
        if not slice_iv.start1 <= p <= slice_iv.end1:
            break
        positions.append(p)
    out: list[str] = []
    lo = min(positions)
    hi = max(positions)
    block = ref.fetch0(chrom, lo - 1, hi)
    alt_tx = "" if e is None else _tx_seq(tx, e.alt)
    if e is not None:
        first_of_span = e.start1 if tx.strand == "+" else e.end1
    for p in positions:
        if e is not None and p == first_of_span:
            out.append(alt_tx)
        if e is not None and e.start1 <= p <= e.end1:
            continue
        b = block[p - lo]
        out.append(b if tx.strand == "+" else b.translate(_COMPLEMENT))
    return "".join(out)


def _translate_to_stop(seq: str) -> str:
    """Translate codon by codon, including the first stop as '*'; no stop -> no trailing '*'."""
    seq = seq[: len(seq) - len(seq) % 3]
    protein = str(Seq(seq).translate())
    stop = protein.find("*")
    return protein if stop < 0 else protein[: stop + 1]


def _protein_change(ref_p: str, mut_p: str) -> tuple[str, str]:
    """HGVS p. description and consequence from reference and mutant proteins (both ending at '*')."""
    if ref_p == mut_p:
        return "", "synonymous"
    p = 0
    while p < min(len(ref_p), len(mut_p)) and ref_p[p] == mut_p[p]:
        p += 1
    if p == 0:
        return "p.(Met1?)", "start_loss"
    if p >= len(ref_p):
        raise AssertionError("mutant protein extends a protein that had no stop")
    if ref_p[p] == "*":
        if p >= len(mut_p):
            return "", "synonymous"
        new = mut_p[p]
        tail = f"*{len(mut_p) - 1 - p}" if mut_p.endswith("*") else "*?"
        return f"p.(Ter{p + 1}{_aa3(new)}ext{tail})", "stop_loss"
    if p < len(mut_p) and mut_p[p] == "*":
        return f"p.({_aa3(ref_p[p])}{p + 1}*)", "nonsense"
    return "", ""


def _frameshift_name(ref_p: str, mut_p: str) -> str:
    p = 0
    while p < min(len(ref_p), len(mut_p)) and ref_p[p] == mut_p[p]:
        p += 1
    if p < len(mut_p) and mut_p[p] == "*":
        return f"p.({_aa3(ref_p[p])}{p + 1}*)"
    if p >= len(mut_p):
        return "p.?"
    tail = f"*{len(mut_p) - p}" if mut_p.endswith("*") else "*?"
    return f"p.({_aa3(ref_p[p])}{p + 1}{_aa3(mut_p[p])}fs{tail})"


def _inframe_name(ref_p: str, mut_p: str) -> tuple[str, str]:
    """Substitution, deletion, insertion, duplication or delins between two in-frame proteins."""
    named, consequence = _protein_change(ref_p, mut_p)
    if consequence:
        return named, consequence
    p = 0
    while p < min(len(ref_p), len(mut_p)) and ref_p[p] == mut_p[p]:
        p += 1
    s = 0
    while s < min(len(ref_p), len(mut_p)) - p and ref_p[-1 - s] == mut_p[-1 - s]:
        s += 1
    deleted = ref_p[p : len(ref_p) - s]
    inserted = mut_p[p : len(mut_p) - s]

    def aa_at(i: int) -> str:  # 0-based index into ref_p
        return f"{_aa3(ref_p[i])}{i + 1}"

    if deleted and not inserted:
        span = aa_at(p) if len(deleted) == 1 else f"{aa_at(p)}_{aa_at(p + len(deleted) - 1)}"
        return f"p.({span}del)", "inframe_deletion"
    if inserted and not deleted:
        n = len(inserted)
        if p >= n and ref_p[p - n : p] == inserted:
            span = aa_at(p - 1) if n == 1 else f"{aa_at(p - n)}_{aa_at(p - 1)}"
            return f"p.({span}dup)", "inframe_insertion"
        ins = "".join(_aa3(a) for a in inserted)
        return f"p.({aa_at(p - 1)}_{aa_at(p)}ins{ins})", "inframe_insertion"
    if len(deleted) == 1 and len(inserted) == 1:
        return f"p.({aa_at(p)}{_aa3(inserted)})", "missense"
    span = aa_at(p) if len(deleted) == 1 else f"{aa_at(p)}_{aa_at(p + len(deleted) - 1)}"
    ins = "".join(_aa3(a) for a in inserted)
    kind = "inframe_deletion" if len(deleted) > len(inserted) else "inframe_insertion"
    if len(deleted) == len(inserted):
        kind = "missense"
    return f"p.({span}delins{ins})", kind


def _coding_effect(ref: LocusReference, tx: Transcript, chrom: str, e: _Edit) -> tuple[str, str]:
    ref_seq = _mutant_coding_tail(ref, tx, chrom, None)
    mut_seq = _mutant_coding_tail(ref, tx, chrom, e)
    ref_p = _translate_to_stop(ref_seq)
    mut_p = _translate_to_stop(mut_seq)
    if mut_seq[:3] != "ATG":
        return "p.(Met1?)", "start_loss"
    if (len(e.alt) - len(e.ref)) % 3:
        name = _frameshift_name(ref_p, mut_p)
        return name, "nonsense" if name.endswith("*)") and "fs" not in name else "frameshift"
    name, consequence = _inframe_name(ref_p, mut_p)
    if consequence == "synonymous":
        p_first = _first_codon_changed(tx, e)
        return f"p.({_aa3(ref_p[p_first - 1])}{p_first}=)", "synonymous"
    return name, consequence


def _first_codon_changed(tx: Transcript, e: _Edit) -> int:
    pos = e.start1 if tx.strand == "+" else e.end1
    _prefix, num, _offset = _split_cpos(tx.c_pos(pos))
    return (num - 1) // 3 + 1


# --- splice geometry -----------------------------------------------------------------------


def _splice_class(tx: Transcript, lo1: int, hi1: int) -> str:
    """splice_donor / splice_acceptor (intron ±1-2), splice_region (intron 3-8, exon 1-3), or ''."""
    worst = ""
    d = 1 if tx.strand == "+" else -1
    offsets = tx.exon_tx_offsets()
    for (_f1, l1, _a1), (f2, _l2, _a2) in zip(offsets, offsets[1:]):
        donor = {l1 + d, l1 + 2 * d}
        acceptor = {f2 - d, f2 - 2 * d}
        region = {l1 + k * d for k in range(3, 9)} | {f2 - k * d for k in range(3, 9)}
        region |= {l1 - k * d for k in range(0, 3)} | {f2 + k * d for k in range(0, 3)}
        span = set(range(lo1, hi1 + 1)) if hi1 >= lo1 else {hi1, lo1}
        if hi1 < lo1:  # insertion between hi1 and lo1: only inside the intron counts
            span = {hi1, lo1} if (tx.region(hi1) == "intron" and tx.region(lo1) == "intron") else set()
        if span & donor:
            return "splice_donor"
        if span & acceptor:
            return "splice_acceptor"
        if span & region:
            worst = "splice_region"
    return worst


# --- public API ----------------------------------------------------------------------------


def annotate(ref: LocusReference, chrom: str, pos1: int, ref_allele: str, alt_allele: str) -> HgvsAnnotation | None:
    """Name one biallelic VCF record on HBB/HBA2/HBA1; None outside the genes (+2 kb 5', +1 kb 3').

    Raises ValueError when REF does not match the reference.
    """
    ref_allele, alt_allele = ref_allele.upper(), alt_allele.upper()
    if ref_allele == alt_allele or not re.fullmatch(r"[ACGT]+", ref_allele + alt_allele):
        raise ValueError(f"not a nucleotide change: {ref_allele}>{alt_allele}")
    if transcript_for(chrom, pos1, pos1 + len(ref_allele)) is None:
        return None
    _check_ref(ref, chrom, pos1, ref_allele)
    pos1, r, a = normalize(ref, chrom, pos1, ref_allele, alt_allele)
    left = _edit_from_vcf(pos1, r, a)
    tx = transcript_for(chrom, left.start1 if not left.is_insertion else left.end1, max(left.start1, left.end1))
    if tx is None:
        return None
    rpos1, rr, ra = right_shift_indel(ref, chrom, pos1, r, a)
    right = _edit_from_vcf(rpos1, rr, ra)
    e = left if tx.strand == "-" else right  # 3'-most in transcript orientation

    hgvs_c = _name_c(ref, tx, chrom, e)
    if left.is_insertion:
        union_lo, union_hi = left.end1, right.start1
    else:
        union_lo, union_hi = left.start1, right.end1
    legacy = _legacy(tx, union_lo, union_hi)

    lo1, hi1 = (e.start1, e.end1) if not e.is_insertion else (e.end1, e.start1)
    regions = {tx.region(p) for p in range(lo1, hi1 + 1)}
    if e.is_insertion:
        regions = {tx.region(lo1)} if tx.region(lo1) == tx.region(hi1) else {tx.region(lo1), tx.region(hi1)}
    splice = _splice_class(tx, e.start1, e.end1)
    c_first, c_last = tx.cds_first1, tx.cds_first1 + 2 * (1 if tx.strand == "+" else -1)
    start_codon = set(range(min(c_first, c_last), max(c_first, c_last) + 1))
    touches_start = bool(start_codon & set(range(lo1, hi1 + 1))) and not e.is_insertion

    hgvs_p, consequence = "", ""
    if touches_start:
        hgvs_p, consequence = "p.(Met1?)", "start_loss"
    elif splice in ("splice_donor", "splice_acceptor"):
        consequence = splice
        hgvs_p = "p.?" if "cds" in regions else ""
    elif regions == {"cds"}:
        hgvs_p, consequence = _coding_effect(ref, tx, chrom, e)
        if consequence == "synonymous" and splice:
            consequence = "splice_region"
    elif "cds" in regions:
        # crosses from CDS into UTR or intron: the protein effect cannot be predicted by translation
        hgvs_p = "p.?"
        if splice:
            consequence = splice
        elif (len(e.alt) - len(e.ref)) % 3:
            consequence = "frameshift"
        else:
            consequence = "inframe_deletion" if len(e.ref) > len(e.alt) else "inframe_insertion"
    elif splice:
        consequence = splice
    else:
        order = ("utr5", "utr3", "intron", "upstream", "downstream")
        region = next(r for r in order if r in regions)
        consequence = {"upstream": "promoter"}.get(region, region)
    return HgvsAnnotation(tx.gene, tx.name, hgvs_c, hgvs_p, consequence, legacy)


_C_RE = re.compile(
    rf"c\.(?P<a>{_CPOS})(?:_(?P<b>{_CPOS}))?"
    r"(?:(?P<sub>[ACGT])>(?P<subalt>[ACGT])|(?P<kind>delins|del|dup|ins)(?P<seq>[ACGT]*))"
)


def parse_c(ref: LocusReference, gene: str, hgvs_c: str) -> tuple[str, int, str, str]:
    """'c.-78A>G' on ``gene`` -> left-normalised VCF (chrom, pos1, ref, alt).

    Accepts legacy spellings with the deleted bases written out (c.125_128delTCTT) and checks them.
    Raises ValueError on bad syntax, an unknown gene or a REF mismatch.
    """
    try:
        tx = transcripts()[gene]
    except KeyError:
        raise ValueError(f"no transcript model for {gene}") from None
    text = hgvs_c.strip()
    if ":" in text:
        text = text.split(":", 1)[1]
    m = _C_RE.fullmatch(text)
    if not m:
        raise ValueError(f"not an HGVS c. substitution/deletion/duplication/insertion: {hgvs_c!r}")
    ga = genomic_pos1(tx, m.group("a"))
    gb = genomic_pos1(tx, m.group("b")) if m.group("b") else ga
    lo1, hi1 = min(ga, gb), max(ga, gb)
    if (tx.strand == "+") != (ga <= gb) and ga != gb:
        raise ValueError(f"{hgvs_c}: range is not written 5'->3'")
    chrom = tx.chrom
    span_ref = ref.fetch0(chrom, lo1 - 1, hi1)
    span_tx = _tx_seq(tx, span_ref)
    if m.group("sub"):
        if m.group("b"):
            raise ValueError(f"{hgvs_c}: a substitution has one position")
        if span_tx != m.group("sub"):
            raise ValueError(f"{hgvs_c}: reference base is {span_tx}, not {m.group('sub')}")
        alt = _tx_seq(tx, m.group("subalt"))
        return (chrom, lo1, span_ref, alt)
    kind, seq = m.group("kind"), m.group("seq")
    if kind == "ins":
        if not m.group("b") or hi1 - lo1 != 1 or not seq:
            raise ValueError(f"{hgvs_c}: an insertion needs two adjacent flanking positions and bases")
        anchor = ref.fetch0(chrom, lo1 - 1, lo1)
        vcf = (lo1, anchor, anchor + _tx_seq(tx, seq))
    elif kind == "dup":
        if seq and seq != span_tx:
            raise ValueError(f"{hgvs_c}: reference is {span_tx}, not {seq}")
        anchor = ref.fetch0(chrom, hi1 - 1, hi1)
        vcf = (hi1, anchor, anchor + span_ref)
    elif kind == "del":
        if seq and seq != span_tx:
            raise ValueError(f"{hgvs_c}: deleted bases in the reference are {span_tx}, not {seq}")
        anchor = ref.fetch0(chrom, lo1 - 2, lo1 - 1)
        vcf = (lo1 - 1, anchor + span_ref, anchor)
    else:  # delins
        if not seq:
            raise ValueError(f"{hgvs_c}: delins needs the inserted bases")
        vcf = (lo1, span_ref, _tx_seq(tx, seq))
    pos1, r, a = normalize(ref, chrom, *vcf)
    return (chrom, pos1, r, a)
