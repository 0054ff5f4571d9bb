"""Clinical interpretation: structural alleles + small variants -> alpha/beta genotype -> status codes.

Inputs are the callers' outputs (``ClusterGenotype`` per cluster, ``VariantCall`` list, ``NotCallable``
list); the output is the ``alpha``/``beta``/``interpretation`` part of report.json. Every status decision
records the source keys of the rule it used (see ``thalgen/data/interpretation_rules.yaml``).

Design choices that protect against the most dangerous output, a confident wrong "normal":
* a part whose structure was not assessed, is not assessable, or has uncallable regions/sites reports
  ``not_assessable`` rather than ``normal``; a part with unresolved cis/trans or ambiguous placement of a
  non-deletional variant reports every alternative, and ``not_assessable`` when their statuses differ;
* low-confidence (filtered) calls that would change the status make the part ``not_assessable``;
* variants not in the catalog never change a status, they only add a "review" note.

The haplotype-level functions (``alpha_status``, ``beta_status``) are public because couples.py reuses
them on the child genotypes.
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import yaml

from thalgen.model import ClusterGenotype, NotCallable, VariantCall

ALPHA_STATUSES = (
    "normal", "alpha_triplication", "silent_carrier", "alpha_thal_trait", "alpha0_trait",
    "hbh_disease", "hb_barts_hydrops", "not_assessable",
)
BETA_STATUSES = (
    "normal", "beta_silent_carrier", "beta_thal_trait", "beta_thal_intermedia", "beta_thal_major",
    "hbs_trait", "hbc_trait", "hbe_trait", "sickle_cell_anemia", "hbsc_disease", "sickle_beta_thal",
    "hbe_beta_thal", "hb_lepore_trait", "deltabeta_thal_trait", "hpfh_trait", "not_assessable",
)
BETA_CATEGORIES = (
    "normal", "b0", "bplus_severe", "bplus", "bplus_mild", "bpp", "dominant",
    "S", "C", "E", "D", "O", "lepore", "deltabeta0", "hpfh",
)
#: How a beta category is written in a genotype, and its place in it (structural first, as in "βE/β0").
BETA_LABEL = {
    "S": "βS", "C": "βC", "E": "βE", "D": "βD-Punjab", "O": "βO-Arab", "lepore": "βLepore",
    "deltabeta0": "(δβ)0", "hpfh": "HPFH", "dominant": "β0(dominant)", "b0": "β0", "bplus_severe": "β+",
    "bplus": "β+", "bplus_mild": "β+", "bpp": "β++", "normal": "β",
}
BETA_ORDER = {c: i for i, c in enumerate(BETA_LABEL)}
#: The class written for each allele in report.json.
BETA_CLASS_OUT = {
    "normal": "normal", "b0": "beta0", "bplus_severe": "beta+ (severe)", "bplus": "beta+",
    "bplus_mild": "beta+ (mild)", "bpp": "beta++ (silent)", "dominant": "dominant beta-thalassaemia",
    "S": "structural: HbS", "C": "structural: HbC", "E": "structural thalassaemic: HbE",
    "D": "structural: Hb D-Punjab", "O": "structural: Hb O-Arab", "lepore": "Hb Lepore (delta-beta fusion)",
    "deltabeta0": "deltabeta0", "hpfh": "HPFH",
}
#: Worst-first ranking, used to merge variants found in cis and to pick the two alleles when more are seen.
BETA_SEVERITY = {
    "b0": 9, "dominant": 9, "bplus_severe": 8, "lepore": 7, "deltabeta0": 7, "hpfh": 6, "bplus": 6,
    "S": 5, "E": 5, "C": 4, "O": 4, "D": 3, "bplus_mild": 3, "bpp": 2, "normal": 0,
}
THAL_BETA = {"b0", "bplus_severe", "bplus", "bplus_mild", "bpp", "dominant", "lepore", "deltabeta0"}

#: Beta-cluster structural alleles from the deletion caller -> (category, common name).
BETA_DELETIONS: dict[str, tuple[str, str]] = {
    "619del": ("b0", "619-bp deletion"),
    "1393del": ("b0", "1,393-bp deletion"),
    "Filipino": ("b0", "Filipino β0 deletion (~45 kb)"),
    "Lepore-BW": ("lepore", "Hb Lepore-Boston-Washington"),
    "SEA-HPFH": ("hpfh", "SEA-HPFH deletion"),
    "HPFH-1": ("hpfh", "HPFH-1 (Black) deletion"),
    "HPFH-2": ("hpfh", "HPFH-2 (Ghanaian) deletion"),
    "HPFH-3": ("hpfh", "HPFH-3 (Indian) deletion"),
    "Sicilian_db": ("deltabeta0", "Sicilian (δβ)0 deletion"),
    "Thai_db": ("deltabeta0", "Thai (δβ)0 deletion"),
    "Chinese_GgAgdb": ("deltabeta0", "Chinese Gγ(Aγδβ)0 deletion"),
    "Thai_GgAgdb": ("deltabeta0", "Thai Gγ(Aγδβ)0 deletion"),
    "Turkish_GgAgdb": ("deltabeta0", "Turkish Gγ(Aγδβ)0 deletion"),
    "AsianIndian_invdel": ("deltabeta0", "Asian-Indian inversion-deletion Gγ(Aγδβ)0"),
}
NORMAL_BETA = "B"


@dataclass(frozen=True)
class AlphaStructure:
    """An alpha-cluster chromosome as the deletion caller names it."""

    genes: tuple[str, ...]  # gene slots present (5'->3'); "HBA2/HBA1" = the -a3.7 hybrid gene
    functional: int  # working genes before non-deletional variants
    unicode: str
    silent: bool = False  # genes present but silenced (HS-40 regulatory deletions)


ALPHA_STRUCTURES: dict[str, AlphaStructure] = {
    "aa": AlphaStructure(("HBA2", "HBA1"), 2, "αα"),
    "-a3.7": AlphaStructure(("HBA2/HBA1",), 1, "-α3.7"),
    "-a4.2": AlphaStructure(("HBA1",), 1, "-α4.2"),
    "--SEA": AlphaStructure((), 0, "--SEA"),
    "--MED": AlphaStructure((), 0, "--MED"),
    "--MEDII": AlphaStructure((), 0, "--MEDII"),
    "-(a)20.5": AlphaStructure((), 0, "-(α)20.5"),
    "--FIL": AlphaStructure((), 0, "--FIL"),
    "--THAI": AlphaStructure((), 0, "--THAI"),
    "--CAL": AlphaStructure((), 0, "--CAL"),
    "aaa_anti3.7": AlphaStructure(("HBA2", "HBA2/HBA1", "HBA1"), 3, "αααanti3.7"),
    "aaa_anti4.2": AlphaStructure(("HBA2", "HBA2", "HBA1"), 3, "αααanti4.2"),
    "HS40del79.7": AlphaStructure(("HBA2", "HBA1"), 0, "(αα)HS-40del79.7", silent=True),
    "HS40del60.3": AlphaStructure(("HBA2", "HBA1"), 0, "(αα)HS-40del60.3", silent=True),
}
ALPHA_ALIASES = {"aaa anti3.7": "aaa_anti3.7", "aaa anti4.2": "aaa_anti4.2", "--MEDI": "--MED", "--MED I": "--MED",
                 "--MED II": "--MEDII"}
#: Short labels for non-deletional variants in genotype strings (αCSα); others are written αTα.
ALPHA_T_LABELS = (("constant spring", "CS"), ("quong sze", "QS"), ("adana", "Adana"), ("icaria", "Icaria"),
                  ("koya dora", "KD"), ("seal rock", "SR"), ("pakse", "PS"))
#: Non-deletional variants reported with α0-like severity (OJRD20 Table 3; FV09; HBVAR 87).
SEVERE_ALPHA_T = ("adana", "quong sze", "pak num po")


class InterpretationError(ValueError):
    """An input the interpreter cannot understand (unknown allele name); a programming/contract error."""


# ------------------------------------------------------------------------------------------- rules data
@functools.cache
def rules() -> dict[str, Any]:
    """The rules file, validated once: every row's status, categories and sources must be known."""
    text = resources.files("thalgen").joinpath("data/interpretation_rules.yaml").read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    sources = data["sources"]
    for row in data["beta_pairs"]:
        if row["status"] not in BETA_STATUSES:
            raise InterpretationError(f"interpretation_rules.yaml: unknown beta status {row['status']!r}")
        for cat in (*row["a"], *row["b"]):
            if cat not in BETA_CATEGORIES:
                raise InterpretationError(f"interpretation_rules.yaml: unknown beta category {cat!r}")
        for key in row["source"]:
            if key not in sources:
                raise InterpretationError(f"interpretation_rules.yaml: unknown source key {key!r}")
    for table in ("beta_severity_by_hgvs", "beta_structural_by_hgvs"):
        for hgvs, cat in data[table].items():
            if cat not in BETA_CATEGORIES:
                raise InterpretationError(f"interpretation_rules.yaml: {table}: {hgvs}: unknown category {cat!r}")
    return data


