"""Simulated patients with known genotypes: spec parsing, haplotype construction and the truth file.

A spec (YAML or TSV) names, per patient, the edits on each of the two haplotypes. Each edit is
resolved against the locus reference into an :class:`Edit` (a small REF->ALT change, or a deleted /
duplicated reference segment); each haplotype is the reference with its edits applied, contig by
contig, carrying for every base the GRCh38 position it came from (``origin0``). Reads are then
drawn from the haplotypes (``readsim.py``) and the truth is written beside them for ``thalgen validate``.

Homology-mediated alpha rearrangements (-a3.7, -a4.2 and the reciprocal triplications) are not
fixed coordinates here: the duplicated units are found in the reference sequence itself (a k-mer
offset scan of the HBA2 region against the HBA1 region; see :func:`homology_boxes`), and the
crossover is placed inside a stretch where both units are identical, so the product is exactly one
unit shorter (deletion) or longer (triplication) and joins seamlessly. Any crossover inside one
identical stretch yields the same sequence; the seeded choice only moves the reported breakpoint.

Edit forms, in the order they are tried: ``del:chr16:165401-184701`` / ``dup:chr16:173384-177187``
(1-based inclusive; a duplication is tandem), VCF ``chr11:5227002:T:A`` (REF checked), the
homology names above (``-α3.7`` and ASCII/``alpha`` spellings too), HGVS ``HBB:c.20A>T`` via
``thalgen.hgvs.parse_c``, then catalog ids / common names / aliases / rsids and catalog deletion
names (``thalgen.catalog``). Two edits on one haplotype must not overlap: a small variant inside a
segment deleted or duplicated on the same haplotype is refused with an explanation.

Assays: ``wgs``/``wes``/``panel`` sample fragments over ``regions`` (default: the whole slices),
optionally with ``capture_bias``; ``amplicon`` makes each region one PCR product (gap-PCR across a
deletion falls out of the haplotype sequence). ``regions`` may also name a primer design YAML
(``config/lr_amplicons.yaml``; path relative to the spec). Illumina amplicons are sequenced as pairs
from each product; HiFi/ONT amplicon reads are each one whole product (long-range PCR + CCS/ONT).
In both, ``depth`` is the mean per-base coverage a product gets from two chromosomes that both give
it (each haplotype's product: depth/2 x efficiency), which for whole-product long reads is a read count.
"""

from __future__ import annotations

import collections
import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from thalgen import readsim
from thalgen.errors import InputError
from thalgen.fileio import atomic_write_text, require_readable
from thalgen.genes import genes, transcripts
from thalgen.locus import Interval, LocusReference
from thalgen.normalize import normalize

PLATFORMS = ("illumina", "hifi", "ont")
ASSAYS = ("wgs", "wes", "panel", "amplicon")
DEFAULTS: dict[str, Any] = {
    "platform": "illumina",
    "assay": "wgs",
    "depth": 200.0,
    "read_length": 150,
    "insert_mean": 350.0,
    "insert_sd": 60.0,
    "duplicate_rate": 0.03,
    "seed": 1,
    "regions": None,
    "capture_bias": False,
}
PATIENT_KEYS = set(DEFAULTS) | {"id", "haplotypes", "expect"}
#: Longest PCR product the amplicon assay amplifies. Long-range PCR polymerases routinely give 12-15 kb from
#: genomic DNA (HiFi/ONT amplicon protocols sequence such products whole); 13 kb lets the alpha design's unit
#: products show a triplicated chromosome (anti-3.7 12.1 kb, anti-4.2 12.5 kb, config/lr_amplicons.yaml) while
#: every gap-PCR region's undeleted allele (>= 19.9 kb) still gives none. Used by tests/test_longread_amplicon.py
#: and the long-read caller's amplicon mode (which products a design can make).
MAX_AMPLICON = 13_000


# ---- data ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Edit:
    """One resolved edit on one haplotype; ``start0``/``end0`` is the reference span it replaces."""

    text: str  # as written in the spec
    kind: str  # small / deletion / duplication
    chrom: str
    start0: int
    end0: int
    ref: str = ""  # small edits: VCF REF/ALT (REF = reference[start0:end0])
    alt: str = ""
    name: str = ""  # structural: the name used in the truth file
    detail: tuple[tuple[str, Any], ...] = ()  # e.g. homology box, crossover

    @property
    def start1(self) -> int:
        return self.start0 + 1

    @property
    def end1(self) -> int:
        return self.end0


@dataclass
class PatientSpec:
    id: str
    haplotypes: tuple[list[str], list[str]]
    platform: str
    assay: str
    depth: float
    read_length: int
    insert_mean: float
    insert_sd: float
    duplicate_rate: float
    seed: int
    regions: list[Interval] | None
    capture_bias: bool | list[tuple[Interval, float]]
    expect: dict[str, Any] = field(default_factory=dict)


@dataclass
class HaplotypeContig:
    chrom: str
    sequence: str
    origin0: np.ndarray  # GRCh38 0-based position each base came from; -1 for inserted bases


@dataclass
class Haplotype:
    index: int  # 1 or 2
    edits: list[Edit]
    contigs: dict[str, HaplotypeContig]


