"""Tests for thalgen.readsim: read counts, error rates against the template, duplicates, long reads."""

from __future__ import annotations

import gzip

import mappy
import numpy as np

from thalgen import readsim
from thalgen.readsim import HIFI, ONT, IlluminaModel, Template, homopolymer_mask, illumina_pairs, long_reads

COMP = str.maketrans("ACGTN", "TGCAN")


def random_template(n: int, seed: int = 0, name: str = "t") -> Template:
    rng = np.random.default_rng(seed)
    seq = "".join(rng.choice(list("ACGT"), n))
    return Template(name, seq, np.ones(n))


def test_homopolymer_mask():
    codes = np.frombuffer(b"AAACGTTTTA", dtype=np.uint8)
    assert homopolymer_mask(codes).tolist() == [True] * 3 + [False] * 2 + [True] * 4 + [False]


def test_pair_count_matches_depth():
    t = random_template(40_000)
    model = IlluminaModel(read_length=100)
    reads = illumina_pairs([t, t], 15.0, model, np.random.default_rng(1), "s")
    # depth 15 per template over 40 kb, 2 x 100 bases per pair: 3000 pairs per template
    assert len(reads) == 6000
    assert int(reads.duplicate.sum()) == round(6000 * 0.03)
    assert reads.names[0] == "s:1" and reads.names[-1] == "s:6000"
    assert reads.r1.shape == (6000, 100)


def test_read1_forward_read2_reverse_and_error_rate_follows_qualities():
    t = random_template(30_000, seed=2)
    model = IlluminaModel(read_length=150, duplicate_rate=0.0, n_rate=0.0)
    reads = illumina_pairs([t], 40.0, model, np.random.default_rng(3), "s")
    seq = t.sequence
    mism, bases, expected = 0, 0, 0.0
    for i in range(len(reads)):
        s0, e0 = int(reads.start0[i]), int(reads.end0[i])
        true1 = seq[s0 : s0 + 150]
        true2 = seq[e0 - 150 : e0].translate(COMP)[::-1]
        r1 = reads.r1[i].tobytes().decode()
        r2 = reads.r2[i].tobytes().decode()
        mism += sum(a != b for a, b in zip(r1, true1)) + sum(a != b for a, b in zip(r2, true2))
        bases += 300
        expected += float(readsim._PHRED_TO_P[reads.q1[i]].sum() + readsim._PHRED_TO_P[reads.q2[i]].sum())
    rate, model_rate = mism / bases, expected / bases
    # substitution errors drawn from the qualities: measured rate matches the model within 10 %
    assert 0.9 * model_rate < rate < 1.1 * model_rate
    # the quality profile declines along the read: ~Q37 at the start, ~Q25 at the end
    assert 36 <= reads.q1[:, :10].mean() <= 38
    assert 24 <= reads.q1[:, -5:].mean() <= 26.5


def test_fragments_only_where_weight_is_positive():
    t = random_template(20_000, seed=4)
    t.weights[:] = 0
    t.weights[8_000:9_000] = 1.0
    model = IlluminaModel(read_length=100, insert_mean=300, insert_sd=20)
    reads = illumina_pairs([t], 30.0, model, np.random.default_rng(5), "s")
    assert len(reads) == 150  # 30 x 1000 / 200
    mid = (reads.start0 + reads.end0) // 2
    assert mid.min() >= 8_000 - 2 and mid.max() <= 9_000 + 2


def test_amplicons_are_exact_products():
    t = random_template(5_000, seed=6)
    model = IlluminaModel(read_length=100, duplicate_rate=0.0)
    reads = illumina_pairs([t], 10.0, model, np.random.default_rng(7), "s", amplicons=[[(1000, 1400, 1.0), (3000, 3200, 0.5)]])
    spans = sorted(set(zip(reads.start0.tolist(), reads.end0.tolist())))
    assert spans == [(1000, 1400), (3000, 3200)]
    assert int(np.sum(reads.start0 == 1000)) == 20 and int(np.sum(reads.start0 == 3000)) == 5


def test_same_seed_same_reads():
    t = random_template(10_000, seed=8)
    a = illumina_pairs([t], 5.0, IlluminaModel(), np.random.default_rng(9), "s")
    b = illumina_pairs([t], 5.0, IlluminaModel(), np.random.default_rng(9), "s")
    assert a.r1.tobytes() == b.r1.tobytes() and a.q2.tobytes() == b.q2.tobytes()


def _alignment_errors(template: Template, reads) -> tuple[int, int, int, int]:
    """(mismatches, inserted bases, deleted bases, aligned read bases) over all reads, by minimap2."""
    aligner = mappy.Aligner(seq=template.sequence, preset="map-ont")
    mm = ins = dele = total = 0
    for seq in reads.sequences:
        hit = next(aligner.map(seq.decode()), None)
        assert hit is not None
        i = sum(n for n, op in hit.cigar if op == 1)
        d = sum(n for n, op in hit.cigar if op == 2)
        mm += hit.NM - i - d
        ins += i
        dele += d
        total += hit.q_en - hit.q_st
    return mm, ins, dele, total


