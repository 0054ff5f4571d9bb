# thalgen workflow: FASTQ/BAM per patient -> alignment -> copy number + small variants -> report.
# Every step is a `thalgen` command; the workflow only decides what runs on which files.
# Run from the repository root:  snakemake --cores 2   (uses config/config.yaml)

from snakemake.utils import min_version

min_version("8.0")


configfile: "config/config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/reference.smk"
include: "workflow/rules/demo.smk"
include: "workflow/rules/align.smk"
include: "workflow/rules/cnv.smk"
include: "workflow/rules/call.smk"
include: "workflow/rules/report.smk"


rule all:
    input:
        all_outputs(),
    default_target: True


onerror:
    write_failure_summary()
