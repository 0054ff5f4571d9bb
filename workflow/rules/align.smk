# Reads -> GRCh38 coordinate-sorted, indexed BAM over the globin loci.


rule align:
    input:
        reads=fastq_inputs,
        ref=REF_FILES,
    output:
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        bai=f"{OUTDIR}/{{sample}}/{{sample}}.bam.bai",
        stats=f"{OUTDIR}/{{sample}}/{{sample}}.align.json",
    params:
        reads=lambda wc: " ".join(
            f"--{flag} {shlex_quote(p)}" for flag, p in zip(("fq1", "fq2"), fastq_inputs(wc))
        ),
        platform=lambda wc: SAMPLES[wc.sample].platform,
    threads: THREADS
    log:
        f"{OUTDIR}/logs/align/{{sample}}.log",
    shell:
        "thalgen align --reference {REF_DIR} {params.reads} --sample {wildcards.sample}"
        " --platform {params.platform} --threads {threads} --out {output.bam} --stats {output.stats} > {log} 2>&1"
