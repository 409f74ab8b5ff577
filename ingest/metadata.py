"""Header facts of a Vietnamese administrative document (layout of Decree 30/2020/NĐ-CP)."""
from __future__ import annotations

import re

from ingest.models import DocumentMeta

DOC_TYPES = (
    "THÔNG BÁO", "KẾ HOẠCH", "QUYẾT ĐỊNH", "BÁO CÁO", "CÔNG ĐIỆN", "CHỈ THỊ", "NGHỊ QUYẾT",
    "TỜ TRÌNH", "HƯỚNG DẪN", "CHƯƠNG TRÌNH", "ĐỀ ÁN", "QUY ĐỊNH", "QUY CHẾ", "ĐIỀU LỆ", "BIÊN BẢN", "LUẬT",
)
NUMBER = re.compile(r"Số\s*:\s*([\w\s.]*?/[\w.\-Đđ&]+(?:-[\w.Đđ&]+)*)", re.IGNORECASE)
DATE = re.compile(r"ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.IGNORECASE)
PLACE_DATE = re.compile(r"^([^,\n]{2,40}),\s*ngày", re.MULTILINE)
MOTTO = re.compile(r"CỘNG H[ÒO]A XÃ HỘI CHỦ NGHĨA VIỆT NAM|Độc lập\s*-\s*Tự do", re.IGNORECASE)
PROVINCE = re.compile(r"\b(?:TỈNH|tỉnh|THÀNH PHỐ|thành phố)\s+([A-ZĐÀ-Ỹ][\wÀ-ỹ]+(?:\s+[A-ZĐÀ-Ỹ][\wÀ-ỹ]+){0,2})")

HEADER_LINES = 25


def extract_metadata(text: str) -> DocumentMeta:
    """Facts stated in the header block; anything the text does not state stays empty."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    head = lines[:HEADER_LINES]
    head_text = "\n".join(head)
    meta = DocumentMeta()

    m = NUMBER.search(head_text)
    if m:
        meta.number = re.sub(r"\s+", "", m.group(1))
    m = DATE.search(head_text)
    if m:
        day, month, year = (int(g) for g in m.groups())
        if 1 <= month <= 12 and 1 <= day <= 31:
            meta.date = f"{year:04d}-{month:02d}-{day:02d}"
    m = PLACE_DATE.search(head_text)
    if m and not m.group(1).lower().startswith("số"):
        meta.place = m.group(1).strip()

    type_index = next((i for i, line in enumerate(head) if line.upper() == line and line.strip(" :") in DOC_TYPES), None)
    if type_index is not None:
        meta.doc_type = head[type_index].strip(" :")
        title_lines = []
        for line in head[type_index + 1 : type_index + 5]:
            if line.startswith(("Căn cứ", "Ngày", "Thực hiện", "Kính gửi")) or line[:1].isdigit() or re.match(r"^[IVX]+\.", line):
                break
            title_lines.append(line)
            if len(" ".join(title_lines)) > 200:
                break
        meta.title = " ".join(title_lines).strip()

    motto_index = next((i for i, line in enumerate(head) if MOTTO.search(line)), None)
    if motto_index:
        issuer_lines = [line for line in head[:motto_index] if not line.startswith(("Số", "_", "-"))]
        meta.issuer = " ".join(issuer_lines).strip()
    m = PROVINCE.search(meta.issuer or head_text)
    if m:
        meta.province = m.group(1).strip()
    return meta
