"""Per-exon coverage from a hand-built BAM: exact depths, % >= 20x, and the MAPQ-0 paralog note."""

from __future__ import annotations

import pysam
import pytest

from thalgen.coverage import coverage_json, exon_coverage, exon_note
from thalgen.errors import InputError
from thalgen.locus import Interval, LocusReference, LocusSlice

SLICE = Interval("chr11", 5_220_000, 5_230_000)


def _ref() -> LocusReference:
    return LocusReference({"chr11": LocusSlice(SLICE, "A" * SLICE.length, "test")})


def _bam(path, reads: list[tuple[int, int]]) -> str:
    """Unpaired 150M reads of A's: (start0, mapq), written sorted and indexed."""
    header = {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": "chr11", "LN": 135_086_622}]}
    with pysam.AlignmentFile(str(path), "wb", header=header) as out:
        for i, (start0, mapq) in enumerate(sorted(reads)):
            a = pysam.AlignedSegment(out.header)
            a.query_name = f"r{i}"
            a.reference_id = 0
            a.reference_start = start0
            a.mapping_quality = mapq
            a.cigartuples = [(0, 150)]
            a.query_sequence = "A" * 150
            a.query_qualities = pysam.qualitystring_to_array("I" * 150)
            a.flag = 0
            out.write(a)
    pysam.index(str(path))
    return str(path)


def test_exon_depths_and_paralog_note(tmp_path):
    # HBB (minus strand): exon 1 = 5226930-5227071, exon 2 = 5226577-5226799, exon 3 = 5225464-5225726
    reads = [(5_226_925, 60)] * 30 + [(5_226_576, 60)] * 10 + [(5_226_576, 0)] * 20
    bam = _bam(tmp_path / "s.bam", reads)
    ex = exon_coverage(bam, _ref(), genes=("HBB",))
    assert [(e.exon, e.start1, e.end1) for e in ex] == [(1, 5226930, 5227071), (2, 5226577, 5226799),
                                                        (3, 5225464, 5225726)]
    assert (ex[0].mean_depth, ex[0].min_depth, ex[0].pct_ge_threshold, ex[0].low_mapq_mean, ex[0].note) == (
        30.0, 30, 100.0, 0.0, "")
    # 150 of 223 bases covered by 10 usable and 20 MAPQ-0 reads
    assert (ex[1].mean_depth, ex[1].min_depth, ex[1].pct_ge_threshold, ex[1].low_mapq_mean) == (6.7, 0, 0.0, 13.5)
    assert ex[1].note == ("parts below 20x (min 0x); 67% of reads have MAPQ < 20 (placement ambiguous between "
                          "paralogs, e.g. HBA2/HBA1); not used for calling")
    assert (ex[2].mean_depth, ex[2].min_depth, ex[2].pct_ge_threshold, ex[2].note) == (
        0.0, 0, 0.0, "parts below 20x (min 0x)")
    block = coverage_json(ex)
    assert block["threshold"] == 20 and block["min_mapq"] == 20
    assert block["exons"][0] == {"gene": "HBB", "transcript": "NM_000518.5", "exon": 1, "chrom": "chr11",
                                 "start": 5226930, "end": 5227071, "mean_depth": 30.0, "min_depth": 30,
                                 "pct_ge_threshold": 100.0, "low_mapq_mean": 0.0, "note": ""}


def test_exons_outside_the_reference_are_said_so(tmp_path):
    bam = _bam(tmp_path / "s.bam", [(5_226_899, 60)])
    ex = exon_coverage(bam, _ref(), genes=("HBA2",))
    assert [(e.exon, e.mean_depth, e.note) for e in ex] == [
        (1, None, "outside the locus reference: not assessed"), (2, None, "outside the locus reference: not assessed"),
        (3, None, "outside the locus reference: not assessed")]


def test_note_thresholds():
    assert exon_note(40.0, 25, 9.0, 20, 20) == ""  # 18% low-MAPQ: under the 20% flag
    assert exon_note(40.0, 25, 10.0, 20, 20).startswith("20% of reads have MAPQ < 20")


def test_missing_bam_is_input_error(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        exon_coverage(tmp_path / "nope.bam", _ref())
