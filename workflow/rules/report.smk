# Per-sample report (JSON + HTML), couple reports, and the batch summary.


rule report:
    input:
        calls=f"{OUTDIR}/{{sample}}/{{sample}}.calls.json",
        cn=f"{OUTDIR}/{{sample}}/{{sample}}.cn.json",
        png=f"{OUTDIR}/{{sample}}/{{sample}}.cn.png",
        stats=f"{OUTDIR}/{{sample}}/{{sample}}.align.json",
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        phase=lambda wc: [f"{OUTDIR}/{wc.sample}/{wc.sample}.phase.json"] if SAMPLES[wc.sample].platform != "illumina" else [],
        ref=REF_FILES,
    output:
        json=f"{OUTDIR}/{{sample}}/{{sample}}.report.json",
        html=f"{OUTDIR}/{{sample}}/{{sample}}.report.html",
    params:
        phase=lambda wc: f"--phase {OUTDIR}/{wc.sample}/{wc.sample}.phase.json" if SAMPLES[wc.sample].platform != "illumina" else "",
        info=lambda wc: f"--info platform={SAMPLES[wc.sample].platform} --info assay={SAMPLES[wc.sample].assay}",
        run=config.get("run", "run"),
    log:
        f"{OUTDIR}/logs/report/{{sample}}.log",
    shell:
        "thalgen report --reference {REF_DIR} --sample {wildcards.sample} --calls {input.calls}"
        " --copy-number {input.cn} --cn-png {input.png} --align-stats {input.stats} --bam {input.bam}"
        " --run {params.run} {params.phase} {params.info} --json {output.json} --html {output.html} > {log} 2>&1"


rule couple_report:
    input:
        a=f"{OUTDIR}/{{a}}/{{a}}.report.json",
        b=f"{OUTDIR}/{{b}}/{{b}}.report.json",
    output:
        json=f"{OUTDIR}/couples/{{a}}__{{b}}.report.json",
        html=f"{OUTDIR}/couples/{{a}}__{{b}}.report.html",
    log:
        f"{OUTDIR}/logs/couple/{{a}}__{{b}}.log",
    shell:
        "thalgen couple --a {input.a} --b {input.b} --json {output.json} --html {output.html} > {log} 2>&1"


rule summary:
    input:
        reports=[f"{OUTDIR}/{s}/{s}.report.json" for s in SAMPLES],
    output:
        tsv=f"{OUTDIR}/summary.tsv",
        html=f"{OUTDIR}/summary.html",
        mqc=f"{OUTDIR}/multiqc/thalgen_mqc.tsv",
    params:
        run=config.get("run", "run"),
    log:
        f"{OUTDIR}/logs/summary.log",
    shell:
        "thalgen summary --outdir {OUTDIR} --reports {input.reports} --tsv {output.tsv} --html {output.html}"
        " --multiqc {output.mqc} --run {params.run} > {log} 2>&1"
