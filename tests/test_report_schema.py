"""report.json schema: enums match the interpreter, real reports validate, missing/wrong fields fail by path."""

from __future__ import annotations

import copy
import re
from pathlib import Path

import jsonschema
import pytest

from thalgen.cli.main import main as cli
from thalgen.interpret import ALPHA_STATUSES, BETA_STATUSES
from thalgen.report.validate_schema import ReportSchemaError, report_schema, schema_errors, validate_report

import report_fixtures as F

DOCS = Path(__file__).resolve().parents[1] / "docs" / "report_json.md"


def test_schema_is_valid_draft_2020_12():
    schema = report_schema()
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(schema)


def test_status_enums_match_the_interpreter():
    props = report_schema()["properties"]
    assert tuple(props["alpha"]["properties"]["status"]["enum"]) == ALPHA_STATUSES
    assert tuple(props["beta"]["properties"]["status"]["enum"]) == BETA_STATUSES


@pytest.mark.parametrize("make", [F.normal_report, F.beta_major_report, F.hbh_report, F.low_coverage_report])
def test_pipeline_reports_validate(tmp_path, make):
    report = make(tmp_path)
    assert schema_errors(report) == []
    validate_report(report)


def test_report_without_copy_number_validates(tmp_path):
    report = F.make_report(tmp_path, "NOCN-1", variants=[F.catalog_call("CD39 (C>T)")])
    assert report["structural_assessment"]["not_assessable"] == [
        {"what": "copy number", "reason": "copy-number analysis was not run"}]
    validate_report(report)


@pytest.mark.parametrize("path, field, message", [
    ((), "sample", "'sample' is a required property"),
    (("alpha",), "genotype", "'genotype' is a required property"),
    (("beta",), "status", "'status' is a required property"),
    (("reference",), "checksums", "'checksums' is a required property"),
    (("qc",), "depth", "'depth' is a required property"),
    (("interpretation",), "summary", "'summary' is a required property"),
])
def test_missing_required_field_fails_with_its_path(tmp_path, path, field, message):
    report = F.normal_report(tmp_path)
    target = report
    for key in path:
        target = target[key]
    del target[field]
    with pytest.raises(ReportSchemaError) as exc:
        validate_report(report)
    assert exc.value.path == "/" + "/".join(path)
    assert exc.value.problem == message


def test_missing_variant_field_and_wrong_types(tmp_path):
    good = F.beta_major_report(tmp_path)
    r = copy.deepcopy(good)
    del r["variants"][1]["alt_fraction"]
    with pytest.raises(ReportSchemaError, match=r"^/variants/1: 'alt_fraction' is a required property$"):
        validate_report(r)
    r = copy.deepcopy(good)
    r["variants"][0]["depth"] = "60"
    with pytest.raises(ReportSchemaError, match=r"^/variants/0/depth: '60' is not of type 'integer'$"):
        validate_report(r)
    r = copy.deepcopy(good)
    r["alpha"]["status"] = "carrier"
    with pytest.raises(ReportSchemaError, match=r"^/alpha/status: 'carrier' is not one of"):
        validate_report(r)
    r = copy.deepcopy(F.hbh_report(tmp_path))
    del r["deletions"][0]["evidence"]
    with pytest.raises(ReportSchemaError, match=r"^/deletions/0: 'evidence' is a required property$"):
        validate_report(r)


def test_cli_never_writes_an_invalid_report(tmp_path, monkeypatch, capsys):
    """A report the schema rejects is a bug: the CLI says where and writes nothing."""
    import thalgen.cli.report as report_cli

    broken = F.normal_report(tmp_path, sample="S1")
    del broken["qc"]["status"]
    monkeypatch.setattr(report_cli, "build_report", lambda *a, **k: copy.deepcopy(broken))
    monkeypatch.setattr(report_cli.LocusReference, "load", staticmethod(lambda d: F.locus_reference()))
    out_json, out_html = tmp_path / "S1.report.json", tmp_path / "S1.report.html"
    rc = cli(["report", "--reference", str(tmp_path), "--sample", "S1", "--calls", str(tmp_path / "S1.calls.json"),
              "--json", str(out_json), "--html", str(out_html)])
    assert rc == 1
    assert capsys.readouterr().err == (
        f"thalgen: error: {out_json}: the assembled report does not match the report.json schema at /qc: "
        "'status' is a required property (a thalgen bug; nothing was written)\n")
    assert not out_json.exists() and not out_html.exists()


def _property_names(node, out: set[str]) -> set[str]:
    if isinstance(node, dict):
        for key, value in (node.get("properties") or {}).items():
            out.add(key)
            _property_names(value, out)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                _property_names(node[key], out)
        for value in (node.get("$defs") or {}).values():
            _property_names(value, out)
    return out


def test_every_schema_field_is_documented():
    text = DOCS.read_text(encoding="utf-8")
    documented = set(re.findall(r"`([a-z_0-9]+)`", text))
    missing = sorted(_property_names(report_schema(), set()) - documented)
    assert missing == []


def test_qc_amplicon_gene_outside_the_design_warns_not_fails():
    """A long-read alpha amplicon design has no HBB product: HBB's zero depth is out of scope, not a failed sample."""
    from thalgen.report.build import qc_status

    depth = {"HBB": {"mean_depth": 0.0, "min_depth": 0}, "HBA2": {"mean_depth": 60.0, "min_depth": 40}}
    beta_out = {"what": "beta cluster", "reason": "not covered by the amplicon design: 619del (no product would carry their junctions)"}
    amplicon = qc_status({"depth_by_gene": depth}, {"assay": "amplicon", "copy_number": {}, "not_assessable": [beta_out]}, 15)
    assert (amplicon["status"], amplicon["reasons"]) == ("warn", [
        "HBB: no reads (not targeted by the amplicon design)", f"beta cluster: {beta_out['reason']}"])
    # a gene the design does cover with no reads is a failed PCR, not out of scope
    failed = {"HBB": {"mean_depth": 60.0, "min_depth": 40}, "HBA2": {"mean_depth": 0.0, "min_depth": 0}}
    pcr = qc_status({"depth_by_gene": failed}, {"assay": "amplicon", "copy_number": {}, "not_assessable": [beta_out]}, 15)
    assert (pcr["status"], pcr["reasons"][0]) == ("fail", "HBA2: mean usable depth 0.0x is below 15x")
    wgs = qc_status({"depth_by_gene": depth}, {"copy_number": {}}, 15)
    assert (wgs["status"], wgs["reasons"]) == ("fail", ["HBB: mean usable depth 0.0x is below 15x"])
