# Demo / reference patients: reads simulated by `thalgen simulate` from config["demo_spec"], so the demo
# needs nothing but the locus reference. Sample-sheet paths under {outdir}/demo/fastq are produced here:
# Illumina patients as {id}_R1/_R2.fastq.gz, long-read (hifi/ont) patients as {id}.fastq.gz.

if config.get("demo_spec"):
    from thalgen.simulate import load_spec

    _DEMO = {p.id: p.platform for p in load_spec(config["demo_spec"])}
    _PAIRED_IDS = "|".join(sorted(i for i, plat in _DEMO.items() if plat == "illumina")) or "^$"
    _LONG_IDS = "|".join(sorted(i for i, plat in _DEMO.items() if plat != "illumina")) or "^$"
    _SEED = f"--seed {config['demo_seed']}" if config.get("demo_seed") is not None else ""
    _SIMULATE = (
        "thalgen simulate --reference {REF_DIR} --spec {input.spec} --outdir {OUTDIR}/demo/fastq"
        " --patient {wildcards.patient} " + _SEED + " > {log} 2>&1"
    )

    rule simulate_demo:
        input:
            spec=config["demo_spec"],
            ref=REF_FILES,
        output:
            r1=f"{OUTDIR}/demo/fastq/{{patient}}_R1.fastq.gz",
            r2=f"{OUTDIR}/demo/fastq/{{patient}}_R2.fastq.gz",
            truth=f"{OUTDIR}/demo/fastq/{{patient}}.truth.json",
        wildcard_constraints:
            patient=_PAIRED_IDS,
        log:
            f"{OUTDIR}/logs/simulate/{{patient}}.log",
        shell:
            _SIMULATE

    rule simulate_demo_long_reads:
        input:
            spec=config["demo_spec"],
            ref=REF_FILES,
        output:
            fq=f"{OUTDIR}/demo/fastq/{{patient}}.fastq.gz",
            truth=f"{OUTDIR}/demo/fastq/{{patient}}.truth.json",
        wildcard_constraints:
            patient=_LONG_IDS,
        log:
            f"{OUTDIR}/logs/simulate/{{patient}}.log",
        shell:
            _SIMULATE
