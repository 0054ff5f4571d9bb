"""Concordance of report.json results with simulated (or curated) truth: what a lab files to validate a run.

Every truth file (``{sample}.truth.json`` from ``thalgen simulate``, or one written by hand in the same
shape) is compared with ``{results}/{sample}/{sample}.report.json``. Each comparison is one
:class:`Check` in a class (SNV, indel, α deletion, β deletion, α genotype, β genotype, status code,
other expectation) with one outcome:

* ``TP`` / ``TN`` — agrees (a finding, or a correct absence/normal);
* ``FP`` — reported but not true, including a confident answer where truth says *not assessable*;
* ``FN`` — true but reported absent/normal;
* ``wrong`` — found, but with the wrong zygosity / copies / allele name / status;
* ``no_call`` — the result declined to answer (not callable, filtered, not assessable) where truth has
  an answer: not a discordance, reported separately with its rate;
* ``expected_no_call`` — declined where truth itself expects *not assessable*: concordant.

Negatives for the specificity of small variants and deletions are the catalog sites (deletions) in
the analysed regions that the sample does not carry; a call there that is not true is a FP. A
filtered (non-PASS) call where truth has nothing is not counted: the caller did not commit to it, and
the interpreter turns it into *not assessable* when it matters, which the status checks then count.

A missing report, a truth on another reference, or any FP/FN/wrong makes the validation fail.
"""

from __future__ import annotations

import datetime as _dt
import functools
import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable

CLASSES = ("SNV", "indel", "alpha_deletion", "beta_deletion", "alpha_genotype", "beta_genotype", "status", "other")
CLASS_LABELS = {
    "SNV": "SNV", "indel": "indel", "alpha_deletion": "α deletion/duplication",
    "beta_deletion": "β-cluster deletion", "alpha_genotype": "α genotype", "beta_genotype": "β genotype",
    "status": "status codes", "other": "other expectations", "result": "result file",
}
OUTCOMES = ("TP", "TN", "FP", "FN", "wrong", "no_call", "expected_no_call", "missing")
DISCORDANT = frozenset({"FP", "FN", "wrong", "missing"})
NOT_ASSESSABLE = frozenset({"not_assessable", "not assessable"})
#: Expected values that mean "nothing found": such checks are negatives (TN/FP), the others positives.
NEGATIVE_VALUES = frozenset({"normal", "aa/aa", "αα/αα", "β/β", "pass"})
#: Names thalgen simulate writes for homology rearrangements -> catalog names.
_DELETION_ALIASES = {"anti-3.7": "aaa_anti3.7", "anti-4.2": "aaa_anti4.2", "-a3.7_II": "-a3.7", "-a3.7_III": "-a3.7"}
MIN_RECIPROCAL_OVERLAP = 0.5


@dataclass(frozen=True)
class Check:
    """One compared item of one sample."""

    sample: str
    klass: str
    item: str
    expected: str
    reported: str
    outcome: str
    note: str = ""

    @property
    def discordant(self) -> bool:
        return self.outcome in DISCORDANT


@dataclass
class Tally:
    """Outcome counts of a class, a sample, or the whole run, with the derived rates."""

    name: str
    counts: dict[str, int] = field(default_factory=lambda: {o: 0 for o in OUTCOMES})

    def add(self, check: Check) -> None:
        self.counts[check.outcome] += 1

    @property
    def checks(self) -> int:
        return sum(self.counts.values())

    @property
    def discordant(self) -> int:
        return sum(self.counts[o] for o in DISCORDANT)

    def rate(self, num: tuple[str, ...], den: tuple[str, ...]) -> tuple[int, int]:
        return sum(self.counts[o] for o in num), sum(self.counts[o] for o in den)

    @property
    def sensitivity(self) -> tuple[int, int]:
        """TP / (TP + FN + wrong): no-calls are left out and reported by their own rate."""
        return self.rate(("TP",), ("TP", "FN", "wrong"))

    @property
    def specificity(self) -> tuple[int, int]:
        return self.rate(("TN",), ("TN", "FP"))

    @property
    def precision(self) -> tuple[int, int]:
        return self.rate(("TP",), ("TP", "FP", "wrong"))

    @property
    def no_call_rate(self) -> tuple[int, int]:
        return self.counts["no_call"], self.checks - self.counts["expected_no_call"] - self.counts["missing"]

    @property
    def concordance(self) -> tuple[int, int]:
        """Concordant / (checks that gave an answer): no-calls out of both."""
        answered = self.checks - self.counts["no_call"]
        return answered - self.discordant, answered


