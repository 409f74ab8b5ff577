"""The HTTP API over a real uvicorn server on loopback."""
from __future__ import annotations

import httpx

CONTRACT_PASSAGE = {"doc_id", "source", "title", "section", "section_title", "page_start", "page_end", "text", "score"}
CONTRACT_CITATION = (CONTRACT_PASSAGE - {"score"}) | {"marker"}


def test_healthz(examples_server):
    body = httpx.get(f"{examples_server.url}/healthz").json()
    assert body["status"] == "ok" and body["documents"] == 3 and body["chunks"] > 10


def test_ask_returns_the_output_contract(examples_server):
    r = httpx.post(f"{examples_server.url}/v1/ask",
                   json={"question": "Sở Tài chính phải báo cáo kịch bản thu ngân sách trước ngày nào?"}, timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"question", "answer", "abstained", "citations", "passages", "timings_ms"}
    assert not body["abstained"] and "[1]" in body["answer"]
    citation = body["citations"][0]
    assert CONTRACT_CITATION <= set(citation)
    assert citation["source"] == "TB_15_phien_hop_thang_01_2025.txt" and citation["section"] == "II.2.1"
    assert "31/01/2025" in citation["text"]
    assert len(body["passages"]) >= 10 and CONTRACT_PASSAGE <= set(body["passages"][0])


def test_search_and_errors(examples_server):
    body = httpx.get(f"{examples_server.url}/v1/search", params={"q": "ký số văn bản", "k": 3}).json()
    assert len(body["passages"]) == 3 and body["passages"][0]["source"] == "KH_42_chuyen_doi_so_2025.docx"
    bad = httpx.post(f"{examples_server.url}/v1/ask", json={"question": ""})
    assert bad.status_code == 422 and bad.json()["detail"] == "invalid request"
    assert httpx.post(f"{examples_server.url}/v1/ask", content=b"{not json",
                      headers={"Content-Type": "application/json"}).status_code == 422
    assert httpx.get(f"{examples_server.url}/v1/search", params={"q": "x", "k": 0}).status_code == 422


def test_openapi_and_web_page(examples_server):
    assert httpx.get(f"{examples_server.url}/docs").status_code == 200
    assert "/v1/ask" in httpx.get(f"{examples_server.url}/openapi.json").json()["paths"]
    page = httpx.get(f"{examples_server.url}/")
    assert page.status_code == 200 and "<form" in page.text
