"""The parse sandbox (ingest.sandbox): a child never inherits a lock that another thread of the asking process holds.

Ingest reads files in threads (parse-ahead, the embedder's pool, the progress bar); a child forked from such a process
while another thread held a lock waited on it forever (a PDF of the archive "stopped" for 30 minutes at 0% CPU).
"""
from __future__ import annotations

import threading

from docgen import write_pdf
from sandbox_support import HELD, take_lock

from ingest.pipeline import DocumentParser
from ingest.sandbox import Limits, run_limited


def test_a_child_starts_free_of_the_locks_other_threads_hold(tmp_path):
    held, release = threading.Event(), threading.Event()

    def holder() -> None:
        with HELD:
            held.set()
            release.wait(60)

    thread = threading.Thread(target=holder)
    thread.start()
    held.wait()
    try:
        assert run_limited(take_lock, limits=Limits(timeout_s=20)) == "free"
        # And the real path: a PDF read in the bounded child while the lock is still held here.
        path = write_pdf(tmp_path / "TB_09_ho_so.pdf", ["THÔNG BÁO", "Giao Sở Tư pháp rà soát hồ sơ trước 31/01/2026."])
        doc = DocumentParser(ocr_enabled=False).parse_file(path)
        assert "31/01/2026" in doc.text
    finally:
        release.set()
        thread.join()