# ---- spec parsing -------------------------------------------------------------------------------
def load_spec(path: str | Path) -> list[PatientSpec]:
    """Read a YAML (``defaults`` + ``patients``) or TSV (``id, haplotype1, haplotype2, ...``) spec."""
    p = require_readable(path)
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            doc = yaml.safe_load(p.read_text())
        except yaml.YAMLError as exc:
            raise InputError(p, f"not valid YAML ({exc})") from None
        if not isinstance(doc, dict) or not isinstance(doc.get("patients"), list):
            raise InputError(p, "expected a mapping with a 'patients' list (and optional 'defaults')")
        defaults = doc.get("defaults") or {}
        if not isinstance(defaults, dict):
            raise InputError(p, "'defaults' must be a mapping")
        unknown = set(defaults) - set(DEFAULTS)
        if unknown:
            raise InputError(p, f"unknown key(s) in defaults: {', '.join(sorted(unknown))}")
        entries = doc["patients"]
    elif p.suffix.lower() in (".tsv", ".txt"):
        defaults, entries = {}, _tsv_entries(p)
    else:
        raise InputError(p, "spec must be .yaml/.yml or .tsv")
    patients = [_patient(p, e, defaults, i) for i, e in enumerate(entries, 1)]
    seen = collections.Counter(pt.id for pt in patients)
    dup = [k for k, v in seen.items() if v > 1]
    if dup:
        raise InputError(p, f"duplicate patient id(s): {', '.join(dup)}")
    return patients


def _tsv_entries(path: Path) -> list[dict[str, Any]]:
    lines = [ln for ln in path.read_text().splitlines() if ln.strip() and not ln.startswith("#")]
    if not lines:
        raise InputError(path, "no header line")
    rows = list(csv.DictReader(lines, delimiter="\t"))
    header = set(rows[0].keys()) if rows else set(lines[0].split("\t"))
    for col in ("id", "haplotype1", "haplotype2"):
        if col not in header:
            raise InputError(path, f"missing column {col!r} (need id, haplotype1, haplotype2)")
    entries = []
    for row in rows:
        e: dict[str, Any] = {"id": row["id"]}
        e["haplotypes"] = [_split_edits(row["haplotype1"]), _split_edits(row["haplotype2"])]
        for key, value in row.items():
            if key in ("id", "haplotype1", "haplotype2") or value is None or value.strip() == "":
                continue
            if key == "regions":
                e[key] = [v.strip() for v in re.split(r"[;,]\s*(?=chr|\d)", value) if v.strip()]
            elif key == "expect":
                e[key] = dict(kv.split("=", 1) for kv in value.split(";") if "=" in kv)
            else:
                e[key] = yaml.safe_load(value)
        entries.append(e)
    return entries


def _split_edits(cell: str | None) -> list[str]:
    if cell is None:
        return []
    return [t.strip() for t in cell.split(";") if t.strip() and t.strip() not in (".", "-", "ref", "normal")]


def _patient(path: Path, entry: Any, defaults: dict[str, Any], n: int) -> PatientSpec:
    if not isinstance(entry, dict):
        raise InputError(path, f"patient #{n}: expected a mapping")
    pid = str(entry.get("id", "")).strip()
    if not pid or not re.fullmatch(r"[A-Za-z0-9._-]+", pid):
        raise InputError(path, f"patient #{n}: id {pid!r} missing or not [A-Za-z0-9._-]+")
    unknown = set(entry) - PATIENT_KEYS
    if unknown:
        raise InputError(path, f"patient {pid}: unknown key(s): {', '.join(sorted(unknown))}")
    haps = entry.get("haplotypes")
    if not isinstance(haps, list) or len(haps) != 2 or not all(isinstance(h, list | type(None)) for h in haps):
        raise InputError(path, f"patient {pid}: 'haplotypes' must be exactly two lists (haplotype 1, haplotype 2)")
    haps = [[str(x).strip() for x in (h or [])] for h in haps]
    s = {**DEFAULTS, **defaults, **{k: v for k, v in entry.items() if k in DEFAULTS}}

    def num(key: str, kind: type, lo: float, hi: float) -> Any:
        try:
            v = kind(s[key])
        except (TypeError, ValueError):
            raise InputError(path, f"patient {pid}: {key} must be a number, got {s[key]!r}") from None
        if not lo <= v <= hi:
            raise InputError(path, f"patient {pid}: {key}={v} out of range [{lo}, {hi}]")
        return v

    platform = str(s["platform"]).lower()
    if platform not in PLATFORMS:
        raise InputError(path, f"patient {pid}: unknown platform {s['platform']!r} (use {', '.join(PLATFORMS)})")
    assay = str(s["assay"]).lower()
    if assay not in ASSAYS:
        raise InputError(path, f"patient {pid}: unknown assay {s['assay']!r} (use {', '.join(ASSAYS)})")
    regions = None
    if isinstance(s["regions"], str):  # a named primer design (config/lr_amplicons.yaml), relative to the spec
        design = Path(s["regions"])
        design = design if design.is_absolute() else path.parent / design
        regions = [r.interval for r in load_amplicon_design(design)]
    elif s["regions"] is not None:
        if not isinstance(s["regions"], list) or not s["regions"]:
            raise InputError(path, f"patient {pid}: regions must be a non-empty list of intervals")
        regions = [_interval(path, pid, r) for r in s["regions"]]
    if assay == "amplicon" and regions is None:
        raise InputError(path, f"patient {pid}: assay amplicon needs 'regions' (one interval per amplicon)")
    capture = s["capture_bias"]
    if isinstance(capture, list):
        parsed = []
        for item in capture:
            if not isinstance(item, dict) or "interval" not in item or "efficiency" not in item:
                raise InputError(path, f"patient {pid}: capture_bias entries need 'interval' and 'efficiency'")
            eff = float(item["efficiency"])
            if eff < 0:
                raise InputError(path, f"patient {pid}: capture efficiency must be >= 0")
            parsed.append((_interval(path, pid, item["interval"]), eff))
        capture = parsed
    elif not isinstance(capture, bool):
        raise InputError(path, f"patient {pid}: capture_bias must be true/false or a list of {{interval, efficiency}}")
    expect = entry.get("expect") or {}
    if not isinstance(expect, dict):
        raise InputError(path, f"patient {pid}: expect must be a mapping")
    return PatientSpec(
        id=pid,
        haplotypes=(haps[0], haps[1]),
        platform=platform,
        assay=assay,
        depth=num("depth", float, 0.01, 100_000),
        read_length=num("read_length", int, 30, 1000),
        insert_mean=num("insert_mean", float, 30, 5000),
        insert_sd=num("insert_sd", float, 0, 5000),
        duplicate_rate=num("duplicate_rate", float, 0, 0.9),
        seed=num("seed", int, 0, 2**63 - 1),
        regions=regions,
        capture_bias=capture,
        expect=expect,
    )


