"""FastAPI application factory."""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse

from qa_service.container import Container
from qa_service.settings import Settings

WEB_DIR = Path(__file__).resolve().parent.parent / "web"


def create_app(settings: Settings | None = None, container: Container | None = None) -> FastAPI:
    """An app over ``container`` (or one built from ``settings``); the store opens on first use."""
    container = container or Container(settings or Settings())
    app = FastAPI(title="notice-qa", version="0.1.0",
                  description="Question answering over Vietnamese government notices, with cited sections.")
    app.state.container = container

    from qa_service.api.routes import router

    app.include_router(router)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": ".".join(str(p) for p in e.get("loc", ())), "message": e.get("msg", "")}
                  for e in exc.errors()]
        return JSONResponse(status_code=422, content={"detail": "invalid request", "errors": errors})

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    if container.settings.cors_origins:
        from fastapi.middleware.cors import CORSMiddleware

        app.add_middleware(CORSMiddleware, allow_origins=container.settings.cors_origins,
                           allow_methods=["GET", "POST", "DELETE"], allow_headers=["*"])
    return app
