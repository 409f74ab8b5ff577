"""The HTTP connection protocol ``notice-qa serve`` runs: uvicorn's h11 protocol with a deadline for the
request head.

uvicorn closes a keep-alive connection idle after a response, but a connection that never sends a request,
or sends its request line and headers a byte at a time (slowloris), is held for ever: enough of them
exhaust the server's file descriptors. Here the head of each request (request line and headers) must
arrive within ``head_timeout_s`` of the connection opening or of the previous response, else the
connection is closed. A slow body (a large upload over a slow link) is not cut.
"""
from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol


def with_head_deadline(head_timeout_s: float) -> type[H11Protocol]:
    """An :class:`H11Protocol` closing connections whose request head is not in after ``head_timeout_s`` seconds.

    Example::

        uvicorn.run(app, http=with_head_deadline(20.0))
    """

    class HeadDeadlineH11Protocol(H11Protocol):
        _head_timer: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._arm()

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def data_received(self, data: bytes) -> None:
            super().data_received(data)
            if self.conn.their_state is not h11.IDLE:  # the head is in: the request is being served
                self._disarm()

        def on_response_complete(self) -> None:
            super().on_response_complete()
            if not self.transport.is_closing():
                self._arm()

        def _arm(self) -> None:
            self._disarm()
            self._head_timer = self.loop.call_later(head_timeout_s, self._expire)

        def _disarm(self) -> None:
            if self._head_timer is not None:
                self._head_timer.cancel()
                self._head_timer = None

        def _expire(self) -> None:
            self._head_timer = None
            if self.conn.their_state is h11.IDLE and not self.transport.is_closing():
                self.transport.close()

    return HeadDeadlineH11Protocol
