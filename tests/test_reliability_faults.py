"""Faults while the index is saved: kill -9 at each step of writing the cache files, and a full disk
(while saving the caches, and while committing to the catalog), then restart: the index opens, every
document is wholly present or absent, the known answer is unchanged and a re-run completes.

A kill while documents are being ingested (parsed, embedded, committed) is tests/test_index_crash.py.
"""
from __future__ import annotations

import errno
import json
import os
import resource
import signal
import subprocess
import sys
import textwrap

import httpx
import pytest
from conftest import ROOT, LiveServer, make_container
from reliability_support import (
    KNOWN_QUESTION,
    assert_documents_whole,
    assert_known_answer,
    copy_store,
    numbered_notice,
    snapshot,
    wait_until_serving,
    write_notices,
)

CACHE_FILES = ("dense.faiss", "dense.json", "lexical.npz")

# A child that ingests (or rebuilds) and stops dead at a chosen point of the cache save, so the parent
# can kill it there: before a finished temp file is renamed over a cache file, or halfway through
# writing the temp file.
CHILD = textwrap.dedent("""
    import io, os, sys, time
    from pathlib import Path

    import faiss
    import numpy as np

    from qa_service.container import Container
    from qa_service.settings import Settings

    data, folder, point, mode = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]

    def stop(where):
        print("STOPPED", where, flush=True)
        time.sleep(600)

    real_replace, real_savez, real_write_index = os.replace, np.savez, faiss.write_index

    def replace(src, dst, *args, **kwargs):
        if Path(dst).name == point:
            stop("before renaming over " + point)
        return real_replace(src, dst, *args, **kwargs)

    def savez(fh, **arrays):
        buffer = io.BytesIO()
        real_savez(buffer, **arrays)
        whole = buffer.getvalue()
        fh.write(whole[: len(whole) // 2])
        fh.flush()
        stop("halfway through lexical.npz")

    def write_index(index, path):
        real_write_index(index, path)
        os.truncate(path, os.path.getsize(path) // 2)
        stop("halfway through dense.faiss")

    os.replace = replace
    if point == "lexical.npz-half":
        np.savez = savez
    if point == "dense.faiss-half":
        faiss.write_index = write_index
    container = Container(Settings(data_dir=data))
    if mode == "ingest":
        container.ingest_runner.ingest_paths(sorted(folder.glob("*.txt")))
    else:
        container.store.rebuild()
    print("FINISHED", flush=True)
""")
NEW_DOCS = 3


def _run_child_until_stopped(data, folder, point: str, mode: str) -> str:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data), str(folder), point, mode], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = child.stdout.readline()
        assert line.startswith("STOPPED"), (line, child.stderr.read() if child.poll() is not None else "")
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL
    return line.strip()


def _saved_generation(data) -> int:
    return json.loads((data / "dense.json").read_text())["generation"]


@pytest.mark.parametrize("point, mode", [
    ("dense.faiss-half", "ingest"),
    ("dense.faiss", "ingest"),
    ("dense.json", "ingest"),
    ("lexical.npz-half", "ingest"),
    ("lexical.npz", "ingest"),
    ("dense.json", "rebuild"),
])
def test_kill_during_index_save_then_restart(examples_container, tmp_path, point, mode):
    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    before = snapshot(make_container(data))
    folder = tmp_path / "incoming"
    write_notices(folder, NEW_DOCS)

    where = _run_child_until_stopped(data, folder, point, mode)
    assert list(data.glob(".*.tmp")), where  # killed with a cache file half saved

    reopened = make_container(data)
    assert_documents_whole(reopened.store)
    assert not list(data.glob(".*.tmp"))  # leftovers of the killed save are removed at open
    after = snapshot(reopened)
    assert (after.answer, after.citation) == (before.answer, before.citation)
    assert_known_answer(after)
    # The catalog committed every document before the save began, so all are present, and whole.
    expected = len(before.documents) + (NEW_DOCS if mode == "ingest" else 0)
    assert len(after.documents) == expected
    hits = reopened.retriever.search("rừng phòng hộ tiểu khu 101", k=5)
    assert (hits[0].chunk.source == "TB_301_rung.txt") == (mode == "ingest")

    report = reopened.ingest_runner.ingest_paths([folder])  # a re-run completes and saves the caches
    assert report.ok, report.to_dict()
    statuses = [f.status for f in report.files]
    assert statuses == (["unchanged"] * NEW_DOCS if mode == "ingest" else ["added"] * NEW_DOCS)
    assert _saved_generation(data) == reopened.store.catalog.generation
    assert_documents_whole(make_container(data).store)


