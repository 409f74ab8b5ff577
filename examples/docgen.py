"""Writers for real PDF and DOCX test documents (and the bundled examples), from plain paragraphs.

PDFs are written with fpdf2 and the DejaVu Sans font so Vietnamese diacritics survive extraction.
"""
from __future__ import annotations

from pathlib import Path

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
)


def unicode_font() -> str:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            return path
    try:  # matplotlib ships DejaVu Sans
        import matplotlib

        path = Path(matplotlib.get_data_path()) / "fonts/ttf/DejaVuSans.ttf"
        if path.exists():
            return str(path)
    except ImportError:
        pass
    raise RuntimeError("no DejaVu Sans font found (install fonts-dejavu-core or matplotlib)")


def write_pdf(path: str | Path, pages: list[list[str]], header: str = "", footer_numbers: bool = False) -> Path:
    """One PDF page per list of paragraphs; an optional running header and page numbers."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", unicode_font())
    pdf.set_auto_page_break(False)
    for number, paragraphs in enumerate(pages, start=1):
        pdf.add_page()
        pdf.set_font("DejaVu", size=11)
        if header:
            pdf.set_y(8)
            pdf.cell(0, 5, header, align="C")
            pdf.set_y(18)
        for paragraph in paragraphs:
            pdf.multi_cell(0, 6, paragraph)
            pdf.ln(1)
        if footer_numbers:
            pdf.set_y(-15)
            pdf.cell(0, 5, str(number), align="C")
    path = Path(path)
    pdf.output(str(path))
    return path


def write_docx(path: str | Path, paragraphs: list[str], header_table: list[list[str]] | None = None,
               tables: list[list[list[str]]] | None = None) -> Path:
    """A Word file: an optional two-column header table, the paragraphs, then any further tables."""
    import docx

    document = docx.Document()
    if header_table:
        table = document.add_table(rows=len(header_table), cols=len(header_table[0]))
        for r, row in enumerate(header_table):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    for paragraph in paragraphs:
        document.add_paragraph(paragraph)
    for rows in tables or []:
        table = document.add_table(rows=len(rows), cols=len(rows[0]))
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    path = Path(path)
    document.save(str(path))
    return path
