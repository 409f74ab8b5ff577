"""Indicators out of a document: results and targets with their values as written.

A measure is a number with a unit ("5,11%", "9.399 tỷ đồng", "83,3% KH", "7,5 triệu lượt khách",
"gấp 1,48 lần", "đứng thứ 12/63 tỉnh") after a measuring verb (đạt, tăng, giảm, bằng, chiếm,
tăng trưởng, giải ngân ...). Its name is the noun phrase before the verb ("Thu ngân sách trên địa
bàn"); a measure with no phrase of its own (", tăng 8,16% so với năm 2022") belongs to the previous
one or to the clause's subject. The comparison comes from "so với ..." or a suffix ("% KH", "CK",
"DT"); the status is "missed" when the text says so (không đạt, chưa đạt, or a share of the plan
under 100%), "reached" when it says vượt or the share is 100% or more. Enumerations such as
"có 9/42 chỉ tiêu không đạt kế hoạch, gồm: (1) ...; (2) ... (83,3%)" give one row for the count and
one per listed indicator, each with the list's status.

A figure stated without a measuring verb is a row too ("Thu ngân sách địa phương: 28.611 tỷ đồng",
"ban hành 36 Nghị quyết QPPL", "13/14 sở, ban, ngành đã đề xuất", "(68,1%)"): a number or a ratio
followed by "%" or a counted noun, unless the words around it make it a date, a time, a duration,
an item or a reference ("Điều 5", "Phường 2", "Đề án 06", "05 ngày"; ``data/figure_words.txt``; a
document number such as "45/TB-UBND" never matches). Its name is the phrase before it, or the label its
line opens with.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache
from importlib import resources

from ingest.facts.layout import Block, DocumentLayout, table_cells
from ingest.facts.models import IndicatorFact
from ingest.facts.text import clauses
from ingest.models import ParsedDocument

_NUMBER = r"\d{1,3}(?:\.\d{3})+(?:,\d+)?|\d+(?:,\d+)?"
_UNITS = (r"%", r"nghìn tỷ đồng", r"tỷ đồng", r"triệu đồng", r"nghìn đồng", r"triệu USD", r"tỷ USD", r"USD",
          r"triệu lượt khách", r"nghìn lượt khách", r"lượt khách", r"triệu lượt", r"nghìn lượt", r"lượt", r"ha", r"km",
          r"bậc", r"lần", r"hồ sơ", r"thủ tục", r"dự án", r"doanh nghiệp", r"hộ", r"người", r"lao động", r"tấn",
          r"nghìn tấn", r"triệu tấn", r"MW", r"triệu kWh", r"điểm", r"xã", r"cụm công nghiệp", r"khu công nghiệp",
          r"nhiệm vụ", r"chỉ tiêu", r"lớp", r"văn bản", r"cơ quan, đơn vị", r"đơn vị", r"cuộc")
_BASE = r"(?:KH|kế hoạch|DT|dự toán|CK|cùng kỳ)"
_MEASURE = re.compile(
    r"(?P<verb>(?:ước\s+)?(?:đạt|tăng trưởng(?:\s+âm)?|tăng|giảm|bằng|chiếm|giải ngân(?:\s+được)?|hoàn thành|thu|"
    r"đứng thứ|xếp thứ|là))\s+"
    r"(?P<qual>(?:trên|dưới|gần|khoảng|hơn|tối thiểu|ít nhất|gấp|mới|được)\s+)*"
    r"(?P<value>" + _NUMBER + r"(?:/\d+)?)\s*(?P<unit>(?:" + "|".join(_UNITS) + r")(?:\s+" + _BASE + r")?)?"
    r"(?=[\s,.;:()]|$)")
_RANK = re.compile(r"(?:đứng|xếp)\s+thứ")
_COMPARISON = re.compile(r"\s*(?:\([^)]*\)\s*)?,?\s*(?:so\s+(?:với\s+)?)(?P<what>[^,;.()]+?)(?=\s+và\s|[,;.()]|$)")
_STATUS_MISSED = re.compile(r"không\s+đạt|chưa\s+đạt|không\s+hoàn\s+thành|chưa\s+hoàn\s+thành|đạt\s+thấp",
                            re.IGNORECASE)
_STATUS_REACHED = re.compile(r"\bvượt\b|hoàn\s+thành\s+(?:và\s+)?vượt|đạt\s+và\s+vượt", re.IGNORECASE)
_PERIOD = re.compile(r"(?:cả\s+|hết\s+|trong\s+)?(?:năm\s+\d{4}|(?:\d+\s+)?tháng\s+(?:đầu\s+năm|\d{1,2}(?:/\d{4})?)"
                     r"|quý\s+(?:IV|III|II|I|[1-4])(?:/\d{4}|\s+năm\s+\d{4})?|giai đoạn\s+\d{4}\s*-\s*\d{4})",
                     re.IGNORECASE)
_NAME_CUT = re.compile(r",(?!\d)|[;:(]|\b(?:tuy nhiên|nhưng|trong đó|trong khi|đồng thời)\b", re.IGNORECASE)
# Adverbs and target words around a measure's name that are not part of it.
_NOT_NAME = re.compile(r"\b(?:đến nay|hiện nay|mới|đã|chỉ|ước|lũy kế|bảo đảm|đảm bảo|phấn đấu|hoàn thành|đặc biệt|"
                       r"trong đó|riêng)\b", re.IGNORECASE)
# Verbs that name what is measured: "giải ngân 100% kế hoạch vốn".
_NOMINAL_VERBS = ("giải ngân", "thu", "hoàn thành")
_SUBJECT_END = re.compile(r"\s(?:có|thuộc|đạt|tăng|giảm|bằng|chiếm|là|được|vẫn|diễn ra)\s")
_LEADING = re.compile(r"^(?:[-+•]\s*)?(?:Về\s+|Trong đó,?\s*|Riêng\s+|Tổng\s+số\s+)?", re.IGNORECASE)
_TARGET = re.compile(r"phấn đấu|mục tiêu|tối thiểu|ít nhất|phải đạt|bảo đảm|đảm bảo|trở lên", re.IGNORECASE)
_ENUMERATION = re.compile(r"(?P<count>\d+/\d+)\s+(?P<what>chỉ tiêu|nhiệm vụ)\s+(?P<status>không đạt|chưa đạt|đạt|vượt|"
                          r"hoàn thành)[^:;]*?(?::|gồm)\s*", re.IGNORECASE)
_ITEM = re.compile(r"\((\d{1,2})\)\s*")
_ITEM_VALUE = re.compile(r"\((?P<body>(?:đạt\s+|bằng\s+)?(?P<value>" + _NUMBER + r")\s*(?P<unit>%(?:\s*" + _BASE
                         + r")?))\)\s*$")

# A figure without a verb: a number, a ratio or a range ("50 - 55"), then "%", a unit written against it
# ("64kg", "0,78ha") or up to six words of a counted noun.
_GLUED_UNITS = ("kg", "ha", "km", "tấn")
_FIGURE = re.compile(r"(?<![\w/.,%-])(?P<value>(?:" + _NUMBER + r")(?:/(?:" + _NUMBER + r")){0,2}"
                     r"(?:\s*[-–]\s*(?:" + _NUMBER + r"))?)"
                     r"(?:(?P<pct>\s*%)|(?P<glued>" + "|".join(_GLUED_UNITS) + r")(?!\w)"
                     r"|\s+(?P<noun>[^\W\d_][\w]*(?:,?\s+[^\W\d_][\w]*){0,5})|(?=[\s.;,)]|$))"
                     r"(?![\w/])")
_TABLE_NUMBER = re.compile(r"(?P<value>(?:" + _NUMBER + r"|\d+\.\d+)(?:/(?:" + _NUMBER + r"))?)\s*(?P<pct>%)?")
HEADING_MAX_CHARS = 120  # a longer paragraph opening a section is an item's statement, not a title
_YEAR = re.compile(r"(?:19|20)\d\d")
_YEAR_RANGE = re.compile(r"(?:19|20)\d\d\s*[-–]\s*(?:19|20)\d\d")
_WORD = re.compile(r"[^\W\d_]\w*")


@cache
def _figure_words() -> dict[str, frozenset[str]]:
    """The sections of ``data/figure_words.txt``: lower-case words and phrases."""
    text = resources.files("ingest.facts").joinpath("data/figure_words.txt").read_text(encoding="utf-8")
    sections: dict[str, set[str]] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], set())
        elif current is not None:
            current.add(unicodedata.normalize("NFC", line))
    return {name: frozenset(words) for name, words in sections.items()}


def _plausible_date(value: str) -> bool:
    """Whether ``value`` reads as a day/month[/year] or a month/year ("26/8", "26/8/2025", "12/2025")."""
    parts = value.split("/")
    if len(parts) < 2 or not all(p.isdigit() for p in parts):
        return False
    if len(parts) == 2 and len(parts[1]) == 4:
        return 1 <= int(parts[0]) <= 12
    year_ok = len(parts) == 2 or len(parts[2]) in (2, 4)
    return 1 <= int(parts[0]) <= 31 and 1 <= int(parts[1]) <= 12 and year_ok


def _lower_words(text: str) -> list[str]:
    return [unicodedata.normalize("NFC", w).lower() for w in _WORD.findall(text)]


def _ends_with(words: list[str], phrases: frozenset[str]) -> bool:
    return any(" ".join(words[-n:]) in phrases for n in (1, 2, 3) if len(words) >= n)


def _starts_with(words: list[str], phrases: frozenset[str]) -> bool:
    return any(" ".join(words[:n]) in phrases for n in (1, 2, 3) if len(words) >= n)


def _counted_unit(noun: str) -> str:
    """The counted noun of a figure: its words up to one that continues the sentence ("Nghị quyết đã ...")."""
    ends = _figure_words()["unit_end"]
    kept: list[str] = []
    for word in noun.split():
        key = unicodedata.normalize("NFC", word.strip(",")).lower()
        if key in ends:
            break
        if kept and f"{unicodedata.normalize('NFC', kept[-1].strip(',')).lower()} {key}" in ends:
            kept.pop()  # "tham gia": the phrase began a word earlier
            break
        kept.append(word)
    return " ".join(kept).strip(" ,")


def _comparison(written: str) -> str:
    """The baseline named by "so với ..." or a unit suffix, in one vocabulary where the genre has one."""
    key = written.strip().lower()
    for pattern, name in ((r"^(?:kh\b|kế hoạch)", "kế hoạch"), (r"^(?:ck\b|cùng kỳ)", "cùng kỳ"),
                          (r"^(?:dt\b|dự toán)", "dự toán"), (r"^năm trước", "năm trước")):
        if re.match(pattern, key):
            return name
    return written.strip()


def _status(verb: str, value: str, unit: str, comparison: str, context: str) -> str:
    if _STATUS_MISSED.search(context):
        return "missed"
    if _STATUS_REACHED.search(context):
        return "reached"
    if comparison in ("kế hoạch", "dự toán") and unit.startswith("%"):
        number = float(value.replace(".", "").replace(",", ".")) if "/" not in value else 0.0
        if verb.startswith("tăng"):
            return "reached"  # "tăng 25% so với kế hoạch": above the plan
        if verb in ("đạt", "bằng", "ước đạt"):
            return "reached" if number >= 100 else "missed"
    return ""


@dataclass
class _Measure:
    start: int
    end: int
    name: str
    value: str
    unit: str
    value_text: str
    comparison: str
    status: str
    period: str


@dataclass(frozen=True)
class _FigureColumns:
    """Which columns of a table of figures hold the rows' labels and which hold figures, with their units."""

    width: int
    label: int
    measures: tuple[tuple[int, str], ...]  # (column, unit)
    names: tuple[str, ...]  # the header's cells

    @classmethod
    def of(cls, header: list[str]) -> _FigureColumns | None:
        words = _figure_words()
        lower = [" ".join(unicodedata.normalize("NFC", h).lower().split()) for h in header]
        measures = tuple((i, _column_unit(h)) for i, h in enumerate(lower)
                         if any(h.startswith(w) for w in words["measure_column"]) or "%" in h)
        label = next((i for i, h in enumerate(lower) if i not in dict(measures)
                      and any(h.startswith(w) for w in words["label_column"])), None)
        if not measures or label is None:
            return None
        return cls(len(header), label, measures, tuple(" ".join(h.split()) for h in header))


