"""OCR of PDF pages with Tesseract's Vietnamese model, with an on-disk cache.

Pages are rendered with PDFium at 300 dpi and read by ``pytesseract`` (both from the ``ocr`` extra;
the ``tesseract`` program and its ``vie`` data come from the system: Debian ``tesseract-ocr
tesseract-ocr-vie``). Everything is imported lazily, so a machine without them still ingests text
documents and reports scans as needing OCR.

OCR costs seconds per page, so results are cached by file content hash, page, language and
resolution: re-ingesting a file, or rebuilding a store, never reads the same page twice. Tesseract reads
a page on one core, so up to ``workers`` pages of a scan are read at once (PDFium renders them one at a
time in the calling thread: it is not thread-safe).
"""
from __future__ import annotations

import os
import tempfile
from collections import deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path


@dataclass
class TesseractOcr:
    """Reads PDF pages. ``cache_dir`` (optional) keeps recognised text between runs."""

    language: str = "vie"
    dpi: int = 300
    cache_dir: Path | None = None
    page_timeout_s: float = 180.0
    workers: int = 2  # pages read at once

    @cached_property
    def unavailable_reason(self) -> str | None:
        """Why OCR cannot run here, or None when it can."""
        try:
            import pypdfium2  # noqa: F401
            import pytesseract
        except ImportError:
            return "the OCR packages are not installed (pip install 'notice-qa[ocr]')"
        try:
            languages = pytesseract.get_languages(config="")
        except Exception:  # pytesseract raises its own types when the program is missing
            return "the tesseract program is not installed (apt-get install tesseract-ocr tesseract-ocr-vie)"
        if self.language not in languages:
            return f"Tesseract has no '{self.language}' language data (apt-get install tesseract-ocr-{self.language})"
        return None

    def _cache_path(self, content_hash: str, page: int) -> Path | None:
        if self.cache_dir is None or not content_hash:
            return None
        return Path(self.cache_dir) / f"{content_hash}-p{page}-{self.language}-{self.dpi}.txt"

    def recognize(self, pdf_data: bytes, pages: list[int], content_hash: str) -> dict[int, str]:
        """Text of the given 1-based pages. Raises RuntimeError when OCR is unavailable or fails."""
        results: dict[int, str] = {}
        missing = []
        for page in pages:
            path = self._cache_path(content_hash, page)
            if path is not None and path.is_file():
                results[page] = path.read_text(encoding="utf-8")
            else:
                missing.append(page)
        if not missing:
            return results
        if self.unavailable_reason:
            raise RuntimeError(self.unavailable_reason)
        import pypdfium2 as pdfium
        import pytesseract

        def read(page: int, image) -> str:
            try:
                return pytesseract.image_to_string(image, lang=self.language, timeout=self.page_timeout_s)
            except RuntimeError as exc:  # pytesseract signals its timeout this way
                raise RuntimeError(f"OCR of page {page} failed: {exc}") from exc

        pdf = pdfium.PdfDocument(pdf_data)
        pool = ThreadPoolExecutor(max_workers=max(1, self.workers), thread_name_prefix="ocr")
        try:
            reading: deque = deque()
            for page in missing:
                pdf_page = pdf[page - 1]
                image = pdf_page.render(scale=self.dpi / 72).to_pil()
                pdf_page.close()
                reading.append((page, pool.submit(read, page, image)))
                while len(reading) >= max(1, self.workers):  # at most this many rendered pages held
                    self._collect(*reading.popleft(), content_hash, results)
            while reading:
                self._collect(*reading.popleft(), content_hash, results)
        finally:
            pool.shutdown(wait=True, cancel_futures=True)
            pdf.close()
        return results

    def _collect(self, page: int, future, content_hash: str, results: dict[int, str]) -> None:
        results[page] = future.result()
        self._store(content_hash, page, results[page])

    def _store(self, content_hash: str, page: int, text: str) -> None:
        path = self._cache_path(content_hash, page)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        # Write then rename, so a crash never leaves a truncated page that would be trusted later.
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