@dataclass(frozen=True)
class AmpliconRegion:
    """One primer pair of a named design: the product spans ``interval`` (primer 5' ends, GRCh38 1-based)."""

    id: str
    interval: Interval
    kind: str  # gap (product only on the deleted allele) / normal (only on the undeleted one) / unit / gene
    detects: str
    source: str


AMPLICON_KINDS = ("gap", "normal", "unit", "gene")


def load_amplicon_design(path: str | Path) -> list[AmpliconRegion]:
    """A primer design YAML (``regions``: id, interval, kind, detects, source); every row checked."""
    p = require_readable(path)
    try:
        doc = yaml.safe_load(p.read_text())
    except yaml.YAMLError as exc:
        raise InputError(p, f"not valid YAML ({exc})") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("regions"), list) or not doc["regions"]:
        raise InputError(p, "expected a mapping with a non-empty 'regions' list")
    out: list[AmpliconRegion] = []
    for n, row in enumerate(doc["regions"], 1):
        if not isinstance(row, dict):
            raise InputError(p, f"region #{n}: expected a mapping")
        rid = str(row.get("id", "")).strip()
        if not re.fullmatch(r"[A-Za-z0-9._-]+", rid):
            raise InputError(p, f"region #{n}: id {rid!r} missing or not [A-Za-z0-9._-]+")
        try:
            iv = Interval.parse(str(row.get("interval", "")))
        except ValueError as exc:
            raise InputError(p, f"region {rid}: {exc}") from None
        kind = str(row.get("kind", ""))
        if kind not in AMPLICON_KINDS:
            raise InputError(p, f"region {rid}: kind {kind!r} is not one of {', '.join(AMPLICON_KINDS)}")
        for key in ("detects", "source"):
            if not str(row.get(key) or "").strip():
                raise InputError(p, f"region {rid}: '{key}' is empty (say what the product shows and where it is from)")
        out.append(AmpliconRegion(rid, iv, kind, str(row["detects"]).strip(), str(row["source"]).strip()))
    dup = [k for k, v in collections.Counter(r.id for r in out).items() if v > 1]
    if dup:
        raise InputError(p, f"duplicate region id(s): {', '.join(dup)}")
    return out


def _interval(path: Path, pid: str, text: Any) -> Interval:
    try:
        return Interval.parse(str(text))
    except ValueError as exc:
        raise InputError(path, f"patient {pid}: {exc}") from None


# ---- randomness ---------------------------------------------------------------------------------
def patient_rng(seed: int, patient_id: str, purpose: str = "reads") -> np.random.Generator:
    """A generator that depends only on (seed, patient id, purpose): patient order changes nothing."""
    digest = hashlib.sha256(f"{patient_id}\0{purpose}".encode()).digest()
    return np.random.default_rng([int(seed), int.from_bytes(digest[:8], "little")])


# ---- homology-mediated alpha rearrangements ----------------------------------------------------
@dataclass(frozen=True)
class HomologyBox:
    """A duplicated unit: sequence at ``p`` matches sequence at ``p + offset`` inside the stretch."""

    name: str  # Z (3.7 kb units) or X (4.2 kb units)
    offset: int  # unit length
    stretch_start0: int  # the longest perfectly identical stretch used for crossovers (GRCh38)
    stretch_end0: int


_HOMOLOGY_NAMES = {
    "-a3.7": ("Z", "deletion"),
    "-alpha3.7": ("Z", "deletion"),
    "anti3.7": ("Z", "duplication"),
    "aaaanti3.7": ("Z", "duplication"),
    "3p7dup": ("Z", "duplication"),
    "-a4.2": ("X", "deletion"),
    "-alpha4.2": ("X", "deletion"),
    "anti4.2": ("X", "duplication"),
    "aaaanti4.2": ("X", "duplication"),
    "4p2dup": ("X", "duplication"),
}


def _homology_key(text: str) -> str:
    t = text.replace("α", "a").replace("alpha", "a").replace(" ", "").replace("_", "").lower()
    t = t.replace("anti-", "anti")
    return t


