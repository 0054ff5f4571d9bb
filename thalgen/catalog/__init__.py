"""The curated variant catalog: small variants and deletions/duplications, loaded and validated.

The catalog is data (two TSVs beside this file, a source on every row), not code. Every row is
checked when it is loaded, because a wrong catalog row turns into a confident wrong report:
columns and vocabularies, duplicates, and, when a locus reference is given, that REF matches the
GRCh38 reference, that the record is left-normalised, and that the HGVS c. name maps to the same
VCF record and back (``thalgen.hgvs``). Problems raise ``InputError(<file>, "row N (<id>): ...")``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from thalgen.errors import InputError
from thalgen.genes import genes, transcripts
from thalgen.locus import LocusReference

CATALOG_VERSION = "2026.11-1"

SMALL_VARIANT_CLASSES = frozenset(
    {"beta0", "beta+", "beta++", "structural", "structural_thalassemic", "alpha+", "alpha0_like", "modifier"}
)
DELETION_CLASSES = frozenset(
    {"alpha+", "alpha0", "alpha0_regulatory", "triplication", "beta0", "deltabeta0", "HPFH", "Lepore", "Agdb0"}
)
#: Genes a deletion row may name as removed (HBBP1, a pseudogene, is left out on purpose).
CATALOG_GENES = ("HBZ", "HBA2", "HBA1", "HBQ1", "HBB", "HBD", "HBG1", "HBG2", "HBE1")
MECHANISMS = frozenset({"homology", "simple"})

SMALL_COLUMNS = (
    "id", "gene", "transcript", "hgvs_c", "hgvs_c_legacy", "hgvs_p", "common_name", "aliases",
    "chrom", "pos1", "ref", "alt", "class", "hb_variant", "rsid", "populations", "source",
)
DELETION_COLUMNS = (
    "id", "name", "display_name", "cluster", "kind", "class", "chrom", "start1", "end1",
    "breakpoint_uncertainty_bp", "uncertainty_note", "mechanism", "genes_removed",
    "functional_alpha_genes_left", "size_bp", "populations", "source",
)


@dataclass(frozen=True)
class CatalogVariant:
    """One curated small variant, GRCh38 left-normalised VCF representation plus its names."""

    id: str
    gene: str
    transcript: str
    hgvs_c: str
    hgvs_c_legacy: str  # the spelling people search for when it differs from hgvs_c, else ""
    hgvs_p: str
    common_name: str
    aliases: tuple[str, ...]
    chrom: str
    pos1: int
    ref: str
    alt: str
    variant_class: str
    hb_variant: str
    populations: str
    source: str
    rsid: str = ""

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.chrom, self.pos1, self.ref, self.alt)


@dataclass(frozen=True)
class CatalogDeletion:
    """One curated deletion or duplication; coordinates GRCh38 1-based inclusive, None when unknown."""

    id: str
    name: str  # ASCII name used in JSON and on the command line, e.g. "-a3.7", "--SEA"
    display_name: str  # Unicode name for reports, e.g. "-α3.7"
    cluster: str  # alpha / beta
    kind: str  # deletion / duplication
    variant_class: str
    chrom: str
    start1: int | None
    end1: int | None
    uncertainty_bp: int
    uncertainty_note: str
    mechanism: str  # homology (unequal crossover between paralogous boxes) / simple
    genes_removed: tuple[str, ...]
    functional_alpha_genes_left: int | None  # per chromosome; None for beta-cluster rows
    size_bp: int | None
    populations: str
    source: str


def _catalog_file(name: str) -> Path:
    return Path(str(resources.files("thalgen.catalog").joinpath(name)))


def _read_rows(path: Path, columns: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    """Rows with their file line numbers; '#' lines are comments."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InputError(path, "catalog file not found") from None
    numbered = [(n, line) for n, line in enumerate(text.splitlines(), 1) if line.strip() and not line.startswith("#")]
    if not numbered:
        raise InputError(path, "empty catalog file")
    header = numbered[0][1].split("\t")
    missing = [c for c in columns if c not in header]
    if missing:
        raise InputError(path, f"missing column(s): {', '.join(missing)}")
    rows = []
    for lineno, line in numbered[1:]:
        fields = line.split("\t")
        if len(fields) != len(header):
            raise InputError(path, f"line {lineno}: {len(fields)} fields, header has {len(header)}")
        rows.append((lineno, {k: v.strip() for k, v in zip(header, fields)}))
    return rows


def _int_or_none(text: str) -> int | None:
    return int(text) if text != "" else None


# --- small variants ------------------------------------------------------------------------


