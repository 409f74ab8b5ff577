"""Retrieval benchmarks (a script, not a test): quality on question sets, ingest throughput, latency.

Quality: hit@1/3/5/10, MRR@10 and search latency of dense, lexical and hybrid retrieval (the product's
``HybridRetriever`` with its default settings, only the mode changed) and of the hybrid order re-ranked by
the bundled re-ranker (``hybrid+rerank``: what search returns), with the metric definitions of
``eval.metrics`` (evidence matching of ``eval.matching``). Notice questions are also asked typed without
tone marks (folded with ``ingest.vietnamese.fold``)::

    python -m eval.bench_retrieval quality --dataset notices --store /tmp/store [--corpus ../shared/corpus]
    python -m eval.bench_retrieval quality --dataset alqac --store /tmp/alqac-store
    python -m eval.bench_retrieval quality --store eval-out/stores/archive --no-ingest \
        --questions eval/archive/archive-report.jsonl        # an archive store as it is

A store directory that already holds the corpus is reused (re-ingesting unchanged files is free).

Speed: ingest throughput (chunks/s) of a folder, and search latency p50/p95 of one query (embed +
dense + lexical + fusion, as ``HybridRetriever.search`` reports them) on the real corpus and on
synthetic stores of N chunks (vectors near the real passages' vectors, texts drawn from the corpus's
syllables with the corpus's chunk lengths), with the process's resident memory, and the dense index's
recall@10 against exact search (with and without exact re-ranking of the IVF-PQ candidates)::

    python -m eval.bench_retrieval speed --corpus ../shared/corpus --sizes 100000,1000000 [--threads 2]
    python -m eval.bench_retrieval speed --store /tmp/store --no-ingest --sizes 100000   # latency only

Latency depends on what else runs on the machine: the load average is printed with the results.
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
MODES = ("dense", "lexical", "hybrid")


def _rss_mb() -> float:
    """Current resident set size of this process in MiB."""
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _container(store: Path, **overrides):
    from qa_service.container import Container
    from qa_service.settings import Settings

    return Container(Settings(data_dir=store, **overrides))


# -- quality ----------------------------------------------------------------------------------------
def _questions(dataset: str, path: Path | None):
    if dataset == "alqac":
        from eval.alqac import load_alqac_questions

        return load_alqac_questions(path or SHARED / "bench/alqac2023/train.json")
    from eval.datasets import load_notices

    return [q for q in load_notices(path or SHARED / "eval/notices-dev.jsonl") if q.answerable]


def _ensure_corpus(container, dataset: str, corpus: Path | None) -> None:
    if dataset == "alqac":
        from eval.alqac import load_alqac_corpus

        for doc in load_alqac_corpus(corpus or SHARED / "bench/alqac2023/law.json"):
            container.store.upsert(doc)
        container.store.save()
    else:
        container.ingest_runner.ingest_paths([corpus or SHARED / "corpus"])


def score_retrieval(retriever, questions, fold_questions: bool = False, k: int = 10) -> dict[str, float]:
    """hit@1/3/5/10 and MRR@10 of ``retriever`` over answerable ``questions`` (eval.metrics definitions), and
    the search latency p50/p95 in milliseconds."""
    from eval.metrics import KS, evidence_ranks, hit_at, reciprocal_rank
    from ingest.vietnamese import fold

    totals = {f"hit@{n}": 0.0 for n in KS} | {"mrr@10": 0.0}
    times = []
    for q in questions:
        started = time.perf_counter()
        hits = retriever.search(fold(q.question) if fold_questions else q.question, k=k)
        times.append((time.perf_counter() - started) * 1000)
        passages = [{"source": h.chunk.source, "text": h.chunk.text, "section": h.chunk.section} for h in hits]
        ranks = evidence_ranks(passages, q.evidence)
        for n in KS:
            totals[f"hit@{n}"] += hit_at(ranks, n)
        totals["mrr@10"] += reciprocal_rank(ranks)
    return ({name: round(value / len(questions), 3) for name, value in totals.items()}
            | {"ms_p50": round(statistics.median(times), 1), "ms_p95": round(_p95(times), 1)})


def quality(args) -> dict:
    """Each retrieval mode over the same store and questions; the hybrid order also re-ranked by the bundled
    re-ranker (``hybrid+rerank``, what search returns)."""
    from index.rerank import Reranker
    from index.retriever import HybridRetriever

    container = _container(args.store)
    if not args.no_ingest:
        _ensure_corpus(container, args.dataset, args.corpus)
    questions = _questions(args.dataset, args.questions)
    base = container.retriever.config
    results = {"dataset": args.dataset, "questions": len(questions), "chunks": container.store.catalog.count_chunks(),
               "config": vars(base)}
    rankings = [(mode, mode, None) for mode in MODES] + [("hybrid+rerank", "hybrid", Reranker.load())]
    for name, mode, reranker in rankings:
        retriever = HybridRetriever(container.store, type(base)(**{**vars(base), "mode": mode}), reranker)
        results[name] = score_retrieval(retriever, questions)
        if args.dataset == "notices":
            results[f"{name}_unaccented"] = score_retrieval(retriever, questions, fold_questions=True)
        print(name, results[name], results.get(f"{name}_unaccented", ""), file=sys.stderr)
    return results


# -- speed ------------------------------------------------------------------------------------------
QUERIES = (
    "Sở Tài chính được giao nhiệm vụ gì về thu ngân sách năm 2024?",
    "so tai chinh lao cai duoc giao nhiem vu gi ve thu ngan sach",
    "Hạn hoàn thành giải phóng mặt bằng cao tốc Tân Phú – Bảo Lộc là khi nào?",
    "tỷ lệ hồ sơ giải quyết đúng hạn năm 2025",
    "Who must approve amendments to the study promotion fund charter?",
    "UBND tỉnh Lâm Đồng giao Sở Nội vụ chủ trì kiểm tra công tác cải cách hành chính",
)


def _p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(0.95 * len(ordered)) - 1)]


def _latency(retriever, repeats: int) -> dict[str, float]:
    """Wall-clock p50/p95 of one search, its parts, and the CPU time it used.

    The search runs on one thread, so its CPU time is what its wall time would be on an idle core;
    on a shared machine the wall time also counts waiting for a core.
    """
    parts: dict[str, list[float]] = {}
    totals, cpu = [], []
    for _ in range(repeats):
        for query in QUERIES:
            timings: dict[str, float] = {}
            t, c = time.perf_counter(), time.thread_time()
            retriever.search(query, k=10, timings=timings)
            totals.append((time.perf_counter() - t) * 1000)
            cpu.append((time.thread_time() - c) * 1000)
            for name, value in timings.items():
                parts.setdefault(name, []).append(value)
    out = {"p50_ms": round(statistics.median(totals), 1), "p95_ms": round(_p95(totals), 1),
           "cpu_p50_ms": round(statistics.median(cpu), 1), "cpu_p95_ms": round(_p95(cpu), 1)}
    out |= {f"{name}_p50": round(statistics.median(values), 1) for name, values in parts.items()}
    return out


def _synthetic_vectors(rng, base, count: int):
    """``count`` unit vectors near the real passages' vectors ``base``: a random mix of two real passages plus
    Gaussian noise (norm ~0.3). Random unit vectors have no neighbours, so an approximate index's recall on
    them means nothing; these keep the real embedder's geometry (its topics and its anisotropy)."""
    import numpy as np

    weight = rng.random((count, 1), dtype=np.float32)
    vectors = weight * base[rng.integers(len(base), size=count)] + (1 - weight) * base[rng.integers(len(base),
                                                                                                      size=count)]
    vectors += rng.standard_normal(vectors.shape, dtype=np.float32) * (0.3 / np.sqrt(base.shape[1]))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def _synthetic_store(size: int, vocabulary: list[str], lengths: list[int], base, embedder_id: str,
                     directory: Path, seed: int = 7):
    """A store of ``size`` synthetic chunks written straight into the catalog, then indexed."""
    import numpy as np

    from index.catalog import Catalog

    rng = np.random.default_rng(seed)
    catalog = Catalog(directory / "catalog.sqlite3")
    catalog.set_meta("embedder", embedder_id)
    catalog.set_meta("dim", str(base.shape[1]))
    conn = catalog._conn()
    per_doc = 200
    words = np.array(vocabulary)
    conn.execute("BEGIN")
    for start in range(0, size, per_doc):
        doc_id = f"synthetic-{start // per_doc:06d}"
        conn.execute("INSERT INTO documents(doc_id, source, media_type, content_hash, status, chunk_count,"
                     " ingested_at) VALUES (?,?,?,?,?,?,?)",
                     (doc_id, f"{doc_id}.txt", "text/plain", doc_id, "ok", per_doc, time.time()))
        count = min(per_doc, size - start)
        vectors = _synthetic_vectors(rng, base, count)
        rows = []
        for i in range(count):
            n_words = int(lengths[rng.integers(len(lengths))])
            text = " ".join(words[rng.integers(len(words), size=n_words)])
            rows.append((doc_id, i, "", "", "[]", 1, 1, 0, len(text), "", text, text, f"{start + i:x}", "text",
                         vectors[i].tobytes()))
        conn.executemany("INSERT INTO chunks(doc_id, ordinal, section, section_title, section_titles, page_start,"
                         " page_end, char_start, char_end, lead_in, text, embed_text, content_hash, kind, vector)"
                         " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", rows)
    catalog._bump(conn)
    conn.execute("COMMIT")
    catalog.close()


