"""Routes for asking and searching. Handlers are sync so FastAPI runs their CPU work in its thread pool."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from qa_service.api.deps import get_container
from qa_service.api.export import respond
from qa_service.container import Container
from qa_service.schemas import AskRequest, AskResponse, ErrorResponse, Facets, SearchParams, SearchResponse

router = APIRouter()
# Open even when reads need a key (NOTICE_QA_READ_API_KEY), so monitoring needs no secret.
health_router = APIRouter()

ERRORS = {400: {"model": ErrorResponse}, 422: {"model": ErrorResponse}}
CSV = {"content": {"text/csv": {}}, "description": "The results (format=csv: a CSV download)."}
SEARCH_COLUMNS = ["rank", "score", "doc_id", "source", "doc_type", "number", "date", "title", "section",
                  "section_title", "page_start", "page_end", "chunk_id", "text"]


WRITER_STUCK_S = 30.0  # a write waiting longer than this for another process's lock is reported


@health_router.get("/healthz")
def healthz(container: Container = Depends(get_container)) -> dict:
    store = container.store
    waiting = store.writer_waiting_s
    # Reads still work while a write waits for another process (a long rebuild): say so, without failing.
    return {"status": "ok" if waiting < WRITER_STUCK_S else "writer waiting", "documents": len(store.documents()),
            "chunks": store.catalog.count_chunks(), "embedder": store.embedder.model_id,
            "writer_waiting_s": round(waiting, 1), "read_only": store.read_only}


@router.post("/v1/ask", response_model=AskResponse, responses=ERRORS)
def ask(request: AskRequest, container: Container = Depends(get_container)) -> AskResponse:
    """Answer a question with cited sections, from the documents matching ``filters`` (all by default)."""
    return container.service.ask(request.question, k=request.k, filters=container.archive.scope(request.filters))


@router.get("/v1/search", response_model=SearchResponse, responses={**ERRORS, 200: CSV})
def search(params: Annotated[SearchParams, Query()], container: Container = Depends(get_container)):
    """Ranked passages with the query's words marked (``highlights``: offsets into ``text``), filtered,
    paginated, optionally grouped by document; ``format=csv|json`` downloads the page."""
    result = container.archive.search(params)
    return respond(result, params.format, (p.model_dump() for p in result.passages), SEARCH_COLUMNS,
                   "notice-qa-search")


@router.get("/v1/facets", response_model=Facets)
def facets(container: Container = Depends(get_container)) -> Facets:
    """Document types, issuing bodies, provinces and the date range in the store, for filter menus."""
    return container.archive.facets()

