"""BAM/CRAM input: build detection, index handling, read extraction and the same calls as the FASTQ route.

The "lab BAM" is built from thalgen's own FASTQ-route BAM, rewritten the way a genome pipeline
leaves it: a full GRCh38 header (chr1, chr11, chr16, chrX or bare 1/11/16/X), a lab read group,
some mates placed far away on another chromosome, some pairs left unplaced-unmapped, secondary
copies and the lab's own duplicate flags. Taking the reads back out must give exactly the FASTQ
reads, and re-aligning them exactly the FASTQ-route BAM and calls.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import mappy
import pysam
import pytest

from thalgen.bamimport import ImportStats, detect_build, extract_reads
from thalgen.cli.main import main as cli
from thalgen.errors import InputError
from thalgen.fastq import read_pairs
from thalgen.locus import GRCH38_CONTIG_LENGTHS
from thalgen.smallvar import call_sample

from conftest import SHARED, simulate_align

HG19_BAMS = SHARED / "realdata" / "nipt-lowpass-hbb-hba-basevar-hg19" / "bam100"
OTHER_CONTIGS = {"chr1": 248_956_422, "chrX": 156_040_895}

SPEC = """
defaults: {platform: illumina, depth: 80, read_length: 150, seed: 23, regions: ["chr11:5223000-5230000", "chr16:171000-179000"]}
patients:
  - id: hbs_ivs110
    haplotypes: [["HBB:c.20A>T"], ["HBB:c.93-21G>A"]]
