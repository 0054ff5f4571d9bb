"""Duplicate marking: hand-built pairs/fragments/UMIs with exact outcomes, and a simulated 5 % duplicate library."""

from __future__ import annotations

import json
from pathlib import Path

import pysam
import pytest

from thalgen.markdup import find_duplicates, mark_duplicates, read_umi, unclipped_five_prime

from conftest import simulate_align

HEADER = {
    "HD": {"VN": "1.6", "SO": "coordinate"},
    "SQ": [{"SN": "chr11", "LN": 135_086_622}],
    "RG": [{"ID": "s", "SM": "s", "LB": "lib"}],
}


def _rec(hdr, name, flag, pos, cigar, mate_pos=-1, qual=30, rx=None, length=None):
    a = pysam.AlignedSegment(hdr)
    n = length or sum(l for op, l in cigar if op in (0, 1, 4))
    a.query_name, a.flag = name, flag
    a.query_sequence = "A" * n
    a.query_qualities = pysam.qualitystring_to_array(chr(33 + qual) * n)
    a.reference_id, a.reference_start, a.cigartuples, a.mapping_quality = 0, pos, cigar, 60
    if flag & 1:
        a.next_reference_id, a.next_reference_start = 0, mate_pos
    a.set_tag("RG", "s")
    if rx:
        a.set_tag("RX", rx)
    return a


def _pair(hdr, name, pos1, pos2, qual=30, rx=None, clip=0, swap=False):
    """An FR pair: forward mate at pos1 (``clip`` bases soft-clipped at its 5' end), reverse mate at pos2.

    ``swap``: R2 is the forward mate and R1 the reverse one (the other strand of the same molecule).
    """
    fwd_cigar = [(4, clip), (0, 100 - clip)] if clip else [(0, 100)]
    r1_fwd, r2_rev = (64, 128) if not swap else (128, 64)
    return [
        _rec(hdr, name, 1 | 2 | 32 | r1_fwd, pos1 + clip, fwd_cigar, pos2, qual, rx),
        _rec(hdr, name, 1 | 2 | 16 | r2_rev, pos2, [(0, 100)], pos1 + clip, qual, rx),
    ]


def _write(path: Path, recs) -> Path:
    hdr = pysam.AlignmentHeader.from_dict(HEADER)
    recs = [r(hdr) if callable(r) else r for r in recs]
    recs.sort(key=lambda a: (a.reference_start, a.query_name, a.flag))
    with pysam.AlignmentFile(str(path), "wb", header=hdr) as out:
        for a in recs:
            out.write(a)
    return path


def _flags(path: Path) -> dict[str, bool]:
    out: dict[str, bool] = {}
    with pysam.AlignmentFile(str(path)) as bam:
        for r in bam.fetch(until_eof=True):
            out.setdefault(r.query_name, r.is_duplicate)
            assert out[r.query_name] == r.is_duplicate, "both mates must carry the same flag"
    return out


HDR = pysam.AlignmentHeader.from_dict(HEADER)


def test_unclipped_five_prime_ends():
    fwd = _rec(HDR, "f", 0, 1000, [(4, 5), (0, 95)])
    rev = _rec(HDR, "r", 16, 1000, [(0, 90), (4, 7), (5, 3)], length=97)
    assert unclipped_five_prime(fwd) == (0, 995, False)
    assert unclipped_five_prime(rev) == (0, 1000 + 90 - 1 + 10, True)


def test_read_umi_sources():
    assert read_umi(_rec(HDR, "x", 0, 1, [(0, 10)], rx="ACGTAC")) == "ACGTAC"
    assert read_umi(_rec(HDR, "M1:5:FC:1:1101:1000:2000:ACGTACGT", 0, 1, [(0, 10)])) == "ACGTACGT"
    assert read_umi(_rec(HDR, "M1:5:FC:1:1101:1000:2000:ACGTA+TTGCA", 0, 1, [(0, 10)])) == "ACGTA+TTGCA"
    # an old-style sample barcode after '#' (the hg19 NIPT BAMs) and plain coordinates are not UMIs
    assert read_umi(_rec(HDR, "FCC1L3TACXX:8:2205:21326:2946#ATGTCAAT", 0, 1, [(0, 10)])) == ""
    assert read_umi(_rec(HDR, "sim:1234", 0, 1, [(0, 10)])) == ""


def test_pairs_keep_best_quality_and_match_swapped_and_clipped_copies(tmp_path):
    bam = _write(tmp_path / "p.bam", [
        *_pair(HDR, "a", 1000, 1300, qual=30),
        *_pair(HDR, "b", 1000, 1300, qual=35),  # best: kept
        *_pair(HDR, "c", 1000, 1300, qual=30, clip=4),  # soft-clipped copy of the same fragment
        *_pair(HDR, "d", 1000, 1300, qual=30, swap=True),  # same ends from the other strand (R1/R2 swapped)
        *_pair(HDR, "e", 1000, 1301, qual=40),  # other fragment (reverse end one base further)
        *_pair(HDR, "f", 1001, 1300, qual=40),  # other fragment (forward end one base further)
    ])
    stats = mark_duplicates(bam)
    assert _flags(bam) == {"a": True, "b": False, "c": True, "d": True, "e": False, "f": False}
    assert (stats.reads, stats.duplicates, stats.fraction, stats.umi_used) == (12, 6, 0.5, False)


