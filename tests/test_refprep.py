"""Locus reference preparation from locus FASTAs, a genome FASTA (chr11 or 11), and a (local) download service."""

from __future__ import annotations

import gzip
import http.server
import json
import threading
import urllib.parse
from pathlib import Path

import pytest

from thalgen.cli.main import main as cli
from thalgen.errors import InputError
from thalgen.locus import GRCH37_CONTIG_LENGTHS, GRCH38_CONTIG_LENGTHS, Interval, LocusReference, read_fasta
from thalgen.refprep import prepare_by_download, prepare_from_genome, prepare_from_locus_fastas

from conftest import LOCUS_FASTAS


def _slices():
    out = {}
    for path in LOCUS_FASTAS:
        header, seq = read_fasta(path)[0]
        out[Interval.parse(header.split()[0])] = seq
    return out


def test_locus_fasta_slices_load_and_verify(locus_ref_dir):
    ref = LocusReference.load(locus_ref_dir)
    assert [str(s.interval) for s in ref.slices.values()] == ["chr11:5200000-5300000", "chr16:130002-200001"]
    # HbS site: GRCh38 chr11:5227002 is T on the plus strand (HBB c.20A on the minus strand)
    assert ref.fetch0("chr11", 5227001, 5227002) == "T"
    manifest = json.loads((locus_ref_dir / "manifest.json").read_text())
    assert manifest["slices"][0]["contig_length"] == 135_086_622
    assert manifest["slices"][1]["md5"] == ref.slice("chr16").md5


def test_checksum_mismatch_is_refused(locus_ref_dir, tmp_path):
    bad = tmp_path / "ref"
    bad.mkdir()
    (bad / "manifest.json").write_text((locus_ref_dir / "manifest.json").read_text())
    fasta = (locus_ref_dir / "locus.fa").read_text()
    i = fasta.index("\n", fasta.index(">chr16")) + 1
    (bad / "locus.fa").write_text(fasta[:i] + ("C" if fasta[i] != "C" else "G") + fasta[i + 1 :])
    with pytest.raises(InputError, match="checksum"):
        LocusReference.load(bad)


def test_locus_fasta_with_wrong_length_or_offset_is_refused(tmp_path):
    seq = _slices()[Interval("chr11", 5199999, 5300000)]
    short = tmp_path / "short.fa"
    short.write_text(">chr11:5200000-5300000\n" + seq[:-10] + "\n")
    with pytest.raises(InputError, match="declares 100001 bp"):
        prepare_from_locus_fastas([short])
    shifted = tmp_path / "shifted.fa"  # same length, declared 100 bp off: HBB no longer translates
    shifted.write_text(">chr11:5200100-5300100\n" + seq + "\n")
    with pytest.raises(InputError, match="does not match GRCh38"):
        prepare_from_locus_fastas([shifted])


def _fake_genome(path: Path, names: dict[str, str], lengths: dict[str, int], gz: bool) -> None:
    """A genome FASTA whose chr11/chr16 hold the real slices at their GRCh38 offsets, N elsewhere, with the
    contig lengths given (GRCh38 or GRCh37) so the build check sees real lengths."""
    opener = gzip.open if gz else open
    with opener(path, "wt") as fh:
        for iv, seq in _slices().items():
            name = names[iv.chrom]
            fh.write(f">{name} test\n")
            full = "N" * iv.start0 + seq + "N" * (lengths[iv.chrom] - iv.end0)
            for i in range(0, len(full), 10_000_000):
                block = full[i : i + 10_000_000]
                fh.write("\n".join(block[j : j + 80] for j in range(0, len(block), 80)) + "\n")


@pytest.mark.parametrize("style,gz", [("chr", False), ("bare", True)])
def test_genome_fasta_both_naming_styles(tmp_path, style, gz):
    names = {"chr11": "chr11", "chr16": "chr16"} if style == "chr" else {"chr11": "11", "chr16": "16"}
    genome = tmp_path / ("genome.fa.gz" if gz else "genome.fa")
    _fake_genome(genome, names, GRCH38_CONTIG_LENGTHS, gz)
    intervals = tuple(_slices())
    ref = prepare_from_genome(genome, intervals)
    assert ref.slice("chr11").sequence == _slices()[intervals[0]].upper()
    assert ref.slice("chr16").interval == intervals[1]


def test_genome_fasta_grch37_is_refused_by_name(tmp_path):
    genome = tmp_path / "hg19.fa"
    _fake_genome(genome, {"chr11": "chr11", "chr16": "chr16"}, GRCH37_CONTIG_LENGTHS, False)
    with pytest.raises(InputError, match="GRCh37/hg19"):
        prepare_from_genome(genome, tuple(_slices()))


class _FakeSequenceService(http.server.BaseHTTPRequestHandler):
    """Answers like UCSC's /getData/sequence (0-based start, JSON with 'dna') from the test slices."""

    slices: dict = {}
    requests: list = []

    def do_GET(self):  # noqa: N802 - http.server API
        url = urllib.parse.urlparse(self.path)
        params = dict(p.split("=", 1) for p in url.query.split(";") if "=" in p)
        self.requests.append(self.path)
        for iv, seq in self.slices.items():
            if params.get("chrom") == iv.chrom and params.get("genome") == "hg38":
                start0, end0 = int(params["start"]), int(params["end"])
                if iv.start0 <= start0 and end0 <= iv.end0:
                    body = json.dumps({"dna": seq[start0 - iv.start0 : end0 - iv.start0].lower()}).encode()
                    self.send_response(200)
                    self.send_header("Content-Type", "application/json")
                    self.end_headers()
                    self.wfile.write(body)
                    return
        self.send_response(400)
        self.end_headers()
        self.wfile.write(b'{"error": "bad request"}')

    def log_message(self, *args):
        pass


@pytest.fixture()
def sequence_server():
    _FakeSequenceService.slices = _slices()
    _FakeSequenceService.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _FakeSequenceService)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_download_verifies_and_caches(sequence_server, tmp_path):
    intervals = tuple(_slices())
    cache = tmp_path / "cache"
    ref = prepare_by_download(intervals, "ucsc", sequence_server, cache)
    assert ref.slice("chr11").sequence == _slices()[intervals[0]].upper()
    assert len(_FakeSequenceService.requests) == 2
    # second time: served from the cache, no request
    prepare_by_download(intervals, "ucsc", sequence_server, cache)
    assert len(_FakeSequenceService.requests) == 2


def test_download_of_uncovered_interval_fails_cleanly(sequence_server, tmp_path):
    with pytest.raises(InputError, match="download failed"):
        prepare_by_download((Interval("chr11", 1000, 2000),), "ucsc", sequence_server, tmp_path)


def test_cli_download_and_error_message(sequence_server, tmp_path, capsys):
    out = tmp_path / "ref"
    rc = cli(["reference", "prepare", "--download", "--server", sequence_server, "--cache-dir", str(tmp_path / "c"),
              "--interval", "chr11:5200000-5300000", "--interval", "chr16:130002-200001", "--out", str(out)])
    assert rc == 0
    assert LocusReference.load(out).slice("chr16").interval.length == 70000
    rc = cli(["reference", "prepare", "--locus-fasta", str(tmp_path / "missing.fa"), "--out", str(tmp_path / "x")])
    assert rc == 1
    err = capsys.readouterr().err.strip()
    assert err == f"thalgen: error: {tmp_path / 'missing.fa'}: file not found"
    assert not (tmp_path / "x").exists()
