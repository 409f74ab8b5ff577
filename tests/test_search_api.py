"""Archive search over HTTP: filters, pagination, marked query words, grouping and export."""
from __future__ import annotations

import csv
import io

import httpx
import pytest

from index.retriever import SearchFilters
from ingest.vietnamese import fold, tokenize
from qa_service.highlight import QueryTerms

TB15 = "TB_15_phien_hop_thang_01_2025.txt"
KH42 = "KH_42_chuyen_doi_so_2025.docx"
TB27 = "TB_27_giai_ngan_dau_tu_cong.pdf"


def search(server, **params) -> dict:
    r = httpx.get(f"{server.url}/v1/search", params=params, timeout=30)
    assert r.status_code == 200, r.text
    return r.json()


def test_first_version_request_and_fields_still_work(examples_server):
    body = search(examples_server, q="ký số văn bản", k=3)
    assert len(body["passages"]) == 3 and body["passages"][0]["source"] == KH42
    assert {"doc_id", "source", "title", "section", "section_title", "page_start", "page_end", "text",
            "score"} <= set(body["passages"][0])


@pytest.mark.parametrize("params, sources", [
    ({"doc_type": "THÔNG BÁO"}, {TB15, TB27}),
    ({"doc_type": "ke hoach"}, {KH42}),  # typed without tone marks or capitals
    ({"issuer": "hòa sơn"}, {TB15, TB27, KH42}),  # lower case against "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN"
    ({"date_from": "2025-02-01"}, {TB27, KH42}),
    ({"date_from": "2025-01-01", "date_to": "2025-01-31"}, {TB15}),
    ({"source": TB27}, {TB27}),
])
def test_filters_restrict_the_documents_searched(examples_server, params, sources):
    body = search(examples_server, q="giao sở chủ trì thực hiện", limit=50, **params)
    assert body["total"] > 0 and {p["source"] for p in body["passages"]} == sources


def test_a_filter_matching_nothing_finds_nothing(examples_server):
    body = search(examples_server, q="ngân sách", issuer="Lâm Đồng")
    assert body["total"] == 0 and body["passages"] == []


def test_section_prefix_filter(examples_server):
    body = search(examples_server, q="nhiệm vụ", section="II.2", source=TB15, limit=50)
    labels = {p["section"] for p in body["passages"]}
    assert labels and all(label == "II.2" or label.startswith("II.2.") for label in labels)
    assert "II.2.1" in labels


def test_pages_are_consecutive_slices_of_one_ranking(examples_server):
    whole = search(examples_server, q="báo cáo UBND tỉnh", limit=15)
    pages = [search(examples_server, q="báo cáo UBND tỉnh", limit=5, page=n) for n in (1, 2, 3)]
    assert [p["chunk_id"] for page in pages for p in page["passages"]] == [p["chunk_id"] for p in whole["passages"]]
    assert [p["rank"] for page in pages for p in page["passages"]] == list(range(1, 16))
    assert pages[1]["offset"] == 5 and all(page["total"] == whole["total"] for page in pages)
    by_offset = search(examples_server, q="báo cáo UBND tỉnh", limit=5, offset=5)
    assert by_offset["passages"] == pages[1]["passages"]
    past_the_end = search(examples_server, q="báo cáo UBND tỉnh", limit=5, offset=whole["total"])
    assert past_the_end["passages"] == [] and past_the_end["total"] == whole["total"]


def test_highlights_mark_the_query_words_in_each_passage(examples_server):
    body = search(examples_server, q="kịch bản thu ngân sách", limit=10)
    assert body["terms"] == ["kịch", "bản", "thu", "ngân", "sách"]
    top = body["passages"][0]
    marked = [top["text"][start:end] for start, end in top["highlights"]]
    assert "kịch bản thu ngân sách" in marked  # adjacent words form one span
    query_words = set(tokenize(body["query"]))
    for passage in body["passages"]:
        text = passage["text"]
        previous_end = 0
        for start, end in passage["highlights"]:
            assert previous_end <= start < end <= len(text)
            assert set(tokenize(text[start:end])) <= query_words
            previous_end = end


def test_a_syllable_is_not_marked_inside_another_word():
    from qa_service.highlight import highlight_spans

    text = "Công tác giải phóng mặt bằng còn chậm; giải ngân vốn đầu tư công đạt 11,4% kế hoạch năm 2025 (CCHC)."
    marked = [text[s:e] for s, e in highlight_spans(text, QueryTerms.of("giải ngân vốn đầu tư công"))]
    assert marked == ["giải ngân vốn đầu tư công"]  # not "giải" of "giải phóng", nor "công" of "Công tác"
    marked = [text[s:e] for s, e in highlight_spans(text, QueryTerms.of("kết quả CCHC năm 2025"))]
    assert marked == ["năm 2025", "CCHC"]  # figures and acronyms stand alone
    assert [text[s:e] for s, e in highlight_spans(text, QueryTerms.of("giải"))] == ["giải", "giải"]


def test_passages_showing_none_of_the_query_words_come_last(examples_server):
    for q in ("giải ngân vốn đầu tư công", "trung tâm dữ liệu", "so tai chinh bao cao"):
        body = search(examples_server, q=q, limit=50)
        terms = QueryTerms.of(q)
        shows = [terms.any_occur_in(f"{p['section_title']} {p['text']}") for p in body["passages"]]
        assert shows[0] and shows == sorted(shows, reverse=True), (q, shows)


