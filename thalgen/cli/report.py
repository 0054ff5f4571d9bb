"""``thalgen report``: assemble report.json (calls + copy number + interpretation) and render report.html."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from thalgen.cli.common import check_sample_id
from thalgen.coverage import DEFAULT_MIN_MAPQ, DEFAULT_THRESHOLD, coverage_json, exon_coverage
from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable
from thalgen.locus import LocusReference
from thalgen.report.build import build_report
from thalgen.report.html import png_data_uri, render_report
from thalgen.report.validate_schema import ReportSchemaError, validate_report

HELP = "write the per-sample report (JSON for machines, HTML for people)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, help="locus reference directory")
    parser.add_argument("--sample", required=True)
    parser.add_argument("--calls", required=True, help="calls JSON from `thalgen call`")
    parser.add_argument("--copy-number", help="copy-number JSON from `thalgen cnv call`")
    parser.add_argument("--align-stats", help="alignment counts JSON from `thalgen align --stats`")
    parser.add_argument("--phase", help="read-backed phase JSON (long reads, `thalgen longread call --phase-json`)")
    parser.add_argument("--bam", help="the sample's BAM: adds the per-exon coverage table (HBB, HBA2, HBA1)")
    parser.add_argument("--cn-png", help="copy-number plot (PNG) to embed in the HTML")
    parser.add_argument("--run", help="sequencing run id, shown on the report")
    parser.add_argument("--info", action="append", default=[], metavar="KEY=VALUE", help="sample-sheet facts to record (platform, assay, run ...)")
    parser.add_argument("--json", required=True, help="output report.json")
    parser.add_argument("--html", required=True, help="output report.html")


def parse_info(items: list[str]) -> dict[str, str]:
    info = {}
    for item in items:
        if "=" not in item or not item.split("=", 1)[0].strip():
            raise InputError("--info", f"{item!r} is not KEY=VALUE")
        key, value = item.split("=", 1)
        info[key.strip()] = value.strip()
    return info


def main(args: argparse.Namespace) -> int:
    check_sample_id(args.sample)
    ref = LocusReference.load(args.reference)
    info = parse_info(args.info)
    png = None
    if args.cn_png:
        png = require_readable(args.cn_png).read_bytes()
        try:
            png_data_uri(png)
        except ValueError:
            raise InputError(args.cn_png, "not a PNG image") from None
    report = build_report(args.sample, ref, args.calls, args.copy_number, args.align_stats, info, args.phase)
    run = args.run or info.get("run")
    if run:
        report["run"] = run
    if args.bam:
        report["coverage"] = coverage_json(exon_coverage(args.bam, ref), DEFAULT_THRESHOLD, DEFAULT_MIN_MAPQ)
    if args.cn_png:
        report["plots"] = {"copy_number": Path(args.cn_png).name}
    try:
        validate_report(report)
    except ReportSchemaError as exc:
        raise InputError(args.json, f"the assembled report does not match the report.json schema at {exc.path}: "
                                    f"{exc.problem} (a thalgen bug; nothing was written)") from None
    html = render_report(report, png)
    with atomic_write_text(args.json) as fh:
        json.dump(report, fh, indent=2, sort_keys=True, ensure_ascii=False)
        fh.write("\n")
    with atomic_write_text(args.html) as fh:
        fh.write(html)
    print(f"{args.sample}: alpha {report['alpha']['status']}, beta {report['beta']['status']} -> {args.json}")
    return 0
