"""Shared fixtures: the verified GRCh38 test slices in ../shared/reference, and simulated patients."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
SHARED_REFERENCE = SHARED / "reference"
LOCUS_FASTAS = [SHARED_REFERENCE / "chr11_beta_cluster.fa", SHARED_REFERENCE / "chr16_HBA_cluster.fa"]


def _need_shared() -> None:
    if not all(p.exists() for p in LOCUS_FASTAS):
        pytest.skip("../shared/reference (the verified GRCh38 test slices) is not beside the checkout")


@pytest.fixture(scope="session")
def locus_ref_dir(tmp_path_factory) -> Path:
    """A locus reference directory prepared from the shared test slices."""
    _need_shared()
    from thalgen.refprep import prepare_from_locus_fastas

    out = tmp_path_factory.mktemp("locusref")
    prepare_from_locus_fastas(LOCUS_FASTAS).write(out)
    return out


@pytest.fixture(scope="session")
def locus_ref(locus_ref_dir):
    from thalgen.locus import LocusReference

    return LocusReference.load(locus_ref_dir)


def simulate_align(ref_dir: Path, workdir: Path, spec_yaml: str, threads: int = 2) -> dict[str, dict[str, Path]]:
    """Simulate every patient of a spec, align them; return {patient: {"bam", "truth", "r1", "r2"}}."""
    import json

    from thalgen.align import align
    from thalgen.cli.main import main as cli
    from thalgen.locus import LocusReference

    workdir.mkdir(parents=True, exist_ok=True)
    spec = workdir / "spec.yaml"
    spec.write_text(spec_yaml)
    assert cli(["simulate", "--reference", str(ref_dir), "--spec", str(spec), "--outdir", str(workdir)]) == 0
    ref = LocusReference.load(ref_dir)
    out = {}
    for truth_path in sorted(workdir.glob("*.truth.json")):
        pid = json.loads(truth_path.read_text())["sample"]
        r1, r2 = workdir / f"{pid}_R1.fastq.gz", workdir / f"{pid}_R2.fastq.gz"
        bam = workdir / f"{pid}.bam"
        align(ref, r1, r2, pid, bam, threads=threads)
        out[pid] = {"bam": bam, "truth": truth_path, "r1": r1, "r2": r2}
    return out
