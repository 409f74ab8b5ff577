"""The web page at ``/``: one self-contained HTML file, served with a strict Content-Security-Policy.

The policy allows only the page's own inline script (by its hash) and same-origin requests, so
even if some document text were ever inserted as markup, a script inside a notice could neither
run nor send anything elsewhere. The page itself inserts all document text with ``textContent``.
"""
from __future__ import annotations

import base64
import hashlib
import re
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

WEB_DIR = Path(__file__).resolve().parent.parent / "web"
_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)

router = APIRouter(include_in_schema=False)


@lru_cache(maxsize=1)
def _page() -> tuple[str, str]:
    html = (WEB_DIR / "index.html").read_text(encoding="utf-8")
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
                      for s in _SCRIPT.findall(html))
    policy = (f"default-src 'none'; script-src {hashes}; style-src 'unsafe-inline'; connect-src 'self'; "
              "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
    return html, policy


@router.get("/")
def index() -> HTMLResponse:
    html, policy = _page()
    return HTMLResponse(html, headers={"Content-Security-Policy": policy, "X-Content-Type-Options": "nosniff",
                                       "Referrer-Policy": "no-referrer"})
