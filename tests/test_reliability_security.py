"""Security of the HTTP service: API keys for writes and (optionally) reads, compared in constant time;
CORS only for configured origins; and no request reaching the file system outside the data directory
(every file the server opens while answering hostile requests is recorded with an audit hook).

Markup in notices staying text in the web page is tests/test_web.py; instructions inside a notice
staying data for the LLM is tests/test_llm_answerer.py.
"""
from __future__ import annotations

import os
import sys
import threading
from pathlib import Path

import httpx
import pytest
from conftest import LiveServer, make_container
from pydantic import ValidationError
from reliability_support import KNOWN_QUESTION, copy_store, wait_until_serving

WRITE_KEY, READ_KEY = "write-k3y", "read-k3y"
READS = [("get", "/v1/search", {"params": {"q": "ngân sách"}}), ("get", "/v1/documents", {}),
         ("get", "/v1/facets", {}), ("get", "/v1/tasks", {}), ("get", "/v1/indicators", {}),
         ("post", "/v1/ask", {"json": {"question": KNOWN_QUESTION}}),
         ("post", "/v1/ask/stream", {"json": {"question": KNOWN_QUESTION}})]


@pytest.fixture(scope="module")
def keyed_server(examples_container, tmp_path_factory):
    from qa_service.api import create_app

    data = copy_store(examples_container.settings.data_dir, tmp_path_factory.mktemp("keyed") / "data")
    container = make_container(data, api_key=WRITE_KEY, read_api_key=READ_KEY)
    with LiveServer(create_app(container=container)) as live:
        live.container = container
        yield live


def call(server, method: str, path: str, key: str | None = None, **options) -> httpx.Response:
    headers = {"X-API-Key": key.encode("utf-8")} if key is not None else {}  # raw bytes, non-ASCII too
    return httpx.request(method, f"{server.url}{path}", headers=headers, timeout=60, **options)


@pytest.mark.parametrize("method, path, options", READS)
def test_reads_need_the_read_or_the_write_key_when_one_is_set(keyed_server, method, path, options):
    for wrong in (None, "", "read-k3", READ_KEY + "x", "ĐĐĐ", WRITE_KEY[:-1]):
        r = call(keyed_server, method, path, wrong, **options)
        assert r.status_code == 401 and "API key" in r.json()["detail"], (wrong, r.text[:200])
    assert call(keyed_server, method, path, READ_KEY, **options).status_code == 200
    assert call(keyed_server, method, path, WRITE_KEY, **options).status_code == 200


def test_health_page_and_schema_stay_open_and_writes_need_the_write_key(keyed_server):
    for path in ("/healthz", "/", "/openapi.json"):
        assert call(keyed_server, "get", path).status_code == 200
    doc_id = keyed_server.container.store.documents()[0].doc_id
    assert call(keyed_server, "delete", f"/v1/documents/{doc_id}", READ_KEY).status_code == 401
    upload = {"files": [("files", ("TB_1.txt", "Thông báo về kiểm tra khóa đọc và khóa ghi.".encode()))]}
    assert call(keyed_server, "post", "/v1/documents", READ_KEY, **upload).status_code == 401
    assert call(keyed_server, "post", "/v1/documents", WRITE_KEY, **upload).status_code == 201
    assert call(keyed_server, "delete", f"/v1/documents/{doc_id}", WRITE_KEY).status_code == 200


def test_keys_are_compared_in_constant_time(keyed_server, monkeypatch):
    """Every check goes through hmac.compare_digest (its time does not depend on how much of a guess is
    right); a key of another length or with non-ASCII characters is a plain 401, never an error."""
    import hmac

    from qa_service.api import deps

    compared: list[tuple[bytes, bytes]] = []
    real = hmac.compare_digest

    def counting(a, b):
        compared.append((a, b))
        return real(a, b)

    monkeypatch.setattr(deps.hmac, "compare_digest", counting)
    assert call(keyed_server, "get", "/v1/facets", "x" * 10_000).status_code == 401
    assert call(keyed_server, "delete", "/v1/documents/abc", "W" * 3).status_code == 401
    assert {b for _, b in compared} == {READ_KEY.encode(), WRITE_KEY.encode()}  # both keys, each via compare_digest


