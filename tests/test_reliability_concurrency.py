"""Concurrent use of one server: uploads, deletes and questions at the same time, the same file uploaded by
several clients at once, and questions answered while an upload is being embedded.

The load script (eval/bench_load.py) runs the long version: 50 clients for 2 minutes while another
process ingests into the same data directory.
"""
from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from conftest import LiveServer, make_container
from reliability_support import (
    KNOWN_QUESTION,
    assert_documents_whole,
    assert_known_answer,
    copy_store,
    numbered_notice,
    snapshot,
)


@pytest.fixture
def live(examples_container, tmp_path):
    from qa_service.api import create_app

    container = make_container(copy_store(examples_container.settings.data_dir, tmp_path / "data"))
    with LiveServer(create_app(container=container)) as server:
        server.container = container
        yield server


def upload(server, name: str, text: str) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/documents", files=[("files", (name, text.encode()))], timeout=300)


def test_the_same_file_uploaded_by_several_clients_at_once_is_stored_once(live):
    before = len(live.container.store.documents())
    with ThreadPoolExecutor(6) as pool:
        responses = list(pool.map(lambda _: upload(live, "TB_300_rung.txt", numbered_notice(0)), range(6)))
    statuses = sorted(r.json()["files"][0]["status"] for r in responses)
    assert statuses == ["added"] + ["unchanged"] * 5, statuses
    assert len(live.container.store.documents()) == before + 1
    assert_documents_whole(live.container.store)


def test_questions_uploads_and_deletes_at_the_same_time(live):
    before = snapshot(live.container)
    stop = threading.Event()
    problems: list[str] = []
    answered = [0]

    def ask_repeatedly() -> None:
        with httpx.Client(base_url=live.url, timeout=300) as http:
            while not stop.is_set():
                r = http.post("/v1/ask", json={"question": KNOWN_QUESTION})
                if r.status_code != 200:
                    problems.append(f"ask {r.status_code}: {r.text[:200]}")
                elif r.json()["citations"][0]["source"] != before.citation[0]:
                    problems.append(f"ask answered from {r.json()['citations'][0]['source']}")
                answered[0] += 1
                hits = http.get("/v1/search", params={"q": "rừng phòng hộ tiểu khu", "limit": 50})
                if hits.status_code != 200:
                    problems.append(f"search {hits.status_code}: {hits.text[:200]}")

    readers = [threading.Thread(target=ask_repeatedly) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        stored = []
        for i in range(8):
            r = upload(live, f"TB_{300 + i}_rung.txt", numbered_notice(i))
            assert r.status_code == 201, r.text
            stored.append(r.json()["files"][0]["doc_id"])
            if i % 3 == 2:  # delete one of the new documents now and then
                gone = stored.pop(0)
                assert httpx.delete(f"{live.url}/v1/documents/{gone}", timeout=300).status_code == 200
    finally:
        stop.set()
        for reader in readers:
            reader.join(timeout=300)
    assert not problems, problems[:5]
    assert answered[0] > 0
    assert_documents_whole(live.container.store)
    after = snapshot(make_container(live.container.settings.data_dir))  # what a restart sees
    assert len(after.documents) == len(before.documents) + len(stored)
    assert_known_answer(after)


class GatedEmbeddings:
    """The real embedder, except that encoding passages waits until the test opens the gate: an upload
    held in the middle of its embedding, for as long as the test needs."""

    def __init__(self, inner):
        self.inner = inner
        self.embedding = threading.Event()
        self.gate = threading.Event()

    def encode_passages(self, texts):
        self.embedding.set()
        self.gate.wait(timeout=120)
        return self.inner.encode_passages(texts)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_questions_are_answered_while_an_upload_is_being_embedded(examples_container, tmp_path):
    """Embedding a large upload takes minutes on a small machine; questions must not wait for it.

    Fails while NoticeStore.upsert embeds inside the store lock that NoticeStore.refresh (called by
    every search) also takes: every question then waits for the whole upload.
    """
    from qa_service.api import create_app

    container = make_container(copy_store(examples_container.settings.data_dir, tmp_path / "data"))
    gated = container.__dict__["embedder"] = GatedEmbeddings(container.embedder)
    with LiveServer(create_app(container=container)) as live:
        uploading = threading.Thread(target=upload, args=(live, "TB_300_rung.txt", numbered_notice(0)))
        uploading.start()
        try:
            assert gated.embedding.wait(timeout=120), "the upload never reached its embedding"
            try:
                r = httpx.post(f"{live.url}/v1/ask", json={"question": KNOWN_QUESTION}, timeout=20)
            except httpx.ReadTimeout:
                pytest.fail("the question waited for the upload's embedding (still waiting after 20 s)")
            assert r.status_code == 200 and r.json()["citations"][0]["source"] == "TB_15_phien_hop_thang_01_2025.txt"
        finally:
            gated.gate.set()
            uploading.join(timeout=300)
    assert_documents_whole(container.store)


def test_searches_go_on_while_a_write_waits_for_another_process(examples_container, tmp_path):
    """Another process holds the write lock (a long `rebuild --reembed`): an upload here waits for it, and
    searches do not wait with it; health reports the waiting writer."""
    from qa_service.api.routes import healthz

    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    container = make_container(data)
    store = container.store
    holder = subprocess.Popen([sys.executable, "-c", "import fcntl, sys, time\n"
                               f"fh = open({str(data / '.write.lock')!r}, 'a+')\n"
                               "fcntl.flock(fh, fcntl.LOCK_EX)\nprint('held', flush=True)\ntime.sleep(40)\n"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        upload = threading.Thread(target=container.ingest_runner.ingest_bytes,
                                  args=("Thông báo về lịch tiếp công dân tháng 5 năm 2025.".encode(), "TB_99.txt"))
        upload.start()
        for _ in range(300):
            if store.writer_waiting_s > 0:
                break
            time.sleep(0.1)
        hits = container.service.search("Trung tâm dữ liệu tỉnh", k=3)
        health = healthz(container)
        assert hits and upload.is_alive() and store.writer_waiting_s > 0  # searched while the writer waited
        assert health["writer_waiting_s"] > 0
    finally:
        holder.kill()
        holder.wait()
    upload.join(60)
    assert not upload.is_alive() and "TB_99.txt" in {d.source for d in store.documents()}