"""
N_MOVED = 20  # R2 placed on chr1 by the "lab aligner"
N_UNMAPPED = 10  # pairs left unplaced-unmapped
N_SECONDARY = 10
N_LAB_DUP = 30


# ---- build detection ----------------------------------------------------------------------------
def _header(lengths: dict[str, int]) -> dict:
    return {"HD": {"VN": "1.6", "SO": "coordinate"}, "SQ": [{"SN": n, "LN": ln} for n, ln in lengths.items()]}


def test_detect_build_grch38_chr_and_bare():
    info = detect_build(_header({"chr1": 248_956_422, "chr11": 135_086_622, "chr16": 90_338_345}))
    assert (info.build, info.naming, info.contigs) == ("GRCh38", "chr", {"chr11": "chr11", "chr16": "chr16"})
    info = detect_build(_header({"11": 135_086_622, "16": 90_338_345}))
    assert (info.build, info.naming, info.contigs) == ("GRCh38", "bare", {"chr11": "11", "chr16": "16"})


def test_detect_build_refuses_grch37_and_others():
    with pytest.raises(InputError) as exc:
        detect_build(_header({"chr11": 135_006_516, "chr16": 90_354_753}), "lab.bam")
    assert exc.value.path == "lab.bam"
    assert exc.value.problem.startswith("aligned to GRCh37/hg19 (chr11 length 135,006,516), not GRCh38")
    with pytest.raises(InputError, match=r"aligned to GRCh37/hg19 \(11 length"):
        detect_build(_header({"11": 135_006_516, "16": 90_354_753}))
    with pytest.raises(InputError, match="aligned to T2T-CHM13"):
        detect_build(_header({"chr11": 135_127_769, "chr16": 92_533_332}))
    with pytest.raises(InputError, match=r"chr11 has length 1,000, which is not GRCh38 \(135,086,622\): unknown build"):
        detect_build(_header({"chr11": 1000, "chr16": 90_338_345}))
    with pytest.raises(InputError, match="no chr16 contig .* found 2 contigs: chr1, chr11"):
        detect_build(_header({"chr1": 248_956_422, "chr11": 135_086_622}))
    with pytest.raises(InputError, match="disagree"):
        detect_build(_header({"chr11": 135_086_622, "16": 90_338_345}))


def test_real_hg19_bam_gives_the_build_error(locus_ref, locus_ref_dir, tmp_path, capsys):
    bams = sorted(HG19_BAMS.glob("*.bam"))
    if not bams:
        pytest.skip("../shared/realdata hg19 BAMs are not beside the checkout")
    for bam in bams[:5]:
        with pytest.raises(InputError) as exc:
            extract_reads(bam, locus_ref)
        assert exc.value.path == str(bam)
        assert exc.value.problem.startswith("aligned to GRCh37/hg19 (chr11 length 135,006,516), not GRCh38")
    out = tmp_path / "hg19.bam"
    assert cli(["align", "--reference", str(locus_ref_dir), "--bam", str(bams[0]), "--sample", "s", "--out", str(out)]) == 1
    assert "aligned to GRCh37/hg19" in capsys.readouterr().err
    assert not out.exists() and not list(tmp_path.iterdir())


# ---- a lab BAM from thalgen's own alignment ---------------------------------------------------------
def _lab_bam(src: Path, out: Path, naming: str = "chr", cram_fasta: Path | None = None) -> dict:
    """Rewrite thalgen's BAM as a lab genome BAM/CRAM; return what was changed, by read name."""
    contigs = {"chr11": GRCH38_CONTIG_LENGTHS["chr11"], "chr16": GRCH38_CONTIG_LENGTHS["chr16"]}
    if cram_fasta is None:
        contigs = {"chr1": OTHER_CONTIGS["chr1"], **contigs, "chrX": OTHER_CONTIGS["chrX"]}
    rename = {c: (c if naming == "chr" else c[3:]) for c in contigs}
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": rename[c], "LN": ln} for c, ln in contigs.items()],
        "RG": [{"ID": "lab1", "SM": "P001", "LB": "lib1", "PL": "ILLUMINA"}],
    }
    with pysam.AlignmentFile(str(src)) as bam:
        recs = [r for r in bam.fetch(until_eof=True) if not r.is_supplementary]
        src_names = [bam.get_reference_name(i) for i in range(bam.nreferences)]
    hdr = pysam.AlignmentHeader.from_dict(header)
    proper = sorted({r.query_name for r in recs if r.is_proper_pair})
    moved, unmapped = proper[:N_MOVED], proper[N_MOVED : N_MOVED + N_UNMAPPED]
    secondary = proper[N_MOVED + N_UNMAPPED : N_MOVED + N_UNMAPPED + N_SECONDARY]
    lab_dup = proper[-N_LAB_DUP:]
    far_contig = rename["chr1"] if "chr1" in rename else rename["chr16"]
    far_tid = hdr.get_tid(far_contig)
    far_pos = {n: (1_000_000 + 300 * i if i < 10 else 2_000_000 + 5000 * i) + (0 if "chr1" in rename else 8_000_000) for i, n in enumerate(moved)}
    out_recs = []
    for r in recs:
        a = pysam.AlignedSegment(hdr)
        a.query_name, a.flag = r.query_name, r.flag
        a.query_sequence, a.query_qualities = r.query_sequence, r.query_qualities
        a.reference_id = hdr.get_tid(rename[src_names[r.reference_id]]) if r.reference_id >= 0 else -1
        a.reference_start, a.cigartuples, a.mapping_quality = r.reference_start, r.cigartuples, r.mapping_quality
        a.next_reference_id = hdr.get_tid(rename[src_names[r.next_reference_id]]) if r.next_reference_id >= 0 else -1
        a.next_reference_start, a.template_length = r.next_reference_start, r.template_length
        a.set_tag("RG", "lab1")
        name = r.query_name
        if name in moved:
            a.flag &= ~2
            a.template_length = 0
            if r.is_read2:
                a.reference_id, a.reference_start = far_tid, far_pos[name]
                a.cigartuples, a.mapping_quality = [(0, r.query_length)], 60
            else:
                a.next_reference_id, a.next_reference_start = far_tid, far_pos[name]
        elif name in unmapped:
            if r.is_reverse:
                a.query_sequence = mappy.revcomp(r.query_sequence)
                a.query_qualities = r.query_qualities[::-1]
            a.flag = 1 | 4 | 8 | (64 if r.is_read1 else 128)
            a.reference_id = a.reference_start = a.next_reference_id = a.next_reference_start = -1
            a.cigartuples, a.mapping_quality, a.template_length = None, 0, 0
        elif name in lab_dup:
            a.flag |= 0x400
        out_recs.append(a)
        if name in secondary and r.is_read1:
            s = pysam.AlignedSegment(hdr)
            s.query_name, s.flag = name, (r.flag | 0x100) & ~2
            s.query_sequence, s.query_qualities = r.query_sequence, r.query_qualities
            s.reference_id, s.reference_start = hdr.get_tid(rename["chr16"]), 150_000
            s.cigartuples, s.mapping_quality = [(0, r.query_length)], 0
            out_recs.append(s)
    out_recs.sort(key=lambda a: (a.reference_id if a.reference_id >= 0 else 1 << 30, a.reference_start, a.query_name, a.flag))
    if cram_fasta is not None:
        with pysam.AlignmentFile(str(out), "wc", header=hdr, reference_filename=str(cram_fasta)) as fh:
            for a in out_recs:
                fh.write(a)
    else:
        with pysam.AlignmentFile(str(out), "wb", header=hdr) as fh:
            for a in out_recs:
                fh.write(a)
    pysam.index(str(out))
    return {"moved": moved, "unmapped": unmapped, "names": {r.query_name for r in recs}}