@pytest.mark.parametrize("settings, words", [
    ({"read_api_key": "r"}, "NOTICE_QA_READ_API_KEY needs NOTICE_QA_API_KEY"),
    ({"api_key": "khóa"}, "NOTICE_QA_API_KEY must be printable ASCII"),
    ({"api_key": "k", "read_api_key": "r\n"}, "NOTICE_QA_READ_API_KEY must be printable ASCII"),
    ({"api_key": " k"}, "NOTICE_QA_API_KEY must be printable ASCII without outer spaces"),
])
def test_unusable_key_settings_are_refused_at_start(tmp_path, settings, words):
    with pytest.raises(ValidationError, match=words):
        make_container(tmp_path, **settings)


def test_cors_answers_only_the_configured_origins(examples_container, tmp_path):
    from qa_service.api import create_app

    container = make_container(examples_container.settings.data_dir, cors_origins=["https://intranet.example"])
    with LiveServer(create_app(container=container)) as live:
        for origin, allowed in (("https://intranet.example", True), ("https://evil.example", False)):
            r = httpx.options(f"{live.url}/v1/ask", headers={"Origin": origin, "Access-Control-Request-Method": "POST"})
            assert (r.headers.get("access-control-allow-origin") == origin) == allowed, r.headers


# -- no request reaches the file system outside the data directory -------------------------------------------
_recording = threading.Event()
_opened: list[tuple[str, str]] = []
_hooked = False


def _record(event: str, args: tuple) -> None:
    if not _recording.is_set() or threading.current_thread() is threading.main_thread():
        return  # only the server's threads, while hostile requests are in flight
    files = ("open", "sqlite3.connect", "os.remove", "os.rename", "os.mkdir", "os.rmdir", "shutil.rmtree", "os.chmod")
    if event in files and args and isinstance(args[0], (str, bytes, os.PathLike)):
        _opened.append((event, os.fsdecode(args[0])))