def homology_boxes(ref: LocusReference) -> dict[str, HomologyBox]:
    """Find the Z (~3.8 kb) and X (~4.2 kb) duplication units of HBA2/HBA1 in the reference sequence.

    A k-mer offset scan of [HBA2 start - 4 kb, HBA2 end) against the sequence 3-5 kb further right:
    the most frequent offset in 3.5-4.0 kb is the Z unit, in 4.0-4.5 kb the X unit. For each, the
    crossover stretch is the longest run of positions ``p`` with ``seq[p] == seq[p + offset]``;
    for Z it must lie within HBA2 (the 3.7 hybrid keeps HBA2 5' and HBA1 3'), for X upstream of
    HBA2 (the 4.2 deletion removes HBA2 whole). On GRCh38 this gives Z offset 3804 with the stretch
    chr16:172871-173383 and X offset 4257 with chr16:169499-169818.
    """
    hba2 = genes()["HBA2"]
    key = (ref.slice(hba2.chrom).md5, str(ref.slice(hba2.chrom).interval)) if ref.has(hba2.chrom) else None
    if key not in _BOX_CACHE:
        _BOX_CACHE[key] = _find_homology_boxes(ref)
    return _BOX_CACHE[key]


_BOX_CACHE: dict[Any, dict[str, HomologyBox]] = {}


def _find_homology_boxes(ref: LocusReference) -> dict[str, HomologyBox]:
    hba2 = genes()["HBA2"]
    chrom = hba2.chrom
    if not ref.has(chrom):
        raise KeyError(f"the locus reference has no {chrom} slice: no alpha cluster")
    sl = ref.slice(chrom)
    a0, a1 = hba2.start1 - 1 - 4000, hba2.end1
    b0, b1 = a0 + 3000, a1 + 5000
    if not ref.covers(chrom, a0, b1 + 5000):
        raise KeyError(f"the {chrom} slice does not cover the HBA2/HBA1 duplication units")
    seq = sl.sequence
    off = sl.interval.start0
    k = 24
    index: dict[str, list[int]] = collections.defaultdict(list)
    for p in range(b0 - off, b1 - off):
        index[seq[p : p + k]].append(p)
    offsets: collections.Counter[int] = collections.Counter()
    for p in range(a0 - off, a1 - off):
        for q in index.get(seq[p : p + k], ()):
            offsets[q - p] += 1
    arr = np.frombuffer(seq.encode("ascii"), dtype=np.uint8)
    boxes = {}
    for name, (lo, hi), (w0, w1) in (
        ("Z", (3500, 4000), (hba2.start1 - 1 - 1500, hba2.end1)),
        ("X", (4000, 4500), (hba2.start1 - 1 - 4000, hba2.start1 - 1)),
    ):
        cands = [(c, d) for d, c in offsets.items() if lo <= d < hi]
        if not cands:
            raise KeyError(f"no {name}-box duplication found near HBA2 in the reference")
        _, d = max(cands)
        s0, e0 = w0 - off, w1 - off
        eq = arr[s0:e0] == arr[s0 + d : e0 + d]
        best = (0, 0, 0)
        run_start = None
        for i, same in enumerate(np.append(eq, False)):
            if same and run_start is None:
                run_start = i
            elif not same and run_start is not None:
                if i - run_start > best[0]:
                    best = (i - run_start, run_start, i)
                run_start = None
        if best[0] < 20:
            raise KeyError(f"no identical stretch in the {name} box")
        boxes[name] = HomologyBox(name, d, s0 + best[1] + off, s0 + best[2] + off)
    return boxes


def homology_rearrangement(ref: LocusReference, text: str, rng: np.random.Generator) -> Edit:
    """-a3.7 / -a4.2 (delete one unit) or anti-3.7 / anti-4.2 (insert one more), crossover seeded."""
    box_name, kind = _HOMOLOGY_NAMES[_homology_key(text)]
    box = homology_boxes(ref)[box_name]
    crossover0 = int(rng.integers(box.stretch_start0, box.stretch_end0 + 1))
    chrom = genes()["HBA2"].chrom
    name = {("Z", "deletion"): "-a3.7", ("Z", "duplication"): "anti-3.7",
            ("X", "deletion"): "-a4.2", ("X", "duplication"): "anti-4.2"}[(box_name, kind)]
    detail = (
        ("box", box_name),
        ("unit_length", box.offset),
        ("identical_stretch", f"{chrom}:{box.stretch_start0 + 1}-{box.stretch_end0}"),
        ("crossover_pos1", crossover0 + 1),
    )
    return Edit(text, kind, chrom, crossover0, crossover0 + box.offset, name=name, detail=detail)


# ---- edit resolution ----------------------------------------------------------------------------
_VCF_RE = re.compile(r"(?:chr)?(11|16):(\d+):([ACGTNacgtn]+):([ACGTNacgtn]+)")
_SV_RE = re.compile(r"(del|dup):(?:chr)?(11|16):([\d,]+)-([\d,]+)", re.IGNORECASE)
_HGVS_RE = re.compile(r"([A-Z0-9]+):(c\..+)")


