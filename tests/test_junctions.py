"""Junction reads from hand-built BAM records: split reads, clipped reads, discordant pairs."""

from __future__ import annotations

from pathlib import Path

import pysam
import pytest

from thalgen import junctions as jn
from thalgen.align import bam_header
from thalgen.locus import LocusReference

@pytest.fixture(scope="module")
def ref(locus_ref) -> LocusReference:
    """The shared GRCh38 test slices (conftest's session fixture)."""
    return locus_ref


def _write(path: Path, records: list[dict]) -> Path:
    header = pysam.AlignmentHeader.from_dict(bam_header("s", "illumina", "sr"))
    unsorted = path.with_suffix(".unsorted.bam")
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for r in records:
            a = pysam.AlignedSegment(header)
            a.query_name = r["name"]
            a.query_sequence = r["seq"]
            a.query_qualities = pysam.qualitystring_to_array("I" * len(r["seq"]))
            a.flag = r.get("flag", 0)
            a.reference_id = header.get_tid(r["chrom"])
            a.reference_start = r["pos0"]
            a.mapping_quality = 60
            a.cigarstring = r["cigar"]
            if "mate0" in r:
                a.next_reference_id = a.reference_id
                a.next_reference_start = r["mate0"]
                a.template_length = r.get("tlen", 0)
                a.set_tag("MC", "150M")
                a.set_tag("MQ", 60)
            if "sa" in r:
                a.set_tag("SA", r["sa"])
            out.write(a)
    pysam.sort("-o", str(path), str(unsorted))
    pysam.index(str(path))
    return path


def test_split_clip_and_discordant_evidence_for_one_deletion(ref, tmp_path):
    s0, e0 = 5_225_388, 5_226_007  # the 619-bp deletion, deleted [s0, e0)
    junction = ref.fetch0("chr11", s0 - 100, s0) + ref.fetch0("chr11", e0, e0 + 50)
    records = []
    for i in range(3):  # split reads: 100 bp left, 50 bp right (SA)
        records.append({"name": f"split{i}", "chrom": "chr11", "pos0": s0 - 100, "cigar": "100M50S", "seq": junction,
                        "sa": f"chr11,{e0 + 1},+,100S50M,60,0;"})
    clip_seq = ref.fetch0("chr11", s0 - 120, s0) + ref.fetch0("chr11", e0, e0 + 30)
    records.append({"name": "clip0", "chrom": "chr11", "pos0": s0 - 120, "cigar": "120M30S", "seq": clip_seq})
    left = ref.fetch0("chr11", s0 - 300, s0 - 150)
    right = ref.fetch0("chr11", e0 + 100, e0 + 250)
    records.append({"name": "pair0", "chrom": "chr11", "pos0": s0 - 300, "cigar": "150M", "seq": left, "flag": 1 | 32 | 64,
                    "mate0": e0 + 100, "tlen": e0 + 250 - (s0 - 300)})
    records.append({"name": "pair0", "chrom": "chr11", "pos0": e0 + 100, "cigar": "150M", "seq": right, "flag": 1 | 16 | 128,
                    "mate0": s0 - 300, "tlen": -(e0 + 250 - (s0 - 300))})
    # proper pairs elsewhere so the insert-size distribution is known
    for i in range(60):
        p = 5_260_000 + 37 * i
        records.append({"name": f"ok{i}", "chrom": "chr11", "pos0": p, "cigar": "150M", "seq": ref.fetch0("chr11", p, p + 150),
                        "flag": 1 | 2 | 32 | 64, "mate0": p + 200 + (i % 7) * 10, "tlen": 350 + (i % 7) * 10})
    bam = _write(tmp_path / "j.bam", records)
    found, stats = jn.collect_junctions(ref, bam)
    assert stats["chr11"].median == 380.0
    assert [(j.kind, j.left0, j.right0, len(j.split_reads), len(j.clipped_reads), len(j.discordant_pairs)) for j in found] == [
        ("deletion", s0, e0, 3, 1, 1)]


def test_paralog_sites_between_hba2_and_hba1(ref):
    sites = jn.paralog_sites(ref, "chr16", 172_876, 173_710, 3804)
    assert len(sites) > 0
    for s in sites[:5]:
        assert ref.fetch0("chr16", s.pos0, s.pos0 + 1) == s.base != s.partner_base == ref.fetch0("chr16", s.partner0, s.partner0 + 1)


def test_reverse_strand_read2_split_and_clip_give_the_deletion(ref, tmp_path):
    """Read 2 on the reverse strand as thalgen align now writes it (clips on the reference-oriented side)."""
    s0, e0 = 5_225_388, 5_226_007
    junction = ref.fetch0("chr11", s0 - 100, s0) + ref.fetch0("chr11", e0, e0 + 50)
    records = [{"name": f"r2split{i}", "chrom": "chr11", "pos0": s0 - 100, "cigar": "100M50S", "seq": junction,
                "flag": 1 | 16 | 128, "sa": f"chr11,{e0 + 1},-,100S50M,60,0;"} for i in range(2)]
    # the supplementary part sits right of the primary part here: the primary is the 50-bp piece
    records.append({"name": "r2split_b", "chrom": "chr11", "pos0": e0, "cigar": "100S50M", "seq": junction,
                    "flag": 1 | 16 | 128, "sa": f"chr11,{s0 - 100 + 1},-,100M50S,60,0;"})
    clip_seq = ref.fetch0("chr11", s0 - 30, s0) + ref.fetch0("chr11", e0, e0 + 120)
    records.append({"name": "r2clip", "chrom": "chr11", "pos0": e0, "cigar": "30S120M", "seq": clip_seq, "flag": 1 | 16 | 128})
    found, _ = jn.collect_junctions(ref, _write(tmp_path / "r2.bam", records))
    assert [(j.kind, j.left0, j.right0, len(j.split_reads), len(j.clipped_reads)) for j in found] == [
        ("deletion", s0, e0, 3, 1)]
