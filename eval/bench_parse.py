"""Parse throughput benchmark: pages per second per file and overall, OCR reported separately.

    python -m eval.bench_parse [PATH ...] [--repeat 3] [--ocr]

Text PDFs are timed end to end (load, normalise, structure, chunk) with OCR switched off; pages
that would need OCR are counted apart. With ``--ocr`` the scanned or garbled pages are also read by
Tesseract (no cache) and the seconds per OCR page are printed.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

from ingest.loaders import load_file
from ingest.models import IngestError
from ingest.pipeline import DocumentParser, discover
from ingest.quality import score_text

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_PATHS = [ROOT.parent / "shared" / "corpus", ROOT / "examples"]


def _ocr_pages(path: Path) -> int:
    raw = load_file(path)
    return sum(1 for p in raw.pages if p.needs_ocr or (p.text.strip() and score_text(p.text).garbled))


def main(argv: list[str] | None = None) -> None:
    args = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    args.add_argument("paths", nargs="*", type=Path)
    args.add_argument("--repeat", type=int, default=3, help="runs per file; the fastest counts")
    args.add_argument("--ocr", action="store_true", help="also time OCR of scanned/garbled pages")
    opts = args.parse_args(argv)
    files = discover([p for p in (opts.paths or DEFAULT_PATHS) if p.exists()])
    text_parser = DocumentParser(ocr_enabled=False)
    print(f"{'file':58} {'kind':5} {'pages':>5} {'ocr':>4} {'seconds':>8} {'pages/s':>8}")
    pdf_pages = pdf_seconds = 0.0
    all_pages = all_seconds = 0.0
    ocr_pages = ocr_seconds = 0.0
    for path in files:
        try:
            scanned = _ocr_pages(path) if path.suffix.lower() == ".pdf" else 0
            best = float("inf")
            for _ in range(max(1, opts.repeat)):
                start = time.perf_counter()
                doc = text_parser.parse_file(path)
                best = min(best, time.perf_counter() - start)
        except IngestError as exc:
            print(f"{path.name[:58]:58} error: {exc}")
            continue
        text_pages = doc.page_count - scanned
        rate = text_pages / best if best > 0 and text_pages else 0.0
        print(f"{path.name[:58]:58} {path.suffix[1:]:5} {doc.page_count:5} {scanned:4} {best:8.3f} {rate:8.1f}")
        all_pages += doc.page_count
        all_seconds += best
        if path.suffix.lower() == ".pdf" and text_pages:
            pdf_pages += text_pages
            pdf_seconds += best
        if opts.ocr and scanned:
            start = time.perf_counter()
            DocumentParser().parse_file(path)
            ocr_seconds += time.perf_counter() - start - best
            ocr_pages += scanned
    if pdf_seconds:
        print(f"text PDF pages: {pdf_pages:.0f} in {pdf_seconds:.2f} s = {pdf_pages / pdf_seconds:.1f} pages/s")
    if all_seconds:
        print(f"all files: {all_pages:.0f} pages in {all_seconds:.2f} s = {all_pages / all_seconds:.1f} pages/s "
              "(a Word or text file counts as one page)")
    if ocr_pages:
        print(f"OCR: {ocr_pages:.0f} pages in {ocr_seconds:.1f} s = {ocr_seconds / ocr_pages:.1f} s/page")


if __name__ == "__main__":
    main()
