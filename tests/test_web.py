"""The web page in headless Chromium against a real server: ask and open a citation, search with a
filter, upload a document, the tasks tab, and a hostile notice whose markup must stay text.

Needs the ``playwright`` package and a Chromium binary on the machine (Debian ``chromium``); the
browser is never downloaded. Skips cleanly where either is missing.
"""
from __future__ import annotations

import os
import re
import shutil

import httpx
import pytest
from conftest import LiveServer, make_container
from docgen import write_docx

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = os.environ.get("NOTICE_QA_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
if not CHROMIUM:
    pytest.skip("no chromium binary on this machine", allow_module_level=True)

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run"]
TIMEOUT_MS = 30_000
XSS_NOTICE = """ỦY BAN NHÂN DÂN
TỈNH HÒA SƠN
Số: 66/TB-UBND
Hòa Sơn, ngày 01 tháng 4 năm 2025
THÔNG BÁO
Kết luận về kiểm thử mã độc <script>window.__pwned = 'title'</script>
I. NHIỆM VỤ
1. Giao Sở Thông tin và Truyền thông kiểm thử mã độc <script>window.__pwned = 'script'</script> \
trong cổng thông tin điện tử, hoàn thành trước ngày 30/4/2025.
2. Giao Sở Thông tin và Truyền thông gỡ ảnh độc hại <img src=x onerror="window.__pwned='img'"> \
khỏi cổng thông tin điện tử.
"""


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, errors  # no script errors on the page


@pytest.fixture(scope="module")
def writable_server(tmp_path_factory):
    """A server over a fresh store holding one hostile notice; uploads are allowed without a key."""
    from qa_service.api import create_app

    container = make_container(tmp_path_factory.mktemp("web-store") / "data")
    outcome = container.ingest_runner.ingest_bytes(XSS_NOTICE.encode("utf-8"), "TB_66_ma_doc.txt")
    assert outcome.status == "added", outcome
    with LiveServer(create_app(container=container)) as server:
        yield server


def expect(locator):
    return sync_api.expect(locator)


def test_ask_then_click_a_citation_shows_the_passage_highlighted_in_its_section(page, examples_server):
    page.goto(examples_server.url)
    page.fill("#ask-q", "Sở Tài chính phải báo cáo kịch bản thu ngân sách trước ngày nào?")
    page.click("#ask-go")
    expect(page.locator("#answer")).to_contain_text("31/01/2025")
    expect(page.locator("#answer-confidence")).to_contain_text("Độ tin cậy ước tính")
    citation = httpx.post(f"{examples_server.url}/v1/ask", timeout=30, json={
        "question": "Sở Tài chính phải báo cáo kịch bản thu ngân sách trước ngày nào?"}).json()["citations"][0]
    page.locator("#answer button.marker").first.click()
    viewer = page.locator("#viewer")
    expect(viewer).to_be_visible()
    expect(page.locator("#viewer-body mark")).to_have_text(citation["text"])
    expect(page.locator("#viewer-meta")).to_contain_text(f"Mục {citation['section']}")
    expect(page.locator("#viewer-meta")).to_contain_text(citation["source"])
    body = page.locator("#viewer-body").text_content()
    assert body.startswith("2.1. Tài chính - ngân sách") and len(body) > len(citation["text"])  # the whole section
    page.click("#viewer-close")
    expect(viewer).to_be_hidden()
    page.locator(".citation button.link").first.click()  # the citation card opens it too
    expect(page.locator("#viewer-body mark")).to_have_text(citation["text"])
    # A question of only spaces clears the earlier answer and says what to do.
    page.click("#viewer-close")
    page.fill("#ask-q", "   ")
    page.click("#ask-go")
    expect(page.locator("#ask-status")).to_have_text("Hãy nhập câu hỏi.")
    expect(page.locator("#answer")).to_have_count(0)


def test_the_page_has_its_own_icon_offline(page, examples_server):
    page.goto(examples_server.url)
    href = page.locator("link[rel=icon]").get_attribute("href")
    assert href.startswith("data:image/svg+xml")  # no request, no 404 for /favicon.ico


def test_the_api_page_renders_without_network(page, examples_server):
    page.goto(f"{examples_server.url}/docs")  # headless Chromium here reaches nothing but the server
    expect(page.locator(".swagger-ui .title")).to_contain_text("notice-qa")
    expect(page.locator(".opblock-summary-path").first).to_be_visible()


def test_ask_with_a_document_type_filter(page, examples_server):
    page.goto(examples_server.url)
    page.click("details.filters summary")
    page.select_option("[data-filters=ask] select[name=doc_type]", "KẾ HOẠCH")
    page.fill("#ask-q", "Các cơ quan báo cáo kết quả chuyển đổi số về đâu?")
    page.click("#ask-go")
    expect(page.locator("#answer")).to_be_visible()
    sources = page.locator(".citation .meta").all_text_contents()
    assert sources and all("KH_42_chuyen_doi_so_2025.docx" in s for s in sources)


def test_search_with_a_filter_marks_the_query_words_and_pages(page, examples_server):
    page.goto(examples_server.url)
    page.click("nav [data-tab=search]")
    page.fill("#search-q", "giải ngân vốn")
    page.select_option("[data-filters=search] select[name=doc_type]", "THÔNG BÁO")
    page.select_option("[data-filters=search] select[name=limit]", "10")
    page.click("#search-form button")
    expect(page.locator("#search-status")).to_contain_text("1–10 /")
    cards = page.locator("#search-out .card")
    expect(cards).to_have_count(10)
    metas = cards.locator(".meta").all_text_contents()
    assert all(m.startswith("THÔNG BÁO") for m in metas)
    marks = {m.lower() for m in page.locator("#search-out mark").all_text_contents()}
    assert "giải ngân vốn" in marks and marks <= {"giải ngân vốn", "giải ngân", "giải", "ngân", "vốn", "ngân vốn"}
    csv_link = page.locator("#search-out .pager a", has_text="CSV").first.get_attribute("href")
    assert "format=csv" in csv_link and "doc_type=" in csv_link
    assert httpx.get(examples_server.url + csv_link).headers["content-type"].startswith("text/csv")
    page.locator("#search-out .pager button", has_text="Trang sau").first.click()
    expect(page.locator("#search-status")).to_contain_text("11–")


def test_upload_a_docx_then_ask_about_it(page, writable_server, tmp_path):
    path = write_docx(tmp_path / "TB_77_van_hoa.docx", [
        "ỦY BAN NHÂN DÂN", "TỈNH HÒA SƠN", "Số: 77/TB-UBND", "Hòa Sơn, ngày 05 tháng 5 năm 2025", "THÔNG BÁO",
        "Kết luận về tổ chức lễ hội văn hóa các dân tộc năm 2025", "I. NHIỆM VỤ",
        "1. Giao Sở Văn hóa, Thể thao và Du lịch chủ trì tổ chức Lễ hội trà hoa vàng, hoàn thành trước ngày 20/9/2025."])
    page.goto(writable_server.url)
    page.click("nav [data-tab=docs]")
    expect(page.locator("#docs-out")).not_to_contain_text("Lễ hội văn hóa")
    page.click("#upload-box summary")
    page.set_input_files("#upload-files", str(path))
    page.click("#upload-go")
    expect(page.locator("#upload-out tr[data-status=added]")).to_contain_text("TB_77_van_hoa.docx")
    expect(page.locator("#upload-out tr[data-status=added]")).to_contain_text("đã thêm")
    expect(page.locator("#upload-status")).to_have_text("1 tệp: 1 đã thêm")
    expect(page.locator("#docs-out")).to_contain_text("TB_77_van_hoa.docx")  # the list is refreshed
    page.click("nav [data-tab=ask]")
    page.fill("#ask-q", "Ai chủ trì tổ chức Lễ hội trà hoa vàng?")
    page.click("#ask-go")
    expect(page.locator("#answer")).to_contain_text("Lễ hội trà hoa vàng")
    expect(page.locator(".citation .meta").first).to_contain_text("TB_77_van_hoa.docx")


def test_upload_of_a_bad_file_shows_the_error(page, writable_server, tmp_path):
    fake = tmp_path / "not_really.pdf"
    fake.write_text("<html>this is not a pdf</html>")
    page.goto(writable_server.url)
    page.click("nav [data-tab=docs]")
    page.click("#upload-box summary")
    page.set_input_files("#upload-files", str(fake))
    page.click("#upload-go")
    row = page.locator("#upload-out tr[data-status=error]")
    expect(row).to_contain_text("lỗi")
    expect(row).to_contain_text("Nội dung tệp không đúng với phần mở rộng .pdf.")
    expect(row.locator("td").last).to_have_attribute("title", re.compile("not PDF"))  # the server's words kept
    expect(page.locator("#upload-status")).to_have_text("1 tệp: 1 lỗi")
    expect(page.locator("#upload-status")).to_have_class(re.compile("error"))
    page.set_input_files("#upload-files", {"name": "tool.exe", "mimeType": "application/octet-stream",
                                           "buffer": b"MZ\x90\x00"})
    page.click("#upload-go")
    expect(page.locator("#upload-out tr[data-status=error]")).to_contain_text("Loại tệp không được hỗ trợ")


@pytest.mark.parametrize("csp", [True, False], ids=["with-csp", "escaping-alone"])
def test_a_notice_containing_markup_is_shown_as_text_and_never_runs(browser, writable_server, csp):
    # Without the Content-Security-Policy the page's own escaping must hold by itself.
    context = browser.new_context(bypass_csp=not csp)
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto(writable_server.url)
        page.fill("#ask-q", "Sở Thông tin và Truyền thông kiểm thử mã độc trong cổng thông tin điện tử trước ngày nào?")
        page.click("#ask-go")
        expect(page.locator("#ask-out .citation").first).to_contain_text("<script>")
        page.locator("#answer button.marker").first.click()
        expect(page.locator("#viewer-body")).to_contain_text("<script>window.__pwned = 'script'</script>")

        page.click("nav [data-tab=search]")
        page.fill("#search-q", "gỡ ảnh độc hại")
        page.click("#search-form button")
        expect(page.locator("#search-out .card").first).to_be_visible()
        expect(page.locator("#search-out")).to_contain_text('<img src=x onerror="window.__pwned=\'img\'">')

        page.click("nav [data-tab=docs]")
        expect(page.locator("#docs-out table")).to_contain_text("<script>window.__pwned = 'title'</script>")

        assert page.locator("main script, main img, #viewer script, #viewer img").count() == 0
        assert page.evaluate("() => window.__pwned") is None
    finally:
        context.close()


def test_tasks_tab_lists_tasks_or_says_not_available(page, examples_server):
    page.goto(examples_server.url)
    page.click("nav [data-tab=tasks]")
    page.click("#tasks-form button")
    status = page.locator("#tasks-status")
    expect(status).not_to_have_text(re.compile(r"^(|Đang tải…)$"))
    api = httpx.get(f"{examples_server.url}/v1/tasks")
    if api.status_code == 404:
        expect(status).to_contain_text("not available")
        return
    rows = api.json() if isinstance(api.json(), list) else api.json().get("tasks", [])
    expect(status).to_contain_text(f"{len(rows)} nhiệm vụ")
    expect(page.locator("#tasks-out tr")).to_have_count(len(rows) + 1 if rows else 0)


def test_documents_tab_lists_documents_and_shows_the_section_tree(page, examples_server):
    page.goto(examples_server.url)
    page.click("nav [data-tab=docs]")
    expect(page.locator("#docs-status")).to_have_text("3 văn bản")
    page.locator("#docs-out td button.link", has_text="Kết luận của Chủ tịch UBND tỉnh").click()
    expect(page.locator("#viewer .tree")).to_contain_text("II.2.1. Tài chính - ngân sách")
    page.locator("#viewer .tree button", has_text="II.2.1.").click()
    expect(page.locator("#viewer-body")).to_contain_text("Giao Sở Tài chính chủ trì")


def test_a_read_only_store_offers_no_upload_nor_deletion(page, examples_container):
    from qa_service.api import create_app

    container = make_container(examples_container.settings.data_dir, read_only=True)
    with LiveServer(create_app(container=container)) as server:
        page.goto(server.url)
        page.click("nav [data-tab=docs]")
        expect(page.locator("#read-only-note")).to_be_visible()
        expect(page.locator("#read-only-note")).to_contain_text("chỉ đọc")
        expect(page.locator("#upload-box")).to_be_hidden()
        expect(page.locator("#docs-status")).to_have_text("3 văn bản")
        expect(page.locator("#docs-out td button.link", has_text="Xóa")).to_have_count(0)
        page.click("nav [data-tab=ask]")
        page.fill("#ask-q", "Sở Tài chính phải báo cáo kịch bản thu ngân sách trước ngày nào?")
        page.click("#ask-go")
        expect(page.locator("#answer")).to_contain_text("31/01/2025")


def test_a_writable_store_offers_upload_and_deletion(page, examples_server):
    page.goto(examples_server.url)
    page.click("nav [data-tab=docs]")
    expect(page.locator("#docs-status")).to_have_text("3 văn bản")
    expect(page.locator("#docs-out td button.link", has_text="Xóa")).to_have_count(3)
    expect(page.locator("#read-only-note")).to_be_hidden()
    expect(page.locator("#upload-box")).to_be_visible()
