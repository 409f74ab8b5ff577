"""Province names as the country writes them, whatever OCR made of them.

A scan's header read by OCR gives "TỈNH LÂM ĐÒNG" or "Lâm Đông": such a name would become a province of its
own in the archive's facets and filters. A name is compared with the list in ``data/provinces.txt`` on
its tone-folded letters ("lam dong"), so a wrong tone mark changes nothing, and one letter more, less or
different is forgiven in names of six letters or more when one province alone is that close. A name the
list does not know (a fictional province of the examples) is kept as written.

Example::

    >>> canonical_province("Lâm Đòng")
    'Lâm Đồng'
"""
from __future__ import annotations

import re
from functools import lru_cache
from importlib import resources

from ingest.vietnamese import fold


def _key(name: str) -> str:
    return "".join(fold(name).lower().replace("-", " ").split())


@lru_cache(maxsize=1)
def _provinces() -> dict[str, str]:
    text = resources.files("ingest").joinpath("data/provinces.txt").read_text(encoding="utf-8")
    names = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    return {_key(name): name for name in names}


def _within_one_edit(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = next((k for k, (x, y) in enumerate(zip(a, b)) if x != y), len(a))
    return a[i + (len(a) == len(b)):] == b[i + 1:]


def canonical_province(name: str) -> str:
    """The listed province ``name`` stands for, or ``name`` itself when none is close enough."""
    key = _key(name)
    known = _provinces()
    if key in known:
        return known[key]
    if len(key) >= 6:
        close = [canonical for k, canonical in known.items() if _within_one_edit(key, k)]
        if len(close) == 1:
            return close[0]
    return name


_CAPITALISED = re.compile(r"\s+([A-ZĐÀ-Ỹ][^\s,;:.()]*)")


def province_end(text: str, pos: int) -> int | None:
    """Where a listed province's name (one to three capitalised words after ``pos``) ends, or None:
    "Thuế tỉnh| Lâm Đồng và ..." gives the end of "Lâm Đồng"."""
    words, end = [], pos
    for _ in range(3):
        m = _CAPITALISED.match(text, end)
        if not m:
            break
        words.append(m.group(1))
        end = m.end()
        if _key(" ".join(words)) in _provinces():
            return end
    return None
