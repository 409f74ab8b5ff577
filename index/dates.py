"""Calendar anchors in a query and the documents that mention them.

Officials name a notice by its meeting's date ("cuộc họp ngày 20/4/2026", "các thông báo tháng
4/2026"), yet the passage that answers rarely repeats the date: it stands once, in the notice's
opening sentence or header. Neither the embedder nor BM25 (which sees "20/4/2026" as one token)
relates "tháng 4/2026" to "21/4/2026". The retriever therefore lifts the passages of documents that
mention the asked day or month anywhere (see ``HybridRetriever``).

Keys are ``d/m/yyyy`` for a day and ``m/yyyy`` for a month, without leading zeros.
"""
from __future__ import annotations

import re

from ingest.vietnamese import fold

_DAY = r"(?P<d>[0-3]?\d)"
_MONTH = r"(?P<m>[01]?\d)"
_YEAR = r"(?P<y>(?:19|20)\d\d)"
# "20/4/2026", "20-04-2026", "20.4.2026", "ngày 20 tháng 4 năm 2026" (folded: "ngay 20 thang 4 nam 2026")
_FULL = re.compile(rf"(?<![\d/.-]){_DAY}\s*[/.-]\s*{_MONTH}\s*[/.-]\s*{_YEAR}(?![\d/])"
                   rf"|\bngay\s+{_DAY.replace('d>', 'd2>')}\s+thang\s+{_MONTH.replace('m>', 'm2>')}"
                   rf"\s+(?:nam\s+)?{_YEAR.replace('y>', 'y2>')}\b")
# "tháng 4/2026", "tháng 04 năm 2026", "T4/2026" (folded)
_MONTH_ONLY = re.compile(rf"\b(?:thang|t)\s*{_MONTH}\s*(?:/|-|\s+nam\s+|\s+){_YEAR}\b")


def period_end(iso: str) -> str:
    """The last day of a document date of any precision, as a string that orders like an ISO day: "2025" ->
    "2025-12-31", "2025-12" -> "2025-12-31" (a day that may not exist, but compares right). A document dated
    by its month only is inside a date filter that covers any of that month's days."""
    if len(iso) == 4:
        return f"{iso}-12-31"
    return f"{iso}-31" if len(iso) == 7 else iso


ENGLISH_MONTHS = {name: i for i, name in enumerate(
    "january february march april may june july august september october november december".split(), start=1)}
_EN_MONTH = r"(?P<mon>" + "|".join(ENGLISH_MONTHS) + r"|" + "|".join(m[:3] for m in ENGLISH_MONTHS) + r")\.?"
# "10 December 2025", "December 10, 2025", "10th of December 2025", "December 2025"
_EN_DAY_FIRST = re.compile(rf"\b(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s+(?:of\s+)?{_EN_MONTH}\s*,?\s+(?P<y>(?:19|20)\d\d)\b",
                           re.IGNORECASE)
_EN_MONTH_FIRST = re.compile(rf"\b{_EN_MONTH}\s+(?:(?P<d>[0-3]?\d)(?:st|nd|rd|th)?\s*,?\s+)?(?P<y>(?:19|20)\d\d)\b",
                             re.IGNORECASE)


def numeric_english_dates(text: str) -> str:
    """``text`` with its English dates written as the documents write them: "10 December 2025" ->
    "10/12/2025", "April 2026" -> "tháng 4/2026"."""
    def rewrite(m: re.Match) -> str:
        month = ENGLISH_MONTHS.get(m["mon"].lower()) or next(i for n, i in ENGLISH_MONTHS.items()
                                                             if n.startswith(m["mon"].lower()))
        return f"{int(m['d'])}/{month}/{m['y']}" if m["d"] else f"tháng {month}/{m['y']}"

    return _EN_MONTH_FIRST.sub(rewrite, _EN_DAY_FIRST.sub(rewrite, text))


def _valid(day: int | None, month: int, year: int) -> bool:
    return 1 <= month <= 12 and (day is None or 1 <= day <= 31) and 1900 <= year <= 2100


def _full_dates(folded_text: str) -> list[tuple[int, int, int]]:
    found = []
    for m in _FULL.finditer(folded_text):
        day, month, year = (int(m["d"]), int(m["m"]), int(m["y"])) if m["d"] else \
            (int(m["d2"]), int(m["m2"]), int(m["y2"]))
        if _valid(day, month, year):
            found.append((day, month, year))
    return found


def mentioned_keys(text: str) -> set[str]:
    """Every day and month a text mentions: each full date gives its day key and its month key."""
    folded_text = fold(text).lower()
    keys = set()
    for day, month, year in _full_dates(folded_text):
        keys.update({f"{day}/{month}/{year}", f"{month}/{year}"})
    for m in _MONTH_ONLY.finditer(folded_text):
        if _valid(None, int(m["m"]), int(m["y"])):
            keys.add(f"{int(m['m'])}/{m['y']}")
    return keys


def query_keys(query: str) -> set[str]:
    """The days and months a query is anchored to: full dates as days, "tháng 4/2026" as a month."""
    folded_text = fold(numeric_english_dates(query)).lower()
    keys = {f"{d}/{m}/{y}" for d, m, y in _full_dates(folded_text)}
    rest = _FULL.sub(" ", folded_text)  # "ngày 20 tháng 4 năm 2026" asks a day, not its month
    keys |= {f"{int(m['m'])}/{m['y']}" for m in _MONTH_ONLY.finditer(rest) if _valid(None, int(m["m"]), int(m["y"]))}
    return keys


def iso_key(iso: str) -> set[str]:
    """The day and month keys of an ISO date ("2026-04-20" -> {"20/4/2026", "4/2026"})."""
    m = re.fullmatch(r"(\d{4})-(\d\d)-(\d\d)", iso or "")
    if not m:
        return set()
    year, month, day = int(m[1]), int(m[2]), int(m[3])
    return {f"{day}/{month}/{year}", f"{month}/{year}"}
