"""Tone-mark restoration for queries typed without diacritics, from the corpus's own syllables.

Officials often type "so tai chinh" for "Sở Tài chính". The lexical index matches such a query on
its tone-folded terms, but the embedder reads unaccented Vietnamese poorly (on the dev notices,
dense hit@5 falls from 0.78 to 0.17). Restoring the marks before embedding brings it back (0.84).

Each typed syllable may stand for any accented syllable of the corpus that folds to it ("so" ->
"sở", "số", "sổ", ...). A Viterbi pass picks the sequence that best fits the corpus's syllable
bigram statistics (:class:`SyllableStats`, document frequencies). A syllable keeps its restored form
only when the chosen form occurs next to a chosen neighbour somewhere in the corpus; otherwise it
stays as typed, so words the corpus never uses (question words, English) are left alone rather
than guessed.
"""
from __future__ import annotations

from collections import defaultdict
from itertools import pairwise

import numpy as np

from ingest.vietnamese import fold, tokenize

MAX_CANDIDATES = 8  # accented forms considered per typed syllable, most frequent first
MERGE_EVERY = 4_000_000  # pending pair keys merged into the sorted table past this many
_SHIFT = np.int64(1 << 32)


class SyllableStats:
    """Document frequencies of lower-case accented syllables and of adjacent syllable pairs.

    Kept as arrays (pair keys ``left_id << 32 | right_id`` sorted, with counts), so millions of
    pairs cost ~12 bytes each. Counts only grow: removing a document leaves its syllables counted
    until the next rebuild, which is harmless for a model of the language of the corpus.
    """

    def __init__(self):
        self.ids: dict[str, int] = {}
        self.names: list[str] = []  # syllable of each id
        self._unigrams = np.zeros(0, dtype=np.int64)
        self._keys = np.zeros(0, dtype=np.int64)
        self._counts = np.zeros(0, dtype=np.int64)
        self._pending: list[np.ndarray] = []
        self._pending_keys = 0

    def add(self, tokens: list[str]) -> None:
        """Count one text's syllables (each distinct syllable and pair once)."""
        for token in tokens:
            if token not in self.ids:
                self.ids[token] = len(self.names)
                self.names.append(token)
        ids = np.fromiter((self.ids[t] for t in tokens), dtype=np.int64, count=len(tokens))
        if len(self.ids) > len(self._unigrams):
            self._unigrams = np.concatenate([self._unigrams, np.zeros(len(self.ids) - len(self._unigrams), np.int64)])
        np.add.at(self._unigrams, np.unique(ids), 1)
        if len(ids) > 1:
            self._pending.append(np.unique(ids[:-1] * _SHIFT + ids[1:]))
            self._pending_keys += len(self._pending[-1])
            if self._pending_keys > MERGE_EVERY:  # bounds the memory of a bulk load
                self._merge()

    def _merge(self) -> None:
        if not self._pending:
            return
        keys, counts = np.unique(np.concatenate(self._pending), return_counts=True)
        self._pending, self._pending_keys = [], 0
        merged = np.concatenate([self._keys, keys])
        weights = np.concatenate([self._counts, counts])
        self._keys, inverse = np.unique(merged, return_inverse=True)
        self._counts = np.bincount(inverse, weights=weights).astype(np.int64)

    def unigram(self, ids: np.ndarray) -> np.ndarray:
        return self._unigrams[ids]

    def bigram(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        """Counts of every (left[i], right[j]) pair, shape (len(left), len(right))."""
        self._merge()
        keys = (left[:, None] * _SHIFT + right[None, :]).ravel()
        if len(self._keys) == 0:
            return np.zeros((len(left), len(right)), dtype=np.int64)
        pos = np.minimum(np.searchsorted(self._keys, keys), len(self._keys) - 1)
        found = np.where(self._keys[pos] == keys, self._counts[pos], 0)
        return found.reshape(len(left), len(right))

    # -- persistence (see index.lexical) ---------------------------------------------------
    def arrays(self) -> dict[str, np.ndarray]:
        self._merge()
        return {"syl_unigrams": self._unigrams, "syl_keys": self._keys, "syl_counts": self._counts}

    @classmethod
    def from_arrays(cls, syllables: list[str], data) -> SyllableStats:
        stats = cls()
        stats.names = list(syllables)
        stats.ids = {s: i for i, s in enumerate(stats.names)}
        stats._unigrams = np.asarray(data["syl_unigrams"], dtype=np.int64)
        stats._keys = np.asarray(data["syl_keys"], dtype=np.int64)
        stats._counts = np.asarray(data["syl_counts"], dtype=np.int64)
        return stats


class ToneRestorer:
    """Restores tone marks with the syllable bigram model of :class:`SyllableStats`."""

    def __init__(self, stats: SyllableStats):
        self.stats = stats
        self._forms: dict[str, np.ndarray] = {}
        self._vocabulary_size = -1

    def _candidates(self, typed: str) -> np.ndarray | None:
        if self._vocabulary_size != len(self.stats.ids):  # new syllables since the table was built
            groups: dict[str, list[int]] = defaultdict(list)
            for syllable, sid in self.stats.ids.items():
                groups[fold(syllable)].append(sid)
            self._forms = {}
            for key, ids in groups.items():
                ids = np.array(ids, dtype=np.int64)
                self._forms[key] = ids[np.argsort(-self.stats.unigram(ids), kind="stable")][:MAX_CANDIDATES]
            self._vocabulary_size = len(self.stats.ids)
        return self._forms.get(typed)

    def restore_tokens(self, tokens: list[str]) -> list[str]:
        """The restored syllables of lower-case, tone-free ``tokens`` (same length)."""
        lattice = [self._candidates(t) for t in tokens]
        if not tokens or all(c is None for c in lattice):
            return list(tokens)
        # An unknown syllable is its own single candidate (id -1), with no counts.
        columns = [c if c is not None else np.array([-1], dtype=np.int64) for c in lattice]
        scores = np.log(self._unigram(columns[0]) + 1.0)
        back: list[np.ndarray] = []
        for prev, column in pairwise(columns):
            # Doubled so that context outweighs a form's overall frequency; 0.01 smooths unseen pairs.
            pair = 2 * np.log(self._bigram(prev, column) + 0.01)
            total = scores[:, None] + pair
            back.append(np.argmax(total, axis=0))
            scores = total.max(axis=0) + np.log(self._unigram(column) + 1.0)
        best = [int(np.argmax(scores))]
        for pointers in reversed(back):
            best.append(int(pointers[best[-1]]))
        path = [int(column[i]) for column, i in zip(columns, reversed(best))]
        restored = []
        for i, sid in enumerate(path):
            left = i > 0 and self._pair(path[i - 1], sid)
            right = i + 1 < len(path) and self._pair(sid, path[i + 1])
            restored.append(self.stats.names[sid] if sid >= 0 and (left or right) else tokens[i])
        return restored

    def _unigram(self, ids: np.ndarray) -> np.ndarray:
        return np.where(ids >= 0, self.stats.unigram(np.maximum(ids, 0)), 0).astype(np.float64)

    def _bigram(self, left: np.ndarray, right: np.ndarray) -> np.ndarray:
        counts = self.stats.bigram(np.maximum(left, 0), np.maximum(right, 0)).astype(np.float64)
        return np.where((left[:, None] >= 0) & (right[None, :] >= 0), counts, 0.0)

    def _pair(self, left: int, right: int) -> bool:
        return left >= 0 and right >= 0 and self.stats.bigram(np.array([left]), np.array([right]))[0, 0] > 0

    def restore(self, text: str) -> str:
        """``text`` as syllables with the tone marks the corpus suggests, joined by spaces."""
        return " ".join(self.restore_tokens([fold(t) for t in tokenize(text)]))
