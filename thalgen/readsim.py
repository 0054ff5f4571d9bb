"""Read generators for simulated patients: Illumina pairs, PacBio HiFi and ONT long reads.

Each generator takes *templates* (one per haplotype contig: its sequence and a per-base sampling
weight) and a numpy Generator, and returns reads with their origin so tests can measure error
rates against the haplotype. Nothing here knows about variants or the spec: ``simulate.py`` builds
the haplotypes and weights (regions, capture bias, deleted or duplicated sequence) and calls these.

Why weights: a deleted segment is simply absent from the haplotype, a duplicated one present twice,
and panel targets / capture efficiency are a per-base multiplier; sampling fragment midpoints in
proportion to the weight gives all of these with one mechanism.

Illumina reads are built as numpy matrices (reads x read length) so ~100k pairs take about a second.

Models (defaults; see the dataclasses):
- Illumina: insert ~ N(mean, sd) clipped to [read length, contig]; per-cycle mean quality falls
  from Q37 to Q25 (1.5-power curve) with N(0, 3) noise; each base is substituted with probability
  10^(-Q/10), so the error rate follows the qualities; N with Q2 at rate 2e-4; a fixed fraction of
  pairs (``duplicate_rate``) re-use another pair's fragment with independent errors.
- HiFi: lognormal lengths (median 15 kb, sigma 0.25), per-read error 0.01-0.1 % (>= 99.9 %
  accurate), 40 % substitutions / 30 % insertions / 30 % deletions, 4x more likely in homopolymers.
- ONT: lognormal lengths (median 12 kb, sigma 0.5), per-read error 2-5 % (95-98 % accurate),
  indel-dominated (25 % sub / 30 % ins / 45 % del), 5x more likely inside homopolymers (>= 3),
  insertions there extend the run. Long reads take a random strand.
- Amplicon long reads (``amplicon_reads``): every read is one whole PCR product with the platform's
  errors and a random strand; products are drawn in proportion to their efficiency.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from thalgen.fileio import atomic_path

_ASCII_TO_CODE = np.full(256, 4, dtype=np.uint8)
for _i, _b in enumerate(b"ACGT"):
    _ASCII_TO_CODE[_b] = _i
    _ASCII_TO_CODE[ord(chr(_b).lower())] = _i
_CODE_TO_ASCII = np.frombuffer(b"ACGTN", dtype=np.uint8).copy()
_COMPLEMENT_CODE = np.array([3, 2, 1, 0, 4], dtype=np.uint8)
_PHRED_TO_P = np.power(10.0, -np.arange(256) / 10.0).astype(np.float32)


@dataclass
class Template:
    """One haplotype contig to sample from: its bases and a non-negative sampling weight per base."""

    name: str
    sequence: str
    weights: np.ndarray  # float64, len(sequence); 0 = never sampled (outside regions)

    def codes(self) -> np.ndarray:
        return _ASCII_TO_CODE[np.frombuffer(self.sequence.encode("ascii"), dtype=np.uint8)]


@dataclass(frozen=True)
class IlluminaModel:
    """Paired-end short reads: quality declines along the read; substitutions drawn from the qualities."""

    read_length: int = 150
    insert_mean: float = 350.0
    insert_sd: float = 60.0
    duplicate_rate: float = 0.03
    q_start: float = 37.0  # mean quality at the first cycle
    q_end: float = 25.0  # mean quality at the last cycle
    q_noise_sd: float = 3.0
    q_min: int = 2
    q_max: int = 41
    n_rate: float = 2e-4  # no-call bases (written as N with quality 2)

    def mean_quality(self) -> np.ndarray:
        """Expected quality per cycle: flat at first, dropping towards the 3' end (a 1.5-power decline)."""
        x = np.arange(self.read_length) / max(1, self.read_length - 1)
        return self.q_start - (self.q_start - self.q_end) * x**1.5


@dataclass(frozen=True)
class LongReadModel:
    """Long single reads: lognormal lengths, per-read accuracy, error mix, homopolymer enrichment."""

    platform: str
    median_length: float
    length_sigma: float
    min_length: int
    error_min: float  # per-read error rate is drawn uniformly in [error_min, error_max]
    error_max: float
    frac_sub: float
    frac_ins: float
    frac_del: float
    homopolymer_boost: float  # error weight of bases inside homopolymers (>= 3) relative to others
    q_spread: float  # sd of per-base quality around the read's phred accuracy


HIFI = LongReadModel("hifi", 15_000, 0.25, 2_000, 1e-4, 1e-3, 0.4, 0.3, 0.3, 4.0, 3.0)
ONT = LongReadModel("ont", 12_000, 0.5, 1_000, 0.02, 0.05, 0.25, 0.3, 0.45, 5.0, 4.0)


