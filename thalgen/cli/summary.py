"""``thalgen summary``: one row per sample of a run (TSV, sortable HTML) and MultiQC custom content."""

from __future__ import annotations

import argparse
from pathlib import Path

from thalgen.errors import InputError
from thalgen.report.summary import (
    multiqc_genstats,
    multiqc_table,
    parse_failed,
    render_summary_html,
    summary_rows,
    summary_tsv,
    write_text,
)

HELP = "summarise a run: summary.tsv, summary.html (links to each report) and MultiQC custom-content files"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--outdir", required=True, help="run output directory (default place of the outputs)")
    parser.add_argument("--reports", nargs="*", default=[], metavar="REPORT_JSON", help="the run's report.json files")
    parser.add_argument("--failed", action="append", default=[], metavar="SAMPLE=REASON",
                        help="a sample that produced no report, with the reason (repeatable)")
    parser.add_argument("--run", default="", help="run id shown in the summary")
    parser.add_argument("--tsv", help="summary TSV (default OUTDIR/summary.tsv)")
    parser.add_argument("--html", help="summary HTML (default OUTDIR/summary.html)")
    parser.add_argument("--multiqc", help="MultiQC table file, must end in _mqc.tsv (default OUTDIR/multiqc/thalgen_mqc.tsv)")
    parser.add_argument("--multiqc-genstats", help="MultiQC General Statistics file, must end in _mqc.tsv "
                                                   "(default OUTDIR/multiqc/thalgen_generalstats_mqc.tsv)")


def _mqc_path(value: str | None, default: Path, flag: str) -> Path:
    path = Path(value) if value else default
    if not path.name.endswith("_mqc.tsv"):
        raise InputError(flag, f"{path}: MultiQC finds custom content only in files named *_mqc.tsv")
    return path


def main(args: argparse.Namespace) -> int:
    outdir = Path(args.outdir)
    tsv = Path(args.tsv) if args.tsv else outdir / "summary.tsv"
    html = Path(args.html) if args.html else outdir / "summary.html"
    mqc = _mqc_path(args.multiqc, outdir / "multiqc" / "thalgen_mqc.tsv", "--multiqc")
    genstats = _mqc_path(args.multiqc_genstats, outdir / "multiqc" / "thalgen_generalstats_mqc.tsv",
                         "--multiqc-genstats")
    failed = parse_failed(args.failed)
    rows = summary_rows(args.reports, failed, html.resolve().parent)
    if not rows:
        raise InputError("--reports", "no reports and no failed samples: nothing to summarise")
    write_text(tsv, summary_tsv(rows))
    write_text(html, render_summary_html(rows, args.run))
    write_text(mqc, multiqc_table(rows))
    write_text(genstats, multiqc_genstats(rows))
    n_failed = sum(1 for r in rows if r.result == "failed")
    print(f"thalgen summary: {len(rows)} samples ({n_failed} failed) -> {tsv}, {html}")
    return 0
