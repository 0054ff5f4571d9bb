"""The curated catalog: loader validation, and a row-by-row comparison with ../shared/catalog_truth."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from thalgen.catalog import (
    CATALOG_VERSION,
    SMALL_VARIANT_CLASSES,
    find_variant,
    load_small_variants,
)
from thalgen.errors import InputError
from thalgen.hgvs import annotate, parse_c
from thalgen.locus import Interval, LocusReference, LocusSlice, read_fasta

SHARED = Path(__file__).resolve().parents[2] / "shared"
TRUTH = SHARED / "catalog_truth"
CATALOG_DIR = Path(__file__).resolve().parents[1] / "thalgen" / "catalog"

#: catalog_truth class text -> the project classes that agree with it. Written out in full on purpose:
#: a new truth class must be mapped by a person, not guessed.
TRUTH_SMALL_CLASS = {
    "beta0": {"beta0"},
    "beta+": {"beta+"},
    "beta+ (mild)": {"beta+", "beta++"},
    "beta+ (severe)": {"beta+"},
    "beta+ (severe, often beta0-like)": {"beta+"},
    "beta+ (severe; beta0-like)": {"beta+"},
    "beta+ / beta0 (unclear)": {"beta+", "beta0"},
    "beta++ (silent)": {"beta++"},
    "beta++/beta+ (mild)": {"beta++", "beta+"},
    "beta++ (structural, mild)": {"beta++"},
    "beta+ (structural, thalassemic)": {"beta+", "structural_thalassemic"},
    "beta+ (structural, unstable)": {"beta+"},
    "structural: HbS (sickle)": {"structural"},
    "structural: HbC": {"structural"},
    "structural: HbD-Punjab": {"structural"},
    "structural: HbO-Arab": {"structural"},
    "structural + beta+ (HbE; activates cryptic splice)": {"structural_thalassemic"},
    "alpha+ (non-deletional, alphaT-alpha; stop-loss, unstable elongated chain)": {"alpha+"},
    "alpha+ (non-deletional, stop-loss)": {"alpha+"},
    "alpha+ (non-deletional; highly unstable, chain not detectable)": {"alpha+"},
    "structural variant; thalassaemic effect minimal/uncertain (ClinVar conflicting, genebe Likely benign)": {"structural"},
    "alpha0-like (non-deletional; highly unstable, alpha-chain precipitates)": {"alpha0_like"},
    "alpha0-like (non-deletional; highly unstable)": {"alpha0_like"},
    "alpha+ (non-deletional; alpha2 inactivated)": {"alpha+"},
    "alpha+ (severe non-deletional; alpha2 transcript read-through)": {"alpha+"},
    "alpha+ (non-deletional)": {"alpha+"},
    "alpha+ (non-deletional; abolishes alpha2 translation)": {"alpha+"},
    "alpha+ (non-deletional; abolishes alpha1 translation)": {"alpha+"},
    "alpha+ (non-deletional; alpha2 frameshift)": {"alpha+"},
    "alpha+ (non-deletional; unstable Hb)": {"alpha+"},
}


def _shared_reference() -> LocusReference:
    ref_dir = SHARED / "reference"
    if not ref_dir.is_dir():
        pytest.skip("../shared/reference is not available")
    slices = {}
    for name in ("chr11_beta_cluster.fa", "chr16_HBA_cluster.fa"):
        for header, seq in read_fasta(ref_dir / name):
            interval = Interval.parse(header.split()[0])
            slices[interval.chrom] = LocusSlice(interval, seq, name)
    return LocusReference(slices)


def _truth(name: str) -> list[dict[str, str]]:
    path = TRUTH / name
    if not path.is_file():
        pytest.skip(f"{path} is not available")
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh, delimiter="\t"))


def _p_normalised(p: str) -> str:
    """p.Phe42LeufsTer19 and p.(Phe42Leufs*19) compare equal: drop parentheses, Ter -> *."""
    p = p.split(" ")[0].replace("(", "").replace(")", "")
    return re.sub(r"(?<=[a-z0-9])Ter(?=\d|\?|$)", "*", p)


@pytest.fixture(scope="module")
def ref() -> LocusReference:
    return _shared_reference()


@pytest.fixture(scope="module")
def small(ref):
    return load_small_variants(ref)


# --- small variants -------------------------------------------------------------------------


def test_catalog_version_and_row_count(small):
    assert re.fullmatch(r"\d{4}\.\d{2}-\d+", CATALOG_VERSION)
    assert len(small) == 81
    assert {v.gene for v in small} == {"HBB", "HBA2", "HBA1", "HBG2"}
    assert all(v.source.startswith("http") for v in small)
    assert all(v.variant_class in SMALL_VARIANT_CLASSES for v in small)


@pytest.mark.parametrize(
    "truth_file, gene_column, hgvs_column, legacy_column",
    [
        ("hbb_variants.tsv", None, "hgvs_c_NM_000518.5", "hgvs_c_legacy_hbvar"),
        ("hba_point_variants.tsv", "gene", "hgvs_c", None),
    ],
)
def test_every_truth_row_is_in_the_catalog(ref, small, truth_file, gene_column, hgvs_column, legacy_column):
    by_key = {v.key: v for v in small}
    rows = _truth(truth_file)
    assert len(rows) == {"hbb_variants.tsv": 63, "hba_point_variants.tsv": 17}[truth_file]
    for row in rows:
        key = (row["chrom"], int(row["pos_grch38"]), row["ref"], row["alt"])
        v = by_key.get(key)
        assert v is not None, f"{row['common_name']} {key} missing from the catalog"
        gene = row[gene_column] if gene_column else "HBB"
        assert v.gene == gene
        assert v.hgvs_c == row[hgvs_column], row["common_name"]
        if legacy_column and row[legacy_column] != row[hgvs_column]:
            # the legacy spelling differs: it must name the same record as ours
            assert parse_c(ref, gene, row[legacy_column]) == v.key
        assert v.variant_class in TRUTH_SMALL_CLASS[row["class"]], (row["common_name"], row["class"], v.variant_class)
        truth_p = row["hgvs_p"]
        if truth_p.startswith("p.") and not truth_p.startswith("p.?") and "(" not in truth_p.split(" ")[0][:3]:
            assert _p_normalised(v.hgvs_p) == _p_normalised(truth_p), row["common_name"]
        elif truth_p.startswith("p.(") and "=" in truth_p:
            assert v.hgvs_p == truth_p.split(" ")[0]


def test_every_catalog_row_round_trips_through_hgvs(ref, small):
    for v in small:
        if v.gene == "HBG2":
            continue  # no transcript model for HBG2 (modifier row; checked below)
        assert parse_c(ref, v.gene, v.hgvs_c) == v.key, v.id
        assert annotate(ref, v.chrom, v.pos1, v.ref, v.alt).hgvs_c == v.hgvs_c, v.id
        if v.hgvs_c_legacy:
            assert parse_c(ref, v.gene, v.hgvs_c_legacy) == v.key, v.id


def test_named_rows_people_look_up(small):
    by_id = {v.id: v for v in small}
    cd41 = by_id["HBB_c.126_129del"]
    assert (cd41.hgvs_c_legacy, cd41.hgvs_p, cd41.key) == ("c.125_128delTCTT", "p.(Phe42Leufs*19)", ("chr11", 5226762, "CAAAG", "C"))
    cs = by_id["HBA2_c.427T>C"]
    assert (cs.common_name, cs.hb_variant, cs.variant_class, cs.hgvs_p) == ("Hb Constant Spring", "CS", "alpha+", "p.(Ter143Glnext*31)")
    hbe = by_id["HBB_c.79G>A"]
    assert (hbe.hb_variant, hbe.variant_class) == ("E", "structural_thalassemic")
    xmn = by_id["HBG2_c.-211C>T"]
    assert (xmn.key, xmn.variant_class, xmn.rsid) == (("chr11", 5254939, "G", "A"), "modifier", "rs7482144")


def test_xmni_site_is_created_by_the_alt_allele(ref):
    # HBG2 ATG at chr11:5254726-5254728 (minus strand: CAT on plus); c.-211 = 5254728 + 211
    assert ref.fetch0("chr11", 5254725, 5254728) == "CAT"
    before = ref.fetch0("chr11", 5254929, 5254950)
    after = before[:9] + "A" + before[10:]
    assert before[9] == "G"
    assert re.search("GAA....TTC", before) is None
    assert re.search("GAA....TTC", after).group() == "GAACCGTTTC"


def test_find_variant_uses_left_normalised_keys():
    assert find_variant("chr11", 5227002, "T", "A").common_name == "HbS"
    assert find_variant("chr11", 5226762, "caaag", "c").id == "HBB_c.126_129del"
    assert find_variant("chr11", 5226764, "AAGAA", "A") is None  # not normalised: caller's job
    assert find_variant("chr11", 5227002, "T", "G") is None


def _write_catalog(tmp_path: Path, mutate) -> Path:
    lines = (CATALOG_DIR / "small_variants.tsv").read_text().splitlines()
    lines = mutate(lines)
    path = tmp_path / "small_variants.tsv"
    path.write_text("\n".join(lines) + "\n")
    return path


def _data_line(lines: list[str], row_id: str) -> int:
    return next(i for i, ln in enumerate(lines) if ln.split("\t")[0] == row_id)


def test_duplicate_rows_are_rejected(tmp_path):
    def dup(lines):
        i = _data_line(lines, "HBB_c.20A>T")
        return lines + [lines[i].replace("HBB_c.20A>T", "HBB_sickle_again", 1)]

    with pytest.raises(InputError, match=r"row 82 \(HBB_sickle_again\): duplicate variant chr11:5227002 T>A \(also HBB_c.20A>T\)"):
        load_small_variants(path=_write_catalog(tmp_path, dup))

    def dup_id(lines):
        i = _data_line(lines, "HBB_c.20A>T")
        return lines + [lines[i].replace("\t5227002\tT\tA\t", "\t5227002\tT\tC\t")]

    with pytest.raises(InputError, match=r"row 82 \(HBB_c.20A>T\): duplicate id \(also row 15\)"):
        load_small_variants(path=_write_catalog(tmp_path, dup_id))


def test_wrong_ref_and_wrong_hgvs_are_rejected(tmp_path, ref):
    def bad_ref(lines):
        i = _data_line(lines, "HBB_c.20A>T")
        lines[i] = lines[i].replace("\t5227002\tT\tA\t", "\t5227002\tG\tA\t")
        return lines

    with pytest.raises(InputError, match=r"row 15 \(HBB_c.20A>T\): REF G does not match the reference \(T\)"):
        load_small_variants(ref, path=_write_catalog(tmp_path, bad_ref))

    def bad_hgvs(lines):
        i = _data_line(lines, "HBB_c.20A>T")
        lines[i] = lines[i].replace("\tc.20A>T\t", "\tc.19G>T\t")
        return lines

    with pytest.raises(InputError, match=r"row 15 \(HBB_c.20A>T\): c.19G>T maps to chr11:5227003 C>A"):
        load_small_variants(ref, path=_write_catalog(tmp_path, bad_hgvs))

    def not_normalised(lines):
        i = _data_line(lines, "HBB_c.126_129del")
        lines[i] = lines[i].replace("\t5226762\tCAAAG\tC\t", "\t5226764\tAAGAA\tA\t")
        return lines

    with pytest.raises(InputError, match="not left-normalised"):
        load_small_variants(ref, path=_write_catalog(tmp_path, not_normalised))


def test_unknown_class_is_rejected(tmp_path):
    def bad_class(lines):
        i = _data_line(lines, "HBB_c.20A>T")
        lines[i] = lines[i].replace("\tstructural\t", "\tpathogenic\t")
        return lines

    with pytest.raises(InputError, match=r"row 15 \(HBB_c.20A>T\): class 'pathogenic' is not one of"):
        load_small_variants(path=_write_catalog(tmp_path, bad_class))
