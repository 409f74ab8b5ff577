"""Date bounds a question sets on deadlines: "trước ngày 31/01/2024", "trong tháng 4/2026", "before 31 January 2024".

"Những việc nào phải hoàn thành trước ngày 31/01/2024?" does not ask for that date: it filters
tasks by their deadline. A task due 20/01/2024 answers it although its text never writes
"31/01/2024". The bound is read on folded text (``question.folded``), so questions typed without
tone marks and English questions give the same bound; the dates inside it are then checked as a
range (:meth:`DateBound.contains`) instead of as literal details of the documents.

A question that asks for a date ("trước ngày nào?") has no bound: only written dates make one.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta

_MONTHS = {name: i for i, names in enumerate(
    [(), ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
     ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"), ("october", "oct"), ("november", "nov"),
     ("december", "dec")]) for name in names}
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ROMAN = {"i": 1, "ii": 2, "iii": 3, "iv": 4, "1": 1, "2": 2, "3": 3, "4": 4,
          "first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4}
_YEAR = r"(?P<y>(?:19|20)\d{2})"

# A day: 31/01/2024, 31-01-2024, ngày 31 tháng 01 năm 2024, 31 January 2024, January 31, 2024.
_DAY = (rf"(?:ngay\s+)?(?P<d>\d{{1,2}})[/-](?P<m>\d{{1,2}})[/-]{_YEAR}(?!\d)"
        rf"|ngay\s+(?P<d2>\d{{1,2}})\s+thang\s+(?P<m2>\d{{1,2}})\s+nam\s+(?P<y2>(?:19|20)\d{{2}})"
        rf"|(?:the\s+)?(?P<d3>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?(?P<mn>{_MONTH_NAME})\s*,?\s+(?P<y3>(?:19|20)\d{{2}})"
        rf"|(?P<mn2>{_MONTH_NAME})\s+(?P<d4>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s+(?P<y4>(?:19|20)\d{{2}})")
# A month: tháng 4/2026, tháng 4 năm 2026, 4/2026 (after "trong"), April 2026.
_MONTH = (rf"thang\s+(?P<mm>\d{{1,2}})\s*(?:/|\s+nam\s+)\s*(?P<my>(?:19|20)\d{{2}})"
          rf"|(?P<mm2>\d{{1,2}})/(?P<my2>(?:19|20)\d{{2}})(?![\d/])"
          rf"|(?P<mmn>{_MONTH_NAME})\s+(?:of\s+)?(?P<my3>(?:19|20)\d{{2}})")
# A quarter: quý I/2024, quý 1 năm 2024, Q1 2024, the first quarter of 2024.
_QUARTER = (r"quy\s+(?P<q>iv|iii|ii|i|[1-4])\s*(?:/|\s+nam\s+|\s+)\s*(?P<qy>(?:19|20)\d{2})"
            r"|q(?P<q2>[1-4])\s*(?:/|\s+|\s+of\s+)\s*(?P<qy2>(?:19|20)\d{2})"
            r"|(?:the\s+)?(?P<q3>first|second|third|fourth|1st|2nd|3rd|4th)\s+quarter\s+(?:of\s+)?(?P<qy3>(?:19|20)\d{2})")

# Words that make the date after them a deadline by themselves ...
_DEADLINE_WORDS = (r"truoc|cham nhat(?:\s+la)?(?:\s+vao)?|han(?:\s+chot|\s+cuoi)?(?:\s+la)?|khong qua|"
                   r"muon nhat(?:\s+la)?|before|no later than|prior to|due(?:\s+by|\s+before|\s+in)?|"
                   r"deadline(?:\s+of)?")
# ... and words that do so only after a task or completion word in the same phrase ("phải hoàn thành trong
# tháng 1/2024"), since "tính đến ngày 31/12/2023", "các thông báo trong tháng 4/2026" or "what share had been
# disbursed by 10 December 2025" date other things.
_UNTIL = r"den(?:\s+het)?|toi|until|till|by"
_BEFORE = rf"{_DEADLINE_WORDS}|{_UNTIL}"
_AFTER = r"sau|ke tu|tu|after|from|since|later than"
_WITHIN = r"trong|trong vong|thuoc|in|during|within|due in"
_END_OF = r"(?:den\s+)?(?:het|cuoi)|(?:by\s+)?the\s+end\s+of|end\s+of"
_TASK_CONTEXT = re.compile(
    r"\b(?:hoan thanh|hoan thien|xong|bao cao|trinh|gui|nop|ban hanh|phe duyet|ban giao|thuc hien|cong bo|"
    r"to chuc|phai|han|thoi han|nhiem vu|viec|cong viec|due|deadline|complete|completed|finish|finished|submit|"
    r"submitted|report|reported|done|must|have to|has to|need to|needs to|tasks?)\b")

_DAY_BOUND = re.compile(rf"\b(?P<w>{_BEFORE}|{_AFTER})\s+(?:(?:vao\s+)?ngay\s+|(?:on\s+)?the\s+|on\s+)?(?:{_DAY})")
_BETWEEN = re.compile(rf"\b(?:tu|between|from)\s+(?:ngay\s+)?(?P<a>[\w/ -]+?)\s+(?:den|and|to|until)\s+(?:ngay\s+)?"
                      rf"(?P<b>(?:{_DAY}))")
_PERIOD_BOUND = re.compile(rf"\b(?P<w>{_END_OF}|{_BEFORE}|{_AFTER}|{_WITHIN})\s+(?:(?:the\s+)?(?:month\s+of\s+)?)"
                           rf"(?:(?P<month>{_MONTH})|(?P<quarter>{_QUARTER}))")
_DATE_DIGITS = re.compile(r"(?<![\d/])\d{1,2}[/-](?:\d{1,2}[/-])?(?:19|20)\d{2}(?![\d/])")
_YEAR_DIGITS = re.compile(r"(?<![\d/])(?:19|20)\d{2}(?![\d/])")


@dataclass(frozen=True)
class DateBound:
    """Deadlines a question accepts: ``after`` <= deadline <= ``before`` (ISO dates, either may be None).

    ``words`` is the bound as written (folded); ``dates`` and ``years`` are the numeric dates and
    years written inside it, which the bound consumes (they are not details a document must contain).
    """

    after: str | None
    before: str | None
    words: str
    dates: frozenset[str] = field(default_factory=frozenset)
    years: frozenset[str] = field(default_factory=frozenset)

    def contains(self, iso: str | None) -> bool:
        """Whether a deadline (ISO date) lies inside the bound; a deadline without a date never does."""
        if not iso:
            return False
        return (self.after is None or iso >= self.after) and (self.before is None or iso <= self.before)


def _iso(year: str | None, month: int, day: int) -> str | None:
    try:
        return date(int(year), month, day).isoformat() if year else None
    except ValueError:
        return None


def _day(m: re.Match) -> str | None:
    g = m.groupdict()
    if g.get("d"):
        return _iso(g["y"], int(g["m"]), int(g["d"]))
    if g.get("d2"):
        return _iso(g["y2"], int(g["m2"]), int(g["d2"]))
    if g.get("d3"):
        return _iso(g["y3"], _MONTHS[g["mn"]], int(g["d3"]))
    if g.get("d4"):
        return _iso(g["y4"], _MONTHS[g["mn2"]], int(g["d4"]))
    return None


def _span(m: re.Match) -> tuple[str | None, str | None]:
    """First and last day of the month or quarter a period match names."""
    g = m.groupdict()
    if g.get("month"):
        month = int(g.get("mm") or g.get("mm2") or _MONTHS.get(g.get("mmn") or "", 0))
        year = g.get("my") or g.get("my2") or g.get("my3")
        first_month, last_month = month, month
    else:
        quarter = _ROMAN[g.get("q") or g.get("q2") or g.get("q3")]
        year = g.get("qy") or g.get("qy2") or g.get("qy3")
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    if not 1 <= first_month <= 12 or not year:
        return None, None
    return _iso(year, first_month, 1), _iso(year, last_month, calendar.monthrange(int(year), last_month)[1])


def _day_before(iso: str | None) -> str | None:
    return (date.fromisoformat(iso) - timedelta(days=1)).isoformat() if iso else None


def _in(word: str, alternatives: str) -> bool:
    return re.fullmatch(alternatives, word) is not None


def _about_deadlines(text: str, m: re.Match) -> bool:
    """Whether the bound word alone makes a deadline, or a task word stands before it in its phrase."""
    word = re.sub(r"\s+", " ", m.group("w"))
    if _in(word, _DEADLINE_WORDS):
        return True
    phrase = re.split(r"[,;:.?!()]", text[:m.start()])[-1]
    return _TASK_CONTEXT.search(phrase) is not None


def date_bound(folded_question: str) -> DateBound | None:
    """The deadline bound a question sets, read on folded text, or None.

    ``trước ngày D`` / ``before D`` / ``by D``: up to D (inclusive: a task "trước ngày D" is due D);
    ``sau ngày D`` / ``after D``: from D; ``từ ngày A đến ngày B``: both;
    ``trong tháng 4/2026`` / ``in Q1 2024``: the month or quarter; ``trước tháng 5/2026``: up to the day before it;
    ``đến hết tháng 5/2026`` / ``by the end of May 2026``: up to its last day.
    """
    text = folded_question
    after: str | None = None
    before: str | None = None
    spans: list[tuple[int, int]] = []
    between = _BETWEEN.search(text)
    if between and _TASK_CONTEXT.search(text[:between.start()]):
        first = re.match(rf"(?:{_DAY})", between.group("a"))
        start, end = (_day(first) if first else None), _day(between)
        if start and end:
            after, before = start, end
            spans.append(between.span())
    if not spans:
        for m in _DAY_BOUND.finditer(text):
            day = _day(m)
            if not day or not _about_deadlines(text, m):
                continue
            word = m.group("w")
            if _in(word, _AFTER):
                after = max(after or day, day)
            else:
                before = min(before or day, day)
            spans.append(m.span())
        for m in _PERIOD_BOUND.finditer(text):
            if any(s <= m.start() < e for s, e in spans):
                continue
            first, last = _span(m)
            if not first or not _about_deadlines(text, m):
                continue
            word = re.sub(r"\s+", " ", m.group("w"))
            if _in(word, _END_OF):
                before = min(before or last, last)
            elif _in(word, _AFTER):
                after = max(after or first, first)
            elif _in(word, _WITHIN):
                after, before = max(after or first, first), min(before or last, last)
            else:  # "trước tháng 5/2026": before the month begins
                before = min(before or _day_before(first), _day_before(first))
            spans.append(m.span())
    if not spans:
        return None
    words = " … ".join(text[s:e] for s, e in spans)
    dates = frozenset(d for s, e in spans for d in _DATE_DIGITS.findall(text[s:e]))
    years = frozenset(y for s, e in spans for y in _YEAR_DIGITS.findall(text[s:e]))
    return DateBound(after=after, before=before, words=words, dates=dates, years=years)
