"""HBA2/HBA1 paralog correspondence: which differences are the other gene's sequence (a hybrid's own).

The run below is what HiFi reads of an anti-3.7 carrier (reference patient ref_hifi_anti37) showed over
HBA1's intron 2 and 3' UTR before the HybridParalog filter: the extra unit's HBA2-derived sequence read
over HBA1. Each is HBA2's reference sequence at the corresponding place, including a 7-bp deletion and
an SNV beside it that alone brings HBA1 no closer to HBA2.
"""

from __future__ import annotations

from thalgen import catalog
from thalgen.model import VariantCall
from thalgen.paralogs import paralog_map
from thalgen.smallvar import _filter_hybrid_paralog

HYBRID_RUN = [(177188, "G", "T"), (177247, "GGGCCCTC", "G"), (177259, "C", "G"), (177426, "G", "A"),
              (177430, "A", "G"), (177432, "G", "T"), (177434, "T", "C"), (177437, "T", "C"), (177443, "C", "G"),
              (177444, "T", "C"), (177455, "C", "A"), (177456, "C", "A"), (177458, "A", "G"), (177460, "C", "G"),
              (177473, "T", "C"), (177475, "C", "T"), (177479, "AC", "A"), (177484, "T", "G"), (177485, "A", "C"),
              (177488, "C", "T"), (177489, "C", "T"), (177491, "G", "C"), (177519, "G", "A")]


def test_hybrid_run_is_paralog_sequence(locus_ref):
    assert paralog_map(locus_ref).paralog_ward("chr16", HYBRID_RUN) == [True] * len(HYBRID_RUN)
    # the SNV beside the 7-bp deletion, judged alone, does not bring the sequence closer to HBA2: the
    # run is judged together
    assert paralog_map(locus_ref).paralog_ward("chr16", [(177259, "C", "G")]) == [False]


def test_catalog_alpha_variants_are_never_paralog_sequence(locus_ref):
    rows = [r for r in catalog.load_small_variants() if r.gene in ("HBA2", "HBA1")]
    assert len(rows) == 17
    assert [paralog_map(locus_ref).paralog_ward(r.chrom, [(r.pos1, r.ref, r.alt)])[0] for r in rows] == [False] * 17


def test_filter_marks_only_non_catalog_paralog_differences(locus_ref):
    def call(pos1: int, ref: str, alt: str, gene: str, in_catalog: bool = False) -> VariantCall:
        v = VariantCall("chr16", pos1, ref, alt, gene, "", "", "", "heterozygous", 1, 2, 40, 20, 20, 0.5, 99.0, 99)
        v.in_catalog = in_catalog
        return v

    run = [call(p, r, a, "HBA1") for p, r, a in HYBRID_RUN[:3]]
    cs = call(173598, "T", "C", "HBA2", in_catalog=True)  # Hb Constant Spring
    other = call(177300, locus_ref.fetch0("chr16", 177299, 177300), "A" if locus_ref.fetch0("chr16", 177299, 177300) != "A" else "C", "HBA1")
    variants = [*run, cs, other]
    _filter_hybrid_paralog(locus_ref, variants)
    assert [v.filters for v in variants] == [["HybridParalog"]] * 3 + [[], []]


def test_filter_is_on_only_for_long_read_hybrid_calls(tmp_path):
    """Short reads are placed by their own sequence; only long-read copy number with a hybrid α allele turns it on."""
    import json

    from thalgen.cli.call import load_copy_segments

    def lookup(caller: str | None, alleles: list[str]) -> bool:
        doc = {"alpha": {"alleles": alleles}, "ploidy_segments": [], "deletions": []}
        if caller:
            doc["caller"] = caller
        path = tmp_path / f"{caller}_{'_'.join(alleles)}.cn.json"
        path.write_text(json.dumps(doc))
        return load_copy_segments(str(path)).hybrid_alpha

    assert [lookup("longread", ["-a3.7", "aa"]), lookup("longread", ["aa", "aaa_anti3.7"]), lookup("longread", ["--SEA", "aa"]),
            lookup(None, ["-a3.7", "aa"])] == [True, True, False, False]
