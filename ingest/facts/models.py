"""Facts extracted from one document: tasks (who must do what, by when) and indicators (targets and results).

Offsets point into the document's normalised text, so a fact cites the same section and page as the
chunk that covers it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Location:
    """Where a fact sits: section label and title, page span, character span, and the document's own words."""

    section: str
    section_title: str
    page_start: int
    page_end: int
    char_start: int
    char_end: int
    text: str


@dataclass
class TaskFact:
    """A task assigned by a document.

    ``leads`` are canonical agency names (several when the document names joint leads);
    ``deadline`` is an ISO date or None when the document gives none or a recurring one
    (``deadline_text`` then keeps the recurring words, e.g. "hằng tuần").
    """

    leads: list[str]
    lead_text: str  # the lead as written
    coordinators: list[str]
    action: str
    deadline: str | None
    deadline_text: str
    where: Location

    @property
    def lead(self) -> str:
        return "; ".join(self.leads)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(data.pop("where"))
        data["lead"] = self.lead
        return data


@dataclass
class IndicatorFact:
    """A measured value the document states: a result or a target.

    ``value`` and ``unit`` are as written ("5,11" and "%", "9.399" and "tỷ đồng");
    ``value_text`` is the whole expression ("đạt 83,3% KH"). ``comparison`` names the baseline
    (kế hoạch, cùng kỳ, năm trước, dự toán, ...); ``status`` is "reached", "missed" or "" when the
    document does not say; ``kind`` is "result" or "target".
    """

    name: str
    value: str
    unit: str
    value_text: str
    period: str
    comparison: str
    status: str
    kind: str
    where: Location

    def to_dict(self) -> dict:
        data = asdict(self)
        data.update(data.pop("where"))
        return data


@dataclass
class DocumentFacts:
    """Everything extracted from one document."""

    doc_id: str
    tasks: list[TaskFact] = field(default_factory=list)
    indicators: list[IndicatorFact] = field(default_factory=list)
