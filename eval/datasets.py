"""Question sets. ``load_notices`` reads the notice question format of ``notices-dev.jsonl``.

Every dataset adapter produces :class:`Question` objects, so one set of metrics scores them all.
"""
from __future__ import annotations

import hashlib
import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

ANSWER_FORMS = ("text", "true_false", "choice", "span")


@dataclass(frozen=True)
class Evidence:
    """Where the answer is written: a verbatim ``quote`` of document ``doc`` (its source name).

    An item without a quote names a whole section instead (ALQAC: law id + article id), or a whole
    document when ``section`` is empty too; see ``eval.metrics.evidence_matches``.
    """

    doc: str  # file name as ingested
    quote: str
    section: str = ""
    also_in: tuple[str, ...] = ()  # other versions of the document (a draft and the signed file) holding the quote

    @property
    def docs(self) -> tuple[str, ...]:
        """The document and its versions, names in NFC (file systems may store them decomposed)."""
        return tuple(unicodedata.normalize("NFC", d) for d in (self.doc, *self.also_in))


@dataclass
class Question:
    id: str
    question: str
    type: str = ""
    answer: str = ""
    key_facts: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    difficulty: str = ""
    # How a gold answer is graded beyond key facts: "text" (key facts only), "true_false" (answer is
    # "Đúng"/"Sai"), "choice" (answer is a key of ``choices``), "span" (exact match / token F1).
    answer_form: str = "text"
    choices: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.answer_form not in ANSWER_FORMS:
            raise ValueError(f"question {self.id}: answer_form {self.answer_form!r} is not one of {ANSWER_FORMS}")

    @property
    def answerable(self) -> bool:
        return bool(self.evidence)


def load_notices(path: str | Path) -> list[Question]:
    questions = []
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            row = json.loads(line)
            questions.append(Question(
                id=str(row["id"]), question=row["question"], type=row.get("type", ""), answer=row.get("answer", ""),
                key_facts=list(row.get("key_facts") or []),
                evidence=[Evidence(e["doc"], e["quote"], e.get("section", ""), tuple(row.get("also_in") or ()))
                          for e in row.get("evidence") or []],
                difficulty=row.get("difficulty", ""),
            ))
    return questions


def question_group(q: Question) -> str:
    """The document a question is about (its first evidence document, versions folded); its own id when none."""
    if not q.evidence:
        return f"q:{q.id}"
    return min(min(e.docs) for e in q.evidence)


def in_subset(question: Question, subset: str) -> bool:
    """Whether a question's document falls in the ``even``/``odd`` half (stable: a hash of its name), so one
    half of a benchmark can be used for fitting and the other for reporting."""
    if not subset:
        return True
    parity = int(hashlib.sha1(question_group(question).encode("utf-8")).hexdigest(), 16) % 2
    return parity == (0 if subset == "even" else 1)
