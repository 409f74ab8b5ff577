"""HTTP API: thin FastAPI routers over the QA service."""
from qa_service.api.app import create_app

__all__ = ["create_app"]
