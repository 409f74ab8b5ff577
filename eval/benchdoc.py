"""Writing measured tables into ``docs/benchmarks.md``, one named section per script.

Each script owns the text between ``<!-- NAME:start -->`` and ``<!-- NAME:end -->``; a missing section is
appended, and the rest of the file (other scripts' sections, prose) is left as it is.
"""
from __future__ import annotations

from pathlib import Path

DEFAULT_DOC = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"
HEADER = "# Benchmarks\n\nMeasured figures; each section is rewritten by the script named in it.\n"


def update_section(name: str, markdown: str, path: str | Path = DEFAULT_DOC) -> Path:
    """Replace (or append) section ``name`` of the benchmark document with ``markdown``."""
    path = Path(path)
    start, end = f"<!-- {name}:start -->", f"<!-- {name}:end -->"
    block = f"{start}\n{markdown.rstrip()}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if start in text and end in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
