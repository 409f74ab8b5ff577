"""Connections to the store's SQLite file, writable or read-only, and how to tell which a directory allows.

A data directory may be read-only (a read-only mount, a snapshot shared by serving replicas, files marked
immutable): searching it must still work. SQLite in WAL mode opens such a file with ``mode=ro`` only when
it can create the ``-shm`` file beside it; in a directory nobody may write, ``immutable=1`` reads it as
it stands, which is what such a directory promises.
"""
from __future__ import annotations

import errno
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path
from urllib.parse import quote

# Errors that say the file system refuses a write here, as opposed to a failing disk.
_REFUSED = {errno.EACCES, errno.EPERM, errno.EROFS}


def refuses_writes(data_dir: Path) -> bool:
    """Whether the existing directory ``data_dir`` refuses writes (permissions, immutable files, a read-only mount).

    A writer needs the directory (SQLite's journal files, atomic cache replacement), the catalog file and
    the lock file; refusing any one of them makes the store read-only.
    """
    catalog = data_dir / "catalog.sqlite3"
    if not os.access(data_dir, os.W_OK) or (catalog.exists() and not os.access(catalog, os.W_OK)):
        return True
    try:
        with open(data_dir / ".write.lock", "a+"):
            return False
    except OSError as exc:
        if exc.errno in _REFUSED:
            return True
        raise


def connect(path: Path, read_only: bool, functions: dict[str, Callable] | None = None) -> sqlite3.Connection:
    """A connection to ``path`` in autocommit mode with rows by name and ``functions`` registered.

    Writable connections use WAL so readers never wait for the writer. Read-only ones never write,
    not even the journal mode; a file that cannot be opened raises ``sqlite3.OperationalError``.
    """
    if read_only:
        conn = _connect_read_only(path)
    else:
        conn = sqlite3.connect(path, timeout=60, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
    conn.row_factory = sqlite3.Row
    conn.execute("PRAGMA foreign_keys=ON")
    for name, function in (functions or {}).items():
        conn.create_function(name, 1, function, deterministic=True)
    return conn


def _connect_read_only(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise sqlite3.OperationalError(f"no database file {path}")
    last: sqlite3.Error | None = None
    for flags in ("mode=ro", "mode=ro&immutable=1"):
        conn = sqlite3.connect(f"file:{quote(str(path.resolve()))}?{flags}", uri=True, timeout=60,
                               isolation_level=None, check_same_thread=False)
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            return conn
        except sqlite3.OperationalError as exc:  # WAL without a writable directory for its -shm file
            conn.close()
            last = exc
    raise last