@dataclass(frozen=True)
class Decision:
    """A status decision with the wording and the rule sources behind it."""

    status: str
    phenotype: str
    sources: tuple[str, ...]
    notes: tuple[str, ...] = ()
    unverified: bool = False


# ------------------------------------------------------------------------------------------------ beta
def beta_status(cat_a: str, cat_b: str) -> Decision:
    """The status of a beta genotype given its two allele categories (first matching rule wins)."""
    for row in rules()["beta_pairs"]:
        a, b = row["a"], row["b"]
        if (cat_a in a and cat_b in b) or (cat_b in a and cat_a in b):
            notes = (row["note"],) if row.get("note") else ()
            return Decision(row["status"], row["phenotype"], tuple(row["source"]), notes, bool(row.get("unverified")))
    raise InterpretationError(f"no beta rule for {cat_a}/{cat_b}")


def beta_genotype_string(cat_a: str, cat_b: str) -> str:
    first, second = sorted((cat_a, cat_b), key=lambda c: BETA_ORDER[c])
    return f"{BETA_LABEL[first]}/{BETA_LABEL[second]}"


def beta_category(v: VariantCall) -> str | None:
    """Category of a catalogued HBB variant, or None when it does not act on the beta genotype."""
    data = rules()
    hgvs = v.hgvs_c.split(":")[-1]
    if hgvs in data["beta_structural_by_hgvs"]:
        return data["beta_structural_by_hgvs"][hgvs]
    cls = v.variant_class.lower().strip()
    if "dominant" in cls:
        return "dominant"
    if hgvs in data["beta_severity_by_hgvs"]:
        return data["beta_severity_by_hgvs"][hgvs]
    name = v.common_name
    for pattern, cat in ((r"\bHb ?S\b", "S"), (r"\bHb ?C\b", "C"), (r"\bHb ?E\b", "E"),
                         (r"D-Punjab|D-Los Angeles", "D"), (r"O-Arab", "O")):
        if re.search(pattern, name):
            return cat
    if cls.startswith("beta0") or cls == "b0":
        return "b0"
    if cls.startswith("beta+ / beta0") or cls.startswith("beta+/beta0"):
        return "b0"  # unclear beta+/beta0: the worse reading, so no compound is under-called
    if cls.startswith("beta++/beta+") or (cls.startswith("beta+") and "mild" in cls and not cls.startswith("beta++")):
        return "bplus_mild"
    if cls.startswith("beta++"):
        return "bpp"
    if cls.startswith("beta+"):
        return "bplus_severe" if "severe" in cls else "bplus"
    if cls.startswith("structural_thalassemic") or "hbe" in cls:
        return "E"
    return None


