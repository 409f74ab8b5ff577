"""The store persists to disk, never duplicates a document and repairs stale caches."""
from __future__ import annotations

import json
import shutil

import numpy as np
import pytest
from conftest import EXAMPLES, make_container

from index.dense import DenseIndex
from index.retriever import SearchFilters
from index.store import NoticeStore, StoreError
from ingest.pipeline import DocumentParser
from qa_service.archive import document_filter
from qa_service.schemas import DocumentFilters

TXT = EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt"


def _query_sources(container, query: str) -> list[str]:
    return [h.chunk.source for h in container.retriever.search(query, k=3)]


def test_reingest_adds_nothing_and_reopen_keeps_everything(tmp_path):
    data = tmp_path / "store"
    container = make_container(data)
    first = container.ingest_runner.ingest_paths([EXAMPLES])
    assert [f.status for f in first.files] == ["added"] * 3
    chunks = container.store.catalog.count_chunks()
    again = container.ingest_runner.ingest_paths([EXAMPLES])
    assert [f.status for f in again.files] == ["unchanged"] * 3
    assert container.store.catalog.count_chunks() == chunks
    container.store.close()

    reopened = make_container(data)
    assert reopened.store.dense.size == chunks == reopened.store.lexical.size
    assert _query_sources(reopened, "kịch bản thu ngân sách năm 2025")[0] == TXT.name


def test_a_second_run_skips_stored_files_unread_until_the_parser_or_the_file_changes(tmp_path, monkeypatch):
    from dataclasses import replace

    container = make_container(tmp_path / "store")
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    runner = container.ingest_runner
    assert {f.status for f in runner.ingest_paths([folder]).files} == {"added"}
    parsed: list[str] = []
    real_parse = DocumentParser.parse_file
    monkeypatch.setattr(DocumentParser, "parse_file", lambda self, path: parsed.append(path.name) or real_parse(self, path))
    again = runner.ingest_paths([folder])
    assert {f.status for f in again.files} == {"unchanged"} and parsed == []  # skipped by file hash, unparsed
    assert [f.chunks for f in again.files] == [container.store.catalog.parsed_as(f.doc_id)[2] for f in again.files]
    # New bytes under a stored name are parsed (and replace it); the others stay skipped.
    edited = folder / TXT.name
    edited.write_text(edited.read_text(encoding="utf-8") + "\nGiao Sở Tư pháp rà soát trước ngày 30/6/2025.\n",
                      encoding="utf-8")
    third = runner.ingest_paths([folder])
    assert parsed == [TXT.name] and {f.source: f.status for f in third.files}[TXT.name] == "replaced"
    # Another parser (here: other chunk sizes) parses every file again.
    chunker = replace(runner.parser.chunker, max_chars=runner.parser.chunker.max_chars + 100)
    runner.parser = replace(runner.parser, chunker=chunker)
    parsed.clear()
    runner.ingest_paths([folder])
    assert sorted(parsed) == sorted(f.source for f in third.files)


def test_files_of_one_name_in_two_folders_are_two_documents(tmp_path):
    """Archives repeat file names in every dossier: neither file may replace the other."""
    container = make_container(tmp_path / "store")
    runner = container.ingest_runner
    texts = {"2024": "Giao Sở Tài chính chủ trì lập dự toán ngân sách năm 2024 trước ngày 15/01/2024.",
             "2025": "Giao Sở Nội vụ chủ trì rà soát biên chế năm 2025 trước ngày 20/02/2025."}
    for year, text in texts.items():
        (tmp_path / "in" / year).mkdir(parents=True)
        (tmp_path / "in" / year / "thong_bao.txt").write_text(f"THÔNG BÁO\n{text}\n", encoding="utf-8")
    report = runner.ingest_paths([tmp_path / "in"])
    assert [f.status for f in report.files] == ["added", "added"]
    assert len({f.doc_id for f in report.files}) == 2 and "both are kept" in report.files[1].message
    assert len(container.store.documents()) == 2
    found = {h.chunk.text for h in container.retriever.search("Sở Nội vụ rà soát biên chế", k=5)}
    assert any("Sở Nội vụ" in t for t in found) and any("Sở Tài chính" in t for t in found)
    again = runner.ingest_paths([tmp_path / "in"])
    assert [f.status for f in again.files] == ["unchanged", "unchanged"]
    assert [f.doc_id for f in again.files] == [f.doc_id for f in report.files]
    # An edit of one of them replaces that one only.
    (tmp_path / "in" / "2025" / "thong_bao.txt").write_text("THÔNG BÁO\nGiao Sở Nội vụ chủ trì trước ngày 28/02/2025.\n",
                                                             encoding="utf-8")
    third = runner.ingest_paths([tmp_path / "in"])
    assert [f.status for f in third.files] == ["unchanged", "replaced"] and len(container.store.documents()) == 2
    # Each is found by its folder (an archive's dossier), listed or searched.
    assert {d.folder for d in container.store.documents()} == {"2024", "2025"}
    keep = document_filter(DocumentFilters(folder="2025"))
    assert [d.folder for d in container.store.documents() if keep(d)] == ["2025"]
    scoped = container.retriever.search("Giao Sở chủ trì", k=5, filters=SearchFilters(folder="2024"))
    assert scoped and {h.chunk.doc_id for h in scoped} == {report.files[0].doc_id}  # 2024 comes first


