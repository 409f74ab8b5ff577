"""Downloads of result lists: CSV (UTF-8 with BOM, so spreadsheet programs read Vietnamese) and JSON.

Cells that a spreadsheet would run as a formula (starting with ``=``, ``+``, ``-``, ``@``, tab or
carriage return; bullets in notices start with ``-``) are prefixed with an apostrophe: document
text is data, and a hostile notice must not become a formula on a researcher's machine.
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable

from fastapi.responses import Response
from pydantic import BaseModel

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(map(str, value))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def csv_download(rows: Iterable[dict], columns: list[str], filename: str) -> Response:
    """A CSV attachment of ``rows`` with the given columns, in that order."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([_cell(row.get(c)) for c in columns])
    return Response(content="\ufeff" + buffer.getvalue(), media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.csv"'})


def json_download(model: BaseModel, filename: str) -> Response:
    """The JSON body the endpoint returns anyway, as an attachment."""
    body = json.dumps(model.model_dump(mode="json"), ensure_ascii=False)
    return Response(content=body, media_type="application/json",
                    headers={"Content-Disposition": f'attachment; filename="{filename}.json"'})


def respond(result: BaseModel, fmt: str | None, rows: Iterable[dict], columns: list[str], filename: str):
    """``result`` itself, or its rows as a CSV download (``fmt="csv"``) or the body as a JSON file (``"json"``)."""
    if fmt == "csv":
        return csv_download(rows, columns, filename)
    if fmt == "json":
        return json_download(result, filename)
    return result
