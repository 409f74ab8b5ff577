"""Text that a PDF shows in annotations, put where it stands on the page.

Signed PDFs of the government's document systems print the number and the day of issue into form fields
(widget annotations) over the blanks the template leaves: the page content says "Số: /QĐ-BNV" and "Hà Nội,
ngày tháng năm 2025", the fields say "1187", "15", "10". PDFium's text layer omits annotations, so the
document's number and date came out blank. Here the page is read once as it is and once with its
annotations flattened into the content; the glyphs only the flattened page has are the annotations' text,
and each run of them is inserted into the line it stands on, before the word to its right ("Số:
1187/QĐ-BNV", "ngày 15 tháng 10 năm 2025"), or appended to the page when it stands on no line.
"""
from __future__ import annotations

# Annotations whose appearance is text a reader sees on the page: form fields, typewriter text, stamps.
_SHOWN = (20, 3, 13)  # FPDF_ANNOT_WIDGET, FPDF_ANNOT_FREETEXT, FPDF_ANNOT_STAMP
_MAX_STAMP_CHARS = 200  # a field's value, not a second page hidden in an annotation

Box = tuple[float, float, float, float]  # left, bottom, right, top


def page_text_with_stamps(pdf, index: int, page, textpage, text: str) -> str:
    """``text`` (page ``index``'s PDFium text, from ``textpage``) with the text of its shown annotations inserted.

    Flattens ``page`` in the in-memory document ``pdf`` (never saved), so call it last for a page.
    """
    import pypdfium2.raw as pdfium_c

    shown = 0
    for k in range(pdfium_c.FPDFPage_GetAnnotCount(page)):
        annot = pdfium_c.FPDFPage_GetAnnot(page, k)
        shown += pdfium_c.FPDFAnnot_GetSubtype(annot) in _SHOWN
        pdfium_c.FPDFPage_CloseAnnot(annot)
    if not shown or pdfium_c.FPDFPage_Flatten(page, pdfium_c.FLAT_NORMALDISPLAY) != pdfium_c.FLATTEN_SUCCESS:
        return text
    flat_page = pdf[index]  # the flattened content shows in a page loaded afresh
    flat = flat_page.get_textpage()
    try:
        plain = _glyphs(textpage)
        return _insert(text, plain, _stamps(_glyphs(flat), plain))
    finally:
        flat.close()
        flat_page.close()


def _glyphs(textpage) -> list[tuple[str, Box]]:
    count = textpage.count_chars()
    return [(textpage.get_text_range(i, 1), textpage.get_charbox(i)) for i in range(count)]


def _stamps(flat: list[tuple[str, Box]], plain: list[tuple[str, Box]]) -> list[tuple[Box, str]]:
    """Runs of the glyphs the flattened page has and the plain one lacks, with the box of each run."""
    def key(ch: str, box: Box) -> tuple:
        return ch, round(box[0]), round(box[1])
    old = {key(ch, box) for ch, box in plain}
    runs: list[list[tuple[str, Box]]] = []
    for ch, box in flat:
        if key(ch, box) in old or not ch.strip():
            if runs and runs[-1]:
                runs.append([])
            continue
        if not runs:
            runs.append([])
        runs[-1].append((ch, box))
    stamps = []
    for run in filter(None, runs):
        text = "".join(ch for ch, _ in run)
        if len(text) <= _MAX_STAMP_CHARS:
            boxes = [b for _, b in run]
            stamps.append(((min(b[0] for b in boxes), min(b[1] for b in boxes), max(b[2] for b in boxes),
                            max(b[3] for b in boxes)), text))
    return stamps


def _insert(text: str, glyphs: list[tuple[str, Box]], stamps: list[tuple[Box, str]]) -> str:
    if not stamps:
        return text
    if len(text) != len(glyphs):  # characters and boxes do not pair up: keep the reader's order of things
        return "\n".join([text, *(s for _, s in stamps)])
    places, appended = [], []
    middles = [((b + t) / 2 if ch.strip() else None) for ch, (_, b, _, t) in glyphs]
    for (left, bottom, _right, top), stamp in stamps:
        # A field's value often floats a little above or below the blank it fills: the nearest line within
        # one and a half of its height is the one it fills.
        middle_y = (bottom + top) / 2
        near = min((abs(m - middle_y), m) for m in middles if m is not None) if any(m is not None for m in middles) else None
        if near is None or near[0] > 1.5 * (top - bottom):
            appended.append(stamp)
            continue
        line = [i for i, m in enumerate(middles) if m is not None and abs(m - near[1]) <= 0.25 * (top - bottom)]
        after = [i for i in line if (glyphs[i][1][0] + glyphs[i][1][2]) / 2 > left]
        at = min(after) if after else max(line) + 1
        while 0 < at < len(text) and text[at].isalnum() and text[at - 1].isalnum():
            at -= 1  # never inside a word: before the word the stamp's first glyph stands on
        places.append((at, stamp))
    for at, stamp in sorted(places, reverse=True):
        lead = "" if at == 0 or text[at - 1].isspace() else " "
        trail = " " if at < len(text) and text[at].isalnum() else ""
        text = f"{text[:at]}{lead}{stamp}{trail}{text[at:]}"
    return "\n".join([text, *appended])
