"""Batch outputs for one run: summary.tsv, a sortable summary.html, and MultiQC custom-content files.

One row per sample of the run, including samples that failed before a report existed (with the
reason), so the lab sees every sample it loaded. Reports are validated against the schema when read:
a summary built from a malformed report would silently misreport a genotype.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable
from thalgen.report.html import (
    ALPHA_STATUS_WORDS,
    ALPHA_TONE,
    BETA_STATUS_WORDS,
    BETA_TONE,
    assessment_flags,
    finding_names,
    render_template,
)
from thalgen.report.validate_schema import ReportSchemaError, validate_report

ALPHA_DEPTH_GENES = ("HBA2", "HBA1")
BETA_DEPTH_GENES = ("HBB",)
TSV_COLUMNS = (
    "sample", "result", "qc_status", "qc_reasons", "mean_depth_beta", "mean_depth_alpha", "alpha_genotype",
    "alpha_status", "beta_genotype", "beta_status", "findings", "not_assessable", "conclusion", "report",
)


@dataclass
class SummaryRow:
    """One sample of the run as the summary shows it; ``result`` is "reported" or "failed"."""

    sample: str
    result: str
    qc_status: str
    qc_reasons: list[str] = field(default_factory=list)
    mean_depth_beta: float | None = None
    mean_depth_alpha: float | None = None
    alpha_genotype: str = ""
    alpha_status: str = ""
    beta_genotype: str = ""
    beta_status: str = ""
    findings: list[str] = field(default_factory=list)
    not_assessable: list[str] = field(default_factory=list)
    conclusion: str = ""
    report: str = ""  # report.html relative to summary.html, "" when there is none
    run: str = ""

    @property
    def alpha_tone(self) -> str:
        return ALPHA_TONE.get(self.alpha_status, "na")

    @property
    def beta_tone(self) -> str:
        return BETA_TONE.get(self.beta_status, "na")

    @property
    def alpha_words(self) -> str:
        return ALPHA_STATUS_WORDS.get(self.alpha_status, "")

    @property
    def beta_words(self) -> str:
        return BETA_STATUS_WORDS.get(self.beta_status, "")


def _mean_depth(report: dict[str, Any], genes: tuple[str, ...]) -> float | None:
    """Mean of the genes' exonic mean depths (None when none was measured)."""
    depth = report["qc"]["depth"]
    values = [depth[g]["mean_depth"] for g in genes if g in depth]
    return round(sum(values) / len(values), 1) if values else None


