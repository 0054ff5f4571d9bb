"""Small-variant calling in HBB, HBA2 and HBA1: candidates from the pileup, copy-number-aware genotypes.

Genotype model: at a site with ``n`` copies of the locus (2 normally, 3 beside a -a3.7 chromosome,
1 inside a heterozygous deletion), the genotype is the number ``k`` of alt copies (0..n). Each read's
base is a draw from the copies: P(base | k) = (k/n)·P(base | alt) + (1-k/n)·P(base | ref), with
P(base | allele) = 1-e if it matches, e/3 otherwise, where e comes from the base quality bin. Indels
use read counts (supporting vs spanning without it) with an indel error rate that grows with the
homopolymer length. QUAL = phred P(k=0 | data); GQ = phred P(not the best k | data).

Where usable depth is below ``min_depth`` a position is *not callable*: it is reported as such and
never as reference.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
import pysam

from thalgen import hgvs
from thalgen.bamimport import detect_build
from thalgen.errors import InputError
from thalgen.genes import Transcript, transcripts
from thalgen.locus import Interval, LocusReference
from thalgen.model import NotCallable, VariantCall
from thalgen.normalize import right_shift_indel
from thalgen.pileup import BASES, QUAL_BIN_PHRED, PileupSettings, RegionPileup, pileup_region

#: Small variants this close to a called deletion/duplication junction are junction-read artefacts
#: until shown otherwise: they are kept, filtered NearBreakpoint, never PASS. Homology-mediated fusions
#: (Lepore, -a3.7, -a4.2) have a crossover placed only within the identical stretch, and reads of the
#: fusion gene carry paralog differences near it, so their window is wider.
NEAR_BREAKPOINT_BP = 30
NEAR_HOMOLOGY_BREAKPOINT_BP = 100
#: Transcript flanks included in calling: promoter (-101 is c.-151) and the 3' end past the polyA signal.
UPSTREAM_BP = 300
DOWNSTREAM_BP = 300


#: Per-platform indel error model: base rate per read, growth with repeat length, cap. ONT reads slip in
#: homopolymers often enough that a 1-bp indel there is common noise; without this a frameshift would be
#: called from errors. HiFi is accurate but still slips in long homopolymers.
INDEL_ERROR_MODELS: dict[str, tuple[float, float, float]] = {
    "illumina": (0.005, 1.0, 0.05),
    "hifi": (0.005, 2.0, 0.15),
    "ont": (0.03, 3.0, 0.40),
}


def indel_error_rate(platform: str, repeat_copies: int) -> float:
    """Chance that one read shows (or hides) an indel of this unit by error, given the repeat length."""
    base, scale, cap = INDEL_ERROR_MODELS[platform]
    return min(cap, base * (1 + scale * max(0, repeat_copies - 2) ** 1.5))


@dataclass
class CallSettings:
    platform: str = "illumina"
    min_depth: int = 15  # usable depth below which a position is not callable
    min_alt_reads: int = 3
    min_alt_fraction: float = 0.08  # 1 copy in 6 still passes (triplication beside trisomy-like states)
    min_qual: float = 20.0
    snv_prior: float = 1e-3
    indel_prior: float = 2e-4
    #: prior for a catalogued globin variant: these alleles are common in the populations tested
    #: (carrier frequencies of 1-10 %), so noisy long reads need not overcome a genome-wide prior there
    catalog_prior: float = 1e-2
    pileup: PileupSettings = field(default_factory=PileupSettings)


@dataclass
class CallResult:
    variants: list[VariantCall]
    not_callable: list[NotCallable]
    depth_by_gene: dict[str, dict[str, float]]
    regions: list[Interval]


def calling_regions(ref: LocusReference) -> list[tuple[Transcript, Interval]]:
    """Each transcript's span plus promoter/3' flanks, clipped to what the locus reference covers."""
    out = []
    for tx in transcripts().values():
        if not ref.has(tx.chrom):
            continue
        lo1, hi1 = tx.exons1[0][0], tx.exons1[-1][1]
        if tx.strand == "+":
            lo1, hi1 = lo1 - UPSTREAM_BP, hi1 + DOWNSTREAM_BP
        else:
            lo1, hi1 = lo1 - DOWNSTREAM_BP, hi1 + UPSTREAM_BP
        sl = ref.slice(tx.chrom).interval
        start0, end0 = max(lo1 - 1, sl.start0), min(hi1, sl.end0)
        if end0 > start0:
            out.append((tx, Interval(tx.chrom, start0, end0)))
    return out


# ---- genotype likelihoods ---------------------------------------------------------------------
def _snv_loglik(counts_qb: np.ndarray, ref_i: int, alt_i: int, n_copies: int) -> np.ndarray:
    """log10 P(data | k alt copies) for k = 0..n, from base counts by quality bin (5 x Q)."""
    e = 10 ** (-QUAL_BIN_PHRED / 10)  # (Q,)
    ll = np.zeros(n_copies + 1)
    for k in range(n_copies + 1):
        f = k / n_copies
        p_ref = (1 - f) * (1 - e) + f * e / 3
        p_alt = f * (1 - e) + (1 - f) * e / 3
        p_other = e / 3
        ll[k] = (
            (counts_qb[ref_i] * np.log10(p_ref)).sum()
            + (counts_qb[alt_i] * np.log10(p_alt)).sum()
            + sum((counts_qb[j] * np.log10(p_other)).sum() for j in range(4) if j not in (ref_i, alt_i))
        )
    return ll


def _count_loglik(ref_reads: int, alt_reads: int, n_copies: int, err: float) -> np.ndarray:
    ll = np.zeros(n_copies + 1)
    for k in range(n_copies + 1):
        f = k / n_copies
        p_alt = f * (1 - err) + (1 - f) * err
        ll[k] = alt_reads * math.log10(p_alt) + ref_reads * math.log10(1 - p_alt)
    return ll


def _posterior(ll: np.ndarray, prior_variant: float) -> tuple[int, float, int]:
    """Best k, QUAL (phred P(k=0)), GQ (phred P(not best))."""
    n = len(ll) - 1
    prior = np.full(n + 1, prior_variant / n)
    prior[0] = 1 - prior_variant
    logpost = ll + np.log10(prior)
    logpost -= logpost.max()
    post = 10**logpost
    post /= post.sum()
    best = int(np.argmax(post))
    qual = -10 * math.log10(max(post[0], 1e-300))
    gq = -10 * math.log10(max(1 - post[best], 1e-300))
    return best, min(qual, 9999.0), int(min(99, round(gq)))


def _prior(chrom: str, pos1: int, ref: str, alt: str, default: float, settings: CallSettings) -> float:
    from thalgen import catalog

    return settings.catalog_prior if catalog.find_variant(chrom, pos1, ref, alt) is not None else default


def _zygosity(k: int, n: int) -> str:
    if n == 1:
        return "hemizygous"
    return "homozygous" if k == n else "heterozygous"


def _annotate(ref: LocusReference, call: VariantCall) -> None:
    ann = hgvs.annotate(ref, call.chrom, call.pos1, call.ref, call.alt)
    if ann is not None:
        call.gene, call.transcript, call.hgvs_c, call.hgvs_p, call.consequence = (
            ann.gene, ann.transcript, ann.hgvs_c, ann.hgvs_p, ann.consequence)
        call.common_name = ann.legacy
    try:
        from thalgen import catalog
    except ImportError:  # pragma: no cover - catalog ships with the package
        return
    row = catalog.find_variant(call.chrom, call.pos1, call.ref, call.alt)
    if row is not None:
        call.catalog_id = row.id
        call.common_name = row.common_name
        call.variant_class = row.variant_class
        call.in_catalog = True


def call_region(
    pile: RegionPileup,
    ref: LocusReference,
    tx: Transcript,
    copies_at: "CopyNumberLookup",
    settings: CallSettings,
) -> list[VariantCall]:
    """Genotype SNV and indel candidates in one calling region."""
    calls: list[VariantCall] = []
    base_counts = pile.base_counts()  # (L, 5)
    depth = base_counts.sum(axis=1)
    refseq = ref.fetch0(pile.chrom, pile.start0, pile.end0)
    ref_idx = np.array([BASES.find(b) if b in "ACGT" else 4 for b in refseq])
    # SNV candidates: a non-reference base with enough reads and fraction
    alt_counts = base_counts[:, :4].copy()
    valid = ref_idx < 4
    alt_counts[np.arange(len(ref_idx))[valid], ref_idx[valid]] = 0
    best_alt = alt_counts.argmax(axis=1)
    best_alt_n = alt_counts.max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        frac = np.where(depth > 0, best_alt_n / np.maximum(depth, 1), 0.0)
    # below min_depth a site is not callable, but strong alt evidence is still reported (filtered LowDepth,
    # kept only for catalog variants): "HbS seen in 5 of 7 reads" beats saying nothing
    cand = np.nonzero(valid & (best_alt_n >= settings.min_alt_reads) & (frac >= settings.min_alt_fraction))[0]
    for i in cand:
        pos0 = pile.start0 + int(i)
        n = copies_at(pile.chrom, pos0)
        if n <= 0:
            continue
        r_i, a_i = int(ref_idx[i]), int(best_alt[i])
        ll = _snv_loglik(pile.counts[i], r_i, a_i, n)
        k, qual, gq = _posterior(ll, _prior(pile.chrom, pos0 + 1, BASES[r_i], BASES[a_i], settings.snv_prior, settings))
        if k == 0 or qual < settings.min_qual:
            continue
        d = int(depth[i])
        ad = int(base_counts[i, a_i])
        rd = int(base_counts[i, r_i])
        call = VariantCall(
            chrom=pile.chrom, pos1=pos0 + 1, ref=BASES[r_i], alt=BASES[a_i], gene=tx.gene, transcript=tx.name,
            hgvs_c="", hgvs_p="", zygosity=_zygosity(k, n), alt_copies=k, total_copies=n, depth=d,
            ref_depth=rd, alt_depth=ad, alt_fraction=ad / d if d else 0.0, quality=qual, genotype_quality=gq,
        )
        calls.append(call)
    # indel candidates
    for (pos1, r, a), ev in sorted(pile.indels.items()):
        anchor0 = pos1 - 1
        if not (pile.start0 <= anchor0 < pile.end0) or ev.reads < settings.min_alt_reads:
            continue
        # the repeat the indel can slide through: reads must cover all of it to be informative
        right_pos1, right_ref, _ = right_shift_indel(ref, pile.chrom, pos1, r, a)
        lo0, hi0 = anchor0, right_pos1 - 1 + len(right_ref) + 1
        unit_len = abs(len(r) - len(a))
        repeat_copies = 1 + (right_pos1 - pos1) // max(1, unit_len)
        spanning = pile.spanning_reads(lo0, hi0)
        other_indel = sum(e.reads for (p2, _r2, _a2), e in pile.indels.items() if p2 == pos1 and e is not ev)
        ref_reads = max(0, spanning - ev.reads - other_indel)
        d = ref_reads + ev.reads
        if ev.reads / max(d, 1) < settings.min_alt_fraction:
            continue
        n = copies_at(pile.chrom, anchor0 + 1)
        if n <= 0:
            continue
        err = indel_error_rate(settings.platform, repeat_copies)
        ll = _count_loglik(ref_reads, ev.reads, n, err)
        k, qual, gq = _posterior(ll, _prior(pile.chrom, pos1, r, a, settings.indel_prior, settings))
        if k == 0 or qual < settings.min_qual:
            continue
        calls.append(VariantCall(
            chrom=pile.chrom, pos1=pos1, ref=r, alt=a, gene=tx.gene, transcript=tx.name, hgvs_c="", hgvs_p="",
            zygosity=_zygosity(k, n), alt_copies=k, total_copies=n, depth=d, ref_depth=ref_reads, alt_depth=ev.reads,
            alt_fraction=ev.reads / d, quality=qual, genotype_quality=gq,
        ))
    for c in calls:
        if c.depth < required_depth(settings.min_depth, c.total_copies):
            c.filters.append("LowDepth")
        _annotate(ref, c)
    calls = [c for c in calls if c.in_catalog or "LowDepth" not in c.filters]
    calls.sort(key=lambda c: (c.chrom, c.pos1, c.ref, c.alt))
    return calls


class CopyNumberLookup:
    """Copies of the locus at a position: 2 unless the copy-number caller says otherwise."""

    def __init__(self, segments: list[tuple[str, int, int, int]] | None = None, default: int = 2,
                 breakpoints: list[tuple[str, int, int]] | None = None, hybrid_alpha: bool = False) -> None:
        # segments: (chrom, start0, end0, copies), non-overlapping
        self.segments = segments or []
        self.default = default
        #: (chrom, pos1, window) ends of the called deletions/duplications: reads from the rearranged allele
        #: that run past a junction align with mismatches or small indels within ``window`` of it
        self.breakpoints = breakpoints or []
        #: the α call carries an HBA2/HBA1 hybrid gene (-a3.7, anti-3.7): differences that turn HBA2 into
        #: HBA1 sequence (or the reverse) are then the hybrid's own sequence (see thalgen.paralogs)
        self.hybrid_alpha = hybrid_alpha

    def near_breakpoint(self, chrom: str, pos1: int) -> bool:
        return any(c == chrom and abs(p - pos1) <= window for c, p, window in self.breakpoints)

    def __call__(self, chrom: str, pos0: int) -> int:
        for c, s, e, n in self.segments:
            if c == chrom and s <= pos0 < e:
                return n
        return self.default

    def array(self, chrom: str, start0: int, end0: int) -> np.ndarray:
        """Copies at each position of ``[start0, end0)``."""
        out = np.full(end0 - start0, self.default, dtype=np.int64)
        for c, s, e, n in self.segments:
            if c == chrom and s < end0 and e > start0:
                out[max(s, start0) - start0 : min(e, end0) - start0] = n
        return out


def required_depth(min_depth: int, copies: int | np.ndarray) -> int | np.ndarray:
    """``min_depth`` is set for two copies; a site with fewer copies (beside a deletion) needs
    proportionally fewer reads for the same reads-per-copy, and a site deleted on both needs none."""
    return np.ceil(np.asarray(copies) * min_depth / 2).astype(np.int64) if isinstance(copies, np.ndarray) \
        else math.ceil(copies * min_depth / 2)


def low_depth_intervals(pile: RegionPileup, required: np.ndarray, merge_gap: int = 25) -> list[tuple[int, int, int, int]]:
    """Runs of positions with usable depth below the required depth (per position), runs closer than
    ``merge_gap`` bp merged: (start0, end0, min depth, max low-MAPQ reads). Merging keeps a patchy region
    one line in the report."""
    depth = pile.depth
    low = depth < required
    if not low.any():
        return []
    edges = np.diff(np.concatenate(([0], low.astype(np.int8), [0])))
    runs = list(zip(np.nonzero(edges == 1)[0].tolist(), np.nonzero(edges == -1)[0].tolist()))
    merged = [list(runs[0])]
    for s, e in runs[1:]:
        if s - merged[-1][1] <= merge_gap:
            merged[-1][1] = e
        else:
            merged.append([s, e])
    return [
        (pile.start0 + s, pile.start0 + e, int(depth[s:e].min()), int(pile.low_mapq_depth[s:e].max()))
        for s, e in merged
    ]


def _filter_hybrid_paralog(ref: LocusReference, variants: list[VariantCall]) -> None:
    """Filter HybridParalog: non-catalog HBA2/HBA1 differences that are the other paralog's sequence.

    Long reads through a hybrid gene are placed by their unique flanks, so its HBA2-derived part can lie
    over HBA1 (and the reverse) and each paralog difference there looks like a heterozygous variant. They
    stay in the VCF, filtered, and the report counts them in one note instead of listing each as a VUS.
    """
    from thalgen.paralogs import paralog_map

    hba = [v for v in variants if v.gene in ("HBA2", "HBA1") and not v.in_catalog]
    if not hba:
        return
    ward = paralog_map(ref).paralog_ward(hba[0].chrom, [(v.pos1, v.ref, v.alt) for v in hba])
    for v, is_paralog in zip(hba, ward):
        if is_paralog:
            v.filters.append("HybridParalog")


def _describe_low(min_dp: int, low_mapq_max: int, min_depth: int) -> str:
    if low_mapq_max >= min_depth and low_mapq_max > min_dp:
        return (f"usable depth {min_dp} < {min_depth}: reads here map equally well elsewhere "
                f"(up to {low_mapq_max} reads with MAPQ below threshold; paralogous sequence)")
    return f"usable depth {min_dp} < {min_depth} (min usable depth)"


def call_sample(
    bam_path: str,
    ref: LocusReference,
    settings: CallSettings | None = None,
    copies: CopyNumberLookup | None = None,
) -> CallResult:
    """Call small variants over every calling region; list what is not callable and why."""
    settings = settings or CallSettings()
    copies = copies or CopyNumberLookup()
    variants: list[VariantCall] = []
    not_callable: list[NotCallable] = []
    depth_by_gene: dict[str, dict[str, float]] = {}
    regions = []
    with pysam.AlignmentFile(bam_path) as bam:
        build = detect_build(bam.header, bam_path)
        if build.naming != "chr":
            raise InputError(bam_path, "contigs are named 11/16: run `thalgen align --bam` first (it re-aligns to the locus reference)")
        if not bam.has_index():
            raise InputError(bam_path, "no index (.bai) beside the BAM")
        for tx, iv in calling_regions(ref):
            regions.append(iv)
            pile = pileup_region(bam, ref, iv.chrom, iv.start0, iv.end0, settings.pileup)
            variants.extend(call_region(pile, ref, tx, copies, settings))
            depth = pile.depth
            exonic = np.zeros(len(depth), dtype=bool)
            for lo1, hi1 in tx.exons1:
                a, b = max(lo1 - 1 - iv.start0, 0), min(hi1 - iv.start0, len(depth))
                if b > a:
                    exonic[a:b] = True
            ex_depth = depth[exonic] if exonic.any() else depth
            depth_by_gene[tx.gene] = {
                "mean_depth": round(float(ex_depth.mean()), 1),
                "min_depth": int(ex_depth.min()),
                "pct_ge_20x": round(100.0 * float((ex_depth >= 20).mean()), 1),
                "region_mean_depth": round(float(depth.mean()), 1),
                "low_mapq_mean": round(float(pile.low_mapq_depth[exonic].mean()) if exonic.any() else 0.0, 1),
            }
            required = required_depth(settings.min_depth, copies.array(iv.chrom, iv.start0, iv.end0))
            for s0, e0, min_dp, lowmq in low_depth_intervals(pile, required):
                # the threshold that applied there (copy-scaled: 8 beside a heterozygous deletion)
                needed = int(required[s0 - iv.start0 : e0 - iv.start0].max())
                not_callable.append(NotCallable(
                    chrom=iv.chrom, start1=s0 + 1, end1=e0, gene=tx.gene, what="region",
                    reason=_describe_low(min_dp, lowmq, needed),
                ))
    for v in variants:
        if copies.near_breakpoint(v.chrom, v.pos1):
            v.filters.append("NearBreakpoint")
    if copies.hybrid_alpha:
        _filter_hybrid_paralog(ref, variants)
    variants.sort(key=lambda c: (c.chrom, c.pos1))
    return CallResult(variants, not_callable, depth_by_gene, regions)
