"""Table-driven tests of thalgen.interpret over every row of the truth notes' genotype tables (§1b, §2).

The rows are restated here as parameters (not parsed from ../shared); one test only counts the rows
of the shared file, when present, so a new row there fails loudly until it is added here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from thalgen.interpret import (
    BETA_CATEGORIES,
    BETA_STATUSES,
    ALPHA_STATUSES,
    beta_status,
    interpret,
    rules,
)
from thalgen.model import ClusterGenotype, NotCallable, VariantCall

SHARED = Path(__file__).resolve().parents[2] / "shared"


# --------------------------------------------------------------------------------------------- builders
def var(gene: str, hgvs: str, name: str, cls: str, zyg: str = "heterozygous", alt: int = 1, total: int = 2,
        in_catalog: bool = True, **kw) -> VariantCall:
    chrom = "chr11" if gene in ("HBB", "HBG2") else "chr16"
    return VariantCall(chrom=chrom, pos1=1000, ref="A", alt="T", gene=gene, transcript="", hgvs_c=hgvs, hgvs_p="",
                       zygosity=zyg, alt_copies=alt, total_copies=total, depth=40, ref_depth=20, alt_depth=20,
                       alt_fraction=alt / total, quality=99.0, genotype_quality=60, catalog_id=name if in_catalog else "",
                       common_name=name if in_catalog else "", variant_class=cls if in_catalog else "",
                       in_catalog=in_catalog, **kw)


def hom(v: VariantCall) -> VariantCall:
    v.zygosity, v.alt_copies = "homozygous", v.total_copies
    return v


# catalog-like HBB variants (class strings as in the truth catalog or the short contract forms)
HBS = lambda: var("HBB", "c.20A>T", "HbS CD6 (A>T)", "structural: HbS (sickle)")  # noqa: E731
HBC = lambda: var("HBB", "c.19G>A", "HbC CD6 (G>A)", "structural: HbC")  # noqa: E731
HBE = lambda: var("HBB", "c.79G>A", "HbE CD26 (G>A)", "structural_thalassemic")  # noqa: E731
HBD = lambda: var("HBB", "c.364G>C", "HbD-Punjab CD121 (G>C)", "structural: HbD-Punjab")  # noqa: E731
HBO = lambda: var("HBB", "c.364G>A", "HbO-Arab CD121 (G>A)", "structural: HbO-Arab")  # noqa: E731
CD8 = lambda: var("HBB", "c.25_26del", "CD8 (-AA)", "beta0")  # noqa: E731
IVS2_1 = lambda: var("HBB", "c.315+1G>A", "IVS-II-1 (G>A)", "beta0")  # noqa: E731
IVS1_110 = lambda: var("HBB", "c.93-21G>A", "IVS-I-110 (G>A)", "beta+")  # noqa: E731  severity from HGVS table
IVS1_5 = lambda: var("HBB", "c.92+5G>C", "IVS-I-5 (G>C)", "beta+ (severe, often beta0-like)")  # noqa: E731
IVS2_654 = lambda: var("HBB", "c.316-197C>T", "IVS-II-654 (C>T)", "beta+ (severe; beta0-like)")  # noqa: E731
M28 = lambda: var("HBB", "c.-78A>G", "-28 (A>G)", "beta+")  # noqa: E731
IVS1_6 = lambda: var("HBB", "c.92+6T>C", "IVS-I-6 (T>C)", "beta++/beta+ (mild)")  # noqa: E731
M101 = lambda: var("HBB", "c.-151C>T", "-101 (C>T)", "beta++")  # noqa: E731
DOM = lambda: var("HBB", "c.380_381insX", "exon-3 truncating (dominant)", "beta0 (dominant, exon 3)")  # noqa: E731
XMNI = lambda: var("HBG2", "c.-211C>T", "XmnI-Ggamma -158 (C>T) rs7482144", "modifier")  # noqa: E731
CS = lambda total=2: var("HBA2", "c.427T>C", "Hb Constant Spring (Hb CS)", "alpha+", total=total)  # noqa: E731
QS = lambda total=1: var("HBA2", "c.377T>C", "Hb Quong Sze (Hb QS)", "alpha+ (non-deletional; highly unstable)",  # noqa: E731
                         total=total)
ADANA = lambda total=1: var("HBA1", "c.179G>A", "Hb Adana (alpha1)", "alpha0_like", total=total)  # noqa: E731


def A(a: str, b: str, **kw) -> ClusterGenotype:
    return ClusterGenotype("alpha", (a, b), **kw)


def B(a: str = "B", b: str = "B", **kw) -> ClusterGenotype:
    return ClusterGenotype("beta", (a, b), **kw)


def run(alpha=None, beta=None, variants=(), nc=()):
    return interpret(alpha if alpha is not None else A("aa", "aa"), beta if beta is not None else B(),
                     list(variants), list(nc))


# ----------------------------------------------------------------------------------- §1b alpha table
ALPHA_ROWS = [
    # (row id, alpha pair, small variants, status, functional genes, genotype, cis/trans)
    ("5: aaa/aa", ("aaa_anti3.7", "aa"), [], "alpha_triplication", 5, "αα/αααanti3.7", "n/a"),
    ("6: aaa/aaa", ("aaa_anti4.2", "aaa_anti3.7"), [], "alpha_triplication", 6, "αααanti3.7/αααanti4.2", "n/a"),
    ("4: aa/aa", ("aa", "aa"), [], "normal", 4, "αα/αα", "n/a"),
    ("3: -a3.7/aa", ("-a3.7", "aa"), [], "silent_carrier", 3, "-α3.7/αα", "n/a"),
    ("3: -a4.2/aa", ("aa", "-a4.2"), [], "silent_carrier", 3, "-α4.2/αα", "n/a"),
    ("3: aTa/aa (HbCS het)", ("aa", "aa"), [CS(total=2)], "silent_carrier", 3, "αCSα/αα", "n/a"),
    ("2 trans: -a/-a", ("-a3.7", "-a3.7"), [], "alpha_thal_trait", 2, "-α3.7/-α3.7", "trans"),
    ("2 trans: -a3.7/-a4.2", ("-a4.2", "-a3.7"), [], "alpha_thal_trait", 2, "-α3.7/-α4.2", "trans"),
    ("2 trans: aTa/-a", ("-a3.7", "aa"), [CS(total=1)], "alpha_thal_trait", 2, "-α3.7/αCSα", "trans"),
    ("2 cis: --/aa", ("--SEA", "aa"), [], "alpha0_trait", 2, "--SEA/αα", "cis"),
    ("2 cis trap: aa/--", ("aa", "--MED"), [], "alpha0_trait", 2, "--MED/αα", "cis"),
    ("2 cis: -(a)20.5/aa", ("-(a)20.5", "aa"), [], "alpha0_trait", 2, "-(α)20.5/αα", "cis"),
    ("2 cis: HS-40 regulatory", ("HS40del79.7", "aa"), [], "alpha0_trait", 2, "(αα)HS-40del79.7/αα", "cis"),
    ("1: --/-a deletional HbH", ("--SEA", "-a3.7"), [], "hbh_disease", 1, "--SEA/-α3.7", "trans"),
    ("1: --/aTa Hb H-CS", ("--SEA", "aa"), [CS(total=1)], "hbh_disease", 1, "--SEA/αCSα", "trans"),
    ("1 special: aCSa/aCSa", ("aa", "aa"), [hom(CS(total=2))], "hbh_disease", 2, "αCSα/αCSα", "trans"),
    ("0: --/--", ("--SEA", "--FIL"), [], "hb_barts_hydrops", 0, "--FIL/--SEA", "trans"),
    ("0-like: --/aQSa", ("--SEA", "aa"), [QS(total=1)], "hbh_disease", 1, "--SEA/αQSα", "trans"),
    ("0-like: --/aaAdana", ("--MED", "aa"), [ADANA(total=1)], "hbh_disease", 1, "--MED/ααAdana", "trans"),
]


# the ASCII twin keeps the deletion caller's allele names
ASCII_EXCEPTIONS = {
    "αα/αααanti3.7": "aa/aaa_anti3.7",
    "αααanti3.7/αααanti4.2": "aaa_anti3.7/aaa_anti4.2",
    "(αα)HS-40del79.7/αα": "HS40del79.7/aa",
}


@pytest.mark.parametrize("row", ALPHA_ROWS, ids=[r[0] for r in ALPHA_ROWS])
def test_alpha_table(row):
    _, pair, variants, status, genes, genotype, cis_trans = row
    out = run(alpha=A(*pair), variants=variants)["alpha"]
    assert out["status"] == status
    assert out["functional_genes"] == genes
    assert out["genotype"] == genotype
    assert out["cis_trans"] == cis_trans
    assert out["genotype_ascii"] == ASCII_EXCEPTIONS.get(genotype, genotype.replace("α", "a"))
    assert out["rules"], "every decision records its sources"


def test_trap_aa_over_sea_is_alpha0_trait_with_barts_risk_not_silent_carrier():
    report = run(alpha=A("aa", "--SEA"))
    assert report["alpha"]["status"] == "alpha0_trait"
    assert report["alpha"]["rules"] == ["CHUI03", "CHUI98"]
    assert "Hb Bart's" in report["alpha"]["phenotype"]
    assert "Hb Bart's hydrops fetalis" in report["interpretation"]["summary"]


def test_non_deletional_hbh_is_flagged_more_severe():
    notes = run(alpha=A("--SEA", "aa"), variants=[CS(total=1)])["interpretation"]["notes"]
    assert any("non-deletional HbH" in n and "more severe" in n for n in notes)


def test_alpha0_like_variant_with_alpha0_warns_of_hydrops():
    notes = run(alpha=A("--SEA", "aa"), variants=[QS(total=1)])["interpretation"]["notes"]
    assert any("severe HbH or HbH hydrops possible" in n for n in notes)


def test_one_of_three_copies_is_one_gene():
    """HbCS at 1/3 alt copies with a triplication is one mutated copy: 5 - 1 = 4 genes."""
    out = run(alpha=A("aaa_anti3.7", "aa"), variants=[CS(total=3)])["alpha"]
    assert out["functional_genes"] == 4


def test_cis_trans_unresolved_reports_alternatives_never_normal():
    out = run(alpha=A("--SEA", "aa", alternatives=[("-a3.7", "-a3.7")]))["alpha"]
    assert out["status"] == "not_assessable"
    assert out["cis_trans"] == "unresolved"
    assert out["functional_genes"] == 2
    assert out["genotype"] == "--SEA/αα or -α3.7/-α3.7"
    assert [(a["genotype"], a["status"]) for a in out["alternatives"]] == [
        ("--SEA/αα", "alpha0_trait"), ("-α3.7/-α3.7", "alpha_thal_trait")]
    assert out["reason"] == "cis/trans unresolved: --SEA/αα (alpha0_trait) or -α3.7/-α3.7 (alpha_thal_trait)"


def test_ambiguous_placement_of_non_deletional_variant():
    """HbCS with -a3.7/aa when the HBA2 site has two copies: on the hybrid (α0-equivalent) or on αα."""
    out = run(alpha=A("-a3.7", "aa"), variants=[CS(total=2)])["alpha"]
    assert out["status"] == "not_assessable"
    assert sorted(a["status"] for a in out["alternatives"]) == ["alpha0_trait", "alpha_thal_trait"]
    assert out["reason"].startswith("placement of the non-deletional variant unresolved")


def test_alternatives_with_same_status_keep_status_and_say_so():
    out = run(alpha=A("--SEA", "-a3.7", alternatives=[("--SEA", "-a4.2")]))
    assert out["alpha"]["status"] == "hbh_disease"
    assert len(out["alpha"]["alternatives"]) == 2
    assert any("same for every alternative" in n for n in out["interpretation"]["notes"])


def test_alpha_not_run_is_not_assessable_even_with_small_variants():
    out = interpret(None, B(), [CS()], [])["alpha"]
    assert out["status"] == "not_assessable"
    assert out["reason"] == "alpha-globin copy number not assessed"
    assert out["functional_genes"] is None


def test_alpha_not_assessable_from_caller():
    out = interpret(ClusterGenotype("alpha", None, assessable=False, reason="depth 3 < 15"), B(), [], [])["alpha"]
    assert (out["status"], out["reason"]) == ("not_assessable", "depth 3 < 15")


def test_alpha_uncallable_region_blocks_normal():
    nc = NotCallable("chr16", 172876, 173710, "depth 4 < 15", gene="HBA2")
    out = run(nc=[nc])["alpha"]
    assert out["status"] == "not_assessable"
    assert out["reason"] == "could not assess: HBA2 region chr16:172876-173710 (depth 4 < 15)"


def test_novel_alpha_allele_needs_a_count():
    assert run(alpha=A("novel:chr16:170000-178000del", "aa"))["alpha"]["status"] == "not_assessable"
    out = run(alpha=A("novel:chr16:170000-178000del genes=0", "aa"))["alpha"]
    assert (out["status"], out["functional_genes"]) == ("alpha0_trait", 2)


def test_uncatalogued_alpha_variant_is_only_a_note():
    report = run(variants=[var("HBA1", "c.300C>G", "", "", in_catalog=False)])
    assert report["alpha"]["status"] == "normal"
    assert any("variant of uncertain significance — review" in n for n in report["interpretation"]["notes"])


# ------------------------------------------------------------------------------------- §2 beta table
BETA_ROWS = [
    # (row id, beta deletion pair, small variants, status, genotype)
    ("β/β0", ("B", "B"), [CD8()], "beta_thal_trait", "β0/β"),
    ("β/β+", ("B", "B"), [M28()], "beta_thal_trait", "β+/β"),
    ("β/β++ silent", ("B", "B"), [M101()], "beta_silent_carrier", "β++/β"),
    ("β0/β0", ("B", "B"), [hom(CD8())], "beta_thal_major", "β0/β0"),
    ("β0/β0 compound", ("B", "B"), [CD8(), IVS2_1()], "beta_thal_major", "β0/β0"),
    ("β0/β+ IVS-I-110", ("B", "B"), [CD8(), IVS1_110()], "beta_thal_major", "β0/β+"),
    ("β0/β+ IVS-I-5", ("B", "B"), [IVS2_1(), IVS1_5()], "beta_thal_major", "β0/β+"),
    ("β0/β+ IVS-II-654", ("B", "B"), [CD8(), IVS2_654()], "beta_thal_major", "β0/β+"),
    ("β+/β+", ("B", "B"), [hom(M28())], "beta_thal_intermedia", "β+/β+"),
    ("β0/β++", ("B", "B"), [CD8(), M101()], "beta_thal_intermedia", "β0/β++"),
    ("β+/β++", ("B", "B"), [M28(), M101()], "beta_thal_intermedia", "β+/β++"),
    ("β0/mild β+ IVS-I-6", ("B", "B"), [CD8(), IVS1_6()], "beta_thal_intermedia", "β0/β+"),
    ("dominant het", ("B", "B"), [DOM()], "beta_thal_intermedia", "β0(dominant)/β"),
    ("βE/βE", ("B", "B"), [hom(HBE())], "hbe_trait", "βE/βE"),
    ("βE/β0", ("B", "B"), [HBE(), CD8()], "hbe_beta_thal", "βE/β0"),
    ("βE/β+", ("B", "B"), [HBE(), M28()], "hbe_beta_thal", "βE/β+"),
    ("βS/βS", ("B", "B"), [hom(HBS())], "sickle_cell_anemia", "βS/βS"),
    ("βS/β0", ("B", "B"), [HBS(), CD8()], "sickle_beta_thal", "βS/β0"),
    ("βS/β+", ("B", "B"), [HBS(), M28()], "sickle_beta_thal", "βS/β+"),
    ("βS/βC", ("B", "B"), [HBS(), HBC()], "hbsc_disease", "βS/βC"),
    ("βS/βD-Punjab", ("B", "B"), [HBS(), HBD()], "sickle_cell_anemia", "βS/βD-Punjab"),
    ("βS/βO-Arab", ("B", "B"), [HBS(), HBO()], "sickle_cell_anemia", "βS/βO-Arab"),
    ("βS/β", ("B", "B"), [HBS()], "hbs_trait", "βS/β"),
    ("βC/β", ("B", "B"), [HBC()], "hbc_trait", "βC/β"),
    ("βE/β", ("B", "B"), [HBE()], "hbe_trait", "βE/β"),
    ("βD/β", ("B", "B"), [HBD()], "beta_silent_carrier", "βD-Punjab/β"),
    ("Lepore/β", ("Lepore-BW", "B"), [], "hb_lepore_trait", "βLepore/β"),
    ("Lepore/Lepore", ("Lepore-BW", "Lepore-BW"), [], "beta_thal_major", "βLepore/βLepore"),
    ("Lepore/β0", ("Lepore-BW", "B"), [CD8()], "beta_thal_major", "βLepore/β0"),
    ("(δβ)0/β Sicilian", ("Sicilian_db", "B"), [], "deltabeta_thal_trait", "(δβ)0/β"),
    ("(δβ)0/β Thai", ("B", "Thai_db"), [], "deltabeta_thal_trait", "(δβ)0/β"),
    ("(δβ)0/β0", ("Sicilian_db", "B"), [IVS2_1()], "beta_thal_intermedia", "(δβ)0/β0"),
    ("HPFH/β HPFH-3", ("HPFH-3", "B"), [], "hpfh_trait", "HPFH/β"),
    ("HPFH/β SEA-HPFH", ("SEA-HPFH", "B"), [], "hpfh_trait", "HPFH/β"),
    ("HPFH/β0", ("HPFH-1", "B"), [CD8()], "beta_thal_intermedia", "HPFH/β0"),
]


@pytest.mark.parametrize("row", BETA_ROWS, ids=[r[0] for r in BETA_ROWS])
def test_beta_table(row):
    _, dels, variants, status, genotype = row
    out = run(beta=B(*dels), variants=variants)["beta"]
    assert out["status"] == status
    assert out["genotype"] == genotype
    assert out["rules"]


def test_beta_deletion_619_homozygous_is_major():
    assert run(beta=B("619del", "619del"))["beta"]["status"] == "beta_thal_major"


def test_beta_alleles_carry_hgvs_name_class_source():
    out = run(beta=B("Lepore-BW", "B"), variants=[IVS1_110()])["beta"]
    assert out["alleles"] == [
        {"hgvs_c": "", "name": "Lepore-BW", "common_name": "Hb Lepore-Boston-Washington",
         "class": "Hb Lepore (delta-beta fusion)", "source": "deletion", "zygosity": "heterozygous"},
        {"hgvs_c": "HBB:c.93-21G>A", "name": "IVS-I-110 (G>A)", "common_name": "IVS-I-110 (G>A)",
         "class": "beta+ (severe)", "source": "small_variant", "zygosity": "heterozygous"},
    ]


def test_unphased_compound_het_gets_parental_testing_caveat():
    notes = run(variants=[HBS(), CD8()])["interpretation"]["notes"]
    assert "β: phase not determined; compound heterozygosity assumed — confirm by parental testing" in notes


def test_same_phase_set_means_cis_and_carrier():
    out = run(variants=[var("HBB", "c.25_26del", "CD8 (-AA)", "beta0", phase_set="7"),
                        var("HBB", "c.-78A>G", "-28 (A>G)", "beta+", phase_set="7")])
    assert out["beta"]["status"] == "beta_thal_trait"
    assert out["beta"]["genotype"] == "β0/β"


def test_homozygous_call_over_deletion_is_hemizygous():
    out = run(beta=B("619del", "B"), variants=[hom(HBS())])
    assert out["beta"]["status"] == "sickle_beta_thal"
    assert any("hemizygous" in n for n in out["interpretation"]["notes"])


def test_beta_deletions_not_run_gives_note():
    report = interpret(A("aa", "aa"), None, [CD8()], [])
    assert report["beta"]["status"] == "beta_thal_trait"
    assert "β: beta-cluster deletions not assessed" in report["interpretation"]["notes"]


def test_beta_uncallable_hbb_blocks_normal_but_not_explained_findings():
    nc = NotCallable("chr11", 5226700, 5226900, "depth 5 < 15", gene="HBB")
    out = run(nc=[nc])["beta"]
    assert out["status"] == "not_assessable"
    assert out["reason"] == "could not assess: HBB region chr11:5226700-5226900 (depth 5 < 15)"
    assert run(variants=[hom(CD8())], nc=[nc])["beta"]["status"] == "beta_thal_major"
    carrier = run(variants=[CD8()], nc=[nc])
    assert carrier["beta"]["status"] == "beta_thal_trait"
    assert any(n.startswith("β: second β allele not fully assessed") for n in carrier["interpretation"]["notes"])


def test_beta_deletion_caller_not_assessable_blocks_normal():
    out = run(beta=ClusterGenotype("beta", None, assessable=False, reason="no reads"))["beta"]
    assert out["status"] == "not_assessable"
    assert "no reads" in out["reason"]


def test_low_confidence_call_that_changes_status_is_not_assessable():
    low = CD8()
    low.filters = ["LowGQ"]
    out = run(variants=[low])["beta"]
    assert out["status"] == "not_assessable"
    assert out["reason"] == "low-confidence call(s) CD8 (-AA) (LowGQ) would change the β status to beta_thal_trait — review"


def test_novel_hbb_variant_never_makes_anyone_affected():
    report = run(variants=[CD8(), var("HBB", "c.200del", "", "", in_catalog=False)])
    assert report["beta"]["status"] == "beta_thal_trait"
    assert any("variant of uncertain significance — review" in n for n in report["interpretation"]["notes"])


# ------------------------------------------------------------------------------ §3 interactions
def test_beta_major_with_two_alpha_genes_possible_milder_course():
    report = run(alpha=A("-a3.7", "-a3.7"), variants=[hom(CD8())])
    assert report["beta"]["status"] == "beta_thal_major"
    assert any("possible milder (intermedia) course" in n for n in report["interpretation"]["notes"])
    assert "THEIN13" in report["interpretation"]["rules"]


def test_beta_major_with_normal_alpha_has_no_milder_note():
    notes = run(variants=[hom(CD8())])["interpretation"]["notes"]
    assert not any("milder" in n for n in notes)


def test_triplication_with_beta_carrier_warns_of_intermedia():
    report = run(alpha=A("aaa_anti3.7", "aa"), variants=[CD8()])
    assert report["alpha"]["status"] == "alpha_triplication"
    assert any("risk of thalassaemia intermedia phenotype" in n for n in report["interpretation"]["notes"])
    assert "ITHA2569" in report["interpretation"]["rules"]


def test_triplication_alone_has_no_intermedia_warning():
    notes = run(alpha=A("aaa_anti3.7", "aa"))["interpretation"]["notes"]
    assert not any("intermedia" in n for n in notes)


def test_xmni_modifier_note():
    notes = run(variants=[hom(CD8()), XMNI()])["interpretation"]["notes"]
    assert any(n.startswith("XmnI-Ggamma -158 (C>T) rs7482144 (HBG2 c.-211C>T, heterozygous): HbF-raising modifier; "
                            "may ameliorate") for n in notes)


def test_summary_is_one_sentence():
    report = run(alpha=A("--SEA", "-a3.7"), variants=[HBE(), CD8()])
    assert report["interpretation"]["summary"] == (
        "Deletional HbH disease (--SEA/-α3.7); HbE/β-thalassaemia (βE/β0); reproductive risk of Hb Bart's hydrops "
        "fetalis if the partner also carries α0-thalassaemia.")


# --------------------------------------------------------------------------------------- rules data
def test_every_beta_category_pair_has_a_rule_with_a_known_status():
    for a in BETA_CATEGORIES:
        for b in BETA_CATEGORIES:
            d = beta_status(a, b)
            assert d.status in BETA_STATUSES
            assert d.status == beta_status(b, a).status
            assert all(k in rules()["sources"] for k in d.sources)


def test_alpha_statuses_emitted_are_in_vocabulary():
    for row in ALPHA_ROWS:
        assert row[3] in ALPHA_STATUSES


def test_shared_table_row_counts_match_the_rows_restated_here():
    path = SHARED / "catalog_truth" / "genotype_phenotype.md"
    if not path.exists():
        pytest.skip("../shared not present")
    text = path.read_text(encoding="utf-8")

    def rows(section: str) -> int:
        body = text.split(section, 1)[1]
        table = re.search(r"\n(\|.*\|\n)+", body).group(0)
        return len([ln for ln in table.strip().splitlines()[2:] if ln.startswith("|")])

    assert rows("### 1b.") == 9
    assert rows("## 2. Beta-globin") == 19  # all 19 are restated in BETA_ROWS (some rows as several cases)
    assert rows("## 4. Couple") == 13


# ------------------------------------------------------------------- contract with the project catalog
def test_every_catalogued_variant_is_understood():
    """Each catalog row, heterozygous on its own, gives a carrier status (never normal, never an error)."""
    from thalgen.catalog import load_small_variants

    seen = 0
    for row in load_small_variants():
        v = var(row.gene, row.hgvs_c, row.common_name, row.variant_class, total=2)
        report = run(variants=[v])
        if row.variant_class == "modifier":
            assert (report["alpha"]["status"], report["beta"]["status"]) == ("normal", "normal")
        elif row.gene == "HBB":
            assert report["beta"]["status"] in {"beta_thal_trait", "beta_silent_carrier", "hbs_trait", "hbc_trait",
                                                "hbe_trait"}, row.common_name
        elif row.variant_class.startswith("alpha"):
            assert report["alpha"]["status"] == "silent_carrier", row.common_name
            assert report["alpha"]["functional_genes"] == 3
        else:  # Hb Westmead: structural α variant, not a lost gene
            assert report["alpha"]["status"] == "normal", row.common_name
        seen += 1
    assert seen >= 80


def test_novel_beta_rearrangement_is_not_assessable_never_normal():
    from thalgen.interpret import interpret
    from thalgen.model import ClusterGenotype

    alpha = ClusterGenotype("alpha", ("aa", "aa"))
    beta = ClusterGenotype("beta", ("novel:del:chr11:5240001-5246000", "B"))
    out = interpret(alpha, beta, [], [])
    assert out["beta"]["status"] == "not_assessable"
    assert "novel:del:chr11:5240001-5246000" in out["beta"]["reason"]
    assert out["beta"]["alleles"][0]["class"] == "novel structural — review"
