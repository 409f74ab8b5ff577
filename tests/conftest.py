"""Shared fixtures: real embedder, real stores in temp dirs, a real HTTP server."""
from __future__ import annotations

import socket
import sys
import threading
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
# The document writer the bundled examples are made with (examples/docgen.py) also makes test files.
sys.path.insert(0, str(EXAMPLES))
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not (SHARED / "corpus").is_dir():
        pytest.skip("../shared is not present")
    return SHARED


def make_container(data_dir: Path, **overrides):
    from qa_service.container import Container
    from qa_service.settings import Settings

    return Container(Settings(data_dir=data_dir, **overrides))


@pytest.fixture(scope="session")
def examples_container(tmp_path_factory):
    """A store with the bundled examples ingested (read-only for tests)."""
    container = make_container(tmp_path_factory.mktemp("examples-store"))
    report = container.ingest_runner.ingest_paths([EXAMPLES])
    assert report.ok, report.to_dict()
    return container


@pytest.fixture(scope="session")
def shared_container(shared_dir, tmp_path_factory):
    """A store with the whole shared corpus ingested, built once per test session."""
    container = make_container(tmp_path_factory.mktemp("shared-store"))
    container.ingest_runner.ingest_paths([shared_dir / "corpus"])
    return container


@pytest.fixture
def fresh_container(tmp_path):
    return make_container(tmp_path / "store")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """uvicorn serving an app on a free loopback port in a background thread."""

    def __init__(self, app):
        import uvicorn

        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "LiveServer":
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline:
                raise RuntimeError("server did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def examples_server(examples_container):
    from qa_service.api import create_app

    with LiveServer(create_app(container=examples_container)) as server:
        yield server
