"""Every error as JSON ``{"detail": "...", "errors": [{"field", "message"}]}`` with a status that says
whose fault it is: 400 for a body that is not JSON, 422 for a request that breaks the schema (with
each offending field named), 503 when the store cannot be used, 507 when its disk is full or failing,
500 (without internals) otherwise.
"""
from __future__ import annotations

import logging
import sqlite3

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from index.store import StoreError
from qa_service.ingest_runner import store_write_failure

log = logging.getLogger("notice_qa.api")

_WHERE = {"body", "query", "path", "header", "form"}


def _field(loc: tuple) -> str:
    parts = [str(p) for p in loc]
    if parts and parts[0] in _WHERE:
        parts = parts[1:]
    return ".".join(parts)


def _message(error: dict) -> str:
    kind = error.get("type", "")
    if kind == "extra_forbidden":
        return "unknown field"
    if kind == "missing":
        return "required"
    if kind in ("model_attributes_type", "dict_type"):
        return "expected a JSON object"
    message = error.get("msg", "")
    return message.removeprefix("Value error, ")


def validation_payload(exc: RequestValidationError) -> tuple[int, dict]:
    """Status and body for a request that failed validation."""
    errors = list(exc.errors())
    if any(e.get("type") == "json_invalid" for e in errors):
        detail = "the request body is not valid JSON"
        return 400, {"detail": detail, "errors": [{"field": "body", "message": detail}]}
    fields = [{"field": _field(tuple(e.get("loc", ()))) or "request", "message": _message(e)} for e in errors]
    summary = "; ".join(f"{f['field']}: {f['message']}" for f in fields[:5])
    return 422, {"detail": f"invalid request: {summary}", "errors": fields}


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(RequestValidationError)
    async def invalid_request(request: Request, exc: RequestValidationError) -> JSONResponse:
        status, body = validation_payload(exc)
        return JSONResponse(status_code=status, content=body)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return JSONResponse(status_code=exc.status_code, content={"detail": str(exc.detail), "errors": []},
                            headers=getattr(exc, "headers", None))

    @app.exception_handler(StoreError)
    async def store_unusable(request: Request, exc: StoreError) -> JSONResponse:
        return JSONResponse(status_code=503, content={"detail": str(exc), "errors": []})

    async def storage_failure(request: Request, exc: Exception) -> JSONResponse:
        disk, _ = store_write_failure(exc)
        if not disk:
            return await unexpected(request, exc)
        log.exception("store not writable on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=507, content={
            "detail": "the server's disk is full or failing; free space and try again", "errors": []})

    app.add_exception_handler(sqlite3.Error, storage_failure)
    app.add_exception_handler(OSError, storage_failure)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return JSONResponse(status_code=500, content={"detail": "internal error; see the server log",
                                                      "errors": []})
