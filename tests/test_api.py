"""The HTTP API over a real uvicorn server on loopback: the output contract, asking with filters,
and the error matrix for bad requests (always JSON, always 4xx)."""
from __future__ import annotations

import json
import re

import httpx
import pytest

CONTRACT_PASSAGE = {"doc_id", "source", "title", "section", "section_title", "page_start", "page_end", "text", "score"}
CONTRACT_CITATION = (CONTRACT_PASSAGE - {"score"}) | {"marker"}
BUDGET_QUESTION = "Sở Tài chính phải báo cáo kịch bản thu ngân sách trước ngày nào?"


def test_healthz(examples_server):
    body = httpx.get(f"{examples_server.url}/healthz").json()
    assert body["status"] == "ok" and body["documents"] == 3 and body["chunks"] > 10


def test_ask_returns_the_output_contract(examples_server):
    r = httpx.post(f"{examples_server.url}/v1/ask", json={"question": BUDGET_QUESTION}, timeout=30)
    assert r.status_code == 200
    body = r.json()
    assert set(body) >= {"question", "answer", "abstained", "citations", "passages", "timings_ms"}
    assert not body["abstained"] and "[1]" in body["answer"]
    citation = body["citations"][0]
    assert CONTRACT_CITATION <= set(citation)
    assert citation["source"] == "TB_15_phien_hop_thang_01_2025.txt" and citation["section"] == "II.2.1"
    assert "31/01/2025" in citation["text"]
    assert len(body["passages"]) >= 10 and CONTRACT_PASSAGE <= set(body["passages"][0])


def test_citation_offsets_point_at_the_quoted_words_in_the_document_text(examples_server):
    body = httpx.post(f"{examples_server.url}/v1/ask", json={"question": BUDGET_QUESTION}, timeout=30).json()
    citation = body["citations"][0]
    doc = httpx.get(f"{examples_server.url}/v1/documents/{citation['doc_id']}",
                    params={"include_text": "true"}).json()
    assert doc["text"][citation["char_start"]:citation["char_end"]] == citation["text"]
    section = next(s for s in doc["sections"] if s["label"] == citation["section"])
    assert section["start"] <= citation["char_start"] < citation["char_end"] <= section["end"]
    passage = body["passages"][0]
    assert doc["text"][passage["char_start"]:passage["char_end"]] == passage["text"] or \
        passage["doc_id"] != citation["doc_id"]


def test_ask_with_filters_answers_only_from_matching_documents(examples_server):
    url = f"{examples_server.url}/v1/ask"
    plan_only = httpx.post(url, json={"question": BUDGET_QUESTION, "filters": {"doc_type": "ke hoach"}}, timeout=30)
    assert plan_only.status_code == 200
    assert {p["source"] for p in plan_only.json()["passages"]} == {"KH_42_chuyen_doi_so_2025.docx"}
    early = httpx.post(url, json={"question": BUDGET_QUESTION, "filters": {"date_to": "2025-01-31"}}, timeout=30).json()
    assert {p["source"] for p in early["passages"]} == {"TB_15_phien_hop_thang_01_2025.txt"}
    nowhere = httpx.post(url, json={"question": BUDGET_QUESTION, "filters": {"issuer": "Lâm Đồng"}}, timeout=30)
    assert nowhere.status_code == 200
    assert nowhere.json()["abstained"] and nowhere.json()["passages"] == [] and nowhere.json()["citations"] == []


def _error(response: httpx.Response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    return body


@pytest.mark.parametrize("payload, field", [
    ({"question": ""}, "question"),
    ({"question": "   \n\t "}, "question"),
    ({"question": "thu ngân sách " * 7000}, "question"),  # ~100 kB
    ({"question": "x", "k": 0}, "k"),
    ({"question": "x", "k": 101}, "k"),
    ({"question": "x", "k": "many"}, "k"),
    ({"question": "x", "top": 3}, "top"),
    ({"question": "x", "filters": {"province": "Hòa Sơn"}}, "filters.province"),
    ({"question": "x", "filters": {"date_from": "2025-02-30"}}, "filters.date_from"),
    ({"question": "x", "filters": {"date_from": "2025-03-01", "date_to": "2025-01-01"}}, "filters"),
    ({}, "question"),
    ([], "request"),
])
def test_ask_rejects_bad_requests_with_the_field_named(examples_server, payload, field):
    body = _error(httpx.post(f"{examples_server.url}/v1/ask", json=payload, timeout=30), 422)
    assert field in [e["field"] for e in body["errors"]]
    assert body["detail"].startswith("invalid request: ")


def test_malformed_json_is_a_400(examples_server):
    r = httpx.post(f"{examples_server.url}/v1/ask", content=b'{"question": "x",',
                   headers={"Content-Type": "application/json"})
    assert "not valid JSON" in _error(r, 400)["detail"]
    form = httpx.post(f"{examples_server.url}/v1/ask", data={"question": "x"})
    assert "expected a JSON object" in _error(form, 422)["detail"]


def test_oversized_bodies_are_refused_before_parsing(examples_server):
    huge = json.dumps({"question": "x" * 400_000}).encode()
    _error(httpx.post(f"{examples_server.url}/v1/ask", content=huge,
                      headers={"Content-Type": "application/json"}), 413)

    def chunks():  # no Content-Length: counted as it arrives
        for i in range(0, len(huge), 16_384):
            yield huge[i:i + 16_384]

    _error(httpx.post(f"{examples_server.url}/v1/ask", content=chunks(),
                      headers={"Content-Type": "application/json"}), 413)
    assert httpx.get(f"{examples_server.url}/healthz").status_code == 200


def test_unknown_routes_and_methods_are_json(examples_server):
    _error(httpx.get(f"{examples_server.url}/v1/nothing"), 404)
    _error(httpx.put(f"{examples_server.url}/v1/ask"), 405)
    _error(httpx.get(f"{examples_server.url}/v1/documents/0123456789abcdef"), 404)


def test_openapi_and_web_page(examples_server):
    docs = httpx.get(f"{examples_server.url}/docs")
    assert docs.status_code == 200 and "/docs-assets/swagger-ui-bundle.js" in docs.text
    assert "cdn." not in docs.text and "https://" not in docs.text.split("<body>")[0]  # no asset from the network
    for asset in ("swagger-ui-bundle.js", "swagger-ui.css"):
        r = httpx.get(f"{examples_server.url}/docs-assets/{asset}")
        assert r.status_code == 200 and len(r.content) > 10_000
    paths = httpx.get(f"{examples_server.url}/openapi.json").json()["paths"]
    assert {"/v1/ask", "/v1/search", "/v1/documents", "/v1/documents/{doc_id}", "/v1/facets", "/healthz"} <= set(paths)
    assert {"get", "post"} <= set(paths["/v1/documents"]) and {"get", "delete"} <= set(paths["/v1/documents/{doc_id}"])
    page = httpx.get(f"{examples_server.url}/")
    assert page.status_code == 200 and "<form" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'sha256-" in policy and "unsafe-inline" not in policy.split("script-src")[1].split(";")[0]
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page.text)  # self-contained: no CDN


def test_cors_is_off_by_default(examples_server):
    r = httpx.options(f"{examples_server.url}/v1/ask",
                      headers={"Origin": "https://elsewhere.example", "Access-Control-Request-Method": "POST"})
    assert "access-control-allow-origin" not in r.headers
