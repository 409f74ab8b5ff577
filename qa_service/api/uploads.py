"""Uploaded files: the name a document is stored under, and the HTTP status of an upload's outcomes.

An uploaded file's name is only ever a label (the document's ``source`` and the seed of its id);
the bytes are parsed in memory and never written under that name. It is still reduced to a
plain, short file name so that no client-chosen path, control character or oversized name is
stored, shown or handed to anything that might treat it as a path.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import PurePosixPath

from ingest.loaders import SUPPORTED_SUFFIXES

MAX_NAME_CHARS = 120
_UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"|?*]+")


class UploadRejected(Exception):
    """A file refused before parsing; ``status`` is the HTTP status that says why."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def safe_source_name(raw: str | None) -> str:
    """A plain file name for an uploaded file: no directories, no control, format or reserved characters,
    at most ``MAX_NAME_CHARS`` characters with its extension kept ("upload" when nothing is left of the
    stem: "....txt" is "upload.txt")."""
    name = unicodedata.normalize("NFC", raw or "").replace("\\", "/")
    name = PurePosixPath(name).name  # the last path component: "../../x.pdf" -> "x.pdf"
    # Format characters (right-to-left overrides, zero-width marks) make a name display as another one:
    # "bao_cao\u202efdp.exe" shows as "bao_caoexe.pdf".
    name = "".join(ch for ch in name if unicodedata.category(ch) != "Cf")
    name = " ".join(_UNSAFE.sub(" ", name).split())
    stem, dot, ext = name.rpartition(".")
    if not dot:
        stem, ext = name, ""
    suffix = f".{ext.strip()}"[:16] if ext.strip() else ""
    stem = stem.strip(" .")[:MAX_NAME_CHARS - len(suffix)].rstrip(" .") or "upload"
    return stem + suffix


def check_type(name: str) -> None:
    """Raise :class:`UploadRejected` (415) for a file type the ingester does not read."""
    suffix = PurePosixPath(name).suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise UploadRejected(415, f"unsupported file type {suffix or '(none)'}; "
                                  f"supported: {', '.join(SUPPORTED_SUFFIXES)}")


def outcome_status(status: str) -> int:
    """The HTTP status of one file's ingest status: 201 stored, 200 unchanged or flagged, 422 unreadable."""
    return {"added": 201, "replaced": 201, "duplicate": 201, "error": 422}.get(status, 200)


def upload_status(statuses: list[int]) -> int:
    """The status of a whole upload from its files' statuses: 201 when something was stored and nothing
    failed, 200 when nothing changed, 207 when some files failed and others did not, and the failures'
    own status when every file failed (422 if they differ)."""
    failed = [s for s in statuses if s >= 400]
    if not failed:
        return 201 if 201 in statuses else 200
    if len(failed) < len(statuses):
        return 207
    return failed[0] if len(set(failed)) == 1 else 422
