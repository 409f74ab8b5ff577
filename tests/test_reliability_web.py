"""The web page on a server whose reads need a key: the key entered on the page goes with every request.

Uses the headless Chromium of tests/test_web.py (skipped where playwright or chromium is missing).
"""
from __future__ import annotations

import pytest
from conftest import LiveServer, make_container
from reliability_support import copy_store
from test_web import TIMEOUT_MS, browser, expect  # noqa: F401  (browser is a fixture)

WRITE_KEY, READ_KEY = "web-write-key", "web-read-key"


@pytest.fixture(scope="module")
def read_keyed_server(examples_container, tmp_path_factory):
    from qa_service.api import create_app

    data = copy_store(examples_container.settings.data_dir, tmp_path_factory.mktemp("web-keyed") / "data")
    with LiveServer(create_app(container=make_container(data, api_key=WRITE_KEY, read_api_key=READ_KEY))) as live:
        yield live


def test_the_page_sends_the_entered_key_with_reads(browser, read_keyed_server):  # noqa: F811
    context = browser.new_context()
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(read_keyed_server.url)
        page.click("nav [data-tab=search]")
        page.fill("#search-q", "giải ngân vốn")
        page.click("#search-form button")
        expect(page.locator("#search-status")).to_contain_text("API key")  # refused without the key

        page.fill("#api-key", READ_KEY)
        page.click("nav [data-tab=search]")
        page.click("#search-form button")
        expect(page.locator("#search-out .card").first).to_be_visible()
        expect(page.locator("#search-status")).to_contain_text("1–10 /")
        # The export links carry the key too: the file is the server's CSV, not a 401.
        with page.expect_download() as download:
            page.click("#search-out a:text('Xuất CSV')")
        saved = download.value
        assert saved.suggested_filename.endswith(".csv")
        with open(saved.path(), encoding="utf-8-sig") as fh:
            header = fh.readline()
        assert header.startswith("rank,") and "detail" not in header
    finally:
        context.close()
    assert not errors, errors
