"""Header facts of a Vietnamese administrative document (layout of Decree 30/2020/NĐ-CP).

Facts come from the regions :mod:`ingest.regions` found: the header block (issuer, number, place and
date, type, abstract), the signature (signer) and "Nơi nhận" (recipients). Where the header is
missing or leaves a fact blank (an unsigned draft: "ngày    tháng 4 năm 2026"), what the body
states is used: the date of the meeting or event the opening sentence reports, the province it
names. Nothing is invented: a fact neither states stays empty.
"""
from __future__ import annotations

import re

from ingest.models import DocumentMeta, Section
from ingest.places import canonical_province
from ingest.regions import ADDRESSEES, MOTTO, NUMBER_LINE, PLACE_DATE, SUBJECT, doc_type_of, is_name_line

NUMBER = re.compile(r"S[ốóô]\s*:\s*([\w.\s]*?/\s*[\w.\-Đđ&]+(?:-[\w.Đđ&]+)*)", re.IGNORECASE)
DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# The opening sentence of a meeting notice: "Ngày 20/4/2026, ..." or "Hôm nay, ngày 03 tháng 01 năm 2024".
OPENING_DATE = re.compile(r"^(?:Hôm nay,?\s+|Vào\s+)?[Nn]gày\s+(\d{1,2})(?:\s*/\s*|\s+tháng\s+)(\d{1,2})"
                          r"(?:\s*/\s*|\s+năm\s+)(\d{4})", re.MULTILINE)
