"""Strict FASTQ reading (plain or gzipped), single or paired, with errors that name the file and the record.

A lab pipeline must stop on a malformed or truncated file rather than genotype the part it could read.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from thalgen.errors import InputError
from thalgen.fileio import open_text

_SEQ_OK = re.compile(r"[ACGTNacgtn.]*")


@dataclass(frozen=True, slots=True)
class Read:
    name: str  # without '@', comment and /1 /2 suffix
    seq: str
    qual: str


def _base_name(header: str) -> str:
    name = header.split(maxsplit=1)[0] if header.strip() else ""
    if len(name) > 2 and name[-2] == "/" and name[-1] in "12":
        name = name[:-2]
    return name


def read_fastq(path: str | Path) -> Iterator[Read]:
    """Yield reads; raise InputError on malformed records, truncation or an empty file."""
    n = 0
    with open_text(path) as fh:
        while True:
            header = fh.readline()
            if not header:
                break
            if header in ("\n", "\r\n"):
                continue
            seq = fh.readline().rstrip("\r\n")
            plus = fh.readline()
            qual = fh.readline().rstrip("\r\n")
            n += 1
            if not header.startswith("@"):
                raise InputError(path, f"record {n}: header does not start with '@': malformed FASTQ")
            if not plus.startswith("+"):
                if not plus:
                    raise InputError(path, f"record {n}: file ends inside a record (truncated FASTQ)")
                raise InputError(path, f"record {n}: third line does not start with '+': malformed FASTQ")
            if len(seq) != len(qual):
                if not qual:
                    raise InputError(path, f"record {n}: file ends inside a record (truncated FASTQ)")
                raise InputError(path, f"record {n}: sequence length {len(seq)} != quality length {len(qual)}")
            if not _SEQ_OK.fullmatch(seq):
                raise InputError(path, f"record {n}: sequence has characters other than ACGTN")
            name = _base_name(header[1:])
            if not name:
                raise InputError(path, f"record {n}: empty read name")
            yield Read(name, seq.upper().replace(".", "N"), qual)
    if n == 0:
        raise InputError(path, "no FASTQ records (empty input)")


def read_pairs(path1: str | Path, path2: str | Path) -> Iterator[tuple[Read, Read]]:
    """Yield mate pairs; R1/R2 must have the same number of records with matching names."""
    it1, it2 = read_fastq(path1), read_fastq(path2)
    n = 0
    while True:
        r1 = next(it1, None)
        r2 = next(it2, None)
        if r1 is None and r2 is None:
            return
        n += 1
        if r1 is None:
            raise InputError(path1, f"has fewer records than {Path(path2).name} (R1 ended at record {n})")
        if r2 is None:
            raise InputError(path2, f"has fewer records than {Path(path1).name} (R2 ended at record {n})")
        if r1.name != r2.name:
            raise InputError(path2, f"record {n}: mate name {r2.name!r} does not match R1 name {r1.name!r}")
        yield r1, r2