def resolve_edit(ref: LocusReference, text: str, spec_path: str | Path, rng: np.random.Generator) -> Edit:
    """Turn one spec token into an Edit, checking it against the reference."""
    t = text.strip()
    m = _SV_RE.fullmatch(t)
    if m:
        chrom = f"chr{m.group(2)}"
        start1, end1 = int(m.group(3).replace(",", "")), int(m.group(4).replace(",", ""))
        if end1 < start1:
            raise InputError(spec_path, f"{t}: end before start")
        _require_covered(ref, spec_path, t, chrom, start1 - 1, end1)
        kind = "deletion" if m.group(1).lower() == "del" else "duplication"
        return Edit(t, kind, chrom, start1 - 1, end1, name=f"{m.group(1).lower()}:{chrom}:{start1}-{end1}")
    m = _VCF_RE.fullmatch(t)
    if m:
        chrom, pos1, r, a = f"chr{m.group(1)}", int(m.group(2)), m.group(3).upper(), m.group(4).upper()
        return _small(ref, spec_path, t, chrom, pos1, r, a)
    if _homology_key(t) in _HOMOLOGY_NAMES:
        try:
            return homology_rearrangement(ref, t, rng)
        except KeyError as exc:
            raise InputError(spec_path, f"{t}: {exc.args[0]}") from None
    m = _HGVS_RE.fullmatch(t)
    if m:
        return _from_hgvs(ref, spec_path, t, m.group(1), m.group(2))
    found = _from_catalog(ref, spec_path, t)
    if found is not None:
        return found
    raise InputError(
        spec_path,
        f"unknown edit {t!r}: not VCF (chr11:5227002:T:A), HGVS (HBB:c.20A>T), del:/dup:chr16:START-END, "
        "a homology rearrangement (-a3.7, -a4.2, anti-3.7, anti-4.2) or a catalog id/name",
    )


def _require_covered(ref: LocusReference, spec_path: str | Path, t: str, chrom: str, start0: int, end0: int) -> None:
    if not ref.covers(chrom, start0, end0):
        where = str(ref.slice(chrom).interval) if ref.has(chrom) else "none"
        raise InputError(spec_path, f"{t}: {chrom}:{start0 + 1}-{end0} is outside the locus reference ({chrom} slice: {where})")


def _small(ref: LocusReference, spec_path: str | Path, t: str, chrom: str, pos1: int, r: str, a: str) -> Edit:
    _require_covered(ref, spec_path, t, chrom, pos1 - 1, pos1 - 1 + len(r))
    actual = ref.fetch0(chrom, pos1 - 1, pos1 - 1 + len(r))
    if actual != r:
        raise InputError(spec_path, f"{t}: REF mismatch: the reference has {actual} at {chrom}:{pos1}, not {r}")
    if r == a:
        raise InputError(spec_path, f"{t}: REF and ALT are identical")
    return Edit(t, "small", chrom, pos1 - 1, pos1 - 1 + len(r), ref=r, alt=a)


def _record_fields(rec: Any) -> tuple[str, int, str, str] | None:
    """(chrom, pos1, ref, alt) from a tuple, mapping or object (the hgvs/catalog helpers' results)."""
    if isinstance(rec, tuple) and len(rec) == 4:
        return str(rec[0]), int(rec[1]), str(rec[2]), str(rec[3])
    get = rec.get if isinstance(rec, dict) else (lambda k, d=None: getattr(rec, k, d))
    chrom = get("chrom")
    pos1 = get("pos1", get("pos"))
    r, a = get("ref"), get("alt")
    if chrom is None or pos1 is None or r is None or a is None:
        return None
    return str(chrom), int(pos1), str(r), str(a)


def _from_hgvs(ref: LocusReference, spec_path: str | Path, t: str, gene: str, c_text: str) -> Edit:
    if gene not in transcripts():
        raise InputError(spec_path, f"{t}: no transcript for gene {gene} (known: {', '.join(transcripts())})")
    try:
        from thalgen import hgvs  # lazy: written alongside this module
    except ImportError:
        raise InputError(spec_path, f"{t}: HGVS edits need thalgen.hgvs, which is not available in this build; use the VCF form chr:pos:ref:alt") from None
    try:
        rec = hgvs.parse_c(ref, gene, c_text)
    except InputError as exc:
        raise InputError(spec_path, f"{t}: {exc.problem}") from None
    except (ValueError, IndexError) as exc:
        raise InputError(spec_path, f"{t}: {exc}") from None
    fields = _record_fields(rec)
    if fields is None:
        raise InputError(spec_path, f"{t}: thalgen.hgvs.parse_c returned {rec!r}, not a VCF record")
    return _small(ref, spec_path, t, *fields)


def _catalog_names(row: Any) -> set[str]:
    get = row.get if isinstance(row, dict) else (lambda k, d=None: getattr(row, k, d))
    names = {str(get(k, "") or "") for k in ("id", "common_name", "hb_variant", "rsid")}
    aliases = get("aliases", ()) or ()
    names |= set(aliases) if isinstance(aliases, (list, tuple)) else set(str(aliases).split(";"))
    common = str(get("common_name", "") or "")
    names.add(re.sub(r"\s*\(.*\)\s*$", "", common))  # "Hb Constant Spring (Hb CS)" -> "Hb Constant Spring"
    return {n.strip().lower() for n in names if n and n.strip()}