def load_small_variants(ref: LocusReference | None = None, path: str | Path | None = None) -> list[CatalogVariant]:
    """Load and validate the small-variant catalog; with ``ref``, also REF and HGVS round trips."""
    path = Path(path) if path is not None else _catalog_file("small_variants.tsv")
    out: list[CatalogVariant] = []
    seen_ids: dict[str, int] = {}
    seen_keys: dict[tuple[str, int, str, str], str] = {}
    for n, (lineno, row) in enumerate(_read_rows(path, SMALL_COLUMNS), 1):
        rid = row["id"] or f"line {lineno}"

        def fail(problem: str) -> InputError:
            return InputError(path, f"row {n} ({rid}): {problem}")

        for col in ("id", "gene", "transcript", "hgvs_c", "common_name", "chrom", "pos1", "ref", "alt", "class", "source"):
            if not row[col]:
                raise fail(f"empty {col}")
        if not re.fullmatch(r"[1-9]\d*", row["pos1"]):
            raise fail(f"pos1 {row['pos1']!r} is not a positive integer")
        if not re.fullmatch(r"[ACGT]+", row["ref"]) or not re.fullmatch(r"[ACGT]+", row["alt"]) or row["ref"] == row["alt"]:
            raise fail(f"REF/ALT {row['ref']}/{row['alt']} are not two different A/C/G/T alleles")
        if row["class"] not in SMALL_VARIANT_CLASSES:
            raise fail(f"class {row['class']!r} is not one of {', '.join(sorted(SMALL_VARIANT_CLASSES))}")
        tx = transcripts().get(row["gene"])
        if tx is not None and (tx.name != row["transcript"] or tx.chrom != row["chrom"]):
            raise fail(f"{row['gene']} is {tx.name} on {tx.chrom}, not {row['transcript']} on {row['chrom']}")
        variant = CatalogVariant(
            id=row["id"], gene=row["gene"], transcript=row["transcript"], hgvs_c=row["hgvs_c"],
            hgvs_c_legacy=row["hgvs_c_legacy"], hgvs_p=row["hgvs_p"], common_name=row["common_name"],
            aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
            chrom=row["chrom"], pos1=int(row["pos1"]), ref=row["ref"], alt=row["alt"],
            variant_class=row["class"], hb_variant=row["hb_variant"], populations=row["populations"],
            source=row["source"], rsid=row["rsid"],
        )
        if variant.id in seen_ids:
            raise fail(f"duplicate id (also row {seen_ids[variant.id]})")
        if variant.key in seen_keys:
            raise fail(f"duplicate variant {variant.chrom}:{variant.pos1} {variant.ref}>{variant.alt} (also {seen_keys[variant.key]})")
        seen_ids[variant.id] = n
        seen_keys[variant.key] = variant.id
        if ref is not None:
            problem = _check_against_reference(ref, variant)
            if problem:
                raise fail(problem)
        out.append(variant)
    return out


def _check_against_reference(ref: LocusReference, v: CatalogVariant) -> str:
    """'' when the row agrees with the reference and its HGVS names; otherwise the problem."""
    from thalgen.hgvs import annotate, parse_c  # late import: hgvs imports genes, not the catalog
    from thalgen.normalize import normalize

    start0, end0 = v.pos1 - 1, v.pos1 - 1 + len(v.ref)
    if not ref.covers(v.chrom, start0 - 1, end0 + 1):
        return ""  # the given reference slice does not cover this row
    seen = ref.fetch0(v.chrom, start0, end0)
    if seen != v.ref:
        return f"REF {v.ref} does not match the reference ({seen}) at {v.chrom}:{v.pos1}"
    if normalize(ref, v.chrom, v.pos1, v.ref, v.alt) != (v.pos1, v.ref, v.alt):
        return f"not left-normalised (normalised: {normalize(ref, v.chrom, v.pos1, v.ref, v.alt)})"
    if v.gene not in transcripts():
        return ""  # no transcript model (e.g. HBG2): REF is checked, the c. name is not
    try:
        parsed = parse_c(ref, v.gene, v.hgvs_c)
    except ValueError as exc:
        return f"{v.hgvs_c} does not parse on {v.transcript}: {exc}"
    if parsed != v.key:
        return f"{v.hgvs_c} maps to {parsed[0]}:{parsed[1]} {parsed[2]}>{parsed[3]}, not {v.chrom}:{v.pos1} {v.ref}>{v.alt}"
    named = annotate(ref, v.chrom, v.pos1, v.ref, v.alt)
    if named is None or named.hgvs_c != v.hgvs_c:
        return f"the VCF record is named {named.hgvs_c if named else 'nothing'}, not {v.hgvs_c}"
    if v.hgvs_c_legacy:
        try:
            legacy = parse_c(ref, v.gene, v.hgvs_c_legacy)
        except ValueError as exc:
            return f"legacy spelling {v.hgvs_c_legacy} does not parse: {exc}"
        if legacy != v.key:
            return f"legacy spelling {v.hgvs_c_legacy} maps to a different record {legacy}"
    return ""


@functools.cache
def _default_small_index() -> dict[tuple[str, int, str, str], CatalogVariant]:
    return {v.key: v for v in load_small_variants()}


def find_variant(chrom: str, pos1: int, ref: str, alt: str) -> CatalogVariant | None:
    """The catalog row for a left-normalised VCF record (normalise first: thalgen.normalize)."""
    return _default_small_index().get((chrom, pos1, ref.upper(), alt.upper()))


# --- deletions -----------------------------------------------------------------------------


