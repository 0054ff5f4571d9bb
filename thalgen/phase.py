"""Read-backed phase from long reads: which heterozygous variants and deletions share a chromosome.

Each read that covers two heterozygous items (a small variant read as ref/alt at its position, a
deletion by the read's own jump or by its continuity over the breakpoint) votes cis or trans for
the pair; pairs with at least PHASE_MIN_READS reads and at most PHASE_MAX_DISCORDANT of them
disagreeing are linked, and linked items are joined into blocks with haplotypes 1/2. Items no read
links stay ``unphased``: the interpretation then keeps cis/trans open instead of assuming it.
"""

from __future__ import annotations

import collections
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pysam

if TYPE_CHECKING:  # the long-read caller's events; imported for types only (it imports this module)
    from thalgen.longread import Event

MIN_MAPQ = 20  # reads below this are not counted for phase (the long-read caller uses the same)
INDEL_WINDOW = 10  # bp: an indel of the right length this close to the call is the same indel
PHASE_MIN_READS = 2
PHASE_MAX_DISCORDANT = 0.2


@dataclass(frozen=True)
class PhaseItem:
    kind: str  # variant / deletion
    name: str  # HGVS (gene:c.) or deletion name
    chrom: str
    start0: int
    end0: int
    zygosity: str = "heterozygous"


def _ref_to_query(rec: pysam.AlignedSegment, pos0: int) -> int | None:
    """Query index aligned to reference pos0 (None in a deletion or outside)."""
    if not rec.reference_start <= pos0 < (rec.reference_end or 0):
        return None
    rpos, qpos = rec.reference_start, 0
    for op, n in rec.cigartuples or []:
        if op in (0, 7, 8):
            if rpos <= pos0 < rpos + n:
                return qpos + (pos0 - rpos)
            rpos += n
            qpos += n
        elif op in (1, 4):
            qpos += n
        elif op in (2, 3):
            if rpos <= pos0 < rpos + n:
                return None
            rpos += n
    return None


def read_allele(rec: pysam.AlignedSegment, pos1: int, ref: str, alt: str) -> int | None:
    """1 = the read carries ALT, 0 = REF, None = cannot tell (not covered, other base)."""
    pos0 = pos1 - 1
    if len(ref) == len(alt):
        q = _ref_to_query(rec, pos0)
        seq = rec.query_sequence
        if q is None or seq is None:
            return None
        read = seq[q : q + len(ref)]
        return 1 if read == alt else (0 if read == ref else None)
    size = len(alt) - len(ref)  # > 0 insertion, < 0 deletion
    lo, hi = pos0 - INDEL_WINDOW, pos0 + max(len(ref), len(alt)) + INDEL_WINDOW
    if not (rec.reference_start <= lo and hi <= (rec.reference_end or 0)):
        return None
    rpos = rec.reference_start
    for op, n in rec.cigartuples or []:
        if op in (2, 3):
            if size < 0 and n == -size and lo <= rpos <= hi:
                return 1
            rpos += n
        elif op == 1:
            if size > 0 and n == size and lo <= rpos <= hi:
                return 1
        elif op in (0, 7, 8):
            rpos += n
        if rpos > hi:
            break
    return 0


def variant_items(calls: dict[str, Any]) -> list[tuple[PhaseItem, tuple[int, str, str]]]:
    """Phasable small variants of a calls JSON: heterozygous or hemizygous, PASS."""
    out = []
    for v in calls.get("variants", []):
        if v.get("zygosity") not in ("heterozygous", "hemizygous") or v.get("filters"):
            continue
        name = f"{v['gene']}:{v['hgvs_c']}" if v.get("gene") and v.get("hgvs_c") else f"{v['chrom']}:{v['pos']}:{v['ref']}:{v['alt']}"
        start0 = int(v["pos"]) - 1
        out.append((PhaseItem("variant", name, v["chrom"], start0, start0 + len(v["ref"]), v["zygosity"]),
                    (int(v["pos"]), v["ref"], v["alt"])))
    return out