@dataclass
class Validation:
    """Everything the table, the TSV and the HTML are made of."""

    checks: list[Check]
    samples: list[dict[str, Any]]  # per sample: id, platform, assay, depth, report path, found
    by_class: list[Tally]
    by_sample: list[Tally]
    overall: Tally
    provenance: dict[str, Any]

    @property
    def passed(self) -> bool:
        return self.overall.discordant == 0


# ------------------------------------------------------------------------------------------ loading
def _read_json(path: Path) -> dict[str, Any]:
    require_readable(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InputError(path, f"not valid JSON ({exc.msg} at line {exc.lineno})") from None
    if not isinstance(data, dict):
        raise InputError(path, "expected a JSON object")
    return data


def load_truth(path: str | Path) -> dict[str, Any]:
    """A truth file: needs ``sample``; ``variants``, ``deletions`` and ``expect`` default to empty."""
    p = Path(path)
    data = _read_json(p)
    if not isinstance(data.get("sample"), str) or not data["sample"]:
        raise InputError(p, "truth has no 'sample'")
    for key, kind in (("variants", list), ("deletions", list), ("expect", dict)):
        data.setdefault(key, kind())
        if not isinstance(data[key], kind):
            raise InputError(p, f"truth '{key}' must be a {kind.__name__}")
    for i, v in enumerate(data["variants"], 1):
        missing = [k for k in ("chrom", "pos", "ref", "alt", "zygosity") if k not in v]
        if missing:
            raise InputError(p, f"variant #{i}: missing {', '.join(missing)}")
    for i, d in enumerate(data["deletions"], 1):
        missing = [k for k in ("name", "chrom", "start", "end", "copies") if k not in d]
        if missing:
            raise InputError(p, f"deletion #{i}: missing {', '.join(missing)}")
    data["_path"] = str(p)
    return data


def truth_files(truth_dir: str | Path | None, truths: list[str] | None) -> list[Path]:
    """``*.truth.json`` in a directory plus files named one by one; an empty selection is an error."""
    paths: list[Path] = [Path(t) for t in truths or []]
    if truth_dir:
        d = Path(truth_dir)
        if not d.is_dir():
            raise InputError(d, "truth directory not found")
        found = sorted(d.glob("*.truth.json"))
        if not found:
            raise InputError(d, "no *.truth.json files in the truth directory")
        paths.extend(found)
    if not paths:
        raise InputError("--truth-dir/--truth", "no truth given")
    return paths


def report_path(results_dir: str | Path, sample: str) -> Path:
    return Path(results_dir) / sample / f"{sample}.report.json"


# -------------------------------------------------------------------------------------- comparisons
def _cluster_of(chrom: str) -> str:
    return "alpha" if chrom == "chr16" else "beta"


def _expects_not_assessable(truth: dict[str, Any], cluster: str) -> bool:
    return str(truth["expect"].get(f"{cluster}.status", "")) in NOT_ASSESSABLE


def _variant_label(v: dict[str, Any]) -> str:
    name = f" ({v['gene']} {v['hgvs_c']})" if v.get("gene") and v.get("hgvs_c") else (f" ({v['gene']})" if v.get("gene") else "")
    return f"{v['chrom']}:{v['pos']} {v['ref']}>{v['alt']}{name}"


def _genotype_text(v: dict[str, Any]) -> str:
    if "alt_copies" in v and "total_copies" in v:
        return f"{v['zygosity']} {v['alt_copies']}/{v['total_copies']}"
    return str(v["zygosity"])


def _same_genotype(truth_v: dict[str, Any], called: dict[str, Any]) -> bool:
    if truth_v["zygosity"] != called.get("zygosity"):
        return False
    for key in ("alt_copies", "total_copies"):
        if key in truth_v and truth_v[key] != called.get(key):
            return False
    return True


def _passes(v: dict[str, Any]) -> bool:
    return not [f for f in v.get("filters") or [] if f != "PASS"]


def _regions(report: dict[str, Any]) -> list[tuple[str, int, int]]:
    """Calling regions as (chrom, start1, end1); empty when the report does not say."""
    out = []
    for text in (report.get("method") or {}).get("calling_regions") or []:
        m = re.fullmatch(r"(\w+):([\d,]+)-([\d,]+)", str(text))
        if m:  # Interval's text form is 1-based inclusive, like samtools
            out.append((m.group(1), int(m.group(2).replace(",", "")), int(m.group(3).replace(",", ""))))
    return out


def _where_not_callable(report: dict[str, Any], chrom: str, start1: int, end1: int) -> str:
    """Why a span could not be called in this report ("" when it could)."""
    for nc in report.get("not_callable") or []:
        if nc["chrom"] == chrom and nc["start"] <= end1 and start1 <= nc["end"]:
            return f"not callable: {nc.get('reason', '')}".strip()
    regions = _regions(report)
    if regions and not any(c == chrom and s <= start1 and end1 <= e for c, s, e in regions):
        return "outside the calling regions"
    return ""


def _variant_class(ref: str, alt: str) -> str:
    return "SNV" if len(ref) == 1 and len(alt) == 1 else "indel"


@functools.cache
def _catalog_sites() -> tuple[tuple[str, int, str, str], ...]:
    from thalgen.catalog import load_small_variants

    return tuple(sorted(v.key for v in load_small_variants()))


def compare_variants(truth: dict[str, Any], report: dict[str, Any]) -> list[Check]:
    """SNV and indel checks: every truth variant, every PASS call, and catalog sites as negatives."""
    sample = truth["sample"]
    checks: list[Check] = []
    called = {(v["chrom"], v["pos"], v["ref"], v["alt"]): v for v in report.get("variants") or []}
    true = {(v["chrom"], v["pos"], v["ref"], v["alt"]): v for v in truth["variants"]}
    for key, tv in sorted(true.items()):
        klass = _variant_class(tv["ref"], tv["alt"])
        label = _variant_label({**tv, **({"hgvs_c": called[key].get("hgvs_c")} if key in called else {})})
        expected = _genotype_text(tv)
        cv = called.get(key)
        if cv is not None and _passes(cv):
            outcome = "TP" if _same_genotype(tv, cv) else "wrong"
            checks.append(Check(sample, klass, label, expected, _genotype_text(cv), outcome))
            continue
        if cv is not None:
            why = "filtered: " + ";".join(cv.get("filters") or [])
        else:
            why = _where_not_callable(report, tv["chrom"], tv["pos"], tv["pos"] + len(tv["ref"]) - 1)
        if why:
            outcome = "expected_no_call" if _expects_not_assessable(truth, _cluster_of(tv["chrom"])) else "no_call"
            checks.append(Check(sample, klass, label, expected, "no call", outcome, why))
        else:
            checks.append(Check(sample, klass, label, expected, "not found", "FN"))
    for key, cv in sorted(called.items()):
        if key in true or not _passes(cv):
            continue
        checks.append(Check(sample, _variant_class(cv["ref"], cv["alt"]), _variant_label(cv), "absent",
                            _genotype_text(cv), "FP"))
    for key in _catalog_sites():
        if key in true or key in called:
            continue
        chrom, pos1, r, a = key
        if not _covered(report, chrom, pos1, pos1 + len(r) - 1) or _where_not_callable(report, chrom, pos1, pos1 + len(r) - 1):
            continue
        checks.append(Check(sample, _variant_class(r, a), f"{chrom}:{pos1} {r}>{a} (catalog site)", "absent", "absent", "TN"))
    return checks


def _covered(report: dict[str, Any], chrom: str, start1: int, end1: int) -> bool:
    """Inside the reference the report was made on (its intervals are 1-based inclusive text)."""
    for text in (report.get("reference") or {}).get("intervals") or []:
        m = re.fullmatch(r"(\w+):([\d,]+)-([\d,]+)", str(text))
        if m and m.group(1) == chrom and int(m.group(2).replace(",", "")) <= start1 and end1 <= int(m.group(3).replace(",", "")):
            return True
    return False


def canonical_deletion_name(name: str) -> str:
    """One spelling per allele: simulate's ``anti-3.7`` is the catalog's ``aaa_anti3.7``, Unicode α -> a."""
    n = name.strip().replace("α", "a")
    return _DELETION_ALIASES.get(n, n)


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> float:
    if a["chrom"] != b["chrom"]:
        return 0.0
    inter = min(a["end"], b["end"]) - max(a["start"], b["start"]) + 1
    if inter <= 0:
        return 0.0
    return inter / max(a["end"] - a["start"] + 1, b["end"] - b["start"] + 1)


def _deletion_label(d: dict[str, Any]) -> str:
    return f"{d['name']} ({d['chrom']}:{d['start']}-{d['end']})"


@functools.cache
def _catalog_deletions() -> tuple[Any, ...]:
    from thalgen.catalog import load_deletions

    return tuple(load_deletions())


def merge_truth_deletions(deletions: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One record per allele: the two chromosomes of a -a3.7 homozygote (crossovers drawn apart) are one
    allele with 2 copies, as a caller reports it; the span is the union."""
    merged: dict[tuple[str, str, str], dict[str, Any]] = {}
    for d in deletions:
        canon = canonical_deletion_name(d["name"])
        key = (canon, d["chrom"], d.get("kind", "deletion"))
        if key not in merged:
            merged[key] = dict(d)
            continue
        m = merged[key]
        m.update(copies=m["copies"] + d["copies"], start=min(m["start"], d["start"]), end=max(m["end"], d["end"]))
    return list(merged.values())


def structure_assessed(report: dict[str, Any], cluster: str) -> bool:
    """Whether the copy-number step assessed this cluster's structure (small-variant gaps do not matter here)."""
    sa = (report.get("structural_assessment") or {}).get(cluster)
    return bool(sa) and not (isinstance(sa, dict) and sa.get("assessable") is False)


def compare_deletions(truth: dict[str, Any], report: dict[str, Any]) -> list[Check]:
    """α/β deletion and duplication checks: by catalog name, else by reciprocal overlap (novel ones)."""
    sample = truth["sample"]
    checks: list[Check] = []
    calls = [dict(d, _canon=canonical_deletion_name(d["name"])) for d in report.get("deletions") or []]
    used: set[int] = set()
    for td in merge_truth_deletions(truth["deletions"]):
        cluster = _cluster_of(td["chrom"])
        klass = f"{cluster}_deletion"
        canon = canonical_deletion_name(td["name"])
        kind = td.get("kind", "deletion")
        expected = f"{canon} x{td['copies']}"
        match = next((i for i, c in enumerate(calls) if i not in used and c["_canon"] == canon), None)
        named = match is not None
        if match is None:
            overlapping = [(i, _overlap(td, c)) for i, c in enumerate(calls)
                           if i not in used and c.get("kind", "deletion") == kind]
            overlapping = [(i, o) for i, o in overlapping if o >= MIN_RECIPROCAL_OVERLAP]
            if overlapping:
                match = max(overlapping, key=lambda io: io[1])[0]
        if match is not None:
            used.add(match)
            c = calls[match]
            reported = f"{c['_canon']} x{c['copies']}"
            novel_truth = canon.startswith(("del:", "dup:"))
            if (named or novel_truth or c["_canon"] == "novel") and c["copies"] == td["copies"]:
                checks.append(Check(sample, klass, _deletion_label(td), expected, reported, "TP"))
            else:
                note = "copies differ" if named or novel_truth else "a different allele overlaps the true one"
                checks.append(Check(sample, klass, _deletion_label(td), expected, reported, "wrong", note))
            continue
        if not structure_assessed(report, cluster):
            outcome = "expected_no_call" if _expects_not_assessable(truth, cluster) else "no_call"
            checks.append(Check(sample, klass, _deletion_label(td), expected, "no call", outcome,
                                f"{cluster} structure not assessable"))
        else:
            checks.append(Check(sample, klass, _deletion_label(td), expected, "not found", "FN"))
    for i, c in enumerate(calls):
        if i in used:
            continue
        klass = f"{c.get('cluster') or _cluster_of(c['chrom'])}_deletion"
        checks.append(Check(sample, klass, _deletion_label(c), "absent", f"{c['_canon']} x{c['copies']}", "FP"))
    true_names = {canonical_deletion_name(d["name"]) for d in truth["deletions"]}
    called_names = {c["_canon"] for c in calls}
    for row in _catalog_deletions():
        if row.start1 is None or row.name in true_names or row.name in called_names:
            continue
        if not _covered(report, row.chrom, row.start1, row.end1):
            continue
        if not structure_assessed(report, row.cluster):
            continue
        checks.append(Check(sample, f"{row.cluster}_deletion", f"{row.name} (catalog)", "absent", "absent", "TN"))
    return checks


def _lookup(report: dict[str, Any], dotted: str) -> Any:
    cur: Any = report
    for part in dotted.split("."):
        if not isinstance(cur, dict) or part not in cur:
            return None
        cur = cur[part]
    return cur


def normalise_genotype(text: str) -> str:
    """Order-free form of a genotype: "-a3.7/--SEA" == "--SEA/-a3.7"; alternatives joined by " or "."""
    alts = []
    for alt in str(text).split(" or "):
        alleles = sorted(a.strip() for a in alt.split("/"))
        alts.append("/".join(alleles))
    return " or ".join(sorted(alts))


def _expect_class(key: str) -> str:
    if key.startswith("alpha.genotype"):
        return "alpha_genotype"
    if key.startswith("beta.genotype"):
        return "beta_genotype"
    if key.endswith("status"):
        return "status"
    return "other"


def compare_expectations(truth: dict[str, Any], report: dict[str, Any]) -> list[Check]:
    """The truth's ``expect`` block (dotted report paths -> values): statuses, genotypes, anything else."""
    sample = truth["sample"]
    checks = []
    for key in sorted(truth["expect"]):
        expected = str(truth["expect"][key])
        value = _lookup(report, key)
        klass = _expect_class(key)
        if value is None:
            checks.append(Check(sample, klass, key, expected, "<missing>", "wrong", "the report has no such field"))
            continue
        reported = str(value)
        is_genotype = klass in ("alpha_genotype", "beta_genotype")
        same = (normalise_genotype(expected) == normalise_genotype(reported)) if is_genotype else expected == reported
        exp_na, rep_na = expected in NOT_ASSESSABLE, reported in NOT_ASSESSABLE
        if is_genotype and not same and " or " in reported and not exp_na:
            alternatives = normalise_genotype(reported).split(" or ")
            if normalise_genotype(expected) in alternatives:  # unresolved, the truth among the alternatives
                checks.append(Check(sample, klass, key, expected, reported, "no_call", "unresolved alternatives"))
                continue
        if same:
            outcome = "expected_no_call" if exp_na else ("TN" if expected in NEGATIVE_VALUES else "TP")
        elif rep_na:
            outcome = "no_call"
        elif exp_na:
            outcome = "FP"  # a confident answer where the data cannot support one
        elif expected in NEGATIVE_VALUES:
            outcome = "FP"
        elif reported in NEGATIVE_VALUES:
            outcome = "FN"
        else:
            outcome = "wrong"
        checks.append(Check(sample, klass, key, expected, reported, outcome))
    return checks


def _check_reference(truth: dict[str, Any], report: dict[str, Any], rpath: Path) -> None:
    t = (truth.get("reference") or {}).get("checksums") or {}
    r = (report.get("reference") or {}).get("checksums") or {}
    shared = set(t) & set(r)
    differ = sorted(k for k in shared if t[k] != r[k])
    if differ or (t and r and not shared):
        raise InputError(rpath, f"made on another reference than the truth {truth['_path']} "
                                f"({', '.join(differ) or 'no common interval'}): concordance would be meaningless")


def compare_sample(truth: dict[str, Any], report: dict[str, Any] | None) -> list[Check]:
    """Every check of one sample; a missing report is one discordant check."""
    if report is None:
        return [Check(truth["sample"], "result", "report.json", "present", "missing", "missing")]
    return compare_variants(truth, report) + compare_deletions(truth, report) + compare_expectations(truth, report)


# ------------------------------------------------------------------------------------------- running
def validate(truths: list[Path], results_dir: str | Path) -> Validation:
    """Compare every truth with its report under ``results_dir``; the result knows whether it passed."""
    checks: list[Check] = []
    samples: list[dict[str, Any]] = []
    versions: set[str] = set()
    catalogs: set[str] = set()
    references: set[str] = set()
    seen: set[str] = set()
    for path in truths:
        truth = load_truth(path)
        sid = truth["sample"]
        if sid in seen:
            raise InputError(path, f"a second truth for sample {sid!r}")
        seen.add(sid)
        rpath = report_path(results_dir, sid)
        report = _read_json(rpath) if rpath.exists() else None
        if report is not None:
            if report.get("sample") != sid:
                raise InputError(rpath, f"report is for sample {report.get('sample')!r}, not {sid!r}")
            _check_reference(truth, report, rpath)
            versions.add(str(report.get("thalgen_version", "")))
            catalogs.add(str(report.get("catalog_version", "")))
            ref = report.get("reference") or {}
            references.add(f"{ref.get('build', '')}: " + ", ".join(ref.get("intervals") or []))
        samples.append({
            "sample": sid, "platform": truth.get("platform", ""), "assay": truth.get("assay", ""),
            "depth": truth.get("depth"), "truth": str(path), "report": str(rpath), "found": report is not None,
            "haplotypes": [" + ".join(h) or "reference" for h in truth.get("haplotypes") or []],
            "expect": {k: str(v) for k, v in sorted(truth["expect"].items())},
        })
        checks.extend(compare_sample(truth, report))
    by_class = {c: Tally(c) for c in (*CLASSES, "result")}
    by_sample = {s["sample"]: Tally(s["sample"]) for s in samples}
    overall = Tally("all")
    for c in checks:
        by_class[c.klass].add(c)
        by_sample[c.sample].add(c)
        overall.add(c)
    provenance = {
        "generated_at": _dt.datetime.now(_dt.timezone.utc).replace(microsecond=0).isoformat(),
        "results_dir": str(results_dir),
        "thalgen_versions": sorted(versions - {""}),
        "catalog_versions": sorted(catalogs - {""}),
        "references": sorted(references),
    }
    from thalgen import __version__

    provenance["validator_version"] = __version__
    return Validation(checks, samples, [t for t in by_class.values() if t.checks], list(by_sample.values()),
                      overall, provenance)


# -------------------------------------------------------------------------------------------- output
def fmt_rate(pair: tuple[int, int]) -> str:
    num, den = pair
    return "n/a (0/0)" if den == 0 else f"{100.0 * num / den:.1f}% ({num}/{den})"


TABLE_COLUMNS = ("TP", "TN", "FP", "FN", "wrong", "no_call", "expected_no_call", "missing")


def tally_row(level: str, t: Tally, readable: bool = True) -> dict[str, str]:
    """One table row; ``readable`` names classes for people (α deletion), else by key (alpha_deletion)."""
    label = CLASS_LABELS.get(t.name, t.name) if level == "class" and readable else t.name
    row = {"level": level, "name": label}
    row.update({o: str(t.counts[o]) for o in OUTCOMES})
    row.update({
        "checks": str(t.checks), "sensitivity": fmt_rate(t.sensitivity), "specificity": fmt_rate(t.specificity),
        "precision": fmt_rate(t.precision), "no_call_rate": fmt_rate(t.no_call_rate),
        "concordance": fmt_rate(t.concordance), "result": "PASS" if t.discordant == 0 else "FAIL",
    })
    return row


TSV_COLUMNS = ("level", "name", *OUTCOMES, "checks", "sensitivity", "specificity", "precision", "no_call_rate",
               "concordance", "result")


def concordance_rows(v: Validation) -> list[dict[str, str]]:
    return ([tally_row("class", t, readable=False) for t in v.by_class]
            + [tally_row("sample", t) for t in v.by_sample] + [tally_row("overall", v.overall)])


def write_tsv(v: Validation, path: str | Path) -> None:
    """The concordance table (per class, per sample, overall) as TSV."""
    with atomic_write_text(path) as fh:
        fh.write("\t".join(TSV_COLUMNS) + "\n")
        for row in concordance_rows(v):
            fh.write("\t".join(row[c] for c in TSV_COLUMNS) + "\n")


DETAIL_COLUMNS = ("sample", "klass", "item", "expected", "reported", "outcome", "note")


def write_details_tsv(v: Validation, path: str | Path) -> None:
    """Every check, one per line (for the lab's records and for debugging a failed gate)."""
    with atomic_write_text(path) as fh:
        fh.write("\t".join(("sample", "class", "item", "expected", "reported", "outcome", "note")) + "\n")
        for c in v.checks:
            fh.write("\t".join(str(asdict(c)[k]).replace("\t", " ") for k in DETAIL_COLUMNS) + "\n")


def _text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    out = [line, "  ".join("-" * w for w in widths)]
    out += ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in rows]
    return "\n".join(out)


def format_table(v: Validation) -> str:
    """The concordance table people read in the CI log; differences and no-calls listed below it."""
    header = ["class", *TABLE_COLUMNS, "sensitivity", "specificity", "result"]
    rows = []
    for t in [*v.by_class, v.overall]:
        r = tally_row("class" if t is not v.overall else "overall", t)
        rows.append([r["name"] if t is not v.overall else "ALL", *(r[o] for o in TABLE_COLUMNS),
                     r["sensitivity"], r["specificity"], r["result"]])
    parts = [f"Concordance over {len(v.samples)} samples ({v.overall.checks} checks)", _text_table(header, rows)]
    bad = [c for c in v.checks if c.discordant]
    if bad:
        parts.append(f"\nDISCORDANT: {len(bad)} check(s) in {len({c.sample for c in bad})} sample(s)")
        parts.append(_text_table(["sample", "class", "item", "expected", "reported", "outcome"],
                                 [[c.sample, CLASS_LABELS.get(c.klass, c.klass), c.item, c.expected, c.reported,
                                   c.outcome + (f" ({c.note})" if c.note else "")] for c in bad]))
    nc = [c for c in v.checks if c.outcome == "no_call"]
    if nc:
        parts.append(f"\nNo-calls (not discordant; rate {fmt_rate(v.overall.no_call_rate)}):")
        parts.append(_text_table(["sample", "class", "item", "expected", "why"],
                                 [[c.sample, CLASS_LABELS.get(c.klass, c.klass), c.item, c.expected,
                                   c.note or c.reported] for c in nc]))
    parts.append(f"\nValidation {'PASSED' if v.passed else 'FAILED'}: "
                 f"{v.overall.discordant} discordant, {v.overall.counts['no_call']} no-call(s), "
                 f"concordance {fmt_rate(v.overall.concordance)}")
    return "\n".join(parts)


def render_html(v: Validation, title: str = "thalgen validation report") -> str:
    """The self-contained validation report a lab can file (template: report/validation.html)."""
    import jinja2

    env = jinja2.Environment(loader=jinja2.PackageLoader("thalgen", "report"), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.get_template("validation.html").render(
        title=title, v=v, class_rows=[tally_row("class", t) for t in v.by_class],
        sample_rows={t.name: tally_row("sample", t) for t in v.by_sample}, overall=tally_row("overall", v.overall),
        discordant=[c for c in v.checks if c.discordant], no_calls=[c for c in v.checks if c.outcome == "no_call"],
        labels=CLASS_LABELS, columns=TABLE_COLUMNS,
    )
