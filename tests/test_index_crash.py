"""A store survives an ingest process killed midway: every document wholly present or absent."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from conftest import EXAMPLES, ROOT, make_container

NOTICE = (EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt").read_text(encoding="utf-8")
FILES = 10

CHILD = textwrap.dedent("""
    import sys
    from pathlib import Path
    from qa_service.container import Container
    from qa_service.settings import Settings

    container = Container(Settings(data_dir=Path(sys.argv[1])))
    files = sorted(Path(sys.argv[2]).glob("*.txt"))
    container.ingest_runner.ingest_paths(files, on_file=lambda outcome: print(outcome.status, flush=True))
""")


def _write_notices(folder) -> None:
    folder.mkdir()
    for i in range(FILES):
        # Distinct documents: another number, meeting month and revenue figure in each.
        text = NOTICE.replace("15/TB-UBND", f"{100 + i}/TB-UBND").replace("4.812", f"{4000 + 37 * i}")
        (folder / f"notice_{i:02d}.txt").write_text(text.replace("tháng 01 năm 2025", f"tháng {i + 1:02d} năm 2025"),
                                                    encoding="utf-8")


def _assert_consistent(container) -> None:
    store = container.store
    conn = store.catalog._conn()
    for doc in store.documents():
        stored = conn.execute("SELECT COUNT(*) FROM chunks WHERE doc_id = ?", (doc.doc_id,)).fetchone()[0]
        assert stored == doc.chunk_count > 0, doc.source  # wholly present, never half-written
    total = store.catalog.count_chunks()
    assert store.dense.size == store.lexical.size == total
    assert not list(store.data_dir.glob(".*.tmp"))


def test_killed_ingest_reopens_consistent_and_a_rerun_completes(tmp_path):
    folder, data = tmp_path / "notices", tmp_path / "store"
    _write_notices(folder)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    child = subprocess.Popen([sys.executable, "-c", CHILD, str(data), str(folder)], stdout=subprocess.PIPE,
                             text=True, env=env, cwd=ROOT)
    try:
        done = [child.stdout.readline() for _ in range(3)]  # three documents committed, the fourth under way
        assert all(line.strip() == "added" for line in done), done
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=60)
    assert child.returncode == -signal.SIGKILL

    reopened = make_container(data)
    _assert_consistent(reopened)
    present = len(reopened.store.documents())
    assert 3 <= present < FILES

    report = reopened.ingest_runner.ingest_paths([folder])
    statuses = [f.status for f in report.files]
    assert statuses.count("added") == FILES - present and statuses.count("unchanged") == present
    _assert_consistent(reopened)
    assert len(reopened.store.documents()) == FILES
    hits = reopened.retriever.search(f"{100 + FILES - 1}/TB-UBND", k=3)
    assert hits[0].chunk.source == f"notice_{FILES - 1:02d}.txt"


def test_leftover_temp_files_and_torn_caches_are_repaired_at_open(tmp_path):
    data = tmp_path / "store"
    container = make_container(data)
    container.ingest_runner.ingest_paths([EXAMPLES])
    total = container.store.catalog.count_chunks()
    container.store.close()
    # A crash while writing a cache leaves a temp file; one during a rename can leave a torn file.
    (data / ".dense.faiss.abc123.tmp").write_bytes(b"half a faiss index")
    (data / "lexical.npz").write_bytes(b"not a zip file")
    reopened = make_container(data)
    assert reopened.store.lexical.size == reopened.store.dense.size == total
    assert not list(data.glob(".*.tmp"))
    assert reopened.retriever.search("Trung tâm dữ liệu tỉnh", k=1)[0].chunk.source == "KH_42_chuyen_doi_so_2025.docx"


# A child whose process dies the instant the store has committed a document, before anything after it runs.
DIES_AFTER_COMMIT = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from index.store import NoticeStore
    from qa_service.container import Container
    from qa_service.settings import Settings

    real_upsert = NoticeStore.upsert

    def upsert(self, doc, *args, **kwargs):
        result = real_upsert(self, doc, *args, **kwargs)
        if result.status == "added":
            os._exit(9)
        return result

    NoticeStore.upsert = upsert
    container = Container(Settings(data_dir=Path(sys.argv[1])))
    container.ingest_runner.ingest_paths([Path(sys.argv[2])])
""")


def test_a_document_and_its_task_rows_commit_together(tmp_path):
    """Killed right after a document's commit, the store holds its task rows too (read without the
    backfill that opening the task store would run)."""
    folder, data = tmp_path / "notices", tmp_path / "store"
    _write_notices(folder)
    done = subprocess.run([sys.executable, "-c", DIES_AFTER_COMMIT, str(data), str(folder / "notice_00.txt")],
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 9, done.stderr
    from index.catalog import Catalog

    conn = Catalog(data / "catalog.sqlite3")._conn()
    (doc_id,) = [r[0] for r in conn.execute("SELECT doc_id FROM documents")]
    tasks = conn.execute("SELECT COUNT(*) FROM fact_tasks WHERE doc_id = ?", (doc_id,)).fetchone()[0]
    state = conn.execute("SELECT COUNT(*) FROM fact_state WHERE doc_id = ?", (doc_id,)).fetchone()[0]
    assert tasks >= 3 and state == 1