def _full_disk(monkeypatch, target: str) -> None:
    """Writing ``target`` fails halfway with ENOSPC, as on a full disk."""
    import faiss
    import numpy as np

    def no_space(path_or_file, whole: bytes):
        if isinstance(path_or_file, str):
            with open(path_or_file, "wb") as fh:
                fh.write(whole[: len(whole) // 2])
        else:
            path_or_file.write(whole[: len(whole) // 2])
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    if target == "dense.faiss":
        real = faiss.write_index

        def write_index(index, path):
            real(index, path)
            with open(path, "rb") as fh:
                whole = fh.read()
            no_space(path, whole)

        monkeypatch.setattr(faiss, "write_index", write_index)
    else:
        import io

        real = np.savez

        def savez(fh, **arrays):
            buffer = io.BytesIO()
            real(buffer, **arrays)
            no_space(fh, buffer.getvalue())

        monkeypatch.setattr(np, "savez", savez)


@pytest.mark.parametrize("target", ["dense.faiss", "lexical.npz"])
def test_disk_full_while_saving_the_index_keeps_the_previous_files_and_loses_nothing(
        examples_container, tmp_path, monkeypatch, target):
    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    container = make_container(data, api_key="k")
    before = snapshot(container)
    files_before = {name: (data / name).read_bytes() for name in CACHE_FILES}
    from qa_service.api import create_app

    with LiveServer(create_app(container=container)) as live:
        _full_disk(monkeypatch, target)
        r = httpx.post(f"{live.url}/v1/documents", headers={"X-API-Key": "k"}, timeout=120,
                       files=[("files", ("TB_300_rung.txt", numbered_notice(0).encode()))])
        assert r.status_code == 201, r.text  # the document is committed to the catalog
        outcome = r.json()["files"][0]
        assert outcome["status"] == "added" and "index files not saved" in outcome["message"]
        assert "No space left on device" in outcome["message"]
        kept = [target] + (["dense.json"] if target == "dense.faiss" else [])  # dense.json is written after it
        assert all((data / name).read_bytes() == files_before[name] for name in kept)  # the previous file intact
        assert not list(data.glob(".*.tmp"))
        # The running server searches the new document from memory and still answers as before.
        hits = httpx.get(f"{live.url}/v1/search", params={"q": "rừng phòng hộ tiểu khu 100", "limit": 3}).json()
        assert hits["passages"][0]["source"] == "TB_300_rung.txt"
        monkeypatch.undo()  # space is freed

        reopened = make_container(data)  # a restart while the caches on disk are the previous ones
        assert_documents_whole(reopened.store)
        after = snapshot(reopened)
        assert (after.answer, after.citation) == (before.answer, before.citation)
        assert len(after.documents) == len(before.documents) + 1

        r = httpx.post(f"{live.url}/v1/documents", headers={"X-API-Key": "k"}, timeout=120,
                       files=[("files", ("TB_301_rung.txt", numbered_notice(1).encode()))])
        assert r.status_code == 201 and r.json()["files"][0]["message"] == ""
        assert _saved_generation(data) == container.store.catalog.generation  # saved again once there is room


# -- a real write limit: the kernel refuses to grow any file past RLIMIT_FSIZE (EFBIG), as on a full disk ------
# notice-qa started under the limit; SIGXFSZ ignored so the writer gets the error instead of being killed.
LIMITED_CLI = ("import resource, runpy, signal, sys; signal.signal(signal.SIGXFSZ, signal.SIG_IGN); "
               "resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[1]),) * 2); "
               "sys.argv = ['notice-qa', *sys.argv[2:]]; runpy.run_module('qa_service.cli', run_name='__main__')")


def _limited_cli(max_bytes: int, *args: str) -> list[str]:
    return [sys.executable, "-c", LIMITED_CLI, str(max_bytes), *args]


def _room_for_a_few_commits(data) -> int:
    return max(p.stat().st_size for p in data.iterdir() if p.is_file()) + 120_000


def _cli_env(data) -> dict:
    return {**os.environ, "PYTHONPATH": str(ROOT), "NOTICE_QA_DATA_DIR": str(data),
            "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_cli_ingest_on_a_full_disk_stops_clearly_and_a_rerun_completes(examples_container, tmp_path):
    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    before = snapshot(make_container(data))
    folder = tmp_path / "incoming"
    write_notices(folder, 8)

    proc = subprocess.run(_limited_cli(_room_for_a_few_commits(data), "ingest", str(folder)), cwd=ROOT,
                          env=_cli_env(data), capture_output=True, text=True, timeout=600, check=False)
    assert proc.returncode == 1, proc.stderr
    assert "could not be written" in proc.stderr and "the disk is full or failing" in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr

    reopened = make_container(data)
    assert_documents_whole(reopened.store)
    partial = snapshot(reopened)
    assert (partial.answer, partial.citation) == (before.answer, before.citation)
    stored = len(partial.documents) - len(before.documents)
    assert 0 <= stored < 8

    report = reopened.ingest_runner.ingest_paths([folder])
    assert report.ok and [f.status for f in report.files].count("unchanged") == stored
    assert len(reopened.store.documents()) == len(before.documents) + 8
    assert_documents_whole(make_container(data).store)


@pytest.mark.skipif(not hasattr(resource, "RLIMIT_FSIZE"), reason="needs RLIMIT_FSIZE")
def test_uploads_to_a_server_on_a_full_disk_get_507_and_nothing_is_half_stored(examples_container, tmp_path):
    from conftest import _free_port

    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    before = snapshot(make_container(data))
    port = _free_port()
    log_path = tmp_path / "server.log"
    with open(log_path, "wb") as log:  # the server keeps its own descriptor
        server = subprocess.Popen(_limited_cli(_room_for_a_few_commits(data), "serve", "--port", str(port)),
                                  cwd=ROOT, env=_cli_env(data), stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, server, log_path)
        statuses = []
        for i in range(8):
            r = httpx.post(f"{url}/v1/documents", timeout=120,
                           files=[("files", (f"TB_{300 + i}_rung.txt", numbered_notice(i).encode()))])
            statuses.append(r.status_code)
            assert r.headers["content-type"].startswith("application/json")
            if r.status_code == 507:
                outcome = r.json()["files"][0]
                assert outcome["status"] == "error" and "not stored" in outcome["message"]
        assert 507 in statuses and set(statuses) <= {201, 507}, statuses
        assert httpx.get(f"{url}/healthz", timeout=30).status_code == 200  # still serving, and answering as before
        r = httpx.post(f"{url}/v1/ask", json={"question": KNOWN_QUESTION}, timeout=60)
        assert r.status_code == 200 and r.json()["answer"] == before.answer
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=60)

    reopened = make_container(data)
    assert_documents_whole(reopened.store)
    after = snapshot(reopened)
    assert len(after.documents) - len(before.documents) == statuses.count(201)
    assert (after.answer, after.citation) == (before.answer, before.citation)
