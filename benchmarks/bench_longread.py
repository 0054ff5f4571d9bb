#!/usr/bin/env python3
"""Per-sample time of the long-read route (HiFi and ONT, 30x over both locus slices).

Simulates one patient per platform (--SEA + HbS / -a3.7), then times `thalgen align` (map-hifi /
map-ont), `thalgen longread call` (deletions and duplications from spanning reads), `thalgen call`
and the phase step, printing wall time and peak memory per step; and, when minimap2 and samtools are
installed, the peer alignment (`minimap2 -ax map-hifi|map-ont | samtools sort` + index on the same reads)
with thalgen's alignment time as a ratio of it. Figures only.

    python benchmarks/bench_longread.py [--depth 30] [--threads 2] [--workdir /tmp/thalgen-bench-lr]
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from benchutil import locus_reference, run


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depth", type=int, default=30)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--workdir", default="/tmp/thalgen-bench-lr")
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    ref = locus_reference(work)
    spec = work / "spec.yaml"
    spec.write_text(f"defaults: {{depth: {args.depth}, seed: 9}}\npatients:\n"
                    "  - {id: lr_hifi, platform: hifi, haplotypes: [[\"--SEA\", \"HBB:c.20A>T\"], [\"-a3.7\"]]}\n"
                    "  - {id: lr_ont, platform: ont, haplotypes: [[\"--SEA\", \"HBB:c.20A>T\"], [\"-a3.7\"]]}\n")
    run(f"thalgen simulate --reference {ref} --spec {spec} --outdir {work}")
    print(f"{'sample':10s} {'step':22s} {'wall s':>8s} {'peak MB':>8s}")
    for sample, platform in (("lr_hifi", "hifi"), ("lr_ont", "ont")):
        p = work / sample
        steps = [
            ("align", f"thalgen align --reference {ref} --fq1 {p}.fastq.gz --platform {platform} --sample {sample} --out {p}.bam --threads {args.threads}"),
            ("longread call (SV)", f"thalgen longread call --reference {ref} --bam {p}.bam --sample {sample} --json {p}.cn.json --tsv {p}.cn.tsv --png {p}.cn.png"),
            ("call (small variants)", f"thalgen call --reference {ref} --platform {platform} --bam {p}.bam --sample {sample} --copy-number {p}.cn.json --vcf {p}.vcf.gz --json {p}.calls.json"),
            ("phase", f"thalgen longread call --reference {ref} --bam {p}.bam --sample {sample} --calls {p}.calls.json --phase-json {p}.phase.json"),
        ]
        total = 0.0
        align_wall = 0.0
        for name, cmd in steps:
            wall, peak = run(cmd)
            total += wall
            align_wall = wall if name == "align" else align_wall
            print(f"{sample:10s} {name:22s} {wall:8.2f} {peak:8d}")
        print(f"{sample:10s} {'total per sample':22s} {total:8.2f}")
        if shutil.which("minimap2") and shutil.which("samtools"):
            preset = "map-hifi" if platform == "hifi" else "map-ont"
            peer = (f"minimap2 -t {args.threads} -ax {preset} {ref}/locus.fa {p}.fastq.gz 2>/dev/null"
                    f" | samtools sort -@ {args.threads} -o {p}.peer.bam - && samtools index {p}.peer.bam")
            wall, peak = run(peer)
            print(f"{sample:10s} {'peer: minimap2+sort':22s} {wall:8.2f} {peak:8d}   thalgen align / peer = {align_wall / wall:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
