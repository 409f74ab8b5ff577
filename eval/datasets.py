"""Question sets. ``load_notices`` reads the notice question format of ``notices-dev.jsonl``."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Evidence:
    doc: str  # file name as ingested
    quote: str
    section: str = ""


@dataclass
class Question:
    id: str
    question: str
    type: str = ""
    answer: str = ""
    key_facts: list[str] = field(default_factory=list)
    evidence: list[Evidence] = field(default_factory=list)
    difficulty: str = ""

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
                evidence=[Evidence(e["doc"], e["quote"], e.get("section", "")) for e in row.get("evidence") or []],
                difficulty=row.get("difficulty", ""),
            ))
    return questions
