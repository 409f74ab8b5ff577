"""Dependencies injected into the routers: the container of the running app, and the API key check."""
from __future__ import annotations

import hmac

from fastapi import Depends, Header, HTTPException, Request

from qa_service.container import Container


def get_container(request: Request) -> Container:
    return request.app.state.container


def require_write_key(container: Container = Depends(get_container),
                      x_api_key: str | None = Header(default=None)) -> None:
    """Write endpoints need ``X-API-Key`` when an API key is configured (compared in constant time)."""
    expected = container.settings.api_key
    if expected and not hmac.compare_digest((x_api_key or "").encode(), expected.encode()):
        raise HTTPException(status_code=401, detail="missing or wrong API key (X-API-Key header)")
