"""VCF 4.2 output: complete header, bgzip + tabix, one record per called allele.

Genotypes are written with the ploidy of the site (``0/1`` at two copies, ``0/0/1`` beside a -a3.7
chromosome, ``1`` inside a heterozygous deletion) so copy-number-aware calls survive in the VCF.
"""

from __future__ import annotations

import datetime as _dt
import os
import tempfile
from pathlib import Path

import pysam

from thalgen import __version__
from thalgen.fileio import atomic_path
from thalgen.locus import BUILD, GRCH38_CONTIG_LENGTHS, LocusReference
from thalgen.model import VariantCall

_INFO = [
    ("GENE", "1", "String", "Gene symbol"),
    ("TX", "1", "String", "RefSeq transcript used for HGVS"),
    ("HGVSC", "1", "String", "HGVS c. name on TX"),
    ("HGVSP", "1", "String", "HGVS p. name (predicted)"),
    ("CSQ", "1", "String", "Predicted consequence"),
    ("CATALOG", "1", "String", "thalgen catalog id when the variant is in the catalog"),
    ("NAME", "1", "String", "Common name (catalog) or legacy name"),
    ("CLASS", "1", "String", "Catalog class (beta0, beta+, beta++, structural, alpha+, ...)"),
]
_FORMAT = [
    ("GT", "1", "String", "Genotype (ploidy = copies of the locus at the site)"),
    ("GQ", "1", "Integer", "Genotype quality (phred)"),
    ("DP", "1", "Integer", "Usable read depth at the site"),
    ("AD", "R", "Integer", "Allelic depths for the ref and alt alleles"),
    ("AF", "1", "Float", "Alt allele fraction"),
    ("CN", "1", "Integer", "Copies of the locus at the site"),
]


def _escape(value: str) -> str:
    return value.replace("%", "%25").replace(";", "%3B").replace("=", "%3D").replace(" ", "_").replace(",", "%2C")


def header_lines(sample: str, ref: LocusReference, command: str = "") -> list[str]:
    lines = [
        "##fileformat=VCFv4.2",
        f"##fileDate={_dt.date.today():%Y%m%d}",
        f"##source=thalgen {__version__}",
        f"##reference={BUILD} (locus slices: {', '.join(str(s.interval) for s in ref.slices.values())})",
    ]
    if command:
        lines.append(f"##thalgenCommand={command}")
    for chrom, length in GRCH38_CONTIG_LENGTHS.items():
        lines.append(f"##contig=<ID={chrom},length={length},assembly={BUILD}>")
    lines.append('##FILTER=<ID=PASS,Description="All filters passed">')
    lines.append('##FILTER=<ID=NearBreakpoint,Description="Within 30 bp (100 bp for homology-mediated fusions) of a called deletion/duplication junction: likely a junction-read artefact, review">')
    lines.append('##FILTER=<ID=HybridParalog,Description="An HBA2/HBA1 difference that is the other paralog\'s sequence, in a sample with a called hybrid gene (-a3.7, anti-3.7): the hybrid\'s own sequence, not a variant">')
    lines.append('##FILTER=<ID=LowDepth,Description="Usable depth below the minimum: catalog variant seen, zygosity and the rest of the site not assessable">')
    for fid, num, typ, desc in _INFO:
        lines.append(f'##INFO=<ID={fid},Number={num},Type={typ},Description="{desc}">')
    for fid, num, typ, desc in _FORMAT:
        lines.append(f'##FORMAT=<ID={fid},Number={num},Type={typ},Description="{desc}">')
    lines.append("\t".join(["#CHROM", "POS", "ID", "REF", "ALT", "QUAL", "FILTER", "INFO", "FORMAT", sample]))
    return lines


def record_line(v: VariantCall) -> str:
    info_pairs = [
        ("GENE", v.gene), ("TX", v.transcript), ("HGVSC", v.hgvs_c), ("HGVSP", v.hgvs_p), ("CSQ", v.consequence),
        ("CATALOG", v.catalog_id), ("NAME", v.common_name), ("CLASS", v.variant_class),
    ]
    info = ";".join(f"{k}={_escape(val)}" for k, val in info_pairs if val) or "."
    gt = "/".join(["0"] * (v.total_copies - v.alt_copies) + ["1"] * v.alt_copies)
    fmt = f"{gt}:{v.genotype_quality}:{v.depth}:{v.ref_depth},{v.alt_depth}:{v.alt_fraction:.3f}:{v.total_copies}"
    filt = ";".join(v.filters) if v.filters else "PASS"
    vid = v.catalog_id.replace(";", ",") if v.catalog_id else "."
    return "\t".join([v.chrom, str(v.pos1), vid, v.ref, v.alt, f"{v.quality:.1f}", filt, info, "GT:GQ:DP:AD:AF:CN", fmt])


def write_vcf(path: str | Path, sample: str, ref: LocusReference, variants: list[VariantCall], command: str = "") -> None:
    """Write ``path`` (.vcf.gz) bgzipped with a .tbi index, atomically."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    order = {c: i for i, c in enumerate(GRCH38_CONTIG_LENGTHS)}
    records = sorted(variants, key=lambda v: (order.get(v.chrom, 99), v.pos1, v.ref, v.alt))
    with tempfile.TemporaryDirectory(prefix=".thalgen-vcf-", dir=path.parent) as tmpdir:
        plain = Path(tmpdir) / "calls.vcf"
        with open(plain, "w") as fh:
            fh.write("\n".join(header_lines(sample, ref, command)) + "\n")
            for v in records:
                fh.write(record_line(v) + "\n")
        with atomic_path(path) as tmp_gz:
            pysam.tabix_compress(str(plain), str(tmp_gz), force=True)
            pysam.tabix_index(str(tmp_gz), preset="vcf", force=True)
            os.replace(str(tmp_gz) + ".tbi", str(path) + ".tbi")
