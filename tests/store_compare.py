"""Comparing two stores row by row: what "the same store" means for ingest engines and orders (Ray, parse-ahead)."""
from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

import numpy as np
from conftest import EXAMPLES
from reliability_support import write_notices

SKIP_COLUMNS = {"ingested_at", "extracted_at", "vector", "origin"}  # when, and where the file lay


def mixed_folder(tmp_path: Path) -> Path:
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


def store_rows(data_dir: Path) -> tuple[dict, np.ndarray]:
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


def assert_same_store(expected: Path, actual: Path) -> None:
    """The two stores hold the same documents, passages, version groups, task and indicator rows and vectors."""
    (tables, vectors), (other_tables, other_vectors) = store_rows(expected), store_rows(actual)
    for table in tables:
        assert other_tables[table] == tables[table], table
    assert tables["fact_tasks"] and tables["chunks"]
    np.testing.assert_allclose(other_vectors, vectors, atol=1e-5)
