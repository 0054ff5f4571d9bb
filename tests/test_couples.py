"""Couple risk over every row of the truth notes' couple table (§4), plus unresolved/unassessable partners."""

from __future__ import annotations

import json

import pytest

from thalgen.couples import couple_risk, write_couple_json
from thalgen.interpret import interpret
from thalgen.model import ClusterGenotype, VariantCall


def var(gene: str, hgvs: str, name: str, cls: str, zyg: str = "heterozygous", total: int = 2) -> VariantCall:
    alt = total if zyg == "homozygous" else 1
    return VariantCall(chrom="chr11" if gene == "HBB" else "chr16", pos1=1000, ref="A", alt="T", gene=gene,
                       transcript="", hgvs_c=hgvs, hgvs_p="", zygosity=zyg, alt_copies=alt, total_copies=total,
                       depth=40, ref_depth=20, alt_depth=20, alt_fraction=alt / total, quality=99.0,
                       genotype_quality=60, catalog_id=name, common_name=name, variant_class=cls, in_catalog=True)


CD8 = var("HBB", "c.25_26del", "CD8 (-AA)", "beta0")
IVS1_110 = var("HBB", "c.93-21G>A", "IVS-I-110 (G>A)", "beta+")
HBE = var("HBB", "c.79G>A", "HbE", "structural_thalassemic")
HBS = var("HBB", "c.20A>T", "HbS", "structural")
HBC = var("HBB", "c.19G>A", "HbC", "structural")
CS_HET = var("HBA2", "c.427T>C", "Hb Constant Spring", "alpha+")


def sample(name: str, alpha: tuple[str, str] | None = ("aa", "aa"), variants=(), alternatives=()) -> dict:
    a = ClusterGenotype("alpha", alpha, alternatives=list(alternatives)) if alpha else None
    report = interpret(a, ClusterGenotype("beta", ("B", "B")), list(variants), [])
    report["sample"] = name
    return report


def risk(result: dict, condition: str) -> float | None:
    return {r["condition"]: r["probability"] for r in result["risks"]}[condition]


BARTS, HBH = "Hb Bart's hydrops fetalis", "HbH disease"
MAJOR, INTER, HBE_B, SCD = "β-thalassaemia major", "β-thalassaemia intermedia", "HbE/β-thalassaemia", "sickle cell disease"

# (row, partner A, partner B, {condition: probability}) — conditions not listed must be 0
COUPLE_ROWS = [
    ("β carrier × β carrier (β0 × β0)", dict(variants=[CD8]), dict(variants=[CD8]), {MAJOR: 0.25}),
    ("β carrier × β carrier (β0 × severe β+)", dict(variants=[CD8]), dict(variants=[IVS1_110]), {MAJOR: 0.25}),
    ("β carrier × HbE carrier", dict(variants=[CD8]), dict(variants=[HBE]), {HBE_B: 0.25}),
    ("β carrier × HbS carrier", dict(variants=[CD8]), dict(variants=[HBS]), {SCD: 0.25}),
    ("HbS × HbS", dict(variants=[HBS]), dict(variants=[HBS]), {SCD: 0.25}),
    ("HbS × HbC", dict(variants=[HBS]), dict(variants=[HBC]), {SCD: 0.25}),
    ("α0 × α0", dict(alpha=("--SEA", "aa")), dict(alpha=("--SEA", "aa")), {BARTS: 0.25}),
    ("α0 × α+", dict(alpha=("--SEA", "aa")), dict(alpha=("-a3.7", "aa")), {HBH: 0.25}),
    ("α0 × -α/-α", dict(alpha=("--SEA", "aa")), dict(alpha=("-a3.7", "-a3.7")), {HBH: 0.5}),
    ("HbH × α0", dict(alpha=("--SEA", "-a3.7")), dict(alpha=("--MED", "aa")), {HBH: 0.25, BARTS: 0.25}),
    ("HbH × α+", dict(alpha=("--SEA", "-a3.7")), dict(alpha=("-a4.2", "aa")), {HBH: 0.25}),
    ("HbH × -α/-α", dict(alpha=("--SEA", "-a3.7")), dict(alpha=("-a3.7", "-a3.7")), {HBH: 0.5}),
    ("HbH × HbH", dict(alpha=("--SEA", "-a3.7")), dict(alpha=("--SEA", "-a3.7")), {HBH: 0.5, BARTS: 0.25}),
    ("-α/-α × non-α0", dict(alpha=("-a3.7", "-a3.7")), dict(alpha=("-a3.7", "aa")), {}),
    ("α0 × HbCS carrier", dict(alpha=("--SEA", "aa")), dict(alpha=("aa", "aa"), variants=[CS_HET]), {HBH: 0.25}),
]


@pytest.mark.parametrize("row", COUPLE_ROWS, ids=[r[0] for r in COUPLE_ROWS])
def test_couple_table(row):
    _, pa, pb, expected = row
    result = couple_risk(sample("A", **pa), sample("B", **pb))
    for condition in (BARTS, HBH, MAJOR, INTER, HBE_B, SCD):
        assert risk(result, condition) == expected.get(condition, 0.0), condition
    assert abs(sum(c["probability"] for c in result["child_genotypes"]) - 1.0) < 1e-12


