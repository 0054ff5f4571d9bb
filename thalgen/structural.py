"""Deletions and duplications per cluster: the allele pair that best explains depth and junctions.

For each cluster the candidate alleles are: the normal chromosome, every catalog deletion/duplication
whose interval reaches the locus slice (clipped at the slice edge and then listed as incompletely
assessed), the homology-mediated -a3.7/-a4.2/anti-3.7/anti-4.2 built on the reference's own Z/X boxes
with the crossover placed where the paralog-specific depth switches, and *novel* alleles from
junctions no catalog row explains and from depth segments. Every unordered pair is scored:

    log10 L = depth log-likelihood (copynumber.DepthModel over all usable bins of the cluster)
            + junction log-likelihood (Poisson: fragments seen at each junction vs copies carrying it)
            + priors (novel alleles pay NOVEL_PRIOR each).

The best pair is the call; pairs within CLOSE_LOG10 of it are reported as ``alternatives`` (the report
then says the data cannot choose). A cluster is *not assessable* when its depth is too low for a
heterozygous catalog deletion to be seen reliably, or when it cannot be normalised.

Ploidy handed to the small-variant caller (``ploidy_segments``, used through ``copies_at``): the number
of chromosome copies whose sequence at a position derives from that GRCh38 position. With -a3.7/aa the
hybrid gene carries HBA2 sequence 5' of the crossover and HBA1 sequence 3' of it, so HBA2 positions 3'
of the crossover and HBA1 positions 5' of (crossover + 3.8 kb) have 1 copy, the rest 2. Reads are
separated by paralog only where HBA2 and HBA1 differ, which is exactly where the caller can use these
counts; inside the identical stretch that holds the crossover the reads have MAPQ 0 and are not
called, so the crossover's exact place there does not change any genotype. With anti-3.7 the
duplicated unit has 3 copies (a 1/3 allele fraction is one copy of three).
"""

from __future__ import annotations

import itertools
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from thalgen import __version__
from thalgen.catalog import CatalogDeletion, load_deletions
from thalgen.copynumber import BIN_SIZE, DepthModel, SliceMap, segment_copy_number
from thalgen.errors import InputError
from thalgen.genes import genes
from thalgen.junctions import Junction
from thalgen.locus import CLUSTER_OF_CHROM, LocusReference
from thalgen.model import ClusterGenotype, DeletionCall

NORMAL = {"alpha": "aa", "beta": "B"}
CHROM_OF = {"alpha": "chr16", "beta": "chr11"}
HOMOLOGY_BOX = {"-a3.7": "Z", "aaa_anti3.7": "Z", "-a4.2": "X", "aaa_anti4.2": "X"}
HYBRID_ALLELES = {"-a3.7": 1, "aaa_anti3.7": 1}  # alleles that carry an HBA2/HBA1 hybrid gene
REPORT_GENES = ("HBZ", "HBA2", "HBA1", "HBQ1", "HBB", "HBD", "HBG1", "HBG2")
CLOSE_LOG10 = 3.0  # alternatives closer than 1000:1 are reported, not resolved
NOVEL_PRIOR = -3.0
MIN_DEPTH = 15.0  # x coverage at two copies; the small-variant caller's minimum too
MIN_POWER_LOG10 = 3.0  # expected log10 LR of the hardest heterozygous catalog call vs normal
JUNCTION_DISPERSION = 2.0
MIN_ANCHOR = 25
NOVEL_MIN_BINS = 3
NOVEL_MIN_LOG10 = 3.0
MATCH_SLACK = 300
TIE_LOG10 = 0.5
#: Each non-normal catalog allele costs this much (carrier frequencies are at most a few % per allele in
#: most populations); it keeps a deletion and a triplication of the same unit in trans, which leave the
#: copy number unchanged, from being offered as an explanation of every normal sample.
CATALOG_PRIOR = -1.5


@dataclass
class Allele:
    """One candidate chromosome of a cluster with its per-bin copies (1 = like the reference)."""

    name: str
    cluster: str
    kind: str  # normal / deletion / duplication
    chrom: str
    start0: int
    end0: int
    hap: np.ndarray  # per-bin copies on this chromosome (cluster rows only)
    catalog: CatalogDeletion | None = None
    junction: Junction | None = None
    clipped: bool = False
    junction_observable: bool = False
    prior: float = 0.0
    crossover1: int | None = None  # homology alleles: modelled crossover (GRCh38 1-based)


@dataclass
class ClusterResult:
    genotype: ClusterGenotype
    alleles: tuple[Allele, Allele] | None
    deletions: list[DeletionCall]
    profile: np.ndarray | None  # per-position copies (slice-relative) of the called pair
    incompletely_assessed: list[str]
    not_assessable: list[dict[str, str]]
    gene_copies: dict[str, dict[str, Any]]
    power_log10: float
    junctions: list[Junction]