def _exact_top(catalog, queries, k: int = 10):
    """The exact top ``k`` chunk ids of each query, by a scan of every stored vector (the ground truth)."""
    import numpy as np

    best_ids = np.full((len(queries), k), -1, dtype=np.int64)
    best = np.full((len(queries), k), -np.inf, dtype=np.float32)
    for ids, vectors in catalog.iter_vectors(batch=50_000):
        scores = np.hstack([best, queries @ vectors.T])
        pool = np.hstack([best_ids, np.broadcast_to(ids, (len(queries), len(ids)))])
        top = np.argsort(-scores, axis=1)[:, :k]
        best, best_ids = np.take_along_axis(scores, top, 1), np.take_along_axis(pool, top, 1)
    return best_ids


def _dense_recall(dense, catalog, queries, k: int = 10) -> dict:
    """recall@k of the store's dense index against exact search, with and without exact re-ranking, and
    the dense search's latency."""
    truth = _exact_top(catalog, queries, k)
    out = {"queries": len(queries)}
    source = dense.vectors
    for label, vectors in (("reranked", source), ("codes_only", None)):
        if label == "codes_only" and dense.kind == "flat":
            continue
        dense.vectors = vectors
        times, recalls = [], []
        for query, expected in zip(queries, truth):
            t = time.perf_counter()
            found = {i for i, _ in dense.search(query, k)}
            times.append((time.perf_counter() - t) * 1000)
            recalls.append(len(found & set(expected.tolist())) / k)
        out[label] = {"recall_at_10": round(statistics.mean(recalls), 3),
                      "dense_p50_ms": round(statistics.median(times), 1), "dense_p95_ms": round(_p95(times), 1)}
    dense.vectors = source
    return out


