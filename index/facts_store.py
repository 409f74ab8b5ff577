"""FactsStore: tasks and indicators of the stored documents, in the catalog's SQLite file.

Rows are keyed by ``doc_id`` with a foreign key to ``documents(doc_id) ON DELETE CASCADE``, so
removing or replacing a document (the catalog deletes its row, with ``PRAGMA foreign_keys=ON``)
removes its facts; :meth:`FactsStore.sync` then writes the new ones. ``fact_state`` records the
content hash and extractor version each document's facts come from, so an unchanged re-ingest
adds nothing and a new extractor version re-extracts.

Lookups (:meth:`FactsStore.tasks`, :meth:`FactsStore.indicators`) return rows with the document,
section label and page, ready to be cited like a passage.
"""
from __future__ import annotations

import json
import sqlite3
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

from index.catalog import write_transaction
from index.database import connect
from ingest.facts import EXTRACTOR_VERSION, AgencyMatcher, AliasTable, DocumentFacts, extract_facts
from ingest.models import Chunk, DocumentMeta, ParsedDocument, Section
from ingest.vietnamese import fold_key

SCHEMA = """
CREATE TABLE IF NOT EXISTS fact_state (
    doc_id TEXT PRIMARY KEY REFERENCES documents(doc_id) ON DELETE CASCADE,
    content_hash TEXT NOT NULL,
    version TEXT NOT NULL,
    extracted_at REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS fact_tasks (
    task_id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    lead TEXT NOT NULL,
    leads TEXT NOT NULL,
    lead_text TEXT NOT NULL,
    coordinators TEXT NOT NULL,
    action TEXT NOT NULL,
    deadline TEXT,
    deadline_text TEXT NOT NULL,
    section TEXT NOT NULL,
    section_title TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    search_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fact_tasks_doc ON fact_tasks(doc_id);
CREATE INDEX IF NOT EXISTS fact_tasks_deadline ON fact_tasks(deadline);
CREATE TABLE IF NOT EXISTS fact_indicators (
    indicator_id INTEGER PRIMARY KEY AUTOINCREMENT,
    doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
    ordinal INTEGER NOT NULL,
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    unit TEXT NOT NULL,
    value_text TEXT NOT NULL,
    period TEXT NOT NULL,
    comparison TEXT NOT NULL,
    status TEXT NOT NULL,
    kind TEXT NOT NULL,
    section TEXT NOT NULL,
    section_title TEXT NOT NULL,
    page_start INTEGER NOT NULL,
    page_end INTEGER NOT NULL,
    char_start INTEGER NOT NULL,
    char_end INTEGER NOT NULL,
    text TEXT NOT NULL,
    search_key TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS fact_indicators_doc ON fact_indicators(doc_id);
"""

_DOC_COLUMNS = "d.source, d.title AS doc_title, d.number AS doc_number, d.date AS doc_date, d.doc_type"


@dataclass
class TaskRow:
    """A stored task with the facts needed to cite it (the JSON row of ``GET /v1/tasks``)."""

    lead: str
    coordinators: list[str]
    action: str
    deadline: str | None
    deadline_text: str
    source: str
    doc_id: str
    section: str
    text: str
    leads: list[str] = field(default_factory=list)
    lead_text: str = ""
    section_title: str = ""
    page_start: int = 0
    page_end: int = 0
    char_start: int = 0
    char_end: int = 0
    doc_title: str = ""
    doc_number: str = ""
    doc_date: str = ""
    doc_type: str = ""
    task_id: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class IndicatorRow:
    """A stored indicator with the facts needed to cite it (the JSON row of ``GET /v1/indicators``)."""

    name: str
    value: str
    unit: str
    period: str
    comparison: str
    status: str
    source: str
    doc_id: str
    section: str
    text: str
    value_text: str = ""
    kind: str = ""
    section_title: str = ""
    page_start: int = 0
    page_end: int = 0
    char_start: int = 0
    char_end: int = 0
    doc_title: str = ""
    doc_number: str = ""
    doc_date: str = ""
    doc_type: str = ""
    indicator_id: int = 0

    def to_dict(self) -> dict:
        return asdict(self)


