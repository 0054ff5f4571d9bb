# Reads -> GRCh38 coordinate-sorted, duplicate-marked, indexed BAM over the globin loci.
# FASTQ rows are aligned as given; BAM/CRAM rows (sheet column `bam`) have their locus reads (plus
# mates and unplaced unmapped reads) taken out through the index and re-aligned the same way, so
# paralog placement and duplicate marking do not depend on the lab's aligner.


def genome_fasta():
    """The genome FASTA a CRAM needs: `genome_fasta`, else `reference` when that is a FASTA file."""
    if config.get("genome_fasta"):
        return config["genome_fasta"]
    ref = config.get("reference", "")
    if ref and ref != "download" and os.path.isfile(ref):
        return ref
    return ""


def align_inputs(wildcards):
    row = SAMPLES[wildcards.sample]
    return [row.bam] if row.bam else fastq_inputs(wildcards)


def align_source_args(wildcards):
    row = SAMPLES[wildcards.sample]
    if row.bam:
        fasta = genome_fasta()
        return f"--bam {shlex_quote(row.bam)}" + (f" --genome-fasta {shlex_quote(fasta)}" if fasta else "")
    return " ".join(f"--{flag} {shlex_quote(p)}" for flag, p in zip(("fq1", "fq2"), fastq_inputs(wildcards)))


def markdup_mode(wildcards):
    """Amplicon reads all start at the primers: mark duplicates there only by UMI."""
    return "umi-only" if SAMPLES[wildcards.sample].assay == "amplicon" else "position"


rule align:
    input:
        reads=align_inputs,
        ref=REF_FILES,
    output:
        bam=f"{OUTDIR}/{{sample}}/{{sample}}.bam",
        bai=f"{OUTDIR}/{{sample}}/{{sample}}.bam.bai",
        stats=f"{OUTDIR}/{{sample}}/{{sample}}.align.json",
    params:
        reads=align_source_args,
        platform=lambda wc: SAMPLES[wc.sample].platform,
        markdup=markdup_mode,
    threads: THREADS
    log:
        f"{OUTDIR}/logs/align/{{sample}}.log",
    shell:
        "thalgen align --reference {REF_DIR} {params.reads} --sample {wildcards.sample}"
        " --platform {params.platform} --markdup {params.markdup} --threads {threads}"
        " --out {output.bam} --stats {output.stats} > {log} 2>&1"
