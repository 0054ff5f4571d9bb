# Demo patients: reads simulated by `thalgen simulate` from config["demo_spec"], so the demo needs
# nothing but the locus reference. Sample-sheet paths under {outdir}/demo/fastq are produced here.

if config.get("demo_spec"):

    rule simulate_demo:
        input:
            spec=config["demo_spec"],
            ref=REF_FILES,
        output:
            r1=f"{OUTDIR}/demo/fastq/{{patient}}_R1.fastq.gz",
            r2=f"{OUTDIR}/demo/fastq/{{patient}}_R2.fastq.gz",
            truth=f"{OUTDIR}/demo/fastq/{{patient}}.truth.json",
        params:
            seed=f"--seed {config['demo_seed']}" if config.get("demo_seed") is not None else "",
        log:
            f"{OUTDIR}/logs/simulate/{{patient}}.log",
        shell:
            "thalgen simulate --reference {REF_DIR} --spec {input.spec} --outdir {OUTDIR}/demo/fastq"
            " --patient {wildcards.patient} {params.seed} > {log} 2>&1"
