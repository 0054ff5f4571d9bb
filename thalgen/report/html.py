"""Render report.json as a self-contained HTML page a geneticist can read, print and sign.

Everything the page needs is inline (CSS from style.css, the copy-number plot as a base64 data URI);
no fonts, scripts or images are fetched, so it opens offline and prints the same everywhere. Jinja2
autoescaping is on for every value, and links are only ever made from http(s) URLs, so a hostile
sample id or catalog text renders as text.

The view helpers here (status words, findings rows, assessment flags) are shared by the batch summary
and the couple report so the three speak the same language.
"""

from __future__ import annotations

import base64
import functools
import re
from typing import Any
from urllib.parse import urlparse

import jinja2

from thalgen.interpret import ALPHA_STATUSES, BETA_STATUSES, source_url
from thalgen.report.counselling import counselling_notes

ALPHA_STATUS_WORDS = {
    "normal": "Normal α-globin genotype",
    "alpha_triplication": "α-globin gene triplication",
    "silent_carrier": "Silent α-thalassaemia carrier (α+ heterozygote)",
    "alpha_thal_trait": "α-thalassaemia trait (two α genes lost, trans)",
    "alpha0_trait": "α0-thalassaemia carrier",
    "hbh_disease": "HbH disease",
    "hb_barts_hydrops": "Hb Bart's hydrops fetalis genotype",
    "not_assessable": "NOT ASSESSABLE",
}
BETA_STATUS_WORDS = {
    "normal": "No β-globin variant detected",
    "beta_silent_carrier": "Silent β-thalassaemia carrier",
    "beta_thal_trait": "β-thalassaemia carrier (trait)",
    "beta_thal_intermedia": "β-thalassaemia intermedia genotype",
    "beta_thal_major": "β-thalassaemia major genotype",
    "hbs_trait": "HbS carrier (sickle cell trait)",
    "hbc_trait": "HbC carrier",
    "hbe_trait": "HbE carrier",
    "sickle_cell_anemia": "Sickle cell anaemia",
    "hbsc_disease": "HbSC disease",
    "sickle_beta_thal": "Sickle β-thalassaemia",
    "hbe_beta_thal": "HbE/β-thalassaemia",
    "hb_lepore_trait": "Hb Lepore carrier",
    "deltabeta_thal_trait": "δβ-thalassaemia carrier",
    "hpfh_trait": "HPFH carrier",
    "not_assessable": "NOT ASSESSABLE",
}
#: Visual weight of a status: ok (nothing found), carrier, affected, na (not assessable).
ALPHA_TONE = {"normal": "ok", "alpha_triplication": "carrier", "silent_carrier": "carrier",
              "alpha_thal_trait": "carrier", "alpha0_trait": "carrier", "hbh_disease": "affected",
              "hb_barts_hydrops": "affected", "not_assessable": "na"}
BETA_TONE = {s: ("ok" if s == "normal" else "na" if s == "not_assessable" else
                 "affected" if s in {"beta_thal_major", "beta_thal_intermedia", "sickle_cell_anemia", "hbsc_disease",
                                     "sickle_beta_thal", "hbe_beta_thal"} else "carrier") for s in BETA_STATUSES}
assert set(ALPHA_STATUS_WORDS) == set(ALPHA_STATUSES) == set(ALPHA_TONE)
assert set(BETA_STATUS_WORDS) == set(BETA_STATUSES) == set(BETA_TONE)

REFSEQ_CHROM = {"chr11": "NC_000011.10", "chr16": "NC_000016.10"}
_URL = re.compile(r"https?://[^\s<>\"')]+")
_SOURCE_LABELS = (("globin.bx.psu.edu/cgi-bin/hbvar", "HbVar"), ("globin.bx.psu.edu/hbvar", "HbVar"),
                  ("globin.cse.psu.edu/html/huisman", "Huisman"), ("ithanet.eu", "ITHANET"),
                  ("clinvar", "ClinVar"), ("ncbi.nlm.nih.gov/books", "GeneReviews"), ("pubmed", "PubMed"),
                  ("pmc.ncbi.nlm.nih.gov", "PMC"), ("ncbi.nlm.nih.gov/snp", "dbSNP"),
                  ("github.com/PacificBiosciences/paraphase", "Paraphase"), ("ashpublications", "ASH"),
                  ("ojrd.biomedcentral.com", "OJRD"), ("snpedia", "SNPedia"))


