"""The bad-input matrix end to end, over HTTP and the command line: every hostile file or request gets a
clear error (or a flag), and the store is untouched: same catalog generation, same documents with the
same chunks and fingerprints, same cache sizes, same answer to a known question.

Field-level checks of each bad request (which field is named) are in tests/test_api.py; this module
checks what those requests and files leave behind.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys

import httpx
import pytest
from conftest import ROOT, LiveServer, make_container
from reliability_support import (
    LEGACY_NOTICE,
    assert_documents_whole,
    assert_known_answer,
    copy_store,
    hostile_files,
    snapshot,
    to_cp1258,
    to_tcvn3,
    to_vni,
)

KEY = "reliability-key"
AUTH = {"X-API-Key": KEY}
LIMIT_MB = 1.0
LEGACY = {"TB_77_cp1258.txt": (to_cp1258, "Windows-1258"), "TB_77_tcvn3.txt": (to_tcvn3, "TCVN3"),
          "TB_77_vni.txt": (to_vni, "VNI")}
FOREST_QUESTION = "Cơ quan nào tuần tra bảo vệ rừng phòng hộ đầu nguồn sông Trà Khúc?"


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    return hostile_files(tmp_path_factory.mktemp("hostile"))


@pytest.fixture(scope="module")
def server(examples_container, tmp_path_factory):
    """A server over a private copy of the examples store, with an API key and a 1 MB upload limit."""
    from qa_service.api import create_app

    data = copy_store(examples_container.settings.data_dir, tmp_path_factory.mktemp("inputs") / "data")
    container = make_container(data, api_key=KEY, max_upload_mb=LIMIT_MB)
    with LiveServer(create_app(container=container)) as live:
        live.container = container
        live.baseline = snapshot(container)
        assert_known_answer(live.baseline)
        yield live


def multipart(filename: str, data: bytes) -> tuple[bytes, dict]:
    """A multipart body written by hand, so the file name reaches the server byte for byte."""
    boundary = "reliability-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {**AUTH, "Content-Type": f"multipart/form-data; boundary={boundary}"}


def raw_upload(server, filename: str, data: bytes) -> httpx.Response:
    body, headers = multipart(filename, data)
    return httpx.post(f"{server.url}/v1/documents", content=body, headers=headers, timeout=120)


def assert_untouched(server) -> None:
    assert snapshot(server.container) == server.baseline
    assert httpx.get(f"{server.url}/healthz").json()["documents"] == len(server.baseline.documents)


@pytest.mark.parametrize("name", ["zero_bytes.pdf", "truncated.pdf", "corrupt.pdf", "encrypted.pdf",
                                  "two_thousand_pages.pdf", "zip_bomb.docx", "html_named.pdf",
                                  "unknown_encoding.txt", "flate_bomb.pdf", "page_tree_cycle.pdf"])
def test_hostile_upload_is_refused_clearly_and_the_store_is_untouched(server, files, name):
    data, words = files[name]
    r = raw_upload(server, name, data)
    assert r.status_code == 422, r.text
    outcome = r.json()["files"][0]
    assert outcome["status"] == "error" and words in outcome["message"], outcome
    assert outcome["source"] == name and name in r.json()["detail"]
    assert_untouched(server)


def _peak_rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:")) / 1024


def test_a_decompression_bomb_never_reaches_the_server_process_memory(server, files):
    """A 13 kB PDF inflating to 1 GB took 2 GB in the reading process: it is read in a bounded child now."""
    before = _peak_rss_mb()
    r = raw_upload(server, "flate_bomb.pdf", files["flate_bomb.pdf"][0])
    assert r.status_code == 422 and "MB of memory" in r.json()["files"][0]["message"]
    assert _peak_rss_mb() - before < 300  # the server (this process) never held the inflated stream
    assert_untouched(server)


def test_pdf_errors_belong_to_their_file(server, files):
    """PDFium keeps error state between documents in one process; each PDF is read in its own child."""
    encrypted = raw_upload(server, "encrypted.pdf", files["encrypted.pdf"][0])
    cycle = raw_upload(server, "page_tree_cycle.pdf", files["page_tree_cycle.pdf"][0])
    assert "encrypted" in encrypted.json()["files"][0]["message"]
    assert "damaged" in cycle.json()["files"][0]["message"] and "encrypted" not in cycle.json()["files"][0]["message"]
    assert_untouched(server)


@pytest.mark.parametrize("raw_name, stored, content", [
    ("../../../etc/passwd.pdf", "passwd.pdf", "html_named.pdf"),
    ("..\\..\\boot.ini\\bomb.docx", "bomb.docx", "zip_bomb.docx"),
    ("nul\x00byte\x01.pdf", "nul byte.pdf", "encrypted.pdf"),
    ("d" * 300 + ".pdf", "d" * 116 + ".pdf", "truncated.pdf"),
    ("bao_cao\u202efdp.exe.pdf", "bao_caofdp.exe.pdf", "html_named.pdf"),  # would display as "bao_cao" + "fdp.exe.pdf" reversed
    ("\u2067....pdf", "upload.pdf", "encrypted.pdf"),
])
def test_hostile_names_on_hostile_files(server, files, raw_name, stored, content):
    data, words = files[content]
    r = raw_upload(server, raw_name, data)
    assert r.status_code == 422, r.text
    outcome = r.json()["files"][0]
    assert outcome["source"] == stored and words in outcome["message"]
    assert_untouched(server)


def test_uploads_over_the_size_limit_and_of_unsupported_types_leave_the_store_untouched(server, files):
    just_over = b"a" * int(LIMIT_MB * 1024 * 1024 + 1)  # the file is over; the request is within its framing
    r = httpx.post(f"{server.url}/v1/documents", files=[("files", ("big.txt", just_over))], headers=AUTH, timeout=60)
    assert r.status_code == 413 and "over the 1 MB upload limit" in r.json()["detail"]
    big = just_over * 2
    declared = httpx.post(f"{server.url}/v1/documents", files=[("files", ("big.txt", big))], headers=AUTH, timeout=60)
    assert declared.status_code == 413 and "upload is over the 1 MB limit" in declared.json()["detail"]
    body, headers = multipart("big.txt", big)
    streamed = httpx.post(f"{server.url}/v1/documents", headers=headers, timeout=60,  # no Content-Length
                          content=(body[i:i + 65536] for i in range(0, len(body), 65536)))
    assert streamed.status_code == 413
    typed = raw_upload(server, "tool.exe", b"MZ\x90\x00")
    assert typed.status_code == 415 and "unsupported file type .exe" in typed.json()["detail"]
    assert_untouched(server)


BAD_REQUESTS = [
    ("post", "/v1/ask", {"content": b'{"question": "thu ng\xc3\xa2n s\xc3\xa1ch",', "json_type": True}, 400),
    ("post", "/v1/ask", {"content": b"\xff\xfe not even text", "json_type": True}, 400),
    ("post", "/v1/ask", {"json": {"question": ""}}, 422),
    ("post", "/v1/ask", {"json": {"question": " \n\t\u3000 "}}, 422),
    ("post", "/v1/ask", {"json": {"question": "thu ngân sách " * 7200}}, 422),  # ~100 kB of question
    ("post", "/v1/ask", {"json": {"question": "x", "k": 0}}, 422),
    ("post", "/v1/ask", {"json": {"question": "x", "k": 10_000}}, 422),
    ("post", "/v1/ask", {"json": {"question": "x", "k": -1}}, 422),
    ("post", "/v1/ask", {"json": {"question": "x", "filters": {"province": "Hòa Sơn"}}}, 422),
    ("post", "/v1/ask", {"json": {"question": "x", "filters": {"doc_id": "'; DROP TABLE chunks; --"}}}, 422),
    ("post", "/v1/ask/stream", {"json": {"question": "   "}}, 422),
    ("get", "/v1/search", {"params": {"q": "x", "limit": 0}}, 422),
    ("get", "/v1/search", {"params": {"q": "x", "k": 5000}}, 422),
    ("get", "/v1/search", {"params": {"q": " "}}, 422),
    ("get", "/v1/search", {"params": {"q": "x", "section": "II%"}}, 422),
    ("get", "/v1/search", {"params": {"q": "x", "unknown": "1"}}, 422),
    ("get", "/v1/documents", {"params": {"limit": 100_000}}, 422),
    ("post", "/v1/documents", {"json": {"files": ["a.pdf"]}, "auth": True}, 422),  # not multipart
    ("delete", "/v1/documents/..%2F..%2Fcatalog.sqlite3", {"auth": True}, 404),
]


def test_bad_requests_are_4xx_json_and_leave_the_store_untouched(server):
    for method, path, options, status in BAD_REQUESTS:
        options = dict(options)
        headers = {**(AUTH if options.pop("auth", False) else {}),
                   **({"Content-Type": "application/json"} if options.pop("json_type", False) else {})}
        r = httpx.request(method, f"{server.url}{path}", headers=headers, timeout=60, **options)
        assert r.status_code == status, (method, path, r.text[:300])
        assert r.headers["content-type"].startswith("application/json") and r.json()["detail"]
    assert_untouched(server)


def test_legacy_encodings_are_converted_and_stored_beside_the_existing_documents(examples_container, tmp_path):
    """cp1258, TCVN3 and VNI text is detected and converted (with a warning naming the encoding); the
    documents already stored keep their chunks and the known answer."""
    from qa_service.api import create_app

    container = make_container(copy_store(examples_container.settings.data_dir, tmp_path / "data"), api_key=KEY)
    before = snapshot(container)
    with LiveServer(create_app(container=container)) as live:
        for name, (encode, encoding) in LEGACY.items():
            r = raw_upload(live, name, encode(LEGACY_NOTICE))
            assert r.status_code == 201, r.text
            outcome = r.json()["files"][0]
            assert outcome["status"] == "added" and f"converted from {encoding}" in outcome["message"], outcome
        answer = httpx.post(f"{live.url}/v1/ask", json={"question": FOREST_QUESTION}, timeout=60).json()
    assert answer["citations"][0]["source"] in LEGACY
    assert "Sở Nông nghiệp và Môi trường chủ trì tuần tra bảo vệ rừng phòng hộ" in answer["citations"][0]["text"]
    after = snapshot(container)
    assert set(before.documents) < set(after.documents) and len(after.documents) == len(before.documents) + 3
    assert (after.answer, after.citation) == (before.answer, before.citation)
    assert after.generation == before.generation + 3
    assert_documents_whole(container.store)


# -- the command line --------------------------------------------------------------------------------------
def cli(*args: str, data_dir, **settings: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NOTICE_QA_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
           **{f"NOTICE_QA_{name.upper()}": value for name, value in settings.items()}}
    return subprocess.run([sys.executable, "-m", "qa_service.cli", *args], capture_output=True, text=True, env=env,
                          cwd=ROOT, timeout=600, check=False)


def test_cli_ingest_reports_each_hostile_file_and_keeps_the_store(examples_container, files, tmp_path):
    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    before = snapshot(make_container(data))
    folder = tmp_path / "incoming"
    folder.mkdir()
    for name, (content, _) in files.items():
        (folder / name).write_bytes(content)
    for name, (encode, _) in LEGACY.items():
        (folder / name).write_bytes(encode(LEGACY_NOTICE))
    (folder / "over_the_limit.txt").write_bytes(LEGACY_NOTICE.encode() * 1500)  # 0.7 MB of real text

    proc = cli("ingest", "--json", str(folder), data_dir=data, max_file_mb="0.5")
    assert proc.returncode == 1, proc.stderr  # some files failed
    outcomes = {f["source"]: f for f in json.loads(proc.stdout)["files"]}
    too_big = outcomes["over_the_limit.txt"]
    assert too_big["status"] == "error" and "MiB, over the" in too_big["message"], too_big
    for name, (_, words) in files.items():
        assert outcomes[name]["status"] == "error" and words in outcomes[name]["message"], outcomes[name]
    for name, (_, encoding) in LEGACY.items():
        assert outcomes[name]["status"] == "added" and f"converted from {encoding}" in outcomes[name]["message"]

    reopened = make_container(data)
    after = snapshot(reopened)
    assert set(before.documents) < set(after.documents)
    assert {d[1] for d in set(after.documents) - set(before.documents)} == set(LEGACY)
    assert (after.answer, after.citation) == (before.answer, before.citation)
    assert_documents_whole(reopened.store)


@pytest.mark.parametrize("args, words", [
    (("ask", "   \t"), "must not be empty or only whitespace"),
    (("ask", "thu ngân sách " * 7200), "at most 2000 characters"),  # ~100 kB on the command line
    (("ask", "-k", "0", "x"), "0 is not in the range 1<=x<=100"),
    (("ask", "-k", "101", "x"), "101 is not in the range"),
    (("search", "-k", "-1", "x"), "-1 is not in the range 1<=x<=200"),
    (("search", ""), "invalid query: String should have at least 1 character"),  # as GET /v1/search (422)
    (("search", "  \t"), "invalid query: must not be empty or only whitespace"),
])
def test_cli_refuses_bad_questions_and_k_before_touching_the_store(args, words, tmp_path):
    proc = cli(*args, data_dir=tmp_path / "never-created")
    assert proc.returncode != 0 and words in proc.stderr, proc.stderr
    assert not (tmp_path / "never-created").exists()
