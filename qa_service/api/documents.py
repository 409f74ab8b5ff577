"""Routes for the stored documents: upload, list (filter, paginate, export), detail, delete.

Handlers are sync so FastAPI runs parsing and embedding in its thread pool, off the event loop.
"""
from __future__ import annotations

import logging
import sqlite3
from typing import Annotated

from fastapi import APIRouter, Depends, File, HTTPException, Path, Query, UploadFile
from fastapi.responses import JSONResponse

from index.store import StoreError
from qa_service.api.deps import get_container, require_write_key
from qa_service.api.export import respond
from qa_service.api.routes import CSV, ERRORS
from qa_service.api.uploads import UploadRejected, check_type, outcome_status, safe_source_name, upload_status
from qa_service.container import Container
from qa_service.ingest_runner import FileOutcome, IngestReport, store_write_failure
from qa_service.schemas import (
    DeleteResponse,
    DocumentDetail,
    DocumentList,
    DocumentListParams,
    ErrorResponse,
    UploadOutcome,
    UploadResponse,
)

log = logging.getLogger("notice_qa.api")
router = APIRouter()

DocId = Annotated[str, Path(min_length=1, max_length=64, description="The document's id (doc_id).")]
DOCUMENT_COLUMNS = ["doc_id", "source", "doc_type", "number", "date", "issuer", "province", "title", "signer",
                    "status", "page_count", "chunk_count", "size_bytes", "media_type"]
NOT_FOUND = {404: {"model": ErrorResponse}}
KEY = {401: {"model": ErrorResponse}}


@router.post("/v1/documents", response_model=UploadResponse, status_code=201,
             dependencies=[Depends(require_write_key)],
             responses={**ERRORS, **KEY, 200: {"model": UploadResponse, "description": "Nothing new was stored."},
                        207: {"model": UploadResponse, "description": "Some files failed, others were stored."},
                        413: {"model": ErrorResponse}, 415: {"model": UploadResponse},
                        507: {"model": UploadResponse, "description": "The server's disk is full: not stored."}})
def upload(files: Annotated[list[UploadFile], File(description="One or more .pdf, .docx, .doc or .txt files.")],
           container: Container = Depends(get_container)) -> JSONResponse:
    """Ingest uploaded files (multipart field ``files``). Each file gets its own outcome: ``added``,
    ``replaced``, ``duplicate`` (stored; the same bytes are stored under another name), ``unchanged``, ``flagged`` (stored, not searchable, e.g. a scan without OCR) or ``error``
    with a message. The status is 201 when something was stored, 200 when nothing changed, 207 when
    only some files failed, and 413/415/422 when every file failed for that reason."""
    limit = int(container.settings.max_upload_mb * 1024 * 1024)
    report = IngestReport()
    statuses: list[int] = []
    for upload in files:
        name = safe_source_name(upload.filename)
        try:
            check_type(name)
            data = upload.file.read(limit + 1)
            if len(data) > limit:
                raise UploadRejected(413, f"file is over the {container.settings.max_upload_mb:g} MB upload limit")
            outcome = _ingest(container, data, name)
            status = outcome_status(outcome.status)
        except UploadRejected as exc:
            outcome = FileOutcome(path=name, source=name, status="error", message=exc.message)
            status = exc.status
        report.files.append(outcome)
        statuses.append(status)
    body = UploadResponse(
        files=[UploadOutcome(source=o.source, status=o.status, chunks=o.chunks, doc_id=o.doc_id, message=o.message,
                             version_of=o.version_of, version_role=o.version_role)
               for o in report.files],
        summary=report.summary(),
        detail="; ".join(f"{o.source}: {o.message}" for o in report.files if o.status == "error"))
    return JSONResponse(status_code=upload_status(statuses), content=body.model_dump())


def _ingest(container: Container, data: bytes, name: str) -> FileOutcome:
    try:
        return container.ingest_runner.ingest_bytes(data, name)
    except StoreError:
        raise  # the store cannot be used as configured: 503 for the whole request
    except (sqlite3.Error, OSError) as exc:  # the server's trouble, not the file's: 507 or 503 for this file
        log.exception("storing upload %r failed", name)
        disk, message = store_write_failure(exc)
        raise UploadRejected(507 if disk else 503, f"not stored: the server could not write to its store "
                                                   f"({message}); nothing of this file was kept") from exc
    except Exception as exc:  # a parser failing on a hostile file is the file's problem, not a 500
        log.exception("unexpected error reading upload %r", name)
        raise UploadRejected(422, f"the file could not be read ({type(exc).__name__})") from exc


@router.get("/v1/documents", response_model=DocumentList, responses={**ERRORS, 200: CSV})
def list_documents(params: Annotated[DocumentListParams, Query()], container: Container = Depends(get_container)):
    """Stored documents, newest first, filtered by type, issuing body or province, date range and words of
    the title (abstract), number or file name; paginated; ``format=csv|json`` downloads the page."""
    result = container.archive.list_documents(params)
    return respond(result, params.format, (d.model_dump() for d in result.documents), DOCUMENT_COLUMNS,
                   "notice-qa-documents")


@router.get("/v1/documents/{doc_id}", response_model=DocumentDetail, responses={**ERRORS, **NOT_FOUND})
def document(doc_id: DocId, include_text: bool = Query(False, description="Add the normalised text (section "
                                                                         "and passage offsets point into it)."),
             container: Container = Depends(get_container)) -> DocumentDetail:
    """A document's metadata and section tree (each section with its offsets and pages)."""
    detail = container.archive.detail(doc_id, include_text=include_text)
    if detail is None:
        raise HTTPException(status_code=404, detail=f"no document with id {doc_id!r}")
    return detail


@router.delete("/v1/documents/{doc_id}", response_model=DeleteResponse, dependencies=[Depends(require_write_key)],
               responses={**ERRORS, **NOT_FOUND, **KEY})
def delete_document(doc_id: DocId, container: Container = Depends(get_container)) -> DeleteResponse:
    """Remove a document with its passages, vectors and postings."""
    record = container.store.document(doc_id)
    if record is None or not container.store.remove(doc_id):
        raise HTTPException(status_code=404, detail=f"no document with id {doc_id!r}")
    return DeleteResponse(doc_id=doc_id, source=record.source, deleted=True)
