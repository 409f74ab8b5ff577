"""Ingest throughput of a folder against the bare embedder, in the same run; then a second run over it.

    python -m eval.bench_ingest [FOLDER] [--limit N] [--ocr] [--parse-ahead N] [--sample 200] [--ray] [--write-doc]

1. ``notice-qa ingest FOLDER`` into a fresh store (OCR off unless ``--ocr``): files/s, pages/s, passages/s,
   passages embedded/s (passages whose words another version already holds reuse its vector), OCR pages apart.
2. The bare embedder on a sample of the same passages (their ``embed_text``, in batches as ingest sends them):
   passages/s. The ratio of (1) to (2) is what parsing, OCR, version grouping, task rows and the store cost.
3. The same ingest again: every file is skipped by its hash, unparsed; the seconds it takes.
4. With ``--ray``: the same files ingested again into a third store with ``--engine ray`` on a local Ray of
   this machine's CPUs (started before the clock starts), and its throughput as a share of the local one:
   what the engine costs.
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

from eval.benchdoc import update_section
from eval.machine import describe, machine_info
from ingest.pipeline import discover
from qa_service.container import Container
from qa_service.settings import Settings

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = ROOT.parent / "shared" / "archive"


def _ingest(container: Container, files: list[Path], engine=None) -> tuple[float, list]:
    start = time.perf_counter()
    report = container.ingest_runner.ingest_paths(files, engine=engine)
    return time.perf_counter() - start, report.files


def _ray_run(folder: Path, files: list[Path], ocr: bool) -> tuple[float, list]:
    from qa_service.ray_engine import RayIngestEngine

    container = Container(Settings(data_dir=folder, ocr_enabled=ocr))
    engine = RayIngestEngine(container.parser, container.settings)
    try:
        container.store  # noqa: B018  the store and Ray are up before the clock starts
        return _ingest(container, files, engine)
    finally:
        engine.close()


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("folder", nargs="?", type=Path, default=DEFAULT_FOLDER)
    args.add_argument("--limit", type=int, default=0, help="only the first N files (0: all)")
    args.add_argument("--ocr", action="store_true", help="OCR scans and garbled pages (Tesseract)")
    args.add_argument("--parse-ahead", type=int, default=Settings().parse_ahead,
                      help="files parsed while one is embedded (0: one at a time; compare the two)")
    args.add_argument("--sample", type=int, default=200, help="passages embedded bare")
    args.add_argument("--ray", action="store_true", help="also ingest with --engine ray on a local Ray and compare")
    args.add_argument("--write-doc", action="store_true", help="write the figures into docs/benchmarks.md")
    opts = args.parse_args(argv)
    files = discover([opts.folder])[:opts.limit or None]
    info = machine_info()
    with tempfile.TemporaryDirectory() as tmp:
        container = Container(Settings(data_dir=Path(tmp) / "store", ocr_enabled=opts.ocr,
                                       parse_ahead=opts.parse_ahead))
        container.store  # the embedder is loaded before the clock starts
        first_s, outcomes = _ingest(container, files)
        again_s, again = _ingest(container, files)
        texts = [text for _, text in container.store.catalog.iter_texts() if text]
        sample = random.Random(0).sample(texts, min(opts.sample, len(texts))) if texts else []
        start = time.perf_counter()
        container.store.embedder.encode_passages(sample)
        bare = len(sample) / (time.perf_counter() - start) if sample else 0.0
        ray_s, ray_outcomes = _ray_run(Path(tmp) / "ray-store", files, opts.ocr) if opts.ray else (0.0, [])
    count = lambda status: sum(o.status == status for o in outcomes)  # noqa: E731
    pages, ocr = sum(o.pages for o in outcomes), sum(o.ocr_pages for o in outcomes)
    chunks, embedded = sum(o.chunks for o in outcomes), sum(o.embedded for o in outcomes)
    stored = sum(o.status in ("added", "replaced", "duplicate") for o in outcomes)
    readable = stored + count("flagged")
    lines = [
        f"`python -m eval.bench_ingest {opts.folder}{' --ocr' if opts.ocr else ''}{' --ray' if opts.ray else ''}"
        f"{f' --limit {opts.limit}' if opts.limit else ''} --parse-ahead {opts.parse_ahead}`, {info['date']}, "
        f"{describe(info)}.",
        "",
        f"- files: {len(outcomes)} ({stored} stored, {count('flagged')} flagged, {count('error')} errors, "
        f"{count('unchanged')} unchanged); pages {pages} ({ocr} by OCR); passages {chunks}, of them {embedded} embedded "
        f"(the others reuse the vector of the same words in another version)",
        f"- first run: {first_s:.1f} s: {len(outcomes) / first_s:.2f} files/s, {pages / first_s:.2f} pages/s, "
        f"{chunks / first_s:.2f} passages/s, {embedded / first_s:.2f} passages embedded/s",
        f"- bare embedder, same run, {len(sample)} of the same passages: {bare:.2f} passages/s; ingest embeds at "
        f"{embedded / first_s / bare:.0%} of it" if bare else "- bare embedder: no passages",
        f"- second run over the same files: {again_s:.1f} s ({sum(o.status == 'unchanged' for o in again)} of "
        f"{len(again)} unchanged, skipped by file hash before parsing)",
        f"- files read (stored or flagged) of all files: {readable}/{len(outcomes)}",
    ]
    if opts.ray:
        same = [(o.source, o.status, o.chunks) for o in ray_outcomes] == [(o.source, o.status, o.chunks) for o in outcomes]
        lines.append(f"- `--engine ray` on a local Ray, same files, fresh store: {ray_s:.1f} s: "
                     f"{chunks / ray_s:.2f} passages/s, {ray_s and first_s / ray_s:.0%} of the local ingest's "
                     f"throughput; per-file outcomes {'identical' if same else 'DIFFERENT'}")
    text = "\n".join(lines)
    print(text)
    if opts.write_doc:
        update_section("bench_ingest", "## Ingest throughput (`eval/bench_ingest.py`)\n\n" + text)


if __name__ == "__main__":
    main()
