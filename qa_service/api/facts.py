"""Routes for the structured facts: ``GET /v1/tasks`` and ``GET /v1/indicators`` (JSON or CSV).

Handlers are sync so FastAPI runs the SQLite reads in its thread pool.
"""
from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from index.facts_store import IndicatorRow, TaskRow
from qa_service.api.deps import get_container
from qa_service.api.export import csv_download
from qa_service.container import Container

router = APIRouter(tags=["facts"])

TASK_COLUMNS = ["lead", "coordinators", "action", "deadline", "deadline_text", "source", "doc_id", "section",
                "page_start", "text"]
INDICATOR_COLUMNS = ["name", "value", "unit", "period", "comparison", "status", "kind", "source", "doc_id", "section",
                     "page_start", "text"]
CSV = {"content": {"text/csv": {}}, "description": "The rows (format=csv: a CSV download)."}


class TaskList(BaseModel):
    """Task rows (see docs/facts.md): lead, coordinators, action, deadline (ISO or null), deadline_text,
    source, doc_id, section, text, plus citation extras (section_title, pages, document number and date)."""

    tasks: list[TaskRow]
    count: int


class IndicatorList(BaseModel):
    """Indicator rows (see docs/facts.md): name, value, unit, period, comparison, status, source, doc_id,
    section, text, plus value_text, kind and citation extras."""

    indicators: list[IndicatorRow]
    count: int


Format = Literal["json", "csv"]


@router.get("/v1/tasks", response_model=TaskList, responses={200: CSV})
def tasks(container: Annotated[Container, Depends(get_container)],
          agency: Annotated[str | None, Query(max_length=200, description="Agency, tone marks optional.")] = None,
          due_before: Annotated[dt.date | None, Query(description="Deadline on or before (YYYY-MM-DD).")] = None,
          due_after: Annotated[dt.date | None, Query(description="Deadline on or after (YYYY-MM-DD).")] = None,
          doc: Annotated[str | None, Query(max_length=300, description="doc_id or file name.")] = None,
          text: Annotated[str | None, Query(max_length=500, description="Words the task contains.")] = None,
          role: Annotated[Literal["lead", "any"], Query(description="Match the agency as lead only, or "
                                                                     "as lead or coordinator.")] = "any",
          limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
          format: Format = "json"):
    """Tasks assigned by the stored documents, in document order, filtered by agency (lead or coordinator),
    deadline range, document and words; ``format=csv`` downloads them."""
    rows = container.facts.tasks(agency=agency, due_before=due_before and due_before.isoformat(),
                                 due_after=due_after and due_after.isoformat(), doc=doc, text=text, role=role,
                                 limit=limit)
    if format == "csv":
        return csv_download((r.to_dict() for r in rows), TASK_COLUMNS, "notice-qa-tasks")
    return TaskList(tasks=rows, count=len(rows))


@router.get("/v1/indicators", response_model=IndicatorList, responses={200: CSV})
def indicators(container: Annotated[Container, Depends(get_container)],
               doc: Annotated[str | None, Query(max_length=300, description="doc_id or file name.")] = None,
               text: Annotated[str | None, Query(max_length=500, description="Words the row contains.")] = None,
               status: Literal["reached", "missed"] | None = None,
               kind: Literal["result", "target"] | None = None,
               limit: Annotated[int, Query(ge=1, le=5000)] = 1000,
               format: Format = "json"):
    """Results and targets stated by the stored documents, with values as written; ``format=csv`` downloads them."""
    rows = container.facts.indicators(doc=doc, text=text, status=status, kind=kind, limit=limit)
    if format == "csv":
        return csv_download((r.to_dict() for r in rows), INDICATOR_COLUMNS, "notice-qa-indicators")
    return IndicatorList(indicators=rows, count=len(rows))
