"""Legacy Word files (``.doc``, Word 97–2003): read through a well-kept converter.

LibreOffice (``soffice --headless --convert-to docx``; Debian ``libreoffice-writer-nogui``) turns the
file into DOCX, read by the DOCX reader so header tables, list numbering and tables survive. Where
LibreOffice is absent, ``antiword`` (Debian ``antiword``, a few hundred kB) prints the text with tables
as ``|cell|cell|`` lines, turned here into the same blocks. Neither installed: a clear per-file error.
"""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ingest.docx_reader import read_docx_blocks, table_blocks
from ingest.models import Block, IngestError

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the compound file every Word 97–2003 document is
CONVERT_TIMEOUT_S = 180
NO_CONVERTER = ("legacy Word .doc needs LibreOffice (Debian package libreoffice-writer-nogui) or antiword "
                "(Debian package antiword); neither is installed")


def converter() -> str:
    """Which converter reads .doc files here: ``libreoffice``, ``antiword`` or ``""``."""
    if shutil.which("soffice") or shutil.which("libreoffice"):
        return "libreoffice"
    return "antiword" if shutil.which("antiword") else ""


def read_doc_blocks(data: bytes) -> list[Block]:
    """The body of a .doc file as blocks in reading order. Raises IngestError."""
    if not data.startswith(OLE2_MAGIC):
        raise IngestError("file is named .doc but is not a Word 97–2003 document")
    kind = converter()
    if not kind:
        raise IngestError(NO_CONVERTER)
    with tempfile.TemporaryDirectory(prefix="notice-qa-doc-") as tmp:
        source = Path(tmp) / "document.doc"
        source.write_bytes(data)
        if kind == "libreoffice":
            return read_docx_blocks(_libreoffice_docx(source))
        return antiword_blocks(_run(["antiword", "-m", "UTF-8.txt", "-w", "0", str(source)]))


def _run(command: list[str], cwd: str | None = None) -> str:
    try:
        done = subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT_S, cwd=cwd, check=False)
    except subprocess.TimeoutExpired as exc:
        raise IngestError(f".doc conversion took over {CONVERT_TIMEOUT_S} s; refusing the file") from exc
    if done.returncode != 0:
        why = done.stderr.decode("utf-8", "replace").strip().splitlines()
        raise IngestError(f".doc cannot be read ({why[-1] if why else f'{command[0]} exit {done.returncode}'})")
    return done.stdout.decode("utf-8", "replace")


def _libreoffice_docx(source: Path) -> bytes:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    # A profile of its own: a user's running LibreOffice (or another conversion) must not hold it.
    profile = (source.parent / "profile").as_uri()
    _run([soffice, f"-env:UserInstallation={profile}", "--headless", "--norestore", "--convert-to", "docx",
          "--outdir", str(source.parent), str(source)], cwd=str(source.parent))
    converted = source.with_suffix(".docx")
    if not converted.exists():
        raise IngestError(".doc cannot be read (LibreOffice wrote no DOCX)")
    return converted.read_bytes()


def antiword_blocks(text: str) -> list[Block]:
    """antiword's text as blocks: a paragraph a line (``-w 0``), consecutive ``|...|`` lines a table."""
    blocks: list[Block] = []
    rows: list[list[list[str]]] = []
    tables = 0

    def flush() -> None:
        nonlocal rows, tables
        found = table_blocks(rows, tables)
        tables += any(b.table >= 0 for b in found)
        blocks.extend(found)
        rows = []

    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and stripped.endswith("|") and len(stripped) > 1:
            rows.append([[cell.strip()] if cell.strip() else [] for cell in stripped[1:-1].split("|")])
            continue
        if rows:
            flush()
        if stripped:
            blocks.append(Block(stripped))
    if rows:
        flush()
    return blocks
