"""Word (.docx) reader: paragraphs with their automatic numbering, tables as rows, footnotes.

python-docx's ``paragraph.text`` leaves out the numbers Word draws from ``numbering.xml`` ("1.",
"a)", bullets), yet those numbers are the document's structure ("item 1" of a notice may exist
only as ``w:numPr``). :class:`ListNumbering` replays Word's counters to put them back.

Tables come in two kinds: layout tables (the header with issuer beside motto, number beside date;
the signature block beside "Nơi nhận") whose cells are read as separate paragraphs, and data tables
(three or more columns, or an "STT" column) whose rows become one ``table_row`` block each, cells
joined with `` | ``, after a ``table_header`` block.
"""
from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass, field

from ingest.models import Block, IngestError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_UNCOMPRESSED_BYTES = 300 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_ENTRIES = 5000
# The XML a reader parses into memory (python-docx holds the whole tree, about 25 times the text): the
# largest Word file of a real provincial archive holds 1.9 MB of XML, so 40 MB leaves twenty-fold room.
MAX_XML_BYTES = 40 * 1024 * 1024
CELL_SEPARATOR = " | "
HEADER_CELL = re.compile(r"^(?:STT|TT|Số\s*TT|Số\s*thứ\s*tự)\.?$", re.IGNORECASE)


def check_zip(data: bytes) -> None:
    """Refuse archives that would expand to far more than they weigh (zip bombs) before any parsing."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            infos = archive.infolist()
    except zipfile.BadZipFile as exc:
        raise IngestError(f"DOCX cannot be read (damaged, or not a Word document): {exc}") from exc
    if len(infos) > MAX_ENTRIES:
        raise IngestError(f"DOCX has {len(infos)} parts; refusing a file built to exhaust the reader")
    total = sum(info.file_size for info in infos)
    packed = sum(info.compress_size for info in infos) or 1
    if total > MAX_UNCOMPRESSED_BYTES:
        raise IngestError(f"DOCX would expand to {total / 1e6:.0f} MB (over {MAX_UNCOMPRESSED_BYTES / 1e6:.0f} MB): "
                          "refusing a possible zip bomb")
    if total > 10 * 1024 * 1024 and total / packed > MAX_COMPRESSION_RATIO:
        raise IngestError(f"DOCX expands {total / packed:.0f}-fold: refusing a possible zip bomb")
    xml = sum(info.file_size for info in infos if info.filename.endswith((".xml", ".rels")))
    if xml > MAX_XML_BYTES:
        raise IngestError(f"DOCX holds {xml / 1e6:.0f} MB of XML (over {MAX_XML_BYTES / 1e6:.0f} MB; real notices "
                          "hold a few MB): refusing a file that would take gigabytes to read")


# -- automatic numbering ---------------------------------------------------------------------

def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out, n = out + letters, n - value
    return out


def _letters(n: int) -> str:
    # Word's letter lists go a..z, then aa..zz.
    n = max(n, 1)
    return chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)


def format_number(n: int, fmt: str) -> str:
    if fmt == "lowerLetter":
        return _letters(n)
    if fmt == "upperLetter":
        return _letters(n).upper()
    if fmt == "lowerRoman":
        return _roman(n).lower()
    if fmt == "upperRoman":
        return _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt == "none":
        return ""
    return str(n)


@dataclass
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str = "%1."


@dataclass
class ListNumbering:
    """Word's list counters: ``label(num_id, level)`` returns the next number text ("2.", "b)", "-")."""

    levels: dict[str, dict[int, _Level]] = field(default_factory=dict)  # abstractNumId -> levels
    nums: dict[str, tuple[str, dict[int, int]]] = field(default_factory=dict)  # numId -> (abstract, start overrides)
    counters: dict[str, list[int | None]] = field(default_factory=dict)

    @classmethod
    def from_xml(cls, root) -> "ListNumbering":
        numbering = cls()
        if root is None:
            return numbering
        for abstract in root.iter(f"{W}abstractNum"):
            levels = {}
            for lvl in abstract.iter(f"{W}lvl"):
                level = _Level()
                for tag, attr in (("start", "start"), ("numFmt", "fmt"), ("lvlText", "text")):
                    el = lvl.find(f"{W}{tag}")
                    if el is not None and el.get(f"{W}val") is not None:
                        value = el.get(f"{W}val")
                        setattr(level, attr, int(value) if attr == "start" and value.lstrip("-").isdigit() else value)
                levels[int(lvl.get(f"{W}ilvl", "0"))] = level
            numbering.levels[abstract.get(f"{W}abstractNumId")] = levels
        for num in root.iter(f"{W}num"):
            ref = num.find(f"{W}abstractNumId")
            overrides = {}
            for override in num.iter(f"{W}lvlOverride"):
                start = override.find(f"{W}startOverride")
                if start is not None:
                    overrides[int(override.get(f"{W}ilvl", "0"))] = int(start.get(f"{W}val", "1"))
            if ref is not None:
                numbering.nums[num.get(f"{W}numId")] = (ref.get(f"{W}val"), overrides)
        return numbering

    def label(self, num_id: str, ilvl: int) -> str:
        if num_id not in self.nums:
            return ""
        abstract, overrides = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        level = levels.get(ilvl)
        if level is None:
            return ""
        counters = self.counters.setdefault(num_id, [None] * 10)
        start = overrides.get(ilvl, level.start)
        counters[ilvl] = start if counters[ilvl] is None else counters[ilvl] + 1
        for deeper in range(ilvl + 1, len(counters)):
            counters[deeper] = None
        if level.fmt == "bullet":
            return "-" if level.text.strip() in ("-", "–", "—", "") else "•"

        def placeholder(match: re.Match) -> str:
            k = int(match.group(1)) - 1
            ref = levels.get(k, _Level())
            value = counters[k] if counters[k] is not None else overrides.get(k, ref.start)
            return format_number(value, ref.fmt)

        return re.sub(r"%(\d)", placeholder, level.text).strip()


