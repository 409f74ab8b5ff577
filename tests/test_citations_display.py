"""How a citation reads and what it marks: the heading a quote stands under (not an item's own first
sentence repeated above it), and each quoted piece marked on its own (a lead-in and its item, without the
lines between them), in the API and in the web page's document viewer."""
from __future__ import annotations

import pytest
from conftest import make_container

from qa_service.answering.base import QUOTE_JOINER, CitedQuote
from qa_service.service import to_citation

NOTICE = """ỦY BAN NHÂN DÂN TỈNH HÒA SƠN
Số: 88/TB-UBND
Hòa Sơn, ngày 10 tháng 3 năm 2025
THÔNG BÁO
Kết luận về công tác chuyển đổi số
I. NHIỆM VỤ
1. Về hạ tầng số
Giao Sở Thông tin và Truyền thông chủ trì thực hiện các nhiệm vụ sau:
- Triển khai mạng 5G tại các khu công nghiệp, hoàn thành trước ngày 30/6/2025.
- Phát triển sàn thương mại điện tử của tỉnh, hoàn thành trong quý III/2025.
- Số hóa học bạ của học sinh toàn tỉnh, hoàn thành trước ngày 31/12/2025.
2. Về dữ liệu số
a) Sở Tài nguyên và Môi trường chủ trì xây dựng cơ sở dữ liệu đất đai của tỉnh, hoàn thành trước ngày 30/9/2025.
b) Sở Y tế chủ trì triển khai hồ sơ sức khỏe điện tử cho người dân, hoàn thành trước ngày 31/10/2025.
"""
LEAD = "Giao Sở Thông tin và Truyền thông chủ trì thực hiện các nhiệm vụ sau:"
ITEM = "- Số hóa học bạ của học sinh toàn tỉnh, hoàn thành trước ngày 31/12/2025."


@pytest.fixture(scope="module")
def container(tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("citations") / "data")
    assert container.ingest_runner.ingest_bytes(NOTICE.encode(), "TB_88_chuyen_doi_so.txt").status == "added"
    return container


def _hit(container, query: str, section: str):
    return next(h for h in container.service.search(query, k=10) if h.chunk.section == section)


def test_each_quoted_piece_is_marked_without_the_lines_between(container):
    hit = _hit(container, "số hóa học bạ", "1")
    citation = to_citation(CitedQuote(1, hit, f"{LEAD}{QUOTE_JOINER}{ITEM}"))
    text = container.store.catalog.document_detail(hit.chunk.doc_id)["text"]
    assert [text[a:b] for a, b in citation.spans] == [LEAD, ITEM]
    assert "sàn thương mại điện tử" not in "".join(text[a:b] for a, b in citation.spans)
    assert (citation.char_start, citation.char_end) == (citation.spans[0][0], citation.spans[-1][1])


def test_an_item_is_cited_under_its_heading_not_its_own_first_sentence(container):
    hit = _hit(container, "hồ sơ sức khỏe điện tử", "2.b")
    assert hit.chunk.section_title.startswith("Sở Y tế chủ trì")  # the parser's title of an item is its line
    citation = to_citation(CitedQuote(1, hit, hit.chunk.text))
    assert citation.section_title == "Về dữ liệu số"
    assert to_citation(CitedQuote(1, _hit(container, "học bạ", "1"), ITEM)).section_title == "Về hạ tầng số"


def test_the_viewer_marks_the_pieces_apart(container):
    pytest.importorskip("playwright.sync_api")
    from conftest import LiveServer
    from test_web import ARGS, CHROMIUM, TIMEOUT_MS, expect, sync_api

    from qa_service.api import create_app

    hit = _hit(container, "số hóa học bạ", "1")
    citation = to_citation(CitedQuote(1, hit, f"{LEAD}{QUOTE_JOINER}{ITEM}")).model_dump()
    with LiveServer(create_app(container=container)) as server, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            page = browser.new_page()
            page.set_default_timeout(TIMEOUT_MS)
            page.goto(server.url)
            page.evaluate("(c) => openPassage(c)", citation)
            marks = page.locator("#viewer-body mark")
            expect(marks).to_have_count(2)
            expect(marks.nth(0)).to_have_text(LEAD)
            expect(marks.nth(1)).to_have_text(ITEM)
        finally:
            browser.close()
