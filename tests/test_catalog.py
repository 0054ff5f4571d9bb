"""The curated catalog: loader validation, and a row-by-row comparison with ../shared/catalog_truth."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

from thalgen.catalog import (
    CATALOG_VERSION,
    SMALL_VARIANT_CLASSES,
    deletion_by_name,
    find_variant,
    load_deletions,
    load_small_variants,
)
from thalgen.errors import InputError
from thalgen.hgvs import annotate, parse_c
from thalgen.locus import Interval, LocusReference

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
def ref(locus_ref) -> LocusReference:
    """The shared GRCh38 test slices (conftest's session fixture)."""
    return locus_ref


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


# --- deletions ------------------------------------------------------------------------------

#: catalog_truth deletion name -> (project name, project classes compatible with the truth class).
TRUTH_DELETIONS = {
    "-alpha3.7 (type I)": ("-a3.7", {"alpha+"}),
    "-alpha3.7 (type II)": ("-a3.7_II", {"alpha+"}),
    "-alpha3.7 (type III)": ("-a3.7_III", {"alpha+"}),
    "-alpha4.2": ("-a4.2", {"alpha+"}),
    "--SEA": ("--SEA", {"alpha0"}),
    "--MED (I)": ("--MED", {"alpha0"}),
    "--MED II": ("--MEDII", {"alpha0"}),
    "-(alpha)20.5": ("-(a)20.5", {"alpha0"}),
    "--FIL": ("--FIL", {"alpha0"}),
    "--THAI": ("--THAI", {"alpha0"}),
    "--CAL": ("--CAL", {"alpha0"}),
    "alphaalphaalpha anti-3.7": ("aaa_anti3.7", {"triplication"}),
    "alphaalphaalpha anti-4.2": ("aaa_anti4.2", {"triplication"}),
    "HS-40 (MCS-R2) upstream deletion, 79.7 kb": ("HS40del79.7", {"alpha0_regulatory"}),
    "HS-40 (MCS-R2) upstream deletion, 60.3 kb": ("HS40del60.3", {"alpha0_regulatory"}),
    "619-bp deletion": ("619del", {"beta0"}),
    "1,393-bp deletion (African)": ("1393del", {"beta0"}),
    "Hb Lepore-Boston-Washington": ("Lepore-BW", {"Lepore"}),
    "SEA-HPFH (HPFH-7, Vietnamese)": ("SEA-HPFH", {"HPFH", "beta0"}),
    "Filipino beta0 deletion (~45 kb)": ("Filipino", {"beta0"}),
    "Chinese Ggamma(Agamma-delta-beta)0": ("Chinese_GgAgdb", {"Agdb0"}),
    "Thai/SE Asian Ggamma(Agamma-delta-beta)0 (HPFH-6)": ("Thai_GgAgdb", {"Agdb0", "HPFH"}),
    "Sicilian (delta-beta)0": ("Sicilian_db", {"deltabeta0"}),
    "Thai/Vietnamese (delta-beta)0": ("Thai_db", {"deltabeta0"}),
    "HPFH-1 (Black)": ("HPFH-1", {"HPFH"}),
    "HPFH-2 (Ghanaian)": ("HPFH-2", {"HPFH"}),
    "HPFH-3 (Indian)": ("HPFH-3", {"HPFH"}),
    "Asian-Indian inversion-deletion Ggamma(Agamma-delta-beta)0": ("AsianIndian_invdel", {"Agdb0"}),
    "Turkish Ggamma(Agamma-delta-beta)0": ("Turkish_GgAgdb", {"Agdb0"}),
}


@pytest.fixture(scope="module")
def deletions():
    return load_deletions()


def test_every_truth_deletion_has_a_project_row(deletions):
    by_name = {d.name: d for d in deletions}
    rows = _truth("deletions.tsv")
    assert len(rows) == 29 == len(TRUTH_DELETIONS)
    for row in rows:
        name, classes = TRUTH_DELETIONS[row["name"]]
        d = by_name[name]
        assert d.variant_class in classes, (name, d.variant_class)
        assert d.cluster == row["gene_cluster"].split()[0], name
        interval = row["grch38_interval_derived"]
        if interval:
            iv = Interval.parse(interval)
            assert (d.chrom, d.start1, d.end1) == (iv.chrom, iv.start1, iv.end1), name
        else:
            assert (d.start1, d.end1) == (None, None), name
    assert len(deletions) == 29


def test_deletion_rows_carry_the_facts_callers_use(deletions):
    assert all(d.source.startswith("http") for d in deletions)
    a37 = deletion_by_name("-a3.7")
    assert (a37.display_name, a37.mechanism, a37.functional_alpha_genes_left, a37.size_bp) == ("-α3.7", "homology", 1, 3804)
    assert deletion_by_name("-α3.7") is a37
    sea = deletion_by_name("--SEA")
    assert (sea.genes_removed, sea.functional_alpha_genes_left, sea.kind) == (("HBA2", "HBA1", "HBQ1"), 0, "deletion")
    anti = deletion_by_name("ααα anti-3.7")
    assert (anti.name, anti.kind, anti.functional_alpha_genes_left, anti.genes_removed) == ("aaa_anti3.7", "duplication", 3, ())
    assert deletion_by_name("Lepore-BW").genes_removed == ("HBB", "HBD")
    assert deletion_by_name("Filipino").start1 is None
    homology = sorted(d.name for d in deletions if d.mechanism == "homology")
    assert homology == ["-a3.7", "-a3.7_II", "-a3.7_III", "-a4.2", "Lepore-BW", "aaa_anti3.7", "aaa_anti4.2"]
    for d in deletions:
        if d.cluster == "alpha":
            expected = {"alpha+": 1, "triplication": 3}.get(d.variant_class, 0)
            assert d.functional_alpha_genes_left == expected, d.name
        else:
            assert d.functional_alpha_genes_left is None
    with pytest.raises(KeyError):
        deletion_by_name("--XYZ")


def _write_deletions(tmp_path: Path, mutate) -> Path:
    lines = (CATALOG_DIR / "deletions.tsv").read_text(encoding="utf-8").splitlines()
    path = tmp_path / "deletions.tsv"
    path.write_text("\n".join(mutate(lines)) + "\n", encoding="utf-8")
    return path


def test_bad_deletion_rows_are_rejected(tmp_path):
    def dup(lines):
        i = _data_line(lines, "ALPHA0_SEA")
        return lines + [lines[i].replace("ALPHA0_SEA", "ALPHA0_SEA_AGAIN", 1)]

    with pytest.raises(InputError, match=r"row 30 \(ALPHA0_SEA_AGAIN\): duplicate id/name '--SEA' \(also row 5\)"):
        load_deletions(_write_deletions(tmp_path, dup))

    def forgot_gene(lines):
        i = _data_line(lines, "ALPHA0_SEA")
        lines[i] = lines[i].replace("\tHBA2,HBA1,HBQ1\t", "\tHBA2,HBA1\t")
        return lines

    with pytest.raises(InputError, match=r"row 5 \(ALPHA0_SEA\): HBQ1 lie\(s\) wholly inside the deleted interval"):
        load_deletions(_write_deletions(tmp_path, forgot_gene))

    def wrong_size(lines):
        i = _data_line(lines, "BETA0_619")
        lines[i] = lines[i].replace("\t619\t", "\t620\t")
        return lines

    with pytest.raises(InputError, match=r"row 16 \(BETA0_619\): size_bp 620 does not match the interval \(619 bp\)"):
        load_deletions(_write_deletions(tmp_path, wrong_size))