@dataclass
class PairedReads:
    """Simulated pairs in output order, with where each fragment came from."""

    names: list[str]
    r1: np.ndarray  # uint8 ASCII, (n, L)
    q1: np.ndarray  # uint8 phred, (n, L)
    r2: np.ndarray
    q2: np.ndarray
    template: np.ndarray  # index into the templates
    start0: np.ndarray  # fragment start on the template (0-based)
    end0: np.ndarray  # fragment end (exclusive)
    duplicate: np.ndarray  # bool: PCR duplicate of another pair's fragment

    def __len__(self) -> int:
        return len(self.names)


@dataclass
class LongReads:
    """Simulated long reads with origin (template, span, strand) and their own error counts."""

    names: list[str]
    sequences: list[bytes]
    qualities: list[bytes]  # phred+33
    template: np.ndarray
    start0: np.ndarray
    end0: np.ndarray
    reverse: np.ndarray
    errors: np.ndarray  # number of error events applied to each read (sub + ins + del)

    def __len__(self) -> int:
        return len(self.names)


# ---- sampling -----------------------------------------------------------------------------------
def _sample_midpoints(weights: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    cdf = np.cumsum(weights, dtype=np.float64)
    if n == 0 or cdf[-1] <= 0:
        return np.zeros(0, dtype=np.int64)
    return np.searchsorted(cdf, rng.random(n) * cdf[-1], side="right").astype(np.int64)


def _place(mid: np.ndarray, length: np.ndarray, contig_length: int) -> np.ndarray:
    """Fragment starts centred on ``mid`` and kept inside the contig."""
    return np.clip(mid - length // 2, 0, np.maximum(contig_length - length, 0))


def expected_pairs(template: Template, depth: float, read_length: int) -> int:
    """Pairs giving ``depth`` mean coverage over the template's weighted bases (2 reads per pair)."""
    return int(round(depth * float(template.weights.sum()) / (2 * read_length)))


# ---- Illumina -----------------------------------------------------------------------------------
def _qualities(model: IlluminaModel, n: int, rng: np.random.Generator) -> np.ndarray:
    noise = rng.standard_normal(size=(n, model.read_length), dtype=np.float32)
    q = model.mean_quality().astype(np.float32)[None, :] + np.float32(model.q_noise_sd) * noise
    return np.clip(np.rint(q), model.q_min, model.q_max).astype(np.uint8)


def _sequence_errors(codes: np.ndarray, quals: np.ndarray, model: IlluminaModel, rng: np.random.Generator) -> np.ndarray:
    """Substitute bases with probability 10^(-Q/10); a rare base becomes N (quality set to 2 in place)."""
    p_err = _PHRED_TO_P[quals]
    err = rng.random(codes.shape, dtype=np.float32) < p_err
    shift = rng.integers(1, 4, size=codes.shape, dtype=np.uint8)
    out = np.where(err, (codes % 4 + shift) % 4, codes).astype(np.uint8)
    no_call = rng.random(codes.shape, dtype=np.float32) < model.n_rate
    out[no_call] = 4
    quals[no_call] = model.q_min
    return out


def illumina_pairs(
    templates: list[Template],
    depth_per_template: float,
    model: IlluminaModel,
    rng: np.random.Generator,
    read_prefix: str,
    amplicons: list[list[tuple[int, int, float]]] | None = None,
) -> PairedReads:
    """Paired reads from all templates, shuffled together; read 1 forward, read 2 reverse-complement.

    ``depth_per_template`` is the mean coverage each template gets over its weighted bases (a
    patient's depth / 2 per haplotype). With ``amplicons`` (per template: (start0, end0, efficiency)
    products), fragments are exactly those products instead of random shears.
    """
    L = model.read_length
    tmpl_idx, starts, lengths = [], [], []
    for t_i, tmpl in enumerate(templates):
        n_len = len(tmpl.sequence)
        if n_len < L:
            continue
        if amplicons is not None:
            for a0, a1, eff in amplicons[t_i]:
                size = a1 - a0
                if size < L:
                    continue
                n = int(round(depth_per_template * eff * size / (2 * L)))
                tmpl_idx.append(np.full(n, t_i, dtype=np.int64))
                starts.append(np.full(n, a0, dtype=np.int64))
                lengths.append(np.full(n, size, dtype=np.int64))
            continue
        n = expected_pairs(tmpl, depth_per_template, L)
        length = np.rint(rng.normal(model.insert_mean, model.insert_sd, n)).astype(np.int64)
        length = np.clip(length, L, n_len)
        mid = _sample_midpoints(tmpl.weights, n, rng)
        tmpl_idx.append(np.full(n, t_i, dtype=np.int64))
        starts.append(_place(mid, length, n_len))
        lengths.append(length)
    t_arr = np.concatenate(tmpl_idx) if tmpl_idx else np.zeros(0, dtype=np.int64)
    s_arr = np.concatenate(starts) if starts else np.zeros(0, dtype=np.int64)
    l_arr = np.concatenate(lengths) if lengths else np.zeros(0, dtype=np.int64)
    n_total = len(t_arr)

    # PCR duplicates: a fraction of the pairs re-use another pair's fragment (independent errors)
    n_dup = int(round(n_total * model.duplicate_rate)) if n_total > 1 else 0
    duplicate = np.zeros(n_total, dtype=bool)
    if n_dup:
        src = rng.integers(0, n_total - n_dup, n_dup)
        t_arr[n_total - n_dup :] = t_arr[src]
        s_arr[n_total - n_dup :] = s_arr[src]
        l_arr[n_total - n_dup :] = l_arr[src]
        duplicate[n_total - n_dup :] = True
    order = rng.permutation(n_total)
    t_arr, s_arr, l_arr, duplicate = t_arr[order], s_arr[order], l_arr[order], duplicate[order]
    e_arr = s_arr + l_arr

    r1 = np.empty((n_total, L), dtype=np.uint8)
    r2 = np.empty((n_total, L), dtype=np.uint8)
    cycles = np.arange(L, dtype=np.int64)
    for t_i, tmpl in enumerate(templates):
        sel = np.nonzero(t_arr == t_i)[0]
        if not len(sel):
            continue
        codes = tmpl.codes()
        r1[sel] = codes[s_arr[sel, None] + cycles[None, :]]
        r2[sel] = _COMPLEMENT_CODE[codes[e_arr[sel, None] - 1 - cycles[None, :]]]
    q1 = _qualities(model, n_total, rng)
    q2 = _qualities(model, n_total, rng)
    r1 = _CODE_TO_ASCII[_sequence_errors(r1, q1, model, rng)]
    r2 = _CODE_TO_ASCII[_sequence_errors(r2, q2, model, rng)]
    names = [f"{read_prefix}:{i + 1}" for i in range(n_total)]
    return PairedReads(names, r1, q1, r2, q2, t_arr, s_arr, e_arr, duplicate)


# ---- long reads ---------------------------------------------------------------------------------
def homopolymer_mask(codes: np.ndarray, min_run: int = 3) -> np.ndarray:
    """True for bases inside a run of >= ``min_run`` identical bases."""
    n = len(codes)
    if n == 0:
        return np.zeros(0, dtype=bool)
    change = np.ones(n, dtype=bool)
    change[1:] = codes[1:] != codes[:-1]
    run_id = np.cumsum(change) - 1
    run_len = np.bincount(run_id)
    return run_len[run_id] >= min_run


def _long_read_errors(
    codes: np.ndarray, model: LongReadModel, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray, int]:
    """Apply one read's errors; returns (bases, phred qualities, number of error events)."""
    rate = rng.uniform(model.error_min, model.error_max)
    homo = homopolymer_mask(codes)
    w = np.where(homo, model.homopolymer_boost, 1.0)
    p = np.minimum(rate * w / w.mean(), 0.5)
    err = rng.random(len(codes)) < p
    kind = rng.choice(3, size=len(codes), p=[model.frac_sub, model.frac_ins, model.frac_del])
    sub = err & (kind == 0)
    ins = err & (kind == 1)
    dele = err & (kind == 2)
    bases = codes.copy()
    bases[sub] = (bases[sub] % 4 + rng.integers(1, 4, int(sub.sum()), dtype=np.uint8)) % 4
    read_q = -10.0 * np.log10(rate)
    quals = np.clip(np.rint(rng.normal(read_q, model.q_spread, len(codes))), 3, 50).astype(np.uint8)
    quals[sub] = np.minimum(quals[sub], 8)
    counts = np.where(dele, 0, np.where(ins, 2, 1))
    out = np.repeat(bases, counts)
    out_q = np.repeat(quals, counts)
    # the extra copy of an inserted base: same base in a homopolymer (extension), else a random base
    last_copy = np.cumsum(counts) - 1
    ins_random = ins & ~homo
    out[last_copy[ins_random]] = rng.integers(0, 4, int(ins_random.sum()), dtype=np.uint8)
    out_q[last_copy[ins]] = np.minimum(out_q[last_copy[ins]], 8)
    return out, out_q, int(err.sum())


def long_reads(
    templates: list[Template],
    depth_per_template: float,
    model: LongReadModel,
    rng: np.random.Generator,
    read_prefix: str,
) -> LongReads:
    """Long reads (HiFi or ONT) from all templates, random strand, shuffled together."""
    mean_len = model.median_length * float(np.exp(model.length_sigma**2 / 2))
    plan: list[tuple[int, int, int]] = []
    for t_i, tmpl in enumerate(templates):
        n_len = len(tmpl.sequence)
        # expected read length is capped by the contig; use the capped mean so depth comes out right
        n = int(round(depth_per_template * float(tmpl.weights.sum()) / min(mean_len, n_len)))
        length = np.rint(rng.lognormal(np.log(model.median_length), model.length_sigma, n)).astype(np.int64)
        length = np.clip(length, min(model.min_length, n_len), n_len)
        mid = _sample_midpoints(tmpl.weights, n, rng)
        start = _place(mid, length, n_len)
        plan.extend(zip([t_i] * n, start.tolist(), (start + length).tolist()))
    order = rng.permutation(len(plan))
    return _render_long([plan[i] for i in order], templates, model, rng, read_prefix)


def amplicon_reads(
    templates: list[Template],
    depth_per_template: float,
    products: list[list[tuple[int, int, float]]],
    model: LongReadModel,
    rng: np.random.Generator,
    read_prefix: str,
) -> LongReads:
    """Long reads of long-range PCR products: each read is one whole product (CCS / ONT of an amplicon).

    ``products`` per template: (start0, end0, efficiency). A product's expected read count is
    ``depth_per_template * efficiency``; with full-length reads that is also its per-base coverage, so
    ``depth`` means the same as for Illumina amplicons. The reads are drawn together (multinomial, in
    proportion to efficiency), so counts vary from sample to sample as pooled PCR products do.
    """
    flat = [(t_i, a0, a1, eff) for t_i, prods in enumerate(products) for a0, a1, eff in prods if a1 > a0 and eff > 0]
    expected = np.array([depth_per_template * eff for *_, eff in flat], dtype=np.float64)
    n_total = int(round(float(expected.sum())))
    counts = rng.multinomial(n_total, expected / expected.sum()) if n_total else np.zeros(len(flat), dtype=np.int64)
    plan = [(t_i, a0, a1) for (t_i, a0, a1, _), n in zip(flat, counts) for _ in range(int(n))]
    order = rng.permutation(len(plan))
    return _render_long([plan[i] for i in order], templates, model, rng, read_prefix)


def _render_long(
    plan: list[tuple[int, int, int]], templates: list[Template], model: LongReadModel, rng: np.random.Generator,
    read_prefix: str,
) -> LongReads:
    """Reads for (template, start0, end0) spans in output order: random strand, the model's errors."""
    reverse = rng.random(len(plan)) < 0.5
    codes_by_template = [t.codes() for t in templates]
    seqs, quals, errors = [], [], []
    for (t_i, s0, e0), rev in zip(plan, reverse):
        frag = codes_by_template[t_i][s0:e0]
        if rev:
            frag = _COMPLEMENT_CODE[frag[::-1]]
        out, out_q, n_err = _long_read_errors(frag, model, rng)
        seqs.append(_CODE_TO_ASCII[out].tobytes())
        quals.append((out_q + 33).astype(np.uint8).tobytes())
        errors.append(n_err)
    names = [f"{read_prefix}:{i + 1}" for i in range(len(plan))]
    arr = np.array(plan, dtype=np.int64).reshape(-1, 3)
    return LongReads(names, seqs, quals, arr[:, 0], arr[:, 1], arr[:, 2], reverse, np.array(errors, dtype=np.int64))


# ---- FASTQ output -------------------------------------------------------------------------------
def _fastq_bytes(names: list[str], suffix: str, seqs: list[bytes], quals: list[bytes]) -> bytes:
    parts = []
    for name, s, q in zip(names, seqs, quals):
        parts.append(b"@%s%s\n%s\n+\n%s\n" % (name.encode(), suffix.encode(), s, q))
    return b"".join(parts)


def _rows(matrix: np.ndarray) -> list[bytes]:
    flat = matrix.tobytes()
    width = matrix.shape[1] if matrix.ndim == 2 else 0
    return [flat[i * width : (i + 1) * width] for i in range(matrix.shape[0])]


def write_fastq_gz(path: str | Path, data: bytes) -> Path:
    """Write gzip deterministically (no file name, mtime 0) and atomically."""
    with atomic_path(path) as tmp:
        with open(tmp, "wb") as raw:
            with gzip.GzipFile(filename="", mode="wb", fileobj=raw, mtime=0, compresslevel=4) as gz:
                gz.write(data)
    return Path(path)


def write_pairs(reads: PairedReads, r1_path: str | Path, r2_path: str | Path) -> None:
    """``{prefix}:{n}/1`` in R1 and ``/2`` in R2, qualities phred+33."""
    write_fastq_gz(r1_path, _fastq_bytes(reads.names, "/1", _rows(reads.r1), _rows(reads.q1 + 33)))
    write_fastq_gz(r2_path, _fastq_bytes(reads.names, "/2", _rows(reads.r2), _rows(reads.q2 + 33)))


def write_long(reads: LongReads, path: str | Path) -> None:
    write_fastq_gz(path, _fastq_bytes(reads.names, "", reads.sequences, reads.qualities))
