"""HGVS naming on the GRCh38 test slices (../shared/reference): exact names for the textbook variants."""

from __future__ import annotations

from pathlib import Path

import pytest

from thalgen.hgvs import CONSEQUENCES, HgvsAnnotation, annotate, genomic_pos1, parse_c
from thalgen.genes import transcripts
from thalgen.locus import LocusReference

SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture(scope="module")
def ref(locus_ref) -> LocusReference:
    """The shared GRCh38 test slices (conftest's session fixture)."""
    return locus_ref


def test_hbs_name_protein_and_legacy(ref):
    assert annotate(ref, "chr11", 5227002, "T", "A") == HgvsAnnotation(
        "HBB", "NM_000518.5", "c.20A>T", "p.(Glu7Val)", "missense", "codon 6"
    )


@pytest.mark.parametrize(
    "vcf, hgvs_c, consequence, legacy",
    [
        ((5226820, "C", "T"), "c.93-21G>A", "intron", "IVS-I-110"),
        ((5227099, "T", "C"), "c.-78A>G", "promoter", "-28"),
        ((5225488, "A", "G"), "c.*110T>C", "utr3", "Term CD+110"),
        ((5226925, "C", "G"), "c.92+5G>C", "splice_region", "IVS-I-5"),
        ((5225923, "G", "A"), "c.316-197C>T", "intron", "IVS-II-654"),
        ((5227071, "T", "G"), "c.-50A>C", "utr5", "Cap+1"),
    ],
)
def test_noncoding_names(ref, vcf, hgvs_c, consequence, legacy):
    a = annotate(ref, "chr11", *vcf)
    assert (a.hgvs_c, a.hgvs_p, a.consequence, a.legacy) == (hgvs_c, "", consequence, legacy)


def test_cd8_9_dup_is_named_dup_and_translated(ref):
    # +G after c.27: the inserted G repeats c.27 (the 3'-most equivalent base), so HGVS says dup
    a = annotate(ref, "chr11", 5226994, "A", "AC")
    assert (a.hgvs_c, a.hgvs_p, a.consequence, a.legacy) == ("c.27dup", "p.(Ser10Valfs*14)", "frameshift", "codons 8/9")


@pytest.mark.parametrize(
    "vcf",
    [
        (5226762, "CAAAG", "C"),  # left-normalised
        (5226763, "AAAGA", "A"),  # an aligner's placement one base right
        (5226764, "AAGAA", "A"),  # the rightmost placement
    ],
)
def test_cd41_42_same_name_wherever_placed(ref, vcf):
    a = annotate(ref, "chr11", *vcf)
    assert (a.hgvs_c, a.hgvs_p, a.consequence, a.legacy) == (
        "c.126_129del", "p.(Phe42Leufs*19)", "frameshift", "codons 41/42"
    )


def test_legacy_spelling_of_cd41_42_parses_to_the_same_record(ref):
    assert parse_c(ref, "HBB", "c.125_128delTCTT") == ("chr11", 5226762, "CAAAG", "C")
    assert parse_c(ref, "HBB", "c.126_129del") == ("chr11", 5226762, "CAAAG", "C")
    assert parse_c(ref, "HBB", "NM_000518.5:c.27_28insG") == ("chr11", 5226994, "A", "AC")


def test_hb_constant_spring_stop_loss(ref):
    assert annotate(ref, "chr16", 173598, "T", "C") == HgvsAnnotation(
        "HBA2", "NM_000517.6", "c.427T>C", "p.(Ter143Glnext*31)", "stop_loss", "codon 142"
    )


def test_plus_strand_indel_is_shifted_3prime_before_naming(ref):
    # HBA2 polyA -AA: left-normalised at 173691 TAA>T, named at its 3'-most place c.*93_*94del
    a = annotate(ref, "chr16", 173691, "TAA", "T")
    assert (a.gene, a.hgvs_c, a.consequence) == ("HBA2", "c.*93_*94del", "utr3")
    a = annotate(ref, "chr16", 173004, "AGAGGT", "A")
    assert (a.hgvs_c, a.consequence) == ("c.95+2_95+6del", "splice_donor")