def test_query_without_tone_marks_highlights_the_accented_words(examples_server):
    body = search(examples_server, q="so tai chinh", limit=5)
    marked = {fold(p["text"][s:e]).lower() for p in body["passages"] for s, e in p["highlights"]}
    assert "so tai chinh" in marked and marked <= {"so tai chinh", "tai chinh", "so tai", "so", "chinh"}


def test_grouped_by_document(examples_server):
    flat = search(examples_server, q="giải ngân vốn đầu tư công", limit=200)
    grouped = search(examples_server, q="giải ngân vốn đầu tư công", group="true", per_document=2, limit=2)
    groups = grouped["groups"]
    assert grouped["total"] == len({p["doc_id"] for p in flat["passages"]}) and len(groups) == 2
    assert groups[0]["source"] == TB27 and groups[0]["best_rank"] == 1
    assert len({g["doc_id"] for g in groups}) == 2
    for group in groups:
        in_flat = [p for p in flat["passages"] if p["doc_id"] == group["doc_id"]]
        assert group["hits"] == len(in_flat)
        assert [p["chunk_id"] for p in group["passages"]] == [p["chunk_id"] for p in in_flat[:2]]
    assert grouped["passages"] == [p for g in groups for p in g["passages"]]
    second_page = search(examples_server, q="giải ngân vốn đầu tư công", group="true", limit=2, page=2)
    assert {g["doc_id"] for g in second_page["groups"]}.isdisjoint({g["doc_id"] for g in groups})


def test_csv_export_of_search_results(examples_server):
    r = httpx.get(f"{examples_server.url}/v1/search", params={"q": "ngân sách", "limit": 7, "format": "csv"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    assert 'filename="notice-qa-search.csv"' in r.headers["content-disposition"]
    assert r.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    expected = search(examples_server, q="ngân sách", limit=7)["passages"]
    assert [int(row["chunk_id"]) for row in rows] == [p["chunk_id"] for p in expected]
    assert rows[0]["source"] == expected[0]["source"] and rows[0]["section"] == expected[0]["section"]
    assert rows[0]["text"].lstrip("'") == expected[0]["text"]


def test_json_export_is_the_response_as_a_download(examples_server):
    r = httpx.get(f"{examples_server.url}/v1/search", params={"q": "ngân sách", "limit": 4, "format": "json"})
    assert 'filename="notice-qa-search.json"' in r.headers["content-disposition"]
    assert r.json() == search(examples_server, q="ngân sách", limit=4)


@pytest.mark.parametrize("params, field", [
    ({"q": "x", "province": "Hòa Sơn"}, "province"),
    ({"q": "x", "limit": 0}, "limit"),
    ({"q": "x", "limit": 201}, "limit"),
    ({"q": "x", "k": 0}, "k"),
    ({"q": "x", "offset": -1}, "offset"),
    ({"q": "x", "page": 0}, "page"),
    ({"q": "x", "page": 2, "offset": 10}, "request"),
    ({"q": "x", "date_from": "2025-13-01"}, "date_from"),
    ({"q": "x", "date_from": "2025-03-01", "date_to": "2025-01-01"}, "request"),
    ({"q": "x", "format": "xlsx"}, "format"),
    ({"q": "x", "section": "%"}, "section"),  # a label, never a LIKE pattern
    ({"q": "   "}, "q"),
    ({"q": "x" * 2001}, "q"),
    ({}, "q"),
])
def test_bad_search_requests_are_422_with_the_field_named(examples_server, params, field):
    r = httpx.get(f"{examples_server.url}/v1/search", params=params)
    assert r.status_code == 422, r.text
    assert field in [e["field"] for e in r.json()["errors"]]


def test_documents_dated_by_month_only_are_inside_a_range_of_that_month(tmp_path):
    """A signed copy often leaves the day blank ("ngày    tháng 12 năm 2025"): the date is "2025-12"."""
    from conftest import make_container

    from qa_service.archive import document_filter
    from qa_service.schemas import DocumentFilters

    container = make_container(tmp_path / "store")
    text = ("ỦY BAN NHÂN DÂN\nTỈNH HÒA SƠN\nSố: 90/TB-UBND\nHòa Sơn, ngày      tháng 12 năm 2025\nTHÔNG BÁO\n"
            "Kết luận về công tác phòng cháy rừng mùa khô\n1. Giao Chi cục Kiểm lâm tăng cường tuần tra rừng thông.")
    outcome = container.ingest_runner.ingest_bytes(text.encode(), "TB_90_thang_12.txt")
    assert outcome.status == "added"
    [doc] = container.store.documents()
    assert doc.date == "2025-12"
    inside = [("2025-12-01", "2025-12-31"), ("2025-12-15", "2025-12-15"), ("2025-11-01", "2025-12-01"),
              ("", "2025-12-31")]
    outside = [("2026-01-01", ""), ("2025-11-01", "2025-11-30")]
    for date_from, date_to in inside + outside:
        hits = container.service.search("tuần tra rừng thông", k=3,
                                        filters=SearchFilters(date_from=date_from, date_to=date_to))
        listed = document_filter(DocumentFilters(date_from=date_from or None, date_to=date_to or None))(doc)
        expected = (date_from, date_to) in inside
        assert bool(hits) == expected and listed == expected, (date_from, date_to)
