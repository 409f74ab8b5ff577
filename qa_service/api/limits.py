"""Request body size limits, enforced while the body is read, before anything parses or spools it.

FastAPI parses a multipart body (spooling files to temporary storage) before a handler or a
dependency can look at it, so the limit has to sit below the app: a declared ``Content-Length``
over the limit is refused at once, and a body sent without one is counted as it arrives and cut
off at the limit. Either way the client gets a JSON 413.
"""
from __future__ import annotations

import json

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class BodyTooLarge(Exception):
    """Raised into the app when a streamed body passes the limit."""


class BodySizeLimit:
    """ASGI middleware: at most ``default`` bytes per request body, or ``per_path[path]`` for given paths.

    Args:
        app: the wrapped application.
        default: (limit in bytes, message for the client) for every request not listed in ``per_path``.
        per_path: exact request paths with their own (limit, message), e.g. the upload endpoint.
    """

    def __init__(self, app: ASGIApp, default: tuple[int, str], per_path: dict[str, tuple[int, str]] | None = None):
        self.app = app
        self.default = default
        self.per_path = per_path or {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit, message = self.per_path.get(scope["path"], self.default)
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None:
            if not declared.isdigit():
                await _send_error(send, 400, "invalid Content-Length header")
                return
            if int(declared) > limit:
                await _send_error(send, 413, message)
                return
        received = 0
        exceeded = False
        response_started = False

        async def counted_receive() -> Message:
            nonlocal received, exceeded
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    exceeded = True
                    raise BodyTooLarge()
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if exceeded:  # whatever the app made of the cut-off body, the answer is 413
                return
            response_started = True
            await send(message)

        try:
            await self.app(scope, counted_receive, guarded_send)
        except BodyTooLarge:
            pass
        if exceeded and not response_started:
            await _send_error(send, 413, message)


async def _send_error(send: Send, status: int, detail: str) -> None:
    body = json.dumps({"detail": detail, "errors": []}).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode()),
                            (b"connection", b"close")]})
    await send({"type": "http.response.body", "body": body})
