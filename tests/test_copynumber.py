"""Bins, paralog folding, normalisation, panel of normals and segmentation on small synthetic data."""

from __future__ import annotations


import numpy as np
import pytest

from thalgen import copynumber as cn
from thalgen.errors import InputError
from thalgen.locus import LocusReference

@pytest.fixture(scope="module")
def ref(locus_ref) -> LocusReference:
    """The shared GRCh38 test slices (conftest's session fixture)."""
    return locus_ref


def test_folding_pairs_hba2_with_hba1_and_masks_edges(ref):
    maps = cn.mappability(ref, 150)
    sm = maps["chr16"]
    # a read starting in the identical HBA2/HBA1 stretch (Z box, unit 3804 bp) is counted on the HBA2 copy
    rel_hba1 = 176_901 - sm.start0
    assert sm.target[rel_hba1] == rel_hba1 - 3804
    assert sm.target[rel_hba1 - 3804] == rel_hba1 - 3804
    # HBG2 reads fold onto HBG1 (the Ggamma/Agamma duplication, ~4.9 kb)
    sb = maps["chr11"]
    rel = 5_254_500 - sb.start0
    assert 4900 <= rel - sb.target[rel] <= 4950
    assert (sm.target[: cn.EDGE_MASK] == -1).all() and (sm.target[-cn.EDGE_MASK:] == -1).all()
    # a plain unique position counts where it is
    rel_unique = 140_000 - sm.start0
    assert sm.target[rel_unique] == rel_unique and sm.partner[rel_unique] == -1


def _bins(ref, counts_per_bin: float, sample: str = "s", dip=None) -> cn.BinCounts:
    maps = cn.mappability(ref, 150)
    chroms, starts, ends, caps = [], [], [], []
    for chrom, sm in maps.items():
        n = sm.n_bins()
        b0 = np.arange(n) * cn.BIN_SIZE
        chroms.append(np.array([chrom] * n))
        starts.append(sm.start0 + b0)
        ends.append(sm.start0 + np.minimum(b0 + cn.BIN_SIZE, sm.length))
        caps.append(sm.capacity())
    cap = np.concatenate(caps)
    count = np.rint(cap / cn.BIN_SIZE * counts_per_bin)
    chrom = np.concatenate(chroms)
    start0 = np.concatenate(starts)
    if dip is not None:
        c, s0, e0, factor = dip
        sel = (chrom == c) & (start0 >= s0) & (start0 < e0)
        count[sel] = np.rint(count[sel] * factor)
    return cn.BinCounts(sample, 150, chrom, start0, np.concatenate(ends), cap, count)


def test_self_normalisation_scale_depth_and_het_deletion_segment(ref):
    bins = _bins(ref, 20.0, dip=("chr16", 165_400, 184_700, 0.5))
    model = cn.fit_depth_model(bins)
    assert model.normalisation == "self"
    assert model.scale["chr16"] == pytest.approx(0.2, rel=0.02)
    assert model.mean_depth["chr16"] == pytest.approx(30.0, rel=0.02)
    segs = [s for s in cn.segment_copy_number(model, "chr16") if s.copies != 2]
    assert [(s.copies, abs(s.start0 - 165_400) <= 100, abs(s.end0 - 184_700) <= 100) for s in segs] == [(1, True, True)]


def test_bins_and_pon_round_trip_and_too_small_pon(ref, tmp_path):
    a, b, c = (_bins(ref, 20.0, s) for s in ("a", "b", "c"))
    cn.write_bins(a, tmp_path / "a.bins.tsv")
    back = cn.read_bins(tmp_path / "a.bins.tsv")
    assert back.key() == a.key() and (back.count == a.count).all() and back.read_length == 150
    small = cn.build_pon([a, b])
    cn.write_pon(small, tmp_path / "small.tsv")
    assert "status=too_small(<3)" in (tmp_path / "small.tsv").read_text().splitlines()[0]
    assert cn.read_pon(tmp_path / "small.tsv").usable is False
    pon = cn.build_pon([a, b, c])
    cn.write_pon(pon, tmp_path / "pon.tsv")
    back_pon = cn.read_pon(tmp_path / "pon.tsv")
    assert back_pon.usable and back_pon.samples == ["a", "b", "c"]
    model = cn.fit_depth_model(a, back_pon)
    assert model.normalisation == "panel_of_normals"
    assert np.nanmax(np.abs(model.ratio()[model.used] - 2.0)) < 0.15