def _genome_fasta(ref, path: Path) -> Path:
    """chr11 and chr16 at full GRCh38 length: the locus slices, N elsewhere (one line per contig)."""
    with open(path, "w") as fh:
        for chrom, sl in ref.slices.items():
            L = GRCH38_CONTIG_LENGTHS[chrom]
            fh.write(f">{chrom}\n" + "N" * sl.interval.start0 + sl.sequence + "N" * (L - sl.interval.end0) + "\n")
    pysam.faidx(str(path))
    return path


@pytest.fixture(scope="module")
def patient(locus_ref_dir, tmp_path_factory):
    work = tmp_path_factory.mktemp("bamimport")
    p = simulate_align(locus_ref_dir, work, SPEC)["hbs_ivs110"]
    lab = work / "lab.bam"
    changed = _lab_bam(p["bam"], lab)
    return {**p, "lab": lab, "changed": changed, "work": work}


def _fastq_pairs(p: dict, names: set[str]) -> set[tuple]:
    return {(a.name, a.seq, a.qual, b.seq, b.qual) for a, b in read_pairs(p["r1"], p["r2"]) if a.name in names}


def _records(bam: Path) -> list[tuple]:
    with pysam.AlignmentFile(str(bam)) as fh:
        return [(r.query_name, r.flag, r.reference_name, r.reference_start, r.cigarstring, r.mapping_quality,
                 r.next_reference_start, r.template_length) for r in fh.fetch(until_eof=True)]


def test_extracted_reads_are_the_sequenced_reads(patient, locus_ref):
    stats = ImportStats()
    items = list(extract_reads(patient["lab"], locus_ref, stats=stats))
    assert all(len(i) == 2 for i in items)
    got = {(a.name, a.seq, a.qual, b.seq, b.qual) for a, b in items}
    assert len(got) == len(items)
    assert got == _fastq_pairs(patient, patient["changed"]["names"])
    assert stats.pairs == len(patient["changed"]["names"]) and stats.singles == 0
    assert stats.mates_fetched_elsewhere == N_MOVED
    assert stats.mate_windows == 11  # ten mates within 1 kb merge into one window, ten apart
    assert stats.unmapped_included == 2 * N_UNMAPPED
    assert stats.skipped_secondary == N_SECONDARY
    assert (stats.build, stats.naming, stats.format, stats.index_built) == ("GRCh38", "chr", "BAM", False)
    assert stats.source_samples == ["P001"]
    assert stats.regions == ["chr11:5200000-5300000", "chr16:130002-200001"]
    assert stats.mates_not_found == stats.hard_clipped_primary == stats.without_qualities == 0


