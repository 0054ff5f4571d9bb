"""Render report.json as a self-contained HTML page (autoescaped Jinja2; no external resources)."""

from __future__ import annotations

from typing import Any

import jinja2

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("thalgen", "report"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def render_report(report: dict[str, Any]) -> str:
    return _ENV.get_template("report.html").render(r=report)
