"""Read-depth copy number along both globin clusters: bins, paralog folding, normalisation, likelihoods.

Why it is built this way:

* **Counting.** Each primary, non-duplicate read is counted once, at its leftmost aligned reference
  position, in fixed bins of ``BIN_SIZE`` bp. Counting read starts (not per-base depth) keeps bins
  nearly independent, so per-bin likelihoods can be summed.
* **Paralog folding.** mappy gives MAPQ 0 to reads in the identical parts of HBA2/HBA1 (Z box), the
  X box, HBZ/HBZP1 and HBG2/HBG1, and places them on either copy. Per-copy depth is then meaningless
  there, but the *sum* over both copies is exact. :func:`mappability` tiles the reference with
  read-length windows, maps each back with the same aligner, and where a window has exactly one
  equally good second placement, every read starting there (on either copy) is *folded* onto the
  left copy. A folded bin then measures the copies of both paralogous positions together
  (HBA2+HBA1 where they are identical), the way Paraphase / DRAGEN's HBA caller use combined depth
  there and the paralog-specific positions elsewhere. Windows with several equal placements (the
  VNTR 3' of HBQ1) and slice edges are masked.
* **Normalisation.** A bin's expected count at two copies is ``scale × baseline``: the baseline is
  the bin's capacity (positions counted into it) for WGS, or the panel-of-normals value (per-bin
  level over a batch of the same assay that explains every sample as integer copies, :func:`build_pon`,
  robust to batches where most samples carry a deletion) for panels/amplicons, where capture
  efficiency varies by region. ``scale`` comes from bins that no catalog deletion touches
  (:func:`never_deleted_mask`) in the same cluster, so a large deletion cannot drag the scale down.
* **Likelihood.** Quasi-Poisson: log L = (n·ln μ − μ)/D per bin, with D (variance/mean) estimated
  from the never-deleted bins, so panel capture noise widens the likelihoods instead of producing
  false deletions. A bin at copy number 0 keeps a small floor (``ZERO_COPY_FLOOR``) for mismapped reads.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import mappy
import numpy as np
import pysam

from thalgen import __version__
from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable
from thalgen.locus import CLUSTER_OF_CHROM, LocusReference

BIN_SIZE = 100
EDGE_MASK = 600  # bp masked at each slice end: reads there run off the slice
TILE_STEP = 10
AMBIGUOUS_MAPQ = 5  # a tile below this MAPQ with one equal second placement is paralogous
ZERO_COPY_FLOOR = 0.04  # expected copies used for a bin deleted on both chromosomes (mismapped reads)
MIN_BASELINE = 0.1  # PoN bins below this fraction of the median are off target
CATALOG_PAD = 1000  # bp added around catalog intervals when choosing never-deleted bins
MIN_NORMALISING_BINS = 20
PON_MIN_SAMPLES = 3
BINS_FORMAT = "thalgen-cn-bins/1"
PON_FORMAT = "thalgen-cn-pon/1"

STATUS_UNIQUE, STATUS_FOLDED_INTO, STATUS_MOVED, STATUS_MASKED = 0, 1, 2, 3


# ---- mappability / folding ------------------------------------------------------------------
@dataclass
class SliceMap:
    """Per-position folding of one slice: where a read starting at each position is counted."""

    chrom: str
    start0: int  # GRCh38 start of the slice
    target: np.ndarray  # slice-relative position a read start is counted at; -1 = masked
    partner: np.ndarray  # slice-relative paralogous position (or -1): for reports and PSVs

    @property
    def length(self) -> int:
        return len(self.target)

    def n_bins(self) -> int:
        return (self.length + BIN_SIZE - 1) // BIN_SIZE

    def capacity(self) -> np.ndarray:
        """Positions counted into each bin (100 = plain, up to 200 = folded paralog pair, 0 = masked)."""
        ok = self.target >= 0
        return np.bincount(self.target[ok] // BIN_SIZE, minlength=self.n_bins()).astype(np.float64)

    def fold(self, per_position: np.ndarray) -> np.ndarray:
        """Sum a per-position quantity (e.g. a haplotype's copies) into bins, following the folding."""
        ok = self.target >= 0
        return np.bincount(self.target[ok] // BIN_SIZE, weights=per_position[ok], minlength=self.n_bins())


def mappability(ref: LocusReference, read_length: int = 150) -> dict[str, SliceMap]:
    """Self-alignment of read-length tiles: which read starts are unique, paralogous (folded) or masked.

    Cached per (slice checksums, read length): one sample batch shares one reference.
    """
    key = (tuple((c, s.md5, str(s.interval)) for c, s in sorted(ref.slices.items())), int(read_length))
    if key not in _MAP_CACHE:
        _MAP_CACHE[key] = _compute_mappability(ref, int(read_length))
    return _MAP_CACHE[key]


_MAP_CACHE: dict[tuple, dict[str, SliceMap]] = {}


def _compute_mappability(ref: LocusReference, read_length: int) -> dict[str, SliceMap]:
    fasta = str(ref.fasta_path)
    aligner = mappy.Aligner(fasta, preset="sr")
    if not aligner:
        raise InputError(fasta, "mappy could not index the locus reference")
    out: dict[str, SliceMap] = {}
    for chrom, sl in sorted(ref.slices.items()):
        seq = sl.sequence
        n = len(seq)
        d_tile = np.zeros((n + TILE_STEP - 1) // TILE_STEP, dtype=np.int64)
        masked_tile = np.zeros(len(d_tile), dtype=bool)
        for ti, p in enumerate(range(0, n, TILE_STEP)):
            window = seq[p : p + read_length]
            if len(window) < read_length or "N" in window:
                masked_tile[ti] = True
                continue
            hits = [h for h in aligner.map(window) if h.ctg == chrom]
            primary = [h for h in hits if h.is_primary]
            if not primary:
                masked_tile[ti] = True
                continue
            if primary[0].mapq >= AMBIGUOUS_MAPQ:
                continue
            best_nm = min(h.NM for h in hits)
            others = [h for h in hits if abs(h.r_st - p) > 5 and h.mlen >= 0.9 * read_length and h.NM <= best_nm + 1]
            if len(others) == 1:
                d_tile[ti] = others[0].r_st - p
            elif len(others) > 1:
                masked_tile[ti] = True
        pos = np.arange(n)
        tile_of = pos // TILE_STEP
        d = d_tile[tile_of]
        target = pos.copy()
        partner = np.full(n, -1, dtype=np.int64)
        has = d != 0
        partner[has] = pos[has] + d[has]
        # reads starting on the right copy are counted on the left copy (both directions of evidence)
        right = has & (d < 0)
        target[right] = pos[right] + d[right]
        left = np.nonzero(has & (d > 0))[0]
        mates = left + d[left]
        inside = (mates >= 0) & (mates < n)
        target[mates[inside]] = left[inside]
        partner[mates[inside]] = left[inside]
        target[masked_tile[tile_of]] = -1
        target[(target < 0) | (target >= n)] = -1
        target[:EDGE_MASK] = -1
        target[n - EDGE_MASK - read_length :] = -1
        seq_arr = np.frombuffer(seq.encode("ascii"), dtype=np.uint8)
        target[seq_arr == ord("N")] = -1
        out[chrom] = SliceMap(chrom, sl.interval.start0, target, partner)
    return out


# ---- bin counts -----------------------------------------------------------------------------
@dataclass
class BinCounts:
    """Read-start counts per bin for one sample (both clusters), as written to ``S.bins.tsv``."""

    sample: str
    read_length: int
    chrom: np.ndarray  # str per bin
    start0: np.ndarray
    end0: np.ndarray
    capacity: np.ndarray
    count: np.ndarray

    def rows(self, chrom: str) -> np.ndarray:
        return np.nonzero(self.chrom == chrom)[0]

    def key(self) -> list[tuple[str, int, int]]:
        return list(zip(self.chrom.tolist(), self.start0.tolist(), self.end0.tolist()))


def estimate_read_length(bam_path: str | Path, n: int = 2000) -> int:
    """Median query length of the first primary reads (tiles for folding use this length)."""
    lengths = []
    with pysam.AlignmentFile(str(bam_path)) as bam:
        for read in bam.fetch(until_eof=True):
            if read.is_secondary or read.is_supplementary or read.query_length == 0:
                continue
            lengths.append(read.infer_read_length() or read.query_length)
            if len(lengths) >= n:
                break
    if not lengths:
        raise InputError(bam_path, "no reads in the BAM")
    return int(np.median(lengths))


def count_bins(ref: LocusReference, bam_path: str | Path, sample: str) -> BinCounts:
    """Count read starts per bin (folded at paralogous positions, masked positions skipped)."""
    bam_path = require_readable(bam_path)
    read_length = estimate_read_length(bam_path)
    maps = mappability(ref, read_length)
    chroms, starts, ends, caps, counts = [], [], [], [], []
    try:
        bam = pysam.AlignmentFile(str(bam_path))
    except (ValueError, OSError) as exc:
        raise InputError(bam_path, f"not a readable BAM ({exc})") from None
    with bam:
        names = set(bam.references)
        for chrom, sm in maps.items():
            n = sm.length
            starts_rel = []
            if chrom in names:
                for read in bam.fetch(chrom, sm.start0, sm.start0 + n):
                    if read.is_unmapped or read.is_secondary or read.is_supplementary or read.is_duplicate or read.is_qcfail:
                        continue
                    p = read.reference_start - sm.start0
                    if 0 <= p < n:
                        starts_rel.append(p)
            rel = np.asarray(starts_rel, dtype=np.int64)
            tgt = sm.target[rel] if len(rel) else rel
            tgt = tgt[tgt >= 0]
            nb = sm.n_bins()
            counts.append(np.bincount(tgt // BIN_SIZE, minlength=nb).astype(np.float64))
            caps.append(sm.capacity())
            b0 = np.arange(nb) * BIN_SIZE
            starts.append(sm.start0 + b0)
            ends.append(sm.start0 + np.minimum(b0 + BIN_SIZE, n))
            chroms.append(np.array([chrom] * nb))
    return BinCounts(sample, read_length, np.concatenate(chroms), np.concatenate(starts), np.concatenate(ends),
                     np.concatenate(caps), np.concatenate(counts))


def write_bins(bins: BinCounts, path: str | Path) -> None:
    with atomic_write_text(path) as fh:
        fh.write(f"# format={BINS_FORMAT} sample={bins.sample} read_length={bins.read_length} bin_size={BIN_SIZE} thalgen={__version__}\n")
        fh.write("chrom\tstart\tend\tcapacity\tcount\n")
        for c, s, e, cap, n in zip(bins.chrom, bins.start0, bins.end0, bins.capacity, bins.count):
            fh.write(f"{c}\t{s + 1}\t{e}\t{int(cap)}\t{int(n)}\n")


def _header_fields(line: str) -> dict[str, str]:
    return dict(kv.split("=", 1) for kv in line.lstrip("#").split() if "=" in kv)


def read_bins(path: str | Path) -> BinCounts:
    path = require_readable(path)
    lines = path.read_text().splitlines()
    if not lines or not lines[0].startswith("#"):
        raise InputError(path, "not a thalgen bins file (no '# format=' header)")
    meta = _header_fields(lines[0])
    if meta.get("format") != BINS_FORMAT:
        raise InputError(path, f"not a thalgen bins file (format {meta.get('format')!r}, expected {BINS_FORMAT})")
    if int(meta.get("bin_size", -1)) != BIN_SIZE:
        raise InputError(path, f"bin size {meta.get('bin_size')} differs from this thalgen's {BIN_SIZE}")
    rows = [ln.split("\t") for ln in lines[2:] if ln.strip()]
    try:
        chrom = np.array([r[0] for r in rows])
        start0 = np.array([int(r[1]) - 1 for r in rows], dtype=np.int64)
        end0 = np.array([int(r[2]) for r in rows], dtype=np.int64)
        cap = np.array([float(r[3]) for r in rows])
        count = np.array([float(r[4]) for r in rows])
    except (IndexError, ValueError):
        raise InputError(path, "malformed row (expected chrom, start, end, capacity, count)") from None
    return BinCounts(meta.get("sample", ""), int(meta.get("read_length", 0)), chrom, start0, end0, cap, count)


# ---- never-deleted bins, panel of normals ---------------------------------------------------
def never_deleted_mask(bins: BinCounts) -> np.ndarray:
    """Bins no catalog deletion/duplication (padded by its uncertainty + CATALOG_PAD) touches."""
    from thalgen.catalog import load_deletions

    ok = bins.capacity > 0
    for d in load_deletions():
        if d.start1 is None or d.end1 is None:
            continue
        pad = CATALOG_PAD + min(d.uncertainty_bp, 2000)
        hit = (bins.chrom == d.chrom) & (bins.end0 > d.start1 - 1 - pad) & (bins.start0 < d.end1 + pad)
        ok &= ~hit
    return ok


@dataclass
class PanelOfNormals:
    """Per-bin baseline of normalised counts over a batch (:func:`build_pon`); ``usable`` is False below PON_MIN_SAMPLES."""

    n_samples: int
    samples: list[str]
    key: list[tuple[str, int, int]]
    baseline: np.ndarray  # per bin, relative to the never-deleted median (≈ 1 on target)

    @property
    def usable(self) -> bool:
        return self.n_samples >= PON_MIN_SAMPLES


def normalised_profile(bins: BinCounts) -> np.ndarray:
    """A sample's counts divided by its median over never-deleted bins (NaN where nothing is counted)."""
    nd = never_deleted_mask(bins)
    ref_counts = bins.count[nd & (bins.count > 0)]
    med = float(np.median(ref_counts)) if len(ref_counts) else 0.0
    out = np.full(len(bins.count), np.nan)
    if med > 0:
        counted = bins.capacity > 0
        out[counted] = bins.count[counted] / med
    return out


def build_pon(samples: list[BinCounts]) -> PanelOfNormals:
    """Per-bin baseline over a batch that may be rich in carriers (a thalassaemia clinic's batch).

    A plain per-bin median is biased wherever most samples carry a deletion (4 of 6 with --SEA or
    -a3.7 put the median at half the true capture there, and every normal then looks duplicated). So
    each bin's baseline ``b`` is the level that best explains *all* samples' values as integer copies
    (``v ≈ b·c/2``, c = 0..4) under a prior that makes losses common and gains rare
    (:data:`PON_COPY_PRIOR`): 4 het carriers at b/2 and 2 normals at b are explained far better by b
    than by b/2 with two 4-copy normals. The baseline is then the median of every sample's value
    rescaled by its assigned copies (carriers contribute too). Only when (nearly) every sample of the
    batch carries the same change is the baseline wrong; :func:`fit_depth_model` then still sees it in
    the never-deleted bins of the panel's own control regions.
    """
    if not samples:
        raise ValueError("no samples")
    key = samples[0].key()
    for s in samples[1:]:
        if s.key() != key:
            raise InputError(s.sample or "<bins>", "bins differ from the first sample's (different reference or bin size)")
    profiles = np.vstack([normalised_profile(s) for s in samples])
    # reads per profile unit (the never-deleted median count): sets each value's Poisson noise
    unit = np.array([_never_deleted_median(s) for s in samples])
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns are masked bins
        first = np.nanmedian(profiles, axis=0)
    baseline = np.nan_to_num(first, nan=0.0)
    for j in range(profiles.shape[1]):
        v = profiles[:, j]
        ok = ~np.isnan(v)
        if ok.sum() >= 2 and np.nanmax(v) > 0:
            baseline[j] = _consistent_level(v[ok], unit[ok])
    # per-bin choices are noisy at low counts; copy changes span many bins, so each sample's copies are
    # then read from its running median ratio to that baseline and the baseline recomputed from them
    chrom = samples[0].chrom
    for _ in range(2):
        with np.errstate(all="ignore"):
            ratio = np.where(baseline > 0, 2.0 * profiles / baseline, np.nan)
        copies = np.full(profiles.shape, np.nan)
        for c in np.unique(chrom):
            cols = np.nonzero(chrom == c)[0]
            copies[:, cols] = np.clip(np.rint(_running_median(ratio[:, cols], PON_SMOOTH_BINS)), 0, 4)
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore", RuntimeWarning)
            rescaled = np.where(copies > 0, profiles * 2.0 / copies, np.nan)
            again = np.nanmedian(rescaled, axis=0)
        baseline = np.where(np.isnan(again), baseline, again)
    return PanelOfNormals(len(samples), [s.sample for s in samples], key, baseline)


#: Prior per copy number when explaining a batch's values at one bin (losses common in a clinic batch,
#: a gain of one copy rare, two copies gained - homozygous triplication - rarer still).
PON_COPY_PRIOR = {0: 0.01, 1: 0.1, 2: 0.888, 3: 0.002, 4: 1e-6}
PON_EXTRA_CV = 0.1  # capture noise beyond Poisson, as a fraction of the value


PON_SMOOTH_BINS = 9  # bins in the running median that reads each sample's copies


def _running_median(x: np.ndarray, window: int) -> np.ndarray:
    """Row-wise running median over ``window`` columns, NaN-aware (NaN where a window has no value)."""
    half = window // 2
    padded = np.pad(x, ((0, 0), (half, half)), constant_values=np.nan)
    windows = np.lib.stride_tricks.sliding_window_view(padded, window, axis=1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.nanmedian(windows, axis=2)


def _never_deleted_median(bins: BinCounts) -> float:
    nd = never_deleted_mask(bins)
    ref_counts = bins.count[nd & (bins.count > 0)]
    return float(np.median(ref_counts)) if len(ref_counts) else 0.0


def _consistent_level(v: np.ndarray, unit: np.ndarray) -> float:
    """The level b that best explains values ``v`` as b·c/2 for integer copies c (see build_pon)."""
    states = np.array(sorted(PON_COPY_PRIOR))
    log_prior = np.log([PON_COPY_PRIOR[c] for c in states])
    pos = v[v > 0]
    if len(pos) == 0:
        return 0.0
    cands = np.unique(np.concatenate([pos, 2 * pos, 2 * pos / 3]))
    best, best_b, best_c = -math.inf, 0.0, None
    for b in cands:
        mean = b * np.maximum(states, 0.04) / 2.0  # (samples x states) via broadcasting below
        sd = np.sqrt(mean[None, :] / np.maximum(unit[:, None], 1.0) + (PON_EXTRA_CV * mean[None, :]) ** 2)
        ll = -0.5 * ((v[:, None] - mean[None, :]) / sd) ** 2 - np.log(sd) + log_prior[None, :]
        c = ll.argmax(axis=1)
        score = float(ll.max(axis=1).sum())
        if score > best:
            best, best_b, best_c = score, float(b), states[c]
    keep = best_c > 0
    return float(np.median(v[keep] * 2.0 / best_c[keep])) if keep.any() else best_b


def write_pon(pon: PanelOfNormals, path: str | Path) -> None:
    with atomic_write_text(path) as fh:
        status = "usable" if pon.usable else f"too_small(<{PON_MIN_SAMPLES})"
        fh.write(f"# format={PON_FORMAT} n_samples={pon.n_samples} status={status} bin_size={BIN_SIZE} thalgen={__version__}\n")
        fh.write(f"# samples={','.join(pon.samples)}\n")
        fh.write("chrom\tstart\tend\tbaseline\n")
        for (c, s, e), b in zip(pon.key, pon.baseline):
            fh.write(f"{c}\t{s + 1}\t{e}\t{b:.5f}\n")


def read_pon(path: str | Path) -> PanelOfNormals:
    path = require_readable(path)
    lines = path.read_text().splitlines()
    meta = _header_fields(lines[0]) if lines else {}
    if meta.get("format") != PON_FORMAT:
        raise InputError(path, f"not a thalgen panel-of-normals file (format {meta.get('format')!r})")
    samples = lines[1].split("=", 1)[1].split(",") if len(lines) > 1 and lines[1].startswith("# samples=") else []
    rows = [ln.split("\t") for ln in lines[3:] if ln.strip()]
    try:
        key = [(r[0], int(r[1]) - 1, int(r[2])) for r in rows]
        baseline = np.array([float(r[3]) for r in rows])
    except (IndexError, ValueError):
        raise InputError(path, "malformed row (expected chrom, start, end, baseline)") from None
    return PanelOfNormals(int(meta.get("n_samples", 0)), [s for s in samples if s], key, baseline)


# ---- the depth model ------------------------------------------------------------------------
@dataclass
class DepthModel:
    """Expected counts at two copies per bin, the dispersion, and which bins take part.

    ``group`` (exomes): the capture target each bin belongs to (-1 for none). Capture noise is shared by
    the bins of one target, so bins there are not independent evidence: the likelihood is then taken
    over each target's summed count (quasi-Poisson, dispersion estimated between targets) and shared
    out to its bins in proportion to their expected counts, so sums over bins stay exact.
    """

    bins: BinCounts
    expected2: np.ndarray  # expected count at copy number 2 (0 where unused)
    used: np.ndarray  # bool per bin
    dispersion: float  # variance / mean over never-deleted bins (or targets, with ``group``) (>= 1)
    scale: dict[str, float]  # per chrom: reads per capacity unit (or per PoN unit)
    normalisation: str  # "self" or "panel_of_normals"
    mean_depth: dict[str, float] = field(default_factory=dict)  # per chrom, x coverage at two copies
    problems: dict[str, str] = field(default_factory=dict)  # per chrom: why it cannot be normalised
    group: np.ndarray | None = None  # capture target id per bin (-1 = none); None = bins independent

    def loglik(self, copies: np.ndarray) -> float:
        """log10 L of the observed counts given expected copies per bin (used bins only)."""
        return float(self.bin_loglik(copies)[self.used].sum())

    def bin_loglik(self, copies: np.ndarray) -> np.ndarray:
        mu = self.expected2 * np.maximum(copies, ZERO_COPY_FLOOR) / 2.0
        mu = np.where(self.used, np.maximum(mu, 1e-9), 1.0)
        n = self.bins.count
        if self.group is None:
            return (n * np.log(mu) - mu) / self.dispersion / math.log(10)
        g, in_group = self._groups()
        n_g = np.bincount(g[in_group], weights=n[in_group], minlength=self._n_groups())
        mu_g = np.bincount(g[in_group], weights=mu[in_group], minlength=self._n_groups())
        out = np.zeros(len(n))
        with np.errstate(all="ignore"):
            ll_g = (n_g * np.log(np.maximum(mu_g, 1e-9)) - mu_g) / self.dispersion / math.log(10)
            out[in_group] = ll_g[g[in_group]] * mu[in_group] / mu_g[g[in_group]]
        return out

    def expected_lr(self, copies_alt: np.ndarray, copies_ref: np.ndarray, rows: np.ndarray) -> float:
        """Expected log10 LR of ``copies_alt`` against ``copies_ref`` over ``rows`` (bool) when alt is true."""
        keep = rows & self.used
        mu0 = np.maximum(self.expected2 * np.maximum(copies_ref, ZERO_COPY_FLOOR) / 2.0, 1e-9)
        mu1 = np.maximum(self.expected2 * np.maximum(copies_alt, ZERO_COPY_FLOOR) / 2.0, 1e-9)
        if self.group is not None:
            g, in_group = self._groups()
            sel = keep & in_group
            mu0 = np.bincount(g[sel], weights=mu0[sel], minlength=self._n_groups())
            mu1 = np.bincount(g[sel], weights=mu1[sel], minlength=self._n_groups())
            has = mu0 > 0
            mu0, mu1 = np.maximum(mu0[has], 1e-9), np.maximum(mu1[has], 1e-9)
        else:
            mu0, mu1 = mu0[keep], mu1[keep]
        return float(((mu1 * np.log(mu1 / mu0) - mu1 + mu0) / self.dispersion).sum() / math.log(10))

    def _groups(self) -> tuple[np.ndarray, np.ndarray]:
        assert self.group is not None
        in_group = (self.group >= 0) & self.used
        return np.where(in_group, self.group, 0), in_group

    def _n_groups(self) -> int:
        return int(self.group.max()) + 1 if self.group is not None and len(self.group) and self.group.max() >= 0 else 1

    def ratio(self) -> np.ndarray:
        """Observed copies per bin (2 × observed / expected); NaN where unused."""
        with np.errstate(all="ignore"):
            r = 2.0 * self.bins.count / self.expected2
        return np.where(self.used, r, np.nan)


#: Bins per capture-target group at most: a long on-target run (a panel region) is cut into pieces this
#: long, about the length over which capture efficiency is shared, so a deletion inside keeps its place.
TARGET_GROUP_BINS = 5
MIN_TARGET_GROUPS = 6  # groups needed to estimate the between-target dispersion


TARGET_MIN_FRACTION = 0.1  # a bin is on target from this fraction of the sample's typical on-target level


def sample_on_target(bins: BinCounts) -> np.ndarray:
    """Bins an exome captured, read from the sample itself (no target file needed).

    The typical on-target level is the read-weighted median of count/capacity (most reads are on
    target, so it ignores the off-target background however wide); bins below TARGET_MIN_FRACTION of
    it are capture gaps. A target lost on both chromosomes looks like a gap too: it is then reported
    as not assessable, never as normal.
    """
    counted = bins.capacity > 0
    ratio = np.where(counted, bins.count / np.maximum(bins.capacity, 1.0), 0.0)
    if bins.count[counted].sum() <= 0:
        return np.zeros(len(ratio), dtype=bool)
    order = np.argsort(ratio)
    cum = np.cumsum(bins.count[order])
    level = float(ratio[order][np.searchsorted(cum, cum[-1] / 2.0)])
    return counted & (ratio >= TARGET_MIN_FRACTION * level)


def capture_groups(bins: BinCounts, on_target: np.ndarray) -> np.ndarray:
    """Group id per bin: contiguous on-target runs of one chromosome, cut every TARGET_GROUP_BINS (-1 off target)."""
    group = np.full(len(on_target), -1, dtype=np.int64)
    k, run = -1, 0
    for i in range(len(on_target)):
        if not on_target[i]:
            run = 0
            continue
        contiguous = i > 0 and on_target[i - 1] and bins.chrom[i] == bins.chrom[i - 1] and bins.start0[i] == bins.end0[i - 1]
        if not contiguous or run >= TARGET_GROUP_BINS:
            k += 1
            run = 0
        group[i] = k
        run += 1
    return group


#: Assays whose depth is modelled per capture target (see DepthModel.group) rather than per bin.
CAPTURE_GROUP_ASSAYS = ("wes",)


def fit_depth_model(bins: BinCounts, pon: PanelOfNormals | None = None, assay: str = "wgs") -> DepthModel:
    """Scale each cluster on its never-deleted bins, then on all bins segmented at two copies; dispersion from their residuals.

    Exomes (CAPTURE_GROUP_ASSAYS) are scored per capture target: scale and dispersion come from
    targets, not bins, and a cluster with fewer than MIN_TARGET_GROUPS never-deleted targets is scaled
    on both clusters' together (comparable after the panel of normals), since a scale from three or
    four flanking targets can sit a third off and turn the whole cluster into a "duplication".
    """
    use_pon = pon is not None and pon.usable
    if use_pon and pon.key != bins.key():
        raise InputError("--pon", "the panel of normals was built on different bins (reference or bin size)")
    nd = never_deleted_mask(bins)
    if use_pon:
        base = pon.baseline.copy()
        on_target = base >= MIN_BASELINE * np.median(base[nd & (base > 0)]) if (nd & (base > 0)).any() else base > 0
        base = np.where(on_target & (bins.capacity > 0), base, 0.0)
    elif assay in CAPTURE_GROUP_ASSAYS:
        # no panel of normals: the sample's own targets, each expected in proportion to its capacity;
        # how far real targets stray from that (capture efficiency, target size) is the dispersion
        base = np.where(sample_on_target(bins), bins.capacity, 0.0)
    else:
        base = bins.capacity.copy()
    group = capture_groups(bins, base > 0) if assay in CAPTURE_GROUP_ASSAYS else None
    expected2 = np.zeros(len(base))
    used = base > 0
    scale: dict[str, float] = {}
    problems: dict[str, str] = {}
    depth: dict[str, float] = {}
    pooled = nd & used

    def enough(rows: np.ndarray) -> bool:
        if group is None:
            return int(rows.sum()) >= MIN_NORMALISING_BINS
        return len(np.unique(group[rows & (group >= 0)])) >= MIN_TARGET_GROUPS

    def what_is_missing(rows: np.ndarray) -> str:
        if group is None:
            return f"only {int(rows.sum())} bins outside every catalog deletion carry data (need {MIN_NORMALISING_BINS})"
        n = len(np.unique(group[rows & (group >= 0)]))
        return f"only {n} capture targets outside every catalog deletion carry data (need {MIN_TARGET_GROUPS})"

    def fit_scale(chrom: str, rows: np.ndarray, ref_rows: np.ndarray) -> None:
        """Scale ``chrom`` on ``ref_rows``: its expected counts and its mean depth at two copies."""
        s = _robust_scale(bins.count[ref_rows], base[ref_rows], None if group is None else group[ref_rows])
        scale[chrom] = s
        expected2[rows] = s * base[rows]
        per_base = s * (np.median(base[ref_rows]) if use_pon else BIN_SIZE) / BIN_SIZE
        depth[chrom] = float(per_base * bins.read_length)

    for chrom in sorted(set(bins.chrom.tolist())):
        rows = bins.chrom == chrom
        ref_rows = rows & nd & used
        if not enough(ref_rows):
            # fall back to both clusters' never-deleted bins (comparable after PoN or capacity scaling)
            ref_rows = pooled
        if not enough(ref_rows):
            problems[chrom] = what_is_missing(ref_rows) + " to normalise depth"
            used &= ~rows
            continue
        fit_scale(chrom, rows, ref_rows)
    used &= expected2 > 0
    model = DepthModel(bins, expected2, used, _dispersion(bins.count, expected2, nd & used, group), scale,
                       "panel_of_normals" if use_pon else ("self_capture_targets" if group is not None else "self"),
                       depth, problems, group)
    # Second pass. The never-deleted bins of chr16 are one ~12 kb stretch at the slice's 3' end, and
    # depth drifts by several % along a slice, so a scale from there alone can sit 5-10 % off the rest
    # of the cluster: enough to turn a triplication carrier's 3 copies into "4". The scale is therefore
    # re-fitted on every bin the first pass segments at two copies (most of the cluster in most
    # samples), which the first pass can find reliably because a few % cannot move a bin by a copy.
    two = np.zeros(len(base), dtype=bool)
    for chrom in scale:
        for seg in segment_copy_number(model, chrom):
            if seg.copies == 2:
                two |= (bins.chrom == chrom) & (bins.start0 >= seg.start0) & (bins.end0 <= seg.end0)
    two &= used
    for chrom in scale:
        rows = bins.chrom == chrom
        ref_rows = rows & two
        if ref_rows.sum() < max(MIN_NORMALISING_BINS, int((rows & nd & used).sum())) or not enough(ref_rows):
            continue
        fit_scale(chrom, rows, ref_rows)
    model.dispersion = _dispersion(bins.count, expected2, (two | nd) & used, group)
    return model


def _dispersion(count: np.ndarray, expected2: np.ndarray, rows: np.ndarray, group: np.ndarray | None = None) -> float:
    """Pearson variance/mean over ``rows`` (per bin, or per capture target with ``group``; top 2 % trimmed), at least 1."""
    if group is not None:
        sel = rows & (group >= 0)
        ids, inv = np.unique(group[sel], return_inverse=True)
        if len(ids) < MIN_TARGET_GROUPS:
            return 1.0
        n = np.bincount(inv, weights=count[sel])
        mu = np.bincount(inv, weights=expected2[sel])
    else:
        if rows.sum() < MIN_NORMALISING_BINS:
            return 1.0
        n, mu = count[rows], expected2[rows]
    pearson = (n - mu) ** 2 / np.maximum(mu, 1e-9)
    # trimming the top 2 % guards against a few odd bins; over a few dozen capture targets it would
    # drop the noisiest target outright and understate the noise, so it needs enough values
    keep = pearson <= np.quantile(pearson, 0.98) if len(pearson) >= 50 else np.ones(len(pearson), dtype=bool)
    return max(1.0, float(pearson[keep].mean()))


def _robust_scale(counts: np.ndarray, base: np.ndarray, group: np.ndarray | None = None) -> float:
    """count/base over reference bins (or capture targets): median first, then the mean over those within 0.5-1.5x of it."""
    if group is not None:
        ids, inv = np.unique(np.where(group >= 0, group, -1), return_inverse=True)
        counts, base = np.bincount(inv, weights=counts), np.bincount(inv, weights=base)
        keep_g = base > 0
        counts, base = counts[keep_g], base[keep_g]
    ratio = counts / base
    med = float(np.median(ratio))
    if med <= 0:
        return float(counts.sum() / base.sum()) if base.sum() > 0 else 0.0
    keep = (ratio > 0.5 * med) & (ratio < 1.5 * med)
    return float(counts[keep].sum() / base[keep].sum()) if keep.any() else med


# ---- segmentation (novel events) ------------------------------------------------------------
@dataclass(frozen=True)
class Segment:
    """A run of bins at one integer copy number (GRCh38 0-based half-open)."""

    chrom: str
    start0: int
    end0: int
    copies: int
    n_bins: int
    log10_lr: float  # this copy number vs 2 over the segment


def segment_copy_number(model: DepthModel, chrom: str, max_copies: int = 4, switch_penalty: float = 8.0) -> list[Segment]:
    """Viterbi over integer copy-number states per used bin (a switch costs ``switch_penalty`` log10)."""
    rows = np.nonzero((model.bins.chrom == chrom) & model.used)[0]
    if len(rows) == 0:
        return []
    states = np.arange(max_copies + 1)
    emit = np.vstack([model.bin_loglik(np.full(len(model.bins.count), float(c)))[rows] for c in states]).T
    n, k = emit.shape
    score = emit[0].copy()
    score[states != 2] -= switch_penalty  # start in the normal state unless the data insist
    back = np.zeros((n, k), dtype=np.int64)
    for i in range(1, n):
        stay = score
        jump = score.max() - switch_penalty
        best_prev = np.where(stay >= jump, states, int(score.argmax()))
        score = np.maximum(stay, jump) + emit[i]
        back[i] = best_prev
    path = np.zeros(n, dtype=np.int64)
    path[-1] = int(score.argmax())
    for i in range(n - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    segments = []
    i = 0
    while i < n:
        j = i
        while j + 1 < n and path[j + 1] == path[i]:
            j += 1
        c = int(path[i])
        lr = float(emit[i : j + 1, c].sum() - emit[i : j + 1, 2].sum())
        segments.append(Segment(chrom, int(model.bins.start0[rows[i]]), int(model.bins.end0[rows[j]]), c, j - i + 1, lr))
        i = j + 1
    return segments
