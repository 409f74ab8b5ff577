"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates fused by weighted reciprocal rank.

Filters are resolved to the set of allowed chunk ids first and applied inside both searches, so a
filter never empties a result list that a top-k cut had already truncated.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field


from index.catalog import ChunkRecord
from index.store import NoticeStore
from index.text import has_diacritics


@dataclass
class SearchFilters:
    """Restrictions on the documents searched; empty fields do not filter."""

    doc_type: str = ""
    issuer: str = ""  # substring of the issuing body, or a province name
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""
    source: str = ""  # exact file name
    section_prefix: str = ""  # "II.2" matches II.2 and II.2.4 ...
    doc_ids: list[str] = field(default_factory=list)

    def is_empty(self) -> bool:
        return not any((self.doc_type, self.issuer, self.date_from, self.date_to, self.source,
                        self.section_prefix, self.doc_ids))

    def to_sql(self) -> tuple[str, list]:
        clauses, params = [], []
        if self.doc_type:
            clauses.append("UPPER(d.doc_type) = UPPER(?)")
            params.append(self.doc_type)
        if self.issuer:
            clauses.append("(d.issuer LIKE ? OR d.province LIKE ?)")
            params += [f"%{self.issuer}%"] * 2
        if self.date_from:
            clauses.append("d.date != '' AND d.date >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("d.date != '' AND d.date <= ?")
            params.append(self.date_to)
        if self.source:
            clauses.append("d.source = ?")
            params.append(self.source)
        if self.section_prefix:
            clauses.append("(c.section = ? OR c.section LIKE ?)")
            params += [self.section_prefix, f"{self.section_prefix}.%"]
        if self.doc_ids:
            clauses.append(f"d.doc_id IN ({','.join('?' * len(self.doc_ids))})")
            params += list(self.doc_ids)
        return " AND ".join(clauses) or "1", params


@dataclass
class ScoredChunk:
    chunk: ChunkRecord
    score: float  # fused score; higher is better
    dense_score: float | None = None  # cosine similarity, when the chunk was a dense candidate
    lexical_score: float | None = None  # BM25 score, when the chunk was a lexical candidate
    dense_rank: int | None = None
    lexical_rank: int | None = None


@dataclass
class RetrievalConfig:
    mode: str = "hybrid"  # "hybrid" | "dense" | "lexical"
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    # The multilingual embedder reads Vietnamese typed without tone marks poorly; trust it less then.
    unaccented_dense_weight: float = 0.3
    rrf_k: int = 60
    candidates: int = 50  # per retriever, before fusion


def rrf_fuse(ranked_lists: list[tuple[list[int], float]], rrf_k: int) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (rrf_k + rank) over the lists containing an id."""
    fused: dict[int, float] = {}
    for ids, weight in ranked_lists:
        for rank, chunk_id in enumerate(ids, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return fused


class HybridRetriever:
    def __init__(self, store: NoticeStore, config: RetrievalConfig | None = None):
        self.store = store
        self.config = config or RetrievalConfig()

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               timings: dict | None = None) -> list[ScoredChunk]:
        cfg = self.config
        timings = timings if timings is not None else {}
        self.store.refresh()
        allowed = None
        if filters is not None and not filters.is_empty():
            where, params = filters.to_sql()
            allowed = self.store.catalog.chunk_ids_where(where, params)
        n = max(k, cfg.candidates)
        dense_hits: list[tuple[int, float]] = []
        lexical_hits: list[tuple[int, float]] = []
        if cfg.mode in ("hybrid", "dense"):
            t = time.perf_counter()
            vector = self.store.embedder.encode_query(query)
            timings["embed_ms"] = (time.perf_counter() - t) * 1000
            t = time.perf_counter()
            dense_hits = self.store.dense.search(vector, n, allowed)
            timings["dense_ms"] = (time.perf_counter() - t) * 1000
        accented = has_diacritics(query)
        if cfg.mode in ("hybrid", "lexical"):
            t = time.perf_counter()
            lexical_hits = self.store.lexical.search(query, n, allowed, accented=accented)
            timings["lexical_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        dense_weight = cfg.dense_weight if accented else min(cfg.dense_weight, cfg.unaccented_dense_weight)
        fused = rrf_fuse([([i for i, _ in dense_hits], dense_weight),
                          ([i for i, _ in lexical_hits], cfg.lexical_weight if cfg.mode != "dense" else 0.0)],
                         cfg.rrf_k)
        order = sorted(fused, key=lambda i: -fused[i])[:k]
        records = self.store.chunks(order)
        dense_info = {i: (r, s) for r, (i, s) in enumerate(dense_hits, start=1)}
        lexical_info = {i: (r, s) for r, (i, s) in enumerate(lexical_hits, start=1)}
        results = []
        for chunk_id in order:
            if chunk_id not in records:  # removed by another process since the caches were read
                continue
            d, lx = dense_info.get(chunk_id), lexical_info.get(chunk_id)
            results.append(ScoredChunk(records[chunk_id], fused[chunk_id],
                                       dense_score=d[1] if d else None, lexical_score=lx[1] if lx else None,
                                       dense_rank=d[0] if d else None, lexical_rank=lx[0] if lx else None))
        timings["fusion_ms"] = (time.perf_counter() - t) * 1000
        return results