def test_bam_route_gives_the_fastq_route_bam_and_calls(patient, locus_ref, locus_ref_dir, tmp_path):
    lab_bare = tmp_path / "lab_bare.bam"
    _lab_bam(patient["bam"], lab_bare, naming="bare")
    out = tmp_path / "P001.bam"
    stats_json = tmp_path / "P001.align.json"
    assert cli(["align", "--reference", str(locus_ref_dir), "--bam", str(lab_bare), "--sample", "hbs_ivs110",
                "--out", str(out), "--stats", str(stats_json), "--threads", "2"]) == 0
    assert _records(out) == _records(patient["bam"])
    fastq_calls = call_sample(str(patient["bam"]), locus_ref)
    bam_calls = call_sample(str(out), locus_ref)
    got = [(v.chrom, v.pos1, v.ref, v.alt, v.zygosity, v.depth) for v in bam_calls.variants]
    assert got == [(v.chrom, v.pos1, v.ref, v.alt, v.zygosity, v.depth) for v in fastq_calls.variants]
    assert sorted(v.hgvs_c for v in bam_calls.variants) == ["c.20A>T", "c.93-21G>A"]
    import json

    payload = json.loads(stats_json.read_text())
    assert payload["source"]["naming"] == "bare" and payload["source"]["mates_fetched_elsewhere"] == N_MOVED
    assert payload["duplicates"] > 0 and payload["markdup_mode"] == "position" and payload["umi_aware"] is False


def test_cram_route_with_genome_fasta(patient, locus_ref, locus_ref_dir, tmp_path):
    fasta = _genome_fasta(locus_ref, tmp_path / "genome.fa")
    cram = tmp_path / "lab.cram"
    changed = _lab_bam(patient["bam"], cram, cram_fasta=fasta)
    stats = ImportStats()
    items = list(extract_reads(cram, locus_ref, fasta, stats))
    assert {(a.name, a.seq, a.qual, b.seq, b.qual) for a, b in items} == _fastq_pairs(patient, changed["names"] - set(changed["unmapped"]))
    assert (stats.format, stats.mates_fetched_elsewhere, stats.unmapped_included) == ("CRAM", N_MOVED, 0)
    assert stats.unmapped_note == "CRAM index has no unmapped count; unplaced unmapped reads not read"
    with pytest.raises(InputError, match="CRAM input needs the genome FASTA"):
        extract_reads(cram, locus_ref)
    out = tmp_path / "c.bam"
    assert cli(["align", "--reference", str(locus_ref_dir), "--bam", str(cram), "--genome-fasta", str(fasta),
                "--sample", "c", "--out", str(out)]) == 0
    assert [(v.pos1, v.alt, v.zygosity) for v in call_sample(str(out), locus_ref).variants] == [
        (v.pos1, v.alt, v.zygosity) for v in call_sample(str(patient["bam"]), locus_ref).variants
    ]


def test_missing_index_is_built_or_refused(patient, locus_ref, tmp_path, monkeypatch):
    copy = tmp_path / "noindex.bam"
    shutil.copyfile(patient["lab"], copy)
    stats = ImportStats()
    n = sum(1 for _ in extract_reads(copy, locus_ref, stats=stats))
    assert stats.index_built is True and (tmp_path / "noindex.bam.bai").exists()
    assert n == len(patient["changed"]["names"])
    ro = tmp_path / "ro"
    ro.mkdir()
    shutil.copyfile(patient["lab"], ro / "noindex.bam")
    real_access = os.access
    monkeypatch.setattr("thalgen.bamimport.os.access", lambda p, mode: False if (mode == os.W_OK and Path(p) == ro) else real_access(p, mode))
    with pytest.raises(InputError, match=r"no index \(.bai/.csi\) and the directory is not writable"):
        extract_reads(ro / "noindex.bam", locus_ref)
    assert not (ro / "noindex.bam.bai").exists()


def test_unsorted_bam_without_index_is_refused(patient, locus_ref, tmp_path):
    unsorted = tmp_path / "unsorted.bam"
    with pysam.AlignmentFile(str(patient["lab"])) as src:
        header = src.header.to_dict()
        header["HD"]["SO"] = "unsorted"
        recs = list(src.fetch(until_eof=True))
    with pysam.AlignmentFile(str(unsorted), "wb", header=header) as out:
        for r in reversed(recs):
            out.write(r)
    with pytest.raises(InputError, match="building one failed"):
        extract_reads(unsorted, locus_ref)


def test_not_a_bam_is_refused(locus_ref, tmp_path):
    bad = tmp_path / "x.bam"
    bad.write_text("not a bam\n")
    with pytest.raises(InputError, match="not a readable BAM or CRAM"):
        extract_reads(bad, locus_ref)