# ---- haplotype profiles ---------------------------------------------------------------------
class _Profiles:
    """Per-position copy vectors -> per-bin copies for one cluster, following the paralog folding."""

    def __init__(self, sm: SliceMap, rows: np.ndarray) -> None:
        self.sm = sm
        self.rows = rows
        cap = sm.capacity()
        self.cap = np.where(cap > 0, cap, 1.0)

    def bins(self, per_position: np.ndarray) -> np.ndarray:
        return self.sm.fold(per_position) / self.cap

    def segment(self, start0: int, end0: int, copies: int) -> np.ndarray:
        pos = np.ones(self.sm.length)
        lo = max(0, start0 - self.sm.start0)
        hi = min(self.sm.length, end0 - self.sm.start0)
        if hi > lo:
            pos[lo:hi] = copies
        return pos


def _covered(ref: LocusReference, chrom: str, start0: int, end0: int) -> tuple[bool, bool]:
    """(reaches the slice at all, lies wholly inside it)."""
    if not ref.has(chrom):
        return False, False
    iv = ref.slice(chrom).interval
    return start0 < iv.end0 and end0 > iv.start0, iv.start0 <= start0 and end0 <= iv.end0


def _observable(sm: SliceMap, pos0: int) -> bool:
    rel = pos0 - sm.start0
    return 0 <= rel < sm.length and sm.target[rel] >= 0 and sm.partner[rel] < 0