def _from_catalog(ref: LocusReference, spec_path: str | Path, t: str) -> Edit | None:
    """Catalog small variants (id, common name, alias, rsid) and deletions (name); None when not found."""
    try:
        from thalgen import catalog  # lazy: written alongside this module
    except ImportError:
        return None
    key = t.lower()
    loader = getattr(catalog, "load_small_variants", None)
    if loader is not None:
        hits = {}
        for row in loader():
            if key in _catalog_names(row):
                fields = _record_fields(row)
                if fields is not None:
                    hits[fields] = str(getattr(row, "id", "") or fields)
        if len(hits) > 1:
            raise InputError(spec_path, f"{t}: ambiguous, matches catalog variants {', '.join(sorted(hits.values()))}; use the id")
        if hits:
            return _small(ref, spec_path, t, *next(iter(hits)))
    by_name = getattr(catalog, "deletion_by_name", None)
    if by_name is not None:
        try:
            d = by_name(t)
        except (LookupError, InputError, OSError):
            d = None
        if d is not None:
            get = d.get if isinstance(d, dict) else (lambda k, dd=None: getattr(d, k, dd))
            chrom, start1, end1 = get("chrom"), get("start1", get("start")), get("end1", get("end"))
            if chrom is None or start1 is None or end1 is None:
                raise InputError(spec_path, f"{t}: the catalog has no GRCh38 breakpoints for it, so it cannot be simulated; use del:chrN:START-END")
            kind = "duplication" if str(get("kind", "deletion") or "").startswith("dup") else "deletion"
            _require_covered(ref, spec_path, t, chrom, int(start1) - 1, int(end1))
            return Edit(t, kind, chrom, int(start1) - 1, int(end1), name=str(get("name", t) or t))
    return None


# ---- haplotypes ---------------------------------------------------------------------------------
def build_haplotype(ref: LocusReference, edits: list[Edit], index: int, spec_path: str | Path = "<spec>") -> Haplotype:
    """Apply non-overlapping edits to each reference slice; raise InputError on overlap."""
    contigs: dict[str, HaplotypeContig] = {}
    for chrom, sl in ref.slices.items():
        mine = sorted((e for e in edits if e.chrom == chrom), key=lambda e: (e.start0, e.end0))
        for a, b in zip(mine, mine[1:]):
            if b.start0 < a.end0 or (a.start0 == b.start0):
                raise InputError(spec_path, f"haplotype {index}: {_overlap_problem(a, b)}")
        seq_parts: list[str] = []
        origin_parts: list[np.ndarray] = []
        base0 = sl.interval.start0
        cursor = base0
        for e in mine:
            seq_parts.append(sl.fetch0(cursor, e.start0))
            origin_parts.append(np.arange(cursor, e.start0, dtype=np.int64))
            if e.kind == "small":
                seq_parts.append(e.alt)
                origin_parts.append(_alt_origin(e))
                cursor = e.end0
            elif e.kind == "deletion":
                cursor = e.end0
            else:  # duplication: the segment, then again (tandem)
                unit = sl.fetch0(e.start0, e.end0)
                seq_parts.extend([unit, unit])
                span = np.arange(e.start0, e.end0, dtype=np.int64)
                origin_parts.extend([span, span])
                cursor = e.end0
        seq_parts.append(sl.fetch0(cursor, sl.interval.end0))
        origin_parts.append(np.arange(cursor, sl.interval.end0, dtype=np.int64))
        contigs[chrom] = HaplotypeContig(chrom, "".join(seq_parts), np.concatenate(origin_parts))
    return Haplotype(index, list(edits), contigs)


def _overlap_problem(a: Edit, b: Edit) -> str:
    """Why two edits on one haplotype cannot both be applied, in words a spec author can act on."""
    small, sv = (a, b) if a.kind == "small" else (b, a)
    if small.kind == "small" and sv.kind != "small":
        verb = "deleted" if sv.kind == "deletion" else "duplicated (which copy carries it is ambiguous)"
        hint = ""
        if sv.name in ("-a3.7", "-a4.2") and small.chrom == sv.chrom:
            hint = (f"; on a {sv.name} chromosome that sequence comes from the HBA1 unit, so write the "
                    f"change at its HBA1 position (+{sv.end0 - sv.start0} bp) or put it on the other haplotype")
        return (f"{small.text!r} ({small.chrom}:{small.start1}) lies inside the segment {verb} by "
                f"{sv.text!r} ({sv.chrom}:{sv.start1}-{sv.end1}){hint}")
    return f"edits {a.text!r} ({a.chrom}:{a.start1}-{a.end1}) and {b.text!r} ({b.chrom}:{b.start1}-{b.end1}) overlap"


def _alt_origin(e: Edit) -> np.ndarray:
    """Origins of ALT bases: substitutions keep their positions; indel ALT beyond the anchor is inserted (-1)."""
    if len(e.ref) == len(e.alt):
        return np.arange(e.start0, e.end0, dtype=np.int64)
    shared = min(len(e.ref), len(e.alt), 1)
    return np.array([e.start0] * shared + [-1] * (len(e.alt) - shared), dtype=np.int64)


def build_patient(ref: LocusReference, patient: PatientSpec, spec_path: str | Path) -> list[Haplotype]:
    rng = patient_rng(patient.seed, patient.id, "crossover")
    haps = []
    for i, tokens in enumerate(patient.haplotypes, 1):
        edits = [resolve_edit(ref, tok, spec_path, rng) for tok in tokens]
        try:
            haps.append(build_haplotype(ref, edits, i, spec_path))
        except InputError as exc:
            raise InputError(spec_path, f"patient {patient.id}: {exc.problem}") from None
    return haps