# ------------------------------------------------------------------------------------- small helpers
def safe_url(url: str) -> str:
    """``url`` when it is a plain http(s) URL, else "" (never a javascript: or data: link)."""
    return url if isinstance(url, str) and re.fullmatch(r"https?://[^\s<>\"]+", url) else ""


def url_label(url: str) -> str:
    low = url.lower()
    for needle, label in _SOURCE_LABELS:
        if needle.lower() in low:
            return label
    return urlparse(url).netloc or url


def source_links(text: str) -> list[dict[str, str]]:
    """Every http(s) URL in a catalog ``source`` cell, with a short label (HbVar, ITHANET ...)."""
    seen: list[str] = []
    for url in _URL.findall(text or ""):
        url = url.rstrip(".,;")
        if url not in seen:
            seen.append(url)
    return [{"url": u, "label": url_label(u)} for u in seen]


def rule_link(key: str) -> dict[str, str]:
    """A rule source key with its URL (or citation text when it is not a URL)."""
    try:
        target = source_url(key)
    except KeyError:
        target = ""
    return {"key": key, "url": safe_url(target), "text": target}


def fmt_num(value: Any, digits: int = 1) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def sentence(text: str) -> str:
    """First letter upper-cased, the rest untouched (Jinja's capitalize would lower-case "HbH", "β0")."""
    return text[:1].upper() + text[1:] if text else text


def png_data_uri(png: bytes) -> str:
    """Inline PNG for the report; refuses anything that is not a PNG."""
    if not png.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValueError("not a PNG image")
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


# --------------------------------------------------------------------------------------- catalog
@functools.cache
def _catalog_index() -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """Catalog rows by id (small variants, deletions) and deletions by name, for source links."""
    from thalgen.catalog import load_deletions, load_small_variants

    small = {v.id: v for v in load_small_variants()}
    dels = load_deletions()
    return small, {d.id: d for d in dels}, {d.name: d for d in dels}


def catalog_deletion(d: dict[str, Any]) -> Any:
    _, by_id, by_name = _catalog_index()
    return by_id.get(d.get("catalog_id") or "") or by_name.get(d.get("name") or "")


# --------------------------------------------------------------------------------------- findings
def variant_row(v: dict[str, Any]) -> dict[str, Any]:
    small, _, _ = _catalog_index()
    row = small.get(v.get("catalog_id") or "")
    in_catalog = bool(v.get("in_catalog")) and row is not None
    filters = [f for f in v.get("filters") or [] if f != "PASS"]
    return {
        "kind": "small variant",
        "gene": v["gene"] or "intergenic",
        "hgvs_c": f"{v['transcript']}:{v['hgvs_c']}" if v["hgvs_c"] else "",
        "hgvs_p": v["hgvs_p"],
        "genomic": f"{v['chrom']}:{v['pos']:,} {v['ref']}>{v['alt']}",
        "name": v.get("common_name") or "",
        "klass": v.get("variant_class") or ("uncertain significance" if not in_catalog else ""),
        "zygosity": v["zygosity"],
        "copies": f"{v['alt_copies']} of {v['total_copies']} copies",
        "depth": fmt_num(v["depth"]),
        "evidence": f"AF {v['alt_fraction']:.2f} ({v.get('alt_depth', '?')}/{v['depth']} reads)",
        "quality": f"QUAL {v['quality']:.0f}" + (f", GQ {v['genotype_quality']}" if "genotype_quality" in v else ""),
        "filters": filters,
        "in_catalog": in_catalog,
        "links": source_links(row.source) if row is not None else [],
        "catalog_id": v.get("catalog_id") or "",
    }


def deletion_hgvs(chrom: str, start1: int, end1: int, kind: str, uncertainty_bp: int) -> str:
    """HGVS g. name on the RefSeq chromosome; uncertain breakpoints as ranges, e.g. g.(164401_166401)_(183701_185701)del."""
    suffix = "dup" if kind == "duplication" else "del"
    acc = REFSEQ_CHROM.get(chrom, chrom)
    if uncertainty_bp:
        u = uncertainty_bp
        return f"{acc}:g.({max(start1 - u, 1)}_{start1 + u})_({end1 - u}_{end1 + u}){suffix}"
    return f"{acc}:g.{start1}_{end1}{suffix}"


