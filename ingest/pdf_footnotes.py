"""The footnote area of a printed page: the lines at its foot set in smaller type than its body.

A footnote that runs over to the next page has no number of its own there ("… công quốc gia; Công văn số
3779/UBND-HCC …" at the foot of page 4), so the marker-and-number rule of :mod:`ingest.normalize` cannot
tell it from body text, and it was spliced into the sentence the page break cut ("… cơ quan, đơn vị,
địa | công quốc gia; … | phương"). Type size tells it apart: PDFium knows each character's font size.
"""
from __future__ import annotations

import re
import statistics
from collections import Counter

_RECIPIENTS = re.compile(r"^\W*(?:Nơi nhận|NƠI NHẬN|Lưu\s*:|Lưu\s+VT)")
NOTE_TYPE_SHARE = 0.8  # footnotes are set at most this fraction of the body's type size (10 pt under 14 pt)


def footnote_lines(textpage, text: str) -> set[int]:
    """Indices of the lines of ``text`` (one page's PDFium text, read from ``textpage``, split at "\\n") that
    form its footnote area: the trailing lines whose type is at most :data:`NOTE_TYPE_SHARE` of the page's
    most common size. Blank lines and a page number among them stay out; a page that is all small type
    has none, nor has one whose small type at the foot is the recipients list ("Nơi nhận", "Lưu: VT")."""
    import pypdfium2.raw as pdfium_c

    count = textpage.count_chars()
    if len(text) != count or "\n" not in text:
        return set()
    sizes = [pdfium_c.FPDFText_GetFontSize(textpage.raw, i) for i in range(count)]
    shown = [round(size * 2) / 2 for size, ch in zip(sizes, text) if not ch.isspace()]
    if not shown:
        return set()
    body_size = Counter(shown).most_common(1)[0][0]
    lines, start = [], 0
    for end in [i for i, ch in enumerate(text) if ch == "\n"] + [len(text)]:
        glyphs = [sizes[i] for i in range(start, end) if not text[i].isspace()]
        words = text[start:end].strip()
        lines.append(None if not glyphs or words.isdigit() else statistics.median(glyphs))
        start = end + 1
    notes: set[int] = set()
    for i in range(len(lines) - 1, -1, -1):
        if lines[i] is None:
            continue  # blank lines and a page number do not end the footnote area
        if lines[i] > NOTE_TYPE_SHARE * body_size:
            break
        notes.add(i)
    body_lines = [i for i, size in enumerate(lines) if size is not None and i not in notes]
    # The recipients ("Nơi nhận: - Như trên; - Lưu: VT") are also set small at the foot of the last page.
    split = text.split("\n")
    if any(_RECIPIENTS.match(split[i]) for i in notes):
        return set()
    return notes if body_lines else set()
