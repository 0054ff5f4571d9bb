#!/usr/bin/env python3
"""Alignment and small-variant calling throughput on 200k simulated read pairs, against peer tools.

Prints wall time, pairs/s and peak memory for `thalgen align` and `thalgen call`, and — when installed —
for the minimap2 CLI (+ samtools sort) and `bcftools mpileup | bcftools call` on the same reads, with
the ratios. Figures only: nothing here is a pass/fail test.

    python benchmarks/bench_align_call.py [--pairs 200000] [--threads 2] [--workdir /tmp/thalgen-bench]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
from pathlib import Path

from benchutil import locus_reference, run



def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pairs", type=int, default=200_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", default="/tmp/thalgen-bench")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    ref = locus_reference(work)
    total_bp = sum(s["length"] for s in json.loads((ref / "manifest.json").read_text())["slices"])
    depth = round(args.pairs * 2 * 150 / total_bp / 0.97)  # simulator adds ~3 % duplicates on top
    spec = work / "spec.yaml"
    spec.write_text(f"defaults: {{depth: {depth}, read_length: 150, seed: 5}}\npatients:\n"
                    "  - id: bench\n    haplotypes: [[\"HBB:c.20A>T\"], [\"HBB:c.126_129del\"]]\n")
    r1, r2 = work / "bench_R1.fastq.gz", work / "bench_R2.fastq.gz"
    if not r1.exists():
        subprocess.run(["thalgen", "simulate", "--reference", str(ref), "--spec", str(spec), "--outdir", str(work)], check=True)
    n_pairs = int(subprocess.run(f"zcat {r1} | wc -l", shell=True, capture_output=True, text=True).stdout) // 4
    print(f"reads: {n_pairs} pairs x 150 bp over {total_bp} bp of locus (depth ~{depth}x), threads {args.threads}")

    rows = []
    t_align, m_align = run(f"thalgen align --reference {ref} --fq1 {r1} --fq2 {r2} --sample bench --out {work}/bench.bam --threads {args.threads}")
    rows.append(("thalgen align", t_align, m_align))
    t_call, m_call = run(f"thalgen call --reference {ref} --bam {work}/bench.bam --sample bench --vcf {work}/bench.vcf.gz --json {work}/bench.calls.json")
    rows.append(("thalgen call", t_call, m_call))
    peers = {}
    if shutil.which("minimap2") and shutil.which("samtools"):
        t, m = run(f"minimap2 -ax sr -t {args.threads} {ref}/locus.fa {r1} {r2} 2>/dev/null | samtools sort -@ {args.threads} -o {work}/mm2.bam - && samtools index {work}/mm2.bam")
        rows.append(("minimap2 CLI + samtools sort/index", t, m))
        peers["align"] = t
        if shutil.which("bcftools"):
            subprocess.run(["samtools", "faidx", f"{ref}/locus.fa"], check=True)
            # same calling regions (transcripts +- 300 bp) in slice coordinates
            regions = work / "regions.txt"
            from thalgen.locus import LocusReference
            from thalgen.smallvar import calling_regions

            locus = LocusReference.load(ref)
            with open(regions, "w") as fh:
                for _tx, iv in calling_regions(locus):
                    off = locus.slice(iv.chrom).interval.start0
                    fh.write(f"{iv.chrom}\t{iv.start0 - off + 1}\t{iv.end0 - off}\n")
            t, m = run(f"bcftools mpileup -R {regions} -f {ref}/locus.fa {work}/mm2.bam 2>/dev/null | bcftools call -mv -Oz -o {work}/bcf.vcf.gz")
            rows.append(("bcftools mpileup | call", t, m))
            peers["call"] = t
    else:
        print("(minimap2/samtools/bcftools not installed: no peer figures; apt-get install minimap2 samtools bcftools)")
    print(f"\n{'step':40s} {'wall s':>8s} {'pairs/s':>10s} {'peak MB':>8s}")
    for name, t, m in rows:
        print(f"{name:40s} {t:8.2f} {n_pairs / t:10.0f} {m:8d}")
    if peers:
        print()
        if "align" in peers:
            print(f"align ratio thalgen / minimap2 CLI: {t_align / peers['align']:.2f}x wall time")
        if "call" in peers:
            print(f"call ratio thalgen / bcftools:      {t_call / peers['call']:.2f}x wall time")
    return 0


if __name__ == "__main__":
    sys.exit(main())
