"""Checks shared by several subcommands."""

from __future__ import annotations

import re

from thalgen.errors import InputError

_SAFE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")


def check_sample_id(sample: str, where: str = "--sample") -> str:
    """Sample ids become file names: letters, digits, '.', '_', '-' only, not starting with a dot."""
    if not _SAFE_ID.fullmatch(sample or ""):
        raise InputError(where, f"sample id {sample!r} is not safe as a file name (use letters, digits, '.', '_', '-')")
    return sample


def print_structural_calls(sample: str, document: dict) -> None:
    """One line per cluster of a cn.json document: the allele pair, or why it is not assessable."""
    for cluster in ("alpha", "beta"):
        g = document.get(cluster)
        if g:
            call = "/".join(g["alleles"]) if g["alleles"] else f"not assessable ({g['reason']})"
            print(f"{sample} {cluster}: {call}")