class FactsStore:
    """Tasks and indicators beside the catalog, in the same SQLite file; one connection per thread."""

    def __init__(self, path: str | Path, table: AliasTable | None = None, read_only: bool = False):
        self.path = Path(path)
        self.table = table or AliasTable()
        self.matcher = AgencyMatcher(self.table)
        self.read_only = read_only
        self._local = threading.local()
        if not read_only:
            self._conn().executescript(SCHEMA)

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = connect(self.path, self.read_only)
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writes ------------------------------------------------------------------------------
    def is_current(self, doc_id: str, content_hash: str) -> bool:
        """Whether the stored facts of a document come from this content and this extractor."""
        row = self._conn().execute("SELECT content_hash, version FROM fact_state WHERE doc_id = ?",
                                   (doc_id,)).fetchone()
        return row is not None and row["content_hash"] == content_hash and row["version"] == EXTRACTOR_VERSION

    def sync(self, doc: ParsedDocument) -> bool:
        """Extract and store a stored document's facts unless they are current; True when it wrote."""
        if self.is_current(doc.doc_id, doc.content_hash):
            return False
        self.replace(doc.doc_id, doc.content_hash, extract_facts(doc, self.table))
        return True

    def replace(self, doc_id: str, content_hash: str, facts: DocumentFacts) -> None:
        """Replace a document's facts in one transaction (the document must be in the catalog)."""
        with write_transaction(self._conn()) as conn:
            self.write(conn, doc_id, content_hash, facts)

    @staticmethod
    def write(conn: sqlite3.Connection, doc_id: str, content_hash: str, facts: DocumentFacts) -> None:
        """Replace a document's facts on ``conn`` inside the caller's transaction: the catalog's, when the
        document itself is written (:meth:`NoticeStore.upsert` ``also``), so both commit or neither."""
        conn.execute("DELETE FROM fact_tasks WHERE doc_id = ?", (doc_id,))
        conn.execute("DELETE FROM fact_indicators WHERE doc_id = ?", (doc_id,))
        conn.executemany(
            "INSERT INTO fact_tasks(doc_id, ordinal, lead, leads, lead_text, coordinators, action, deadline,"
            " deadline_text, section, section_title, page_start, page_end, char_start, char_end, text, search_key)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, i, t.lead, _json(t.leads), t.lead_text, _json(t.coordinators), t.action, t.deadline,
              t.deadline_text, t.where.section, t.where.section_title, t.where.page_start, t.where.page_end,
              t.where.char_start, t.where.char_end, t.where.text,
              fold_key(" ".join([t.lead, t.lead_text, *t.coordinators, t.action, t.where.text])))
             for i, t in enumerate(facts.tasks)])
        conn.executemany(
            "INSERT INTO fact_indicators(doc_id, ordinal, name, value, unit, value_text, period, comparison,"
            " status, kind, section, section_title, page_start, page_end, char_start, char_end, text, search_key)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [(doc_id, i, x.name, x.value, x.unit, x.value_text, x.period, x.comparison, x.status, x.kind,
              x.where.section, x.where.section_title, x.where.page_start, x.where.page_end, x.where.char_start,
              x.where.char_end, x.where.text, fold_key(f"{x.name} {x.period} {x.where.text}"))
             for i, x in enumerate(facts.indicators)])
        conn.execute("INSERT OR REPLACE INTO fact_state(doc_id, content_hash, version, extracted_at)"
                     " VALUES (?,?,?,?)", (doc_id, content_hash, EXTRACTOR_VERSION, time.time()))

    def backfill(self, catalog) -> int:
        """Extract facts of catalog documents whose facts are missing or stale; returns how many it wrote.

        Documents ingested before facts existed (or under an older extractor) are rebuilt from the
        catalog's normalised text, section tree and chunk pages.
        """
        written = 0
        if self.read_only:  # stale rows are served as they are; the next writable open renews them
            return written
        for record in catalog.documents():
            if record.status != "ok" or self.is_current(record.doc_id, record.content_hash):
                continue
            doc = _document_from_catalog(catalog, record.doc_id)
            if doc is not None:
                self.replace(doc.doc_id, doc.content_hash, extract_facts(doc, self.table))
                written += 1
        return written

    # -- reads -------------------------------------------------------------------------------
    def tasks(self, agency: str | None = None, due_before: str | None = None, due_after: str | None = None,
              doc: str | None = None, text: str | None = None, role: str = "any",
              limit: int | None = None) -> list[TaskRow]:
        """Tasks in document order, filtered.

        Args:
            agency: an agency as the user types it (tone marks and abbreviations optional); matches the
                lead, or with ``role="any"`` also the coordinating agencies.
            due_before / due_after: ISO dates, inclusive; tasks without a dated deadline are left out.
            doc: a doc_id or the file name it was ingested as.
            text: words that must all occur in the task (tone marks optional).
            role: "lead" or "any".
            limit: at most this many rows.
        """
        where, params = self._filters(doc, text, "t")
        if due_before:
            where.append("t.deadline IS NOT NULL AND t.deadline <= ?")
            params.append(due_before)
        if due_after:
            where.append("t.deadline IS NOT NULL AND t.deadline >= ?")
            params.append(due_after)
        rows = self._select("fact_tasks", "t", where, params)
        found = []
        named: dict[str, bool] = {}  # agency names repeat across rows: match each once
        for row in rows:
            task = _task_row(row)
            if agency and not self._agency_matches(agency, task, role, named):
                continue
            found.append(task)
            if limit and len(found) >= limit:
                break
        return found

    def indicators(self, doc: str | None = None, text: str | None = None, status: str | None = None,
                   kind: str | None = None, limit: int | None = None) -> list[IndicatorRow]:
        """Indicators in document order, filtered by document, words (tone marks optional), status and kind."""
        where, params = self._filters(doc, text, "x")
        for column, value in (("status", status), ("kind", kind)):
            if value:
                where.append(f"x.{column} = ?")
                params.append(value)
        rows = self._select("fact_indicators", "x", where, params, limit)
        return [_indicator_row(r) for r in rows]

    def agencies(self) -> list[str]:
        """Every canonical agency named as a lead or coordinator, sorted."""
        names: set[str] = set()
        for row in self._conn().execute("SELECT leads, coordinators FROM fact_tasks"):
            names.update(json.loads(row["leads"]))
            names.update(json.loads(row["coordinators"]))
        return sorted(names)

    def counts(self) -> dict[str, int]:
        conn = self._conn()
        return {"tasks": conn.execute("SELECT COUNT(*) FROM fact_tasks").fetchone()[0],
                "indicators": conn.execute("SELECT COUNT(*) FROM fact_indicators").fetchone()[0]}

    def _agency_matches(self, query: str, task: TaskRow, role: str, named: dict[str, bool]) -> bool:
        names = task.leads + (task.coordinators if role == "any" else [])
        for name in names:
            if name not in named:
                named[name] = self.matcher.matches(query, name)
        return any(named[name] for name in names)

    @staticmethod
    def _filters(doc: str | None, text: str | None, alias: str) -> tuple[list[str], list]:
        where: list[str] = []
        params: list = []
        if doc:
            where.append(f"({alias}.doc_id = ? OR d.source = ?)")
            params += [doc, doc]
        for word in fold_key(text or "").split():
            where.append(f"{alias}.search_key LIKE ?")
            params.append(f"%{word}%")
        return where, params

    def _select(self, table: str, alias: str, where: list[str], params: list, limit: int | None = None):
        sql = (f"SELECT {alias}.*, {_DOC_COLUMNS} FROM {table} {alias} JOIN documents d ON d.doc_id = {alias}.doc_id"
               + (" WHERE " + " AND ".join(where) if where else "") + f" ORDER BY d.source, {alias}.ordinal")
        if limit:
            sql += " LIMIT ?"
            params = [*params, int(limit)]
        return self._conn().execute(sql, params).fetchall()