def test_pon_absorbs_a_region_captured_at_half_efficiency(ref):
    dip = ("chr16", 170_000, 178_000, 0.5)
    batch = [_bins(ref, 40.0, f"n{i}", dip) for i in range(3)]
    sample = _bins(ref, 40.0, "x", dip)
    with_pon = cn.fit_depth_model(sample, cn.build_pon(batch))
    assert [s.copies for s in cn.segment_copy_number(with_pon, "chr16")] == [2]
    alone = cn.fit_depth_model(sample)
    assert 1 in [s.copies for s in cn.segment_copy_number(alone, "chr16")]


def test_bad_bins_file_is_an_input_error(tmp_path):
    p = tmp_path / "x.tsv"
    p.write_text("chrom\tstart\n")
    with pytest.raises(InputError, match="not a thalgen bins file"):
        cn.read_bins(p)


def _noisy(ref, mean: float, sample: str, dips: list[tuple[str, int, int, float]], seed: int) -> cn.BinCounts:
    """Poisson counts with several multiplicative regions (capture efficiency and copy changes)."""
    b = _bins(ref, mean, sample)
    expected = b.capacity / cn.BIN_SIZE * mean
    for c, s0, e0, factor in dips:
        sel = (b.chrom == c) & (b.start0 >= s0) & (b.start0 < e0)
        expected[sel] *= factor
    b.count = np.random.default_rng(seed).poisson(expected).astype(np.float64)
    return b


def test_pon_from_a_carrier_rich_batch_keeps_normals_normal_and_carriers_deleted(ref):
    capture = ("chr16", 168_000, 178_000, 0.6)  # a region every sample captures at 60 %
    sea = ("chr16", 165_400, 184_700, 0.5)
    a37 = ("chr16", 173_300, 177_100, 0.5)
    kinds = {"sea1": [sea], "sea2": [sea], "a37a": [a37], "a37b": [a37], "norm1": [], "norm2": []}
    batch = {name: _noisy(ref, 120.0, name, [capture] + extra, seed) for seed, (name, extra) in enumerate(kinds.items())}
    pon = cn.build_pon(list(batch.values()))
    # where 4 of 6 carry a deletion a per-bin median sits at half the capture: normals looked duplicated
    for name in ("norm1", "norm2"):
        model = cn.fit_depth_model(batch[name], pon)
        assert [s.copies for s in cn.segment_copy_number(model, "chr16")] == [2]
    for name, (lo, hi) in (("sea1", (165_400, 184_700)), ("a37a", (173_300, 177_100))):
        segs = [s for s in cn.segment_copy_number(cn.fit_depth_model(batch[name], pon), "chr16") if s.copies != 2]
        assert [(s.copies, abs(s.start0 - lo) <= 300, abs(s.end0 - hi) <= 300) for s in segs] == [(1, True, True)]
    # the baseline is the capture efficiency (0.6 of the control regions), not the carriers' half of it
    chrom = np.array([k[0] for k in pon.key])
    starts = np.array([k[1] for k in pon.key])
    region = (chrom == "chr16") & (starts >= 173_500) & (starts < 177_000) & (pon.baseline > 0)
    unique = region & (batch["norm1"].capacity == cn.BIN_SIZE)
    assert float(np.median(pon.baseline[unique])) == pytest.approx(0.6, abs=0.05)