PARTIAL_DATE = re.compile(r"ngày[\s.…]*tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
# OCR often reads the issuer column and the motto column into one line ("TỈNH LÂM ĐỒNG Độc lập"):
# a province name never continues into the motto.
PROVINCE = re.compile(
    r"\b(?:TỈNH|tỉnh|THÀNH PHỐ|thành phố)\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]+(?:\s+(?!(?:Độc|ĐỘC|Cộng|CỘNG)\b)[A-ZĐÀ-Ỹ][\wÀ-ỹ]+){0,2})"
)
# The symbol after the number names the type (Decree 30/2020, Appendix III).
SYMBOL_TYPES = {
    "TB": "THÔNG BÁO", "KH": "KẾ HOẠCH", "QĐ": "QUYẾT ĐỊNH", "BC": "BÁO CÁO", "CĐ": "CÔNG ĐIỆN", "CT": "CHỈ THỊ",
    "NQ": "NGHỊ QUYẾT", "TTr": "TỜ TRÌNH", "HD": "HƯỚNG DẪN", "CTr": "CHƯƠNG TRÌNH", "QC": "QUY CHẾ", "QyĐ": "QUY ĐỊNH",
    "BB": "BIÊN BẢN", "KL": "KẾT LUẬN", "GM": "GIẤY MỜI", "PA": "PHƯƠNG ÁN", "ĐA": "ĐỀ ÁN",
}
BODY_LINES = 4
PROVINCE_SCAN = 3000  # a document without a header usually names its province early on


def _region_lines(text: str, sections: list[Section], label: str) -> list[str]:
    section = next((s for s in sections if s.label == label), None)
    if section is None:
        return []
    return [line.strip() for line in text[section.start:section.end].split("\n") if line.strip()]


# A police or army signer's rank before the name: "Thiếu tướng Trương Minh Đương".
_RANK = re.compile(r"^(?:(?:Thiếu|Trung|Thượng|Đại)\s+(?:tướng|tá|úy|uý)|Đại\s+tướng)\s+")
TRAILER_LINES = 3  # a name after the recipients stands within the first lines that follow them


def _trailing_signer(text: str, sections: list[Section]) -> str:
    """The signer's name where a scan's two columns were read into one: OCR reads "Nơi nhận: KT. CHỦ TỊCH",
    the recipients beside the title, and the name last, under the recipients or just after them."""
    labels = [s.label for s in sections]
    if "recipients" not in labels:
        return ""
    after = labels.index("recipients")
    trailer = next((s for s in sections[after + 1:] if s.label == "closing"), None)
    lines = [line for line in _region_lines(text, sections, "recipients")[1:] if not line.startswith(("-", "+", "•"))]
    if trailer is not None:
        lines += [line.strip() for line in text[trailer.start:trailer.end].split("\n") if line.strip()][:TRAILER_LINES]
    return next((name for line in reversed(lines) if is_name_line(name := _RANK.sub("", line))), "")


def _iso(day: int, month: int, year: int) -> str:
    return f"{year:04d}-{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else ""


def _date(header: str, opening: str) -> str:
    m = DATE.search(header)
    if m and _iso(*(int(g) for g in m.groups())):
        return _iso(*(int(g) for g in m.groups()))
    m = OPENING_DATE.search(opening)
    if m and _iso(*(int(g) for g in m.groups())):
        return _iso(*(int(g) for g in m.groups()))
    m = PARTIAL_DATE.search(header)
    return f"{int(m.group(2)):04d}-{int(m.group(1)):02d}" if m else ""


def _title(header: list[str]) -> str:
    type_index = next((i for i, line in enumerate(header) if doc_type_of(line)), None)
    if type_index is None:
        subject = next((i for i, line in enumerate(header) if SUBJECT.match(line)), None)
        if subject is None:
            return ""
        lines = [header[subject]] + [line for line in header[subject + 1:subject + 4] if line[:1].islower()]
        return " ".join(lines)
    lines = []
    for line in header[type_index + 1:]:
        if ADDRESSEES.match(line) or line.startswith("(") or (line.isupper() and lines):
            break
        lines.append(line)
    return " ".join(lines).strip()


def extract_metadata(text: str, sections: list[Section]) -> DocumentMeta:
    """Facts of the main document (see the module docstring)."""
    meta = DocumentMeta()
    header = _region_lines(text, sections, "header")
    header_text = "\n".join(header)
    opening = "\n".join(_region_lines(text, sections, "intro")[:BODY_LINES])

    m = NUMBER.search(header_text)
    if m:
        meta.number = re.sub(r"\s+", "", m.group(1))
    meta.date = _date(header_text, opening)
    for line in header:
        m = PLACE_DATE.match(NUMBER.sub("", line).strip())  # "Số: 05/TB-UBND Lâm Đồng, ngày ..." on one line
        if m:
            meta.place = m.group(0).rsplit(",", 1)[0].strip()
            break
    meta.doc_type = next((doc_type_of(line) for line in header if doc_type_of(line)), "")
    if not meta.doc_type and meta.number:
        symbol = meta.number.split("/", 1)[-1].split("-")[0]
        meta.doc_type = SYMBOL_TYPES.get(symbol, "CÔNG VĂN" if any(SUBJECT.match(line) for line in header) else "")
    meta.title = _title(header)

    # A two-column header read line by line carries the issuer's lines in front of the motto's ("BỘ CÔNG AN
    # CỘNG HÒA XÃ HỘI ...", "CÔNG AN TỈNH LÂM ĐỒNG Độc lập - Tự do ..."): each motto line may hold one.
    issuer, in_motto = [], False
    for line in header:
        if NUMBER_LINE.match(line):
            break
        if MOTTO.search(line):
            in_motto = True
            # Lines rejoined into one paragraph hold several: what stands before each part of the motto.
            issuer += [head for part in MOTTO.split(line)[:-1] if (head := part.strip(" -–")) and head.isupper()]
            continue
        if in_motto:
            break
        if line.isupper():
            issuer.append(line)
    meta.issuer = " ".join(issuer)

    signature = _region_lines(text, sections, "signature")
    meta.signer = next((line for line in reversed(signature) if is_name_line(line)), "") or _trailing_signer(
        text, sections)
    recipients = _region_lines(text, sections, "recipients")
    meta.recipients = [re.sub(r"^[-+•]\s*", "", line).rstrip(";.,") for line in recipients[1:]
                       if line.strip("-+• ") and not (meta.signer and _RANK.sub("", line) == meta.signer)]
    for source in (meta.issuer, header_text, opening, text[:PROVINCE_SCAN]):
        m = PROVINCE.search(source)
        if m:
            meta.province = canonical_province(m.group(1).strip().title())
            break
    meta.issuer = _issuer_spelled(meta.issuer, meta.province)
    return meta


def _issuer_spelled(issuer: str, province: str) -> str:
    """The issuer with its province's name as the list writes it: OCR's "CÔNG AN TỈNH LÂM ĐÒNG" is
    "CÔNG AN TỈNH LÂM ĐỒNG", so the archive's issuing bodies do not split by a misread tone mark."""
    m = PROVINCE.search(issuer)
    if not m or not province:
        return issuer
    written = m.group(1).strip()
    if canonical_province(written.title()) != province or written.title() == province:
        return issuer
    spelled = province.upper() if written.isupper() else province
    return issuer[:m.start(1)] + spelled + issuer[m.start(1) + len(written):]