def _observable_window(sm: SliceMap, pos0: int, d: CatalogDeletion) -> bool:
    """A junction could anchor anywhere the breakpoint may lie (catalog uncertainty around ``pos0``).

    -(a)20.5 ends somewhere in HBA1 (+-1 kb), partly paralogous to HBA2: no junction read need be
    seen there, and charging the catalog allele for the missing reads let a novel depth segment with
    the same extent win over it.
    """
    step = max(1, d.uncertainty_bp // 10)
    return all(_observable(sm, p) for p in range(pos0 - d.uncertainty_bp, pos0 + d.uncertainty_bp + 1, step))


def _matches(j: Junction, d: CatalogDeletion) -> bool:
    if d.start1 is None or d.end1 is None or j.chrom != d.chrom or j.kind != d.kind:
        return False
    tol = d.uncertainty_bp + MATCH_SLACK
    return abs(j.left0 - (d.start1 - 1)) <= tol and abs(j.right0 - d.end1) <= tol


# ---- the caller -----------------------------------------------------------------------------
def call_cluster(
    cluster: str,
    ref: LocusReference,
    model: DepthModel,
    maps: dict[str, SliceMap],
    junctions: list[Junction],
    catalog: list[CatalogDeletion] | None = None,
) -> ClusterResult:
    """Enumerate allele pairs for one cluster and pick the one that best explains the data."""
    chrom = CHROM_OF[cluster]
    catalog = [d for d in (catalog if catalog is not None else load_deletions()) if d.cluster == cluster]
    incompletely: list[str] = []
    not_assessable: list[dict[str, str]] = []
    for d in catalog:
        if d.start1 is None or d.end1 is None:
            not_assessable.append({"what": d.name, "reason": "breakpoints unknown in the catalog: it would be "
                                   "reported as a novel segment, not by name" if d.name not in ("-a3.7_II", "-a3.7_III")
                                   else "same copy-number change as -a3.7 with the crossover elsewhere in the Z box: "
                                   "reported as -a3.7"})
    if not ref.has(chrom) or chrom not in maps:
        geno = ClusterGenotype(cluster, None, False, f"the locus reference has no {chrom} slice")
        return ClusterResult(geno, None, [], None, [], not_assessable, {}, 0.0, [])
    sm = maps[chrom]
    rows = np.nonzero(model.bins.chrom == chrom)[0]
    prof = _Profiles(sm, rows)
    used = model.used[rows]
    counts = model.bins.count[rows]
    exp2 = model.expected2[rows]
    my_junctions = [j for j in junctions if j.chrom == chrom]

    full_copies = np.full(len(model.bins.count), 2.0)

    def depth_ll(copies: np.ndarray) -> float:
        """log10 L of this cluster's bins at ``copies`` (per bin of the cluster), through the depth model."""
        full_copies[rows] = copies
        return float(model.bin_loglik(full_copies)[rows][used].sum())

    def het_power(a: Allele) -> float:
        return _het_power(a, model, rows)

    normal_hap = np.ones(len(rows))
    alleles: list[Allele] = [Allele(NORMAL[cluster], cluster, "normal", chrom, 0, 0, normal_hap)]
    matched: set[int] = set()
    segments = segment_copy_number(model, chrom) if chrom not in model.problems else []
    edges = sorted({s.start0 for s in segments} | {s.end0 for s in segments})

    boxes = {}
    if cluster == "alpha":
        try:
            from thalgen.simulate import homology_boxes

            boxes = homology_boxes(ref)
        except KeyError:
            boxes = {}
    read_length = model.bins.read_length or 150

    # each junction belongs to the catalog row whose breakpoints it is nearest to (--FIL and --THAI
    # overlap within their uncertainties; one junction must not make them identical)
    owner: dict[int, CatalogDeletion] = {}
    for i, j in enumerate(my_junctions):
        fits = [d for d in catalog if d.name not in HOMOLOGY_BOX and _matches(j, d)]
        if fits:
            owner[i] = min(fits, key=lambda d: abs(j.left0 - (d.start1 - 1)) + abs(j.right0 - d.end1))
    for d in catalog:
        if d.start1 is None or d.end1 is None:
            continue
        start0, end0 = d.start1 - 1, d.end1
        reach, inside = _covered(ref, chrom, start0, end0)
        if not reach:
            not_assessable.append({"what": d.name, "reason": f"{d.chrom}:{d.start1}-{d.end1} lies outside the locus reference"})
            continue
        copies = 2 if d.kind == "duplication" else 0
        if d.name in HOMOLOGY_BOX:
            box = boxes.get(HOMOLOGY_BOX[d.name])
            if box is None:
                not_assessable.append({"what": d.name, "reason": "the homology boxes are not covered by the locus reference"})
                continue
            alleles.append(_homology_allele(d, box, prof, depth_ll, normal_hap, read_length, chrom))
            continue
        if not inside:
            incompletely.append(d.name)
        j_hit = None
        for i, j in enumerate(my_junctions):
            if owner.get(i) is d and (j_hit is None or j.support > my_junctions[j_hit].support):
                j_hit = i
        if j_hit is not None:
            matched.add(j_hit)
            j = my_junctions[j_hit]
            start0, end0 = j.left0, j.right0
        elif d.uncertainty_bp > 0:
            start0 = _nearest(edges, start0, d.uncertainty_bp + BIN_SIZE)
            end0 = _nearest(edges, end0, d.uncertainty_bp + BIN_SIZE)
        hap = prof.bins(prof.segment(start0, end0, copies))
        alleles.append(Allele(d.name, cluster, d.kind, chrom, start0, end0, hap, d,
                              my_junctions[j_hit] if j_hit is not None else None, clipped=not inside, prior=CATALOG_PRIOR,
                              junction_observable=inside and _observable_window(sm, start0 - 1, d) and _observable_window(sm, end0, d)))
    # novel: junctions no catalog row explains, then depth segments
    for i, j in enumerate(my_junctions):
        if i in matched:
            continue
        copies = 2 if j.kind == "duplication" else 0
        alleles.append(Allele(_novel_name(cluster, j.kind, chrom, j.left0, j.right0, prof, sm), cluster, j.kind, chrom,
                              j.left0, j.right0, prof.bins(prof.segment(j.left0, j.right0, copies)), None, j,
                              junction_observable=True, prior=NOVEL_PRIOR))
    folded_only: list[tuple[int, int, str, np.ndarray]] = []  # depth changes depth cannot place (see below)
    for start0, end0, kind in _novel_segments(segments):
        if any(a.kind == kind and abs(a.start0 - start0) <= _tolerance(a) and abs(a.end0 - end0) <= _tolerance(a) for a in alleles):
            continue  # a catalog allele (or a junction) already explains this depth segment
        copies = 2 if kind == "duplication" else 0
        hap = prof.bins(prof.segment(start0, end0, copies))
        # a segment edge beside folded/masked bins (e.g. -(a)20.5 ending in HBA1's copy of the Z box) is
        # only known to the nearest *plain* bin; if it changes no more usable bins than a novel event
        # needs, it is the same event as a known allele, and offering it as novel only lets depth noise
        # at that edge beat the precise catalog allele
        plain = used & (prof.cap <= BIN_SIZE)  # unfolded bins: a folded bin's share of each copy is less certain
        if any(a.kind == kind and int((np.abs(a.hap - hap)[plain] > 0.25).sum()) < NOVEL_MIN_BINS for a in alleles):
            continue
        # a change confined to folded bins (the Z/X boxes, where two paralogs are counted together and a
        # homology event's crossover blurs the sum) cannot be placed on either copy by depth; a novel event
        # must move NOVEL_MIN_BINS unfolded bins (a 500x panel's anti-3.7 otherwise grew a 300-bp "novel dup")
        if int(((np.abs(hap - 1.0) > 0.25) & plain).sum()) < NOVEL_MIN_BINS:
            folded_only.append((start0, end0, kind, (np.abs(hap - 1.0) > 0.25) & used))
            continue
        alleles.append(Allele(_novel_name(cluster, kind, chrom, start0, end0, prof, sm), cluster, kind, chrom, start0, end0,
                              hap, prior=NOVEL_PRIOR))

    rho = _junction_rate(model, chrom, read_length)
    # a catalog event the assay cannot see (off the panel's targets, e.g. an HS-40 deletion on an
    # alpha-gene panel) is a limitation of this one call, named as such; it neither stays a candidate
    # (it would tie with the normal chromosome) nor makes the cluster not assessable. Only events that
    # reach the cluster's own genes decide whether the cluster can be assessed at all.
    blind = [a for a in alleles if a.catalog is not None and a.name not in HOMOLOGY_BOX
             and not _touches_core(a, cluster, sm, prof) and het_power(a) < MIN_POWER_LOG10]
    for a in blind:
        not_assessable.append({"what": a.name, "reason": f"{a.chrom}:{a.start0 + 1}-{a.end0} is not covered by enough "
                               "usable depth (outside the assay's targets or masked): it cannot be excluded"})
    alleles = [a for a in alleles if not any(a is b for b in blind)]
    incompletely = [n for n in incompletely if n not in {a.name for a in blind}]
    power = _power(alleles, het_power)
    reason = ""
    assessable = True
    depth = model.mean_depth.get(chrom, 0.0)
    if chrom in model.problems:
        assessable, reason = False, model.problems[chrom]
    elif depth < MIN_DEPTH:
        assessable, reason = False, f"depth {depth:.1f}x < {MIN_DEPTH:.0f}x needed for copy-number calls"
    elif power < MIN_POWER_LOG10:
        assessable, reason = False, (f"a heterozygous catalog deletion would not be recognised reliably at depth "
                                     f"{depth:.1f}x (expected log10 LR {power:.1f} < {MIN_POWER_LOG10:.0f})")
        if model.normalisation == "self_capture_targets":
            reason += (f": without a panel of normals, capture efficiency differs between the exome's targets "
                       f"(dispersion {model.dispersion:.0f}x Poisson between targets); a panel of normals from "
                       f">= 3 exomes of the same capture removes it")

    scored = []
    for a, b in itertools.combinations_with_replacement(range(len(alleles)), 2):
        A, B = alleles[a], alleles[b]
        ll = depth_ll(A.hap + B.hap) + _junction_ll((A, B), my_junctions, rho) + A.prior + B.prior
        scored.append((ll, a, b))
    scored.sort(key=lambda t: -t[0])
    best_ll, ia, ib = scored[0]
    second = scored[1][0] if len(scored) > 1 else best_ll - 99.0
    pair = _order(alleles[ia], alleles[ib])
    names = (pair[0].name, pair[1].name)
    alternatives = []
    for ll, a, b in scored[1:]:
        if best_ll - ll >= CLOSE_LOG10:
            break
        alt = _order(alleles[a], alleles[b])
        alternatives.append((alt[0].name, alt[1].name))
    # a depth change confined to folded bins was not offered as a novel allele; if the call does not
    # explain it either, say so, and never let it stand behind a confident normal pair
    called = pair[0].hap + pair[1].hap
    for start0, end0, kind, bins_in in folded_only:
        if not bins_in.any():
            continue
        mean = float(called[bins_in].mean())
        if (kind == "duplication" and mean > 2.25) or (kind == "deletion" and mean < 1.75):
            continue
        what = f"{chrom}:{start0 + 1}-{end0}"
        not_assessable.append({"what": f"depth change {what}", "reason": (
            f"a {kind} by depth in paralogous sequence (bins counting both copies), not placed on either copy "
            "and not explained by the call")})
        if assessable and all(a.kind == "normal" for a in pair):
            assessable, reason = False, (f"unexplained {kind} by depth at {what} in paralogous sequence: "
                                         "a normal call is not safe")
    weights = np.array([10 ** (ll - best_ll) for ll, _, _ in scored])
    weights /= weights.sum()
    gene_copies = _gene_copies(cluster, ref, pair, alleles, scored, weights, prof, model, rows, sm)
    cn = {g: v["copies"] for g, v in gene_copies.items() if v["copies"] is not None}
    if not assessable:
        cn = {}
    elif cluster == "alpha":
        cn = {k: cn[k] for k in ("HBA2", "HBA1") if k in cn}
        cn["hybrid"] = sum(HYBRID_ALLELES.get(a.name, 0) for a in pair)
    genotype = ClusterGenotype(cluster, names if assessable else None, assessable, reason,
                               alternatives if assessable else [], round(best_ll - second, 2), cn)
    deletions = _deletion_calls(pair, best_ll, second, exp2, counts, used) if assessable else []
    per_pos = (_per_position(pair[0], sm, prof) + _per_position(pair[1], sm, prof)) if assessable else None
    return ClusterResult(genotype, pair if assessable else None, deletions, per_pos, sorted(set(incompletely)),
                         not_assessable, gene_copies, power, my_junctions)


def _tolerance(a: Allele) -> int:
    return (a.catalog.uncertainty_bp if a.catalog is not None else 0) + MATCH_SLACK if a.junction is None else 2 * BIN_SIZE


def _nearest(edges: list[int], pos: int, tol: int) -> int:
    near = [e for e in edges if abs(e - pos) <= tol]
    return min(near, key=lambda e: abs(e - pos)) if near else pos


def _homology_allele(d: CatalogDeletion, box, prof: _Profiles, depth_ll, normal_hap: np.ndarray,
                     read_length: int, chrom: str) -> Allele:
    """-a3.7/-a4.2 (one box unit lost) or anti (one gained), crossover where the depth fits best."""
    copies = 0 if d.kind == "deletion" else 2
    cands = set(range(box.stretch_start0, box.stretch_end0 + 1, 25))  # anywhere in the identical stretch
    cat0 = (d.start1 or 0) - 1
    if box.stretch_start0 - 2000 <= cat0 <= box.stretch_end0 + 2000:
        cands |= set(range(cat0 - d.uncertainty_bp, cat0 + d.uncertainty_bp + 1, 100))
    if box.name == "Z":  # the 3.7 hybrid joins HBA2 5' to HBA1 3': its crossover lies inside HBA2
        hba2 = genes()["HBA2"]
        cands = {m for m in cands if hba2.start1 - 1 < m < hba2.end1} or {hba2.start1 - 1 + 100}
    scored = []
    for m in sorted(cands):
        hap = prof.bins(prof.segment(m, m + box.offset, copies))
        scored.append((max(depth_ll(hap + normal_hap), depth_ll(hap + hap)), m, hap))
    top = max(s for s, _, _ in scored)
    ties = [(m, hap) for s, m, hap in scored if s >= top - TIE_LOG10]
    m, hap = ties[len(ties) // 2]  # identical sequence cannot place it: take the middle of the equally good places
    return Allele(d.name, d.cluster, d.kind, chrom, m, m + box.offset, hap, d, crossover1=m + 1, prior=CATALOG_PRIOR)


def _novel_segments(segments) -> list[tuple[int, int, str]]:
    """Candidate novel events: runs below 2 copies (and their 0-copy cores), runs above 2."""
    out = []
    strong = [s for s in segments if s.copies != 2 and s.n_bins >= NOVEL_MIN_BINS and s.log10_lr >= NOVEL_MIN_LOG10]
    for kind, test in (("deletion", lambda c: c < 2), ("duplication", lambda c: c > 2)):
        run: list = []
        for s in segments + [None]:
            if s is not None and test(s.copies) and (not run or s.start0 - run[-1].end0 <= 3 * BIN_SIZE):
                run.append(s)
                continue
            if run and any(r in strong for r in run):
                out.append((run[0].start0, run[-1].end0, kind))
            run = [s] if s is not None and test(s.copies) else []
    for s in strong:
        if s.copies == 0:
            out.append((s.start0, s.end0, "deletion"))
    return sorted(set(out))


def _novel_name(cluster: str, kind: str, chrom: str, start0: int, end0: int, prof: _Profiles, sm: SliceMap) -> str:
    desc = f"{'del' if kind == 'deletion' else 'dup'}:{chrom}:{start0 + 1}-{end0}"
    if cluster != "alpha":
        return f"novel:{desc}"
    copies = 0 if kind == "deletion" else 2
    per_pos = prof.segment(start0, end0, copies)
    n = 0
    for g in ("HBA2", "HBA1"):
        gene = genes()[g]
        lo, hi = gene.start1 - 1 - sm.start0, gene.end1 - sm.start0
        n += int(per_pos[lo:hi].min()) if 0 <= lo < hi <= sm.length else 1
    return f"novel:{desc} genes={n}"


def _order(a: Allele, b: Allele) -> tuple[Allele, Allele]:
    """Most damaging first (the interpreter orders again for display)."""
    def key(x: Allele) -> tuple:
        return (x.kind == "normal", x.kind == "duplication", x.name)
    return (a, b) if key(a) <= key(b) else (b, a)


def _junction_rate(model: DepthModel, chrom: str, read_length: int) -> float:
    """Expected junction-spanning fragments per chromosome copy: read starts per bp per copy × window."""
    per_copy_per_bp = model.mean_depth.get(chrom, 0.0) / max(1, read_length) / 2.0
    return per_copy_per_bp * max(10, read_length - 2 * MIN_ANCHOR)


def _poisson_ll(n: int, mu: float) -> float:
    mu = max(mu, 1e-6)
    return (n * math.log(mu) - mu - math.lgamma(n + 1)) / JUNCTION_DISPERSION / math.log(10)


def _junction_ll(pair: tuple[Allele, Allele], junctions: list[Junction], rho: float) -> float:
    floor = 0.02 * rho + 0.05
    ll = 0.0
    for j in junctions:
        k = sum(1 for a in pair if a.junction is j)
        ll += _poisson_ll(j.support, k * rho if k else floor)
    for a in set(id(x) for x in pair):
        allele = pair[0] if id(pair[0]) == a else pair[1]
        if allele.junction is None and allele.junction_observable and allele.kind != "normal":
            k = sum(1 for x in pair if x is allele)
            ll += _poisson_ll(0, k * rho)
    return ll


#: Genes whose loss defines each cluster's genotype: if a catalog event over them cannot be seen,
#: the cluster is not assessable; other events (e.g. HS-40, HBZ-only) are listed one by one instead.
CORE_GENES = {"alpha": ("HBA2", "HBA1"), "beta": ("HBB", "HBD")}


def _touches_core(a: Allele, cluster: str, sm: SliceMap, prof: _Profiles) -> bool:
    per_pos = _per_position(a, sm, prof)
    for g in CORE_GENES[cluster]:
        gene = genes()[g]
        lo, hi = max(0, gene.start1 - 1 - sm.start0), min(sm.length, gene.end1 - sm.start0)
        if hi > lo and (per_pos[lo:hi] != 1).any():
            return True
    return False


def _power(alleles: list[Allele], het_power) -> float:
    """Smallest expected log10 LR of a heterozygous catalog allele against the normal pair (depth only)."""
    powers = [het_power(a) for a in alleles if a.catalog is not None and a.kind != "normal" and not a.clipped]
    return min(powers) if powers else 0.0


def _het_power(a: Allele, model: DepthModel, rows: np.ndarray) -> float:
    """Expected log10 LR of ``a`` heterozygous against the normal pair, over the cluster's usable bins (depth only)."""
    n = len(model.bins.count)
    alt, normal = np.full(n, 2.0), np.full(n, 2.0)
    alt[rows] = a.hap + 1.0
    mask = np.zeros(n, dtype=bool)
    mask[rows] = True
    return model.expected_lr(alt, normal, mask)


def _per_position(a: Allele, sm: SliceMap, prof: _Profiles) -> np.ndarray:
    if a.kind == "normal":
        return np.ones(sm.length)
    return prof.segment(a.start0, a.end0, 0 if a.kind == "deletion" else 2)


def _gene_copies(cluster, ref, pair, alleles, scored, weights, prof, model, rows, sm) -> dict[str, dict[str, Any]]:
    """Intact copies per gene in the called pair, the observed depth ratio and a phred quality."""
    out: dict[str, dict[str, Any]] = {}
    ratio = model.ratio()[rows]
    for g in REPORT_GENES:
        gene = genes()[g]
        if gene.cluster != cluster or not ref.covers(gene.chrom, gene.start1 - 1, gene.end1):
            continue
        lo, hi = gene.start1 - 1 - sm.start0, gene.end1 - sm.start0

        def intact(a: Allele) -> int:
            return int(_per_position(a, sm, prof)[lo:hi].min())

        copies = intact(pair[0]) + intact(pair[1])
        p_same = sum(w for (ll, a, b), w in zip(scored, weights) if intact(alleles[a]) + intact(alleles[b]) == copies)
        b_lo, b_hi = lo // BIN_SIZE, (hi + BIN_SIZE - 1) // BIN_SIZE
        sel = np.zeros(len(rows), dtype=bool)
        sel[b_lo:b_hi] = True
        unique = sel & ~np.isnan(ratio) & (prof.cap <= BIN_SIZE)
        pick = unique if unique.any() else sel & ~np.isnan(ratio)
        if not pick.any():
            # no usable bin over the gene (an exome/panel capture gap, or masked): its copies were never
            # measured, so they are not reported as the called pair's (a deletion would go unseen there)
            out[g] = {"copies": None, "ratio": None, "quality": 0.0,
                      "not_assessable": "no usable depth over the gene (outside the capture targets or masked)"}
            continue
        r = float(np.nanmean(ratio[pick]))
        q = 99.0 if p_same >= 1 - 1e-10 else min(99.0, -10 * math.log10(max(1e-10, 1 - p_same)))
        out[g] = {"copies": copies, "ratio": round(r, 3), "quality": round(q, 1)}
    return out


def _deletion_calls(pair: tuple[Allele, Allele], best_ll: float, second: float, exp2, counts, used) -> list[DeletionCall]:
    out = []
    names = [a.name for a in pair]
    seen = set()
    for a in pair:
        if a.kind == "normal" or a.name in seen:
            continue
        seen.add(a.name)
        k = names.count(a.name)
        in_event = (a.hap != 1.0) & used
        obs = float(counts[in_event].sum())
        exp = float(exp2[in_event].sum())
        cat = a.catalog
        evidence: dict[str, Any] = {"breakpoints": "junction" if a.junction is not None and a.junction.precise
                                    else ("homology box (depth at paralog-specific positions)" if a.name in HOMOLOGY_BOX
                                          else "depth")}
        if a.junction is not None:
            evidence["junction"] = a.junction.to_json()
        if a.crossover1 is not None:
            evidence["crossover_estimate"] = a.crossover1
        if a.clipped:
            evidence["note"] = "breakpoint(s) outside the locus reference: bounds clipped to it"
        out.append(DeletionCall(
            name="novel" if cat is None else a.name, cluster=a.cluster, chrom=a.chrom, start1=a.start0 + 1, end1=a.end0,
            copies=k, kind=a.kind, catalog_id=cat.id if cat else "", variant_class=cat.variant_class if cat else "",
            depth_ratio=obs / exp if exp > 0 else 0.0, junction_reads=a.junction.support if a.junction else 0,
            log_likelihood_ratio=best_ll - second,
            evidence={**evidence, "allele": a.name},
        ))
    return out


#: Read depth measures gene dosage; a loss on one chromosome and a gain on the other cancel. Said in the
#: report of every depth-based αα/αα call, because it matters for carrier screening and couple risk.
DOSAGE_TWIN_CAVEAT = ("-α3.7/αααanti3.7 or -α4.2/αααanti4.2 carries the same α-gene dosage as "
                      "αα/αα and is not told apart by short-read depth (the crossover junctions lie in "
                      "paralogous sequence); a carrier of -α3.7 or -α4.2 is then missed: gap-PCR or long reads "
                      "resolve it where partner or family risk depends on it")


# ---- ploidy segments, JSON ------------------------------------------------------------------
def ploidy_segments(results: list[ClusterResult], maps: dict[str, SliceMap]) -> list[dict[str, Any]]:
    """Runs where the called pair has other than two copies (1-based inclusive)."""
    out = []
    for r in results:
        if r.profile is None:
            continue
        sm = maps[CHROM_OF[r.genotype.cluster]]
        prof = np.rint(r.profile).astype(int)
        change = np.nonzero(np.diff(np.concatenate(([2], prof, [2]))))[0]
        for s, e in zip(change[:-1], change[1:]):
            if prof[s] != 2 and e > s:
                out.append({"chrom": sm.chrom, "start": int(sm.start0 + s + 1), "end": int(sm.start0 + e), "copies": int(prof[s])})
    return out


def genotype_json(g: ClusterGenotype) -> dict[str, Any]:
    return {
        "alleles": list(g.alleles) if g.alleles else None,
        "assessable": g.assessable,
        "reason": g.reason,
        "alternatives": [list(p) for p in g.alternatives],
        "log_likelihood_ratio": g.log_likelihood_ratio,
        "copy_number": g.copy_number,
    }


def load_cn_json(path: str | Path) -> tuple[ClusterGenotype | None, ClusterGenotype | None, list[DeletionCall], dict]:
    """Read ``S.cn.json`` back: (alpha, beta, deletions, the whole document)."""
    p = Path(path)
    try:
        doc = json.loads(p.read_text())
    except FileNotFoundError:
        raise InputError(p, "copy-number JSON not found") from None
    except json.JSONDecodeError as exc:
        raise InputError(p, f"not valid JSON ({exc.msg})") from None

    def geno(cluster: str) -> ClusterGenotype | None:
        g = doc.get(cluster)
        if g is None:
            return None
        return ClusterGenotype(cluster, tuple(g["alleles"]) if g.get("alleles") else None, bool(g.get("assessable")),
                               g.get("reason", ""), [tuple(x) for x in g.get("alternatives", [])],
                               float(g.get("log_likelihood_ratio", 0.0)), dict(g.get("copy_number", {})))

    dels = []
    for d in doc.get("deletions", []):
        ev = dict(d.get("evidence", {}))
        dels.append(DeletionCall(d["name"], d["cluster"], d["chrom"], int(d["start"]), int(d["end"]), int(d["copies"]),
                                 d.get("kind", "deletion"), d.get("catalog_id", ""), d.get("class", ""),
                                 float(ev.pop("depth_ratio", 1.0)), int(ev.pop("junction_reads", 0)),
                                 float(ev.pop("log_likelihood_ratio", 0.0)), ev))
    return geno("alpha"), geno("beta"), dels, doc


def cn_document(sample: str, results: list[ClusterResult], maps: dict[str, SliceMap], model: DepthModel) -> dict[str, Any]:
    doc: dict[str, Any] = {"sample": sample, "thalgen_version": __version__}
    deletions: list[dict] = []
    copy_number: dict[str, Any] = {}
    not_assessable: list[dict[str, str]] = []
    incompletely: list[str] = []
    for r in results:
        doc[r.genotype.cluster] = genotype_json(r.genotype)
        deletions.extend(d.to_json() for d in r.deletions)
        for g, v in r.gene_copies.items():
            copy_number[g] = v if r.genotype.assessable else {"copies": None, "ratio": v["ratio"], "quality": 0.0}
            if r.genotype.assessable and "not_assessable" in v:
                not_assessable.append({"what": g, "reason": v["not_assessable"]})
        if not r.genotype.assessable:
            not_assessable.append({"what": f"{r.genotype.cluster} cluster", "reason": r.genotype.reason})
        not_assessable.extend(r.not_assessable)
        incompletely.extend(r.incompletely_assessed)
    doc["deletions"] = deletions
    doc["copy_number"] = copy_number
    doc["caveats"] = [DOSAGE_TWIN_CAVEAT for r in results
                      if r.genotype.cluster == "alpha" and r.genotype.alleles == ("aa", "aa")]
    doc["ploidy_segments"] = ploidy_segments(results, maps)
    doc["not_assessable"] = not_assessable
    doc["incompletely_assessed"] = sorted(set(incompletely))
    doc["depth"] = {"normalisation": model.normalisation, "dispersion": round(model.dispersion, 3),
                    "mean_depth": {c: round(v, 1) for c, v in model.mean_depth.items()},
                    "power_log10": {r.genotype.cluster: round(r.power_log10, 1) for r in results}}
    doc["junctions"] = [j.to_json() for r in results for j in r.junctions]
    return doc


# ---- one sample, end to end ------------------------------------------------------------------
TARGETED_ASSAYS = ("panel", "amplicon", "wes")


@dataclass
class SampleCN:
    document: dict[str, Any]
    results: list[ClusterResult]
    model: DepthModel
    maps: dict[str, SliceMap]


def call_sample_cn(ref: LocusReference, bam_path: str | Path, sample: str, bins=None, pon=None,
                   assay: str = "wgs") -> SampleCN:
    """Bins (given or counted), depth model (PoN when usable), junctions, then both clusters."""
    from thalgen.copynumber import count_bins, fit_depth_model, mappability
    from thalgen.junctions import collect_junctions

    bins = bins if bins is not None else count_bins(ref, bam_path, sample)
    maps = mappability(ref, bins.read_length or 150)
    model = fit_depth_model(bins, pon, assay)
    if assay in TARGETED_ASSAYS and model.normalisation == "self":
        why = (f"{assay} assay without a usable panel of normals (>= 3 samples of the same assay): capture "
               "efficiency varies by region, so depth cannot be compared along the cluster")
        for chrom in sorted(set(bins.chrom.tolist())):
            model.problems.setdefault(chrom, why)
            model.used &= bins.chrom != chrom
    junctions, _ = collect_junctions(ref, bam_path)
    results = [call_cluster(c, ref, model, maps, junctions) for c in ("alpha", "beta") if ref.has(CHROM_OF[c])]
    return SampleCN(cn_document(sample, results, maps, model), results, model, maps)


def write_cn_tsv(result: SampleCN, path: str | Path) -> None:
    """The binned track: observed count, expected at 2 copies, observed copies, called copies."""
    from thalgen.fileio import atomic_write_text

    model = result.model
    b = model.bins
    called = np.full(len(b.count), np.nan)
    for r in result.results:
        if r.alleles is None:
            continue
        rows = np.nonzero(b.chrom == CHROM_OF[r.genotype.cluster])[0]
        called[rows] = r.alleles[0].hap + r.alleles[1].hap
    ratio = model.ratio()
    with atomic_write_text(path) as fh:
        fh.write("chrom\tstart\tend\tcount\texpected_2copies\tobserved_copies\tcalled_copies\tused\n")
        for i in range(len(b.count)):
            obs = "" if np.isnan(ratio[i]) else f"{ratio[i]:.3f}"
            cc = "" if np.isnan(called[i]) or not model.used[i] else f"{called[i]:.2f}"
            fh.write(f"{b.chrom[i]}\t{b.start0[i] + 1}\t{b.end0[i]}\t{int(b.count[i])}\t{model.expected2[i]:.2f}\t{obs}\t{cc}\t{int(model.used[i])}\n")
