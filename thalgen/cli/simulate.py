"""``thalgen simulate``: reads and a truth file for patients with known genotypes (from a YAML/TSV spec)."""

from __future__ import annotations

import argparse
import sys

from thalgen.errors import InputError
from thalgen.locus import LocusReference
from thalgen.simulate import load_spec, simulate_patient

HELP = "simulate patients with known genotypes: FASTQ reads + truth JSON per patient"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--reference", required=True, metavar="REFDIR", help="locus reference directory")
    parser.add_argument("--spec", required=True, metavar="SPEC", help="genotype spec (.yaml or .tsv)")
    parser.add_argument("--outdir", required=True, metavar="DIR", help="output directory")
    parser.add_argument("--patient", action="append", metavar="ID", help="simulate only this patient (repeatable)")
    parser.add_argument("--seed", type=int, help="override every patient's seed")


def main(args: argparse.Namespace) -> int:
    ref = LocusReference.load(args.reference)
    patients = load_spec(args.spec)
    if args.patient:
        known = {p.id for p in patients}
        missing = [p for p in args.patient if p not in known]
        if missing:
            raise InputError(args.spec, f"no patient(s) {', '.join(missing)} in the spec")
        patients = [p for p in patients if p.id in set(args.patient)]
    for p in patients:
        if args.seed is not None:
            p.seed = args.seed
        paths = simulate_patient(ref, p, args.outdir, args.spec)
        print(f"thalgen simulate: {p.id}: {', '.join(str(v) for v in paths.values())}", file=sys.stderr)
    return 0