def deletion_row(d: dict[str, Any]) -> dict[str, Any]:
    row = catalog_deletion(d)
    ev = d.get("evidence") or {}
    genes = ", ".join(row.genes_removed) if row is not None and row.genes_removed else (
        "α-globin cluster" if d["cluster"] == "alpha" else "β-globin cluster")
    approx = f" (breakpoints ±{row.uncertainty_bp:,} bp)" if row is not None and row.uncertainty_bp else ""
    kind = d.get("kind") or "deletion"
    hgvs = deletion_hgvs(d["chrom"], d["start"], d["end"], kind, row.uncertainty_bp if row is not None else 0)
    return {
        "kind": kind,
        "gene": genes,
        "hgvs_c": hgvs,
        "hgvs_p": "",
        "genomic": f"{d['chrom']}:{d['start']:,}-{d['end']:,}{approx}",
        "name": row.display_name if row is not None else d["name"],
        "klass": d.get("class") or (row.variant_class if row is not None else ""),
        "zygosity": "homozygous" if d["copies"] == 2 else "heterozygous",
        "copies": f"{d['copies']} of 2 chromosomes",
        "depth": ("depth not used" if ev.get("depth_ratio_note")  # amplicons: read counts are PCR efficiency
                  else f"ratio {ev['depth_ratio']:.2f}" if isinstance(ev.get("depth_ratio"), (int, float)) else "—"),
        "evidence": f"{ev.get('junction_reads', 0)} junction reads",
        "quality": f"LLR {ev['log_likelihood_ratio']:.1f}" if isinstance(ev.get("log_likelihood_ratio"), (int, float)) else "—",
        "filters": [],
        "in_catalog": row is not None and d["name"] != "novel",
        "links": source_links(row.source) if row is not None else [],
        "catalog_id": d.get("catalog_id") or "",
    }


def findings(report: dict[str, Any]) -> list[dict[str, Any]]:
    """Deletions first (they set the gene count), then small variants in genomic order."""
    return [deletion_row(d) for d in report.get("deletions") or []] + [variant_row(v) for v in report["variants"]]


def finding_names(report: dict[str, Any]) -> list[str]:
    """Short names of the findings for one-line summaries (novel ones marked for review)."""
    out = []
    for f in findings(report):
        label = f["name"] or f["hgvs_c"] or f["genomic"]
        if f["kind"] == "small variant" and f["hgvs_c"] and f["name"]:
            label = f"{f['name']} ({f['hgvs_c'].split(':')[-1]})"
        zyg = {"heterozygous": "het", "homozygous": "hom", "hemizygous": "hemi"}.get(f["zygosity"], f["zygosity"])
        out.append(f"{f['gene']} {label} {zyg}" + ("" if f["in_catalog"] else " [not in catalog — review]"))
    return out


# --------------------------------------------------------------------------------- assessment flags
def _gap(item: Any) -> tuple[str, str]:
    """(what, reason) of a structural_assessment item, which is {what, reason} or just a name."""
    if isinstance(item, dict):
        return str(item.get("what") or "copy number"), str(item.get("reason") or "")
    return str(item), ""


def structural_gaps(report: dict[str, Any]) -> list[dict[str, Any]]:
    """The copy-number caller's gaps; ``catalog`` marks items naming one catalog deletion.

    A named catalog deletion the assay cannot see (breakpoints outside the reference, or unknown) is a
    limitation of every sample run this way, shown in amber with its reason; anything else (copy number
    not run, a cluster not assessable) means this sample's result is incomplete and is shown in red.
    """
    _, _, by_name = _catalog_index()
    sa = report.get("structural_assessment") or {}
    out = []
    for level, key, default in (("na", "not_assessable", "not assessable"),
                                ("partial", "incompletely_assessed", "incompletely assessed")):
        for item in sa.get(key) or []:
            what, reason = _gap(item)
            row = by_name.get(what)
            out.append({"level": level, "what": what, "reason": reason or default, "catalog": row is not None,
                        "display": row.display_name if row is not None else what})
    return out