def test_changed_file_replaces_its_chunks_and_reuses_unchanged_vectors(tmp_path):
    container = make_container(tmp_path / "store")
    notice = tmp_path / "notice.txt"
    notice.write_text(TXT.read_text(encoding="utf-8"), encoding="utf-8")
    container.ingest_runner.ingest_paths([notice])
    before = container.store.catalog.count_chunks()

    notice.write_text(TXT.read_text(encoding="utf-8").replace("31/01/2025", "15/02/2025"), encoding="utf-8")
    doc = DocumentParser().parse_file(notice)
    result = container.store.upsert(doc)
    assert result.status == "replaced"
    assert 0 < result.embedded < result.chunks  # only the edited chunk was embedded again
    assert container.store.catalog.count_chunks() == before
    hits = container.retriever.search("hạn báo cáo kịch bản thu ngân sách", k=3)
    assert "15/02/2025" in hits[0].chunk.text
    assert not any("31/01/2025" in h.chunk.text for h in container.retriever.search("31/01/2025", k=10))


def test_another_version_of_a_document_reuses_the_vectors_of_the_passages_it_shares(tmp_path):
    container = make_container(tmp_path / "store")
    text = TXT.read_text(encoding="utf-8")
    (tmp_path / "draft.txt").write_text(text, encoding="utf-8")
    container.ingest_runner.ingest_paths([tmp_path / "draft.txt"])
    stored = container.store.catalog.count_chunks()

    signed = DocumentParser().parse_bytes(text.replace("31/01/2025", "15/02/2025").encode("utf-8"), "signed.txt")
    result = container.store.upsert(signed)
    assert result.status == "added" and result.chunks == stored
    assert 0 < result.embedded < result.chunks  # only the edited passage is embedded; the rest come from the draft
    assert result.versioning.closest == container.store.documents()[0].doc_id and result.versioning.similarity > 0.9
    assert result.versioning.role == "issued" and not result.versioning.duplicate_of
    # A reused vector is the embedder's vector for that passage, not a neighbour's.
    chunk = next(c for c in signed.chunks if "15/02/2025" not in c.embed_text)
    expected = container.store.embedder.encode_passages([chunk.embed_text])[0]
    assert np.allclose(container.store.catalog.vectors_by_hash([chunk.content_hash])[chunk.content_hash], expected,
                       atol=1e-5)


def test_remove_drops_vectors_postings_and_metadata(tmp_path):
    container = make_container(tmp_path / "store")
    container.ingest_runner.ingest_paths([EXAMPLES])
    doc_id = next(d.doc_id for d in container.store.documents() if d.source == TXT.name)
    assert container.store.remove(doc_id)
    assert container.store.document(doc_id) is None
    assert TXT.name not in _query_sources(container, "Sở Tài chính kịch bản thu ngân sách")
    assert container.store.dense.size == container.store.lexical.size == container.store.catalog.count_chunks()
    assert not container.store.remove(doc_id)


def test_stale_or_missing_caches_are_rebuilt_from_the_catalog(tmp_path):
    data = tmp_path / "store"
    container = make_container(data)
    container.ingest_runner.ingest_paths([EXAMPLES])
    total = container.store.catalog.count_chunks()
    container.store.close()
    # Simulate a crash after the catalog commit but before the caches were saved.
    info = json.loads((data / "dense.json").read_text())
    info["generation"] -= 1
    (data / "dense.json").write_text(json.dumps(info))
    (data / "lexical.npz").unlink()
    reopened = make_container(data)
    assert reopened.store.dense.size == total == reopened.store.lexical.size
    assert _query_sources(reopened, "Trung tâm dữ liệu tỉnh")[0] == "KH_42_chuyen_doi_so_2025.docx"


def test_store_refuses_another_embedder(tmp_path, examples_container):
    data = tmp_path / "copy"
    shutil.copytree(examples_container.settings.data_dir, data)

    other = type(examples_container.embedder)()
    other.model_id = "other-model"
    with pytest.raises(StoreError, match="built with embedder"):
        NoticeStore(data, other)


