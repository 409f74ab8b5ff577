"""BM25 over tone-folded Vietnamese syllables and syllable bigrams, in sparse matrices.

Postings are kept per chunk (term ids and counts) so documents can be added and removed; the BM25
weight matrix is compiled lazily before the next search. Terms are tone-folded only (see
``index.text.lexical_terms``), so a query typed without tone marks scores exactly like the same
query typed with them. The accented syllables are still counted, in :class:`index.tone.SyllableStats`,
to restore the tone marks of such queries for the embedder. The whole index is a cache of the
catalog's chunk texts.
"""
from __future__ import annotations

import json
import zipfile
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import sparse

from index.atomic import atomic_write
from index.text import lexical_terms
from ingest.vietnamese import tokenize
from index.tone import SyllableStats, ToneRestorer


class LexicalIndex:
    """BM25 (Okapi) over :func:`index.text.lexical_terms` of each chunk's text.

    Args:
        k1: term-frequency saturation.
        b: length normalisation (0: none, 1: full). Chunks carry their document title and headings,
            which makes short chunks look longer; a moderate ``b`` ranks them fairly.
    """

    def __init__(self, k1: float = 1.2, b: float = 0.75):
        self.k1 = k1
        self.b = b
        self.vocab: dict[str, int] = {}
        self.syllables = SyllableStats()
        self._rows: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._compiled: tuple[np.ndarray, sparse.csc_matrix] | None = None
        self._idf = np.zeros(0, dtype=np.float32)
        self._restorer: ToneRestorer | None = None
        self.generation = -1

    @property
    def size(self) -> int:
        return len(self._rows)

    @property
    def restorer(self) -> ToneRestorer:
        """Tone-mark restoration from the syllables indexed so far."""
        if self._restorer is None:
            self._restorer = ToneRestorer(self.syllables)
        return self._restorer

    def _term_id(self, term: str) -> int:
        tid = self.vocab.get(term)
        if tid is None:
            tid = self.vocab[term] = len(self.vocab)
        return tid

    def add(self, chunk_id: int, text: str) -> None:
        tokens = tokenize(text)
        counts = Counter(self._term_id(t) for t in lexical_terms(tokens))
        ids = np.fromiter(counts.keys(), dtype=np.int32, count=len(counts))
        tfs = np.fromiter((min(c, 65535) for c in counts.values()), dtype=np.uint16, count=len(counts))
        self._rows[int(chunk_id)] = (ids, tfs)
        self.syllables.add(tokens)
        self._compiled = None

    def remove(self, chunk_ids) -> None:
        for cid in chunk_ids:
            self._rows.pop(int(cid), None)
        self._compiled = None

    def _compile(self) -> tuple[np.ndarray, sparse.csc_matrix]:
        if self._compiled is None:
            row_ids = np.array(sorted(self._rows), dtype=np.int64)
            n_terms = len(self.vocab)
            if len(row_ids) == 0:
                self._compiled = (row_ids, sparse.csc_matrix((0, n_terms), dtype=np.float32))
                self._idf = np.zeros(n_terms, dtype=np.float32)
                return self._compiled
            parts = [self._rows[int(r)] for r in row_ids]
            lengths = np.array([len(p[0]) for p in parts])
            indptr = np.concatenate([[0], np.cumsum(lengths)])
            indices = np.concatenate([p[0] for p in parts])
            tf = np.concatenate([p[1] for p in parts]).astype(np.float32)
            doc_len = np.add.reduceat(tf, indptr[:-1]) if len(tf) else np.zeros(len(row_ids))
            doc_len = np.where(lengths > 0, doc_len, 0)
            avg = max(float(doc_len.mean()), 1.0)
            df = np.bincount(indices, minlength=n_terms)
            n = len(row_ids)
            idf = self._idf = np.log1p((n - df + 0.5) / (df + 0.5)).astype(np.float32)
            norm = np.repeat(self.k1 * (1 - self.b + self.b * doc_len / avg), lengths).astype(np.float32)
            weights = idf[indices] * tf * (self.k1 + 1) / (tf + norm)
            del tf, norm
            matrix = sparse.csr_matrix((weights, indices, indptr), shape=(n, n_terms))
            self._compiled = (row_ids, matrix.tocsc())
        return self._compiled

    def idf(self, terms) -> dict[str, float]:
        """The BM25 inverse document frequency of each of ``terms`` the index holds (unknown terms are left out)."""
        self._compile()
        return {t: float(self._idf[i]) for t in terms if (i := self.vocab.get(t)) is not None and i < len(self._idf)}

    def search(self, query: str, k: int, allowed: np.ndarray | None = None) -> list[tuple[int, float]]:
        """Top ``k`` (chunk id, BM25 score) pairs; ``allowed`` restricts the search itself."""
        row_ids, matrix = self._compile()
        if len(row_ids) == 0 or k <= 0:
            return []
        counts = Counter(t for t in lexical_terms(tokenize(query)) if t in self.vocab)
        if not counts:
            return []
        cols = np.array([self.vocab[t] for t in counts], dtype=np.int64)
        qtf = np.array(list(counts.values()), dtype=np.float32)
        sub = matrix[:, cols]
        col_of_entry = np.repeat(np.arange(len(cols)), np.diff(sub.indptr))
        scores = np.bincount(sub.indices, weights=sub.data * qtf[col_of_entry], minlength=len(row_ids))
        if allowed is not None:
            scores = np.where(np.isin(row_ids, allowed), scores, 0.0)
        hits = np.flatnonzero(scores > 0)
        if len(hits) > k:
            hits = hits[np.argpartition(-scores[hits], k - 1)[:k]]
        hits = hits[np.argsort(-scores[hits], kind="stable")]
        return [(int(row_ids[i]), float(scores[i])) for i in hits]

    # -- persistence -------------------------------------------------------------------------
    def save(self, path: Path, generation: int) -> None:
        row_ids = np.array(sorted(self._rows), dtype=np.int64)
        parts = [self._rows[int(r)] for r in row_ids]
        lengths = np.array([len(p[0]) for p in parts], dtype=np.int64)
        meta = {"generation": generation, "vocab": list(self.vocab), "syllables": self.syllables.names}
        payload = {
            "row_ids": row_ids,
            "lengths": lengths,
            "indices": np.concatenate([p[0] for p in parts]) if parts else np.zeros(0, np.int32),
            "tf": np.concatenate([p[1] for p in parts]) if parts else np.zeros(0, np.uint16),
            "meta": np.frombuffer(json.dumps(meta, ensure_ascii=False).encode(), dtype=np.uint8),
            **self.syllables.arrays(),
        }

        def write(tmp: str) -> None:
            with open(tmp, "wb") as fh:
                np.savez(fh, **payload)

        atomic_write(path, write)
        self.generation = generation

    @classmethod
    def load(cls, path: Path) -> LexicalIndex | None:
        """The saved index, or None when absent or unreadable (the caller rebuilds it)."""
        if not path.exists():
            return None
        try:
            with np.load(path) as data:
                meta = json.loads(bytes(data["meta"]).decode())
                row_ids, lengths, indices, tf = data["row_ids"], data["lengths"], data["indices"], data["tf"]
                syllables = SyllableStats.from_arrays(meta["syllables"], data)
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile, zlib.error, json.JSONDecodeError):
            return None  # torn, truncated, empty or a member failing its CRC: rebuilt from the catalog
        index = cls()
        index.vocab = {t: i for i, t in enumerate(meta["vocab"])}
        index.syllables = syllables
        bounds = np.concatenate([[0], np.cumsum(lengths)])
        index._rows = {int(r): (indices[bounds[i]:bounds[i + 1]], tf[bounds[i]:bounds[i + 1]])
                       for i, r in enumerate(row_ids)}
        index.generation = int(meta["generation"])
        return index
