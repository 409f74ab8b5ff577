"""Details a question names (years, dates, figures, codes, names, provinces) looked up in folded text.

Used twice: to prefer passages whose document states the question's details, and to withhold an
answer when the evidence does not contain one of them (a wrong year, another province, a figure
that is not stated). All texts are folded (``question.folded``).
"""
from __future__ import annotations

import re

from qa_service.answering.question import YEAR, QuestionAnalysis


def year_in(year: str, text: str) -> bool:
    """``2026`` also inside a date ("05/5/2026")."""
    return bool(re.search(rf"(?<!\d){year}(?!\d)", text))


def number_in(number: str, text: str) -> bool:
    """A number, ignoring leading zeros ("02" == "2")."""
    return bool(re.search(rf"(?<![\d.,/])0*{re.escape(number)}(?!\d|[.,]\d)", text))


def phrase_in(phrase: str, text: str) -> bool:
    """Words in order, whatever punctuation or spacing stands between them ("tan phu bao loc" ~ "Tân Phú – Bảo Lộc")."""
    words = re.findall(r"[^\W_]+|[^\w\s]", phrase)
    pattern = r"[\W_]*".join(re.escape(w) for w in words)
    return bool(re.search(rf"(?<![^\W_]){pattern}(?![^\W_])", text))


def iso_date_forms(iso: str) -> set[str]:
    """"2026-04-24" -> the numeric forms a question may use: "24/4/2026", "24/04/2026", "4/2026", ..."""
    match = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", iso or "")
    if not match:
        return set()
    y, m, d = match.groups()
    forms = set()
    for dd in {d, d.lstrip("0")}:
        for mm in {m, m.lstrip("0")}:
            forms |= {f"{dd}/{mm}/{y}", f"{mm}/{y}"}
    return forms


def date_in(date: str, text: str) -> bool:
    """A numeric date ("24/4/2026", "4/2026") written as digits or words, leading zeros ignored."""
    parts = [p.lstrip("0") or "0" for p in re.split(r"[/-]", date)]
    numeric = r"[/-]".join(rf"0*{p}" for p in parts)
    if len(parts) == 2 and len(parts[1]) == 4:  # month/year: also inside a full date
        month, year = parts
        pattern = rf"(?<!\d){numeric}(?!\d)|thang 0*{month}(?:/| nam ){year}(?!\d)"
    elif len(parts) == 3:
        day, month, year = parts
        pattern = rf"(?<![\d/]){numeric}(?![\d/])|ngay 0*{day} thang 0*{month} nam {year}(?!\d)"
    else:
        day, month = parts[0], parts[1]
        pattern = rf"(?<![\d/]){numeric}(?!\d)|ngay 0*{day} thang 0*{month}(?!\d)"
    return bool(re.search(pattern, text))


def missing_details(analysis: QuestionAnalysis, text: str, dates: set[str] = frozenset()) -> list[str]:
    """The question's details absent from ``text`` (folded); ``dates`` are the documents' ISO dates."""
    forms = set().union(*(iso_date_forms(d) for d in dates)) if dates else set()
    missing = [f"year {y}" for y in analysis.years if not year_in(y, text) and not any(y in d for d in dates)]
    missing += [f"date {d}" for d in analysis.dates if not date_in(d, text) and d not in forms]
    missing += [f"figure {n}" for n in analysis.numbers if not number_in(n, text)]
    missing += [f"code {c}" for c in analysis.codes if not phrase_in(c, text)]
    missing += [f"name '{n}'" for n in analysis.names if not phrase_in(n, text)]
    missing += [f"province '{p}'" for p in analysis.provinces if not phrase_in(p, text)]
    return missing


def year_conflict(analysis: QuestionAnalysis, local: str, unit_text: str) -> bool:
    """The question names years, none is stated near the unit, and the unit states other years."""
    if not analysis.years or any(year_in(y, local) for y in analysis.years):
        return False
    return bool(YEAR.search(unit_text))


def local_missing(analysis: QuestionAnalysis, local: str, near: str) -> list[str]:
    """Figures and codes of the question not stated in ``local`` (the unit with its titles and document
    header), names not stated in ``near`` (the unit, its lead-in and section titles)."""
    missing = [f"figure {n}" for n in analysis.numbers if not number_in(n, local)]
    missing += [f"code {c}" for c in analysis.codes if not phrase_in(c, local)]
    missing += [f"name '{n}'" for n in analysis.names if not phrase_in(n, near)]
    return missing