def test_ties_go_to_the_smallest_name(tmp_path):
    bam = _write(tmp_path / "t.bam", [*_pair(HDR, "z", 500, 800), *_pair(HDR, "y", 500, 800)])
    mark_duplicates(bam)
    assert _flags(bam) == {"y": False, "z": True}


def test_fragments_single_end_and_at_pair_ends(tmp_path):
    bam = _write(tmp_path / "f.bam", [
        _rec(HDR, "s1", 0, 2000, [(0, 100)], qual=20),
        _rec(HDR, "s2", 0, 2000, [(0, 100)], qual=25),
        _rec(HDR, "s3", 16, 2000, [(0, 100)]),  # other strand
        *_pair(HDR, "p", 3000, 3400),
        _rec(HDR, "frag", 0, 3000, [(0, 100)], qual=40),  # at the pair's forward end: duplicate of the pair
    ])
    stats = mark_duplicates(bam)
    assert _flags(bam) == {"s1": True, "s2": False, "s3": False, "p": False, "frag": True}
    assert (stats.reads, stats.duplicates) == (6, 2)


def test_umi_aware_same_position_different_umi_is_not_a_duplicate(tmp_path):
    bam = _write(tmp_path / "u.bam", [
        *_pair(HDR, "a", 1000, 1300, qual=30, rx="AACCGGTT"),
        *_pair(HDR, "b", 1000, 1300, qual=35, rx="AACCGGTT"),
        *_pair(HDR, "c", 1000, 1300, qual=40, rx="TTGGCCAA"),
    ])
    stats = mark_duplicates(bam)
    assert _flags(bam) == {"a": True, "b": False, "c": False}
    assert (stats.duplicates, stats.umi_used) == (2, True)


def test_read_name_umis(tmp_path):
    names = ["R:1:FC:1:1:1:1:ACGTACGT", "R:1:FC:1:1:1:2:ACGTACGT", "R:1:FC:1:1:1:3:GGGGCCCC"]
    bam = _write(tmp_path / "n.bam", [r for n in names for r in _pair(HDR, n, 1000, 1300)])
    stats = mark_duplicates(bam)
    assert _flags(bam) == {names[0]: False, names[1]: True, names[2]: False}
    assert stats.umi_used is True


def test_partial_umis_are_not_trusted(tmp_path):
    bam = _write(tmp_path / "m.bam", [*_pair(HDR, "a", 1000, 1300, rx="AAAACCCC"), *_pair(HDR, "b", 1000, 1300, qual=31)])
    stats = mark_duplicates(bam)
    assert _flags(bam) == {"a": True, "b": False}
    assert stats.umi_used is False


def test_umi_only_and_off_modes(tmp_path):
    recs = lambda: [*_pair(HDR, "a", 1000, 1300), *_pair(HDR, "b", 1000, 1300)]  # noqa: E731
    for mode in ("umi-only", "off"):
        bam = _write(tmp_path / f"{mode}.bam", recs())
        stats = mark_duplicates(bam, mode)
        assert _flags(bam) == {"a": False, "b": False} and (stats.duplicates, stats.mode) == (0, mode)
    bam = _write(tmp_path / "umi.bam", [*_pair(HDR, "a", 1000, 1300, rx="ACGTACGT"), *_pair(HDR, "b", 1000, 1300, qual=31, rx="ACGTACGT")])
    assert mark_duplicates(bam, "umi-only").duplicates == 2
    assert _flags(bam) == {"a": True, "b": False}
    with pytest.raises(ValueError, match="unknown duplicate-marking mode"):
        find_duplicates(bam, "picard")


def test_input_duplicate_flags_are_recomputed(tmp_path):
    recs = _pair(HDR, "a", 1000, 1300)
    for r in recs:
        r.flag |= 0x400
    bam = _write(tmp_path / "old.bam", [*recs, *_pair(HDR, "b", 5000, 5300)])
    assert mark_duplicates(bam).duplicates == 0
    assert _flags(bam) == {"a": False, "b": False}


SPEC = """
defaults: {platform: illumina, depth: 100, read_length: 150, seed: 5, duplicate_rate: 0.05, regions: ["chr11:5223000-5230000"]}
patients:
  - id: dup5
    haplotypes: [[], []]
"""


def test_simulated_five_percent_duplicates(locus_ref_dir, tmp_path):
    p = simulate_align(locus_ref_dir, tmp_path, SPEC)["dup5"]
    truth_pairs = json.loads(p["truth"].read_text())["duplicate_pairs"]
    with pysam.AlignmentFile(str(p["bam"])) as bam:
        prim = [r for r in bam.fetch(until_eof=True) if not (r.is_secondary or r.is_supplementary or r.is_unmapped)]
    marked = sum(r.is_duplicate for r in prim)
    assert marked % 2 == 0  # whole pairs
    # every simulated duplicate pair re-uses another pair's fragment: nearly all are found, and the
    # few extra are independent fragments that happen to share both ends
    assert abs(marked // 2 - truth_pairs) <= 0.05 * truth_pairs
    assert 0.045 <= marked / len(prim) <= 0.055
    stats = json.loads(json.dumps(mark_duplicates(p["bam"]).__dict__))  # idempotent on an already marked BAM
    assert stats["duplicates"] == marked and stats["reads"] == len(prim)
