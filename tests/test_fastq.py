"""Strict FASTQ reading: every malformed input names the file and the problem."""

from __future__ import annotations

import gzip
import re

import pytest

from thalgen.errors import InputError
from thalgen.fastq import read_fastq, read_pairs


def _write(path, text, gz=False):
    if gz:
        with gzip.open(path, "wt") as fh:
            fh.write(text)
    else:
        path.write_text(text)
    return path


GOOD1 = "@r1/1\nACGT\n+\nIIII\n@r2/1 comment\nacgn\n+\nIIII\n"
GOOD2 = "@r1/2\nTTTT\n+\nIIII\n@r2/2\nGGGG\n+\nIIII\n"


def test_reads_plain_and_gzip(tmp_path):
    a = list(read_fastq(_write(tmp_path / "a.fq", GOOD1)))
    b = list(read_fastq(_write(tmp_path / "a.fq.gz", GOOD1, gz=True)))
    assert a == b
    assert [(r.name, r.seq) for r in a] == [("r1", "ACGT"), ("r2", "ACGN")]


def test_pairs_match_names(tmp_path):
    pairs = list(read_pairs(_write(tmp_path / "1.fq", GOOD1), _write(tmp_path / "2.fq", GOOD2)))
    assert [(a.name, b.seq) for a, b in pairs] == [("r1", "TTTT"), ("r2", "GGGG")]


@pytest.mark.parametrize(
    "text,problem",
    [
        ("", "file is empty"),
        ("ACGT\n", "header does not start with '@'"),
        ("@r\nACGT\n-\nIIII\n", "third line does not start with '+'"),
        ("@r\nACGT\n+\nIII\n", "sequence length 4 != quality length 3"),
        ("@r\nACGT\n+\n", "truncated FASTQ"),
        ("@r\nACXT\n+\nIIII\n", "characters other than ACGTN"),
        ("\n\n", "no FASTQ records"),
    ],
)
def test_malformed(tmp_path, text, problem):
    path = _write(tmp_path / "bad.fq", text)
    with pytest.raises(InputError, match=re.escape(problem)) as exc:
        list(read_fastq(path))
    assert exc.value.path == str(path)


def test_truncated_gzip(tmp_path):
    path = _write(tmp_path / "t.fq.gz", GOOD1 * 200, gz=True)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    with pytest.raises(InputError, match="truncated or corrupt gzip"):
        list(read_fastq(path))


def test_mismatched_pairs(tmp_path):
    r1 = _write(tmp_path / "1.fq", GOOD1)
    with pytest.raises(InputError, match="mate name 'x1' does not match R1 name 'r1'"):
        list(read_pairs(r1, _write(tmp_path / "2.fq", GOOD2.replace("@r1/2", "@x1/2"))))
    with pytest.raises(InputError, match="fewer records"):
        list(read_pairs(r1, _write(tmp_path / "3.fq", GOOD2.split("@r2")[0])))


def test_missing_file(tmp_path):
    with pytest.raises(InputError, match="file not found"):
        list(read_fastq(tmp_path / "nope.fq"))
