"""The calls that flow from the callers to interpretation and reports.

These small dataclasses are the contract between modules: small-variant calling (smallvar.py),
deletions/copy number (copynumber.py, junctions.py), interpretation (interpret.py) and the report
(report/). Each serialises to the report.json shape with ``to_json``.

Positions: ``pos1``/``start1``/``end1`` are GRCh38 1-based (VCF style), as people read them.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class VariantCall:
    """A small variant (SNV/indel) genotyped in one sample, with its evidence."""

    chrom: str
    pos1: int  # VCF POS, left-normalised
    ref: str
    alt: str
    gene: str  # HBB / HBA2 / HBA1 / HBD ... or "" when intergenic
    transcript: str
    hgvs_c: str  # e.g. "c.20A>T" (no transcript prefix); "" when not in a transcript
    hgvs_p: str  # e.g. "p.(Glu7Val)"; "" when non-coding
    zygosity: str  # heterozygous / homozygous / hemizygous
    alt_copies: int
    total_copies: int
    depth: int
    ref_depth: int
    alt_depth: int
    alt_fraction: float
    quality: float  # phred-scaled confidence that the site is variant (VCF QUAL)
    genotype_quality: int  # GQ: phred confidence in the chosen genotype
    consequence: str = ""  # missense, frameshift, splice_donor, promoter, ...
    catalog_id: str = ""  # id of the matching catalog row, "" when not in the catalog
    common_name: str = ""
    variant_class: str = ""  # beta0, beta+, beta++, structural, alpha+, ... ("" when not in catalog)
    in_catalog: bool = False
    filters: list[str] = field(default_factory=list)  # empty = PASS
    phase_set: str = ""  # haplotype label when phased (long reads)

    @property
    def key(self) -> tuple[str, int, str, str]:
        return (self.chrom, self.pos1, self.ref, self.alt)

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["pos"] = d.pop("pos1")
        d["alt_fraction"] = round(self.alt_fraction, 4)
        d["quality"] = round(self.quality, 1)
        return d


@dataclass
class NotCallable:
    """A region or site where the data cannot support a call, and why."""

    chrom: str
    start1: int
    end1: int
    reason: str  # e.g. "depth 4 < 15 (min usable depth)"
    gene: str = ""
    what: str = "region"  # region / site / cluster
    name: str = ""  # e.g. the catalog variant or deletion that cannot be assessed here

    def to_json(self) -> dict[str, Any]:
        d = asdict(self)
        d["start"] = d.pop("start1")
        d["end"] = d.pop("end1")
        return d


@dataclass
class DeletionCall:
    """A deletion or duplication allele found in one sample."""

    name: str  # catalog name (e.g. "--SEA", "-a3.7") or "novel"
    cluster: str  # alpha / beta
    chrom: str
    start1: int  # estimated bounds, 1-based inclusive
    end1: int
    copies: int  # alleles carrying it: 1 or 2
    kind: str = "deletion"  # deletion / duplication
    catalog_id: str = ""
    variant_class: str = ""  # alpha+, alpha0, beta0, deltabeta0, HPFH, Lepore, triplication ...
    depth_ratio: float = 1.0
    junction_reads: int = 0
    log_likelihood_ratio: float = 0.0  # best vs next explanation
    evidence: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "cluster": self.cluster,
            "chrom": self.chrom,
            "start": self.start1,
            "end": self.end1,
            "copies": self.copies,
            "kind": self.kind,
            "catalog_id": self.catalog_id,
            "class": self.variant_class,
            "evidence": {
                "depth_ratio": round(self.depth_ratio, 3),
                "junction_reads": self.junction_reads,
                "log_likelihood_ratio": round(self.log_likelihood_ratio, 2),
                **self.evidence,
            },
        }


@dataclass
class ClusterGenotype:
    """The structural genotype of one cluster: the pair of alleles that best explains depth + junctions.

    ``alleles`` use ASCII names ("aa", "-a3.7", "--SEA", "aaa anti3.7" for alpha; "B", "619del" ... for beta).
    ``alternatives`` holds near-equal explanations (e.g. --/aa vs -a/-a without junction reads).
    """

    cluster: str
    alleles: tuple[str, str] | None
    assessable: bool = True
    reason: str = ""
    alternatives: list[tuple[str, str]] = field(default_factory=list)
    log_likelihood_ratio: float = 0.0
    copy_number: dict[str, float] = field(default_factory=dict)  # per gene (HBA2, HBA1, hybrid ...)