# ---- truth --------------------------------------------------------------------------------------
def _copies_at(haps: list[Haplotype], chrom: str, pos0: int) -> list[int]:
    return [int(np.count_nonzero(h.contigs[chrom].origin0 == pos0)) if chrom in h.contigs else 0 for h in haps]


def _gene_at(chrom: str, pos1: int) -> str:
    for g in genes().values():
        if g.chrom == chrom and g.start1 <= pos1 <= g.end1:
            return g.name
    return ""


def truth(ref: LocusReference, patient: PatientSpec, haps: list[Haplotype]) -> dict[str, Any]:
    """The truth record ``thalgen validate`` compares calls against (positions GRCh38, 1-based)."""
    variants: dict[tuple[str, int, str, str], list[int]] = {}
    for h in haps:
        for e in h.edits:
            if e.kind == "small":
                key = (e.chrom, *normalize(ref, e.chrom, e.start1, e.ref, e.alt))
                variants.setdefault(key, []).append(h.index)
    var_out = []
    for (chrom, pos1, r, a), on in sorted(variants.items()):
        copies = _copies_at(haps, chrom, pos1 - 1)
        total = sum(copies)
        alt_copies = sum(copies[i - 1] for i in on)
        if alt_copies < total:
            zyg = "heterozygous"
        else:
            zyg = "hemizygous" if total == 1 else "homozygous"
        var_out.append({
            "chrom": chrom, "pos": pos1, "ref": r, "alt": a, "gene": _gene_at(chrom, pos1),
            "zygosity": zyg, "alt_copies": alt_copies, "total_copies": total, "haplotypes": on,
        })
    structural: dict[tuple[str, str, int, int, str], list[int]] = {}
    details: dict[tuple, dict] = {}
    for h in haps:
        for e in h.edits:
            if e.kind != "small":
                key = (e.name, e.chrom, e.start1, e.end1, e.kind)
                structural.setdefault(key, []).append(h.index)
                details[key] = dict(e.detail)
    del_out = []
    for key, on in sorted(structural.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0])):
        name, chrom, s1, e1, kind = key
        item = {"name": name, "chrom": chrom, "start": s1, "end": e1, "kind": kind, "copies": len(on), "haplotypes": on}
        if details[key]:
            item["homology"] = details[key]
        del_out.append(item)
    return {
        "sample": patient.id,
        "platform": patient.platform,
        "assay": patient.assay,
        "depth": patient.depth,
        "seed": patient.seed,
        "read_length": patient.read_length if patient.platform == "illumina" else None,
        "regions": [str(r) for r in patient.regions] if patient.regions else None,
        "haplotypes": [[e.text for e in h.edits] for h in haps],
        "haplotype_lengths": [{c: len(hc.sequence) for c, hc in h.contigs.items()} for h in haps],
        "variants": var_out,
        "deletions": del_out,
        "expect": patient.expect,
        "reference": ref.to_json(),
    }


# ---- sampling weights (regions, capture bias) ---------------------------------------------------
def capture_profile(ref: LocusReference, seed: int, knot_spacing: int = 500, sd: float = 0.35) -> dict[str, np.ndarray]:
    """A smooth per-position capture efficiency for each slice (lognormal around 1).

    Seeded by the spec seed only, not the patient: patients of one batch share one "panel", whose
    uneven coverage is the same from sample to sample (what copy-number normalisation relies on).
    """
    out = {}
    for chrom, sl in sorted(ref.slices.items()):
        rng = patient_rng(seed, chrom, "capture-profile")
        n = sl.interval.length
        knots = np.arange(0, n + knot_spacing, knot_spacing)
        log_eff = rng.normal(0.0, sd, len(knots))
        out[chrom] = np.exp(np.interp(np.arange(n), knots, log_eff))
    return out


def _weights(ref: LocusReference, patient: PatientSpec, contig: HaplotypeContig) -> np.ndarray:
    """Per-base sampling weight on a haplotype contig, looked up through each base's GRCh38 origin."""
    sl = ref.slice(contig.chrom)
    origin = contig.origin0.copy()
    # inserted bases take the weight of the base before them
    missing = origin < 0
    if missing.any():
        idx = np.where(~missing, np.arange(len(origin)), 0)
        np.maximum.accumulate(idx, out=idx)
        origin = origin[idx]
    rel = origin - sl.interval.start0
    ref_w = _reference_weights(ref, patient, contig.chrom)
    return ref_w[rel]


def _reference_weights(ref: LocusReference, patient: PatientSpec, chrom: str) -> np.ndarray:
    sl = ref.slice(chrom)
    n = sl.interval.length
    on_target = np.ones(n, dtype=bool)
    if patient.regions is not None:
        on_target[:] = False
        for r in patient.regions:
            if r.chrom == chrom:
                on_target[max(0, r.start0 - sl.interval.start0) : max(0, r.end0 - sl.interval.start0)] = True
    w = on_target.astype(np.float64)
    if patient.capture_bias:
        w *= capture_profile(ref, patient.seed)[chrom]
        if isinstance(patient.capture_bias, list):
            for iv, eff in patient.capture_bias:
                if iv.chrom == chrom:
                    w[max(0, iv.start0 - sl.interval.start0) : max(0, iv.end0 - sl.interval.start0)] *= eff
        # keep the mean on-target depth at the requested depth
        if on_target.any():
            mean = w[on_target].mean()
            if mean > 0:
                w /= mean
    return w