def is_modifier(v: VariantCall) -> bool:
    text = f"{v.variant_class} {v.common_name} {v.catalog_id}".lower()
    return "modifier" in v.variant_class.lower() or "xmni" in text or "rs7482144" in text


@dataclass
class _BetaAllele:
    category: str
    names: list[str]  # common names (or deletion names) of what sits on this chromosome
    source: str


def _beta_alleles(beta: ClusterGenotype | None, variants: list[VariantCall], notes: list[str]) -> list[_BetaAllele]:
    """Place deletions and pathogenic small variants on the two chromosome 11 copies."""
    chroms: list[_BetaAllele] = []
    if beta is not None and beta.alleles is not None and beta.assessable:
        for name in beta.alleles:
            if name == NORMAL_BETA or name.startswith("novel:"):
                continue  # a novel rearrangement is not classed here; interpret_beta makes the part not assessable
            if name not in BETA_DELETIONS:
                raise InterpretationError(f"unknown beta-cluster allele {name!r}")
            cat, common = BETA_DELETIONS[name]
            chroms.append(_BetaAllele(cat, [common], "deletion"))
    free = 2 - len(chroms)
    # group heterozygous variants that are phased together (same phase_set) into one chromosome
    hom = [v for v in variants if v.zygosity in ("homozygous", "hemizygous")]
    het = [v for v in variants if v.zygosity not in ("homozygous", "hemizygous")]
    for v in hom:
        cat = beta_category(v)
        assert cat is not None
        copies = 2 if v.zygosity == "homozygous" and free >= 2 else 1
        if v.zygosity == "homozygous" and free == 1:
            notes.append(f"{v.common_name or v.hgvs_c} appears homozygous with a β-cluster deletion on the other "
                         "chromosome: it is hemizygous (confirm by parental testing)")
        if v.zygosity == "hemizygous" and free == 2:
            notes.append(f"{v.common_name or v.hgvs_c} called hemizygous but no β-cluster deletion was found on the "
                         "other chromosome — review (an undetected deletion would make this a compound state)")
        for _ in range(copies):
            chroms.append(_BetaAllele(cat, [v.common_name or v.hgvs_c], "small_variant"))
        free = 2 - len(chroms)
    groups: dict[str, list[VariantCall]] = {}
    singles: list[list[VariantCall]] = []
    for v in het:
        if v.phase_set:
            groups.setdefault(v.phase_set, []).append(v)
        else:
            singles.append([v])
    blocks = [g for g in groups.values()] + singles
    for g in groups.values():
        if len(g) > 1:
            notes.append("in cis (same phase set): " + ", ".join(x.common_name or x.hgvs_c for x in g))
    for block in blocks:
        cats = [beta_category(v) for v in block]
        worst = max(cats, key=lambda c: BETA_SEVERITY[c or "normal"])
        assert worst is not None
        chroms.append(_BetaAllele(worst, [v.common_name or v.hgvs_c for v in block], "small_variant"))
    unphased_het = [b for b in blocks if not b[0].phase_set]
    if len(blocks) >= 2 and (len(unphased_het) >= 1):
        notes.append("phase not determined; compound heterozygosity assumed — confirm by parental testing")
    if len(chroms) > 2:
        chroms.sort(key=lambda a: -BETA_SEVERITY[a.category])
        dropped = chroms[2:]
        notes.append("more than two β-globin alleles for two chromosomes (" + "; ".join(
            "+".join(a.names) for a in chroms) + "): some must be in cis; the two most severe are assumed in "
                     "trans and " + ", ".join("+".join(a.names) for a in dropped) + " is assumed in cis — confirm")
        chroms = chroms[:2]
    while len(chroms) < 2:
        chroms.append(_BetaAllele("normal", [], "reference"))
    return chroms