def test_hifi_reads_long_and_accurate():
    t = random_template(60_000, seed=10)
    reads = long_reads([t], 5.0, HIFI, np.random.default_rng(11), "h")
    lengths = np.array([len(s) for s in reads.sequences])
    assert len(reads) == round(5.0 * 60_000 / (15_000 * np.exp(0.25**2 / 2)))
    assert 12_000 < np.median(lengths) < 18_000
    mm, ins, dele, total = _alignment_errors(t, reads)
    assert (mm + ins + dele) / total < 1e-3  # >= 99.9 % accurate
    assert int(reads.reverse.sum()) not in (0, len(reads))  # both strands
    quals = np.frombuffer(b"".join(reads.qualities), dtype=np.uint8) - 33
    assert 28 < np.median(quals) < 42


def test_ont_reads_indel_dominated_and_95_to_98_percent_accurate():
    t = random_template(40_000, seed=12)
    reads = long_reads([t], 3.0, ONT, np.random.default_rng(13), "o")
    mm, ins, dele, total = _alignment_errors(t, reads)
    err = (mm + ins + dele) / total
    assert 0.02 < err < 0.05
    assert ins + dele > 2 * mm
    # the recorded error events agree with what the aligner sees (within 20 %)
    assert 0.8 < int(reads.errors.sum()) / (mm + ins + dele) < 1.2


def test_write_fastq_is_deterministic_gzip(tmp_path):
    t = random_template(2_000, seed=14)
    reads = illumina_pairs([t], 3.0, IlluminaModel(read_length=50), np.random.default_rng(15), "x")
    readsim.write_pairs(reads, tmp_path / "a_R1.fq.gz", tmp_path / "a_R2.fq.gz")
    readsim.write_pairs(reads, tmp_path / "b_R1.fq.gz", tmp_path / "b_R2.fq.gz")
    assert (tmp_path / "a_R1.fq.gz").read_bytes() == (tmp_path / "b_R1.fq.gz").read_bytes()
    with gzip.open(tmp_path / "a_R2.fq.gz", "rt") as fh:
        lines = fh.read().splitlines()
    assert len(lines) == 4 * len(reads)
    assert lines[0] == "@x:1/2" and lines[1] == reads.r2[0].tobytes().decode()
    assert lines[3] == (reads.q2[0] + 33).astype(np.uint8).tobytes().decode()


def test_ont_indels_concentrate_in_homopolymers():
    rng = np.random.default_rng(16)
    # runs of 1-4 identical bases, so about half of the bases sit in homopolymers (>= 3)
    runs = [(b, n) for b, n in zip(rng.choice(list("ACGT"), 12000), rng.choice([1, 1, 2, 2, 3, 4], 12000))]
    seq, prev = [], ""
    for b, n in runs:
        if b == prev:
            continue
        seq.append(b * int(n))
        prev = b
    t = Template("h", "".join(seq), np.ones(len("".join(seq))))
    codes = t.codes()
    homo = homopolymer_mask(codes)
    reads = long_reads([t], 3.0, ONT, np.random.default_rng(17), "o")
    aligner = mappy.Aligner(seq=t.sequence, preset="map-ont")
    in_homo = total = 0
    for s in reads.sequences:
        hit = next(aligner.map(s.decode()), None)
        pos = hit.r_st
        for n, op in hit.cigar:
            if op == 2:
                in_homo += int(homo[pos : pos + n].any())
                total += 1
            if op in (0, 2):
                pos += n
    # deletions hit homopolymers well above their share of the sequence
    share = homo.mean()
    assert 0.4 < share < 0.7
    assert in_homo / total > share + 0.15


def test_amplicon_reads_are_whole_products_drawn_by_efficiency():
    t = random_template(12_000, seed=20)
    products = [[(1_000, 5_000, 1.0), (6_000, 9_000, 0.25)]]
    reads = readsim.amplicon_reads([t], 40.0, products, HIFI, np.random.default_rng(21), "a")
    spans = sorted(set(zip(reads.start0.tolist(), reads.end0.tolist())))
    assert spans == [(1_000, 5_000), (6_000, 9_000)]  # every read is one whole product, nothing sheared
    assert len(reads) == 50  # 40 x 1.0 + 40 x 0.25 expected, drawn together
    n_long = int(np.sum(reads.start0 == 1_000))
    assert 32 <= n_long <= 48 and n_long != 40  # multinomial, not a fixed split
    assert int(reads.reverse.sum()) not in (0, len(reads))  # both strands
    mm, ins, dele, total = _alignment_errors(t, reads)
    assert (mm + ins + dele) / total < 1e-3  # HiFi errors, as for sheared reads
    # each read covers its product end to end: the aligned span is the product
    aligner = mappy.Aligner(seq=t.sequence, preset="map-hifi")
    for s0, e0, seq in zip(reads.start0[:10], reads.end0[:10], reads.sequences[:10]):
        hit = next(aligner.map(seq.decode()))
        assert abs(hit.r_st - s0) <= 3 and abs(hit.r_en - e0) <= 3


def test_amplicon_reads_without_products_is_empty():
    t = random_template(3_000, seed=22)
    reads = readsim.amplicon_reads([t], 40.0, [[]], ONT, np.random.default_rng(23), "e")
    assert len(reads) == 0 and reads.start0.shape == (0,)
