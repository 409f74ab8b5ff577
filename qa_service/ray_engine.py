"""Distributed ingest on Ray: files parsed (and OCRed) in Ray tasks, passages embedded by a pool of embedder
actors, documents committed by the one writer that owns the store.

Only this module imports Ray, and only ``notice-qa ingest --engine ray`` imports this module (the optional
extra ``notice-qa[ray]``). The same code runs on a laptop (a local Ray started on the fly) and on a cluster
(``--address``): the driver reads each file and ships its bytes, so workers need no shared file system,
only notice-qa installed. The driver keeps the store to itself and commits in the order the files were
found, one document per transaction, exactly as a local ingest does, so both give the same store, a killed
driver leaves no half document and a rerun skips what is stored by its hash. A task or actor that dies
(a worker killed, a node lost) is retried by Ray: parsing and embedding are pure, so a retry only
repeats work.

Example::

    engine = RayIngestEngine(parser, settings, address=None, embedders=1)
    report = container.ingest_runner.ingest_paths(["../shared/archive"], engine=engine)
"""
from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

import numpy as np

from ingest.models import IngestError, ParsedDocument
from ingest.pipeline import DocumentParser
from qa_service.settings import Settings

# Files in flight per embedder: enough to keep every actor busy while the driver commits, few enough
# that a big archive's parsed documents do not pile up in the object store.
IN_FLIGHT_PER_EMBEDDER = 4


@dataclass
class Parsed:
    """What the engine returns for one file: its document (or why it could not be read) and the vectors of
    the passages it embedded, by content hash."""

    doc: ParsedDocument | None
    error: str = ""
    vectors: dict[str, np.ndarray] | None = None


def _parse(parser: DocumentParser, data: bytes, name: str) -> ParsedDocument | str:
    try:
        return parser.parse_bytes(data, name)
    except IngestError as exc:
        return str(exc)


class _Embedder:
    """One model load per actor; embeds the passages a document still needs."""

    def __init__(self, spec: str, query_prefix: str, passage_prefix: str, threads: int):
        if threads:  # Ray pins OpenMP to the actor's CPUs; the embedder is the pipeline's bottleneck
            os.environ["OMP_NUM_THREADS"] = str(threads)
        from index.embedders import make_embedder

        self.embedder = make_embedder(spec, query_prefix=query_prefix, passage_prefix=passage_prefix)

    def embed(self, parsed: ParsedDocument | str, known: set[str]) -> tuple[ParsedDocument | str, dict]:
        if isinstance(parsed, str) or not parsed.chunks:
            return parsed, {}
        todo = {c.content_hash: c.embed_text for c in parsed.chunks if c.content_hash not in known}
        if not todo:
            return parsed, {}
        vectors = self.embedder.encode_passages(list(todo.values()))
        return parsed, dict(zip(todo, vectors))


class RayIngestEngine:
    """Parse and embed files on Ray; :meth:`run` yields the results in the order of the files.

    Args:
        parser: the parser every task uses (shipped to the workers).
        settings: the embedder the actors load (its model id must be the store's).
        address: a running cluster (``ray://host:10001`` or ``auto``); None starts a local Ray.
        embedders: embedder actors (one model load each).
        embedder_threads: OpenMP threads of each embedder (0: as many as its node has CPUs).
        num_cpus: CPUs of a local Ray (None: all).
    """

    def __init__(self, parser: DocumentParser, settings: Settings, address: str | None = None, embedders: int = 1,
                 embedder_threads: int = 0, num_cpus: int | None = None):
        import ray

        self._ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            ray.init(address=address, num_cpus=num_cpus if address is None else None, log_to_driver=False,
                     include_dashboard=False, configure_logging=False)
        threads = embedder_threads or int(ray.cluster_resources().get("CPU", 1) // max(embedders, 1)) or 1
        actor = ray.remote(num_cpus=1, max_restarts=-1, max_task_retries=-1)(_Embedder)
        self._actors = [actor.remote(settings.embedder, settings.query_prefix, settings.passage_prefix, threads)
                        for _ in range(max(embedders, 1))]
        self._parse = ray.remote(num_cpus=1, max_retries=3)(_parse)
        self._parser = ray.put(parser)

    def run(self, files: Iterable[tuple[bytes, str]], known: Callable[[list[str]], set[str]]) -> Iterator[Parsed]:
        """Parse and embed each ``(bytes, name)``; ``known`` tells which content hashes the store already has
        vectors for (asked when a document is handed to an embedder). Yields one :class:`Parsed` per file,
        in order."""
        ray = self._ray
        pending = iter(enumerate(files))
        window = IN_FLIGHT_PER_EMBEDDER * len(self._actors)
        parsing: dict = {}  # parse ref -> file index
        embedding: dict = {}  # embed ref -> file index
        done: dict[int, Parsed] = {}
        turn, next_out, exhausted = 0, 0, False
        while True:
            while not exhausted and len(parsing) + len(embedding) < window:
                item = next(pending, None)
                if item is None:
                    exhausted = True
                    break
                index, (data, name) = item
                parsing[self._parse.remote(self._parser, data, name)] = index
            while next_out in done:
                yield done.pop(next_out)
                next_out += 1
            if not parsing and not embedding:
                if exhausted:
                    return
                continue
            ready, _ = ray.wait(list(parsing) + list(embedding), num_returns=1)
            ref = ready[0]
            if ref in parsing:
                index = parsing.pop(ref)
                parsed = ray.get(ref)
                hashes = [] if isinstance(parsed, str) else [c.content_hash for c in parsed.chunks]
                actor = self._actors[turn % len(self._actors)]
                turn += 1
                embedding[actor.embed.remote(parsed, known(hashes) if hashes else set())] = index
            else:
                index = embedding.pop(ref)
                parsed, vectors = ray.get(ref)
                done[index] = (Parsed(None, error=parsed) if isinstance(parsed, str)
                               else Parsed(parsed, vectors=vectors))

    def close(self) -> None:
        for actor in self._actors:
            self._ray.kill(actor)
        if self._started:
            self._ray.shutdown()
