"""Time the copy-number and junction steps add per sample (simulate + align are set-up, not timed).

Usage: python benchmarks/bench_cnv.py [--depth 30] [--reference DIR]
Without --reference the locus reference is built from ../shared/reference test slices.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

from thalgen import copynumber, junctions, structural
from thalgen.align import align
from thalgen.locus import LocusReference
from thalgen.simulate import PatientSpec, simulate_patient

SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--depth", type=float, default=30.0)
    ap.add_argument("--reference")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmpd = Path(tmp)
        if args.reference:
            ref = LocusReference.load(args.reference)
        else:
            from thalgen.refprep import prepare_from_locus_fastas

            prepare_from_locus_fastas([SHARED / "chr11_beta_cluster.fa", SHARED / "chr16_HBA_cluster.fa"]).write(tmpd / "ref")
            ref = LocusReference.load(tmpd / "ref")
        spec = PatientSpec("bench", (["--SEA"], ["-a3.7"]), "illumina", "wgs", args.depth, 150, 350.0, 60.0, 0.03, 3, None, False)
        paths = simulate_patient(ref, spec, tmpd, "<bench>")
        bam = tmpd / "bench.bam"
        stats = align(ref, paths["r1"], paths["r2"], "bench", bam, "illumina", 2)
        t0 = time.perf_counter()
        copynumber.mappability(ref, 150)
        t1 = time.perf_counter()
        bins = copynumber.count_bins(ref, bam, "bench")
        t2 = time.perf_counter()
        junctions.collect_junctions(ref, bam)
        t3 = time.perf_counter()
        result = structural.call_sample_cn(ref, bam, "bench", bins)
        t4 = time.perf_counter()
        print(f"sample: {stats.reads_in} reads at {args.depth:g}x over {', '.join(str(s.interval) for s in ref.slices.values())}")
        print(f"mappability (once per reference and read length, cached): {t1 - t0:.2f} s")
        print(f"bin counting:                                            {t2 - t1:.2f} s")
        print(f"junction reads:                                          {t3 - t2:.2f} s")
        print(f"call (junctions again + genotype enumeration, both):     {t4 - t3:.2f} s")
        print(f"per sample (bins + call):                                {t4 - t1:.2f} s")
        print(f"alpha: {result.document['alpha']['alleles']}  beta: {result.document['beta']['alleles']}")


if __name__ == "__main__":
    main()
