"""Routes of the v1 API. Handlers are sync so FastAPI runs the CPU work in its thread pool."""
from __future__ import annotations

from fastapi import APIRouter, Depends, HTTPException, Query

from index.retriever import SearchFilters
from qa_service.api.deps import get_container
from qa_service.container import Container
from qa_service.schemas import AskRequest, AskResponse, SearchResponse
from qa_service.service import to_passage

router = APIRouter()


@router.get("/healthz")
def healthz(container: Container = Depends(get_container)) -> dict:
    store = container.store
    return {"status": "ok", "documents": len(store.documents()), "chunks": store.catalog.count_chunks(),
            "embedder": store.embedder.model_id}


@router.post("/v1/ask", response_model=AskResponse)
def ask(request: AskRequest, container: Container = Depends(get_container)) -> AskResponse:
    question = request.question.strip()
    if not question:
        raise HTTPException(status_code=422, detail="question is empty")
    return container.service.ask(question, k=request.k)


@router.get("/v1/search", response_model=SearchResponse)
def search(q: str = Query(min_length=1, max_length=2000), k: int = Query(10, ge=1, le=100),
           container: Container = Depends(get_container)) -> SearchResponse:
    if not q.strip():
        raise HTTPException(status_code=422, detail="query is empty")
    hits = container.service.search(q.strip(), k=k, filters=SearchFilters())
    return SearchResponse(passages=[to_passage(h) for h in hits])
