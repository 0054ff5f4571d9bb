"""Deletions, duplications and phase from long reads (PacBio HiFi, ONT) that span them.

Binned depth has no power with a few hundred 15-kb reads, so this caller does not use depth for
calls. It reads each read's alignment as a path through the reference: the primary and supplementary
records (ordered along the read) and long CIGAR gaps split it into *segments*; consecutive segments
that jump forward over >= MIN_JUMP bp are a deletion, a backward jump (or a long insertion) a tandem
duplication. Jumps are clustered into events and named from the catalog (simple rows by breakpoints
within ``uncertainty_bp`` + MATCH_SLACK; homology rows -a3.7/-a4.2/anti by the jump length being the
Z/X unit found in the reference by ``thalgen.simulate.homology_boxes``).

The -a3.7/-a4.2 family and its triplications (anti-3.7, anti-4.2) are not decided by jumps: inside the
homology an extra or missing unit's reads align in many ways (an insertion at any phase of the unit, split
pieces extended through the homology, pieces placed on the other unit). A read anchored in unique sequence
ANCHOR bp beyond both ends of a unit pair's homology (``homology_regions``: Z chr16:171843-177510, X
chr16:169447-174843 on GRCh38) has a length between the anchors that the aligner cannot change: reference
+ 0, + one unit (anti), - one unit (-a). Those reads are counted per state (``homology_evidence``), with each
reference read weighted by how much more (or less) read a chromosome with the rearrangement needs to span
(computed from the sample's read lengths), and go through the same fraction and zygosity rules as jumps. A row
is only ruled out when the reference reads are worth MIN_SPAN / 2 reads of its length per chromosome it could
hide on; one read showing it blocks "absent" (too few to call it, too many to rule it out).

Zygosity comes from *reference reads*: reads with one continuous segment over a breakpoint with
ANCHOR bp on both sides (deletions: either breakpoint; duplications: the whole unit). A deletion
seen with reference reads is on one chromosome, without them on every chromosome present there
(a -a3.7 nested in a --SEA on the other chromosome is therefore hemizygous, not homozygous). This
also holds for amplicon long reads (long-range PCR), where depth is no copy-number signal at all.

``log_likelihood_ratio`` (genotype and each deletion) is a read count, not a model fit: log10(2) per read
that decides (supporting + reference reads of the weakest event), the odds one read gives under a
one-chromosome-in-two sampling. Events carried by fewer than MIN_EVENT_FRACTION of the reads across them
are listed in ``junctions`` with ``called: false``; a catalog event among them refuses the cluster.

Amplicon mode (``assay="amplicon"``: long-range PCR products, one read per product, e.g.
config/lr_amplicons.yaml). Read counts per product are PCR efficiency, not copies, so: no fraction tests
(MIN_EVENT_FRACTION, HET_MIN_FRACTION) and no read-length weighting; an event is heterozygous when at least
HET_MIN_REF reads of a normal-allele product (reference reads) are seen, homozygous (on every chromosome still
present there) when at most one is, and every such call carries an allele-dropout caveat (a normal product
lost to a primer-site variant looks the same). A catalog row counts as assessed only where the design has a
product that would carry its junction (``design_carries``): the absence of a gap product means nothing where no
gap product could exist. Rows no product carries are listed as not assessable ("not covered by the amplicon
design"); an alpha0/beta0 row among them refuses its cluster, as a row without reads does in WGS.

The output is the cn.json shape of ``thalgen.structural.cn_document`` (loads with ``load_cn_json``),
so ``thalgen call --copy-number`` and ``thalgen report`` work unchanged, plus a ``phase`` section (thalgen.phase):
heterozygous small variants and deletions linked into haplotype blocks by the reads that carry them.
"""

from __future__ import annotations

import collections
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pysam

from thalgen import __version__
from thalgen.catalog import CatalogDeletion, load_deletions
from thalgen.errors import InputError
from thalgen.genes import genes
from thalgen.locus import LocusReference
from thalgen.model import ClusterGenotype, DeletionCall
from thalgen.phase import observe_variants, phase, variant_items
from thalgen.structural import CHROM_OF, HOMOLOGY_BOX, HYBRID_ALLELES, NORMAL, REPORT_GENES

HOMOLOGY_STATES = {"-a3.7": ("Z", "deletion"), "aaa_anti3.7": ("Z", "duplication"),
                   "-a4.2": ("X", "deletion"), "aaa_anti4.2": ("X", "duplication")}
MIN_JUMP = 500  # bp: smaller gaps are small indels, the small-variant caller's business
ANCHOR = 1000  # bp a read must reach beyond a breakpoint (more than the 513-bp identical Z stretch)
MIN_MAPQ = 20
CLUSTER_TOL = 600  # jumps whose ends lie this close belong to one event (homology boxes blur them)
LENGTH_TOL = 300
MATCH_SLACK = 300
UNIT_TOL = 100  # jump length vs homology unit length
BOX_MARGIN = 1500  # homology events: crossover within the identical stretch +- this
MIN_SUPPORT = 3  # reads carrying a jump for an event to be called
MIN_SPAN = 5  # reads over a catalog breakpoint in either state for it to count as assessed
#: A germline event is on one of two chromosomes (~1/2 of the reads across it); fewer than this is not.
MIN_EVENT_FRACTION = 0.25
HET_MIN_REF = 2
HET_MIN_FRACTION = 0.15
HOM_MAX_FRACTION = 0.05
MIN_PIECE = 1000  # bp: shorter pieces at a read end carry no jump
MAX_EXTRA_DIVERGENCE = 0.015  # NM/base above the read's best-matching piece: a misplaced piece
MIN_CLIP = 500  # unexplained soft clips this long, clustered, make a cluster not assessable
BIN = 500
WHOLE_SPAN_MAX = 10_000  # bp: events up to this size are judged over their whole span
SPAN_TOL = 200  # bp: anchor-to-anchor length change vs a state (under half the 453-bp Z/X difference)
HOM_K = 20  # k-mer for mapping the extent of the homology between the two units
HOM_GAP = 500  # bp: homologous k-mers this close belong to one stretch


# ---- reads as paths through the reference -----------------------------------------------------
@dataclass(frozen=True)
class Segment:
    """A continuous stretch of one read's alignment (no gap >= MIN_JUMP inside)."""

    chrom: str
    start0: int
    end0: int
    q_start: int  # on the read as sequenced
    q_end: int
    reverse: bool
    divergence: float = 0.0  # NM per aligned base of the record it came from


@dataclass(frozen=True)
class Jump:
    """Where a read leaves the reference and resumes: deletion [left0, right0) or duplication [left0, right0)."""

    read: str
    chrom: str
    kind: str  # deletion / duplication
    left0: int
    right0: int
    via: str  # split / gap / insertion

    @property
    def length(self) -> int:
        return self.right0 - self.left0


@dataclass
class ReadPath:
    name: str
    segments: list[Segment]
    jumps: list[Jump]
    clips: list[tuple[str, int, str]]  # unexplained long clips: (chrom, pos0, side)
    #: per homology region (box name): read bases between its two anchors minus reference bases (see ``span_delta``)
    spans: dict[str, int] = field(default_factory=dict)
    length: int = 0  # read length (bases as sequenced)


def _record_segments(rec: pysam.AlignedSegment) -> tuple[list[Segment], list[tuple[int, int]], int, int]:
    """Split one record at long D/N gaps; also return long insertions (ref pos0, length) and the
    left/right clip lengths."""
    ops = rec.cigartuples or []
    total = sum(n for op, n in ops if op in (0, 1, 4, 5, 7, 8))
    lead = 0
    for op, n in ops:
        if op in (4, 5):
            lead += n
        else:
            break
    trail = 0
    for op, n in reversed(ops):
        if op in (4, 5):
            trail += n
        else:
            break
    segs: list[Segment] = []
    inserts: list[tuple[int, int]] = []
    rpos, qpos = rec.reference_start, lead
    s_ref, s_q = rpos, qpos
    chrom = rec.reference_name
    rev = rec.is_reverse

    aligned = max(1, sum(n for op, n in ops if op in (0, 1, 7, 8)))
    divergence = (rec.get_tag("NM") if rec.has_tag("NM") else 0) / aligned

    def seg(r0: int, r1: int, q0: int, q1: int) -> Segment:
        if rev:  # stored query is the reverse complement: map back to the read as sequenced
            q0, q1 = total - q1, total - q0
        return Segment(chrom, r0, r1, q0, q1, rev, divergence)

    for op, n in ops:
        if op in (0, 7, 8):
            rpos += n
            qpos += n
        elif op == 1:
            if n >= MIN_JUMP:
                inserts.append((rpos, n))
            qpos += n
        elif op in (2, 3):
            if n >= MIN_JUMP:
                segs.append(seg(s_ref, rpos, s_q, qpos))
                s_ref, s_q = rpos + n, qpos
            rpos += n
    segs.append(seg(s_ref, rpos, s_q, qpos))
    return segs, inserts, lead, trail  # clips in reference orientation (CIGAR order)


