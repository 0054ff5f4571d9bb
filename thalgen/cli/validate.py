"""``thalgen validate``: concordance of report.json results with truth; exit 1 on any discordance."""

from __future__ import annotations

import argparse

from thalgen.fileio import atomic_write_text
from thalgen.validate import fmt_rate, format_table, render_html, truth_files, validate, write_details_tsv, write_tsv

HELP = "compare results (report.json) with reference-sample truth; print the concordance table; fail on discordance"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--truth-dir", help="directory of *.truth.json (e.g. from `thalgen simulate`)")
    parser.add_argument("--truth", nargs="+", default=[], metavar="TRUTH_JSON", help="truth files, one per sample")
    parser.add_argument("--results-dir", required=True, help="workflow outdir holding {sample}/{sample}.report.json")
    parser.add_argument("--tsv", help="write the concordance table (per class, per sample, overall) as TSV")
    parser.add_argument("--details", help="write every check (sample, class, item, expected, reported, outcome) as TSV")
    parser.add_argument("--html", help="write the validation report (self-contained HTML)")
    parser.add_argument("--title", default="thalgen validation report", help="title of the HTML report")
    parser.add_argument("--max-no-call-rate", type=float, default=None, metavar="FRACTION",
                        help="also fail when unexpected no-calls exceed this fraction of checks (default: report only)")


def main(args: argparse.Namespace) -> int:
    result = validate(truth_files(args.truth_dir, args.truth), args.results_dir)
    print(format_table(result))
    if args.tsv:
        write_tsv(result, args.tsv)
    if args.details:
        write_details_tsv(result, args.details)
    if args.html:
        with atomic_write_text(args.html) as fh:
            fh.write(render_html(result, args.title))
    ok = result.passed
    if args.max_no_call_rate is not None:
        num, den = result.overall.no_call_rate
        if den and num / den > args.max_no_call_rate:
            print(f"no-call rate {fmt_rate((num, den))} exceeds --max-no-call-rate {args.max_no_call_rate}")
            ok = False
    return 0 if ok else 1