def load_report(path: str | Path) -> dict[str, Any]:
    """A report.json, parsed and checked against the schema (InputError naming the file otherwise)."""
    p = require_readable(path)
    try:
        report = json.loads(p.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(p, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    try:
        validate_report(report)
    except ReportSchemaError as exc:
        raise InputError(p, f"not a valid thalgen report.json: {exc.path}: {exc.problem}") from None
    return report


def html_path_for(json_path: str | Path) -> Path:
    """``S.report.json`` -> ``S.report.html`` (the report command writes them side by side)."""
    p = Path(json_path)
    return p.with_suffix(".html") if p.suffix == ".json" else p.with_name(p.name + ".html")


def row_from_report(report: dict[str, Any], html_link: str) -> SummaryRow:
    flags = assessment_flags(report)
    return SummaryRow(
        sample=report["sample"],
        result="reported",
        qc_status=report["qc"]["status"],
        qc_reasons=list(report["qc"].get("reasons") or []),
        mean_depth_beta=_mean_depth(report, BETA_DEPTH_GENES),
        mean_depth_alpha=_mean_depth(report, ALPHA_DEPTH_GENES),
        alpha_genotype=report["alpha"]["genotype"],
        alpha_status=report["alpha"]["status"],
        beta_genotype=report["beta"]["genotype"],
        beta_status=report["beta"]["status"],
        findings=finding_names(report),
        not_assessable=[f"{f['what']}" + (f" ({f['why']})" if f["why"] else "") for f in flags if f["level"] in ("na", "qcfail")],
        conclusion=report["interpretation"]["summary"],
        report=html_link,
        run=report.get("run", ""),
    )


def failed_row(sample: str, reason: str) -> SummaryRow:
    why = f"sample failed before a report was made: {reason}"
    return SummaryRow(sample=sample, result="failed", qc_status="fail", qc_reasons=[reason],
                      alpha_genotype="not assessable", alpha_status="not_assessable",
                      beta_genotype="not assessable", beta_status="not_assessable",
                      not_assessable=[f"α- and β-globin genotypes not assessable ({why})"],
                      conclusion=f"No result: {reason}.")


def parse_failed(items: list[str]) -> dict[str, str]:
    """``sample=reason`` items (from the workflow's failure records) into a dict."""
    out: dict[str, str] = {}
    for item in items:
        sample, sep, reason = item.partition("=")
        if not sep or not sample.strip() or not reason.strip():
            raise InputError("--failed", f"{item!r} is not SAMPLE=REASON")
        if sample.strip() in out:
            raise InputError("--failed", f"sample {sample.strip()!r} given twice")
        out[sample.strip()] = reason.strip()
    return out


def summary_rows(report_paths: list[str | Path], failed: dict[str, str], summary_dir: str | Path) -> list[SummaryRow]:
    """Every sample of the run, sorted by sample id; links are relative to ``summary_dir``."""
    rows: dict[str, SummaryRow] = {}
    for path in report_paths:
        report = load_report(path)
        sample = report["sample"]
        if sample in rows:
            raise InputError(path, f"a second report for sample {sample!r}")
        if sample in failed:
            raise InputError(path, f"sample {sample!r} has a report but is also listed as failed ({failed[sample]})")
        html = html_path_for(path)
        link = Path(os.path.relpath(html, summary_dir)).as_posix() if html.exists() else ""
        rows[sample] = row_from_report(report, link)
    for sample, reason in failed.items():
        rows[sample] = failed_row(sample, reason)
    return [rows[s] for s in sorted(rows, key=lambda s: (s.lower(), s))]


# ------------------------------------------------------------------------------------------ writers
def _cell(value: Any) -> str:
    """One TSV cell: lists joined with '; ', no tabs or newlines, None as empty."""
    if value is None:
        return ""
    if isinstance(value, list):
        value = "; ".join(str(v) for v in value)
    return str(value).replace("\t", " ").replace("\r", " ").replace("\n", " ")


def summary_tsv(rows: list[SummaryRow]) -> str:
    lines = ["\t".join(TSV_COLUMNS)]
    for r in rows:
        lines.append("\t".join(_cell(getattr(r, c)) for c in TSV_COLUMNS))
    return "\n".join(lines) + "\n"


def render_summary_html(rows: list[SummaryRow], run: str = "") -> str:
    counts = {
        "samples": len(rows),
        "failed": sum(1 for r in rows if r.result == "failed"),
        "qc_fail": sum(1 for r in rows if r.qc_status == "fail"),
        "not_assessable": sum(1 for r in rows if r.not_assessable),
        "findings": sum(1 for r in rows if r.findings),
    }
    runs = sorted({r.run for r in rows if r.run})
    return render_template("summary.html", rows=rows, counts=counts, run=run or ", ".join(runs),
                           version=_version())


def _version() -> str:
    from thalgen import __version__

    return __version__


MULTIQC_TABLE_HEADER = """# id: 'thalgen_genotypes'
# section_name: 'thalgen: globin genotypes'
# description: 'Per-sample QC, mean usable depth and α/β-globin genotypes from thalgen. Open each sample''s report.html for the evidence; a genotype marked not assessable must not be read as normal.'
# plot_type: 'table'
# pconfig:
#     id: 'thalgen_genotypes_table'
#     namespace: 'thalgen'
#     col1_header: 'Sample'
# headers:
#     qc_status:
#         title: 'QC'
#         description: 'thalgen sample QC: pass / warn / fail'
#     mean_depth_beta:
#         title: 'HBB depth'
#         description: 'Mean usable depth over the HBB exons'
#         format: '{:,.1f}'
#         suffix: 'x'
#     mean_depth_alpha:
#         title: 'HBA depth'
#         description: 'Mean usable depth over the HBA2 and HBA1 exons (mean of the two genes)'
#         format: '{:,.1f}'
#         suffix: 'x'
#     alpha_genotype:
#         title: 'α genotype'
#     alpha_status:
#         title: 'α status'
#     beta_genotype:
#         title: 'β genotype'
#     beta_status:
#         title: 'β status'
#     not_assessable:
#         title: 'Not assessable'
#         description: 'Parts of the result that could not be assessed'
"""
MULTIQC_TABLE_COLUMNS = ("qc_status", "mean_depth_beta", "mean_depth_alpha", "alpha_genotype", "alpha_status",
                         "beta_genotype", "beta_status", "not_assessable")

MULTIQC_GENSTATS_HEADER = """# id: 'thalgen_generalstats'
# plot_type: 'generalstats'
# pconfig:
#     - thalgen_depth_hbb:
#         title: 'HBB depth'
#         namespace: 'thalgen'
#         description: 'Mean usable depth over the HBB exons'
#         format: '{:,.1f}'
#         suffix: 'x'
#         min: 0
#     - thalgen_depth_hba:
#         title: 'HBA depth'
#         namespace: 'thalgen'
#         description: 'Mean usable depth over the HBA2 and HBA1 exons'
#         format: '{:,.1f}'
#         suffix: 'x'
#         min: 0
#     - thalgen_not_assessable:
#         title: 'Not assessable'
#         namespace: 'thalgen'
#         description: 'Number of result parts that could not be assessed (0 = complete result)'
#         format: '{:,.0f}'
#         min: 0
#         scale: 'Reds'
"""


def multiqc_table(rows: list[SummaryRow]) -> str:
    """MultiQC custom content (``*_mqc.tsv``, plot_type table): QC and genotypes per sample."""
    lines = [MULTIQC_TABLE_HEADER.rstrip("\n"), "\t".join(("Sample",) + MULTIQC_TABLE_COLUMNS)]
    for r in rows:
        values = [_cell(getattr(r, c)) for c in MULTIQC_TABLE_COLUMNS]
        values[-1] = values[-1] or "none"
        lines.append("\t".join([_cell(r.sample)] + values))
    return "\n".join(lines) + "\n"


def multiqc_genstats(rows: list[SummaryRow]) -> str:
    """MultiQC General Statistics columns (``*_mqc.tsv``, plot_type generalstats)."""
    lines = [MULTIQC_GENSTATS_HEADER.rstrip("\n"),
             "Sample\tthalgen_depth_hbb\tthalgen_depth_hba\tthalgen_not_assessable"]
    for r in rows:
        lines.append("\t".join([_cell(r.sample), _cell(r.mean_depth_beta), _cell(r.mean_depth_alpha),
                                str(len(r.not_assessable))]))
    return "\n".join(lines) + "\n"


def write_text(path: str | Path, text: str) -> None:
    with atomic_write_text(path) as fh:
        fh.write(text)
