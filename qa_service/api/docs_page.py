"""The interactive API page (``/docs``), served with its assets from the package: it works offline.

FastAPI's default page loads Swagger UI from a CDN, so on a machine without internet access it stayed
blank. The ``fastapi-offline`` package ships Swagger UI 5 (which reads the OpenAPI 3.1 FastAPI writes;
the older ``swagger-ui-bundle`` 4.15 cannot); its files are mounted at ``/docs-assets``.
"""
from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

ASSETS = "/docs-assets"


def install_docs_page(app: FastAPI) -> None:
    """Serve ``/docs`` (and its OAuth2 redirect page) from the bundled Swagger UI files."""
    import fastapi_offline

    app.mount(ASSETS, StaticFiles(directory=Path(fastapi_offline.__file__).parent / "static"), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return get_swagger_ui_html(openapi_url=app.openapi_url, title=f"{app.title} – API",
                                   oauth2_redirect_url="/docs/oauth2-redirect",
                                   swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
                                   swagger_css_url=f"{ASSETS}/swagger-ui.css",
                                   swagger_favicon_url=f"{ASSETS}/favicon.png")

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    def oauth2_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()
