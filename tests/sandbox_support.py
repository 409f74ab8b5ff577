"""A lock for the sandbox test: importable by name, so a child process can run :func:`take_lock`."""
from __future__ import annotations

import threading

HELD = threading.Lock()


def take_lock() -> str:
    with HELD:
        return "free"