# ---- homology regions: reads anchored in unique sequence on both sides -------------------------
@dataclass(frozen=True)
class HomologyRegion:
    """Both copies of one duplication unit (Z or X) and what lies between: where reads align ambiguously.

    A read reaching ANCHOR bp of unique sequence beyond both ends has a length between them that does
    not depend on how the aligner placed its middle: reference + 0, + one unit (anti), - one unit (-a)."""

    box: str  # Z / X
    chrom: str
    start0: int  # first base of the left unit's homology
    end0: int  # end of the right unit's homology
    unit: int  # unit length (the box offset)

    def units(self) -> list[tuple[str, int, int]]:
        """The two homologous stretches (chrom, start0, end0): left unit's and its copy one unit on."""
        return [(self.chrom, self.start0, self.end0 - self.unit), (self.chrom, self.start0 + self.unit, self.end0)]


_REGION_CACHE: dict[Any, dict[str, HomologyRegion]] = {}


def homology_regions(ref: LocusReference) -> dict[str, HomologyRegion]:
    """Z and X regions of the reference ({} without the alpha units): every HOM_K-mer of the left unit
    that recurs one unit (+- LENGTH_TOL) to the right, chained over gaps < HOM_GAP around the identical
    stretch. On GRCh38: Z chr16:171843-177510, X chr16:169447-174843."""
    from thalgen.simulate import homology_boxes

    try:
        boxes = homology_boxes(ref)
    except KeyError:
        return {}
    chrom = genes()["HBA2"].chrom
    sl = ref.slice(chrom)
    key = (sl.md5, str(sl.interval))
    if key in _REGION_CACHE:
        return _REGION_CACHE[key]
    seq, off = sl.sequence, sl.interval.start0
    out = {}
    for name, box in boxes.items():
        lo = max(off, box.stretch_start0 - 2 * box.offset)
        hi = min(off + len(seq) - box.offset - LENGTH_TOL - HOM_K, box.stretch_end0 + box.offset)
        index: dict[str, list[int]] = collections.defaultdict(list)
        for p in range(lo - off, hi + box.offset + LENGTH_TOL - off):
            index[seq[p : p + HOM_K]].append(p + off)
        hits = [p for p in range(lo, hi)
                if any(abs(q - p - box.offset) <= LENGTH_TOL for q in index.get(seq[p - off : p - off + HOM_K], ()))]
        runs: list[list[int]] = []
        for p in hits:
            if runs and p - runs[-1][1] <= HOM_GAP:
                runs[-1][1] = p
            else:
                runs.append([p, p])
        run = next((r for r in runs if r[0] <= box.stretch_start0 < box.stretch_end0 <= r[1] + HOM_K), None)
        if run is None:
            continue
        out[name] = HomologyRegion(name, chrom, run[0], run[1] + box.offset + HOM_K, box.offset)
    _REGION_CACHE[key] = out
    return out


ENVELOPE = "XZ"  # spans key: both units' regions together


def envelope(regions: dict[str, HomologyRegion]) -> HomologyRegion:
    """The X and Z regions together: a read spanning it shows any length change inside the homology."""
    first = next(iter(regions.values()))
    return HomologyRegion(ENVELOPE, first.chrom, min(r.start0 for r in regions.values()),
                          max(r.end0 for r in regions.values()), 0)


def _divergence(rec: pysam.AlignedSegment) -> float:
    aligned = max(1, sum(n for op, n in rec.cigartuples or [] if op in (0, 1, 7, 8)))
    return (rec.get_tag("NM") if rec.has_tag("NM") else 0) / aligned


def _aligned_in(rec: pysam.AlignedSegment, a0: int, b0: int) -> tuple[int, tuple[int, int] | None, tuple[int, int] | None]:
    """Reference bases of [a0, b0) the record aligns (M/=/X), and its first and last aligned (ref pos0, query
    index in the stored read, clips included) there."""
    rpos, q = rec.reference_start, 0
    n, first, last = 0, None, None
    for op, k in rec.cigartuples or []:
        if op in (0, 7, 8):
            lo, hi = max(rpos, a0), min(rpos + k, b0)
            if lo < hi:
                n += hi - lo
                first = first or (lo, q + lo - rpos)
                last = (hi - 1, q + hi - 1 - rpos)
            rpos += k
            q += k
        elif op in (1, 4, 5):
            q += k
        elif op in (2, 3):
            rpos += k
        if rpos >= b0:
            break
    return n, first, last


def span_delta(recs: list[pysam.AlignedSegment], region: HomologyRegion) -> int | None:
    """Read bases between the region's two anchors minus reference bases, or None when the read is not
    anchored on both sides.

    Anchored left: one record aligns at least half of the ANCHOR bp before the region and reaches ANCHOR bp
    before it; the anchor point is its last aligned base there (so a deletion or an unaligned simple repeat
    next to the region does not move it). Right likewise. Both records on one strand; reverse records count in
    the stored (reverse-complement) frame, where the anchors keep their reference order. With an anchor present
    twice (another unit's copy of it) the outer pair is taken: the read's whole length change. Records much
    less similar to the reference than the read's best are misplaced pieces and anchor nothing."""
    recs = [r for r in recs if r.reference_name == region.chrom]
    if not recs:
        return None
    best_div = min(_divergence(r) for r in recs)
    recs = [r for r in recs if _divergence(r) <= best_div + MAX_EXTRA_DIVERGENCE]
    best: int | None = None
    for reverse in (False, True):
        lefts, rights = [], []
        for r in recs:
            if r.is_reverse != reverse:
                continue
            if r.reference_start <= region.start0 - ANCHOR:
                n, _first, last = _aligned_in(r, region.start0 - ANCHOR, region.start0)
                if n >= ANCHOR // 2 and last is not None:
                    lefts.append((last[1], last[0]))
            if (r.reference_end or 0) >= region.end0 + ANCHOR:
                n, first, _last = _aligned_in(r, region.end0, region.end0 + ANCHOR)
                if n >= ANCHOR // 2 and first is not None:
                    rights.append((first[1], first[0]))
        if not lefts or not rights:
            continue
        (ql, pl), (qr, pr) = min(lefts), max(rights)
        if qr > ql:
            delta = (qr - ql) - (pr - pl)
            if best is None or abs(delta) < abs(best):
                best = delta
    return best


def span_state(delta: int, regions: dict[str, HomologyRegion]) -> str:
    """The arrangement a length change fits: "reference", a homology row name, or "other"."""
    states = {"reference": 0}
    for name, (box, kind) in HOMOLOGY_STATES.items():
        if box in regions:
            states[name] = regions[box].unit * (1 if kind == "duplication" else -1)
    name, length = min(states.items(), key=lambda kv: abs(delta - kv[1]))
    return name if abs(delta - length) <= SPAN_TOL else "other"


def read_paths(bam_path: str | Path, ref: LocusReference) -> dict[str, ReadPath]:
    """Every mapped read's segments and jumps (primary + supplementary, MAPQ >= MIN_MAPQ)."""
    records: dict[str, list[pysam.AlignedSegment]] = collections.defaultdict(list)
    try:
        bam = pysam.AlignmentFile(str(bam_path), "rb")
    except (OSError, ValueError) as exc:
        raise InputError(bam_path, f"cannot read BAM ({exc})") from None
    with bam:
        for chrom in sorted(ref.slices):
            if chrom not in bam.references:
                continue
            iv = ref.slice(chrom).interval
            for rec in bam.fetch(chrom, iv.start0, iv.end0):
                if rec.is_unmapped or rec.is_secondary or rec.is_qcfail or rec.is_duplicate:
                    continue
                if rec.mapping_quality < MIN_MAPQ:
                    continue
                records[rec.query_name].append(rec)
    regions = homology_regions(ref)
    return {name: _path(name, recs, ref, regions) for name, recs in records.items()}


TANDEM_PROBE = 300  # bp of a clip compared with the next copy of a homology unit
TANDEM_K = 15
TANDEM_MIN_SHARED = 0.2  # of the probe's k-mers (ONT at 5 % error keeps ~45 % of 15-mers; unrelated sequence ~0)


