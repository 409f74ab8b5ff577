"""The shared Vietnamese text tools (ingest/vietnamese.py) that ingest, index and answering all use."""
from __future__ import annotations

from pathlib import Path

from ingest.vietnamese import fold, fold_chars, fold_key, has_diacritics, split_tone, tokenize

ROOT = Path(__file__).resolve().parent.parent


def test_fold_removes_tones_and_diacritics_and_keeps_case():
    assert fold("Sở Tài chính ĐỒNG NAI") == "So Tai chinh DONG NAI"
    assert fold("so tai chinh") == "so tai chinh"
    # Decomposed input (as some file systems store names) folds like the composed one.
    assert fold("Sở".encode().decode()) == fold("So\u031b\u0309") == "So"


def test_keys_compare_agency_spellings():
    assert fold_key("Sở KH&ĐT") == fold_key("sở kh & đt") == "so kh va dt"
    assert fold_key("  UBND  tỉnh,  Lâm Đồng. ") == "ubnd tinh lam dong"



def test_fold_by_table_agrees_with_folding_character_by_character():
    """``fold`` maps characters through a table; it must fold every text as the decomposition does."""
    import random
    import unicodedata

    from ingest.vietnamese import _fold_slow

    rng = random.Random(11)
    texts = ["Chủ tịch UBND tỉnh Lâm Đồng giao Sở Tài chính chủ trì, trước ngày 31/01/2024.",
             unicodedata.normalize("NFD", "Đắk Nông, Khánh Hòa, Thừa Thiên Huế"), "ĐỒNG ý", "plain ascii", ""]
    pools = [(0x20, 0x250), (0x300, 0x370), (0x1E00, 0x1F00), (0x370, 0x3000), (0x3000, 0x3100), (0x10000, 0x10400)]
    for _ in range(5000):
        texts.append("".join(chr(rng.randrange(*rng.choice(pools))) for _ in range(rng.randrange(1, 10))))
    assert [fold(t) for t in texts] == [_fold_slow(t) for t in texts]


def test_term_set_is_the_set_of_lexical_terms():
    from index.text import lexical_terms, term_set

    for text in ("Sở Tài chính chủ trì xây dựng kịch bản thu ngân sách năm 2025", "so tai chinh", "GRDP đạt 5,11%",
                 "Ủy ban nhân dân tỉnh\nĐắk Lắk"):
        assert term_set(text) == set(lexical_terms(tokenize(text)))


def test_fold_chars_keeps_offsets():
    text = "Giao Sở Tài chính chủ trì"
    folded = fold_chars(text)
    assert len(folded) == len(text)
    at = folded.index("tai chinh")
    assert text[at:at + len("tai chinh")] == "Tài chính"


def test_tones_split_off_as_digits_whatever_the_mark_placement():
    assert split_tone("thỏa") == split_tone("thoả") == ("thoa", "3")
    assert split_tone("Đường") == ("đương", "2") and split_tone("ba") == ("ba", "")


def test_tokens_keep_numbers_whole_and_diacritics_are_detected():
    assert tokenize("GRDP đạt 5,11%; thu 9.399 tỷ trước 31/01/2024") == [
        "grdp", "đạt", "5,11", "thu", "9.399", "tỷ", "trước", "31/01/2024"]
    assert has_diacritics("Sở") and not has_diacritics("So tai chinh")


def test_no_other_module_folds_text_on_its_own():
    """One place for folding: a second NFD-stripping fold elsewhere is a copy to remove."""
    copies = [str(p.relative_to(ROOT)) for package in ("ingest", "index", "qa_service")
              for p in (ROOT / package).rglob("*.py")
              if 'normalize("NFD"' in p.read_text(encoding="utf-8") and p.name != "vietnamese.py"]
    assert copies == []
