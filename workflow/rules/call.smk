# Small variants in HBB/HBA2/HBA1, with the ploidy the copy-number step found at each position.


rule call_small_variants:
    input:
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        cn=f"{OUTDIR}/{{sample}}/{{sample}}.cn.json",
        ref=REF_FILES,
    output:
        vcf=f"{OUTDIR}/{{sample}}/{{sample}}.vcf.gz",
        tbi=f"{OUTDIR}/{{sample}}/{{sample}}.vcf.gz.tbi",
        json=f"{OUTDIR}/{{sample}}/{{sample}}.calls.json",
    params:
        platform=lambda wc: SAMPLES[wc.sample].platform,
    log:
        f"{OUTDIR}/logs/call/{{sample}}.log",
    shell:
        "thalgen call --reference {REF_DIR} --bam {input.bam} --sample {wildcards.sample} --copy-number {input.cn}"
        " --platform {params.platform} --min-depth {MIN_DEPTH} --vcf {output.vcf} --json {output.json} > {log} 2>&1"
