"""Cached product indexes for evaluation runs, keyed by what they depend on.

An index is reused when the corpus content, every setting that shapes the store, and the source of
the ``ingest`` and ``index`` packages are unchanged; query-time settings (retrieval mode, fusion
weights, answerer, ...) are left out of the key, so configurations differing only in those share one
build. A build is complete once ``complete.json`` is written; a directory without it (an interrupted
build) is discarded and built again.
"""
from __future__ import annotations

import fcntl
import json
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

import index
import ingest
from eval.corpus import EvalCorpus, fingerprint
from index.atomic import file_sha256
from qa_service.container import Container
from qa_service.settings import Settings

# Settings that do not change what the store holds (and every ``llm_*`` setting); every other setting is
# part of the index key, so a new ingestion setting invalidates cached indexes without being listed here.
QUERY_TIME_SETTINGS = frozenset({
    "data_dir", "query_prefix", "retrieval_mode", "fusion", "dense_weight", "lexical_weight", "rrf_k",
    "restore_tones", "date_boost", "candidates", "top_k", "answerer", "api_key", "read_api_key", "max_upload_mb",
    "max_json_kb", "search_window", "cors_origins", "answer_from_tasks", "answer_model", "collapse_versions",
    "rerank_model", "rerank_answers",
})
# Index modules that only read the store; editing them does not call for a rebuild.
QUERY_TIME_MODULES = frozenset({"retriever.py", "langchain_retriever.py", "dates.py", "versions.py", "rerank.py",
                                "learned.py"})
MARKER = "complete.json"
KEEP_INDEXES = 6  # most recently used builds kept in a cache directory; older ones are deleted


def code_fingerprint() -> str:
    """Hash of the ingestion and index source code: a change there may change the chunks or postings."""
    files = sorted(p for pkg in (ingest, index) for p in Path(pkg.__file__).parent.rglob("*.py")
                   if not (pkg is index and p.name in QUERY_TIME_MODULES))
    return fingerprint(f"{p.name}:{file_sha256(p)}" for p in files)


def index_settings(settings: Settings) -> dict:
    return {k: v for k, v in settings.model_dump(mode="json").items()
            if k not in QUERY_TIME_SETTINGS and not k.startswith("llm_")}


def index_key(corpus: EvalCorpus, settings: Settings, code: str | None = None) -> str:
    """The cache key; pass ``code`` (a :func:`code_fingerprint` taken once) to keep keys stable over a run."""
    return fingerprint([corpus.fingerprint, json.dumps(index_settings(settings), sort_keys=True),
                        code or code_fingerprint()])[:20]


@dataclass
class BuiltIndex:
    """A ready store and how it came to be."""

    container: Container  # over the cached store, with the settings it was built with
    key: str
    reused: bool
    build_s: float
    outcomes: list[dict] = field(default_factory=list)  # per file or document: source, status, chunks, message


def _build(container: Container, corpus: EvalCorpus) -> list[dict]:
    if corpus.files:
        report = container.ingest_runner.ingest_paths(corpus.files)
        return [{"source": f.source, "status": f.status, "chunks": f.chunks, "message": f.message}
                for f in report.files]
    outcomes = []
    for doc in corpus.documents(container.parser):
        result = container.store.upsert(doc)
        outcomes.append({"source": doc.source, "status": result.status, "chunks": result.chunks,
                         "message": "; ".join(doc.warnings)})
    container.store.save()
    return outcomes


def prune(cache_dir: Path, keep: int = KEEP_INDEXES) -> None:
    """Delete all but the ``keep`` most recently used indexes (their lock files stay; they are empty)."""
    builds = sorted((d for d in cache_dir.glob("index-*") if (d / MARKER).exists()),
                    key=lambda d: (d / MARKER).stat().st_mtime, reverse=True)
    for stale in builds[keep:]:
        shutil.rmtree(stale, ignore_errors=True)


def ensure_index(corpus: EvalCorpus, settings: Settings, cache_dir: str | Path, rebuild: bool = False,
                 log=lambda message: None, code: str | None = None) -> BuiltIndex:
    """The cached store of ``corpus`` under ``settings``, built first when missing (or when ``rebuild``)."""
    key = index_key(corpus, settings, code)
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    data_dir = cache_dir / f"index-{key}"
    with open(cache_dir / f"index-{key}.lock", "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # two runs on the same corpus build it once
        marker = data_dir / MARKER
        if (rebuild or not marker.exists()) and data_dir.exists():
            shutil.rmtree(data_dir)
        container = Container(Settings(**{**settings.model_dump(), "data_dir": data_dir}))
        if marker.exists():
            record = json.loads(marker.read_text(encoding="utf-8"))
            marker.touch()  # most recently used, for pruning
            log(f"reusing index {data_dir}")
            return BuiltIndex(container, key, True, record["build_s"], record["outcomes"])
        log(f"building index {data_dir} of {corpus.name} ...")
        started = time.perf_counter()
        outcomes = _build(container, corpus)
        build_s = time.perf_counter() - started
        marker.write_text(json.dumps({"corpus": corpus.name, "build_s": build_s, "outcomes": outcomes,
                                      "built_at": time.strftime("%Y-%m-%d %H:%M:%S")}, ensure_ascii=False),
                          encoding="utf-8")
        log(f"built in {build_s:.0f} s")
    prune(cache_dir)
    return BuiltIndex(container, key, False, build_s, outcomes)