def _tandem_clip(rec: pysam.AlignedSegment, side: str, ref: LocusReference, regions: dict[str, HomologyRegion]) -> bool:
    """A soft clip at the edge of a homology region that continues as the next copy of the unit: the read ran
    from one copy of a tandem unit into another (an extra unit, or the aligner extending one copy through the
    homology) and the rest found no unique place. Not a loose end: the spanning reads decide that region."""
    ops = rec.cigartuples or []
    seq = rec.query_sequence
    if not ops or seq is None:
        return False
    op, n = ops[0] if side == "left" else ops[-1]
    if op != 4:
        return False
    pos0 = rec.reference_start if side == "left" else (rec.reference_end or 0)
    probe = seq[max(0, n - TANDEM_PROBE):n] if side == "left" else seq[len(seq) - n:len(seq) - n + TANDEM_PROBE]
    for r in regions.values():
        if r.chrom != rec.reference_name or not r.start0 - ANCHOR <= pos0 <= r.end0 + ANCHOR:
            continue
        probe_k = [probe[i : i + TANDEM_K].upper() for i in range(len(probe) - TANDEM_K + 1)]
        for at in (pos0 - r.unit, pos0 + r.unit):  # the same edge of the other copy (either way round)
            w0, w1 = (at - 2 * TANDEM_PROBE, at + TANDEM_PROBE) if side == "left" else (at - TANDEM_PROBE, at + 2 * TANDEM_PROBE)
            if not probe_k or not ref.covers(r.chrom, w0, w1):
                continue
            sl = ref.slice(r.chrom)
            window = sl.sequence[w0 - sl.interval.start0 : w1 - sl.interval.start0].upper()
            kmers = {window[i : i + TANDEM_K] for i in range(len(window) - TANDEM_K + 1)}
            if sum(k in kmers for k in probe_k) >= TANDEM_MIN_SHARED * len(probe_k):
                return True
    return False


def _path(name: str, recs: list[pysam.AlignedSegment], ref: LocusReference,
          regions: dict[str, HomologyRegion] | None = None) -> ReadPath:
    primary = next((r for r in recs if not r.is_supplementary), recs[0])
    pieces: list[Segment] = []
    jumps: list[Jump] = []
    clips: list[tuple[str, int, str]] = []
    for rec in recs:
        segs, inserts, lclip, rclip = _record_segments(rec)
        pieces.extend(segs)
        for pos0, n in inserts:
            jumps.append(Jump(name, rec.reference_name, "duplication", pos0, pos0 + n, "insertion"))
        if rec.is_reverse == primary.is_reverse:
            if lclip >= MIN_CLIP and not _tandem_clip(rec, "left", ref, regions or {}):
                clips.append((rec.reference_name, rec.reference_start, "left"))
            if rclip >= MIN_CLIP and not _tandem_clip(rec, "right", ref, regions or {}):
                clips.append((rec.reference_name, rec.reference_end, "right"))
    # order along the read in the primary's reference direction
    same = sorted((s for s in pieces if s.reverse == primary.is_reverse), key=lambda s: s.q_start,
                  reverse=primary.is_reverse)
    # a long clip explained by another piece of the same read (kept or not) is not a loose end
    explained = set()
    for a, b in zip(same, same[1:]):
        explained.add((a.chrom, a.end0, "right"))
        explained.add((b.chrom, b.start0, "left"))
    # a piece much less similar to the reference than the read's best is misplaced (often on the paralog:
    # HBA2/HBA1, HBG2/HBG1); it makes no jump
    if same:
        best = min(s.divergence for s in same)
        same = [s for s in same if s.divergence <= best + MAX_EXTRA_DIVERGENCE]
    # a short piece at a read end is often the paralog's copy too; so is one inside a homology unit
    units = [u for r in (regions or {}).values() for u in r.units()]

    def unsure(seg: Segment) -> bool:
        return seg.end0 - seg.start0 < MIN_PIECE or any(
            c == seg.chrom and a - UNIT_TOL <= seg.start0 and seg.end0 <= b + UNIT_TOL for c, a, b in units)

    while len(same) > 1 and unsure(same[0]):
        same.pop(0)
    while len(same) > 1 and unsure(same[-1]):
        same.pop()
    pieces = same + [s for s in pieces if s.reverse != primary.is_reverse]
    for a, b in zip(same, same[1:]):
        if a.chrom != b.chrom:
            continue
        # read bases both pieces claim (each aligner extension runs into the homology past the junction)
        overlap = max(0, (a.q_end - b.q_start) if not primary.is_reverse else (b.q_end - a.q_start))
        if b.start0 - a.end0 + overlap >= MIN_JUMP:
            via = "gap" if any(r.reference_start <= a.start0 and b.end0 <= r.reference_end for r in recs) else "split"
            jumps.append(Jump(name, a.chrom, "deletion", a.end0 - overlap, b.start0, via))
        elif a.end0 - b.start0 - overlap >= MIN_JUMP:
            jumps.append(Jump(name, a.chrom, "duplication", b.start0 + overlap, a.end0, "split"))
    loose = []
    for c in clips:
        if c in explained:
            continue
        iv = ref.slice(c[0]).interval
        if iv.start0 + 1000 <= c[1] <= iv.end0 - 1000:
            loose.append(c)
    spans = {}
    for box, region in (regions or {}).items():
        delta = span_delta(recs, region)
        if delta is not None:
            spans[box] = delta
    if regions:
        delta = span_delta(recs, envelope(regions))
        if delta is not None:
            spans[ENVELOPE] = delta
    return ReadPath(name, sorted(pieces, key=lambda s: (s.chrom, s.start0)), jumps, loose, spans,
                    primary.infer_read_length() or 0)


@dataclass
class HomologyEvidence:
    """What the reads spanning one homology region say about one homology row (-a3.7, aaa_anti3.7, ...)."""

    name: str
    region: HomologyRegion
    delta: int  # the row's length change: -unit (deletion) or +unit (duplication)
    support: list[str]  # spanning the row's region with its length change
    reference: list[str]  # spanning it otherwise, or showing another homology row elsewhere
    reference_depth: float  # reference reads as reads of the row's length (see ``_overreach``)
    unchanged_depth: float  # the same for the reads of reference length only (chromosomes it could hide on)
    elsewhere: list[str]  # showing the row's length change only across the other region
    spanning: int  # reads spanning the row's region in any state (other lengths too)
    other: list[str]  # spanning the row's region with a length change that fits no row


# ---- amplicon designs -------------------------------------------------------------------------
#: The repository's alpha long-range PCR design, used when ``--assay amplicon`` is given without ``--design``.
DEFAULT_DESIGN = Path(__file__).resolve().parents[1] / "config" / "lr_amplicons.yaml"
AMPLICON_DEPTH_NOTE = "not used: amplicon reads are whole PCR products, their number is PCR efficiency"
DROPOUT_CAVEAT = ("{name} is called on {where} because no normal-allele product was seen there ({n} read(s)): allele "
                  "dropout (a variant under a primer of the normal-allele product) would look the same; confirm with "
                  "another primer pair or by testing the parents")


def load_design(path: str | Path) -> list[tuple[str, int, int]]:
    """The products of a primer design YAML (``thalgen.simulate.load_amplicon_design``): (chrom, start0, end0)."""
    from thalgen.simulate import load_amplicon_design

    return [(r.interval.chrom, r.interval.start0, r.interval.end0) for r in load_amplicon_design(path)]


def design_carries(design: list[tuple[str, int, int]], chrom: str, lo0: int, hi0: int, change: int) -> bool:
    """Some product's primers lie ANCHOR bp outside [lo0, hi0) and the rearranged chromosome's product (reference
    length + change: -size for a deletion, +unit for a duplication) is short enough to amplify (MAX_AMPLICON)."""
    from thalgen.simulate import MAX_AMPLICON

    return any(c == chrom and s0 <= lo0 - ANCHOR and e0 >= hi0 + ANCHOR and 0 < e0 - s0 + change <= MAX_AMPLICON
               for c, s0, e0 in design)


def _overreach(lengths: np.ndarray, width: int) -> float:
    """Sum of (read length - width) over reads longer than width: proportional to how many reads of a
    chromosome span a stretch that long there (uniformly placed reads)."""
    return float(np.clip(lengths - width, 0, None).sum())


