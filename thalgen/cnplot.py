"""``S.cn.png``: observed copies per bin along both clusters, the called copies, gene models, deletions shaded."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

from thalgen.fileio import atomic_path  # noqa: E402
from thalgen.genes import genes  # noqa: E402
from thalgen.locus import LocusReference  # noqa: E402

CLUSTER_CHROM = (("alpha", "chr16"), ("beta", "chr11"))


def plot_cn(result, ref: LocusReference, path: str | Path, sample: str) -> Path:
    """One panel per cluster: dots = observed copies per bin, line = called copies, boxes = genes."""
    model = result.model
    b = model.bins
    ratio = model.ratio()
    by_cluster = {r.genotype.cluster: r for r in result.results}
    panels = [(c, ch) for c, ch in CLUSTER_CHROM if ref.has(ch)]
    fig, axes = plt.subplots(len(panels), 1, figsize=(11, 3.2 * len(panels)), squeeze=False)
    for ax, (cluster, chrom) in zip(axes[:, 0], panels):
        rows = np.nonzero(b.chrom == chrom)[0]
        mid = (b.start0[rows] + b.end0[rows]) / 2 / 1000
        ax.scatter(mid, np.clip(ratio[rows], 0, 5), s=4, color="0.35", label="observed copies (per bin)")
        r = by_cluster.get(cluster)
        if r is not None and r.alleles is not None:
            called = np.where(model.used[rows], r.alleles[0].hap + r.alleles[1].hap, np.nan)
            ax.step(mid, called, where="mid", color="tab:red", lw=1.2, label="called copies")
            for d in r.deletions:
                ax.axvspan((d.start1 - 1) / 1000, d.end1 / 1000, color="tab:orange" if d.kind == "deletion" else "tab:green",
                           alpha=0.25, label=f"{d.evidence.get('allele', d.name)} ({d.copies} allele{'s' if d.copies > 1 else ''})")
            title = f"{sample} {cluster}: {'/'.join(r.genotype.alleles or ())}"
        else:
            reason = r.genotype.reason if r is not None else "not assessed"
            title = f"{sample} {cluster}: not assessable ({reason})"
        for g in genes().values():
            if g.chrom == chrom and ref.covers(chrom, g.start1 - 1, g.end1):
                ax.add_patch(plt.Rectangle((g.start1 / 1000, -0.45), (g.end1 - g.start1) / 1000, 0.25,
                                           color="tab:blue" if g.kind == "gene" else "tab:gray"))
                ax.text((g.start1 + g.end1) / 2000, -0.12, g.name, ha="center", va="bottom", fontsize=7)
        ax.set_ylim(-0.5, 5)
        ax.set_xlim(ref.slice(chrom).interval.start0 / 1000, ref.slice(chrom).interval.end0 / 1000)
        ax.set_ylabel("copies")
        ax.set_xlabel(f"{chrom} position (kb, GRCh38)")
        ax.set_title(title, fontsize=9)
        ax.axhline(2, color="0.8", lw=0.8, zorder=0)
        ax.legend(loc="upper right", fontsize=7)
    return save_figure(fig, path, dpi=110)


def save_figure(fig, path: str | Path, dpi: int = 110) -> Path:
    """Lay out, write atomically as PNG and close a matplotlib figure."""
    fig.tight_layout()
    path = Path(path)
    with atomic_path(path, suffix=".png") as tmp:
        fig.savefig(tmp, dpi=dpi, format="png")
    plt.close(fig)
    return path
