"""Couple (reproductive) risk from two partners' per-sample reports.

Each partner transmits one chromosome 16 and one chromosome 11 with probability 1/2 each (autosomal
recessive segregation); the four gamete combinations per cluster give the child genotypes, and each child
genotype is classified with the same rules as a sample (``thalgen.interpret.alpha_status`` and
``beta_status``), so couple risks can never disagree with single-sample statuses.

A cluster that is not assessable in a partner gives no probability for the risks of that cluster (never
"no risk"); an unresolved cis/trans alpha genotype gives the risk under each alternative.
"""

from __future__ import annotations

import itertools
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from thalgen.fileio import atomic_write_text
from thalgen.interpret import (
    AlphaChrom,
    alpha_genotype_strings,
    alpha_status,
    beta_genotype_string,
    beta_status,
    chrom_pairs,
)

#: The conditions a couple report always states, with the child statuses that make them.
ALPHA_CONDITIONS = (
    ("Hb Bart's hydrops fetalis", {"hb_barts_hydrops"}),
    ("HbH disease", {"hbh_disease"}),
)
BETA_CONDITIONS = (
    ("β-thalassaemia major", {"beta_thal_major"}),
    ("β-thalassaemia intermedia", {"beta_thal_intermedia"}),
    ("HbE/β-thalassaemia", {"hbe_beta_thal"}),
    ("sickle cell disease", {"sickle_cell_anemia", "hbsc_disease", "sickle_beta_thal"}),
)
#: What each condition means, for the counselling sentence (sources: genotype_phenotype.md §1b, §2, §4).
CONDITION_TEXT = {
    "Hb Bart's hydrops fetalis": ("the fetus inherits an α0-thalassaemia chromosome from both parents (--/--) and "
                                  "has Hb Bart's hydrops fetalis, usually fatal before or shortly after birth"),
    "HbH disease": ("the child has HbH disease (only one working α-globin gene), a thalassaemia intermedia-like "
                    "anaemia of variable severity"),
    "β-thalassaemia major": ("the child inherits a severe β-thalassaemia allele from each parent and has "
                             "β-thalassaemia major (transfusion-dependent from infancy)"),
    "β-thalassaemia intermedia": ("the child has β-thalassaemia intermedia (non-transfusion-dependent to "
                                  "transfusion-dependent; severity varies)"),
    "HbE/β-thalassaemia": ("the child has HbE/β-thalassaemia, ranging from mild anaemia to transfusion-dependent "
                           "thalassaemia"),
    "sickle cell disease": "the child has a sickle cell disease",
}
SOURCES = {
    "Hb Bart's hydrops fetalis": ["CHUI98", "ASHRISK"],
    "HbH disease": ["ASHRISK", "FV09"],
    "β-thalassaemia major": ["T4", "AR-RULE"],
    "β-thalassaemia intermedia": ["T4", "AR-RULE"],
    "HbE/β-thalassaemia": ["HBE-REVIEW", "AR-RULE"],
    "sickle cell disease": ["AR-RULE"],
}
HALF = Fraction(1, 2)


def _fraction_text(p: Fraction) -> str:
    return f"{p.numerator} in {p.denominator} ({float(p) * 100:g}%)"


# --------------------------------------------------------------------------------------------- alpha
def _alpha_distribution(pa: tuple[AlphaChrom, AlphaChrom], pb: tuple[AlphaChrom, AlphaChrom]
                        ) -> list[dict[str, Any]]:
    """Child alpha genotypes and statuses from one genotype per partner (4 gamete combinations)."""
    acc: dict[str, dict[str, Any]] = {}
    for ca, cb in itertools.product(pa, pb):
        child = (ca, cb)
        genotype, genotype_ascii = alpha_genotype_strings(child)
        d = alpha_status(child)
        entry = acc.setdefault(genotype, {"genotype": genotype, "genotype_ascii": genotype_ascii, "status": d.status,
                                          "functional_genes": ca.functional + cb.functional,
                                          "notes": list(d.notes), "p": Fraction(0)})
        entry["p"] += HALF * HALF
    return sorted(acc.values(), key=lambda e: (-e["p"], e["genotype"]))


