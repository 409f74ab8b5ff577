"""FastAPI application factory."""
from __future__ import annotations

from fastapi import Depends, FastAPI

from qa_service.api.deps import require_read_key
from qa_service.api.docs_page import install_docs_page
from qa_service.api.errors import install_error_handlers
from qa_service.api.limits import BodySizeLimit
from qa_service.container import Container
from qa_service.settings import Settings


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """An app over ``container`` (or one built from ``settings``); the store opens on first use."""
    container = container or Container(settings or Settings())
    app = FastAPI(title="notice-qa", version="0.1.0", docs_url=None, redoc_url=None,  # /docs: docs_page.py
                  description="Question answering over Vietnamese government notices, with cited sections.")
    app.state.container = container

    from qa_service.api.documents import router as documents_router
    from qa_service.api.facts import router as facts_router
    from qa_service.api.routes import health_router, router
    from qa_service.api.stream import router as stream_router
    from qa_service.api.web import router as web_router

    reads = [Depends(require_read_key)]  # a no-op unless NOTICE_QA_READ_API_KEY is set
    app.include_router(health_router)
    app.include_router(router, dependencies=reads)
    app.include_router(stream_router, dependencies=reads)
    app.include_router(documents_router, dependencies=reads)
    app.include_router(facts_router, dependencies=reads)
    app.include_router(web_router)
    install_error_handlers(app)
    install_docs_page(app)
    settings = container.settings
    upload_bytes = int(settings.max_upload_mb * 1024 * 1024) + 64 * 1024  # room for the multipart framing
    app.add_middleware(
        BodySizeLimit, default=(settings.max_json_kb * 1024, f"request body is over {settings.max_json_kb} kB"),
        per_path={"/v1/documents": (upload_bytes, f"upload is over the {settings.max_upload_mb:g} MB limit")})

    if container.settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=container.settings.cors_origins,
                           allow_methods=["GET", "POST", "DELETE"], allow_headers=["*"])
    return app