def _json(value) -> str:
    return json.dumps(value, ensure_ascii=False)


_ROW_SKIP = {"ordinal", "search_key"}


def _task_row(row: sqlite3.Row) -> TaskRow:
    data = {k: row[k] for k in row.keys() if k not in _ROW_SKIP}  # noqa: SIM118 (sqlite3.Row)
    data["leads"] = json.loads(data["leads"])
    data["coordinators"] = json.loads(data["coordinators"])
    return TaskRow(**data)


def _indicator_row(row: sqlite3.Row) -> IndicatorRow:
    return IndicatorRow(**{k: row[k] for k in row.keys() if k not in _ROW_SKIP})  # noqa: SIM118 (sqlite3.Row)


def _document_from_catalog(catalog, doc_id: str) -> ParsedDocument | None:
    """A ParsedDocument rebuilt from what the catalog keeps: text, sections, metadata and chunk pages."""
    detail = catalog.document_detail(doc_id)
    if detail is None or not detail.get("text"):
        return None
    ids = [int(i) for i in catalog.chunk_ids_where("c.doc_id = ?", [doc_id])]
    chunks = sorted(catalog.chunks(ids).values(), key=lambda c: c.char_start)
    page_starts: dict[int, int] = {}
    for c in chunks:
        page_starts[c.page_start] = min(page_starts.get(c.page_start, c.char_start), c.char_start)
    starts, last = [], 0
    for page in range(1, max(page_starts, default=1) + 1):
        last = page_starts.get(page, last)
        starts.append(last)
    meta = DocumentMeta(**{k: detail.get(k) or "" for k in ("doc_type", "number", "issuer", "place", "date", "title",
                                                            "signer", "province")})
    sections = [Section(**{k: s[k] for k in ("label", "title", "level", "start", "end", "parent", "kind") if k in s})
                for s in detail.get("sections", [])]
    return ParsedDocument(
        doc_id=doc_id, source=detail["source"], media_type=detail["media_type"], content_hash=detail["content_hash"],
        meta=meta, text=detail["text"], page_starts=starts or [0], sections=sections,
        chunks=[Chunk(ordinal=i, text=c.text, embed_text="", section=c.section, section_title=c.section_title,
                      section_titles=c.section_titles, page_start=c.page_start, page_end=c.page_end,
                      char_start=c.char_start, char_end=c.char_end) for i, c in enumerate(chunks)],
        page_count=detail.get("page_count", 0),
    )
