"""Hybrid retrieval: dense (FAISS) and lexical (BM25) candidates, fused by rank or by score.

Filters are resolved to the set of allowed chunk ids first and applied inside both searches, so a
filter never empties a result list that a top-k cut had already truncated.

A query typed without tone marks is matched by the lexical index on its folded terms as usual,
and embedded after its tone marks are restored from the corpus's syllable statistics
(:mod:`index.tone`), because the embedder reads unaccented Vietnamese poorly.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from index.catalog import ChunkRecord
from index.dates import query_keys
from index.rerank import Reranker, RerankQuery
from index.store import NoticeStore
from index.versions import collapse_versions
from ingest.vietnamese import fold, has_diacritics


@dataclass
class SearchFilters:
    """Restrictions on the documents searched; empty fields do not filter."""

    doc_type: str = ""
    issuer: str = ""  # substring of the issuing body, or a province name
    date_from: str = ""  # ISO date, inclusive
    date_to: str = ""
    source: str = ""  # exact file name
    section_prefix: str = ""  # "II.2" matches II.2 and II.2.4 ...
    folder: str = ""  # part of the name of the folder (an archive's dossier) the file was read from
    role: str = ""  # "draft" or "issued": only that version of a document
    doc_ids: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        for name in ("date_from", "date_to"):
            value = getattr(self, name)
            try:
                if value:
                    date.fromisoformat(value)
            except ValueError:
                raise ValueError(f"{name} must be an ISO date (YYYY-MM-DD), not {value!r}") from None

    def is_empty(self) -> bool:
        return not any((self.doc_type, self.issuer, self.date_from, self.date_to, self.source,
                        self.section_prefix, self.folder, self.role, self.doc_ids))

    def to_sql(self) -> tuple[str, list]:
        """A WHERE clause over ``chunks c JOIN documents d`` and its parameters.

        Type and issuer compare tone-folded and case-folded (``folded``, registered by the catalog),
        so "thong bao" selects "THÔNG BÁO" and "lam dong" the issuer "UBND TỈNH LÂM ĐỒNG".
        """
        clauses, params = [], []
        if self.doc_type:
            clauses.append("folded(d.doc_type) = ?")
            params.append(fold(self.doc_type).lower().strip())
        if self.issuer:
            clauses.append("(instr(folded(d.issuer), ?) > 0 OR instr(folded(d.province), ?) > 0)")
            params += [fold(self.issuer).lower().strip()] * 2
        # A document dated "2025-12" (month only) spans the month: it is inside any range meeting it.
        if self.date_from:
            clauses.append("d.date != '' AND period_end(d.date) >= ?")
            params.append(self.date_from)
        if self.date_to:
            clauses.append("d.date != '' AND d.date <= ?")
            params.append(self.date_to)
        if self.source:
            clauses.append("d.source = ?")
            params.append(self.source)
        if self.section_prefix:
            escaped = self.section_prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append("(c.section = ? OR c.section LIKE ? ESCAPE '\\')")
            params += [self.section_prefix, f"{escaped}.%"]
        if self.folder:
            clauses.append("instr(folder_of(d.origin), ?) > 0")
            params.append(" ".join(fold(self.folder).lower().split()))
        if self.role:
            clauses.append("d.version_role = ?")
            params.append(self.role)
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
    other_versions: list[str] = field(default_factory=list)  # files of other versions holding the same passage
    fused_score: float | None = None  # the fusion's score, when a re-ranker's probability replaced it in ``score``


@dataclass
class RetrievalConfig:
    """How the two searches are combined.

    Attributes:
        mode: ``hybrid``, ``dense`` or ``lexical``.
        dense_weight / lexical_weight: weight of each list in the fusion.
        fusion: ``rrf`` (weighted reciprocal rank fusion) or ``score`` (weighted sum of scores
            min-max normalised over each list's candidates, so a clear lexical winner stays first).
        rrf_k: the RRF damping constant.
        candidates: chunks taken from each search before fusion.
        restore_tones: embed a query typed without tone marks after restoring them.
        date_boost: a query naming a day or month ("ngày 20/4/2026", "tháng 4/2026") multiplies the
            fused score of the passages whose document mentions it by ``1 + date_boost`` (0 turns it off).
        collapse_versions: a passage that several versions of one document hold (a draft and its signed
            file) is returned once, from the issued version, the others listed (:mod:`index.versions`).
    """

    mode: str = "hybrid"  # "hybrid" | "dense" | "lexical"
    dense_weight: float = 0.5
    lexical_weight: float = 1.0
    fusion: str = "score"
    rrf_k: int = 60
    candidates: int = 50  # per retriever, before fusion
    restore_tones: bool = True
    date_boost: float = 1.0
    collapse_versions: bool = True

    def __post_init__(self) -> None:
        if self.mode not in ("hybrid", "dense", "lexical"):
            raise ValueError(f"unknown retrieval mode {self.mode!r}")
        if self.fusion not in ("rrf", "score"):
            raise ValueError(f"unknown fusion {self.fusion!r}; expected 'rrf' or 'score'")


def rrf_fuse(ranked_lists: list[tuple[list[int], float]], rrf_k: int) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of weight / (rrf_k + rank) over the lists containing an id."""
    fused: dict[int, float] = {}
    for ids, weight in ranked_lists:
        for rank, chunk_id in enumerate(ids, start=1):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight / (rrf_k + rank)
    return fused


def score_fuse(scored_lists: list[tuple[list[tuple[int, float]], float]]) -> dict[int, float]:
    """Weighted sum of min-max normalised scores; a chunk missing from a list gets 0 from it."""
    fused: dict[int, float] = {}
    for hits, weight in scored_lists:
        if not hits or weight == 0:
            continue
        scores = np.array([s for _, s in hits], dtype=np.float64)
        low, high = scores.min(), scores.max()
        normalised = (scores - low) / (high - low) if high > low else np.ones_like(scores)
        for (chunk_id, _), value in zip(hits, normalised):
            fused[chunk_id] = fused.get(chunk_id, 0.0) + weight * float(value)
    return fused


class HybridRetriever:
    """Dense + lexical retrieval over a :class:`NoticeStore`, fused as :class:`RetrievalConfig` says, and in
    hybrid mode re-ordered by a learned :class:`~index.rerank.Reranker` when one is given."""

    def __init__(self, store: NoticeStore, config: RetrievalConfig | None = None, reranker: Reranker | None = None):
        self.store = store
        self.config = config or RetrievalConfig()
        self.reranker = reranker

    def dense_query_text(self, query: str) -> str:
        """The text embedded for ``query``: with tone marks restored when typed without any."""
        if not self.config.restore_tones or has_diacritics(query):
            return query
        with self.store.read_lock():
            restored = self.store.lexical.restorer.restore(query)
        return restored if has_diacritics(restored) else query

    def search(self, query: str, k: int = 10, filters: SearchFilters | None = None,
               timings: dict | None = None, lexical_extra: str = "", rerank: bool = True) -> list[ScoredChunk]:
        """The ``k`` best chunks for ``query`` within ``filters``, best first.

        ``lexical_extra``: words added to the lexical query only, e.g. the Vietnamese words an English
        question stands for: the multilingual embedder reads the English question itself, while the
        lexical index holds only Vietnamese syllables.
        ``rerank``: re-order by the re-ranker when there is one (hybrid mode); False keeps the fused order.
        ``timings`` (when given) receives ``embed_ms``, ``dense_ms``, ``lexical_ms``, ``fusion_ms`` and, when a
        re-ranker ran, ``rerank_ms``.
        """
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
        vector = None
        if cfg.mode in ("hybrid", "dense"):
            t = time.perf_counter()
            vector = self.store.embedder.encode_query(self.dense_query_text(query))
            timings["embed_ms"] = (time.perf_counter() - t) * 1000
        with self.store.read_lock():
            if vector is not None:
                t = time.perf_counter()
                dense_hits = self.store.dense.search(vector, n, allowed)
                timings["dense_ms"] = (time.perf_counter() - t) * 1000
            if cfg.mode in ("hybrid", "lexical"):
                t = time.perf_counter()
                lexical_hits = self.store.lexical.search(f"{query} {lexical_extra}".strip(), n, allowed)
                timings["lexical_ms"] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        dense_weight = cfg.dense_weight if cfg.mode != "lexical" else 0.0
        lexical_weight = cfg.lexical_weight if cfg.mode != "dense" else 0.0
        if cfg.fusion == "score":
            fused = score_fuse([(dense_hits, dense_weight), (lexical_hits, lexical_weight)])
        else:
            fused = rrf_fuse([([i for i, _ in dense_hits], dense_weight),
                              ([i for i, _ in lexical_hits], lexical_weight)], cfg.rrf_k)
        self._boost_dated(query, fused)
        reranker = self.reranker if cfg.mode == "hybrid" and rerank else None
        # Collapsing versions may merge some of the first k: read further down so k remain.
        depth = max(2 * k if cfg.collapse_versions else k, reranker.depth if reranker else 0)
        order = sorted(fused, key=lambda i: -fused[i])[:depth]
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
        if reranker is not None and results:
            t = time.perf_counter()
            with self.store.read_lock():
                read = RerankQuery.of(query, self.store.lexical, lexical_extra)
            results = reranker.rerank(read, results)
            timings["rerank_ms"] = (time.perf_counter() - t) * 1000
        if cfg.collapse_versions:
            results = collapse_versions(results)
        return results[:k]

    def _boost_dated(self, query: str, fused: dict[int, float]) -> None:
        """Lift the candidates whose document mentions the day or month the query names (see :mod:`index.dates`),
        when some candidates' documents do and others do not."""
        keys = query_keys(query) if self.config.date_boost else set()
        if not keys or not fused:
            return
        doc_of = self.store.catalog.doc_ids_of(list(fused))
        dated = self.store.date_keys(sorted(set(doc_of.values())))
        lifted = [i for i, d in doc_of.items() if dated.get(d, set()) & keys]
        if 0 < len(lifted) < len(fused):
            for chunk_id in lifted:
                fused[chunk_id] *= 1.0 + self.config.date_boost
