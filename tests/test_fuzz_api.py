"""Property-based fuzzing of the HTTP API from its own OpenAPI schema (schemathesis), against a real
server over a private copy of the examples store (uploads and deletes are fuzzed too, so the shared
session store is never written). Valid and invalid requests alike must never get a 5xx; every error
is a JSON body with a ``detail`` sentence.

Bounded for CI: at most ``MAX_EXAMPLES`` generated requests per operation and phase, a fixed seed, no
example database on disk.
"""
from __future__ import annotations

import pytest

schemathesis = pytest.importorskip("schemathesis")

from conftest import LiveServer, make_container
from hypothesis import HealthCheck, settings
from reliability_support import copy_store

MAX_EXAMPLES = 30
SEED = 20250801


@pytest.fixture(scope="module")
def fuzz_server(examples_container, tmp_path_factory):
    from qa_service.api import create_app

    data = copy_store(examples_container.settings.data_dir, tmp_path_factory.mktemp("fuzz") / "data")
    container = make_container(data, max_upload_mb=1.0)
    with LiveServer(create_app(container=container)) as live:
        yield live


def _schema():
    """The schema the app publishes; building the app opens no store, so this runs at import."""
    from schemathesis.config import SchemathesisConfig

    from qa_service.api import create_app
    from qa_service.settings import Settings

    config = SchemathesisConfig.from_dict({
        "seed": SEED,
        "generation": {"max-examples": MAX_EXAMPLES, "deterministic": True, "database": "none", "mode": "all"},
        "request-timeout": 120,
    })
    return schemathesis.openapi.from_dict(create_app(Settings(data_dir="unused")).openapi(), config=config)


schema = _schema()


@schema.parametrize()
@settings(deadline=None, suppress_health_check=list(HealthCheck))
def test_no_generated_request_gets_a_server_error(case, fuzz_server):
    response = case.call(base_url=fuzz_server.url)
    assert response.status_code < 500, (case.method, case.formatted_path, case.query, case.body, response.text[:500])
    if response.status_code >= 400:
        content_type = response.headers.get("content-type", [""])[0]  # schemathesis lists each header's values
        assert content_type.startswith("application/json"), response.text[:200]
        assert response.json()["detail"], response.text[:200]