def _amplicons(ref: LocusReference, patient: PatientSpec, contig: HaplotypeContig) -> list[tuple[int, int, float]]:
    """PCR products of each region on a haplotype contig: from the first primer base to the last.

    A product exists wherever both end bases of the region are present on the haplotype, in order
    and at most MAX_AMPLICON bp apart, so a deletion between the primers gives the short gap-PCR
    product, the undeleted allele of a long gap-PCR region gives none, and a deletion removing a
    primer site gives none. Primers are matched by GRCh38 origin, not by sequence: a design should put
    them in sequence unique in the locus (config/lr_amplicons.yaml is checked for that by its test).
    Efficiency: a ``capture_bias`` entry with exactly the region's interval (one primer pair; designs
    nest products, so overlap would be ambiguous).
    """
    products = []
    for r in patient.regions or []:
        if r.chrom != contig.chrom:
            continue
        eff = 1.0
        if isinstance(patient.capture_bias, list):
            for iv, e in patient.capture_bias:
                if iv == r:  # efficiency belongs to a primer pair: the entry naming this region's interval
                    eff *= e
        lefts = np.nonzero(contig.origin0 == r.start0)[0]
        rights = np.nonzero(contig.origin0 == r.end0 - 1)[0]
        for left in lefts:
            after = rights[rights >= left]
            if len(after) and after[0] + 1 - left <= MAX_AMPLICON:
                products.append((int(left), int(after[0]) + 1, eff))
    return products


def _product_region(contig: HaplotypeContig, start0: int, end0: int) -> str:
    """The design region a product came from, as GRCh38 1-based ``chrom:first-last`` primer ends."""
    return f"{contig.chrom}:{int(contig.origin0[start0]) + 1}-{int(contig.origin0[end0 - 1]) + 1}"


# ---- running one patient ------------------------------------------------------------------------
def output_paths(outdir: str | Path, patient: PatientSpec) -> dict[str, Path]:
    d = Path(outdir)
    if patient.platform == "illumina":
        paths = {"r1": d / f"{patient.id}_R1.fastq.gz", "r2": d / f"{patient.id}_R2.fastq.gz"}
    else:
        paths = {"reads": d / f"{patient.id}.fastq.gz"}
    paths["truth"] = d / f"{patient.id}.truth.json"
    return paths


def simulate_patient(ref: LocusReference, patient: PatientSpec, outdir: str | Path, spec_path: str | Path) -> dict[str, Path]:
    """Build the haplotypes, draw the reads, write FASTQ(s) and the truth JSON; return the paths."""
    haps = build_patient(ref, patient, spec_path)
    templates = [
        readsim.Template(f"hap{h.index}:{c.chrom}", c.sequence, _weights(ref, patient, c))
        for h in haps
        for c in h.contigs.values()
    ]
    rng = patient_rng(patient.seed, patient.id, "reads")
    paths = output_paths(outdir, patient)
    record = truth(ref, patient, haps)
    amplicons = None
    if patient.assay == "amplicon":
        pairs = [(h, c) for h in haps for c in h.contigs.values()]
        amplicons = [_amplicons(ref, patient, c) for _, c in pairs]
        record["amplicon_products"] = [
            {"haplotype": h.index, "chrom": c.chrom, "length": a1 - a0, "region": _product_region(c, a0, a1)}
            for (h, c), products in zip(pairs, amplicons)
            for a0, a1, _ in products
        ]
    if patient.platform == "illumina":
        model = readsim.IlluminaModel(
            read_length=patient.read_length,
            insert_mean=patient.insert_mean,
            insert_sd=patient.insert_sd,
            duplicate_rate=patient.duplicate_rate,
        )
        reads = readsim.illumina_pairs(templates, patient.depth / 2, model, rng, patient.id, amplicons)
        readsim.write_pairs(reads, paths["r1"], paths["r2"])
        record["read_pairs"] = len(reads)
        record["duplicate_pairs"] = int(reads.duplicate.sum())
    else:
        lr_model = readsim.HIFI if patient.platform == "hifi" else readsim.ONT
        if amplicons is not None:
            # long-range PCR: each read is one whole product (no shearing), depth = reads per product
            lreads = readsim.amplicon_reads(templates, patient.depth / 2, amplicons, lr_model, rng, patient.id)
            drawn = zip(lreads.template.tolist(), lreads.start0.tolist(), lreads.end0.tolist())
            per_product = collections.Counter(drawn)
            products = [(t_i, a0, a1) for t_i, prods in enumerate(amplicons) for a0, a1, _ in prods]
            for item, key in zip(record["amplicon_products"], products):
                item["reads"] = per_product.get(key, 0)
        else:
            lreads = readsim.long_reads(templates, patient.depth / 2, lr_model, rng, patient.id)
        readsim.write_long(lreads, paths["reads"])
        record["reads"] = len(lreads)
    record["files"] = {k: v.name for k, v in paths.items() if k != "truth"}
    with atomic_write_text(paths["truth"]) as fh:
        fh.write(json.dumps(record, indent=2, sort_keys=True) + "\n")
    return paths