def speed(args) -> dict:

    from index.catalog import Catalog
    from ingest.vietnamese import tokenize

    results: dict = {"threads": args.threads, "cpus": os.cpu_count(), "load_average": os.getloadavg()}
    with tempfile.TemporaryDirectory(prefix="bench-retrieval-") as tmp:
        tmp = Path(tmp)
        real = args.store or tmp / "real"
        container = _container(real)
        container.embedder.encode_query("khởi động")  # load the model outside the measurement
        if not args.no_ingest:
            t = time.perf_counter()
            report = container.ingest_runner.ingest_paths([args.corpus])
            seconds = time.perf_counter() - t
            chunks = container.store.catalog.count_chunks()
            results["ingest"] = {"files": len(report.files), "chunks": chunks, "seconds": round(seconds, 1),
                                 "chunks_per_s": round(chunks / seconds, 1)}
            t = time.perf_counter()
            again = container.ingest_runner.ingest_paths([args.corpus])
            results["reingest"] = {"seconds": round(time.perf_counter() - t, 1),
                                   "added_chunks": container.store.catalog.count_chunks() - chunks,
                                   "statuses": sorted({f.status for f in again.files})}
            print("ingest", results["ingest"], results["reingest"], file=sys.stderr)
        chunks = container.store.catalog.count_chunks()
        results["latency"] = [{"chunks": chunks, "kind": container.store.dense.kind, "rss_mb": round(_rss_mb()),
                               **_latency(container.retriever, args.repeats)}]
        print(results["latency"][-1], file=sys.stderr)

        rows = Catalog(real / "catalog.sqlite3")._conn().execute("SELECT text FROM chunks").fetchall()
        token_lists = [tokenize(r[0]) for r in rows]
        vocabulary = sorted({t for tokens in token_lists for t in tokens})
        lengths = [len(tokens) for tokens in token_lists if tokens]
        import faiss
        import numpy as np

        base = np.vstack([vectors for _, vectors in Catalog(real / "catalog.sqlite3").iter_vectors()])
        embedder_id = container.embedder.model_id
        queries = np.vstack([np.asarray(container.embedder.encode_query(q), dtype=np.float32) for q in QUERIES]
                            + [_synthetic_vectors(np.random.default_rng(99), base, args.recall_queries)])
        for size in args.sizes:
            store = tmp / f"synthetic-{size}"
            store.mkdir()
            t = time.perf_counter()
            _synthetic_store(size, vocabulary, lengths, base, embedder_id, store)
            write_s = time.perf_counter() - t
            before = _rss_mb()
            t = time.perf_counter()
            synthetic = _container(store)
            synthetic.embedder = container.embedder  # loaded once
            synthetic.store.lexical.search("khởi động", 1)  # compile the BM25 matrix outside the measurement
            build_s = time.perf_counter() - t
            dense = synthetic.store.dense
            row = {"chunks": size, "kind": dense.kind, "catalog_write_s": round(write_s, 1),
                   "index_build_s": round(build_s, 1),
                   "dense_index_mb": round(faiss.serialize_index(dense.index).nbytes / 2**20, 1),
                   "index_rss_mb": round(_rss_mb() - before), "rss_mb": round(_rss_mb()),
                   **_latency(synthetic.retriever, args.repeats),
                   "dense_recall": _dense_recall(dense, synthetic.store.catalog, queries)}
            results["latency"].append(row)
            print(row, file=sys.stderr)
            synthetic.store.close()
            del synthetic
    results["peak_rss_mb"] = round(_peak_rss_mb())
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    q = sub.add_parser("quality", help="hit@k and MRR@10 of dense, lexical and hybrid retrieval")
    q.add_argument("--dataset", choices=("notices", "alqac"), default="notices")
    q.add_argument("--store", type=Path, required=True, help="store directory (built when empty)")
    q.add_argument("--corpus", type=Path, help="notices folder or ALQAC law.json (default: ../shared)")
    q.add_argument("--questions", type=Path, help="question file (default: ../shared)")
    q.add_argument("--no-ingest", action="store_true",
                   help="evaluate --store as it is (e.g. an archive store ingested with OCR off)")
    s = sub.add_parser("speed", help="ingest throughput and search latency with memory")
    s.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    s.add_argument("--store", type=Path, help="store of the corpus to use (default: a new temporary one)")
    s.add_argument("--no-ingest", action="store_true", help="skip the ingest measurement (use --store's content)")
    s.add_argument("--sizes", default="100000", help="synthetic store sizes, comma-separated (e.g. 100000,1000000)")
    s.add_argument("--repeats", type=int, default=10, help="passes over the benchmark queries")
    s.add_argument("--threads", type=int, default=2, help="cores the process may use (sets its CPU affinity)")
    s.add_argument("--recall-queries", type=int, default=200,
                   help="synthetic queries (besides the benchmark questions) for dense recall@10 against exact search")
    args = parser.parse_args(argv)
    if args.command == "speed":
        args.sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
        if hasattr(os, "sched_setaffinity"):
            os.sched_setaffinity(0, sorted(os.sched_getaffinity(0))[: args.threads])
        result = speed(args)
    else:
        result = quality(args)
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
