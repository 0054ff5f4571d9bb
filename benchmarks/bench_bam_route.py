#!/usr/bin/env python3
"""Per-sample time of the BAM route (`thalgen align --bam`) on a WGS-like 30x locus slice.

The "lab BAM" is a GRCh38 genome-style BAM (chr1, chr11, chr16 at their real lengths): a simulated
30x WGS patient over both locus slices (thalgen's own alignment, re-labelled as the lab's), plus
background reads on chr1 and unplaced unmapped reads so that the index, not a scan, has to find the
loci. Prints wall time and peak memory of the BAM route, the FASTQ route on the same reads, and —
when installed — `samtools view | collate | fastq` + minimap2 CLI + `samtools sort/index/markdup` over
the same regions, and whether the BAM and FASTQ routes give the same calls. Figures only.

    python benchmarks/bench_bam_route.py [--depth 30] [--background 400000] [--threads 2] [--workdir /tmp/thalgen-bench-bam]
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
from pathlib import Path

from benchutil import run

import pysam

REPO = Path(__file__).resolve().parents[1]
SHARED_REF = REPO.parent / "shared" / "reference"
CHR1_LENGTH = 248_956_422


def lab_bam(locus_bam: Path, out: Path, n_background: int, seed: int) -> int:
    """Genome-style BAM: the locus records + random background pairs on chr1 + 1 % unplaced unmapped pairs."""
    rng = random.Random(seed)
    header = {
        "HD": {"VN": "1.6", "SO": "coordinate"},
        "SQ": [{"SN": "chr1", "LN": CHR1_LENGTH}, {"SN": "chr11", "LN": 135_086_622}, {"SN": "chr16", "LN": 90_338_345}],
        "RG": [{"ID": "lab", "SM": "bench", "LB": "lib", "PL": "ILLUMINA"}],
    }
    hdr = pysam.AlignmentHeader.from_dict(header)
    unsorted = out.with_suffix(".unsorted.bam")
    n = 0
    quals = pysam.qualitystring_to_array("F" * 150)
    with pysam.AlignmentFile(str(locus_bam)) as src, pysam.AlignmentFile(str(unsorted), "wb", header=hdr) as dst:
        for r in src.fetch(until_eof=True):
            d = r.to_dict()
            d["tags"] = [t for t in d["tags"] if not t.startswith("RG:")] + ["RG:Z:lab"]
            dst.write(pysam.AlignedSegment.from_dict(d, hdr))
            n += 1
        for i in range(n_background):
            unmapped = i % 100 == 0
            pos = rng.randrange(1_000_000, CHR1_LENGTH - 2_000_000)
            for mate in (0, 1):
                a = pysam.AlignedSegment(hdr)
                a.query_name = f"bg{i}"
                a.query_sequence = "".join(rng.choices("ACGT", k=150))
                a.query_qualities = quals
                if unmapped:
                    a.flag = 1 | 4 | 8 | (64 if mate == 0 else 128)
                    a.reference_id = a.next_reference_id = -1
                    a.reference_start = a.next_reference_start = -1
                else:
                    a.flag = 1 | 2 | (32 | 64 if mate == 0 else 16 | 128)
                    a.reference_id = a.next_reference_id = 0
                    a.reference_start = pos + 200 * mate
                    a.next_reference_start = pos + 200 * (1 - mate)
                    a.cigartuples = [(0, 150)]
                    a.mapping_quality = 60
                    a.template_length = 350 if mate == 0 else -350
                a.set_tag("RG", "lab")
                dst.write(a)
                n += 1
    pysam.sort("-o", str(out), str(unsorted))
    pysam.index(str(out))
    unsorted.unlink()
    return n


def calls(ref: Path, bam: Path, work: Path, tag: str) -> list:
    vcf, js = work / f"{tag}.vcf.gz", work / f"{tag}.calls.json"
    subprocess.run(["thalgen", "call", "--reference", str(ref), "--bam", str(bam), "--sample", "bench", "--vcf", str(vcf), "--json", str(js)],
                   check=True, stdout=subprocess.DEVNULL)
    return [(v["chrom"], v["pos"], v["ref"], v["alt"], v["zygosity"]) for v in json.loads(js.read_text())["variants"]]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depth", type=int, default=30)
    ap.add_argument("--background", type=int, default=400_000, help="background read pairs on chr1")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", default="/tmp/thalgen-bench-bam")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    ref = work / "ref"
    if not (ref / "manifest.json").exists():
        subprocess.run(["thalgen", "reference", "prepare", "--locus-fasta", str(SHARED_REF / "chr11_beta_cluster.fa"),
                        "--locus-fasta", str(SHARED_REF / "chr16_HBA_cluster.fa"), "--out", str(ref)], check=True, stdout=subprocess.DEVNULL)
    spec = work / "spec.yaml"
    spec.write_text(f"defaults: {{depth: {args.depth}, read_length: 150, seed: 7, assay: wgs}}\npatients:\n"
                    "  - id: bench\n    haplotypes: [[\"HBB:c.20A>T\"], [\"HBB:c.93-21G>A\"]]\n")
    r1, r2 = work / "bench_R1.fastq.gz", work / "bench_R2.fastq.gz"
    if not r1.exists():
        subprocess.run(["thalgen", "simulate", "--reference", str(ref), "--spec", str(spec), "--outdir", str(work)], check=True, stdout=subprocess.DEVNULL)
    t_fq, m_fq = run(f"thalgen align --reference {ref} --fq1 {r1} --fq2 {r2} --sample bench --out {work}/fastq_route.bam --threads {args.threads}")
    lab = work / "lab.bam"
    if not lab.exists():
        n = lab_bam(work / "fastq_route.bam", lab, args.background, seed=7)
        print(f"lab BAM: {n} records ({lab.stat().st_size / 1e6:.1f} MB), {args.background} background pairs on chr1 (1 % unplaced unmapped)")
    n_pairs = int(subprocess.run(f"zcat {r1} | wc -l", shell=True, capture_output=True, text=True).stdout) // 4
    print(f"patient: {n_pairs} pairs x 150 bp, WGS-like {args.depth}x over chr11:5.20-5.30 Mb + chr16:0.13-0.20 Mb; threads {args.threads}")

    rows = [("thalgen align --fq1/--fq2 (FASTQ route)", t_fq, m_fq)]
    t_bam, m_bam = run(f"thalgen align --reference {ref} --bam {lab} --sample bench --out {work}/bam_route.bam"
                       f" --stats {work}/bam_route.align.json --threads {args.threads}")
    rows.append(("thalgen align --bam (BAM route)", t_bam, m_bam))
    if shutil.which("samtools") and shutil.which("minimap2"):
        regions = "chr11:5200000-5300000 chr16:130002-200001"
        t, m = run(
            f"samtools view -u {lab} {regions} | samtools collate -Ou - {work}/collate"
            f" | samtools fastq -1 {work}/peer_R1.fq -2 {work}/peer_R2.fq -0 /dev/null -s /dev/null -"
            f" && minimap2 -ax sr -t {args.threads} {ref}/locus.fa {work}/peer_R1.fq {work}/peer_R2.fq 2>/dev/null"
            f" | samtools fixmate -m - - | samtools sort -@ {args.threads} - | samtools markdup - {work}/peer.bam && samtools index {work}/peer.bam"
        )
        rows.append(("samtools view|collate|fastq + minimap2 + fixmate/sort/markdup/index", t, m))
    width = max(len(r[0]) for r in rows)
    for name, t, m in rows:
        print(f"  {name:<{width}}  {t:7.2f} s  {m:6d} MB  {n_pairs / t:9.0f} pairs/s")
    print(f"  BAM route / FASTQ route: {t_bam / t_fq:.2f}x")
    st = json.loads((work / "bam_route.align.json").read_text())
    src = st["source"]
    print(f"  BAM route took {src['pairs']} pairs, {src['singles']} singles, {src['unmapped_included']} unplaced unmapped reads;"
          f" duplicates {st['duplicates']} ({st['duplicate_fraction']:.1%})")
    same = calls(ref, work / "fastq_route.bam", work, "fq") == calls(ref, work / "bam_route.bam", work, "bam")
    print(f"  same calls as the FASTQ route: {'yes' if same else 'NO'}")
    return 0 if same else 1


if __name__ == "__main__":
    raise SystemExit(main())