def test_truncated_or_corrupt_bam_fails_cleanly(patient, locus_ref_dir, tmp_path, capsys):
    data = patient["lab"].read_bytes()
    cut = tmp_path / "cut.bam"
    cut.write_bytes(data[: len(data) // 2])
    corrupt = tmp_path / "corrupt.bam"  # header and EOF block intact, the middle overwritten
    mid = len(data) // 3
    corrupt.write_bytes(data[:mid] + bytes(range(256)) * 200 + data[mid + 51200 :])
    expected = {cut: "BAM is truncated (no BGZF end-of-file marker): copy or re-create it", corrupt: "reading failed"}
    for bad, message in expected.items():
        shutil.copyfile(str(patient["lab"]) + ".bai", str(bad) + ".bai")
        outdir = tmp_path / f"out_{bad.stem}"
        outdir.mkdir()
        out = outdir / "o.bam"
        assert cli(["align", "--reference", str(locus_ref_dir), "--bam", str(bad), "--sample", "s", "--out", str(out)]) == 1
        assert capsys.readouterr().err.startswith(f"thalgen: error: {bad}: {message}")
        assert not out.exists() and list(outdir.iterdir()) == []


def test_bam_without_locus_reads_gives_an_empty_bam(locus_ref, locus_ref_dir, tmp_path):
    header = {"HD": {"VN": "1.6", "SO": "coordinate"},
              "SQ": [{"SN": "chr1", "LN": OTHER_CONTIGS["chr1"]}, {"SN": "chr11", "LN": GRCH38_CONTIG_LENGTHS["chr11"]},
                     {"SN": "chr16", "LN": GRCH38_CONTIG_LENGTHS["chr16"]}]}
    src = tmp_path / "chr1only.bam"
    with pysam.AlignmentFile(str(src), "wb", header=header) as fh:
        a = pysam.AlignedSegment(fh.header)
        a.query_name, a.flag, a.reference_id, a.reference_start = "x", 0, 0, 5000
        a.query_sequence, a.cigartuples = "ACGT" * 25, [(0, 100)]
        a.query_qualities = pysam.qualitystring_to_array("I" * 100)
        fh.write(a)
    pysam.index(str(src))
    out, js = tmp_path / "e.bam", tmp_path / "e.json"
    assert cli(["align", "--reference", str(locus_ref_dir), "--bam", str(src), "--sample", "e", "--out", str(out), "--stats", str(js)]) == 0
    with pysam.AlignmentFile(str(out)) as bam:
        assert bam.check_index() and bam.mapped == 0 and sum(1 for _ in bam.fetch(until_eof=True)) == 0
    import json

    payload = json.loads(js.read_text())
    assert (payload["reads_in"], payload["duplicates"], payload["source"]["records_in_loci"]) == (0, 0, 0)


def test_rx_umis_are_carried_through_realignment(patient, locus_ref_dir, tmp_path):
    """Every template gets its own RX UMI: the simulated PCR duplicates (other names) are then not duplicates."""
    tagged = tmp_path / "rx.bam"
    with pysam.AlignmentFile(str(patient["lab"])) as src, pysam.AlignmentFile(str(tagged), "wb", header=src.header) as out:
        umis: dict[str, str] = {}
        for r in src.fetch(until_eof=True):
            n = umis.setdefault(r.query_name, len(umis))
            r.set_tag("RX", "".join("ACGT"[(n >> (2 * k)) & 3] for k in range(10)))
            out.write(r)
    pysam.index(str(tagged))
    out, js = tmp_path / "u.bam", tmp_path / "u.json"
    assert cli(["align", "--reference", str(locus_ref_dir), "--bam", str(tagged), "--sample", "u", "--out", str(out), "--stats", str(js)]) == 0
    import json

    payload = json.loads(js.read_text())
    assert (payload["umi_aware"], payload["duplicates"]) == (True, 0)
    with pysam.AlignmentFile(str(out)) as bam:
        got = {r.query_name: r.get_tag("RX") for r in bam.fetch(until_eof=True)}
    expected = {n: "".join("ACGT"[(i >> (2 * k)) & 3] for k in range(10)) for n, i in umis.items()}
    assert got == {n: expected[n] for n in got} and len(got) == len(patient["changed"]["names"])