def assessment_flags(report: dict[str, Any]) -> list[dict[str, str]]:
    """What could not be (fully) assessed: level "na" (not assessable), "qcfail" or "partial"."""
    flags: list[dict[str, str]] = []
    for part, label in (("alpha", "α-globin genotype"), ("beta", "β-globin genotype")):
        if report[part]["status"] == "not_assessable":
            flags.append({"level": "na", "what": f"{label} not assessable",
                          "why": report[part].get("reason") or "no reason recorded"})
    qc = report.get("qc") or {}
    if qc.get("status") == "fail":
        flags.append({"level": "qcfail", "what": "sample QC failed", "why": "; ".join(qc.get("reasons") or [])})
    gaps = structural_gaps(report)
    for g in gaps:
        if not g["catalog"] and g["level"] == "na":
            flags.append({"level": "na", "what": f"{g['what']} not assessable", "why": g["reason"]})
        elif not g["catalog"]:
            flags.append({"level": "partial", "what": f"{g['what']} incompletely assessed", "why": g["reason"]})
    named = [g["what"] for g in gaps if g["catalog"]]
    if named:
        flags.append({"level": "partial", "what": f"{len(named)} catalog deletion(s) not fully assessable",
                      "why": ", ".join(named) + " — see Evidence"})
    nc = report.get("not_callable") or []
    if nc:
        genes = sorted({n.get("gene") or n.get("chrom") for n in nc})
        flags.append({"level": "partial", "what": f"{len(nc)} region(s)/site(s) not callable",
                      "why": "in " + ", ".join(genes) + " — see Evidence"})
    low = [v for v in report["variants"] if [f for f in v.get("filters") or [] if f != "PASS"]]
    if low:
        flags.append({"level": "partial", "what": f"{len(low)} low-confidence call(s)",
                      "why": ", ".join(v.get("common_name") or v.get("hgvs_c") or f"{v['chrom']}:{v['pos']}"
                                       for v in low)})
    return flags


def status_view(report: dict[str, Any]) -> dict[str, Any]:
    a, b = report["alpha"], report["beta"]
    return {
        "alpha": {"words": ALPHA_STATUS_WORDS[a["status"]], "tone": ALPHA_TONE[a["status"]], "code": a["status"]},
        "beta": {"words": BETA_STATUS_WORDS[b["status"]], "tone": BETA_TONE[b["status"]], "code": b["status"]},
    }


def interpretation_view(report: dict[str, Any]) -> dict[str, Any]:
    notes = report["interpretation"].get("notes") or []
    rules = list(report["interpretation"].get("rules") or [])
    counselling = []
    for n in counselling_notes(report):
        counselling.append({"text": n.text, "sources": [rule_link(k) for k in n.sources]})
        rules.extend(k for k in n.sources if k not in rules)
    return {
        "alpha_notes": [n[3:] for n in notes if n.startswith("α: ")],
        "beta_notes": [n[3:] for n in notes if n.startswith("β: ")],
        "other_notes": [n for n in notes if not n.startswith(("α: ", "β: "))],
        "alpha_rules": [rule_link(k) for k in report["alpha"].get("rules") or []],
        "beta_rules": [rule_link(k) for k in report["beta"].get("rules") or []],
        "counselling": counselling,
        "all_rules": [rule_link(k) for k in rules],
    }


# ----------------------------------------------------------------------------------------- render
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("thalgen", "report"),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = fmt_num
    env.filters["safe_url"] = safe_url
    env.filters["sentence"] = sentence
    return env


_ENV = _environment()


def render_template(name: str, **context: Any) -> str:
    return _ENV.get_template(name).render(**context)


def render_report(report: dict[str, Any], cn_png: bytes | None = None) -> str:
    """The HTML page for one report.json dictionary (``cn_png``: the copy-number plot, embedded)."""
    return render_template(
        "report.html",
        r=report,
        status=status_view(report),
        flags=assessment_flags(report),
        gaps=structural_gaps(report),
        rows=findings(report),
        interp=interpretation_view(report),
        cn_img=png_data_uri(cn_png) if cn_png else "",
        run=report.get("run") or (report.get("input") or {}).get("run", ""),
    )
