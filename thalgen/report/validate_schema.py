"""Check a report.json dictionary against the JSON Schema shipped in the package (schema.json).

A report that does not match its schema is a thalgen bug, never a user error; it is still refused
before anything is written, because a downstream LIMS or the couple report would misread it.
"""

from __future__ import annotations

import functools
import json
from importlib import resources
from typing import Any

import jsonschema


class ReportSchemaError(ValueError):
    """The report does not match schema.json; ``path`` is the JSON pointer of the first failing value."""

    def __init__(self, path: str, problem: str) -> None:
        self.path = path
        self.problem = problem
        super().__init__(f"{path}: {problem}")


@functools.cache
def report_schema() -> dict[str, Any]:
    """The report.json schema (draft 2020-12), checked to be a valid schema itself."""
    schema = json.loads(resources.files("thalgen.report").joinpath("schema.json").read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return schema


def _pointer(parts: Any) -> str:
    return "/" + "/".join(str(p) for p in parts) if parts else "/"


def schema_errors(report: dict[str, Any]) -> list[ReportSchemaError]:
    """Every schema violation, in a stable order (by path, then message)."""
    validator = jsonschema.Draft202012Validator(report_schema())
    errors = [ReportSchemaError(_pointer(e.absolute_path), e.message) for e in validator.iter_errors(report)]
    return sorted(errors, key=lambda e: (e.path, e.problem))


def validate_report(report: dict[str, Any]) -> None:
    """Raise ReportSchemaError naming the failing path when ``report`` does not match the schema."""
    errors = schema_errors(report)
    if errors:
        first = errors[0]
        more = f" (and {len(errors) - 1} more)" if len(errors) > 1 else ""
        raise ReportSchemaError(first.path, first.problem + more)