def homology_evidence(name: str, paths: dict[str, ReadPath], regions: dict[str, HomologyRegion],
                      weighted: bool = True) -> HomologyEvidence:
    """Count the spanning reads of the row's region by state.

    Reads from a chromosome with the row need a stretch of (region + 2 ANCHOR + its length change) to span,
    reference reads (region + 2 ANCHOR): a duplication's chromosome gives fewer spanning reads than a
    reference chromosome, a deletion's more. Each reference read is weighted by that ratio, computed from the
    sample's own read lengths, so that supporting / (supporting + reference_depth) is ~1/2 for one chromosome
    in two whatever the length change. Amplicon reads are whole products (``weighted=False``): every read counts 1."""
    box, kind = HOMOLOGY_STATES[name]
    region = regions[box]
    delta = region.unit * (1 if kind == "duplication" else -1)
    deltas = {"reference": 0} | {n: regions[b].unit * (1 if k == "duplication" else -1)
                                 for n, (b, k) in HOMOLOGY_STATES.items() if b in regions}
    lengths = np.array([p.length for p in paths.values()], dtype=np.int64)
    width = {b: r.end0 - r.start0 + 2 * ANCHOR for b, r in regions.items()}

    def weight(b: str, state: str) -> float:
        if not weighted:
            return 1.0
        seen = _overreach(lengths, width[b] + deltas[state])
        return _overreach(lengths, width[box] + delta) / seen if seen > 0 else 1.0

    support, reference, elsewhere, other = [], [], [], []
    depth = unchanged = 0.0
    spanning = 0
    for n, p in sorted(paths.items()):
        states = {b: span_state(d, regions) for b, d in p.spans.items() if b in regions}
        if box in states:
            spanning += 1
        if states.get(box) == name:
            support.append(n)
        elif name in states.values():
            elsewhere.append(n)
        elif states.get(box) == "other":
            other.append(n)
        elif box in states:
            reference.append(n)
            depth += weight(box, states[box])
            unchanged += weight(box, "reference") if states[box] == "reference" else 0.0
        else:
            shown = sorted((b, st) for b, st in states.items() if st in HOMOLOGY_STATES)
            if shown:  # another homology rearrangement, across the other region: its chromosome has not this one
                reference.append(n)
                depth += weight(*shown[0])
    return HomologyEvidence(name, region, delta, support, reference, round(depth, 2), round(unchanged, 2), elsewhere,
                            spanning, other)


# ---- events -----------------------------------------------------------------------------------
@dataclass
class Event:
    """Jumps of several reads that describe one rearrangement, with its catalog name (or novel)."""

    cluster: str
    chrom: str
    kind: str
    left0: int  # median over supporting reads
    right0: int
    reads: list[str]
    name: str = ""
    catalog: CatalogDeletion | None = None
    reference_reads: list[str] = field(default_factory=list)
    reference_depth: float = 0.0  # see reference_depth()
    copies: int = 0
    haplotypes: list[int] = field(default_factory=list)
    problem: str = ""  # why this (uncalled) event refuses the cluster, when the generic reason does not fit
    refuses: bool = True  # an uncalled catalog event makes the cluster not assessable

    @property
    def support(self) -> int:
        return len(self.reads)

    @property
    def length(self) -> int:
        return self.right0 - self.left0


def cluster_jumps(jumps: list[Jump]) -> list[tuple[str, str, list[Jump]]]:
    """Single-linkage along the reference: same kind, left end within CLUSTER_TOL of the group's last jump,
    length within LENGTH_TOL of the group's first. ONT errors spread one homology event's gap over ~1 kb."""
    groups: list[tuple[str, str, list[Jump]]] = []
    for j in sorted(jumps, key=lambda j: (j.chrom, j.kind, j.left0, j.right0)):
        for chrom, kind, members in groups:
            if ((chrom, kind) == (j.chrom, j.kind) and abs(members[-1].left0 - j.left0) <= CLUSTER_TOL
                    and abs(members[0].length - j.length) <= LENGTH_TOL):
                members.append(j)
                break
        else:
            groups.append((j.chrom, j.kind, [j]))
    return groups


def _homology_fits(d: CatalogDeletion, chrom: str, kind: str, left0: int, right0: int, boxes: dict) -> bool:
    box = boxes.get(HOMOLOGY_BOX[d.name])
    if box is None or chrom != d.chrom or kind != d.kind:
        return False
    if abs((right0 - left0) - box.offset) > UNIT_TOL:
        return False
    near_box = box.stretch_start0 - BOX_MARGIN <= left0 <= box.stretch_end0 + BOX_MARGIN
    if kind == "duplication":  # an extra unit written as an insertion may sit at any phase of the unit
        near_box = box.stretch_start0 - BOX_MARGIN <= left0 <= box.stretch_end0 + box.offset + BOX_MARGIN
    near_row = d.start1 is not None and abs(left0 - (d.start1 - 1)) <= d.uncertainty_bp + MATCH_SLACK
    return near_box or near_row


def _simple_fits(d: CatalogDeletion, chrom: str, kind: str, left0: int, right0: int) -> bool:
    if d.start1 is None or d.end1 is None or chrom != d.chrom or kind != d.kind:
        return False
    tol = d.uncertainty_bp + MATCH_SLACK
    return abs(left0 - (d.start1 - 1)) <= tol and abs(right0 - d.end1) <= tol


def name_event(chrom: str, kind: str, left0: int, right0: int, catalog: list[CatalogDeletion],
               boxes: dict) -> CatalogDeletion | None:
    """The catalog row this event is (nearest breakpoints when rows overlap), or None (novel)."""
    fits = [d for d in catalog if d.name in HOMOLOGY_BOX and _homology_fits(d, chrom, kind, left0, right0, boxes)]
    if fits:
        return fits[0]
    fits = [d for d in catalog if d.name not in HOMOLOGY_BOX and _simple_fits(d, chrom, kind, left0, right0)]
    if not fits:
        return None
    return min(fits, key=lambda d: abs(left0 - (d.start1 - 1)) + abs(right0 - d.end1))


def _novel_name(cluster: str, kind: str, chrom: str, left0: int, right0: int) -> str:
    """Same spelling as the short-read caller (``novel:del:chr16:S-E genes=N``; interpret reads N)."""
    desc = f"{'del' if kind == 'deletion' else 'dup'}:{chrom}:{left0 + 1}-{right0}"
    if cluster != "alpha":
        return f"novel:{desc}"
    n = 0
    for g in ("HBA2", "HBA1"):
        gene = genes()[g]
        overlaps = gene.start1 - 1 < right0 and left0 < gene.end1
        inside = left0 <= gene.start1 - 1 and gene.end1 <= right0
        n += (0 if overlaps else 1) if kind == "deletion" else (2 if inside else 1)
    return f"novel:{desc} genes={n}"


def _whole_span(kind: str, left0: int, right0: int) -> bool:
    """Judge the whole interval (duplications, homology-sized and short deletions) rather than each breakpoint:
    inside a homology box a read may align across one breakpoint without the jump, never across both."""
    return kind == "duplication" or right0 - left0 <= WHOLE_SPAN_MAX


def reference_reads(paths: dict[str, ReadPath], chrom: str, kind: str, left0: int, right0: int,
                    supporters: set[str]) -> list[str]:
    """Reads from a chromosome without the event: they reach across where it would be (see ``traversing``)
    and do not carry its jump. A read of another rearrangement nearby counts too: its chromosome has not this one.
    For a duplication the read must align in one piece over the unit and its flanks: a read of the duplicated
    chromosome whose extra unit the aligner placed elsewhere (the paralog) would otherwise pass as reference."""
    if kind == "duplication":
        a, b = left0 - ANCHOR, right0 + ANCHOR
        return [p.name for p in paths.values() if p.name not in supporters
                and any(s.chrom == chrom and s.start0 <= a and b <= s.end0 for s in p.segments)
                and not any(j.kind == "duplication" and j.chrom == chrom and a <= j.left0 < b for j in p.jumps)]
    return [r for r in traversing(paths, chrom, kind, left0, right0) if r not in supporters]


def reference_depth(paths: dict[str, ReadPath], chrom: str, kind: str, left0: int, right0: int,
                    supporters: set[str]) -> float:
    """Reference reads per place a supporting read is counted (the mean over both breakpoints when they are
    judged apart), so that supporting / (supporting + this) is ~1/2 for an event on one chromosome."""
    if _whole_span(kind, left0, right0):
        return float(len(reference_reads(paths, chrom, kind, left0, right0, supporters)))
    a = [r for r in traversing(paths, chrom, kind, left0, left0) if r not in supporters]
    b = [r for r in traversing(paths, chrom, kind, right0, right0) if r not in supporters]
    return (len(a) + len(b)) / 2


def traversing(paths: dict[str, ReadPath], chrom: str, kind: str, left0: int, right0: int) -> list[str]:
    """Reads whose path reaches from before to after the interval (or a breakpoint), in any arrangement:
    the reads that would show the event if it were there."""

    def over(a: int, b: int) -> set[str]:
        out = set()
        for p in paths.values():
            segs = [s for s in p.segments if s.chrom == chrom]
            if segs and min(s.start0 for s in segs) <= a and max(s.end0 for s in segs) >= b:
                out.add(p.name)
        return out

    if _whole_span(kind, left0, right0):
        return sorted(over(left0 - ANCHOR, right0 + ANCHOR))  # a homology box cannot fake both ends
    return sorted(over(left0 - ANCHOR, left0 + ANCHOR) | over(right0 - ANCHOR, right0 + ANCHOR))


