"""Exomes: copy number per capture target, with and without a panel of normals, and capture gaps.

Simulated WES-like samples at 100x on target over config/wes_targets.bed with one batch-wide capture
profile (lognormal, sd 0.35 per 500 bp): the real difficulty of exome depth, that each target's
efficiency differs. With a panel of normals from the batch the profile cancels and the calls are exact;
without one, the between-target dispersion is measured from the sample's own flanking targets and the
clusters are refused with that reason (never a confident normal); a gene in a capture gap has no copies.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from conftest import REPO, simulate_align
from thalgen.copynumber import PanelOfNormals, build_pon, capture_groups, count_bins, fit_depth_model, sample_on_target
from thalgen.structural import DOSAGE_TWIN_CAVEAT, call_sample_cn

DESIGN = REPO / "config" / "wes_targets.bed"
PATIENTS = {
    "wes_normal": ("[]", "[]"),
    "wes_sea": ('["--SEA"]', "[]"),
    "wes_a37": ('["-a3.7"]', "[]"),
    "wes_sea_a37": ('["--SEA"]', '["-a3.7"]'),
    "wes_seahpfh": ('["SEA-HPFH"]', "[]"),
}


def design_regions(skip_prefix: str | None = None) -> list[str]:
    rows = [ln.split("\t") for ln in DESIGN.read_text().splitlines() if ln and not ln.startswith("#")]
    return [f"{c}:{int(a) + 1}-{b}" for c, a, b, name in rows if not (skip_prefix and name.startswith(skip_prefix))]


@pytest.fixture(scope="module")
def wes(locus_ref_dir, tmp_path_factory) -> dict[str, dict[str, Path]]:
    regions = ", ".join(design_regions())
    gap_regions = ", ".join(design_regions(skip_prefix="HBZ"))
    lines = [f"defaults: {{platform: illumina, assay: wes, depth: 100, read_length: 150, seed: 5, capture_bias: true, "
             f"regions: [{regions}]}}", "patients:"]
    lines += [f"  - {{id: {pid}, haplotypes: [{h1}, {h2}]}}" for pid, (h1, h2) in PATIENTS.items()]
    lines.append(f"  - {{id: wes_hbz_gap, haplotypes: [[], []], regions: [{gap_regions}]}}")
    return simulate_align(locus_ref_dir, tmp_path_factory.mktemp("wes"), "\n".join(lines) + "\n")


@pytest.fixture(scope="module")
def bins(locus_ref, wes):
    return {pid: count_bins(locus_ref, p["bam"], pid) for pid, p in wes.items()}


@pytest.fixture(scope="module")
def pon(bins):
    return build_pon([bins[p] for p in PATIENTS])


def test_targets_found_from_the_sample_and_grouped(bins):
    b = bins["wes_normal"]
    on = sample_on_target(b)
    design = [tuple(r.split("\t")[:3]) for r in DESIGN.read_text().splitlines() if r and not r.startswith("#")]
    # every design target has on-target bins; nothing far from a target is on target
    for chrom, a, e in design:
        hit = (b.chrom == chrom) & (b.end0 > int(a)) & (b.start0 < int(e))
        assert on[hit].any(), (chrom, a, e)
    near = np.zeros(len(on), dtype=bool)
    for chrom, a, e in design:
        near |= (b.chrom == chrom) & (b.end0 > int(a) - 500) & (b.start0 < int(e) + 500)
    assert not (on & ~near).any()
    group = capture_groups(b, on)
    sizes = np.bincount(group[group >= 0])
    assert sizes.max() == 5 and (group[~on] == -1).all()


@pytest.mark.parametrize("pid, alpha, beta, deletions", [
    ("wes_normal", ("aa", "aa"), ("B", "B"), []),
    ("wes_sea", ("--SEA", "aa"), ("B", "B"), ["--SEA"]),
    ("wes_a37", ("-a3.7", "aa"), ("B", "B"), ["-a3.7"]),
    ("wes_sea_a37", ("--SEA", "-a3.7"), ("B", "B"), ["--SEA", "-a3.7"]),
    ("wes_seahpfh", ("aa", "aa"), ("SEA-HPFH", "B"), ["SEA-HPFH"]),
])
def test_exomes_with_a_panel_of_normals_exact(locus_ref, wes, bins, pon, pid, alpha, beta, deletions):
    res = call_sample_cn(locus_ref, wes[pid]["bam"], pid, bins=bins[pid], pon=pon, assay="wes")
    doc = res.document
    assert (tuple(doc["alpha"]["alleles"]), tuple(doc["beta"]["alleles"])) == (alpha, beta)
    assert [d["name"] for d in doc["deletions"]] == deletions
    # depth cannot tell -a3.7/anti-3.7 from aa/aa: every depth-based aa/aa says so
    assert doc["caveats"] == ([DOSAGE_TWIN_CAVEAT] if alpha == ("aa", "aa") else [])
    assert doc["depth"]["normalisation"] == "panel_of_normals"
    # scored per capture target: the dispersion is measured between targets, not assumed Poisson per bin
    assert res.model.group is not None and 1.0 <= doc["depth"]["dispersion"] < 3.0


def test_exome_without_a_panel_is_refused_with_its_measured_reason(locus_ref, wes, bins):
    res = call_sample_cn(locus_ref, wes["wes_sea"]["bam"], "wes_sea", bins=bins["wes_sea"], pon=None, assay="wes")
    doc = res.document
    assert doc["depth"]["normalisation"] == "self_capture_targets"
    assert doc["depth"]["dispersion"] > 20  # capture efficiency between targets, measured on the sample's flanks
    for cluster in ("alpha", "beta"):
        assert (doc[cluster]["alleles"], doc[cluster]["assessable"]) == (None, False)
        assert "without a panel of normals, capture efficiency differs between the exome's targets" in doc[cluster]["reason"]
    assert doc["deletions"] == [] and all(v["copies"] is None for v in doc["copy_number"].values())


def test_gene_in_a_capture_gap_has_no_copies(locus_ref, wes, bins, pon):
    """A design without HBZ baits (its panel of normals has no reads there): the alpha cluster is still called
    from its other targets, HBZ's copies are not claimed and the gap is named, never read as a deletion."""
    pid = "wes_hbz_gap"
    b = bins[pid]
    hbz = (b.chrom == "chr16") & (b.end0 > 152644 - 1) & (b.start0 < 154503)
    gap_pon = PanelOfNormals(pon.n_samples, pon.samples, pon.key, np.where(hbz, 0.0, pon.baseline))
    doc = call_sample_cn(locus_ref, wes[pid]["bam"], pid, bins=b, pon=gap_pon, assay="wes").document
    assert (tuple(doc["alpha"]["alleles"]), tuple(doc["beta"]["alleles"]), doc["deletions"]) == (("aa", "aa"), ("B", "B"), [])
    assert doc["copy_number"]["HBZ"] == {"copies": None, "ratio": None, "quality": 0.0, "not_assessable":
                                         "no usable depth over the gene (outside the capture targets or masked)"}
    assert {"what": "HBZ", "reason": doc["copy_number"]["HBZ"]["not_assessable"]} in doc["not_assessable"]
    assert doc["copy_number"]["HBA2"]["copies"] == 2
    # from the sample's own targets too, HBZ is a capture gap (unused), not a zero-copy region
    assert not fit_depth_model(b, None, "wes").used[hbz].any()
