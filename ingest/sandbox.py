"""Run a parse in a child process with a memory and a time limit, so one hostile file cannot take the service down.

A PDF's content streams are inflated by PDFium in C: a 3.6 MB file with a 1 GB flate stream makes the reading
process allocate gigabytes before any Python check can run, and PDFium keeps error state between documents in
its process. In a child process whose address space is capped (``RLIMIT_AS``), such a file fails alone with a
clear :class:`~ingest.models.IngestError`, and every document starts from a fresh PDFium.

Children are forked from a fork server: a clean, single-threaded process started once, with the parser's modules
imported, so a child starts in milliseconds. Forking the asking process itself deadlocked: ingest reads files in
threads (parse-ahead, the embedder's pool, the progress bar), and a child forked while another thread held a lock
waited on it forever (seen on the archive: a PDF's child sat at 0% CPU on a futex until it was killed; ingest would
have waited for the 30-minute limit). A child may use ``memory_mb`` beyond what it inherited.

Example:
    >>> doc = run_limited(parser._parse_bytes, data, "TB_15.pdf", limits=Limits(memory_mb=1024))  # doctest: +SKIP
"""
from __future__ import annotations

import faulthandler
import multiprocessing
import resource
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from ingest.models import IngestError

T = TypeVar("T")


@dataclass(frozen=True)
class Limits:
    """``memory_mb``: what the child may allocate beyond the address space it inherits (PDFium and the document's
    pages); ``timeout_s``: wall time, OCR included."""

    memory_mb: int = 1024
    timeout_s: float = 1800.0


def _address_space() -> int:
    """This process's virtual memory size in bytes (what a forked child starts with)."""
    with open("/proc/self/status", encoding="ascii") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmSize:"))


def _child(fn: Callable[..., T], args: tuple, memory_mb: int, conn) -> None:
    faulthandler.disable()  # PDFium aborts when an allocation fails: the parent reports it, without a thread dump
    limit = _address_space() + memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        conn.send(("ok", fn(*args)))
    except IngestError as exc:
        conn.send(("error", str(exc)))
    except MemoryError:
        conn.send(("memory", ""))
    except Exception as exc:  # noqa: BLE001  a reader's bug on one file stays that file's error
        conn.send(("error", f"the file cannot be read ({type(exc).__name__}: {exc})"))
    finally:
        conn.close()


def run_limited(fn: Callable[..., T], *args, limits: Limits = Limits()) -> T:
    """``fn(*args)`` in a child process under ``limits``; its :class:`IngestError` is raised here, and running out of
    memory or time, or the child dying, becomes one. ``fn``, its arguments and its result cross to and from the
    child, so they must be picklable."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ingest.pipeline"])  # children start with the parser imported
    receive, send = context.Pipe(duplex=False)
    child = context.Process(target=_child, args=(fn, args, limits.memory_mb, send), daemon=True)
    child.start()
    send.close()
    try:
        if not receive.poll(limits.timeout_s):
            child.kill()
            raise IngestError(f"reading the file took longer than {limits.timeout_s:.0f} s; it was stopped")
        try:
            kind, value = receive.recv()
        except (EOFError, OSError):  # the child died without answering (PDFium aborts when an allocation fails)
            kind, value = "died", ""
    finally:
        receive.close()
        child.join(5)
        if child.is_alive():
            child.kill()
    if kind == "ok":
        return value
    if kind == "memory":
        raise IngestError(f"reading the file needs more than {limits.memory_mb} MB of memory (a decompression bomb "
                          "or a damaged file); it was refused")
    if kind == "died":
        raise IngestError(f"the reader stopped on this file (exit code {child.exitcode}): it is damaged or needs "
                          f"more than {limits.memory_mb} MB of memory; it was refused")
    raise IngestError(value)
