"""Counselling-relevant notes for one sample, worded for the report's interpretation section.

The probabilities quoted here are the ones ``thalgen.couples`` computes from the same rules (autosomal
recessive segregation, one chromosome from each parent); the notes only name the partner results that
would create a risk, so a geneticist can offer partner testing before a couple report exists. Each note
carries the source keys of ``thalgen/data/interpretation_rules.yaml`` it rests on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BETA_CARRIER_STATUSES = {
    "beta_silent_carrier", "beta_thal_trait", "hbs_trait", "hbc_trait", "hbe_trait", "hb_lepore_trait",
    "deltabeta_thal_trait", "hpfh_trait",
}
BETA_AFFECTED_STATUSES = {
    "beta_thal_major", "beta_thal_intermedia", "sickle_cell_anemia", "hbsc_disease", "sickle_beta_thal",
    "hbe_beta_thal",
}
PARTNER_TESTS = "full blood count with MCV/MCH, HbA2/HbF quantification, haemoglobin variant analysis"


@dataclass(frozen=True)
class CounsellingNote:
    text: str
    sources: tuple[str, ...]


def _alpha_chromosomes(alpha: dict[str, Any]) -> tuple[int, int]:
    """(α0 chromosomes, α+ chromosomes) this person can transmit, from the resolved haplotypes."""
    haps = alpha.get("haplotypes") or []
    a0 = sum(1 for h in haps if h.get("functional_genes") == 0)
    aplus = sum(1 for h in haps if h.get("functional_genes") == 1)
    return a0, aplus


def alpha_notes(alpha: dict[str, Any]) -> list[CounsellingNote]:
    status = alpha["status"]
    if status == "not_assessable":
        return [CounsellingNote(
            "The α-globin genotype could not be assessed (" + (alpha.get("reason") or "no reason recorded") + "). "
            "α-thalassaemia carrier status, including α0-thalassaemia, is therefore not excluded: this result must "
            "not be used for reproductive risk assessment until it is resolved by repeat analysis or an orthogonal "
            "method (e.g. gap-PCR or MLPA for α-globin deletions).", ("GR-A",))]
    if status == "hb_barts_hydrops":
        return [CounsellingNote(
            "No functional α-globin gene was found. This genotype is consistent with Hb Bart's hydrops fetalis; "
            "confirm urgently and correlate with the clinical and fetal findings.", ("GR-A", "CHUI98"))]
    a0, aplus = _alpha_chromosomes(alpha)
    notes: list[CounsellingNote] = []
    if status == "hbh_disease":
        notes.append(CounsellingNote(
            "HbH disease is a haemolytic anaemia of variable severity; haematological follow-up is recommended "
            "(transfusion may be needed, e.g. during infection or pregnancy).", ("GR-A", "CHUI03", "FV09")))
    if a0:
        share = "1 in 4" if a0 == 1 else "1 in 2"
        notes.append(CounsellingNote(
            f"This person carries α0-thalassaemia and can transmit it to a child. Partner testing ({PARTNER_TESTS}, "
            "and α-globin gene analysis including the common α0 deletions) should be offered. If the partner also "
            f"carries α0-thalassaemia, each pregnancy has a {share} risk of Hb Bart's hydrops fetalis, which is "
            "usually fatal and carries serious risks for the mother; prenatal diagnosis should then be offered.",
            ("CHUI98", "ASHRISK", "AR-RULE")))
        notes.append(CounsellingNote(
            f"If the partner carries α+-thalassaemia (a single α-gene deletion or a non-deletional variant), each "
            f"pregnancy has a {share} risk of HbH disease" + (" (1 in 2 if the partner is homozygous for α+-thalassaemia)"
                                                   if a0 == 1 else "") + ".", ("ASHRISK", "AR-RULE")))
    elif aplus:
        share = "1 in 4" if aplus == 1 else "1 in 2"
        notes.append(CounsellingNote(
            "This person carries α+-thalassaemia but no α0-thalassaemia chromosome, so cannot contribute to a "
            f"pregnancy with Hb Bart's hydrops fetalis. If the partner carries α0-thalassaemia, each pregnancy has a "
            f"{share} risk of HbH disease; partner testing is recommended where α0-thalassaemia is common in the "
            "partner's ancestry.", ("ASHRISK", "AR-RULE")))
    if status == "alpha_triplication":
        notes.append(CounsellingNote(
            "An α-globin gene triplication causes no anaemia on its own, but co-inherited with a β-thalassaemia "
            "allele it can produce a thalassaemia intermedia phenotype; partner β-thalassaemia status is relevant "
            "for the children.", ("ITHA2569", "PAKTI")))
    return notes


def beta_notes(beta: dict[str, Any]) -> list[CounsellingNote]:
    status = beta["status"]
    if status == "not_assessable":
        return [CounsellingNote(
            "The β-globin genotype could not be assessed (" + (beta.get("reason") or "no reason recorded") + "). "
            "β-thalassaemia and haemoglobin variant carrier status is therefore not excluded: confirm by repeat "
            "analysis or HBB sequencing before any reproductive risk assessment.", ("GR-B",))]
    if status in BETA_AFFECTED_STATUSES:
        return [
            CounsellingNote(
                f"The β-globin genotype ({beta['genotype']}) is consistent with {beta.get('phenotype') or status}. "
                "Referral to a haematologist / haemoglobinopathy centre is recommended; the clinical severity "
                "must be judged from the clinical course, not from the genotype alone.", ("GR-B", "T4")),
            CounsellingNote(
                "Each child of this person inherits one of the two β-globin alleles and is at least a carrier; "
                f"partner testing ({PARTNER_TESTS}) is recommended to assess the risk of an affected child.",
                ("GR-B", "AR-RULE")),
        ]
    if status in BETA_CARRIER_STATUSES:
        notes = [CounsellingNote(
            f"Carrier of a β-globin allele ({beta['genotype']}). Partner testing ({PARTNER_TESTS}) is recommended: "
            "if the partner carries β-thalassaemia, HbE, HbS or another interacting β-globin variant, each "
            "pregnancy has a 1 in 4 risk of a significant β-globin disorder (β-thalassaemia major or intermedia, "
            "HbE/β-thalassaemia or sickle cell disease), and prenatal diagnosis should then be offered.",
            ("GR-B", "AR-RULE", "T4"))]
        if status == "beta_silent_carrier":
            notes.append(CounsellingNote(
                "Silent β-thalassaemia alleles may give normal or borderline red-cell indices and HbA2: a normal "
                "haematological screen does not exclude this carrier state in relatives or partners.",
                ("GR-B", "T4")))
        return notes
    return []


def counselling_notes(report: dict[str, Any]) -> list[CounsellingNote]:
    """All counselling notes for a sample: α first, then β."""
    return alpha_notes(report["alpha"]) + beta_notes(report["beta"])
