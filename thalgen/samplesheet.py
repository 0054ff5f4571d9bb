"""The sample sheet (TSV): one row per sample, checked as a whole before any work starts.

Columns: sample, fq1, fq2, bam, platform (illumina/hifi/ont), assay (panel/amplicon/wes/wgs), partner.
Relative paths are taken relative to the directory the workflow runs in (the repository root for the demo).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from thalgen.errors import InputError
from thalgen.fileio import require_readable

COLUMNS = ("sample", "fq1", "fq2", "bam", "platform", "assay", "partner")
PLATFORMS = ("illumina", "hifi", "ont")
ASSAYS = ("panel", "amplicon", "wes", "wgs")
_UNSAFE = set('/\\<>:"|?*\'` ;&$')


@dataclass(frozen=True)
class SampleRow:
    sample: str
    fq1: str
    fq2: str
    bam: str
    platform: str
    assay: str
    partner: str

    @property
    def input_kind(self) -> str:
        return "bam" if self.bam else "fastq"


def _check_id(path: Path, line: int, sample: str) -> None:
    if not sample:
        raise InputError(path, f"line {line}: empty sample id")
    if sample.startswith(".") or sample.startswith("-") or any(ch in _UNSAFE or ord(ch) < 32 for ch in sample) or len(sample) > 100:
        raise InputError(path, f"line {line}: sample id {sample!r} is not safe as a file name (use letters, digits, '.', '_', '-')")


def load_sample_sheet(path: str | Path, check_files: bool = False) -> list[SampleRow]:
    """Read and validate the sheet; ``check_files`` also requires the input files to exist."""
    path = Path(require_readable(path))
    with open(path, newline="") as fh:
        rows = [r for r in csv.reader(fh, delimiter="\t") if r and not r[0].startswith("#")]
    if not rows:
        raise InputError(path, "sample sheet has no header")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in ("sample", "platform", "assay") if c not in header]
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}")
    unknown = [c for c in header if c not in COLUMNS]
    if unknown:
        raise InputError(path, f"unknown column(s): {', '.join(unknown)} (expected {', '.join(COLUMNS)})")
    out: list[SampleRow] = []
    seen: dict[str, int] = {}
    for line, values in enumerate(rows[1:], start=2):
        if len(values) > len(header):
            raise InputError(path, f"line {line}: {len(values)} fields but the header has {len(header)}")
        d = {c: "" for c in COLUMNS}
        d.update({h: v.strip() for h, v in zip(header, values)})
        sample = d["sample"]
        _check_id(path, line, sample)
        if sample in seen:
            raise InputError(path, f"line {line}: sample id {sample!r} duplicates line {seen[sample]}")
        seen[sample] = line
        if d["platform"] not in PLATFORMS:
            raise InputError(path, f"line {line}: platform {d['platform']!r} is not one of {', '.join(PLATFORMS)}")
        if d["assay"] not in ASSAYS:
            raise InputError(path, f"line {line}: assay {d['assay']!r} is not one of {', '.join(ASSAYS)}")
        if bool(d["fq1"]) == bool(d["bam"]):
            raise InputError(path, f"line {line}: give either fq1 (with optional fq2) or bam for {sample!r}")
        if d["fq2"] and not d["fq1"]:
            raise InputError(path, f"line {line}: fq2 without fq1 for {sample!r}")
        if d["fq2"] and d["platform"] != "illumina":
            raise InputError(path, f"line {line}: paired FASTQ for platform {d['platform']}; long reads are single-end")
        if check_files:
            for col in ("fq1", "fq2", "bam"):
                if d[col]:
                    require_readable(d[col])
        out.append(SampleRow(**d))
    if not out:
        raise InputError(path, "sample sheet lists no samples")
    ids = {r.sample for r in out}
    for r in out:
        if r.partner:
            if r.partner not in ids:
                raise InputError(path, f"sample {r.sample!r}: partner {r.partner!r} is not in the sheet")
            if r.partner == r.sample:
                raise InputError(path, f"sample {r.sample!r} is listed as its own partner")
            other = next(o for o in out if o.sample == r.partner)
            if other.partner and other.partner != r.sample:
                raise InputError(path, f"sample {r.sample!r}: partner {r.partner!r} names a different partner ({other.partner!r})")
    return out


def couples(rows: list[SampleRow]) -> list[tuple[str, str]]:
    """Each partnered pair once, in sorted order."""
    pairs = {tuple(sorted((r.sample, r.partner))) for r in rows if r.partner}
    return sorted(pairs)  # type: ignore[arg-type]