def test_parser_change_on_an_unchanged_file_replaces_its_chunks(tmp_path):
    """The fingerprint covers the parsed chunks, not only the file bytes."""
    container = make_container(tmp_path / "store")
    container.ingest_runner.ingest_paths([TXT])
    before = container.store.catalog.count_chunks()
    finer = make_container(tmp_path / "store", chunk_target_chars=150, chunk_max_chars=300)
    again = finer.ingest_runner.ingest_paths([TXT])
    assert [f.status for f in again.files] == ["replaced"]
    assert finer.store.catalog.count_chunks() > before
    assert [f.status for f in finer.ingest_runner.ingest_paths([TXT]).files] == ["unchanged"]
    assert finer.store.dense.size == finer.store.lexical.size == finer.store.catalog.count_chunks()


def test_index_kind_is_recorded_and_rebuild_keeps_everything(tmp_path):
    container = make_container(tmp_path / "store")
    container.ingest_runner.ingest_paths([EXAMPLES])
    stats = container.store.stats()
    assert stats.dense_kind == "flat" == container.store.catalog.get_meta("dense_kind")
    assert json.loads((tmp_path / "store" / "dense.json").read_text())["kind"] == "flat"
    assert stats.chunks == stats.dense_size == stats.lexical_size > 0
    assert container.store.rebuild() == stats.chunks
    assert container.store.stats().generation == stats.generation  # a rebuild changes no data
    assert _query_sources(container, "kịch bản thu ngân sách năm 2025")[0] == TXT.name