def _column_unit(header: str) -> str:
    """The unit a column's header gives its figures: "(%)" or "Tỷ lệ" -> "%", "Điểm" -> "điểm",
    "Giá trị (triệu đồng)" -> "triệu đồng", "Số hồ sơ" -> "hồ sơ"."""
    inside = re.search(r"\(([^)]+)\)", header)
    if "%" in header or header.startswith("tỷ lệ"):
        return "%"
    if inside:
        return inside.group(1).strip()
    if header.startswith("điểm"):
        return "điểm"
    return header[3:].strip() if header.startswith("số ") else ""


class IndicatorExtractor:
    """Extracts :class:`IndicatorFact` rows from a :class:`ParsedDocument`."""

    def extract(self, doc: ParsedDocument, layout: DocumentLayout | None = None) -> list[IndicatorFact]:
        layout = layout or DocumentLayout(doc)
        found: list[IndicatorFact] = []
        table: _FigureColumns | None = None  # the header of the table of figures being read
        for block in layout.blocks:
            cells = table_cells(layout.doc.text[block.para.start:block.para.end])
            if cells is None:
                table = None
            elif (header := _FigureColumns.of([c for _, c in cells])) is not None:
                table = header
                continue
            elif table is not None and len(cells) == table.width:
                if block.body:
                    found += self._table_row(layout, block, table, cells)
                continue
            # An item's paragraph opens its section and states its facts: "d) Đến nay, 13/14 sở, ban, ngành ...".
            if block.body and (not block.heading or len(block.para.body) > HEADING_MAX_CHARS):
                found += self._block(layout, block)
        return found

    def _table_row(self, layout: DocumentLayout, block: Block, table: _FigureColumns,
                   cells: list[tuple[int, str]]) -> list[IndicatorFact]:
        """A row of a table of figures ("1 | TỈNH BẮC NINH | 92.11" under "TT | Tên đơn vị | Điểm"): each
        figure in a measured column, named by the column and the row's label."""
        label = cells[table.label][1]
        if not label or _TABLE_NUMBER.fullmatch(label):
            return []
        rows = []
        section_period = self._section_period(layout, block)
        for column, unit in table.measures:
            offset, cell = cells[column]
            m = _TABLE_NUMBER.fullmatch(cell)
            if not m or _plausible_date(m.group("value")):
                continue
            # Offsets of the row's line, made relative to the paragraph's body (after its item label).
            start = max(0, block.para.start + offset - block.para.body_start)
            measure = _Measure(start=start, end=start + len(cell), name=f"{table.names[column]} {label}",
                               value=m.group("value"), unit="%" if m.group("pct") else unit, value_text=cell,
                               comparison="", status="", period=section_period)
            rows.append(self._fact(layout, block, start, start + len(cell), measure,
                                   "target" if block.directive else "result"))
        return rows

    def _block(self, layout: DocumentLayout, block: Block) -> list[IndicatorFact]:
        body = block.para.body
        rows: list[IndicatorFact] = []
        taken: list[tuple[int, int]] = []
        enumeration = _ENUMERATION.search(body)
        if enumeration:
            rows += self._enumeration(layout, block, enumeration)
            taken.append((enumeration.start(), len(body)))
        section_period = self._section_period(layout, block)
        measured: list[tuple[int, int]] = []
        for clause in clauses(body):
            subject = self._subject(clause.text)
            previous = None
            for m in _MEASURE.finditer(clause.text):
                start = clause.start + m.start()
                if any(s <= start < e for s, e in taken) or not self._is_measure(m):
                    continue
                measure = self._measure(clause.text, m, subject, previous, section_period)
                previous = measure
                kind = "target" if block.directive or _TARGET.search(clause.text) else "result"
                rows.append(self._fact(layout, block, clause.start + measure.start, clause.start + measure.end,
                                       measure, kind))
                measured.append((clause.start + m.start("value"), clause.start + m.end("value")))
        rows += self._figures(layout, block, taken + measured, section_period)
        return rows

    def _figures(self, layout: DocumentLayout, block: Block, taken: list[tuple[int, int]],
                 section_period: str) -> list[IndicatorFact]:
        """Rows for the figures of ``block`` stated without a measuring verb, outside the ``taken`` spans."""
        body = block.para.body
        words = _figure_words()
        rows: list[IndicatorFact] = []
        parts = clauses(body)
        for m in _FIGURE.finditer(body):
            start, end = m.span("value")
            if any(s < end and start < e for s, e in taken):
                continue
            value, noun, glued = m.group("value"), m.group("noun") or "", m.group("glued")
            # Only words right before the number count: "(33/33 lớp)" after "kế hoạch" is not numbered by it.
            before = _lower_words(re.split(r"[(:;,.\"“]", body[max(0, start - 40):start])[-1])
            bare_ratio = "/" in value and not noun and not m.group("pct") and not glued and not _plausible_date(value)
            unit = "%" if m.group("pct") else glued or _counted_unit(noun)
            if not (unit or bare_ratio) or (not m.group("pct") and _ends_with(before, words["not_after"])):
                continue
            # "điểm" after a whole number points into an article ("2 điểm a"); after a decimal or a ratio it
            # is a score ("60,5/61,5 điểm").
            score = unit.lower().startswith("điểm") and ("," in value or "/" in value)
            if not m.group("pct") and not score and _starts_with(_lower_words(unit), words["not_counted"]):
                continue
            if _plausible_date(value) and (_YEAR.fullmatch(value.split("/")[-1]) or not noun):
                continue
            if ((_YEAR.fullmatch(value) or _YEAR_RANGE.fullmatch(value)) and not m.group("pct")) \
                    or re.fullmatch(r"0\d{4,}", value):
                continue  # a year or a span of years, a telephone number
            unit_end = m.end("pct") if m.group("pct") else m.end("glued") if glued else m.start("noun") + len(unit)
            clause = next((c for c in parts if c.start <= start < c.end), None)
            clause_text = clause.text if clause else body
            name = self._figure_name(body, start, unit)
            period = self._clause_period(clause_text) or section_period
            kind = "target" if block.directive or _TARGET.search(clause_text) else "result"
            measure = _Measure(start=start, end=unit_end, name=name, value=value, unit=unit,
                               value_text=body[start:unit_end].strip(), comparison="", status="", period=period)
            rows.append(self._fact(layout, block, start, unit_end, measure, kind))
        return rows

    @staticmethod
    def _figure_name(body: str, start: int, unit: str) -> str:
        """The phrase before a figure within its clause ("ban hành" of "ban hành 36 Nghị quyết"), or the label
        its line opens with ("Thu ngân sách địa phương" of "Thu ngân sách địa phương: 28.611 ...")."""
        before = body[:start]
        cuts = [c.end() for c in re.finditer(r"[;.](?:\s|$)|,(?!\d)|\(", before)]
        own = before[max(cuts, default=0):]
        label = own.rsplit(":", 1)
        phrase = " ".join(_NOT_NAME.sub(" ", _LEADING.sub("", _PERIOD.sub("", label[-1]))).split()).strip(" ,;:-")
        if not phrase and len(label) > 1:
            phrase = " ".join(label[0].split()).strip(" ,;:-")
        name = phrase or unit
        return name[:1].upper() + name[1:]

    @staticmethod
    def _is_measure(m: re.Match) -> bool:
        if _RANK.match(m.group("verb")):
            return "/" in m.group("value")
        return bool(m.group("unit")) and "/" not in m.group("value")

    @staticmethod
    def _subject(text: str) -> str:
        """The clause's own subject: its words up to the first verb or comma ("Quy mô kinh tế tỉnh Lào Cai")."""
        text = _LEADING.sub("", text.strip())
        end = min([m.start() for m in (_SUBJECT_END.search(text),) if m] + [len(text)] +
                  [i for i in (text.find(","),) if i >= 0])
        return text[:end].strip()

    def _measure(self, clause: str, m: re.Match, subject: str, previous: _Measure | None,
                 section_period: str) -> _Measure:
        before = clause[:m.start()]
        # A bracket closed before the measure belongs to the name: "Tốc độ tăng trưởng kinh tế (GRDP) đạt".
        cuts = [c.end() for c in _NAME_CUT.finditer(before) if c.group(0) != "(" or ")" not in before[c.end():]]
        cuts += [previous.end] if previous else []
        own = before[max(cuts, default=0):]
        period_match = None
        for p in _PERIOD.finditer(own):
            period_match = p
        name = " ".join(_NOT_NAME.sub(" ", _LEADING.sub("", _PERIOD.sub("", own))).split())
        name = re.sub(r"\s+(?:và|của)$", "", name).strip(" ,;:-")
        nominal = next((v for v in _NOMINAL_VERBS if m.group("verb").startswith(v)), None)
        if name and nominal:
            name = f"{name} {nominal}"
        if name.lower() in ("", "tổng", "và"):
            name = previous.name if previous else self._outer_name(before) or (nominal or "").capitalize() or subject
        unit = (m.group("unit") or "").strip()
        value = m.group("value")
        rank = _RANK.match(m.group("verb"))
        end = m.end()
        if rank:  # "đứng thứ 12/63 tỉnh": the unit is the word after the rank
            word = re.compile(r"\s+(\S+)").match(clause, end)
            unit = word.group(1).strip(",;.") if word else ""
            end = word.end() if word else end
        comparison = ""
        base = re.search(_BASE + r"$", unit)
        if base:
            comparison = _comparison(base.group(0))
            unit = unit[:base.start()].strip()
        compared = _COMPARISON.match(clause, end)
        if compared and not comparison:
            comparison = _comparison(compared.group("what"))
            end = compared.end()
        if compared and comparison == compared.group("what").strip():
            comparison = comparison.removeprefix("với ").strip()
        period = period_match.group(0) if period_match else (self._clause_period(clause) or section_period)
        status_context = clause[m.start():self._segment_end(clause, end)]
        status = _status(m.group("verb"), value, unit + (" " + base.group(0) if base else ""), comparison,
                         status_context)
        return _Measure(start=m.start(), end=end, name=name[:1].upper() + name[1:], value=value, unit=unit,
                        value_text=clause[m.start():end].strip(" ,;"), comparison=comparison, status=status,
                        period=" ".join(period.split()))

    @staticmethod
    def _outer_name(before: str) -> str:
        """For a measure in brackets, the phrase just before the bracket ("vốn sự nghiệp (... 30,1%)")."""
        bracket = before.rfind("(")
        if bracket < 0 or ")" in before[bracket:]:
            return ""
        outer = before[:bracket]
        cuts = [c.end() for c in _NAME_CUT.finditer(outer)]
        return " ".join(_NOT_NAME.sub(" ", outer[max(cuts, default=0):]).split())

    @staticmethod
    def _segment_end(clause: str, pos: int) -> int:
        """End of the comma-separated phrase after a measure, where "không đạt như kỳ vọng" would stand."""
        nxt = clause.find(",", pos)
        if nxt < 0:
            return len(clause)
        after = clause.find(",", nxt + 1)
        tail = clause[nxt:after if after >= 0 else len(clause)]
        return nxt + len(tail) if _STATUS_MISSED.search(tail) or _STATUS_REACHED.search(tail) else nxt

    @staticmethod
    def _clause_period(clause: str) -> str:
        for p in _PERIOD.finditer(clause):
            if not re.search(r"so\s+(?:với\s+)?$", clause[:p.start()]):
                return p.group(0)
        return ""

    @staticmethod
    def _section_period(layout: DocumentLayout, block: Block) -> str:
        section = block.section
        while section is not None:
            found = [p.group(0) for p in _PERIOD.finditer(section.title)]
            if found:
                return found[-1]
            section = layout.parent(section)
        return ""

    def _enumeration(self, layout: DocumentLayout, block: Block, m: re.Match) -> list[IndicatorFact]:
        body = block.para.body
        status = "missed" if _STATUS_MISSED.search(m.group("status")) else "reached"
        head = body[:m.end()]
        period = self._clause_period(head)
        written = re.sub(r"[\s,:]*(?:gồm|bao gồm)?[\s,:]*$", "", head[m.start():m.end()])
        lead_name = f"{m.group('what')} {written[m.start('status') - m.start():]}"
        comparison = "kế hoạch" if re.search(r"kế hoạch|\bKH\b", written) else ""
        count = _Measure(m.start(), m.end(), lead_name[:1].upper() + lead_name[1:], m.group("count"),
                         m.group("what"), written, comparison, status, period)
        rows = [self._fact(layout, block, m.start(), m.end(), count, "result")]
        items = list(_ITEM.finditer(body, m.end()))
        for i, item in enumerate(items):
            end = items[i + 1].start() if i + 1 < len(items) else len(body)
            text = body[item.end():end].strip(" ;.")
            value = _ITEM_VALUE.search(text)
            name = text[:value.start()].strip() if value else text
            unit = value.group("unit") if value else ""
            base = re.search(_BASE + r"$", unit)
            measure = _Measure(item.start(), end, name, value.group("value") if value else "",
                               unit[:base.start()].strip() if base else unit,
                               value.group("body") if value else "", _comparison(base.group(0)) if base else "",
                               status, period)
            rows.append(self._fact(layout, block, item.start(), end, measure, "result"))
        return rows

    @staticmethod
    def _fact(layout: DocumentLayout, block: Block, start: int, end: int, m: _Measure, kind: str) -> IndicatorFact:
        base = block.para.body_start
        where = layout.location(base + start, base + end)
        where.text = block.para.body.strip()
        return IndicatorFact(name=m.name, value=m.value, unit=m.unit, value_text=m.value_text, period=m.period,
                             comparison=m.comparison, status=m.status, kind=kind, where=where)

