"""Dependencies injected into the routers: the container of the running app, and the API key checks.

Keys are compared with :func:`hmac.compare_digest` on their UTF-8 bytes, so the time a check takes
does not depend on how many leading characters of a guess are right.
"""
from __future__ import annotations

import hmac

from fastapi import Depends, Header, HTTPException, Request

from qa_service.container import Container


def get_container(request: Request) -> Container:
    return request.app.state.container


def _matches(given: str | None, *expected: str) -> bool:
    """Whether ``given`` equals one of the configured (non-empty) keys, in constant time per key."""
    offered = (given or "").encode()
    return any(hmac.compare_digest(offered, key.encode()) for key in expected if key)


def _cross_origin(request: Request, allowed: list[str]) -> bool:
    """Whether a browser sent the request from a page of another origin than this service (and not one of
    ``allowed``). Browsers mark every POST/DELETE with ``Origin`` (``no-cors`` requests included) and
    ``Sec-Fetch-Site``; scripts and the CLI send neither and are not affected."""
    origin = request.headers.get("origin")
    if origin is not None:
        if origin in allowed:
            return False
        host = request.headers.get("host", "")
        return origin.split("://", 1)[-1].rstrip("/") != host
    return request.headers.get("sec-fetch-site") in ("cross-site", "same-site")


def require_write_key(request: Request, container: Container = Depends(get_container),
                      x_api_key: str | None = Header(default=None)) -> None:
    """Write endpoints refuse requests a page of another origin makes (a no-cors form post replacing a
    document), and need ``X-API-Key`` when an API key is configured (compared in constant time)."""
    if _cross_origin(request, container.settings.cors_origins):
        raise HTTPException(status_code=403, detail="cross-origin writes are refused (the request came from a "
                                                    "page of another site); list trusted origins in "
                                                    "NOTICE_QA_CORS_ORIGINS")
    expected = container.settings.api_key
    if expected and not _matches(x_api_key, expected):
        raise HTTPException(status_code=401, detail="missing or wrong API key (X-API-Key header)")


def require_read_key(container: Container = Depends(get_container),
                     x_api_key: str | None = Header(default=None)) -> None:
    """Every ``/v1`` endpoint needs ``X-API-Key`` when a read key is configured; the read key or the
    write key is accepted (whoever may write may read)."""
    settings = container.settings
    if settings.read_api_key and not _matches(x_api_key, settings.read_api_key, settings.api_key):
        raise HTTPException(status_code=401, detail="missing or wrong API key (X-API-Key header)")
