# Config and sample-sheet loading (validated), input functions and the list of final outputs.

import os
import sys
from shlex import quote as shlex_quote
from pathlib import Path

from snakemake.utils import validate

from thalgen.errors import InputError
from thalgen.samplesheet import couples, load_sample_sheet


# The `thalgen` the rules call is the one installed beside this Snakemake (same environment), even when
# the virtualenv is not activated (e.g. `.venv/bin/snakemake`).
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

validate(config, schema="../schemas/config.schema.yaml")

OUTDIR = config["outdir"].rstrip("/")
THREADS = int(config.get("threads", 2))
MIN_DEPTH = int(config.get("min_depth", 15))

try:
    SAMPLES = {row.sample: row for row in load_sample_sheet(config["samples"])}
except InputError as exc:
    raise WorkflowError(f"thalgen: error: {exc.path}: {exc.problem}")

for _row in SAMPLES.values():
    validate({k: v for k, v in _row.__dict__.items() if v != ""}, schema="../schemas/samples.schema.yaml")

COUPLES = couples(list(SAMPLES.values()))
ASSAYS = sorted({row.assay for row in SAMPLES.values()})


def sample_dir(sample):
    return f"{OUTDIR}/{sample}"


def fastq_inputs(wildcards):
    row = SAMPLES[wildcards.sample]
    return [p for p in (row.fq1, row.fq2) if p]


def samples_of_assay(assay):
    return sorted(s for s, row in SAMPLES.items() if row.assay == assay)


def all_outputs():
    outs = []
    for s in SAMPLES:
        d = sample_dir(s)
        outs += [
            f"{d}/{s}.bam", f"{d}/{s}.bam.bai", f"{d}/{s}.vcf.gz", f"{d}/{s}.vcf.gz.tbi",
            f"{d}/{s}.cn.tsv", f"{d}/{s}.cn.png",
            f"{d}/{s}.report.json", f"{d}/{s}.report.html",
        ]
    outs += [f"{OUTDIR}/couples/{a}__{b}.report.json" for a, b in COUPLES]
    outs += [f"{OUTDIR}/couples/{a}__{b}.report.html" for a, b in COUPLES]
    outs += [f"{OUTDIR}/summary.tsv", f"{OUTDIR}/summary.html"]
    return outs


def failure_reason(sample):
    """The first `thalgen: error:` line in the sample's step logs, or a pointer to them."""
    logs_dir = Path(OUTDIR) / "logs"
    for log in sorted(logs_dir.glob(f"*/{sample}.log")):
        for line in log.read_text(errors="replace").splitlines():
            if line.startswith("thalgen: error:"):
                return f"{log.parent.name}: {line.removeprefix('thalgen: error:').strip()}"
    return f"did not finish (see {logs_dir}/*/{sample}.log)"


def write_failure_summary():
    """After a failed run, still write the batch summary: every sample, failed ones with their reason."""
    import subprocess

    reports, failed = [], []
    for s in SAMPLES:
        path = f"{OUTDIR}/{s}/{s}.report.json"
        if os.path.exists(path):
            reports.append(path)
        else:
            failed += ["--failed", f"{s}={failure_reason(s)}"]
    cmd = ["thalgen", "summary", "--outdir", OUTDIR, "--run", str(config.get("run", "run")), "--reports", *reports, *failed]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True)
    except FileNotFoundError:
        print("thalgen: error: the thalgen command is not installed in this environment (pip install -e .)")
        return
    if result.returncode == 0:
        print(f"thalgen: wrote {OUTDIR}/summary.html listing {len(failed) // 2} failed sample(s)")
    else:
        print(result.stderr.strip())