def _clustered(count: int, dim: int, seed: int) -> np.ndarray:
    """Unit vectors around 60 topics, as passage embeddings cluster (random vectors have no neighbours)."""
    rng = np.random.default_rng(seed)
    topics = rng.standard_normal((60, dim)).astype(np.float32)
    vectors = topics[rng.integers(60, size=count)] + 0.6 * rng.standard_normal((count, dim)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def test_ivfpq_index_reranks_exactly_filters_removes_and_persists(tmp_path):
    vectors = _clustered(12000, 32, seed=3)
    ids = np.arange(10, 12010, dtype=np.int64)
    stored = dict(zip(ids.tolist(), vectors))

    def exact_vectors(wanted):  # the catalog's role: exact vectors of the chunks still stored
        found = [int(i) for i in wanted if int(i) in stored]
        return np.array(found, dtype=np.int64), np.array([stored[i] for i in found]).reshape(-1, 32)

    batches = [(ids[i:i + 4000], vectors[i:i + 4000]) for i in range(0, 12000, 4000)]
    dense = DenseIndex.build(32, batches, 12000, kind="ivfpq", nprobe=32, vectors=exact_vectors)
    assert dense.kind == "ivfpq" and dense.size == 12000
    queries = _clustered(50, 32, seed=4)
    truth = np.argsort(-(queries @ vectors.T), axis=1)[:, :10] + 10
    reranked = [[i for i, _ in dense.search(q, 10)] for q in queries]
    recall = np.mean([len(set(r) & set(t.tolist())) / 10 for r, t in zip(reranked, truth)])
    assert recall >= 0.95
    # The scores returned are the exact cosines, not the codes' approximations.
    top_id, top_score = dense.search(queries[0], 1)[0]
    assert top_score == pytest.approx(float(stored[top_id] @ queries[0]), abs=1e-5)
    codes_only = DenseIndex.build(32, batches, 12000, kind="ivfpq", nprobe=32)
    approximate = [[i for i, _ in codes_only.search(q, 10)] for q in queries]
    assert np.mean([len(set(r) & set(t.tolist())) / 10 for r, t in zip(approximate, truth)]) < recall

    assert dense.search(vectors[42], 1)[0][0] == 52  # a stored vector finds itself
    allowed = ids[2000:2005]
    filtered = dense.search(vectors[0], 10, allowed)
    assert sorted(i for i, _ in filtered) == sorted(allowed.tolist())  # exact inside a small filter
    dense.remove([52, 53])
    del stored[52], stored[53]
    assert dense.size == 11998 and 52 not in {i for i, _ in dense.search(vectors[42], 5)}
    dense.save(tmp_path / "dense.faiss", generation=7)
    loaded = DenseIndex.load(tmp_path / "dense.faiss", vectors=exact_vectors)
    assert (loaded.kind, loaded.size, loaded.generation, loaded.nprobe) == ("ivfpq", 11998, 7, 32)
    assert loaded.search(vectors[100], 1)[0][0] == 110
    loaded.remove([110])  # removal still works after a reload
    assert loaded.size == 11997
    assert DenseIndex.kind_for(10) == "flat" and DenseIndex.kind_for(10_000_000) == "ivfpq"
    assert (tmp_path / "dense.faiss").stat().st_size < vectors.nbytes / 2  # codes, not the vectors


def test_versions_of_one_text_are_grouped_and_searched_once_from_the_issued_version(tmp_path):
    container = make_container(tmp_path / "store")
    text = TXT.read_text(encoding="utf-8")
    folder = tmp_path / "dossier"
    folder.mkdir()
    draft = "DỰ THẢO\n" + text  # the stamp a draft carries above its header
    (folder / "DU THAO thong bao.txt").write_text(draft, encoding="utf-8")
    (folder / "thong bao (ban ky).txt").write_text(text.replace("31/01/2025", "15/02/2025"), encoding="utf-8")
    (folder / "copy.txt").write_text(draft, encoding="utf-8")  # the draft's bytes under another name
    shutil.copy(EXAMPLES / "KH_42_chuyen_doi_so_2025.docx", folder / "other.docx")
    report = container.ingest_runner.ingest_paths([folder])
    by_name = {f.source: f for f in report.files}
    assert by_name["copy.txt"].status == "duplicate" and by_name["copy.txt"].version_of == "DU THAO thong bao.txt"
    assert by_name["thong bao (ban ky).txt"].status == "added" and by_name["thong bao (ban ky).txt"].version_of
    assert by_name["other.docx"].status == "added" and not by_name["other.docx"].version_of
    assert "1 duplicate" in report.summary() and "versions of a stored file" in report.summary()
    docs = {d.source: d for d in container.store.documents()}
    assert len({docs[n].version_group for n in ("DU THAO thong bao.txt", "thong bao (ban ky).txt", "copy.txt")}) == 1
    assert docs["other.docx"].version_group != docs["copy.txt"].version_group
    assert (docs["DU THAO thong bao.txt"].version_role, docs["thong bao (ban ky).txt"].version_role) == ("draft", "issued")
    # Researchers narrow a search or a listing to drafts or issued versions.
    issued = container.retriever.search("thăm hỏi tặng quà Tết", k=5, filters=SearchFilters(role="issued"))
    assert issued and {h.chunk.source for h in issued} == {"thong bao (ban ky).txt"}
    keep = document_filter(DocumentFilters(role="draft"))
    assert sorted(d.source for d in container.store.documents() if keep(d)) == ["DU THAO thong bao.txt", "copy.txt"]

    # A passage the versions share is returned once, from the issued version, the others listed on it.
    query = "thăm hỏi, tặng quà các gia đình chính sách dịp Tết Nguyên đán"
    hits = container.retriever.search(query, k=5)
    top = hits[0]
    assert top.chunk.source == "thong bao (ban ky).txt" and "tặng quà" in top.chunk.text
    assert sorted(top.other_versions) == ["DU THAO thong bao.txt", "copy.txt"]
    assert sum("tặng quà" in h.chunk.text and h.chunk.version_group == top.chunk.version_group for h in hits) == 1
    # A passage whose figures or dates differ between versions is never hidden behind the other's.
    deadline = container.retriever.search("hạn báo cáo kịch bản thu ngân sách", k=5)
    dated = {h.chunk.source for h in deadline if "kịch bản thu" in h.chunk.text}
    assert "thong bao (ban ky).txt" in dated and dated & {"DU THAO thong bao.txt", "copy.txt"}
    container.retriever.config.collapse_versions = False
    sources = {h.chunk.source for h in container.retriever.search(query, k=5)}
    assert {"DU THAO thong bao.txt", "thong bao (ban ky).txt", "copy.txt"} <= sources
    # Nothing is dropped: every file is a stored document, and removing the issued one leaves the others.
    assert len(container.store.documents()) == 4
    container.store.remove(docs["thong bao (ban ky).txt"].doc_id)
    container.retriever.config.collapse_versions = True
    assert container.retriever.search(query, k=3)[0].chunk.source in {"DU THAO thong bao.txt", "copy.txt"}


def test_a_store_written_before_versions_were_tracked_gets_its_groups_at_open(tmp_path):
    import sqlite3

    data = tmp_path / "store"
    container = make_container(data)
    (tmp_path / "a.txt").write_text(TXT.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(TXT.read_text(encoding="utf-8") + "\nBổ sung.", encoding="utf-8")
    container.ingest_runner.ingest_paths([tmp_path / "a.txt", tmp_path / "b.txt"])
    container.store.close()
    conn = sqlite3.connect(data / "catalog.sqlite3")
    conn.execute("UPDATE documents SET signature = NULL, version_group = '', version_role = ''")
    conn.execute("DELETE FROM doc_bands")
    conn.commit()
    conn.close()
    groups = {d.version_group for d in make_container(data).store.documents()}
    assert len(groups) == 1 and "" not in groups
