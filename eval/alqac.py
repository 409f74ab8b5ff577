"""ALQAC 2023 adapter: Vietnamese laws as documents, articles as sections, questions with gold articles.

``law.json`` is ``[{"id": law name, "articles": [{"id": "32", "text": "title\nbody"}]}]``. Each law
becomes one :class:`ingest.models.ParsedDocument` whose ``source`` is the law id. The law is printed
as a law is ("LUẬT" / "DU LỊCH" heading lines, then "Điều 32. title" and the body of each article)
and parsed by the product's own parser, so the benchmark measures the product's structure detection,
chunking and heading context. Each article is then one section whose label is the article id and
whose title is the article's first line: chunks of its clauses keep the clause text but are labelled
with the article, so a long article is several chunks of the same section.

``train.json`` is ``[{"question_id", "question_type", "text", "relevant_articles": [{"law_id",
"article_id"}], "answer", "choices"?}]``. Each question becomes an :class:`eval.datasets.Question`
whose evidence items name a gold (law id, article id) with an empty quote, so a passage matches when
it comes from that law and that article (``eval.metrics.evidence_matches``). A multiple-choice
question carries its options in its text, as it is asked.
"""
from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

from eval.datasets import Evidence, Question
from ingest.models import Page, ParsedDocument, RawDocument, Section
from ingest.pipeline import DocumentParser

# question_type -> (Question.type, Question.answer_form)
QUESTION_FORMS = {
    "Đúng/Sai": ("true_false", "true_false"),
    "Trắc nghiệm": ("multiple_choice", "choice"),
    "Tự luận": ("essay", "text"),
}
ARTICLE_LABEL = re.compile(r"^Điều\s+(\w+)")
KINDS = ("Bộ luật", "Luật")


def _read_json(path: str | Path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def law_text(law: dict) -> str:
    """The law as printed: its kind and name as heading lines, then "Điều N. title" and each body."""
    law_id = str(law["id"]).strip()
    kind = next((k for k in KINDS if law_id.lower().startswith(k.lower() + " ")), "")
    lines = [kind.upper(), law_id[len(kind):].strip().upper()] if kind else [law_id.upper()]
    for article in law.get("articles", []):
        title, _, body = str(article.get("text", "")).strip().partition("\n")
        lines.append(f"Điều {str(article['id']).strip()}. {title.strip()}")
        lines += [line.strip() for line in body.splitlines() if line.strip()]
    return "\n".join(lines) + "\n"


def law_document(law: dict, parser: DocumentParser | None = None) -> ParsedDocument:
    """One law parsed by the product's parser, with one section per article (label = article id).

    Raises ValueError when the law or an article has no id, or when the parser did not find an
    article's heading (its chunks would be counted under the previous article).
    """
    law_id = str(law.get("id", "")).strip()
    if not law_id:
        raise ValueError("a law without an id")
    titles = {}
    for article in law.get("articles", []):
        article_id = str(article.get("id", "")).strip()
        if not article_id:
            raise ValueError(f"{law_id}: an article without an id")
        titles[article_id] = str(article.get("text", "")).strip().partition("\n")[0].strip()
    text = law_text(law)
    data = text.encode("utf-8")
    raw = RawDocument(source=law_id, media_type="text/plain", pages=[Page(1, text)],
                      content_hash=hashlib.sha256(data).hexdigest(), size_bytes=len(data))
    doc = (parser or DocumentParser()).parse_raw(raw)
    sections = []
    for section in doc.sections:
        match = ARTICLE_LABEL.match(section.label)
        if match and section.label == match.group(0) and match.group(1) in titles:
            sections.append(Section(label=match.group(1), title=titles[match.group(1)], level=1,
                                    start=section.start, end=section.end))
    missing = sorted(set(titles) - {s.label for s in sections}, key=lambda a: (len(a), a))
    if missing:
        raise ValueError(f"{law_id}: the parser found no heading for article(s) {', '.join(missing[:10])}")
    for chunk in doc.chunks:
        match = ARTICLE_LABEL.match(chunk.section)
        article = match.group(1) if match and match.group(1) in titles else ""
        chunk.section = article
        chunk.section_title = titles.get(article, "")
        chunk.section_titles = [chunk.section_title] if article else []
    doc.sections = sections
    return doc


def load_alqac_corpus(path: str | Path, parser: DocumentParser | None = None) -> list[ParsedDocument]:
    """Every law of ``law.json`` as a :class:`ParsedDocument` (see :func:`law_document`)."""
    parser = parser or DocumentParser()
    return [law_document(law, parser) for law in _read_json(path)]


def question_text(row: dict) -> str:
    """The question as a user would ask it: a multiple-choice question carries its options."""
    text = str(row["text"]).strip()
    choices = row.get("choices") or {}
    if choices:
        text += "\n" + "\n".join(f"{key}. {str(value).strip()}" for key, value in sorted(choices.items()))
    return text


def load_alqac_questions(path: str | Path) -> list[Question]:
    """ALQAC questions with their gold articles as evidence (law id, empty quote, article id).

    True/false answers ("Đúng"/"Sai") are graded as verdicts, multiple-choice answers as the letter
    of ``choices`` (listed in the question text too), essay answers as a key fact.
    """
    questions = []
    for row in _read_json(path):
        qtype, form = QUESTION_FORMS.get(row.get("question_type", ""), ("essay", "text"))
        answer = str(row.get("answer", "")).strip()
        questions.append(Question(
            id=str(row["question_id"]), question=question_text(row), type=qtype, answer=answer,
            key_facts=[answer] if form == "text" and answer else [],
            evidence=[Evidence(str(a["law_id"]), "", str(a["article_id"])) for a in row["relevant_articles"]],
            answer_form=form, choices={str(k): str(v) for k, v in (row.get("choices") or {}).items()},
        ))
    return questions

