"""``thalgen report``: assemble report.json (calls + copy number + interpretation) and render report.html."""

from __future__ import annotations

import argparse
import json

from thalgen.cli.common import check_sample_id
from thalgen.fileio import atomic_write_text
from thalgen.locus import LocusReference
from thalgen.report.build import build_report
from thalgen.report.html import render_report

HELP = "write the per-sample report (JSON for machines, HTML for people)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, help="locus reference directory")
    parser.add_argument("--sample", required=True)
    parser.add_argument("--calls", required=True, help="calls JSON from `thalgen call`")
    parser.add_argument("--copy-number", help="copy-number JSON from `thalgen cnv call`")
    parser.add_argument("--align-stats", help="alignment counts JSON from `thalgen align --stats`")
    parser.add_argument("--info", action="append", default=[], metavar="KEY=VALUE", help="sample-sheet facts to record (platform, assay, run ...)")
    parser.add_argument("--json", required=True, help="output report.json")
    parser.add_argument("--html", required=True, help="output report.html")


def main(args: argparse.Namespace) -> int:
    check_sample_id(args.sample)
    ref = LocusReference.load(args.reference)
    info = dict(item.split("=", 1) for item in args.info if "=" in item)
    report = build_report(args.sample, ref, args.calls, args.copy_number, args.align_stats, info)
    html = render_report(report)
    with atomic_write_text(args.json) as fh:
        json.dump(report, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    with atomic_write_text(args.html) as fh:
        fh.write(html)
    print(f"{args.sample}: alpha {report['alpha']['status']}, beta {report['beta']['status']} -> {args.json}")
    return 0
