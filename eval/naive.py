"""The naive baseline: the retrieval-augmented QA pipeline of the LangChain tutorials.

Files are read with LangChain's loaders (``PyPDFLoader``, ``Docx2txtLoader``, ``TextLoader``), split
with ``RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200)``, embedded with the same
embedder as the product into a LangChain ``FAISS`` vector store, and the top passage is the answer;
it never abstains. A document corpus (ALQAC laws, ViLQA contexts) is read as one LangChain document
per top-level section instead, as a tutorial user would load records from a data file.

It answers in the product's output contract, so the same metrics score both side by side.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

from langchain_core.documents import Document

from eval.corpus import EvalCorpus, fingerprint
from eval.indexes import code_fingerprint
from index.atomic import file_sha256
from index.embedders import VectorEmbeddings
from ingest.pipeline import DocumentParser, doc_id_for
from qa_service.schemas import AskResponse, Citation, Passage

CHUNK_SIZE = 1000
CHUNK_OVERLAP = 200


def load_files(files: list[Path]) -> tuple[list[Document], list[str]]:
    """LangChain documents of the files (PDFs one per page) and a warning per file that failed to load."""
    from langchain_community.document_loaders import Docx2txtLoader, PyPDFLoader, TextLoader

    loaders = {".pdf": PyPDFLoader, ".docx": Docx2txtLoader, ".txt": lambda p: TextLoader(p, encoding="utf-8")}
    documents, warnings = [], []
    for path in files:
        loader = loaders.get(path.suffix.lower())
        if loader is None:
            warnings.append(f"{path.name}: no LangChain loader for {path.suffix}")
            continue
        try:
            loaded = loader(str(path)).load()
        except Exception as exc:  # noqa: BLE001  the baseline skips what its loaders cannot read
            warnings.append(f"{path.name}: {exc}")
            continue
        for doc in loaded:
            page = doc.metadata.get("page")
            doc.metadata = {"source": path.name, "section": "", "page": page + 1 if isinstance(page, int) else 1}
            documents.append(doc)
    return documents, warnings


def section_documents(corpus: EvalCorpus, parser: DocumentParser) -> list[Document]:
    """One LangChain document per top-level section (the whole text when a document has none)."""
    documents = []
    for parsed in corpus.documents(parser):
        top = [s for s in parsed.sections if s.parent is None] or None
        spans = [(s.label, s.start, s.end) for s in top] if top else [("", 0, len(parsed.text))]
        for label, start, end in spans:
            text = parsed.text[start:end].strip()
            if text:
                documents.append(Document(page_content=text, metadata={"source": parsed.source, "section": label,
                                                                       "page": 1}))
    return documents


class NaivePipeline:
    """Tutorial RAG over a LangChain FAISS store: retrieve ``k`` chunks, answer with the first."""

    def __init__(self, vectorstore, k: int = 10, warnings: list[str] | None = None):
        self.vectorstore = vectorstore
        self.k = k
        self.warnings = warnings or []

    @classmethod
    def build(cls, corpus: EvalCorpus, embedder: VectorEmbeddings, parser: DocumentParser,
              cache_dir: str | Path, log=lambda message: None) -> NaivePipeline:
        """Load, split and index ``corpus``, or reuse the cached FAISS store built from the same content."""
        from langchain_community.vectorstores import FAISS
        from langchain_text_splitters import RecursiveCharacterTextSplitter

        # A document corpus is read through the product's parser, so its code is part of the key too.
        parts = [corpus.fingerprint, embedder.model_id, file_sha256(Path(__file__))]
        key = fingerprint(parts if corpus.files else [*parts, code_fingerprint()])[:20]
        folder = Path(cache_dir) / f"naive-{key}"
        if (folder / "warnings.json").exists():
            log(f"reusing naive index {folder}")
            store = FAISS.load_local(str(folder), embedder, allow_dangerous_deserialization=True)  # our own file
            return cls(store, warnings=json.loads((folder / "warnings.json").read_text(encoding="utf-8")))
        log(f"building naive index {folder} ...")
        if corpus.files:
            documents, warnings = load_files(corpus.files)
        else:
            documents, warnings = section_documents(corpus, parser), []
        splitter = RecursiveCharacterTextSplitter(chunk_size=CHUNK_SIZE, chunk_overlap=CHUNK_OVERLAP)
        chunks = [c for c in splitter.split_documents(documents) if c.page_content.strip()]
        if not chunks:
            raise ValueError(f"the naive loaders found no text in {corpus.name}")
        store = FAISS.from_documents(chunks, embedder)
        store.save_local(str(folder))
        (folder / "warnings.json").write_text(json.dumps(warnings, ensure_ascii=False), encoding="utf-8")
        return cls(store, warnings=warnings)

    def ask(self, question: str) -> AskResponse:
        started = time.perf_counter()
        hits = self.vectorstore.similarity_search_with_score(question, k=self.k)
        passages = [self._passage(doc, distance) for doc, distance in hits]
        search_ms = (time.perf_counter() - started) * 1000
        citations = []
        if passages:
            top = passages[0]
            citations = [Citation(marker=1, **top.model_dump(include=set(Citation.model_fields) - {"marker"}))]
        answer = f"{passages[0].text} [1]" if passages else ""
        total_ms = (time.perf_counter() - started) * 1000
        return AskResponse(question=question, answer=answer, abstained=False, citations=citations, passages=passages,
                           timings_ms={"search_ms": round(search_ms, 2), "total_ms": round(total_ms, 2)})

    @staticmethod
    def _passage(doc: Document, distance: float) -> Passage:
        source = doc.metadata.get("source", "")
        page = int(doc.metadata.get("page", 1))
        # FAISS returns squared L2 distances; for unit vectors cosine = 1 - d / 2.
        return Passage(doc_id=doc_id_for(source), source=source, title="", section=doc.metadata.get("section", ""),
                       section_title="", page_start=page, page_end=page, text=doc.page_content,
                       score=round(1 - float(distance) / 2, 6))