@pytest.mark.parametrize(
    "vcf, hgvs_c, hgvs_p, consequence",
    [
        ((5227002, "T", "C"), "c.20A>G", "p.(Glu7Gly)", "missense"),
        ((5226997, "T", "A"), "c.25A>T", "p.(Lys9*)", "nonsense"),
        ((5226929, "C", "G"), "c.92+1G>C", "", "splice_donor"),
        ((5226928, "A", "T"), "c.92+2T>A", "", "splice_donor"),
        ((5225727, "C", "T"), "c.316-1G>A", "", "splice_acceptor"),
        ((5227200, "C", "T"), "c.-179G>A", "", "promoter"),
        ((5227021, "T", "C"), "c.1A>G", "p.(Met1?)", "start_loss"),
        ((5227019, "C", "T"), "c.3G>A", "p.(Met1?)", "start_loss"),
        ((5226991, "CAGA", "C"), "c.28_30del", "p.(Ser10del)", "inframe_deletion"),
        ((5226990, "G", "GCCC"), "c.31_32insGGG", "p.(Ser10_Ala11insGly)", "inframe_insertion"),
        ((5225600, "A", "G"), "c.442T>C", "p.(Ter148Glnext*21)", "stop_loss"),
        ((5227001, "CT", "AA"), "c.20_21delinsTT", "p.(Glu7Val)", "missense"),
        ((5225398, "T", "C"), "c.*200A>G", "", "downstream"),
    ],
)
def test_novel_variants_get_a_name_and_consequence(ref, vcf, hgvs_c, hgvs_p, consequence):
    a = annotate(ref, "chr11", *vcf)
    assert (a.hgvs_c, a.hgvs_p, a.consequence) == (hgvs_c, hgvs_p, consequence)


def test_synonymous_gets_equals_sign(ref):
    a = annotate(ref, "chr11", 5226947, "A", "T")
    assert (a.hgvs_c, a.hgvs_p, a.consequence) == ("c.75T>A", "p.(Gly25=)", "synonymous")


def test_outside_genes_is_none_and_bad_ref_raises(ref):
    assert annotate(ref, "chr11", 5240000, "C", "T") is None
    with pytest.raises(ValueError, match="does not match"):
        annotate(ref, "chr11", 5227002, "G", "A")


def test_parse_c_rejects_bad_syntax_and_wrong_reference_base(ref):
    with pytest.raises(ValueError, match="not an HGVS"):
        parse_c(ref, "HBB", "c.20A>>T")
    with pytest.raises(ValueError, match="reference base is A"):
        parse_c(ref, "HBB", "c.20G>T")
    with pytest.raises(ValueError, match="deleted bases"):
        parse_c(ref, "HBB", "c.126_129delAAAA")
    with pytest.raises(ValueError, match="no transcript"):
        parse_c(ref, "HBG2", "c.-211C>T")


def test_genomic_pos1_inverts_c_pos():
    tx = transcripts()["HBB"]
    for pos1 in range(tx.exons1[0][0] - 30, tx.exons1[-1][1] + 30):
        assert genomic_pos1(tx, tx.c_pos(pos1)) == pos1
    assert genomic_pos1(tx, "20") == 5227002
    with pytest.raises(ValueError, match="not the last base of an exon"):
        genomic_pos1(tx, "91+5")


@pytest.mark.parametrize(
    "gene, hgvs_c, named_c, hgvs_p, consequence",
    [
        ("HBB", "c.444A>G", "c.444A>G", "p.(Ter148=)", "synonymous"),
        ("HBB", "c.3_4insTAG", "c.3_4insTAG", "p.(Val2*)", "nonsense"),
        ("HBB", "c.1_2insT", "c.2dup", "p.(Met1?)", "start_loss"),
        ("HBB", "c.-5_3del", "c.-5_3del", "p.(Met1?)", "start_loss"),
        ("HBB", "c.442_444del", "c.442_444del", "p.(Ter148Alaext*20)", "stop_loss"),
        ("HBB", "c.20_22delinsTAA", "c.20_22delinsTAA", "p.(Glu7_Glu8delinsValLys)", "missense"),
        ("HBB", "c.92+10_92+11insA", "c.92+11dup", "", "intron"),
        ("HBB", "c.315+1_315+2del", "c.315+2_315+3del", "", "splice_donor"),
        ("HBB", "c.-40_-38del", "c.-40_-38del", "", "utr5"),
        ("HBA2", "c.*93_*94del", "c.*93_*94del", "", "utr3"),
        ("HBA2", "c.60del", "c.60del", "p.(His21Thrfs*29)", "frameshift"),
    ],
)
def test_edge_cases_name_and_consequence(ref, gene, hgvs_c, named_c, hgvs_p, consequence):
    a = annotate(ref, *parse_c(ref, gene, hgvs_c))
    assert (a.hgvs_c, a.hgvs_p, a.consequence) == (named_c, hgvs_p, consequence)


def test_c_position_past_the_stop_codon_is_rejected():
    with pytest.raises(ValueError, match=r"past the stop codon \(c.444\); write c.\*N"):
        genomic_pos1(transcripts()["HBB"], "446")


def test_parse_c_round_trip_for_every_catalog_row(ref):
    from thalgen.catalog import load_small_variants

    rows = [v for v in load_small_variants() if v.gene in transcripts()]
    assert len(rows) == 80
    for v in rows:
        assert parse_c(ref, v.gene, v.hgvs_c) == v.key, v.id
        a = annotate(ref, *v.key)
        assert (a.gene, a.transcript, a.hgvs_c) == (v.gene, v.transcript, v.hgvs_c), v.id
        assert a.consequence in CONSEQUENCES, (v.id, a.consequence)
        if v.hgvs_p.startswith("p.("):
            assert a.hgvs_p == v.hgvs_p, v.id
