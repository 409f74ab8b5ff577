"""Distributed ingest on a local Ray (2 CPUs): the same store as a local ingest (documents, passages,
vectors, version groups, task and indicator rows), and an embedder worker killed mid-run loses nothing.

Skips where Ray is not installed (the optional extra ``notice-qa[ray]``).
"""
from __future__ import annotations

import os
import shutil
import signal
import sqlite3
from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, make_container
from reliability_support import write_notices

pytest.importorskip("ray")

SKIP_COLUMNS = {"ingested_at", "extracted_at", "vector", "origin"}  # when, and where the file lay


def _folder(tmp_path: Path) -> Path:
    """The examples, a copy of one under another name, one name in two folders with other words, a broken PDF."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.py"))
    (folder / "copies").mkdir()
    shutil.copy(folder / "TB_15_phien_hop_thang_01_2025.txt", folder / "copies" / "ban_sao_TB_15.txt")
    for year in ("2024", "2025"):
        (folder / year).mkdir()
        text = (EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt").read_text(encoding="utf-8")
        (folder / year / "thong_bao.txt").write_text(text.replace("2025", year).replace("15/TB", f"{year[-2:]}/TB"),
                                                     encoding="utf-8")
    (folder / "hong.pdf").write_bytes((EXAMPLES / "TB_27_giai_ngan_dau_tu_cong.pdf").read_bytes()[:3000])
    write_notices(folder / "more", 4)
    return folder


def _rows(data_dir: Path) -> tuple[dict, np.ndarray]:
    conn = sqlite3.connect(f"file:{data_dir / 'catalog.sqlite3'}?mode=ro", uri=True)
    tables = {}
    for table, order in (("documents", "doc_id"), ("chunks", "chunk_id"), ("doc_bands", "key, doc_id"),
                         ("fact_state", "doc_id"), ("fact_tasks", "task_id"), ("fact_indicators", "indicator_id")):
        columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})") if r[1] not in SKIP_COLUMNS]
        tables[table] = conn.execute(f"SELECT {', '.join(columns)} FROM {table} ORDER BY {order}").fetchall()
    vectors = np.stack([np.frombuffer(v, dtype=np.float32) for (v,) in
                        conn.execute("SELECT vector FROM chunks ORDER BY chunk_id")])
    conn.close()
    return tables, vectors


def _ray_ingest(data_dir: Path, folder: Path, on_file=None):
    from qa_service.ray_engine import RayIngestEngine

    container = make_container(data_dir)
    engine = RayIngestEngine(container.parser, container.settings, num_cpus=2)
    try:
        return container.ingest_runner.ingest_paths([folder], on_file=on_file, engine=engine)
    finally:
        engine.close()


def _assert_same_store(local: Path, distributed: Path) -> None:
    (tables, vectors), (ray_tables, ray_vectors) = _rows(local), _rows(distributed)
    for table in tables:
        assert ray_tables[table] == tables[table], table
    assert tables["fact_tasks"] and tables["chunks"]
    np.testing.assert_allclose(ray_vectors, vectors, atol=1e-5)


def test_a_distributed_ingest_gives_the_store_a_local_one_gives(tmp_path):
    folder = _folder(tmp_path)
    local = make_container(tmp_path / "local").ingest_runner.ingest_paths([folder])
    distributed = _ray_ingest(tmp_path / "ray", folder)
    assert [(f.source, f.status, f.chunks, f.doc_id, f.version_of) for f in distributed.files] == \
        [(f.source, f.status, f.chunks, f.doc_id, f.version_of) for f in local.files]
    assert {f.status for f in local.files} >= {"added", "duplicate", "error"}
    _assert_same_store(tmp_path / "local", tmp_path / "ray")
    again = _ray_ingest(tmp_path / "ray", folder)  # a rerun skips every stored file by its hash
    assert {f.status for f in again.files} == {"unchanged", "error"}


def _embedder_pids() -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and b"ray::_Embedder" in (entry / "cmdline").read_bytes():
                pids.append(int(entry.name))
        except OSError:
            continue
    return pids


def test_an_embedder_killed_mid_run_loses_nothing(tmp_path):
    folder = tmp_path / "notices"
    write_notices(folder, 10)
    make_container(tmp_path / "local").ingest_runner.ingest_paths([folder])
    killed: list[int] = []

    def kill_once(outcome) -> None:
        if not killed:
            killed.extend(_embedder_pids())
            for pid in killed:
                os.kill(pid, signal.SIGKILL)

    report = _ray_ingest(tmp_path / "ray", folder, on_file=kill_once)
    assert killed, "no embedder process was found to kill"
    assert [f.status for f in report.files] == ["added"] * 10
    _assert_same_store(tmp_path / "local", tmp_path / "ray")