def _beta_distribution(ha: list[dict[str, Any]], hb: list[dict[str, Any]]) -> list[dict[str, Any]]:
    acc: dict[str, dict[str, Any]] = {}
    for xa, xb in itertools.product(ha, hb):
        genotype = beta_genotype_string(xa["category"], xb["category"])
        d = beta_status(xa["category"], xb["category"])
        entry = acc.setdefault(genotype, {"genotype": genotype, "status": d.status, "phenotype": d.phenotype,
                                          "p": Fraction(0)})
        entry["p"] += HALF * HALF
    return sorted(acc.values(), key=lambda e: (-e["p"], e["genotype"]))


def _transmissible_alpha(part: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    for pair in chrom_pairs(part):
        genotype = alpha_genotype_strings(pair)[0]
        for ch in pair:
            out.append({"genotype": genotype, "haplotype": ch.unicode, "haplotype_ascii": ch.ascii,
                        "functional_genes": ch.functional, "alpha0": ch.functional == 0, "probability": 0.5})
    return out


def _transmissible_beta(part: dict[str, Any]) -> list[dict[str, Any]]:
    return [{"allele": h["label"], "category": h["category"], "names": h["names"], "probability": 0.5}
            for h in part.get("haplotypes") or []]


# -------------------------------------------------------------------------------------------- risks
def _risk_entry(condition: str, scenarios: list[tuple[str, Fraction, list[str]]], unassessable: list[str]
                ) -> dict[str, Any]:
    """One condition's risk: a probability when determined, else the reason or the range over scenarios."""
    entry: dict[str, Any] = {"condition": condition, "probability": None, "sources": SOURCES[condition]}
    if unassessable:
        entry["wording"] = (f"The risk of {condition} cannot be assessed: " + "; ".join(unassessable)
                            + ". A risk cannot be excluded until this is resolved.")
        return entry
    probs = {p for _, p, _ in scenarios}
    extra = sorted({n for _, p, notes in scenarios if p > 0 for n in notes})
    if len(probs) == 1:
        p = probs.pop()
        entry["probability"] = float(p)
        if p == 0:
            entry["wording"] = f"No risk of {condition} was found for this couple's children."
        else:
            entry["wording"] = (f"In each pregnancy there is a {_fraction_text(p)} chance that "
                                f"{CONDITION_TEXT[condition]}; genetic counselling and prenatal diagnosis should be "
                                "offered.")
        if extra:
            entry["wording"] += " " + " ".join(n + "." for n in extra)
        return entry
    entry["range"] = [float(min(probs)), float(max(probs))]
    entry["scenarios"] = [{"partners": label, "probability": float(p)} for label, p, _ in scenarios]
    entry["wording"] = (f"The risk of {condition} depends on an unresolved genotype: "
                        + "; ".join(f"{_fraction_text(p)} if {label}" for label, p, _ in scenarios)
                        + ". Resolve it (e.g. gap-PCR or family study) before counselling.")
    return entry


def couple_risk(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    """Reproductive risk for partners ``a`` and ``b`` (per-sample report dicts with sample/alpha/beta)."""
    names = [a["sample"], b["sample"]]
    notes: list[str] = []

    # ---- alpha: one distribution per combination of the partners' possible genotypes
    alpha_pairs = [chrom_pairs(a["alpha"]), chrom_pairs(b["alpha"])]
    alpha_unassessable = [f"{n}'s α-globin genotype is not assessable ({p['alpha'].get('reason') or 'no reason'})"
                          for n, p, pairs in zip(names, (a, b), alpha_pairs) if not pairs]
    alpha_scenarios: list[tuple[str, list[dict[str, Any]]]] = []
    if not alpha_unassessable:
        for pa, pb in itertools.product(*alpha_pairs):
            label = f"{names[0]} is {alpha_genotype_strings(pa)[0]} and {names[1]} is {alpha_genotype_strings(pb)[0]}"
            alpha_scenarios.append((label, _alpha_distribution(pa, pb)))
        for n, pairs in zip(names, alpha_pairs):
            if len(pairs) > 1:
                notes.append(f"{n}: α-globin genotype unresolved (" + " or ".join(
                    alpha_genotype_strings(p)[0] for p in pairs) + "); risks are given for each alternative")

    # ---- beta
    beta_haps = [a["beta"].get("haplotypes") or [], b["beta"].get("haplotypes") or []]
    beta_unassessable = [f"{n}'s β-globin genotype is not assessable ({p['beta'].get('reason') or 'no reason'})"
                         for n, p, h in zip(names, (a, b), beta_haps) if not h or p["beta"]["status"] == "not_assessable"]
    beta_dist = _beta_distribution(*beta_haps) if not beta_unassessable else []
    for n, p in zip(names, (a, b)):
        for note in p.get("interpretation", {}).get("notes", []):
            if note.startswith(("β: beta-cluster deletions", "β: second β allele not fully assessed")):
                notes.append(f"{n}: {note[3:]}")

    # ---- risks
    risks = []
    for condition, statuses in ALPHA_CONDITIONS:
        scen = [(label, sum((e["p"] for e in dist if e["status"] in statuses), Fraction(0)),
                 [f"{e['genotype']} ({float(e['p']) * 100:g}%): {n}" for e in dist if e["status"] in statuses
                  for n in e["notes"]])
                for label, dist in alpha_scenarios]
        risks.append(_risk_entry(condition, scen, alpha_unassessable))
    for condition, statuses in BETA_CONDITIONS:
        p = sum((e["p"] for e in beta_dist if e["status"] in statuses), Fraction(0))
        risks.append(_risk_entry(condition, [("", p, [])], beta_unassessable))

    # ---- joint child genotypes (clusters segregate independently: chr16 and chr11)
    child: list[dict[str, Any]] = []
    alpha_dist = alpha_scenarios[0][1] if len(alpha_scenarios) == 1 else None
    alpha_rows = alpha_dist or [{"genotype": None, "status": "not_assessable", "p": Fraction(1)}]
    beta_rows = beta_dist or [{"genotype": None, "status": "not_assessable", "p": Fraction(1)}]
    for ea, eb in itertools.product(alpha_rows, beta_rows):
        child.append({"alpha": ea["genotype"], "alpha_status": ea["status"], "beta": eb["genotype"],
                      "beta_status": eb["status"], "probability": float(ea["p"] * eb["p"])})
    child.sort(key=lambda c: (-c["probability"], c["alpha"] or "", c["beta"] or ""))

    return {
        "partners": names,
        "transmissible": {n: {"alpha": _transmissible_alpha(p["alpha"]), "beta": _transmissible_beta(p["beta"])}
                          for n, p in zip(names, (a, b))},
        "child_alpha": [{"scenario": label, "genotypes": [_public(e) for e in dist]} for label, dist in alpha_scenarios],
        "child_beta": [_public(e) for e in beta_dist],
        "child_genotypes": child,
        "risks": risks,
        "summary": _summary(names, risks),
        "notes": notes,
    }


def _public(e: dict[str, Any]) -> dict[str, Any]:
    out = {k: v for k, v in e.items() if k != "p"}
    out["probability"] = float(e["p"])
    return out


def _summary(names: list[str], risks: list[dict[str, Any]]) -> str:
    found = [r for r in risks if r["probability"]]
    open_ = [r for r in risks if r["probability"] is None]
    couple = f"{names[0]} × {names[1]}"
    if found:
        text = f"{couple}: each pregnancy carries " + " and ".join(
            f"a {r['probability'] * 100:g}% risk of {r['condition']}" for r in found)
        text += "; genetic counselling and prenatal diagnosis should be offered"
    else:
        text = f"{couple}: no risk of a severe α- or β-globin disorder was found for their children"
        if open_:
            text += " among the conditions that could be assessed"
    if open_:
        text += "; not determined: " + ", ".join(r["condition"] for r in open_)
    return text + "."


def write_couple_json(path: str | Path, report: dict[str, Any]) -> None:
    """Write a couple report atomically (UTF-8, stable key order)."""
    with atomic_write_text(path) as handle:
        handle.write(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
