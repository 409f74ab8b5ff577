"""What a question set is asked over: a folder of files, or documents built from a data file.

A file corpus is ingested by the product's own parser and read by the naive baseline with LangChain's
loaders. A document corpus (ALQAC laws, ViLQA contexts) is built by a dataset adapter as
:class:`ingest.models.ParsedDocument` objects; the baseline reads each top-level section as a document.
Either way the corpus has a fingerprint of its content, which keys the cached indexes.
"""
from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from index.atomic import file_sha256
from ingest.models import ParsedDocument
from ingest.pipeline import DocumentParser, discover


def fingerprint(parts: Iterable[str]) -> str:
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part.encode("utf-8"))
        digest.update(b"\0")
    return digest.hexdigest()


@dataclass
class EvalCorpus:
    """The documents of an evaluation, with a fingerprint of their content (and of the adapter's code)."""

    name: str
    fingerprint: str
    files: list[Path] = field(default_factory=list)
    build_documents: Callable[[DocumentParser], list[ParsedDocument]] | None = None

    @classmethod
    def from_files(cls, paths: list[str | Path]) -> EvalCorpus:
        """Every supported file under ``paths``; the fingerprint covers file names and bytes."""
        files = discover(list(paths))
        if not files:
            raise ValueError(f"no .txt, .pdf or .docx files under {', '.join(map(str, paths))}")
        return cls(name=", ".join(str(p) for p in paths), files=files,
                   fingerprint=fingerprint(f"{f.name}:{file_sha256(f)}" for f in files))

    @classmethod
    def from_data_file(cls, path: str | Path, build: Callable[[DocumentParser], list[ParsedDocument]],
                       adapter_file: str | Path) -> EvalCorpus:
        """Documents ``build`` makes from one data file; the fingerprint covers the file and the adapter code."""
        path = Path(path)
        return cls(name=str(path), build_documents=build,
                   fingerprint=fingerprint([file_sha256(path), file_sha256(Path(adapter_file))]))

    def documents(self, parser: DocumentParser) -> list[ParsedDocument]:
        """The parsed documents of a document corpus (a file corpus is ingested file by file instead)."""
        if self.build_documents is None:
            raise ValueError("a file corpus is ingested from its files")
        return self.build_documents(parser)
