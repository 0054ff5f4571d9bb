"""Couple report CLI and HTML: Bart's risk couple, an unassessable partner, bad input."""

from __future__ import annotations

import json

import pytest

from thalgen.cli.main import main as cli
from thalgen.couples import couple_risk
from thalgen.report.couple_html import render_couple

import report_fixtures as F


def _write(tmp_path, report):
    path = tmp_path / f"{report['sample']}.report.json"
    path.write_text(json.dumps(report, ensure_ascii=False))
    return path


def test_barts_risk_couple(tmp_path, capsys):
    a = _write(tmp_path, F.alpha0_carrier_report(tmp_path, "PA"))
    b = _write(tmp_path, F.alpha0_carrier_report(tmp_path, "PB", deletion="--MED"))
    out_json, out_html = tmp_path / "c.json", tmp_path / "c.html"
    assert cli(["couple", "--a", str(a), "--b", str(b), "--json", str(out_json), "--html", str(out_html)]) == 0
    assert capsys.readouterr().out == ("thalgen couple: PA × PB: each pregnancy carries a 25% risk of Hb Bart's "
                                       "hydrops fetalis; genetic counselling and prenatal diagnosis should be offered.\n")
    couple = json.loads(out_json.read_text())
    assert {r["condition"]: r["probability"] for r in couple["risks"]}["Hb Bart's hydrops fetalis"] == 0.25
    html = out_html.read_text().replace("&#39;", "'")
    assert "<td><b>Hb Bart's hydrops fetalis</b></td>" in html
    assert '<span class="pill affected">25%</span>' in html
    assert html.count('<span class="pill ok">0%</span>') == 5
    assert "<b>--MED/--SEA</b>" in html and "Hb Bart's hydrops fetalis genotype" in html
    assert "--SEA/αα · β/β" in html and "--MED/αα · β/β" in html
    assert "RISK NOT DETERMINED" not in html
    assert "<script" not in html


def test_unassessable_partner_gives_no_risk_not_zero(tmp_path):
    a = F.alpha0_carrier_report(tmp_path, "PA")
    b = F.low_coverage_report(tmp_path, "PB")
    html = render_couple(couple_risk(a, b), a, b).replace("&#39;", "'")
    assert "RISK NOT DETERMINED FOR 6 CONDITIONS" in html
    assert html.count('<span class="pill na">not determined</span>') == 6
    assert "α-globin child genotypes not determined" in html
    assert '<div class="gt tone-na">' in html


def test_partners_must_match_and_differ(tmp_path):
    a = F.alpha0_carrier_report(tmp_path, "PA")
    b = F.alpha0_carrier_report(tmp_path, "PB")
    with pytest.raises(ValueError, match="do not match the couple"):
        render_couple(couple_risk(a, b), b, a)
    pa = _write(tmp_path, a)
    assert cli(["couple", "--a", str(pa), "--b", str(pa), "--json", str(tmp_path / "c.json"),
                "--html", str(tmp_path / "c.html")]) == 1
    assert not (tmp_path / "c.json").exists()
