# The locus reference: used as given when `reference` is a thalgen locus reference directory,
# otherwise prepared once into {outdir}/reference from a genome FASTA, locus FASTAs or a download.


def _is_locus_dir(path):
    return path and os.path.isdir(path) and os.path.exists(os.path.join(path, "manifest.json"))


if _is_locus_dir(config.get("reference", "")):
    REF_DIR = config["reference"].rstrip("/")
else:
    REF_DIR = f"{OUTDIR}/reference"

    def _prepare_args():
        if config.get("locus_fasta"):
            return " ".join(f"--locus-fasta {shlex_quote(p)}" for p in config["locus_fasta"])
        if config.get("reference") == "download":
            return "--download"
        return f"--genome {shlex_quote(config['reference'])}"

    rule prepare_reference:
        output:
            manifest=f"{REF_DIR}/manifest.json",
            fasta=f"{REF_DIR}/locus.fa",
        params:
            source=_prepare_args(),
        log:
            f"{OUTDIR}/logs/reference.log",
        shell:
            "thalgen reference prepare {params.source} --out {REF_DIR} > {log} 2>&1"


REF_FILES = [f"{REF_DIR}/manifest.json", f"{REF_DIR}/locus.fa"]
