"""Tasks out of a notice: lead agency, coordinating agencies, action, deadline, section.

The genre's patterns, in the order they are tried on each clause of a paragraph:

- ``Giao X chủ trì, phối hợp với Y ...`` / ``giao X ...`` anywhere in a clause;
- ``Yêu cầu X ...`` / ``Đề nghị X ...`` / ``X chủ trì ...`` / ``X <verb> ...`` at the start of a clause
  (after a topic "Về ...:" or an adverbial "Trong quá trình ..., ");
- ``Đối với X: ...`` and ``X: ...`` naming the agency before a colon.

A lead-in (a paragraph or heading ending with ":", a heading that is only an agency such as
"a) Trung tâm Phát triển quỹ đất tỉnh", or "Trách nhiệm của X") passes its agency to the items
that follow it: body items of its section and the section's direct subsections, never further
down. A paragraph naming a different agency in a later clause starts a new task there, and a
task with several dated deadlines becomes one row per deadline. Rows need a lead or a dated
deadline; the meeting description, assessment sections and the closing formula are not read.

Plans often write a task as a card: an item, then labelled lines saying who leads, who helps and by
when ("- Đơn vị chủ trì thực hiện: Sở Khoa học và Công nghệ.", "- Đơn vị phối hợp: ...", "- Thời gian
hoàn thành: Tháng 8/2025."). The card is one row: the item's words, the labelled lead, coordinators and
deadline; the labelled lines are not tasks of their own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ingest.facts.agencies import AgencyMention, AgencyParser
from ingest.facts.deadlines import Deadline, find_deadlines, window_deadline
from ingest.facts.layout import Block, DocumentLayout, table_cells
from ingest.facts.models import TaskFact
from ingest.facts.text import Clause, clauses, document_year
from ingest.vietnamese import fold_key
from ingest.models import ParsedDocument, Section
from ingest.regions import PLACE_DATE

# "giao X" assigns X; "được giao", "bàn giao", "đã giao" do not.
_GIAO = re.compile(r"(?<!được )(?<!đã )(?<!bàn )(?<!chuyển )(?<!Trung ương )\b[Gg]iao\s+")
_ASSIGN = re.compile(r"(?:[Gg]iao|[Yy]êu cầu|[Đđ]ề nghị)\s+")
_ASSIGNS_NEXT = re.compile(r"\s*" + _ASSIGN.pattern)  # an agency that gives the task to the next one
_ASSIGN_ANYWHERE = re.compile(r"\b(?:[Yy]êu cầu|[Đđ]ề nghị)\s+")
_CONNECTOR = re.compile(r"(?:trong đó|đồng thời|do vậy|vì vậy|theo đó|ngoài ra|riêng)\s*,?\s*", re.IGNORECASE)
_ADVERBIAL = re.compile(r"(?:Trong quá trình|Trong thời gian|Sau khi|Khi|Trường hợp|Căn cứ|Trên cơ sở|Để|Riêng|Đối với|"
                        r"Ngoài ra|Bên cạnh đó|Tuy nhiên|Đồng thời|Trước mắt)\b[^,;:]*,\s*", re.IGNORECASE)
_FOR = re.compile(r"(?:Đối với|Về phía)\s+", re.IGNORECASE)
_RESPONSIBILITY = re.compile(r"(?:Trách nhiệm|Nhiệm vụ)\s+(?:của\s+)?", re.IGNORECASE)
_LEAD_VERB = re.compile(r"\s*,?\s*(?:chủ trì|có trách nhiệm|chịu trách nhiệm(?:\s+chính)?)\b\s*,?\s*", re.IGNORECASE)
_COORDINATE = re.compile(r"\b(?:phối hợp|cùng)(?:\s+chặt chẽ)?(?:\s+với)?\s+", re.IGNORECASE)
_ACTION_LEAD = re.compile(r"^[\s,;:.]*(?:và\s+|để\s+)?")
# A bare head word refers back to the agency named in full earlier ("giao Trung tâm chủ trì").
_REPORTED = re.compile(r"(?:đã|đang)\s+(?!được giao)")
_REQUESTS = re.compile(r"(?:trân trọng\s+|kính\s+)?(?:đề nghị|yêu cầu|giao|chỉ đạo|kết luận)\s*:?\s*$", re.IGNORECASE)
# A list of members ("Tổ trưởng: Ông Đỗ Văn Chung - Giám đốc Sở Nội vụ"), not a task of the role named.
_PERSON = re.compile(r"(?:Ông|Bà|Đồng chí|Đ/c)\b(?!\s*\(bà\)\s+có tên)")  # not "Ông (bà) có tên tại Điều 1"
# A line of a table of figures that the PDF gave without its grid ("100 UBND xã Hòa Bắc 74,00 67,50 49,58 67,00%",
# "Điểm cao nhất 12,734 84,893%"), a table's header ("STT Đơn vị") or a count of results ("Có 31/124 địa phương có kết
# quả đạt từ 80% trở lên"): what a section about a body reports, not a task.
# Dates and years are how a task says when, not figures.
_DATE_OR_YEAR = re.compile(r"\d+/\d+(?:/\d+)?|\b(?:19|20)\d{2}\b")
_FIGURE = re.compile(r"\d+(?:[.,]\d+)*%?")
_NOT_AN_ACTION = re.compile(r"STT\b|Có\s+\d")


def _states_figures(action: str) -> bool:
    figures = len(_FIGURE.findall(_DATE_OR_YEAR.sub(" ", action)))
    words = len(re.findall(r"[^\W\d_]+", action))
    return bool(_NOT_AN_ACTION.match(action)) or (figures >= 2 and figures * 3 >= words)


# "Giám đốc/Phó Giám đốc Sở ...": the office and its deputy, one member; what follows the office, if anything.
_OTHER_OFFICE = re.compile(r"^(?:[^\W\d_]+\s*)?/\s*Phó\s+")
_PORTFOLIO = re.compile(r"[\s.;,]*(?:\(?phụ trách\b.*)?", re.IGNORECASE | re.DOTALL)
_ISSUERS = {"UBND tỉnh", "HĐND tỉnh", "Chủ tịch UBND tỉnh", "Thường trực UBND tỉnh"}
# The labelled lines of a task card and what each gives.
_CARD_FIELD = re.compile(
    r"^(?:(?P<lead>(?:đơn vị|cơ quan)\s+(?:chủ trì(?:\s+thực hiện)?|thực hiện)|chủ trì(?:\s+thực hiện)?)"
    r"|(?P<partners>(?:(?:đơn vị|cơ quan)\s+)?phối hợp(?:\s+thực hiện)?)"
    r"|(?P<time>thời gian(?:\s+(?:hoàn thành|thực hiện))?|thời hạn(?:\s+hoàn thành)?|tiến độ(?:\s+hoàn thành)?))"
    r"\s*:\s*(?P<value>.+?)[.;]?$", re.IGNORECASE)
_BARE_HEADS = {"Trung tâm", "Sở", "Ban", "Cục", "Chi cục", "Công ty", "Tập đoàn", "Phòng", "Văn phòng", "Viện"}


@dataclass
class _Lead:
    """Agencies named as the lead of what follows, and where their names end in the paragraph body."""

    mentions: list[AgencyMention]
    end: int
    predicate: bool = True  # False when only the name stands there (a label or a lead-in)

    @property
    def names(self) -> list[str]:
        return [m.name for m in self.mentions]

    @property
    def text(self) -> str:
        return ", ".join(m.text for m in self.mentions)


@dataclass
class _Segment:
    """Part of a paragraph under one lead; ``named`` when the lead is named in this paragraph."""

    lead: _Lead | None
    start: int
    end: int = 0
    named: bool = False


@dataclass
class _Card:
    """An item that may be a task card, the rows its own words gave, and the labelled lines read so far."""

    item: Block
    rows_from: int  # index in the run's tasks of the first row the item's own words gave
    fields: dict[str, str] = field(default_factory=dict)


@dataclass
class _Scope:
    """Leads a section passes on: from its heading, and from the latest lead-in paragraph of its body."""

    heading: _Lead | None = None
    body: _Lead | None = None
    items_seen: bool = False


@dataclass
class TaskExtractor:
    """Extracts :class:`TaskFact` rows from a :class:`ParsedDocument`."""

    parser: AgencyParser = field(default_factory=AgencyParser)

    def extract(self, doc: ParsedDocument, layout: DocumentLayout | None = None) -> list[TaskFact]:
        layout = layout or DocumentLayout(doc)
        run = _Run(self.parser, layout, document_year(doc))
        for block in layout.blocks:
            if block.directive:
                run.block(block)
        run.close_card()
        return run.tasks


class _Run:
    """The state of one pass over a document."""

    def __init__(self, parser: AgencyParser, layout: DocumentLayout, year: int | None):
        self.parser = parser
        self.layout = layout
        self.year = year
        self.scopes: dict[str, _Scope] = {}
        self.seen: list[str] = []
        self.tasks: list[TaskFact] = []
        self.table: _Columns | None = None  # the header of the assignment table being read
        self.card: _Card | None = None  # the item whose labelled lines are being read
        # The period a lead-in or heading sets for the tasks below it ("Trong tháng 10/2025, ...:"), by section.
        self.windows: dict[str, Deadline] = {}

    # -- context -----------------------------------------------------------------------------
    def _scope(self, section: Section | None) -> _Scope:
        return self.scopes.setdefault(section.label if section else "", _Scope())

    def _own(self, section: Section | None) -> _Lead | None:
        scope = self._scope(section)
        return scope.body or scope.heading

    def context(self, block: Block) -> _Lead | None:
        """The lead a paragraph inherits when it names none."""
        if block.heading:
            parent = self.layout.parent(block.section)
            return self._own(parent) if parent is not None else None
        return self._own(block.section)

    def window(self, section: Section | None) -> Deadline | None:
        """The period set by the nearest lead-in or heading above, for tasks that state no date of their own."""
        while section is not None:
            if section.label in self.windows:
                return self.windows[section.label]
            section = self.layout.parent(section)
        return self.windows.get("")

    def _note_window(self, block: Block) -> None:
        body = block.para.body.rstrip()
        if not (block.heading or body.endswith(":")):
            return
        last_sentence = re.split(r"(?<=[.!?…”])\s+(?=[A-ZĐÀ-Ỹ])", body)[-1]  # the lead-in proper, after any preamble
        window = window_deadline(last_sentence, self.year, heading=block.heading)
        if window is not None:
            self.windows[block.section.label if block.section else ""] = window

    # -- leads -------------------------------------------------------------------------------
    def _resolve(self, mentions: list[AgencyMention]) -> list[AgencyMention]:
        resolved = []
        for m in mentions:
            if m.name in _BARE_HEADS:
                full = next((n for n in reversed(self.seen) if n.startswith(m.name + " ")), None)
                m = AgencyMention(m.text, full, m.start, m.end) if full else m
            resolved.append(m)
        self.seen += [m.name for m in resolved]
        return resolved

    def _lead_at(self, body: str, pos: int, assigned: bool, limit: int) -> _Lead | None:
        mentions = [m for m in self.parser.many(body, pos) if m.end <= limit]
        if not mentions:
            return None
        rest = body[mentions[-1].end:limit].strip()
        assigns = _ASSIGNS_NEXT.match(body, mentions[-1].end)
        if assigns:  # "Chủ tịch UBND tỉnh giao Công an tỉnh tổng hợp ...": the one given the task leads it
            given = self._lead_at(body, assigns.end(), True, limit)
            if given:
                return given
        if _REPORTED.match(rest) or _REQUESTS.match(rest):
            # "Sở X đã ban hành ...": a report of what was done; "Văn phòng Chính phủ đề nghị:": the requester
            return None
        predicate = bool(rest) and rest[0] not in ",;:."
        label = rest == ":" or (rest == "" and body[limit:limit + 1] == ":")  # "Sở Xây dựng: Tiếp tục ..."
        if not (predicate or assigned or label):
            return None
        return _Lead(self._resolve(mentions), mentions[-1].end, predicate)

    def explicit_lead(self, body: str, clause: Clause, lead_in: bool = False) -> _Lead | None:
        """The lead a clause names, if any."""
        pos = clause.start
        connector = _CONNECTOR.match(body, pos)
        pos = connector.end() if connector else pos
        for_ = _FOR.match(body, pos)
        if for_:
            lead = self._lead_at(body, for_.end(), True, clause.end)
            if lead and not body[lead.end:clause.end].strip():
                return _Lead(lead.mentions, lead.end, predicate=False)
        adverbial = _ADVERBIAL.match(body, pos)
        starts = [pos] + ([adverbial.end()] if adverbial else [])
        for start in starts:
            assign = _ASSIGN.match(body, start)
            lead = self._lead_at(body, assign.end() if assign else start, bool(assign) or lead_in, clause.end)
            if lead:
                return lead
        for m in _GIAO.finditer(body, clause.start, clause.end):
            lead = self._lead_at(body, m.end(), True, clause.end)
            if lead:
                return lead
        if lead_in:
            for m in _ASSIGN_ANYWHERE.finditer(body, clause.start, clause.end):
                lead = self._lead_at(body, m.end(), True, clause.end)
                if lead:
                    return lead
        return None

    def _lead_in(self, block: Block) -> tuple[bool, _Lead | None]:
        """Whether a paragraph is a lead-in, and the lead it announces (None when it names nobody).

        Lead-ins end with ":" ("Giao Sở Tư pháp chủ trì, phối hợp với ...:"), or are headings that only
        name an agency ("a) Trung tâm Phát triển quỹ đất tỉnh", "2. Giao Sở Xây dựng") or its
        responsibilities ("7. Trách nhiệm của các sở, ban, ngành").
        """
        body = block.para.body.rstrip()
        parts = clauses(body)
        if body.endswith(":"):
            return True, self.explicit_lead(body, parts[-1], lead_in=True) if parts else None
        if not block.heading or not parts:
            return False, None
        responsibility = _RESPONSIBILITY.match(body)
        assign = _ASSIGN.match(body)
        if responsibility:
            start = responsibility.end()
        elif len(parts) == 1:
            start = assign.end() if assign else 0
        else:
            return False, None
        lead = self._lead_at(body, start, True, len(body))
        if lead and not body[lead.end:].strip(" .:"):
            return True, lead
        return False, None

    # -- paragraphs --------------------------------------------------------------------------
    def block(self, block: Block) -> None:
        labelled = _CARD_FIELD.match(block.para.body)
        if labelled and self.card is not None:
            kind = next(k for k in ("lead", "partners", "time") if labelled.group(k))
            self.card.fields.setdefault(kind, labelled.group("value").strip())
            return
        self.close_card()
        if labelled:
            return  # a labelled line with no item before it assigns nothing by itself
        # Any paragraph may be the item of a card ("(1) ...", a heading, a bullet): its labelled lines tell.
        self.card = _Card(block, len(self.tasks))
        cells = table_cells(self.layout.doc.text[block.para.start:block.para.end])  # whole line: "1 | task | ..."
        if cells is not None:
            header = _Columns.of([c for _, c in cells])
            if header is not None:
                self.table = header
            elif self.table is not None and len(cells) == self.table.width:
                self._table_row(block, cells)
            return
        self.table = None
        self._note_window(block)
        scope = self._scope(block.section)
        context = self.context(block)
        is_lead_in, announced = self._lead_in(block)
        if is_lead_in:
            lead = announced or context  # a lead-in naming nobody passes its own context on
            if block.heading:
                scope.heading = lead
            else:
                scope.body, scope.items_seen = lead, False
            return
        if block.heading and self.layout.has_content(block.section):
            first = clauses(block.para.body)
            lead = self.explicit_lead(block.para.body, first[0]) if first else None
            if lead is None:
                return  # a title such as "2.4. Thu ngân sách"
            scope.heading = lead
        if not block.heading:
            if block.para.marker:
                scope.items_seen = True
            elif scope.items_seen and scope.body is not None:
                scope.body = None  # a plain paragraph after the items ends the lead-in's list
                context = scope.heading
        self._paragraph(block, context)

    def close_card(self) -> None:
        """Turn the item read last into one row when its labelled lines name who leads it."""
        card, self.card = self.card, None
        if card is None or "lead" not in card.fields:
            return
        leads = self._cell_agencies(card.fields["lead"])
        if not leads:
            return
        time_text = card.fields.get("time", "")
        deadlines = find_deadlines(time_text, self.year)
        dated = [d for d in deadlines if d.date] or [
            d for d in find_deadlines(f"hoàn thành trong {time_text}", self.year) if d.date] if time_text else []
        action = re.sub(r"^\(\d{1,2}\)\s*", "", card.item.para.body.strip())  # "(1) " numbers the card
        del self.tasks[card.rows_from:]  # what the item's words alone gave: without its lead and deadline
        self.tasks.append(TaskFact(
            leads=leads, lead_text=card.fields["lead"], action=action[:1].upper() + action[1:],
            coordinators=[n for n in self._cell_agencies(card.fields.get("partners", "")) if n not in leads],
            deadline=dated[0].date if dated else None, deadline_text=time_text,
            where=self.layout.location(card.item.para.start, card.item.para.end),
        ))

    def _paragraph(self, block: Block, context: _Lead | None) -> None:
        body = block.para.body
        segments = [_Segment(context, 0)]
        for clause in clauses(body):
            lead = self.explicit_lead(body, clause)
            current = segments[-1]
            if lead is None or (current.lead is not None and lead.names == current.lead.names):
                continue
            if current.lead is not None and _COORDINATE.match(body, lead.end + 1):
                continue  # "Sở Y phối hợp ...": a coordinator of the current task, read below
            if clause.start > current.start:
                current.end = clause.start
                segments.append(_Segment(lead, clause.start, named=True))
            else:
                current.lead, current.named = lead, True
        segments[-1].end = len(body)
        for segment in segments:
            self._rows(block, segment)

    def _rows(self, block: Block, segment: _Segment) -> None:
        body = block.para.body
        text = body[segment.start:segment.end]
        deadlines = find_deadlines(text, self.year)
        dated = [d for d in deadlines if d.date]
        lead = segment.lead
        if lead is not None and set(lead.names) <= _ISSUERS:
            lead = None  # the issuing authority states its own intent, it does not assign itself a task
        if lead is None and not dated:
            return
        # A task that states no time of its own is due by the end of the period its lead-in or heading sets.
        inherited = self.window(block.section) if lead is not None and not deadlines else None
        coordinators = self._coordinators(body, segment, lead)
        cuts = _cuts(text, dated)
        previous = 0
        for i, cut in enumerate(cuts):
            row_deadlines = [dated[i]] if dated else [inherited] if inherited else [d for d in deadlines if d.recurring]
            self._row(block, segment, lead, coordinators, previous, cut, row_deadlines)
            previous = cut

    def _row(self, block: Block, segment: _Segment, lead: _Lead | None, coordinators: list[str], start: int,
             end: int, deadlines: list[Deadline]) -> None:
        body = block.para.body
        abs_start, abs_end = segment.start + start, segment.start + end
        action_start = self._action_start(body, segment, lead) if start == 0 else abs_start
        action = _ACTION_LEAD.sub("", body[action_start:abs_end]).strip(" ;,")
        if (len(re.findall(r"[^\W\d_]+", action)) < 3 or action.isupper() or PLACE_DATE.match(action)
                or _PERSON.match(action) or self._names_a_member(action) or _states_figures(action)):
            return  # a page number, a heading, the header of a document attached below, a member: not an action
        base = block.para.body_start
        dated = [d for d in deadlines if d.date]
        self.tasks.append(TaskFact(
            leads=lead.names if lead else [], lead_text=lead.text if lead else "", coordinators=coordinators,
            action=action[:1].upper() + action[1:], deadline=dated[0].date if dated else None,
            deadline_text="; ".join(d.text for d in deadlines),
            where=self.layout.location(base + abs_start, base + abs_end),
        ))

    def _names_a_member(self, action: str) -> bool:
        """A member of a board named by office ("Tổ phó: Chánh/Phó Chánh Văn phòng UBND tỉnh phụ trách về công
        tác ..."): only an office, perhaps with the portfolio it holds, and no action."""
        office = _OTHER_OFFICE.sub("", action, count=1)
        mention = self.parser.one(office, 0)
        return mention is not None and bool(_PORTFOLIO.fullmatch(office[mention.end:]))

    def _action_start(self, body: str, segment: _Segment, lead: _Lead | None) -> int:
        """Where the action begins: after the lead's name, "chủ trì" and the "phối hợp với ..." list."""
        pos = lead.end if segment.named else segment.start
        verb = _LEAD_VERB.match(body, pos)
        pos = verb.end() if verb else pos
        coordinate = _COORDINATE.match(body, pos)
        if coordinate:
            listed = self.parser.many(body, coordinate.end())
            if listed:
                pos = listed[-1].end
        return pos

    def _table_row(self, block: Block, cells: list[tuple[int, str]]) -> None:
        """A row of an assignment table (Nhiệm vụ | ... | Thời gian hoàn thành | Chủ trì | Phối hợp)."""
        columns = self.table
        task = cells[columns.task][1].strip()
        lead_cell = cells[columns.lead][1] if columns.lead is not None else ""
        time_cell = cells[columns.time][1].strip() if columns.time is not None else ""
        leads = self._cell_agencies(lead_cell)
        dated = [d for d in find_deadlines(time_cell, self.year) if d.date]
        if not dated and time_cell:  # a bare "Quý I/2026", "Tháng 6/2026" or "Năm 2026" in a deadline column
            dated = [d for d in find_deadlines(f"hoàn thành trong {time_cell}", self.year) if d.date]
        if len(re.findall(r"[^\W\d_]+", task)) < 3 or not (leads or dated):
            return  # a group row ("I | Cải cách thể chế | | |") or an empty one
        coordinators = [n for n in self._cell_agencies(cells[columns.partners][1] if columns.partners is not None
                                                         else "") if n not in leads]
        self.tasks.append(TaskFact(
            leads=leads, lead_text=lead_cell.strip(), coordinators=coordinators, action=task[:1].upper() + task[1:],
            deadline=dated[0].date if dated else None, deadline_text=time_cell,
            where=self.layout.location(block.para.start, block.para.end),
        ))

    def _cell_agencies(self, cell: str) -> list[str]:
        """Agencies in a table cell: "Sở Tư pháp; UBND các xã, phường, đặc khu"."""
        names: list[str] = []
        for part in re.split(r"\s*;\s*|\n", cell):
            found = [m.name for m in self._resolve(self.parser.many(part, 0))] if part.strip() else []
            if not found and part.strip():
                found = [self.parser.table.canonical(part)]
            names += [n for n in found if n not in names]
        return names

    def _coordinators(self, body: str, segment: _Segment, lead: _Lead | None) -> list[str]:
        names: list[str] = []
        leads = set(lead.names) if lead else set()
        for m in _COORDINATE.finditer(body, segment.start, segment.end):
            for mention in self._resolve(self.parser.many(body, m.end())):
                if mention.name not in leads and mention.name not in names:
                    names.append(mention.name)
        return names


@dataclass(frozen=True)
class _Columns:
    """Which columns of an assignment table hold the task, its lead, its partners and its deadline."""

    width: int
    task: int
    lead: int | None
    partners: int | None
    time: int | None

    @classmethod
    def of(cls, header: list[str]) -> _Columns | None:
        keys = [fold_key(h) for h in header]

        def find(*words: str) -> int | None:
            return next((i for i, k in enumerate(keys) if any(w in k for w in words)), None)

        task = find("nhiem vu", "noi dung", "cong viec", "ten de an")
        lead = find("chu tri", "co quan thuc hien", "don vi thuc hien", "trach nhiem")
        if task is None or lead is None or task == lead:
            return None
        return cls(width=len(header), task=task, lead=lead, partners=find("phoi hop"),
                   time=find("thoi gian", "thoi han", "tien do", "han hoan thanh"))


def _cuts(text: str, dated: list[Deadline]) -> list[int]:
    """End offsets of the rows a segment splits into: one per dated deadline, the last reaching the end."""
    if not dated:
        return [len(text)]
    cuts = []
    for i, deadline in enumerate(dated[:-1]):
        clause_end = next((c.end for c in clauses(text) if c.start <= deadline.start < c.end), len(text))
        following = dated[i + 1]
        cuts.append(deadline.end if following.start < clause_end else clause_end)
    return cuts + [len(text)]