def observe_variants(bam_path: str | Path, items: list[tuple[PhaseItem, tuple[int, str, str]]]) -> dict[str, dict[PhaseItem, int]]:
    """Per read: the allele it shows at each variant (primary and supplementary records)."""
    obs: dict[str, dict[PhaseItem, int]] = collections.defaultdict(dict)
    with pysam.AlignmentFile(str(bam_path), "rb") as bam:
        for item, (pos1, r, a) in items:
            for rec in bam.fetch(item.chrom, pos1 - 1, pos1):
                if rec.is_unmapped or rec.is_secondary or rec.is_duplicate or rec.mapping_quality < MIN_MAPQ:
                    continue
                allele = read_allele(rec, pos1, r, a)
                if allele is not None:
                    obs[rec.query_name][item] = allele
    return obs


def phase(events_by_cluster: list[list[Event]], variant_obs: dict[str, dict[PhaseItem, int]],
          variants: list[PhaseItem]) -> dict[str, Any]:
    """Blocks of variants and deletions on haplotypes 1/2, and the read count behind every linked pair.

    Two items are cis when reads show both alternative (or both reference) alleles, trans when reads show
    one of each. A deletion's supporting reads carry it (1); its reference reads do not (0). A variant
    inside the interval of a deletion is trans to it by definition: the deleted chromosome has no base there.
    """
    obs: dict[str, dict[PhaseItem, int]] = collections.defaultdict(dict)
    for r, d in variant_obs.items():
        obs[r].update(d)
    dels: list[tuple[PhaseItem, Event]] = []
    for events in events_by_cluster:
        for e in events:
            if e.copies != 1:
                continue
            item = PhaseItem("deletion" if e.kind == "deletion" else "duplication", e.name, e.chrom, e.left0, e.right0)
            dels.append((item, e))
            for r in e.reads:
                obs[r][item] = 1
            for r in e.reference_reads:
                obs[r].setdefault(item, 0)
    items = [i for i, _ in dels] + variants
    counts: dict[tuple[int, int], list[int]] = collections.defaultdict(lambda: [0, 0])  # (cis, trans)
    index = {it: k for k, it in enumerate(items)}
    for read_obs in obs.values():
        seen = sorted((index[it], a) for it, a in read_obs.items() if it in index)
        for x in range(len(seen)):
            for y in range(x + 1, len(seen)):
                (i, ai), (j, aj) = seen[x], seen[y]
                counts[(i, j)][0 if ai == aj else 1] += 1
    for d_item, _e in dels:
        for v in variants:
            if d_item.kind == "deletion" and v.chrom == d_item.chrom and d_item.start0 <= v.start0 and v.end0 <= d_item.end0:
                i, j = sorted((index[d_item], index[v]))
                counts[(i, j)] = [0, max(counts[(i, j)][1], sum(1 for o in obs.values() if o.get(v) == 1))]
    pairs = []
    edges: dict[int, list[tuple[int, int]]] = collections.defaultdict(list)
    for (i, j), (cis, trans) in sorted(counts.items()):
        n = cis + trans
        major = max(cis, trans)
        if major < PHASE_MIN_READS or (n - major) > PHASE_MAX_DISCORDANT * n:
            continue
        rel = 0 if cis >= trans else 1
        edges[i].append((j, rel))
        edges[j].append((i, rel))
        pairs.append({"a": items[i].name, "b": items[j].name, "relation": "cis" if rel == 0 else "trans",
                      "reads": major, "discordant_reads": n - major})
    hap: dict[int, int] = {}
    blocks = []
    for start in range(len(items)):
        if start in hap or start not in edges:
            continue
        hap[start] = 1
        queue, members = [start], [start]
        while queue:
            k = queue.pop()
            for other, rel in edges[k]:
                if other not in hap:
                    hap[other] = hap[k] if rel == 0 else 3 - hap[k]
                    queue.append(other)
                    members.append(other)
        ids = set(members)
        support = {r for r, o in obs.items() if sum(1 for it in o if index.get(it) in ids) >= 2}
        blocks.append({"id": f"PS{len(blocks) + 1}",
                       "members": [{"kind": items[k].kind, "name": items[k].name, "haplotype": hap[k],
                                    "zygosity": items[k].zygosity} for k in sorted(members, key=lambda k: (items[k].chrom, items[k].start0))],
                       "supporting_reads": len(support)})
    unphased = [{"kind": it.kind, "name": it.name} for k, it in enumerate(items) if k not in hap]
    return {"blocks": blocks, "pairs": pairs, "unphased": unphased}