def test_sea_carrier_couple_child_distribution_and_wording():
    result = couple_risk(sample("A", alpha=("--SEA", "aa")), sample("B", alpha=("aa", "--SEA")))
    assert result["child_alpha"][0]["genotypes"] == [
        {"genotype": "--SEA/αα", "genotype_ascii": "--SEA/aa", "status": "alpha0_trait", "functional_genes": 2,
         "notes": [], "probability": 0.5},
        {"genotype": "--SEA/--SEA", "genotype_ascii": "--SEA/--SEA", "status": "hb_barts_hydrops",
         "functional_genes": 0, "notes": [], "probability": 0.25},
        {"genotype": "αα/αα", "genotype_ascii": "aa/aa", "status": "normal", "functional_genes": 4, "notes": [],
         "probability": 0.25},
    ]
    barts = next(r for r in result["risks"] if r["condition"] == BARTS)
    assert barts["wording"].startswith("In each pregnancy there is a 1 in 4 (25%) chance that the fetus inherits an "
                                       "α0-thalassaemia chromosome from both parents (--/--)")
    assert result["summary"] == ("A × B: each pregnancy carries a 25% risk of Hb Bart's hydrops fetalis; genetic "
                                 "counselling and prenatal diagnosis should be offered.")
    assert [t["haplotype"] for t in result["transmissible"]["A"]["alpha"]] == ["--SEA", "αα"]


def test_sea_by_homozygous_3p7_has_no_barts_risk():
    result = couple_risk(sample("A", alpha=("--SEA", "aa")), sample("B", alpha=("-a3.7", "-a3.7")))
    assert risk(result, BARTS) == 0.0
    assert risk(result, HBH) == 0.5
    barts = next(r for r in result["risks"] if r["condition"] == BARTS)
    assert barts["wording"] == "No risk of Hb Bart's hydrops fetalis was found for this couple's children."


def test_hb_h_cs_risk_is_worded_as_non_deletional():
    result = couple_risk(sample("A", alpha=("--SEA", "aa")), sample("B", variants=[CS_HET]))
    hbh = next(r for r in result["risks"] if r["condition"] == HBH)
    assert hbh["wording"].endswith("offered. --SEA/αCSα (25%): non-deletional HbH disease (e.g. Hb H-Constant "
                                   "Spring): more severe than deletional HbH, may be transfusion-dependent.")
    genotypes = {g["genotype"]: g["probability"] for g in result["child_alpha"][0]["genotypes"]}
    assert genotypes == {"--SEA/αCSα": 0.25, "--SEA/αα": 0.25, "αCSα/αα": 0.25, "αα/αα": 0.25}


def test_joint_child_genotypes_multiply_clusters():
    result = couple_risk(sample("A", alpha=("--SEA", "aa"), variants=[CD8]),
                         sample("B", alpha=("--SEA", "aa"), variants=[CD8]))
    top = result["child_genotypes"][0]
    assert (top["alpha"], top["beta"], top["probability"]) == ("--SEA/αα", "β0/β", 0.25)
    assert len(result["child_genotypes"]) == 9
    joint = {(c["alpha_status"], c["beta_status"]): c["probability"] for c in result["child_genotypes"]}
    assert joint[("hb_barts_hydrops", "beta_thal_major")] == 0.0625


def test_unassessable_partner_never_gives_no_risk():
    result = couple_risk(sample("A", alpha=None), sample("B", alpha=("--SEA", "aa")))
    barts = next(r for r in result["risks"] if r["condition"] == BARTS)
    assert barts["probability"] is None
    assert barts["wording"] == ("The risk of Hb Bart's hydrops fetalis cannot be assessed: A's α-globin genotype is "
                                "not assessable (alpha-globin copy number not assessed). A risk cannot be excluded "
                                "until this is resolved.")
    assert risk(result, MAJOR) == 0.0
    assert result["summary"].endswith("not determined: Hb Bart's hydrops fetalis, HbH disease.")
    assert all(c["alpha"] is None for c in result["child_genotypes"])


def test_unresolved_cis_trans_partner_gives_risk_per_alternative():
    a = sample("A", alpha=("--SEA", "aa"), alternatives=[("-a3.7", "-a3.7")])
    result = couple_risk(a, sample("B", alpha=("--SEA", "aa")))
    barts = next(r for r in result["risks"] if r["condition"] == BARTS)
    assert barts["probability"] is None
    assert barts["range"] == [0.0, 0.25]
    assert barts["scenarios"] == [
        {"partners": "A is --SEA/αα and B is --SEA/αα", "probability": 0.25},
        {"partners": "A is -α3.7/-α3.7 and B is --SEA/αα", "probability": 0.0},
    ]
    assert "1 in 4 (25%) if A is --SEA/αα and B is --SEA/αα" in barts["wording"]
    assert any("α-globin genotype unresolved" in n for n in result["notes"])


def test_write_couple_json_roundtrip(tmp_path):
    result = couple_risk(sample("A", variants=[HBS]), sample("B", variants=[HBS]))
    out = tmp_path / "couples" / "A__B.report.json"
    write_couple_json(out, result)
    assert json.loads(out.read_text(encoding="utf-8")) == result
    assert [p.name for p in out.parent.iterdir()] == ["A__B.report.json"]
