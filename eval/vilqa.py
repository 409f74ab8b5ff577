"""ViLQA adapter: ``ALQAC.csv`` rows of (context, question, answer), the answer a span of the context.

The corpus is one document per distinct context (named ``vilqa-`` + a hash of the context, so the same
context always gets the same name); each question's evidence is its context document, and its answer is
graded as a span (exact match, token F1) and as a key fact (contained in the answer).
"""
from __future__ import annotations

import csv
import hashlib
from pathlib import Path

from eval.datasets import Evidence, Question
from ingest.models import Page, ParsedDocument, RawDocument
from ingest.pipeline import DocumentParser

REQUIRED = ("context", "question", "answer")


def read_rows(path: str | Path) -> list[dict[str, str]]:
    """The CSV rows (UTF-8, with or without BOM); a missing column is an error naming it."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in REQUIRED if c not in (reader.fieldnames or [])]
        if missing:
            raise ValueError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(REQUIRED)}")
        return [row for row in reader if row["question"].strip() and row["context"].strip()]


def context_source(context: str) -> str:
    return "vilqa-" + hashlib.sha1(context.strip().encode("utf-8")).hexdigest()[:12]


def load_vilqa_questions(path: str | Path) -> list[Question]:
    return [
        Question(id=f"vilqa-{i:04d}", question=row["question"].strip(), type="span", answer=row["answer"].strip(),
                 key_facts=[row["answer"].strip()] if row["answer"].strip() else [],
                 evidence=[Evidence(context_source(row["context"]), "")], answer_form="span")
        for i, row in enumerate(read_rows(path), start=1)
    ]


def load_vilqa_documents(path: str | Path, parser: DocumentParser) -> list[ParsedDocument]:
    """One parsed document per distinct context, through the product's parser (sections, chunks)."""
    documents: dict[str, ParsedDocument] = {}
    for row in read_rows(path):
        context = row["context"].strip()
        source = context_source(context)
        if source in documents:
            continue
        data = context.encode("utf-8")
        raw = RawDocument(source=source, media_type="text/plain", pages=[Page(1, context)],
                          content_hash=hashlib.sha256(data).hexdigest(), size_bytes=len(data))
        documents[source] = parser.parse_raw(raw)
    return list(documents.values())
