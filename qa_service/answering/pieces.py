"""How a unit reads inside an answer: without its item marker, and briefly when a gathered list must fit.

The citation always quotes the document's words whole; the answer may show a shorter piece of them
(a prefix cut at a clause, with the clause holding a deadline kept), so a list of tasks from several
notices stays readable.
"""
from __future__ import annotations

import re

from qa_service.answering.agencies import lead_agency
from qa_service.answering.units import ITEM_START, SENTENCE_END

# The first cell of a table row numbering it ("2 | Định kỳ công bố ... | Trước ngày 31/01 ...").
TABLE_ROW_NUMBER = re.compile(r"^\s*(?:[IVXLC]+|\d+(?:\.\d+)*)\s*\|\s*")


def _cut(text: str, limit: int) -> str:
    """The start of ``text`` up to about ``limit`` characters, ended at a clause or word boundary."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    cut = max(head.rfind(mark) for mark in (";", ",", ":"))
    cut = cut if cut >= limit // 2 else head.rfind(" ")
    return head[:cut if cut > 0 else limit].rstrip(" ,;:") + " …"


def answer_piece(text: str, limit: int | None = None, keep: str = "") -> str:
    """A unit as it reads inside an answer: without its bullet or item marker.

    An item of a gathered list is cut after about ``limit`` characters (the citation quotes it whole);
    ``keep`` (a deadline as written) stays visible: the clause holding it follows the cut start.
    """
    text = TABLE_ROW_NUMBER.sub("", ITEM_START.sub("", text, count=1), count=1).strip().lstrip(";,.:| ")
    if limit is None or len(text) <= limit:
        return text
    at = text.find(keep) if keep else -1
    if at < 0 or at + len(keep) <= limit:
        return _cut(text, limit)
    start = max(text.rfind(mark, 0, at) for mark in (";", ",", ".", ":")) + 1
    clause = _cut(text[start:].strip(), max(limit // 2, len(keep) + at - start + 1))
    return f"{_cut(text, max(limit - len(clause), limit // 3)).removesuffix(' …')} … {clause}"


def lead_piece(lead: str, limit: int | None) -> str:
    """An introducing sentence inside an answer (none for a table's header row). In a gathered list it is
    shown only when it names the agency its items are assigned to, and a long one by its last sentence
    (the words closest to the items)."""
    if " | " in lead:  # a table's header row: context for the citation, noise in the answer
        return ""
    if limit is None:
        return answer_piece(lead)
    if len(lead) > limit:
        sentences = [p for p in SENTENCE_END.split(lead) if p.strip()]
        lead = sentences[-1] if sentences else lead
    return answer_piece(lead, limit) if lead_agency(lead) else ""
