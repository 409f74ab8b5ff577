"""Vietnamese deadline expressions to ISO dates.

Handled forms, with the date each one stands for:

- ``trước ngày 31/01/2024``, ``trước 28/02/2024``, ``chậm nhất ngày 15/5``, ``trước ngày 05 tháng 01 năm 2024``,
  ``trước 14 giờ ngày 08 tháng 10 năm 2025``, ``trước 16h00 ngày 20/11/2025``: that day;
- ``trong tháng 01/2024``, ``trong tháng 5 năm 2026``, ``hết tháng 3``: the month's last day
  (``trước tháng 5/2026``: the day before the month starts);
- ``trong Quý II/2026``, ``Quý I năm 2024``, ``hết quý 3``: the quarter's last day;
- ``hoàn thành trong năm 2026``: 31 December (a bare "năm" is a period, so a completion verb must precede it);
- ``đến 30/5/2026 phải bàn giao``, ``phấn đấu đến ngày 30/6/2026 hoàn thành``: that day;
- recurring terms (``hằng tuần``, ``định kỳ 02 tuần/lần``, ``trước ngày 15 hàng tháng``): kept as
  written with no date.

A missing year is the document's year. "trong tháng ..." counts as a deadline only when a
completion verb (hoàn thành, báo cáo, trình, gửi, ban hành, ...) precedes it in the same phrase, so
"thi công trong tháng 4/2026" or "công việc phát sinh trong tháng 1" are not deadlines.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class Deadline:
    """A deadline found in a text: offsets into that text, the words as written and the ISO date (None if recurring)."""

    start: int
    end: int
    text: str
    date: str | None
    recurring: bool = False


_YEAR = r"(?:\s*/\s*(?P<{0}>\d{{4}})|\s+năm\s+(?P<{1}>\d{{4}}))?"
_DAY = (r"(?:ngày\s+)?(?P<d>\d{1,2})\s*/\s*(?P<m>\d{1,2})(?:\s*/\s*(?P<y>\d{4}))?(?![\d/])"
        r"|ngày\s+(?P<d2>\d{1,2})\s+tháng\s+(?P<m2>\d{1,2})(?:\s+năm\s+(?P<y2>\d{4}))?")
_ROMAN = {"I": 1, "II": 2, "III": 3, "IV": 4, "1": 1, "2": 2, "3": 3, "4": 4}

# A time of day before the day: "trước 14 giờ ngày 08 tháng 10 năm 2025", "trước 16h00 ngày 20/11/2025".
_TIME_OF_DAY = r"(?:\d{1,2}\s*(?:giờ|h)(?:\s*\d{1,2}(?:\s*phút)?)?\s*,?\s+(?:(?:vào|của)\s+)?(?=ngày|\d))?"
_BEFORE_DAY = re.compile(
    r"(?P<w>trước|chậm nhất(?:\s+là)?(?:\s+vào)?|hạn(?:\s+chót|\s+cuối)?(?:\s+là)?|không quá|muộn nhất(?:\s+là)?)"
    r"\s+" + _TIME_OF_DAY + r"(?:(?:vào\s+)?ngày\s+(?P<rd>\d{1,2})\s+(?:hằng|hàng|của)\s+(?:tháng|quý)(?:\s+(?:liền\s+kề|sau|tiếp\s+theo))?"
    r"|" + _DAY + ")", re.IGNORECASE)
_UNTIL_DAY = re.compile(r"(?P<w>đến(?:\s+hết)?)\s+(?:" + _DAY + ")", re.IGNORECASE)
_MONTH = re.compile(r"(?P<w>(?:chậm nhất\s+)?trong|trước|hết|cuối|đến hết|đến cuối|ngay trong)\s+tháng\s+(?P<m>\d{1,2})"
                    + _YEAR.format("y", "y2") + r"(?![\d/])", re.IGNORECASE)
_QUARTER = re.compile(r"(?P<w>trong|trước|hết|cuối|đến hết|đến cuối)\s+quý\s+(?P<q>IV|III|II|I|[1-4])\b"
                      + _YEAR.format("y", "y2"), re.IGNORECASE)
_YEAR_END = re.compile(r"(?P<w>trong|hết|cuối|trước|đến hết|đến cuối)\s+năm\s+(?P<y>\d{4})", re.IGNORECASE)
_RECURRING = re.compile(r"(?:định\s+kỳ\s+)?(?:hằng|hàng|mỗi)\s+(?:ngày|tuần|tháng|quý|năm)\b"
                        r"|định\s+kỳ\s+\d+\s+(?:ngày|tuần|tháng)\s*/\s*lần|định\s+kỳ(?=\s+(?:trước|chậm nhất|vào))",
                        re.IGNORECASE)

_EVERY_YEAR = re.compile(r"\s+(?:của\s+)?(?:năm\s+(?:trước\s+)?liền\s+kề|năm\s+sau|năm\s+trước|hằng\s+năm|hàng\s+năm)",
                         re.IGNORECASE)
_COMPLETION = re.compile(
    r"\b(?:hoàn thành|hoàn thiện|xong|báo cáo|trình|gửi|nộp|ban hành|phê duyệt|bàn giao|thực hiện|công bố|"
    r"tổ chức|ký|chi trả|kết thúc|đưa vào|phải)\b", re.IGNORECASE)
# Words just before a date that make it the date of something else, not a deadline.
_NOT_A_DEADLINE = re.compile(r"(?:khởi công|thi công|dự kiến|phát sinh|diễn ra|tính|kể từ|từ|ban hành kèm theo)\s*$",
                             re.IGNORECASE)
_UNTIL_CONTEXT_BEFORE = re.compile(r"(?:yêu cầu|phấn đấu|hạn|thời hạn)\s*$", re.IGNORECASE)
_UNTIL_CONTEXT_AFTER = re.compile(r"\s*,?\s*(?:phải|hoàn thành|xong|bàn giao|đạt)\b", re.IGNORECASE)


def _phrase_before(text: str, pos: int) -> str:
    """The words between the last punctuation mark and ``pos``: the phrase a time expression belongs to."""
    cut = max(text.rfind(c, 0, pos) for c in ",;:.()")
    return text[cut + 1:pos]


def _iso(year: int | None, month: int, day: int) -> str | None:
    if year is None:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _month_end(year: int | None, month: int) -> str | None:
    if year is None or not 1 <= month <= 12:
        return None
    return _iso(year, month, calendar.monthrange(year, month)[1])


def _day_before(iso: str | None) -> str | None:
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat() if iso else None


def _year(match: re.Match, default: int | None, *names: str) -> int | None:
    for name in names:
        value = match.groupdict().get(name)
        if value:
            return int(value)
    return default


def _overlaps(span: tuple[int, int], taken: list[tuple[int, int]]) -> bool:
    return any(span[0] < e and s < span[1] for s, e in taken)


def find_deadlines(text: str, year: int | None) -> list[Deadline]:
    """Deadlines in ``text`` in reading order; ``year`` fills dates written without one."""
    found: list[Deadline] = []

    def add(m: re.Match, iso: str | None, recurring: bool = False, end: int | None = None) -> None:
        span = (m.start(), m.end() if end is None else end)
        if not _overlaps(span, [(d.start, d.end) for d in found]):
            found.append(Deadline(span[0], span[1], text[span[0]:span[1]], iso, recurring))

    for m in _BEFORE_DAY.finditer(text):
        if _NOT_A_DEADLINE.search(text[:m.start()]):
            continue
        if m.group("rd"):
            add(m, None, recurring=True)
            continue
        every_year = _EVERY_YEAR.match(text, m.end()) if not (m.group("y") or m.group("y2")) else None
        if every_year:  # "trước ngày 31/01 năm liền kề": each year, no single date
            add(m, None, recurring=True, end=every_year.end())
            continue
        day, month = int(m.group("d") or m.group("d2")), int(m.group("m") or m.group("m2"))
        add(m, _iso(_year(m, year, "y", "y2"), month, day))
    for m in _UNTIL_DAY.finditer(text):
        if _UNTIL_CONTEXT_BEFORE.search(text[:m.start()]) or _UNTIL_CONTEXT_AFTER.match(text, m.end()):
            day, month = int(m.group("d") or m.group("d2")), int(m.group("m") or m.group("m2"))
            add(m, _iso(_year(m, year, "y", "y2"), month, day))
    for pattern in (_MONTH, _QUARTER):
        for m in pattern.finditer(text):
            word = m.group("w").lower()
            if _NOT_A_DEADLINE.search(text[:m.start()]):
                continue
            if word.endswith("trong") and not word.startswith("chậm") and not _COMPLETION.search(
                    _phrase_before(text, m.start())):
                continue
            every_year = _EVERY_YEAR.match(text, m.end()) if not (m.group("y") or m.group("y2")) else None
            if every_year:  # "trong tháng 6 hằng năm"
                add(m, None, recurring=True, end=every_year.end())
                continue
            y = _year(m, year, "y", "y2")
            month = int(m.group("m")) if pattern is _MONTH else 3 * _ROMAN[m.group("q").upper()]
            iso = _month_end(y, month)
            if word == "trước":
                iso = _day_before(_iso(y, month - (0 if pattern is _MONTH else 2), 1))
            add(m, iso)
    for m in _YEAR_END.finditer(text):
        before = text[max(0, m.start() - 60):m.start()]
        if not re.search(r"(?:hoàn thành|xong|ban hành|hoàn thiện|đưa vào)(?:\s+[^\s,;:.]+){0,5}\s*$", before,
                         re.IGNORECASE):
            continue
        y = int(m.group("y"))
        add(m, f"{y - 1}-12-31" if m.group("w").lower() == "trước" else f"{y}-12-31")
    for m in _RECURRING.finditer(text):
        add(m, None, recurring=True)
    return _merge_recurring(sorted(found, key=lambda d: d.start), text)


# A time window that opens a lead-in or ends a heading of tasks: "Trong tháng 10/2025, tập trung thực hiện ...:",
# "Từ nay đến ngày 31/12/2025, các sở ...:", "III. NHIỆM VỤ CẦN KHẮC PHỤC TRONG THÁNG 12/2025". Without "trong" a
# heading names the plan's period ("Nhiệm vụ chủ yếu tháng 01 và Quý I năm 2024"), not a deadline.
_WINDOW_OPENING = re.compile(r"^\s*(?P<w>trong|đến hết|đến cuối|từ nay đến(?:\s+hết|\s+cuối)?)\s+(?P<rest>[^,;:]+)",
                             re.IGNORECASE)
_WINDOW_HEADING = re.compile(r"\b(?:nhiệm vụ|kế hoạch|phương hướng|khắc phục)\b[^,;:]*?\btrong\s+"
                             r"(?P<rest>(?:tháng\s+\d{1,2}|quý\s+(?:IV|III|II|I|[1-4]))\s*(?:/|năm)\s*\d{4})",
                             re.IGNORECASE)


def window_deadline(text: str, year: int | None, heading: bool = False) -> Deadline | None:
    """The period a lead-in opens with, or a heading of tasks names, as the deadline of the tasks under it
    ("Trong tháng 10/2025, tập trung ...:" -> 31/10/2025); None when it names no dated period. A year is
    not such a period: "nhiệm vụ năm 2026" is the plan's year, not a deadline of every task in it. Offsets
    are those of ``text``."""
    m = (_WINDOW_HEADING.search(text) if heading else None) or _WINDOW_OPENING.match(text)
    if m is None or re.match(r"năm\b", m.group("rest"), re.IGNORECASE):
        return None
    rest = m.group("rest")
    # Restated with the words that make each form a deadline of its own.
    prefix = "trước " if re.match(r"(?:ngày\s+)?\d{1,2}\s*/", rest) else "hoàn thành trong "
    if prefix == "trước " and not rest.startswith("ngày"):
        prefix = "trước ngày "
    found = next((d for d in find_deadlines(prefix + rest, year) if d.date), None)
    if found is None:
        return None
    start, end = m.start("rest") + max(0, found.start - len(prefix)), m.start("rest") + found.end - len(prefix)
    start = m.start("w") if "w" in m.re.groupindex else start  # "Trong tháng 10/2025", as the lead-in words it
    return Deadline(start, end, text[start:end], found.date)


def _merge_recurring(found: list[Deadline], text: str) -> list[Deadline]:
    """Adjacent recurring terms are one ("định kỳ" + "trước ngày 15 hàng tháng")."""
    merged: list[Deadline] = []
    for d in found:
        last = merged[-1] if merged else None
        if last and last.recurring and d.recurring and not text[last.end:d.start].strip():
            merged[-1] = Deadline(last.start, d.end, text[last.start:d.end], None, True)
        else:
            merged.append(d)
    return merged