def hostile(round_: int) -> list[tuple[str, str, dict]]:
    """Requests that try to name files; ``round_`` makes each round's uploads new documents (written)."""
    def upload(name: str, text: str) -> dict:
        return {"files": [("files", (name, f"{text} Lần {round_}.".encode()))]}

    return [
        ("get", "/../../../../etc/passwd", {}),
        ("get", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd", {}),
        ("get", "/v1/documents/..%2F..%2F..%2Fetc%2Fpasswd", {}),
        ("get", "/v1/documents/%2Fetc%2Fpasswd", {"params": {"include_text": "true"}}),
        ("delete", "/v1/documents/..%2Fcatalog.sqlite3", {}),
        ("get", "/v1/documents", {"params": {"source": "../../../../etc/passwd", "q": "/etc/passwd"}}),
        ("get", "/v1/search", {"params": {"q": "../../etc/passwd", "source": "/etc/passwd"}}),
        ("get", "/v1/tasks", {"params": {"doc": "../../../../etc/passwd"}}),
        ("get", "/v1/indicators", {"params": {"doc": "/etc/shadow"}}),
        ("post", "/v1/ask", {"json": {"question": "file:///etc/passwd", "filters": {"source": "../../etc/passwd"}}}),
        ("post", "/v1/documents", upload("../../../../tmp/evil-notice.txt", "Thông báo thử đường dẫn độc hại.")),
        ("post", "/v1/documents", upload("/etc/cron.d/evil.txt", "Thông báo thử tên tệp tuyệt đối.")),
        ("post", "/v1/documents", {"files": [("files", ("C:\\Windows\\evil.pdf", b"%PDF-1.7 broken"))]}),
    ]


def test_no_request_reaches_the_file_system_outside_the_data_directory(keyed_server):
    global _hooked
    if not _hooked:
        sys.addaudithook(_record)  # audit hooks cannot be removed; _record is idle unless recording
        _hooked = True
    data_dir = keyed_server.container.settings.data_dir.resolve()
    for method, path, options in hostile(0):  # warm up: lazy imports and caches before recording
        call(keyed_server, method, path, WRITE_KEY, **options)
    _opened.clear()
    _recording.set()
    try:
        responses = [call(keyed_server, method, path, WRITE_KEY, **options) for method, path, options in hostile(1)]
    finally:
        _recording.clear()
    assert all(r.status_code < 500 for r in responses), [(r.status_code, r.text[:100]) for r in responses]
    passwd = Path("/etc/passwd").read_text(errors="replace").splitlines()[0] if Path("/etc/passwd").exists() else ""
    assert not passwd or all(passwd not in r.text for r in responses)
    assert any(Path(path).name.endswith(".tmp") for _, path in _opened), _opened  # the saves were seen
    outside = [(event, path) for event, path in _opened
               if data_dir not in Path(path).resolve().parents and Path(path).resolve() != data_dir]
    assert not outside, outside
    assert not Path("/tmp/evil-notice.txt").exists() and not Path("/etc/cron.d/evil.txt").exists()


@pytest.fixture(scope="module")
def open_server(examples_container, tmp_path_factory):
    """The `make run` set-up: no API key."""
    from qa_service.api import create_app

    data = copy_store(examples_container.settings.data_dir, tmp_path_factory.mktemp("open") / "data")
    container = make_container(data, cors_origins=["http://trusted.example"])
    with LiveServer(create_app(container=container)) as live:
        live.container = container
        yield live


def test_pages_of_other_sites_cannot_write_without_a_key(open_server):
    """What a no-cors `fetch(..., {method: 'POST', body: FormData})` from another site sends is refused."""
    before = [(d.doc_id, d.chunk_count) for d in open_server.container.store.documents()]
    doc_id = before[0][0]
    upload = {"files": [("files", ("TB_1.txt", "Thông báo giả mạo thay thế văn bản.".encode()))]}
    for headers in ({"Origin": "http://evil.example"}, {"Origin": "null"},
                    {"Sec-Fetch-Site": "cross-site"}, {"Origin": open_server.url + ".evil.example"}):
        r = httpx.post(f"{open_server.url}/v1/documents", headers=headers, timeout=60, **upload)
        assert r.status_code == 403 and "cross-origin" in r.json()["detail"], (headers, r.text[:200])
        r = httpx.delete(f"{open_server.url}/v1/documents/{doc_id}", headers=headers, timeout=60)
        assert r.status_code == 403, headers
    assert [(d.doc_id, d.chunk_count) for d in open_server.container.store.documents()] == before
    # The service's own page, a configured origin, and scripts without an Origin may write.
    own = httpx.post(f"{open_server.url}/v1/documents", headers={"Origin": open_server.url,
                                                                 "Sec-Fetch-Site": "same-origin"}, timeout=60, **upload)
    assert own.status_code == 201, own.text
    trusted = httpx.post(f"{open_server.url}/v1/documents", headers={"Origin": "http://trusted.example"},
                         timeout=60, **upload)
    assert trusted.status_code in (200, 201), trusted.text
    assert httpx.post(f"{open_server.url}/v1/documents", timeout=60, **upload).status_code in (200, 201)


def test_idle_and_slowloris_connections_are_closed_and_others_served(examples_container, tmp_path):
    """``notice-qa serve`` closes a connection whose request head is not in after the deadline: one that
    sends nothing, and one that sends its headers a line at a time; a keep-alive client is served again."""
    import socket
    import subprocess
    import time

    from conftest import ROOT, _free_port

    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    port = _free_port()
    env = {**os.environ, "NOTICE_QA_DATA_DIR": str(data), "NOTICE_QA_REQUEST_HEAD_TIMEOUT_S": "1.5"}
    server = subprocess.Popen([sys.executable, "-m", "qa_service.cli", "serve", "--port", str(port)], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server)

        def closed_after(send_slowly: bool) -> float:
            with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
                start = time.monotonic()
                if send_slowly:
                    for line in (b"GET /healthz HTTP/1.1\r\n", b"Host: x\r\n", b"X-A: 1\r\n", b"X-B: 2\r\n",
                                 b"X-C: 3\r\n", b"X-D: 4\r\n"):
                        try:
                            sock.sendall(line)
                        except OSError:
                            break
                        time.sleep(0.6)
                assert sock.recv(1024) == b""  # closed by the server, without an answer
                return time.monotonic() - start

        assert closed_after(send_slowly=False) < 10
        assert closed_after(send_slowly=True) < 10
        with httpx.Client(timeout=30) as client:  # a keep-alive client is served across the deadline
            assert client.get(f"{url}/healthz").status_code == 200
            r = client.post(f"{url}/v1/ask", json={"question": KNOWN_QUESTION})
            assert r.status_code == 200 and r.json()["citations"]
    finally:
        server.terminate()
        server.wait(timeout=60)