class _StyleNumbering:
    """numPr inherited from paragraph styles (``basedOn`` chains)."""

    def __init__(self, styles_root):
        self.num_pr: dict[str, tuple[str | None, int | None]] = {}
        self.based_on: dict[str, str] = {}
        if styles_root is None:
            return
        for style in styles_root.iter(f"{W}style"):
            style_id = style.get(f"{W}styleId")
            based = style.find(f"{W}basedOn")
            if based is not None:
                self.based_on[style_id] = based.get(f"{W}val")
            num_pr = style.find(f"{W}pPr/{W}numPr")
            if num_pr is not None:
                self.num_pr[style_id] = _read_num_pr(num_pr)

    def lookup(self, style_id: str | None) -> tuple[str | None, int | None]:
        seen = set()
        while style_id and style_id not in seen:
            seen.add(style_id)
            if style_id in self.num_pr:
                return self.num_pr[style_id]
            style_id = self.based_on.get(style_id)
        return None, None


def _read_num_pr(num_pr) -> tuple[str | None, int | None]:
    num_id = num_pr.find(f"{W}numId")
    ilvl = num_pr.find(f"{W}ilvl")
    return (num_id.get(f"{W}val") if num_id is not None else None,
            int(ilvl.get(f"{W}val", "0")) if ilvl is not None else None)


# -- reading -----------------------------------------------------------------------------------

