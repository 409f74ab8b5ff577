"""``POST /v1/ask/stream``: the answer as Server-Sent Events.

Events, in order:

- ``token``: ``{"text": "..."}``, a piece of the answer text as the answerer produces it (the
  extractive answerer sends its whole answer as one piece; the LLM answerer sends each sentence of the
  model's answer once it is complete and checked, with its renumbered markers);
- ``final``: the full output contract of ``POST /v1/ask`` (answer, abstained, citations, passages,
  timings). It is authoritative: an LLM answer that fails the citation checks is replaced here
  by the extractive answer, so clients show ``final.answer`` once it arrives;
- ``error``: ``{"detail": "..."}`` when answering failed after the stream started.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends
from fastapi.responses import StreamingResponse

from qa_service.api.deps import get_container
from qa_service.container import Container
from qa_service.schemas import AskRequest, ErrorResponse

log = logging.getLogger(__name__)
router = APIRouter()


def sse(event: str, data: dict | str) -> str:
    """One Server-Sent Event; ``data`` is JSON on a single line."""
    payload = data if isinstance(data, str) else json.dumps(data, ensure_ascii=False)
    return f"event: {event}\ndata: {payload}\n\n"


@router.post("/v1/ask/stream", responses={200: {"content": {"text/event-stream": {}},
                                                "description": "token events, then one final event"},
                                           422: {"model": ErrorResponse}})
def ask_stream(request: AskRequest, container: Container = Depends(get_container)) -> StreamingResponse:
    """Answer a question as a stream of ``token`` events and one ``final`` event (the ``/v1/ask`` body)."""
    filters = container.archive.scope(request.filters)

    def events() -> Iterator[str]:
        try:
            for item in container.service.ask_stream(request.question, k=request.k, filters=filters):
                if isinstance(item, str):
                    yield sse("token", {"text": item})
                else:
                    yield sse("final", item.model_dump_json())
        except Exception as exc:  # the status line is sent already: report the failure as an event
            log.exception("streamed answer failed")
            yield sse("error", {"detail": f"answering failed: {type(exc).__name__}"})

    return StreamingResponse(events(), media_type="text/event-stream",
                             headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})