def _beta_findings(beta: ClusterGenotype | None, variants: list[VariantCall]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    if beta is not None and beta.alleles is not None and beta.assessable:
        counts: dict[str, int] = {}
        for name in beta.alleles:
            if name != NORMAL_BETA:
                counts[name] = counts.get(name, 0) + 1
        for name, n in sorted(counts.items()):
            if name.startswith("novel:"):
                out.append({"hgvs_c": "", "name": name, "common_name": "β-cluster rearrangement not in the catalog",
                            "class": "novel structural — review", "source": "deletion",
                            "zygosity": "homozygous" if n == 2 else "heterozygous"})
                continue
            cat, common = BETA_DELETIONS[name]
            out.append({"hgvs_c": "", "name": name, "common_name": common, "class": BETA_CLASS_OUT[cat],
                        "source": "deletion", "zygosity": "homozygous" if n == 2 else "heterozygous"})
    for v in variants:
        cat = beta_category(v)
        out.append({"hgvs_c": f"{v.gene}:{v.hgvs_c}" if v.hgvs_c else "", "name": v.catalog_id,
                    "common_name": v.common_name, "class": BETA_CLASS_OUT[cat] if cat else v.variant_class,
                    "source": "small_variant", "zygosity": v.zygosity})
    return out


BETA_CHROM = "chr11"
BETA_GENES = {"HBB", "HBD", "HBG1", "HBG2", "HBE1", "HBBP1"}
ALPHA_CHROM = "chr16"
ALPHA_GENES = {"HBA1", "HBA2", "HBZ", "HBQ1", "HBM"}


def _describe_nc(nc: NotCallable) -> str:
    what = nc.name or (f"{nc.gene} {nc.what}" if nc.gene else nc.what)
    return f"{what} {nc.chrom}:{nc.start1}-{nc.end1} ({nc.reason})"


def _pass(v: VariantCall) -> bool:
    return not v.filters or v.filters == ["PASS"]


def interpret_beta(beta: ClusterGenotype | None, variants: list[VariantCall],
                   not_callable: list[NotCallable]) -> tuple[dict[str, Any], list[str], list[str]]:
    """The beta part of the report, its notes and the source keys used."""
    notes: list[str] = []
    hbb = [v for v in variants if v.gene == "HBB"]
    vus = [v for v in hbb if not v.in_catalog]
    for v in vus:
        notes.append(f"HBB {v.hgvs_c or v.key} ({v.zygosity}): not in the catalog — variant of uncertain "
                     "significance — review")
    catalogued = [v for v in hbb if v.in_catalog and not is_modifier(v) and beta_category(v) is not None]
    structural_hba = [v for v in hbb if v.in_catalog and not is_modifier(v) and beta_category(v) is None]
    for v in structural_hba:
        notes.append(f"HBB {v.common_name or v.hgvs_c}: catalogued with class {v.variant_class!r}, not used for "
                     "the β genotype")
    passing = [v for v in catalogued if _pass(v)]
    filtered = [v for v in catalogued if not _pass(v)]

    if beta is None:
        notes.append("beta-cluster deletions not assessed")
    elif not beta.assessable or beta.alleles is None:
        notes.append(f"beta-cluster deletions could not be assessed: {beta.reason or 'no reason given'}")
    elif beta.alternatives:
        notes.append("beta-cluster structure has near-equal alternatives: "
                     + "; ".join("/".join(p) for p in beta.alternatives) + " — confirm")

    allele_notes: list[str] = []
    chroms = _beta_alleles(beta, passing, allele_notes)
    decision = beta_status(chroms[0].category, chroms[1].category)
    notes.extend(allele_notes)
    notes.extend(decision.notes)
    if decision.unverified:
        notes.append(f"β phenotype wording for {beta_genotype_string(chroms[0].category, chroms[1].category)} "
                     "is standard clinical teaching not confirmed from a retrieved source")
    status = decision.status
    reason = ""
    both_explained = all(c.category != "normal" for c in chroms)

    # low-confidence calls that would change the answer
    if filtered:
        alt_chroms = _beta_alleles(beta, passing + filtered, [])
        alt = beta_status(alt_chroms[0].category, alt_chroms[1].category)
        names = ", ".join(f"{v.common_name or v.hgvs_c} ({';'.join(v.filters)})" for v in filtered)
        if alt.status != status:
            reason = f"low-confidence call(s) {names} would change the β status to {alt.status} — review"
            status = "not_assessable"
        else:
            notes.append(f"low-confidence call(s) {names} do not change the β status")

    # missing evidence: normal is never reported when something could not be looked at
    blocking = [nc for nc in not_callable if nc.chrom == BETA_CHROM and not _is_modifier_nc(nc)
                and (nc.gene == "HBB" or nc.what in ("site", "cluster"))]
    other_nc = [nc for nc in not_callable if nc.chrom == BETA_CHROM and nc not in blocking]
    gaps: list[str] = [_describe_nc(nc) for nc in blocking]
    deletions_unassessable = beta is not None and (not beta.assessable or beta.alleles is None)
    if deletions_unassessable:
        gaps.append(f"β-cluster deletions ({beta.reason or 'not assessable'})")
    if status != "not_assessable" and gaps:
        if both_explained:
            notes.append("not assessed (does not change the result, both alleles are explained): " + "; ".join(gaps))
        elif status == "normal":
            reason = "could not assess: " + "; ".join(gaps)
            status = "not_assessable"
        else:
            notes.append("second β allele not fully assessed; could not assess: " + "; ".join(gaps))
    for nc in other_nc:
        notes.append("β-cluster region not callable: " + _describe_nc(nc))

    novel = [n for n in (beta.alleles or ()) if n.startswith("novel:")] if beta is not None and beta.assessable else []
    if novel:
        status = "not_assessable"
        reason = ("β-cluster rearrangement not in the catalog (" + ", ".join(novel) + "): its effect depends on "
                  "which genes and regulatory elements it removes — review with the copy-number plot and confirm "
                  "by an orthogonal method (MLPA / gap-PCR)")
    if status == "not_assessable":
        genotype = "not assessable"
    else:
        genotype = beta_genotype_string(chroms[0].category, chroms[1].category)
    part = {
        "status": status,
        "genotype": genotype,
        "phenotype": decision.phenotype if status != "not_assessable" else "",
        "alleles": _beta_findings(beta, [v for v in hbb if v.in_catalog and not is_modifier(v)] + vus),
        "haplotypes": [{"category": c.category, "label": BETA_LABEL[c.category], "names": c.names,
                        "source": c.source} for c in chroms] if status != "not_assessable" else [],
        "reason": reason,
    }
    return part, notes, list(decision.sources)


def _is_modifier_nc(nc: NotCallable) -> bool:
    text = f"{nc.name} {nc.reason}".lower()
    return "xmni" in text or "rs7482144" in text or "modifier" in text


# ----------------------------------------------------------------------------------------------- alpha
@dataclass(frozen=True)
class AlphaChrom:
    """One chromosome 16: its structure and the non-deletional variants placed on it."""

    name: str  # ASCII structural allele
    variants: tuple[tuple[int, str, str], ...] = ()  # (slot index, label, catalog id/name)
    severe: bool = False  # carries an α0-like non-deletional variant
    functional_override: int | None = None  # novel alleles with a stated count

    @property
    def structure(self) -> AlphaStructure:
        return ALPHA_STRUCTURES[self.name] if self.name in ALPHA_STRUCTURES else AlphaStructure(
            (), self.functional_override or 0, self.name)

    @property
    def functional(self) -> int:
        s = self.structure
        if self.functional_override is not None:
            base = self.functional_override
        else:
            base = s.functional
        if s.silent:
            return 0
        lost = len({slot for slot, _, _ in self.variants})
        return max(base - lost, 0)

    @property
    def has_t(self) -> bool:
        return bool(self.variants)

    @property
    def ascii(self) -> str:
        return _render_alpha(self, unicode=False)

    @property
    def unicode(self) -> str:
        return _render_alpha(self, unicode=True)

    def to_json(self) -> dict[str, Any]:
        return {"name": self.unicode, "name_ascii": self.ascii, "structure": self.name,
                "functional_genes": self.functional, "alpha0": self.functional == 0,
                "nondeletional": [{"slot": slot, "label": label, "name": name} for slot, label, name in self.variants],
                "severe_nondeletional": self.severe, "declared_genes": self.functional_override}

    @classmethod
    def from_json(cls, d: dict[str, Any]) -> "AlphaChrom":
        """Rebuild a chromosome from ``to_json`` output (couples.py works on report dicts)."""
        variants = tuple((x["slot"], x["label"], x["name"]) for x in d.get("nondeletional", []))
        return cls(d["structure"], variants, bool(d.get("severe_nondeletional")), d.get("declared_genes"))


def _render_alpha(ch: AlphaChrom, unicode: bool) -> str:
    s = ch.structure
    a = "α" if unicode else "a"
    base = s.unicode if unicode else ch.name
    if not ch.variants:
        return base
    labels = {slot: lab for slot, lab, _ in ch.variants}
    if ch.name == "aa":
        return f"{a}{labels.get(0, '')}{a}{labels.get(1, '')}"
    if ch.name in ("-a3.7", "-a4.2"):
        return f"-{a}{labels.get(0, '')}{ch.name[2:]}"
    return base + "(" + ",".join(labels[k] for k in sorted(labels)) + ")"


def alpha_genotype_strings(pair: tuple[AlphaChrom, AlphaChrom]) -> tuple[str, str]:
    """Unicode and ASCII genotype, the chromosome with fewer working genes first (e.g. --SEA/αα)."""
    ordered = _ordered(pair)
    return f"{ordered[0].unicode}/{ordered[1].unicode}", f"{ordered[0].ascii}/{ordered[1].ascii}"


def _ordered(pair: tuple[AlphaChrom, AlphaChrom]) -> tuple[AlphaChrom, AlphaChrom]:
    a, b = pair
    return (a, b) if (a.functional, a.ascii) <= (b.functional, b.ascii) else (b, a)


def alpha_status(pair: tuple[AlphaChrom, AlphaChrom]) -> Decision:
    """Status of an alpha genotype from its two chromosomes (functional genes, cis/trans, αT)."""
    a, b = _ordered(pair)
    total = a.functional + b.functional
    any_t = a.has_t or b.has_t
    severe = a.severe or b.severe
    notes: list[str] = []
    if total == 0:
        return Decision("hb_barts_hydrops", "Hb Bart's hydrops fetalis (no functional α-globin gene)",
                        ("GR-A", "VICH13", "CHUI98"))
    if total == 1:
        if any_t:
            notes.append("non-deletional HbH disease (e.g. Hb H-Constant Spring): more severe than deletional "
                         "HbH, may be transfusion-dependent")
            if severe:
                notes.append("α0-like non-deletional variant with α0: severe HbH or HbH hydrops possible")
            return Decision("hbh_disease", "non-deletional HbH disease", ("CHUI03", "FV09", "OJRD20"), tuple(notes))
        return Decision("hbh_disease", "deletional HbH disease (thalassaemia intermedia-like)",
                        ("GR-A", "CHUI03", "FV09"))
    if a.has_t and b.has_t and a.functional == 1 and b.functional == 1:
        return Decision("hbh_disease", "homozygous non-deletional α-thalassaemia (e.g. HbCS homozygote: haemolytic "
                        "anaemia, HbH-like)", ("HBCS-CLINVAR", "OJRD20"),
                        ("two non-deletional α variants in trans: more severe than two deleted genes; listed with "
                         "HbH disease (αT-Saudi homozygote → HbH unverified)",))
    if a.functional == 0:
        if b.functional > 2:
            notes.append(f"{b.functional + a.functional} functional α genes, but one chromosome carries no working "
                         "α gene (α0): reproductive risk of Hb Bart's hydrops fetalis")
        if a.has_t:
            notes.append("α0-equivalent chromosome made of a single-gene deletion with a non-deletional variant in cis")
        if a.structure.silent:
            notes.append("HS-40 regulatory deletion: α genes present but silent ((αα)T), counted as α0")
        return Decision("alpha0_trait", "α0-thalassaemia trait (cis; reproductive risk of Hb Bart's hydrops fetalis)",
                        ("CHUI03", "CHUI98", "OJRD20") if (a.has_t or a.structure.silent) else ("CHUI03", "CHUI98"),
                        tuple(notes))
    if total == 2:
        if any_t:
            notes.append("includes a non-deletional α variant: more severe than the deletional equivalent")
        return Decision("alpha_thal_trait", "α-thalassaemia trait (homozygous α+, trans; cannot transmit α0)",
                        ("CHUI03", "HUIS"), tuple(notes))
    if total == 3:
        if any_t:
            notes.append("non-deletional α+ carrier: more severe than a single-gene deletion in combination")
        return Decision("silent_carrier", "silent α-thalassaemia carrier (α+ heterozygote)", ("HUIS", "CHUI03"),
                        tuple(notes))
    if total == 4 and a.functional == 2 and b.functional == 2:
        return Decision("normal", "normal α-globin gene complement", ("GR-A", "CHUI03"))
    if a.functional < 2:
        notes.append(f"{total} functional α genes in total, but one chromosome carries an α+ allele "
                     f"({a.unicode}): transmissible")
    if total == 4:
        return Decision("silent_carrier", "α+ chromosome balanced by a triplication (no anaemia expected)",
                        ("ITHA2569", "HUIS"), tuple(notes))
    return Decision("alpha_triplication", f"α-globin gene triplication ({total} functional genes): no α-thalassaemia; "
                    "may worsen a coexisting β-thalassaemia", ("ITHA2569",), tuple(notes))


def _cis_trans(pair: tuple[AlphaChrom, AlphaChrom]) -> str:
    losses = [max(2 - c.functional, 0) for c in pair]
    if losses[0] and losses[1]:
        return "trans"
    if max(losses) >= 2:
        return "cis"
    return "n/a"


def _alpha_label(v: VariantCall) -> str:
    name = v.common_name.lower()
    for key, lab in ALPHA_T_LABELS:
        if key in name:
            return lab
    return "T"


def is_alpha_t(v: VariantCall) -> bool:
    """A catalogued non-deletional α-thalassaemia variant (counts as a lost gene)."""
    cls = v.variant_class.lower()
    return v.in_catalog and v.gene in ("HBA1", "HBA2") and cls.startswith("alpha")


def _is_severe_t(v: VariantCall) -> bool:
    text = f"{v.common_name} {v.variant_class}".lower()
    return "alpha0" in text or any(k in text for k in SEVERE_ALPHA_T)


def _normalise_alpha_name(name: str) -> tuple[str, int | None]:
    name = ALPHA_ALIASES.get(name.strip(), name.strip())
    if name in ALPHA_STRUCTURES:
        return name, None
    if name.startswith("novel:"):
        m = re.search(r"(?:functional|genes)=(\d)", name)
        if m:
            return name, int(m.group(1))
        raise _UnknownCount(name)
    raise InterpretationError(f"unknown alpha-cluster allele {name!r}")


class _UnknownCount(Exception):
    pass


def _placements(pair: tuple[str, str], overrides: tuple[int | None, int | None],
                alpha_vars: list[VariantCall], notes: set[str]) -> list[tuple[AlphaChrom, AlphaChrom]]:
    """Every way to place the non-deletional variants on the chromosomes that still carry the gene."""
    structures = [ALPHA_STRUCTURES.get(n) for n in pair]
    slots = [(ci, si, g) for ci, s in enumerate(structures) if s for si, g in enumerate(s.genes)]
    per_variant: list[list[tuple[tuple[int, int], ...]]] = []
    for v in alpha_vars:
        definite = [(ci, si) for ci, si, g in slots if g == v.gene]
        hybrid = [(ci, si) for ci, si, g in slots if g == "HBA2/HBA1"]
        site_copies = v.total_copies or (len(definite) + len(hybrid))
        candidates = definite + (hybrid if site_copies > len(definite) else [])
        k = v.alt_copies or (len(candidates) if v.zygosity in ("homozygous", "hemizygous") else 1)
        if not candidates:
            notes.add(f"{v.common_name or v.hgvs_c} ({v.gene}) found but no chromosome of "
                      f"{'/'.join(pair)} carries {v.gene}: copy number and variant call disagree — review")
            per_variant.append([()])
            continue
        if k > len(candidates):
            notes.add(f"{v.common_name or v.hgvs_c}: {k} variant copies but only {len(candidates)} {v.gene} "
                      "copies in the structural genotype — review")
            k = len(candidates)
        per_variant.append(list(itertools.combinations(candidates, k)))
    out: dict[tuple[str, str], tuple[AlphaChrom, AlphaChrom]] = {}
    for combo in itertools.product(*per_variant) if per_variant else [()]:
        placed: list[list[tuple[int, str, str]]] = [[], []]
        severe = [False, False]
        for v, chosen in zip(alpha_vars, combo):
            for ci, si in chosen:
                placed[ci].append((si, _alpha_label(v), v.common_name or v.hgvs_c))
                severe[ci] = severe[ci] or _is_severe_t(v)
        if not _phase_ok(alpha_vars, combo):
            continue
        chroms = tuple(AlphaChrom(pair[i], tuple(sorted(placed[i])), severe[i], overrides[i]) for i in range(2))
        key = tuple(sorted(c.ascii for c in chroms))
        out.setdefault(key, chroms)  # type: ignore[arg-type]
    return list(out.values())


def _phase_ok(alpha_vars: list[VariantCall], combo: tuple) -> bool:
    """Variants sharing a phase set must sit on the same chromosome."""
    by_set: dict[str, set[int]] = {}
    for v, chosen in zip(alpha_vars, combo):
        if v.phase_set and len(chosen) == 1:
            by_set.setdefault(v.phase_set, set()).add(chosen[0][0])
    return all(len(s) == 1 for s in by_set.values())


def interpret_alpha(alpha: ClusterGenotype | None, variants: list[VariantCall],
                    not_callable: list[NotCallable]) -> tuple[dict[str, Any], list[str], list[str]]:
    """The alpha part of the report, its notes and the source keys used."""
    notes: list[str] = []
    hba = [v for v in variants if v.gene in ("HBA1", "HBA2") and "HybridParalog" not in v.filters]
    hybrid_seq = [v for v in variants if "HybridParalog" in v.filters]
    if hybrid_seq:
        names = ", ".join(f"{v.gene} {v.hgvs_c or v.key}" for v in hybrid_seq)
        notes.append(f"{len(hybrid_seq)} difference(s) from the reference are the other α gene's sequence, read "
                     f"through the called hybrid gene, not variants (filtered HybridParalog in the VCF): {names}")
    for v in hba:
        if not v.in_catalog:
            notes.append(f"{v.gene} {v.hgvs_c or v.key} ({v.zygosity}): not in the catalog — variant of uncertain "
                         "significance — review")
        elif not is_alpha_t(v):
            notes.append(f"{v.gene} {v.common_name or v.hgvs_c} ({v.zygosity}): α-globin variant with class "
                         f"{v.variant_class!r}, not counted as a lost gene")
    t_vars = [v for v in hba if is_alpha_t(v)]
    passing = [v for v in t_vars if _pass(v)]
    filtered = [v for v in t_vars if not _pass(v)]
    gaps = [nc for nc in not_callable if nc.chrom == ALPHA_CHROM or nc.gene in ALPHA_GENES]

    def empty(reason: str) -> dict[str, Any]:
        return {"status": "not_assessable", "genotype": "not assessable", "genotype_ascii": "not assessable",
                "functional_genes": None, "phenotype": "", "alleles": [], "alternatives": [], "haplotypes": [],
                "cis_trans": "unresolved", "reason": reason}

    if alpha is None or alpha.alleles is None or not alpha.assessable:
        reason = ("alpha-globin copy number not assessed" if alpha is None
                  else (alpha.reason or "alpha-globin structure not assessable"))
        for v in t_vars:
            notes.append(f"{v.common_name or v.hgvs_c} ({v.zygosity}) found: at least an α-thalassaemia carrier, "
                         "but the gene count is unknown")
        part = empty(reason)
        part["alleles"] = [_alpha_variant_json(v) for v in hba]
        return part, notes, []

    candidates = [tuple(alpha.alleles)] + [tuple(p) for p in alpha.alternatives if tuple(p) != tuple(alpha.alleles)]

    def configurations(vs: list[VariantCall], sink: set[str]) -> list[tuple[AlphaChrom, AlphaChrom]] | str:
        configs: list[tuple[AlphaChrom, AlphaChrom]] = []
        for cand in candidates:
            try:
                norm = [_normalise_alpha_name(n) for n in cand]
            except _UnknownCount as exc:
                return f"novel α-cluster allele {exc.args[0]!r}: functional gene count unknown"
            names = (norm[0][0], norm[1][0])
            configs.extend(_placements(names, (norm[0][1], norm[1][1]), vs, sink))
        return configs

    place_notes: set[str] = set()
    configs = configurations(passing, place_notes)
    if isinstance(configs, str):
        part = empty(configs)
        part["alleles"] = [_alpha_variant_json(v) for v in hba]
        return part, notes, []
    notes.extend(sorted(place_notes))
    decisions = [alpha_status(c) for c in configs]
    statuses = {d.status for d in decisions}
    sources: list[str] = []
    for d in decisions:
        sources.extend(s for s in d.sources if s not in sources)
    primary, decision = configs[0], decisions[0]
    genotype, genotype_ascii = alpha_genotype_strings(primary)
    counts = {c[0].functional + c[1].functional for c in configs}
    alternatives = [{"genotype": alpha_genotype_strings(c)[0], "genotype_ascii": alpha_genotype_strings(c)[1],
                     "status": d.status, "functional_genes": c[0].functional + c[1].functional,
                     "cis_trans": _cis_trans(c), "haplotypes": [h.to_json() for h in _ordered(c)]}
                    for c, d in zip(configs, decisions)]
    reason = ""
    status = decision.status
    if len(configs) > 1:
        alt_text = " or ".join(f"{a['genotype']} ({a['status']})" for a in alternatives)
        if len(statuses) > 1:
            status = "not_assessable"
            what = "cis/trans unresolved" if len(candidates) > 1 else "placement of the non-deletional variant unresolved"
            reason = f"{what}: {alt_text}"
            genotype = " or ".join(a["genotype"] for a in alternatives)
            genotype_ascii = " or ".join(a["genotype_ascii"] for a in alternatives)
        else:
            notes.append(f"structure not fully resolved ({alt_text}), the status is the same for every alternative")
        cis_trans = "unresolved" if len({a["cis_trans"] for a in alternatives}) > 1 else _cis_trans(primary)
    else:
        cis_trans = _cis_trans(primary)
    if status != "not_assessable":
        notes.extend(decision.notes)

    # low-confidence calls that would change the answer
    if filtered and status != "not_assessable":
        alt_configs = configurations(passing + filtered, set())
        names = ", ".join(f"{v.common_name or v.hgvs_c} ({';'.join(v.filters)})" for v in filtered)
        alt_statuses = {alpha_status(c).status for c in alt_configs} if not isinstance(alt_configs, str) else {""}
        if alt_statuses != {status}:
            reason = f"low-confidence call(s) {names} would change the α status — review"
            status = "not_assessable"
        else:
            notes.append(f"low-confidence call(s) {names} do not change the α status")
    if gaps:
        text = "; ".join(_describe_nc(nc) for nc in gaps)
        if status == "normal":
            status = "not_assessable"
            reason = f"could not assess: {text}"
        else:
            notes.append(f"α-cluster regions/sites not callable: {text}")
    if alpha.log_likelihood_ratio and alpha.alternatives:
        notes.append(f"α structure log-likelihood ratio best vs next: {alpha.log_likelihood_ratio:.1f}")

    part = {
        "status": status,
        "genotype": genotype,
        "genotype_ascii": genotype_ascii,
        "functional_genes": counts.pop() if len(counts) == 1 else None,
        "phenotype": decision.phenotype if status != "not_assessable" else "",
        "alleles": _alpha_structural_json(alpha.alleles) + [_alpha_variant_json(v) for v in hba],
        "alternatives": alternatives if len(configs) > 1 else [],
        "haplotypes": [h.to_json() for h in _ordered(primary)] if len(configs) == 1 or len(statuses) == 1 else [],
        "cis_trans": cis_trans,
        "reason": reason,
    }
    return part, notes, sources


def _alpha_structural_json(alleles: tuple[str, str]) -> list[dict[str, Any]]:
    """The non-normal structural alleles (deletions, triplications) with their zygosity."""
    out = []
    for name in sorted(set(alleles)):
        if name == "aa":
            continue
        s = ALPHA_STRUCTURES.get(name)
        out.append({"name": name, "name_unicode": s.unicode if s else name, "source": "deletion",
                    "functional_genes": s.functional if s else None,
                    "zygosity": "homozygous" if alleles.count(name) == 2 else "heterozygous"})
    return out


def _alpha_variant_json(v: VariantCall) -> dict[str, Any]:
    return {"name": v.catalog_id, "hgvs_c": f"{v.gene}:{v.hgvs_c}" if v.hgvs_c else "", "common_name": v.common_name,
            "class": v.variant_class or "uncertain", "source": "small_variant", "zygosity": v.zygosity,
            "alt_copies": v.alt_copies, "total_copies": v.total_copies}


# --------------------------------------------------------------------------------------- interactions
BETA_CARRIER = {"beta_thal_trait", "beta_silent_carrier", "hb_lepore_trait", "deltabeta_thal_trait", "hbe_trait"}
BETA_SEVERE = {"beta_thal_major", "beta_thal_intermedia", "hbe_beta_thal"}


def _interactions(alpha_part: dict[str, Any], beta_part: dict[str, Any], variants: list[VariantCall],
                  not_callable: list[NotCallable]) -> tuple[list[str], list[str]]:
    notes: list[str] = []
    sources: list[str] = []
    fg = alpha_part.get("functional_genes")
    b = beta_part["status"]
    if b in BETA_SEVERE and fg is not None and fg <= 2:
        notes.append(f"coinherited α-thalassaemia ({fg} functional α genes) reduces α-chain excess: possible milder "
                     "(intermedia) course")
        sources += ["THEIN13", "SABAH"]
    if fg is not None and fg >= 5 and (b in BETA_CARRIER or b in BETA_SEVERE):
        notes.append(f"α-globin triplication ({fg} functional α genes) with a β-thalassaemia allele: risk of "
                     "thalassaemia intermedia phenotype")
        sources += ["ITHA2569", "PAKTI"]
    if alpha_part["status"] == "not_assessable" and b in BETA_CARRIER | BETA_SEVERE:
        notes.append("α-globin genotype not assessable: coinherited α-thalassaemia or triplication, which modify the "
                     "β phenotype, cannot be excluded")
    for v in variants:
        if is_modifier(v) and _pass(v):
            effect = ("HbF-raising modifier; may ameliorate the β-thalassaemia / sickle phenotype (effect is "
                      "genotype-context dependent)" if b in BETA_SEVERE | {"sickle_cell_anemia", "sickle_beta_thal",
                                                                           "hbsc_disease"}
                      else "HbF-raising modifier, relevant only with a β-globin disorder")
            notes.append(f"{v.common_name or 'XmnI-Gγ'} ({v.gene} {v.hgvs_c}, {v.zygosity}): {effect}")
            sources += ["THEIN13", "MTAT"]
    for nc in not_callable:
        if _is_modifier_nc(nc):
            notes.append(f"HbF modifier site not assessed: {_describe_nc(nc)}")
    return notes, sources


# ------------------------------------------------------------------------------------------- summary
def _summary(alpha_part: dict[str, Any], beta_part: dict[str, Any]) -> str:
    if alpha_part["status"] == "not_assessable":
        a = f"α-globin genotype not assessable ({alpha_part['reason']})"
    elif alpha_part["status"] == "normal":
        a = f"normal α-globin genotype ({alpha_part['genotype']})"
    else:
        a = f"{alpha_part['phenotype'].split(' (')[0]} ({alpha_part['genotype']})"
    if beta_part["status"] == "not_assessable":
        b = f"β-globin genotype not assessable ({beta_part['reason']})"
    elif beta_part["status"] == "normal":
        b = "no β-globin variant detected"
    else:
        b = f"{beta_part['phenotype'].split(' (')[0]} ({beta_part['genotype']})"
    text = f"{a[0].upper() if a[0].isascii() else a[0]}{a[1:]}; {b}."
    if alpha_part["status"] in ("alpha0_trait", "hbh_disease"):
        text = text[:-1] + "; reproductive risk of Hb Bart's hydrops fetalis if the partner also carries α0-thalassaemia."
    return text


def interpret(alpha: ClusterGenotype | None, beta: ClusterGenotype | None, variants: list[VariantCall],
              not_callable: list[NotCallable]) -> dict[str, Any]:
    """Interpret one sample: the ``alpha``, ``beta`` and ``interpretation`` parts of report.json."""
    alpha_part, alpha_notes, alpha_sources = interpret_alpha(alpha, variants, not_callable)
    beta_part, beta_notes, beta_sources = interpret_beta(beta, variants, not_callable)
    inter_notes, inter_sources = _interactions(alpha_part, beta_part, variants, not_callable)
    used: list[str] = []
    for key in (*alpha_sources, *beta_sources, *inter_sources):
        if key not in used:
            used.append(key)
    alpha_part["rules"] = alpha_sources
    beta_part["rules"] = beta_sources
    notes = [f"α: {n}" for n in alpha_notes] + [f"β: {n}" for n in beta_notes] + inter_notes
    return {
        "alpha": alpha_part,
        "beta": beta_part,
        "interpretation": {"summary": _summary(alpha_part, beta_part), "notes": notes, "rules": used},
    }


def source_url(key: str) -> str:
    """URL (or citation) of a source key, for reports."""
    return rules()["sources"][key]


def chrom_pairs(part: dict[str, Any]) -> list[tuple[AlphaChrom, AlphaChrom]]:
    """Every alpha haplotype pair a report part allows: each alternative when unresolved, else the one pair."""
    pairs = [alt["haplotypes"] for alt in part.get("alternatives") or []] or (
        [part["haplotypes"]] if part.get("haplotypes") else [])
    return [(AlphaChrom.from_json(p[0]), AlphaChrom.from_json(p[1])) for p in pairs]
