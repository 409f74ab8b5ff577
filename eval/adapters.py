"""Dataset adapters chosen with ``--dataset``: questions plus the corpus they are asked over.

- ``notices`` (default): the notice question format (``notices-dev.jsonl``) over a folder of files.
- ``alqac``: ALQAC 2023 questions (``train.json`` or any file of that format) over ``law.json``;
  each law a document (``source`` = law id), each article a section (``section`` = article id).
- ``vilqa``: ``ALQAC.csv`` of (context, question, answer); the contexts are the corpus, so
  ``--corpus`` may be omitted (it defaults to the questions file).
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from eval.corpus import EvalCorpus
from eval.datasets import Question, load_notices

DATASETS = ("notices", "alqac", "vilqa")


@dataclass
class EvalDataset:
    name: str
    questions: list[Question]
    corpus: EvalCorpus
    id_key: str = "id"  # the question id's field name in predictions.jsonl


def load_questions(name: str, path: str | Path) -> list[Question]:
    """The questions of a dataset file; raises ValueError on an unknown dataset."""
    if name == "notices":
        return load_notices(path)
    if name == "alqac":
        from eval.alqac import load_alqac_questions

        return load_alqac_questions(path)
    if name == "vilqa":
        from eval.vilqa import load_vilqa_questions

        return load_vilqa_questions(path)
    raise ValueError(f"unknown dataset {name!r}; choose from {', '.join(DATASETS)}")


def id_key(name: str) -> str:
    """The question id's field name in this dataset's predictions.jsonl."""
    return "question_id" if name == "alqac" else "id"


def load_dataset(name: str, questions: str | Path, corpus: str | Path | None = None) -> EvalDataset:
    """Read a question set and describe its corpus; raises ValueError on an unknown dataset or bad input."""
    loaded = load_questions(name, questions)
    if name == "notices":
        if corpus is None:
            raise ValueError("--corpus DIR is required for the notices dataset")
        return EvalDataset(name, loaded, EvalCorpus.from_files([corpus]))
    if name == "alqac":
        from eval import alqac

        if corpus is None:
            raise ValueError("--corpus law.json is required for the alqac dataset")
        return EvalDataset(name, loaded, EvalCorpus.from_data_file(
            corpus, lambda parser: alqac.load_alqac_corpus(corpus, parser), alqac.__file__), id_key=id_key(name))
    from eval import vilqa

    source = corpus or questions
    return EvalDataset(name, loaded, EvalCorpus.from_data_file(
        source, lambda parser: vilqa.load_vilqa_documents(source, parser), vilqa.__file__))