# ---- genotype ---------------------------------------------------------------------------------
@dataclass
class LongReadCluster:
    genotype: ClusterGenotype
    events: list[Event]
    deletions: list[DeletionCall]
    runs: list[tuple[int, int, int]]  # (start0, end0, copies) where the called pair differs from 2
    gene_copies: dict[str, dict[str, Any]]
    not_assessable: list[dict[str, str]]
    incompletely_assessed: list[str]
    minor: list[Event] = field(default_factory=list)  # jump clusters too rare for a chromosome (not called)
    caveats: list[str] = field(default_factory=list)  # for the cn.json (report notes)


def _fails(cluster: str, reason: str, na: list, inc: list, events: list[Event],
           minor: list[Event] | None = None) -> LongReadCluster:
    return LongReadCluster(ClusterGenotype(cluster, None, False, reason), events, [], [], {}, na, inc, minor or [])


def call_cluster(cluster: str, ref: LocusReference, paths: dict[str, ReadPath],
                 catalog: list[CatalogDeletion] | None = None,
                 design: list[tuple[str, int, int]] | None = None) -> LongReadCluster:
    """Events from the reads, named, genotyped and placed on two chromosomes.

    Homology rows (-a3.7, -a4.2 and their anti- triplications) are decided by the reads spanning their
    homology region (``homology_evidence``), not by jumps: the extra or missing unit's reads align in many
    ways inside the homology, but a read anchored in unique sequence on both sides has the length it has.
    Jumps only place the crossover. With a ``design`` (amplicon reads) see the module docstring."""
    amplicon = design is not None
    chrom = CHROM_OF[cluster]
    catalog = [d for d in (catalog if catalog is not None else load_deletions()) if d.cluster == cluster]
    boxes: dict = {}
    regions: dict[str, HomologyRegion] = {}
    if cluster == "alpha":
        try:
            from thalgen.simulate import homology_boxes

            boxes = homology_boxes(ref)
        except KeyError:
            boxes = {}
        regions = homology_regions(ref)
    not_assessable: list[dict[str, str]] = []
    incompletely: list[str] = []
    if not ref.has(chrom):
        return _fails(cluster, f"the locus reference has no {chrom} slice", [], [], [])
    iv = ref.slice(chrom).interval
    my_paths = {n: p for n, p in paths.items() if any(s.chrom == chrom for s in p.segments)}
    named: dict[tuple[str, str, str], tuple[CatalogDeletion | None, list[Jump]]] = {}
    for ch, kind, members in cluster_jumps([j for p in my_paths.values() for j in p.jumps if j.chrom == chrom]):
        left0 = int(np.median([j.left0 for j in members]))
        right0 = int(np.median([j.right0 for j in members]))
        row = name_event(ch, kind, left0, right0, catalog, boxes)
        # groups the catalog names alike are one event (a homology gap placed anywhere in the box)
        key = (ch, kind, row.name if row is not None else f"{left0}-{right0}")
        named[key] = (row, named.get(key, (row, []))[1] + members)
    by_spanning = {d.name for d in catalog if d.name in HOMOLOGY_STATES and HOMOLOGY_STATES[d.name][0] in regions
                   and d.start1 is not None and iv.start0 <= d.start1 - 1 and d.end1 <= iv.end0}
    uncovered: list[str] = []  # catalog rows no product of the design would carry
    if amplicon:
        for name in sorted(by_spanning):
            r = regions[HOMOLOGY_STATES[name][0]]
            change = r.unit * (1 if HOMOLOGY_STATES[name][1] == "duplication" else -1)
            if not design_carries(design, r.chrom, r.start0, r.end0, change):
                uncovered.append(name)
        by_spanning -= set(uncovered)
    events: list[Event] = []
    minor: list[Event] = []
    homology_jumps: dict[str, list[Jump]] = {}
    for (ch, kind, _), (row, members) in named.items():
        if row is not None and row.name in by_spanning:
            homology_jumps[row.name] = members
            continue
        reads = sorted({j.read for j in members})
        if len(reads) < MIN_SUPPORT:
            continue
        placed = [j for j in members if j.via != "insertion"] or members
        left0 = int(np.median([j.left0 for j in placed]))
        right0 = int(np.median([j.right0 for j in placed]))
        if row is not None and row.name in HOMOLOGY_BOX and HOMOLOGY_BOX[row.name] in boxes:
            left0, right0 = _crossover(boxes[HOMOLOGY_BOX[row.name]], members)
        name = row.name if row is not None else _novel_name(cluster, kind, ch, left0, right0)
        ev = Event(cluster, ch, kind, left0, right0, reads, name, row)
        w0, w1 = left0, right0
        if row is not None and row.name in HOMOLOGY_BOX and HOMOLOGY_BOX[row.name] in boxes:
            box = boxes[HOMOLOGY_BOX[row.name]]  # judge over every place the crossover could be
            w0, w1 = box.stretch_start0, box.stretch_end0 + box.offset
        ev.reference_reads = reference_reads(my_paths, ch, kind, w0, w1, set(reads))
        ev.reference_depth = reference_depth(my_paths, ch, kind, w0, w1, set(reads))
        if not amplicon and len(reads) < MIN_EVENT_FRACTION * (len(reads) + ev.reference_depth):
            minor.append(ev)  # too few for a chromosome: paralog misplacement, or a mosaic; listed, not called
            continue
        if row is None and regions:
            verdict = _inside_homology(ev, my_paths, regions)
            if verdict == "artefact":
                ev.refuses = False
                minor.append(ev)
                continue
            if verdict:
                return _fails(cluster, verdict, not_assessable, [], events, minor + [ev])
        events.append(ev)
    # homology rows: from the reads spanning their region
    assessed: dict[str, float] = {}
    evidence: dict[str, HomologyEvidence] = {}
    for d in catalog:
        if d.name not in by_spanning:
            continue
        ev_span = homology_evidence(d.name, my_paths, regions, weighted=not amplicon)
        evidence[d.name] = ev_span
        box, kind = HOMOLOGY_STATES[d.name]
        jumps = homology_jumps.get(d.name, [])
        left0, right0 = _crossover(boxes[box], [j for j in jumps if j.read in set(ev_span.support)] or jumps)
        ev = Event(cluster, chrom, kind, left0, right0, ev_span.support, d.name, d, ev_span.reference,
                   ev_span.reference_depth)
        n_alt = len(ev_span.support)
        assessed[d.name] = n_alt + ev_span.reference_depth
        region_text = f"{chrom}:{ev_span.region.start0 + 1}-{ev_span.region.end0}"
        if n_alt >= MIN_SUPPORT and (amplicon or n_alt >= MIN_EVENT_FRACTION * (n_alt + ev_span.reference_depth)):
            events.append(ev)
            continue
        shown = n_alt + len(ev_span.elsewhere)
        if shown:
            ev.reads = sorted(set(ev_span.support) | set(ev_span.elsewhere))
            across = f"{n_alt} read(s) anchored beyond the {box}-unit homology ({region_text})"
            if ev_span.elsewhere:
                across += f" and {len(ev_span.elsewhere)} beyond the other unit's"
            ev.problem = (f"{d.name}: {across} are {abs(ev_span.delta)} bp "
                          f"{'longer' if kind == 'duplication' else 'shorter'} than the reference, against "
                          f"{ev_span.reference_depth:g} (read-length weighted) across the {box} unit without it: "
                          + ("too few to call it, too many to rule it out" if n_alt < MIN_SUPPORT
                             else "too few for one chromosome (mosaic, contamination or misplaced reads?)"))
            minor.append(ev)
        elif len({j.read for j in jumps}) >= MIN_SUPPORT:  # jumps only in reads that do not span: listed
            ev.reads = sorted({j.read for j in jumps})
            ev.refuses = False
            minor.append(ev)
    # catalog rows: assessed when enough reads cross their breakpoints in either state
    short: list[str] = []
    for d in catalog:
        if d.start1 is None or d.end1 is None:
            not_assessable.append({"what": d.name, "reason": "breakpoints unknown in the catalog: it would be reported "
                                   "as a novel rearrangement, not by name" if d.name not in ("-a3.7_II", "-a3.7_III")
                                   else "same rearrangement as -a3.7 with the crossover elsewhere in the Z box: reported as -a3.7"})
            continue
        s0, e0 = d.start1 - 1, d.end1
        if e0 <= iv.start0 or s0 >= iv.end0:
            not_assessable.append({"what": d.name, "reason": f"{d.chrom}:{d.start1}-{d.end1} lies outside the locus reference"})
            continue
        if s0 < iv.start0 or e0 > iv.end0:
            incompletely.append(d.name)
            continue
        if any(e.catalog is d for e in events):
            continue
        if d.name in evidence:
            continue  # judged after placement: see _homology_unassessed
        if amplicon and (d.name in uncovered or (d.name not in HOMOLOGY_BOX and not design_carries(
                design, d.chrom, s0, e0, -(e0 - s0) if d.kind == "deletion" else e0 - s0))):
            if d.name not in uncovered:
                uncovered.append(d.name)
            not_assessable.append({"what": d.name, "reason": "not covered by the amplicon design: no product would "
                                   f"carry its junction with {ANCHOR} bp anchors (a missing product says nothing)"})
            continue
        if d.name in HOMOLOGY_BOX:
            box = boxes.get(HOMOLOGY_BOX[d.name])
            if box is None:
                not_assessable.append({"what": d.name, "reason": "the homology boxes are not covered by the locus reference"})
                continue
            s0 = box.stretch_start0
            e0 = s0 + box.offset
        span = traversing(my_paths, chrom, d.kind, s0, e0)
        assessed[d.name] = float(len(span))
        if len(span) < MIN_SPAN:
            short.append(d.name)
            not_assessable.append({"what": d.name, "reason": f"{len(span)} read(s) cross its breakpoints with {ANCHOR} bp "
                                   f"anchors (< {MIN_SPAN}): presence or absence not shown"})
    # loose ends: long clips no supplementary explains point at a rearrangement reaching outside the slice
    clips = collections.Counter((c[0], c[1] // 200, c[2]) for p in my_paths.values() for c in p.clips if c[0] == chrom)
    loose = [(k, n) for k, n in clips.items() if n >= MIN_SUPPORT]
    key_rows = [d for d in catalog if d.name in HOMOLOGY_BOX or d.variant_class in ("alpha0", "beta0")]
    missing = [d.name for d in key_rows if d.name in short]
    # only the triplications may go unseen with the cluster still called (listed as not assessable): a
    # design that cannot show -a3.7/-a4.2 (a gap-PCR-only design) cannot give aa/aa for the commonest alleles
    blind = [d.name for d in key_rows if d.name in uncovered and d.kind != "duplication"]
    if blind:
        return _fails(cluster, f"not covered by the amplicon design: {', '.join(blind)} (no product would carry "
                      "their junctions)", not_assessable, sorted(set(incompletely)), events, minor)
    if missing:
        return _fails(cluster, f"too few spanning reads for {', '.join(missing)} (long-read caller "
                      f"needs >= {MIN_SPAN} reads across each breakpoint)", not_assessable, sorted(set(incompletely)),
                      events, minor)
    if loose:
        (c, b, side), n = loose[0]
        return _fails(cluster, f"{n} reads clipped >= {MIN_CLIP} bp near {c}:{b * 200 + 1} with no mapped continuation "
                      "(a rearrangement reaching outside the locus reference?)", not_assessable, sorted(set(incompletely)),
                      events, minor)
    rare = [e for e in minor if e.catalog is not None and e.refuses]
    if rare:
        e = rare[0]
        return _fails(cluster, e.problem or f"{e.name} carried by {e.support} reads against {e.reference_depth:g} without "
                      "it: too few for one chromosome (mosaic, contamination or misplaced reads?)", not_assessable,
                      sorted(set(incompletely)), events, minor)
    unexplained = _unexplained_lengths(evidence, events, chrom)
    if unexplained:
        return _fails(cluster, unexplained, not_assessable, sorted(set(incompletely)), events, minor)
    haps, problem = _place(events, amplicon)
    if problem:
        return _fails(cluster, problem, not_assessable, sorted(set(incompletely)), events, minor)
    unassessed = _homology_unassessed(evidence, events, haps, amplicon)
    if unassessed:
        not_assessable.extend(unassessed)
        return _fails(cluster, f"too few spanning reads for {', '.join(x['what'] for x in unassessed)} (long-read caller "
                      f"needs >= {MIN_SPAN / 2:g} reads' worth per chromosome without a rearrangement there, across the "
                      "homology with unique anchors)", not_assessable, sorted(set(incompletely)), events, minor)
    names = tuple(h.name if h is not None else NORMAL[cluster] for h in haps)
    order = sorted(range(2), key=lambda i: (haps[i] is None, haps[i] is not None and haps[i].kind == "duplication", names[i]))
    names = (names[order[0]], names[order[1]])
    runs = _runs(haps, iv.start0, iv.end0)
    gene_copies = _gene_copies(cluster, ref, haps, boxes)
    cn = {g: v["copies"] for g, v in gene_copies.items()}
    if cluster == "alpha":
        cn = {k: cn[k] for k in ("HBA2", "HBA1") if k in cn}
        cn["hybrid"] = sum(HYBRID_ALLELES.get(h.name, 0) for h in haps if h is not None)
    lod = min((len(e.reads) + len(e.reference_reads) for e in events), default=min(
        (int(assessed[d.name]) for d in key_rows if d.name in assessed), default=0))
    genotype = ClusterGenotype(cluster, names, True, "", [], round(lod * math.log10(2), 2), cn)
    deletions = [_deletion_call(e, paths, evidence.get(e.name)) for e in events if e.copies]
    caveats = []
    if amplicon:
        for e in events:
            if e.copies and len(e.reference_reads) < HET_MIN_REF:
                where = ("both chromosomes" if e.copies == 2 else
                         "the only chromosome present there (the other lacks the region)")
                caveats.append(DROPOUT_CAVEAT.format(name=e.name, where=where, n=len(e.reference_reads)))
        if uncovered:
            caveats.append(f"amplicon assay: {', '.join(uncovered)} not assessed (no product of the design would carry "
                           "them); deletions are excluded by a missing gap-PCR product")
    for d in deletions:
        if amplicon:
            d.depth_ratio = 0.0
            d.evidence["depth_ratio_note"] = AMPLICON_DEPTH_NOTE
    return LongReadCluster(genotype, events, deletions, runs, gene_copies, not_assessable, sorted(set(incompletely)),
                           minor, caveats)


def _inside_homology(ev: Event, paths: dict[str, ReadPath], regions: dict[str, HomologyRegion]) -> str:
    """For a novel event inside the X/Z homology: "" when reads spanning the whole homology (unique anchors on
    both sides) confirm its length change, "artefact" when enough of them span and do not (the jumps were pieces
    of a homology rearrangement or of the reference placed on the other unit), else the refusal reason."""
    env = envelope(regions)
    if not (env.chrom == ev.chrom and env.start0 - ANCHOR <= ev.left0 and ev.right0 <= env.end0 + ANCHOR):
        return ""
    change = ev.length if ev.kind == "duplication" else -ev.length
    deltas = [p.spans[ENVELOPE] for p in paths.values() if ENVELOPE in p.spans]
    confirming = sum(1 for d in deltas if abs(d - change) <= max(SPAN_TOL, LENGTH_TOL))
    if confirming >= MIN_SUPPORT:
        return ""
    if len(deltas) >= MIN_SPAN:
        return "artefact"
    return (f"{ev.name} ({ev.support} reads) lies inside the HBA2/HBA1 homology, where pieces of reads are often placed "
            f"on the other unit, and only {len(deltas)} read(s) span the homology {env.chrom}:{env.start0 + 1}-{env.end0} "
            f"with {ANCHOR} bp anchors to confirm it (< {MIN_SPAN})")


def _crossover(box: Any, jumps: list[Jump]) -> tuple[int, int]:
    """Where a homology event's unit starts and ends: the jumps' median, moved into the identical stretch
    (aligners extend through homology past the crossover); its start when only insertions were seen
    (an insertion does not say where the unit starts)."""
    placed = [j for j in jumps if j.via != "insertion"]
    left0 = int(np.median([j.left0 for j in placed])) if placed else box.stretch_start0
    left0 = min(max(left0, box.stretch_start0), box.stretch_end0)
    return left0, left0 + box.offset  # exactly one unit; only its place is blurred


def _homology_unassessed(evidence: dict[str, HomologyEvidence], events: list[Event],
                         haps: list[Event | None], amplicon: bool = False) -> list[dict[str, str]]:
    """Homology rows not called whose absence the reads do not show.

    A chromosome whose placed event is a homology row, or a deletion reaching the region's anchors, is shown
    not to carry another one there. Each other chromosome is a reference one the row could hide on: a chromosome
    with it gives fewer spanning reads (a duplication) or more (a deletion), so the reference reads are counted
    as reads of the row's length (``unchanged_depth``) and must reach MIN_SPAN / 2 per such chromosome (MIN_SPAN
    across two), like the reads across a simple deletion's breakpoints. Amplicon reads count one each."""
    out = []
    for name, ev in sorted(evidence.items()):
        if any(e.name == name for e in events):
            continue
        lo, hi = ev.region.start0 - ANCHOR, ev.region.end0 + ANCHOR
        hidden = sum(1 for h in haps if h is None or not (h.name in HOMOLOGY_STATES or (
            h.kind == "deletion" and h.left0 < hi and lo < h.right0)))
        need = MIN_SPAN / 2 * hidden
        have = len(ev.support) + ev.unchanged_depth
        if hidden and have < need:
            out.append({"what": name, "reason": (
                f"{ev.spanning} read(s) span the {ev.region.box}-unit homology {ev.region.chrom}:{ev.region.start0 + 1}-"
                f"{ev.region.end0} with {ANCHOR} bp anchors, {have:.1f} read(s)"
                f"{'' if amplicon else chr(39) + ' worth'} of a chromosome with {name} "
                f"on {hidden} chromosome(s) where it could be (< {need:g}): presence or absence not shown")})
    return out


def _unexplained_lengths(evidence: dict[str, HomologyEvidence], events: list[Event], chrom: str) -> str:
    """A refusal when many reads spanning a homology region have a length no row explains (and no called
    event carries them): a rearrangement the caller cannot name would otherwise pass as its reference reads' call."""
    carried = {r for e in events for r in e.reads}
    seen: set[str] = set()
    for ev in evidence.values():
        box = ev.region.box
        if box in seen:
            continue
        seen.add(box)
        odd = [r for r in ev.other if r not in carried]
        if len(odd) >= MIN_SUPPORT and len(odd) >= MIN_EVENT_FRACTION * ev.spanning:
            return (f"{len(odd)} of {ev.spanning} reads spanning the {box}-unit homology "
                    f"{chrom}:{ev.region.start0 + 1}-{ev.region.end0} differ from the reference by a length that fits "
                    "no -a3.7/-a4.2/anti- rearrangement (an unlisted rearrangement there?)")
    return ""


def _place(events: list[Event], amplicon: bool = False) -> tuple[list[Event | None], str]:
    """Put events on two chromosomes: het on one, hom on every chromosome still present there.

    Amplicons: by presence of reference reads (a normal-allele product), never by their fraction."""
    haps: list[Event | None] = [None, None]
    for a_i, a in enumerate(events):
        for b in events[a_i + 1:]:
            both = set(a.reads) & set(b.reads)
            if len(both) >= MIN_SUPPORT:
                return haps, (f"{a.name} and {b.name} are carried by the same {len(both)} reads: two events in cis "
                              "are not in the allele vocabulary")
    for e in sorted(events, key=lambda e: (-(e.right0 - e.left0) if e.kind == "deletion" else 0, -e.support)):
        n_ref, n_alt = e.reference_depth, e.support
        frac = n_ref / (n_ref + n_alt)
        present = [i for i in range(2) if not (haps[i] is not None and haps[i].kind == "deletion"
                                              and haps[i].left0 - CLUSTER_TOL <= e.left0 and e.right0 <= haps[i].right0 + CLUSTER_TOL)]
        if not present:
            return haps, f"{e.name} ({e.support} reads) lies inside deletions on both chromosomes"
        if amplicon:
            n_ref = len(e.reference_reads)
        # amplicons: two different deletions seen by their junction products cannot both be homozygous;
        # a missing normal product there is the other deletion's doing (its normal-allele product may lie
        # in the segment the other chromosome lacks, as for --SEA/--FIL), so each takes one chromosome
        two_deletions = amplicon and sum(ev.kind == "deletion" for ev in events) >= 2 and e.kind == "deletion"
        if two_deletions and n_ref < HET_MIN_REF:
            target = [i for i in present if haps[i] is None][:1]
        elif n_ref >= HET_MIN_REF and (amplicon or frac >= HET_MIN_FRACTION):
            target = [i for i in present if haps[i] is None][:1]
        elif amplicon or frac <= HOM_MAX_FRACTION or n_ref <= 1:
            target = present
        else:
            return haps, (f"{e.name}: {n_alt} reads with it and {n_ref:g} without: allele balance fits neither one "
                          "chromosome nor all (mosaic, mixture or mismapping?)")
        if not target or any(haps[i] is not None for i in target):
            return haps, (f"{e.name} would share a chromosome with another rearrangement: two events in cis are "
                          "not in the allele vocabulary")
        for i in target:
            haps[i] = e
        e.copies = len(target)
        e.haplotypes = [i + 1 for i in target]
    return haps, ""


def _runs(haps: list[Event | None], lo0: int, hi0: int) -> list[tuple[int, int, int]]:
    """Runs with other than two copies: (start0, end0, copies)."""
    edges = sorted({lo0, hi0} | {x for h in haps if h is not None for x in (h.left0, h.right0)})
    out: list[tuple[int, int, int]] = []
    for a, b in zip(edges, edges[1:]):
        mid = a
        c = sum((0 if h.kind == "deletion" else 2) if h is not None and h.left0 <= mid < h.right0 else 1 for h in haps)
        if c != 2 and b > a:
            if out and out[-1][1] == a and out[-1][2] == c:
                out[-1] = (out[-1][0], b, c)
            else:
                out.append((a, b, c))
    return out


def _gene_copies(cluster: str, ref: LocusReference, haps: list[Event | None],
                 boxes: dict | None = None) -> dict[str, dict[str, Any]]:
    """Intact copies per gene. A homology triplication duplicates a gene only when the gene lies inside the unit
    wherever the crossover falls in the identical stretch (anti-4.2: HBA2); a gene the stretch cuts is the
    hybrid (anti-3.7: HBA2 2, HBA1 2, hybrid 1 with aa, as ``thalgen.structural`` counts HYBRID_ALLELES)."""
    out: dict[str, dict[str, Any]] = {}
    for g in REPORT_GENES:
        gene = genes()[g]
        if gene.cluster != cluster or not ref.covers(gene.chrom, gene.start1 - 1, gene.end1):
            continue
        copies = 0
        for h in haps:
            if h is None:
                copies += 1
            elif h.kind == "deletion" and h.catalog is not None:
                copies += 0 if g in h.catalog.genes_removed else 1  # the -a3.7 hybrid is neither HBA2 nor HBA1
            elif h.kind == "deletion":
                copies += 0 if (gene.start1 - 1 < h.right0 and h.left0 < gene.end1) else 1
            elif h.catalog is not None and h.name in HOMOLOGY_BOX and HOMOLOGY_BOX[h.name] in (boxes or {}):
                box = boxes[HOMOLOGY_BOX[h.name]]
                copies += 2 if (box.stretch_end0 <= gene.start1 - 1 and gene.end1 <= box.stretch_start0 + box.offset) else 1
            else:
                copies += 2 if (h.left0 <= gene.start1 - 1 and gene.end1 <= h.right0) else 1
        out[g] = {"copies": copies, "ratio": None, "quality": 99.0}
    return out


def _deletion_call(e: Event, paths: dict[str, ReadPath], span: HomologyEvidence | None = None) -> DeletionCall:
    cat = e.catalog
    evidence: dict[str, Any] = {"breakpoints": "long reads spanning the event", "allele": e.name,
                                "supporting_reads": e.support, "reference_reads": len(e.reference_reads),
                                "haplotypes": e.haplotypes,
                                "via": sorted({j.via for r in e.reads for j in paths[r].jumps
                                               if j.kind == e.kind and abs(j.left0 - e.left0) <= CLUSTER_TOL})}
    if e.name in HOMOLOGY_BOX:
        evidence["crossover_estimate"] = e.left0 + 1
    if span is not None:
        evidence["breakpoints"] = "long reads anchored in unique sequence on both sides of the homology"
        evidence["spanning"] = {"region": f"{span.region.chrom}:{span.region.start0 + 1}-{span.region.end0}",
                                "length_change": span.delta, "reads": len(span.support),
                                "reference_reads": len(span.reference),
                                "reference_reads_length_weighted": span.reference_depth}
    return DeletionCall(name="novel" if cat is None else e.name, cluster=e.cluster, chrom=e.chrom, start1=e.left0 + 1,
                        end1=e.right0, copies=e.copies, kind=e.kind, catalog_id=cat.id if cat else "",
                        variant_class=cat.variant_class if cat else "", depth_ratio=0.0, junction_reads=e.support,
                        log_likelihood_ratio=round(e.support * math.log10(2), 2), evidence=evidence)


# ---- one sample -------------------------------------------------------------------------------
@dataclass
class LongReadSample:
    document: dict[str, Any]
    clusters: list[LongReadCluster]
    coverage: dict[str, np.ndarray]  # per BIN mean depth from continuous segments, per chrom
    bin_start0: dict[str, int]
    phase: dict[str, Any] | None


def coverage_track(paths: dict[str, ReadPath], ref: LocusReference) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Mean depth per BIN-bp bin from the reads' continuous segments (jumped-over bases not counted)."""
    cov, origin = {}, {}
    for chrom, sl in sorted(ref.slices.items()):
        iv = sl.interval
        diff = np.zeros(iv.length + 1, dtype=np.int64)
        for p in paths.values():
            for s in p.segments:
                if s.chrom == chrom:
                    diff[max(0, s.start0 - iv.start0)] += 1
                    diff[min(iv.length, s.end0 - iv.start0)] -= 1
        depth = np.cumsum(diff)[:-1]
        n = (iv.length + BIN - 1) // BIN
        padded = np.zeros(n * BIN)
        padded[: iv.length] = depth
        cov[chrom] = padded.reshape(n, BIN).mean(axis=1)
        origin[chrom] = iv.start0
    return cov, origin


def _depth_ratio(e: Event, cov: np.ndarray, origin0: int, all_events: list[Event]) -> float:
    """Mean depth inside the event over the mean depth of the cluster's unaffected bins."""
    mids = origin0 + np.arange(len(cov)) * BIN + BIN // 2
    inside = (mids >= e.left0) & (mids < e.right0)
    clear = np.ones(len(cov), dtype=bool)
    for other in all_events:
        clear &= ~((mids >= other.left0 - BIN) & (mids < other.right0 + BIN))
    clear &= cov > 0
    if not inside.any() or not clear.any():
        return 1.0
    return float(cov[inside].mean() / cov[clear].mean())


def cn_document(sample: str, clusters: list[LongReadCluster], cov: dict[str, np.ndarray],
                origin: dict[str, int], n_reads: int, assay: str = "wgs") -> dict[str, Any]:
    """The cn.json of ``thalgen.structural.cn_document``, from the long-read calls (amplicons: no depth)."""
    amplicon = assay == "amplicon"
    from thalgen.structural import genotype_json

    doc: dict[str, Any] = {"sample": sample, "thalgen_version": __version__, "caller": "longread"}
    deletions, copy_number, not_assessable, incompletely, segments = [], {}, [], [], []
    for c in clusters:
        g = c.genotype
        doc[g.cluster] = genotype_json(g)
        chrom = CHROM_OF[g.cluster]
        for d in c.deletions:
            ev = next(e for e in c.events if e.left0 + 1 == d.start1 and e.right0 == d.end1 and e.copies)
            if not amplicon:
                d.depth_ratio = _depth_ratio(ev, cov[chrom], origin[chrom], c.events) if chrom in cov else 1.0
            deletions.append(d.to_json())
        for gene, v in c.gene_copies.items():
            copy_number[gene] = v if g.assessable else {"copies": None, "ratio": None, "quality": 0.0}
        if not g.assessable:
            not_assessable.append({"what": f"{g.cluster} cluster", "reason": g.reason})
        not_assessable.extend(c.not_assessable)
        incompletely.extend(c.incompletely_assessed)
        if g.assessable:
            segments.extend({"chrom": chrom, "start": s + 1, "end": e, "copies": k} for s, e, k in c.runs)
    doc["deletions"] = deletions
    doc["copy_number"] = copy_number
    doc["ploidy_segments"] = segments
    doc["not_assessable"] = not_assessable
    doc["incompletely_assessed"] = sorted(set(incompletely))
    doc["caveats"] = [x for c in clusters for x in c.caveats]
    doc["assay"] = assay
    doc["depth"] = {"normalisation": ("none: amplicon long reads are whole PCR products; depth is not used (read "
                                      "counts per product are PCR efficiency, not copies)") if amplicon else
                    "none: long-read spanning-read caller (depth is not used for calls)",
                    "dispersion": 0.0, "reads": n_reads,
                    "mean_depth": {ch: round(float(v[v > 0].mean()) if (v > 0).any() else 0.0, 1) for ch, v in cov.items()},
                    "power_log10": {}}
    doc["junctions"] = [{"chrom": e.chrom, "kind": e.kind, "start": e.left0 + 1, "end": e.right0, "precise": True,
                         "fragments": e.support, "split_reads": e.support, "clipped_reads": 0, "discordant_pairs": 0,
                         "reference_reads": len(e.reference_reads), "name": e.name, "called": e in c.events}
                        for c in clusters for e in c.events + c.minor]
    return doc


def call_sample(ref: LocusReference, bam_path: str | Path, sample: str, calls: dict[str, Any] | None = None,
                catalog: list[CatalogDeletion] | None = None, assay: str = "wgs",
                design: str | Path | None = None) -> LongReadSample:
    """Both clusters from one long-read BAM; phase when a calls JSON (``thalgen call``) is given.
    ``assay="amplicon"`` reads the primer design (default DEFAULT_DESIGN); other assays ignore it."""
    products = None
    if assay == "amplicon":
        products = load_design(design if design is not None else DEFAULT_DESIGN)
    paths = read_paths(bam_path, ref)
    clusters = [call_cluster(c, ref, paths, catalog, products) for c in ("alpha", "beta") if ref.has(CHROM_OF[c])]
    cov, origin = coverage_track(paths, ref)
    doc = cn_document(sample, clusters, cov, origin, len(paths), assay)
    ph = None
    if calls is not None:
        items = variant_items(calls)
        obs = observe_variants(bam_path, items)
        ph = phase([c.events for c in clusters if c.genotype.assessable], obs, [i for i, _ in items])
        doc["phase"] = ph
    return LongReadSample(doc, clusters, cov, origin, ph)


def write_tsv(result: LongReadSample, ref: LocusReference, path: str | Path) -> None:
    """Per-bin mean depth and the called copies at the bin's midpoint."""
    from thalgen.fileio import atomic_write_text

    with atomic_write_text(path) as fh:
        fh.write("chrom\tstart\tend\tmean_depth\tcalled_copies\n")
        for chrom in sorted(result.coverage):
            runs = [c.runs for c in result.clusters if CHROM_OF[c.genotype.cluster] == chrom and c.genotype.assessable]
            iv = ref.slice(chrom).interval
            for i, d in enumerate(result.coverage[chrom]):
                s0 = result.bin_start0[chrom] + i * BIN
                e0 = min(s0 + BIN, iv.end0)
                mid = (s0 + e0) // 2
                called = "" if not runs else str(next((k for a, b, k in runs[0] if a <= mid < b), 2))
                fh.write(f"{chrom}\t{s0 + 1}\t{e0}\t{d:.2f}\t{called}\n")


def plot(result: LongReadSample, ref: LocusReference, path: str | Path, sample: str) -> Path:
    """One panel per cluster: depth per bin (for the eye only), called events shaded, genes drawn."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from thalgen.cnplot import save_figure

    panels = [c for c in result.clusters if CHROM_OF[c.genotype.cluster] in result.coverage]
    fig, axes = plt.subplots(max(1, len(panels)), 1, figsize=(11, 3.0 * max(1, len(panels))), squeeze=False)
    for ax, c in zip(axes[:, 0], panels):
        chrom = CHROM_OF[c.genotype.cluster]
        cov = result.coverage[chrom]
        x = (result.bin_start0[chrom] + np.arange(len(cov)) * BIN + BIN / 2) / 1000
        ax.step(x, cov, where="mid", color="0.35", lw=1, label="depth (continuous alignment)")
        top = max(1.0, float(cov.max()) * 1.15)
        for e in c.events:
            if e.copies:
                ax.axvspan(e.left0 / 1000, e.right0 / 1000, alpha=0.25,
                           color="tab:orange" if e.kind == "deletion" else "tab:green",
                           label=f"{e.name}: {e.support} reads, {len(e.reference_reads)} reference")
        for g in genes().values():
            if g.chrom == chrom and ref.covers(chrom, g.start1 - 1, g.end1):
                ax.add_patch(plt.Rectangle((g.start1 / 1000, -0.1 * top), (g.end1 - g.start1) / 1000, 0.05 * top,
                                           color="tab:blue" if g.kind == "gene" else "tab:gray"))
                ax.text((g.start1 + g.end1) / 2000, -0.04 * top, g.name, ha="center", va="bottom", fontsize=7)
        gt = c.genotype
        ax.set_title(f"{sample} {gt.cluster}: " + ("/".join(gt.alleles) if gt.alleles else f"not assessable ({gt.reason})"),
                     fontsize=9)
        ax.set_ylim(-0.12 * top, top)
        iv = ref.slice(chrom).interval
        ax.set_xlim(iv.start0 / 1000, iv.end0 / 1000)
        ax.set_xlabel(f"{chrom} position (kb, GRCh38)")
        ax.set_ylabel("reads")
        ax.legend(loc="upper right", fontsize=7)
    return save_figure(fig, path, dpi=100)


def load_calls(path: str | Path) -> dict[str, Any]:
    from thalgen.fileio import read_json

    doc = read_json(path)
    if not isinstance(doc, dict) or not isinstance(doc.get("variants"), list):
        raise InputError(path, "not a calls JSON from `thalgen call` (no 'variants' list)")
    return doc