class _BodyReader:
    def __init__(self, document):
        part = document.part
        numbering_part = getattr(part, "numbering_part", None) if _has_numbering(part) else None
        self.numbering = ListNumbering.from_xml(numbering_part.element if numbering_part is not None else None)
        self.styles = _StyleNumbering(part.styles.element if _has_styles(part) else None)
        self.footnote_texts = _footnotes(part)
        self.footnotes: list[str] = []
        self.blocks: list[Block] = []
        self.tables = 0

    def paragraph_lines(self, p) -> list[str]:
        """The paragraph's text with its list number, split at manual line breaks."""
        ppr = p.find(f"{W}pPr")
        num_id, ilvl = (None, None)
        style_id = None
        if ppr is not None:
            style = ppr.find(f"{W}pStyle")
            style_id = style.get(f"{W}val") if style is not None else None
            num_pr = ppr.find(f"{W}numPr")
            if num_pr is not None:
                num_id, ilvl = _read_num_pr(num_pr)
        if num_id is None:
            style_num, style_lvl = self.styles.lookup(style_id)
            num_id, ilvl = style_num, (ilvl if ilvl is not None else style_lvl)
        parts: list[str] = []
        for el in p.iter():
            tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            if tag == "t":
                parts.append(el.text or "")
            elif tag in ("tab", "ptab"):
                parts.append(" ")
            elif tag in ("br", "cr"):
                parts.append("\n")
            elif tag == "noBreakHyphen":
                parts.append("-")
            elif tag == "footnoteReference":
                text = self.footnote_texts.get(el.get(f"{W}id", ""), "")
                if text:
                    self.footnotes.append(f"{len(self.footnotes) + 1} {text}")
                    parts.append(f"\ue000{len(self.footnotes)}\ue001")  # an anchor, see ingest.normalize
        text = "".join(parts)
        if num_id not in (None, "0") and text.strip():
            label = self.numbering.label(num_id, ilvl or 0)
            if label:
                text = f"{label} {text.lstrip()}"
        return [line for line in text.split("\n")]

    def read(self, container) -> None:
        for el in container.iterchildren():
            tag = el.tag.rsplit("}", 1)[-1] if isinstance(el.tag, str) else ""
            if tag == "p":
                self.blocks += [Block(line) for line in self.paragraph_lines(el)]
            elif tag == "tbl":
                self.table(el)
            elif tag in ("sdt", "customXml"):
                content = el.find(f"{W}sdtContent")
                self.read(content if content is not None else el)

    def cell_paragraphs(self, tc) -> list[str]:
        lines: list[str] = []
        for p in tc.iter(f"{W}p"):
            lines += self.paragraph_lines(p)
        return [line for line in lines if line.strip()]

    def table(self, tbl) -> None:
        rows = [[self.cell_paragraphs(tc) for tc in tr.iterchildren(f"{W}tc")] for tr in tbl.iterchildren(f"{W}tr")]
        blocks = table_blocks(rows, self.tables)
        self.tables += any(b.table >= 0 for b in blocks)
        self.blocks += blocks


def table_blocks(rows: list[list[list[str]]], table: int) -> list[Block]:
    """Blocks of a table given as rows of cells of lines: a layout table (fewer than three filled columns, no
    "STT" header, such as the two-column header of a notice) becomes its cells' lines as paragraphs, row by
    row; a data table becomes one block per row, cells joined by :data:`CELL_SEPARATOR`, numbered ``table``."""
    rows = [row for row in rows if any(row)]
    if not rows:
        return []
    widest = max(sum(1 for cell in row if cell) for row in rows)
    first_cell = " ".join(rows[0][0]) if rows[0] and rows[0][0] else ""
    if widest < 3 and not HEADER_CELL.match(first_cell.strip()):
        return [Block(line) for row in rows for cell in row for line in cell]
    return [Block(CELL_SEPARATOR.join(" ".join(cell) for cell in row), "table_header" if i == 0 else "table_row",
                  table) for i, row in enumerate(rows)]


def _has_numbering(part) -> bool:
    try:
        return part.numbering_part is not None
    except (KeyError, NotImplementedError):
        return False


def _has_styles(part) -> bool:
    try:
        return part.styles is not None
    except (KeyError, NotImplementedError):
        return False


def _footnotes(part) -> dict[str, str]:
    from lxml import etree

    for rel in part.rels.values():
        if rel.reltype.endswith("/footnotes") and not rel.is_external:
            # Footnotes are parsed here, not by python-docx: never expand entities (an entity bomb) or fetch.
            parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
            root = etree.fromstring(rel.target_part.blob, parser)
            notes = {}
            for note in root.iter(f"{W}footnote"):
                if note.get(f"{W}type") in ("separator", "continuationSeparator", "continuationNotice"):
                    continue
                text = " ".join("".join(t.text or "" for t in p.iter(f"{W}t")) for p in note.iter(f"{W}p")).strip()
                notes[note.get(f"{W}id")] = text
            return notes
    return {}


def read_docx_blocks(data: bytes) -> list[Block]:
    """The body of a Word file as blocks in reading order, footnotes last. Raises IngestError."""
    import docx

    check_zip(data)
    try:
        document = docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise IngestError(f"DOCX cannot be read (damaged, or not a Word document): {exc}") from exc
    except Exception as exc:  # lxml raises its own types on malformed XML
        raise IngestError(f"DOCX cannot be read (malformed content): {exc}") from exc
    try:
        reader = _BodyReader(document)  # reads the numbering, styles and footnotes parts
        reader.read(document.element.body)
    except IngestError:
        raise
    except Exception as exc:  # a malformed part (footnotes, numbering) is this file's error, not the batch's
        raise IngestError(f"DOCX cannot be read (malformed part: {type(exc).__name__}: {exc})") from exc
    return reader.blocks + [Block(note, "footnote") for note in reader.footnotes]
