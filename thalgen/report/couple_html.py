"""Render a couple (reproductive risk) report in the same visual language as the sample report.

Input is ``thalgen.couples.couple_risk`` output plus both partners' report.json dictionaries (for their
genotypes, statuses and not-assessable flags). A risk that could not be determined is shown as such,
in the same red banner the sample report uses, never as "no risk".
"""

from __future__ import annotations

from typing import Any

from thalgen.report.html import (
    ALPHA_STATUS_WORDS,
    BETA_STATUS_WORDS,
    assessment_flags,
    render_template,
    rule_link,
    status_view,
)


def _percent(p: float | None) -> str:
    if p is None:
        return "not determined"
    return f"{p * 100:g}%"


def risk_rows(couple: dict[str, Any]) -> list[dict[str, Any]]:
    rows = []
    for r in couple["risks"]:
        p = r.get("probability")
        if p is None and r.get("range"):
            text = f"{r['range'][0] * 100:g}–{r['range'][1] * 100:g}% (unresolved)"
            tone = "na"
        elif p is None:
            text, tone = "not determined", "na"
        else:
            text, tone = _percent(p), ("affected" if p > 0 else "ok")
        rows.append({"condition": r["condition"], "probability": text, "tone": tone, "wording": r["wording"],
                     "sources": [rule_link(k) for k in r.get("sources", [])]})
    return rows


def partner_views(couple: dict[str, Any], a: dict[str, Any], b: dict[str, Any]) -> list[dict[str, Any]]:
    views = []
    for report in (a, b):
        views.append({"r": report, "status": status_view(report),
                      "flags": [f for f in assessment_flags(report) if f["level"] in ("na", "qcfail")]})
    return views


def render_couple(couple: dict[str, Any], a: dict[str, Any], b: dict[str, Any], generated_at: str = "") -> str:
    """HTML for a couple report; ``a`` and ``b`` are the partners' report.json dicts, in couple order."""
    if [a["sample"], b["sample"]] != couple["partners"]:
        raise ValueError(f"partner reports {a['sample']}, {b['sample']} do not match the couple {couple['partners']}")
    rows = risk_rows(couple)
    open_risks = [r for r in rows if r["tone"] == "na"]
    at_risk = [r for r in rows if r["tone"] == "affected"]
    return render_template("couple.html", c=couple, partners=partner_views(couple, a, b), risks=rows,
                           open_risks=open_risks, at_risk=at_risk, generated_at=generated_at,
                           percent=_percent, alpha_words=ALPHA_STATUS_WORDS, beta_words=BETA_STATUS_WORDS)
