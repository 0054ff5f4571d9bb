"""``thalgen couple``: reproductive risk for two partners from their report.json files (JSON + HTML)."""

from __future__ import annotations

import argparse
import datetime as _dt

from thalgen.couples import couple_risk, write_couple_json
from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text
from thalgen.report.couple_html import render_couple
from thalgen.report.summary import load_report

HELP = "couple report: risk of Hb Bart's, HbH, β-thalassaemia and sickle disease for two partners' children"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--a", required=True, metavar="A.report.json", help="first partner's report.json")
    parser.add_argument("--b", required=True, metavar="B.report.json", help="second partner's report.json")
    parser.add_argument("--json", required=True, help="output couple JSON")
    parser.add_argument("--html", required=True, help="output couple HTML")


def main(args: argparse.Namespace) -> int:
    a, b = load_report(args.a), load_report(args.b)
    if a["sample"] == b["sample"]:
        raise InputError(args.b, f"both reports are for sample {a['sample']!r}: a couple needs two people")
    couple = couple_risk(a, b)
    generated_at = _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat()
    html = render_couple(couple, a, b, generated_at)
    write_couple_json(args.json, couple)
    with atomic_write_text(args.html) as fh:
        fh.write(html)
    print(f"thalgen couple: {couple['summary']}")
    return 0
