# Copy number and junctions: per-sample bin counts, a cohort median per assay (panel of normals) for
# capture assays (panel, amplicon, exome), then the per-sample structural call. WGS samples are normalised
# against their own never-deleted flanks, so one failed sample never blocks the others there.

PON_ASSAYS = ("panel", "amplicon", "wes")


def pon_input(wildcards):
    assay = SAMPLES[wildcards.sample].assay
    return [f"{OUTDIR}/cohort/{assay}.pon.tsv"] if assay in PON_ASSAYS else []


# Long reads (hifi/ont): deletions and duplications from reads that span them (split or long-gap
# alignments), not from depth; phase of variants and deletions from the same reads.
SHORT_READ_IDS = "|".join(sorted(s for s, r in SAMPLES.items() if r.platform == "illumina")) or "^$"
LR_AMPLICON_DESIGN = config.get("lr_amplicon_design", "config/lr_amplicons.yaml")
LONG_READ_IDS = "|".join(sorted(s for s, r in SAMPLES.items() if r.platform != "illumina")) or "^$"


def lr_design_input(wildcards):
    """The primer design is an input of amplicon samples: editing it re-runs their calls."""
    return [LR_AMPLICON_DESIGN] if SAMPLES[wildcards.sample].assay == "amplicon" else []


rule longread_cn:
    input:
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        ref=REF_FILES,
        design=lr_design_input,
    output:
        json=f"{OUTDIR}/{{sample}}/{{sample}}.cn.json",
        tsv=f"{OUTDIR}/{{sample}}/{{sample}}.cn.tsv",
        png=f"{OUTDIR}/{{sample}}/{{sample}}.cn.png",
    params:
        assay=lambda wc: SAMPLES[wc.sample].assay,
        design=lambda wc: f"--design {LR_AMPLICON_DESIGN}" if SAMPLES[wc.sample].assay == "amplicon" else "",
    wildcard_constraints:
        sample=LONG_READ_IDS,
    log:
        f"{OUTDIR}/logs/longread_cn/{{sample}}.log",
    shell:
        "thalgen longread call --reference {REF_DIR} --bam {input.bam} --sample {wildcards.sample} --assay {params.assay}"
        " {params.design}"
        " --json {output.json} --tsv {output.tsv} --png {output.png} > {log} 2>&1"


rule longread_phase:
    input:
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        calls=f"{OUTDIR}/{{sample}}/{{sample}}.calls.json",
        ref=REF_FILES,
        design=lr_design_input,
    output:
        f"{OUTDIR}/{{sample}}/{{sample}}.phase.json",
    params:
        assay=lambda wc: SAMPLES[wc.sample].assay,
        design=lambda wc: f"--design {LR_AMPLICON_DESIGN}" if SAMPLES[wc.sample].assay == "amplicon" else "",
    wildcard_constraints:
        sample=LONG_READ_IDS,
    log:
        f"{OUTDIR}/logs/longread_phase/{{sample}}.log",
    shell:
        "thalgen longread call --reference {REF_DIR} --bam {input.bam} --sample {wildcards.sample} --assay {params.assay}"
        " {params.design} --calls {input.calls} --phase-json {output} > {log} 2>&1"


rule cnv_bins:
    input:
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        ref=REF_FILES,
    output:
        f"{OUTDIR}/{{sample}}/{{sample}}.bins.tsv",
    log:
        f"{OUTDIR}/logs/cnv_bins/{{sample}}.log",
    shell:
        "thalgen cnv bins --reference {REF_DIR} --bam {input.bam} --sample {wildcards.sample} --out {output} > {log} 2>&1"


rule cohort_pon:
    input:
        lambda wc: [f"{OUTDIR}/{s}/{s}.bins.tsv" for s in samples_of_assay(wc.assay)],
    output:
        f"{OUTDIR}/cohort/{{assay}}.pon.tsv",
    log:
        f"{OUTDIR}/logs/cohort_pon/{{assay}}.log",
    shell:
        "thalgen cnv pon --out {output} {input} > {log} 2>&1"


rule cnv_call:
    input:
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        bins=f"{OUTDIR}/{{sample}}/{{sample}}.bins.tsv",
        pon=pon_input,
        ref=REF_FILES,
    output:
        json=f"{OUTDIR}/{{sample}}/{{sample}}.cn.json",
        tsv=f"{OUTDIR}/{{sample}}/{{sample}}.cn.tsv",
        png=f"{OUTDIR}/{{sample}}/{{sample}}.cn.png",
    wildcard_constraints:
        sample=SHORT_READ_IDS,
    params:
        assay=lambda wc: SAMPLES[wc.sample].assay,
        pon=lambda wc: " ".join(f"--pon {p}" for p in pon_input(wc)),
    log:
        f"{OUTDIR}/logs/cnv_call/{{sample}}.log",
    shell:
        "thalgen cnv call --reference {REF_DIR} --bam {input.bam} --sample {wildcards.sample} --bins {input.bins}"
        " {params.pon} --assay {params.assay} --json {output.json} --tsv {output.tsv} --png {output.png} > {log} 2>&1"
