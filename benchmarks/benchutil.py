"""Helpers shared by the benchmark scripts: timing a command with its peak memory, a locus reference."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED_REF = REPO.parent / "shared" / "reference"


def run(cmd: str) -> tuple[float, int]:
    """Run a shell command; return (wall seconds, peak RSS in MB of its largest process; -1 without GNU time).

    GNU time measures the pipeline's shell, whose rusage covers the processes it waited for.
    """
    timer = shutil.which("time") or ("/usr/bin/time" if Path("/usr/bin/time").exists() else None)
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        full = f"{timer} -f %M -o {rss.name} bash -c {shlex.quote(cmd)}" if timer else cmd
        t0 = time.perf_counter()
        subprocess.run(full, shell=True, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        wall = time.perf_counter() - t0
        text = rss.read().strip().splitlines()
    peak_mb = int(text[-1]) // 1024 if timer and text and text[-1].isdigit() else -1
    return wall, peak_mb


def locus_reference(workdir: Path) -> Path:
    """A locus reference prepared once from the shared GRCh38 test slices."""
    ref = workdir / "ref"
    if not (ref / "manifest.json").exists():
        subprocess.run(["thalgen", "reference", "prepare", "--locus-fasta", str(SHARED_REF / "chr11_beta_cluster.fa"),
                        "--locus-fasta", str(SHARED_REF / "chr16_HBA_cluster.fa"), "--out", str(ref)], check=True,
                       stdout=subprocess.DEVNULL)
    return ref