def load_deletions(path: str | Path | None = None) -> list[CatalogDeletion]:
    """Load and validate the deletion/duplication catalog."""
    path = Path(path) if path is not None else _catalog_file("deletions.tsv")
    gene_spans = genes()
    out: list[CatalogDeletion] = []
    seen: dict[str, int] = {}
    for n, (lineno, row) in enumerate(_read_rows(path, DELETION_COLUMNS), 1):
        rid = row["id"] or f"line {lineno}"

        def fail(problem: str) -> InputError:
            return InputError(path, f"row {n} ({rid}): {problem}")

        for col in ("id", "name", "display_name", "cluster", "kind", "class", "chrom", "mechanism", "source", "breakpoint_uncertainty_bp"):
            if not row[col]:
                raise fail(f"empty {col}")
        if not row["name"].isascii():
            raise fail(f"name {row['name']!r} must be ASCII (display_name carries the Unicode form)")
        try:
            start1, end1 = _int_or_none(row["start1"]), _int_or_none(row["end1"])
            size = _int_or_none(row["size_bp"])
            uncertainty = int(row["breakpoint_uncertainty_bp"])
            left = _int_or_none(row["functional_alpha_genes_left"])
        except ValueError as exc:
            raise fail(f"not an integer: {exc}") from None
        if row["cluster"] not in ("alpha", "beta"):
            raise fail(f"cluster {row['cluster']!r} is not alpha or beta")
        if row["chrom"] != {"alpha": "chr16", "beta": "chr11"}[row["cluster"]]:
            raise fail(f"{row['cluster']} cluster row on {row['chrom']}")
        if row["kind"] not in ("deletion", "duplication"):
            raise fail(f"kind {row['kind']!r} is not deletion or duplication")
        if row["class"] not in DELETION_CLASSES:
            raise fail(f"class {row['class']!r} is not one of {', '.join(sorted(DELETION_CLASSES))}")
        if row["mechanism"] not in MECHANISMS:
            raise fail(f"mechanism {row['mechanism']!r} is not homology or simple")
        if (start1 is None) != (end1 is None):
            raise fail("start1 and end1 must both be given or both be empty")
        if start1 is not None and end1 is not None:
            if not 0 < start1 <= end1:
                raise fail(f"interval {start1}-{end1} is empty or negative")
            if size is not None and size != end1 - start1 + 1:
                raise fail(f"size_bp {size} does not match the interval ({end1 - start1 + 1} bp)")
        if uncertainty < 0:
            raise fail("breakpoint_uncertainty_bp is negative")
        removed = tuple(g.strip() for g in row["genes_removed"].split(",") if g.strip())
        unknown = [g for g in removed if g not in CATALOG_GENES]
        if unknown:
            raise fail(f"unknown gene(s) in genes_removed: {', '.join(unknown)}")
        if start1 is not None and end1 is not None and row["kind"] == "deletion":
            for g in removed:
                span = gene_spans[g]
                if span.chrom != row["chrom"] or span.end1 < start1 or span.start1 > end1:
                    raise fail(f"{g} ({span.chrom}:{span.start1}-{span.end1}) is outside the deleted interval")
            inside = [g for g in CATALOG_GENES if gene_spans[g].chrom == row["chrom"]
                      and start1 <= gene_spans[g].start1 and gene_spans[g].end1 <= end1]
            missed = [g for g in inside if g not in removed]
            if missed:
                raise fail(f"{', '.join(missed)} lie(s) wholly inside the deleted interval but are not in genes_removed")
        if row["kind"] == "duplication" and removed:
            raise fail("a duplication removes no genes")
        if row["cluster"] == "alpha" and left is None:
            raise fail("alpha-cluster rows need functional_alpha_genes_left")
        if row["cluster"] == "beta" and left is not None:
            raise fail("functional_alpha_genes_left applies to alpha-cluster rows only")
        deletion = CatalogDeletion(
            id=row["id"], name=row["name"], display_name=row["display_name"], cluster=row["cluster"],
            kind=row["kind"], variant_class=row["class"], chrom=row["chrom"], start1=start1, end1=end1,
            uncertainty_bp=uncertainty, uncertainty_note=row["uncertainty_note"], mechanism=row["mechanism"],
            genes_removed=removed, functional_alpha_genes_left=left, size_bp=size,
            populations=row["populations"], source=row["source"],
        )
        for key in (deletion.id, deletion.name):
            if key in seen:
                raise fail(f"duplicate id/name {key!r} (also row {seen[key]})")
            seen[key] = n
        out.append(deletion)
    return out


@functools.cache
def _default_deletions() -> dict[str, CatalogDeletion]:
    return {d.name: d for d in load_deletions()}


def deletion_by_name(name: str) -> CatalogDeletion:
    """A catalog deletion by its ASCII name ("-a3.7") or display name ("-α3.7"); KeyError if unknown."""
    table = _default_deletions()
    if name in table:
        return table[name]
    for d in table.values():
        if d.display_name == name:
            return d
    raise KeyError(f"no catalog deletion named {name!r}")
