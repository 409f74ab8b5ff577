"""Files an evaluation run writes into its ``--out`` folder.

- ``predictions.jsonl``: the primary configuration's answers (the first product configuration), one line
  per question: its id (``id``; ALQAC ``question_id``) and the output contract of ``ask --json``.
- ``<config>/predictions.jsonl`` and ``<config>/scores.jsonl``: every configuration's answers and
  per-question metrics.
- ``summary.json``: run metadata, and per configuration its summary, per-type summaries and ratios
  to the naive baseline.
- ``report.md`` and ``report.html``: the reports (``eval.report``).
"""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

from eval.report import primary_result, render_html, render_markdown
from eval.runner import ConfigResult, EvalResult


def slug(name: str) -> str:
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "config"


def _write_jsonl(path: Path, rows: list[dict]) -> None:
    with open(path, "w", encoding="utf-8") as fh:
        fh.writelines(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def ratios(result: ConfigResult, naive: ConfigResult | None) -> dict[str, float]:
    if naive is None or result is naive:
        return {}
    return {k: v / naive.summary[k] for k, v in result.summary.items()
            if isinstance(v, float) and isinstance(naive.summary.get(k), float) and naive.summary[k]}


def _skipped(warnings: list[str], named: int = 3) -> str:
    """The files the naive loaders skipped: the first few by name, the rest counted by reason."""
    if not warnings:
        return ""
    reasons = Counter(w.split(": ", 1)[-1] for w in warnings)
    return (f"; loaders skipped {len(warnings)} files ({', '.join(f'{n} {why}' for why, n in reasons.most_common())})"
            f": {'; '.join(w.split(': ', 1)[0] for w in warnings[:named])}{' …' if len(warnings) > named else ''}")


def run_metadata(result: EvalResult, questions_file: str, machine: dict) -> dict:
    """What the report header shows: dataset, files, machine, how each index came to be, ingest problems."""
    described: dict[str, list[str]] = {}  # description -> the configurations it applies to
    for r in result.results:
        if r.config.naive:
            how = "LangChain FAISS index" + _skipped(r.index.get("warnings", []))
        elif "store" in r.index:
            how = f"existing store {r.index['store']}"
        else:
            built = "reused" if r.index.get("reused") else f"built in {r.index.get('build_s', 0):.0f} s"
            how = f"index {r.index.get('key', '')} ({built})"
        described.setdefault(how, []).append(r.config.name)
    indexes = {", ".join(names): how for how, names in described.items()}
    notes = [f"{o['source']}: {o['status']}{': ' + o['message'] if o.get('message') else ''}"
             for o in result.outcomes if o["status"] in ("error", "flagged")]
    return {"dataset": result.dataset.name, "questions_file": questions_file,
            "questions_path": str(Path(questions_file).resolve()), "corpus": result.dataset.corpus.name,
            "machine": machine, "indexes": indexes, "notes": notes}


def write_run(result: EvalResult, out_dir: str | Path, meta: dict, worst: int = 15) -> dict[str, Path]:
    """Write every output file; returns the main ones by name."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    naive = next((r for r in result.results if r.config.naive), None)
    for r in result.results:
        folder = out / slug(r.config.name)
        folder.mkdir(exist_ok=True)
        _write_jsonl(folder / "predictions.jsonl", r.predictions)
        _write_jsonl(folder / "scores.jsonl", [s.to_dict() for s in r.scores])
    primary = primary_result(result.results)
    _write_jsonl(out / "predictions.jsonl", primary.predictions)
    summary = {**meta, "primary": primary.config.name, "configs": {
        r.config.name: {"description": r.config.description, "overrides": r.config.overrides, "index": r.index,
                        "summary": r.summary, "ratio_to_naive": ratios(r, naive), "by_type": r.by_type}
        for r in result.results}}
    (out / "summary.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1), encoding="utf-8")
    questions, id_key = result.dataset.questions, result.dataset.id_key
    (out / "report.md").write_text(render_markdown(result.results, questions, id_key, meta, worst), encoding="utf-8")
    (out / "report.html").write_text(render_html(result.results, questions, id_key, meta, worst), encoding="utf-8")
    return {"predictions": out / "predictions.jsonl", "summary": out / "summary.json",
            "markdown": out / "report.md", "html": out / "report.html"}


def load_run(out_dir: str | Path) -> tuple[EvalResult, dict]:
    """A written run read back and scored again with the current metrics (for ``eval report``)."""
    from eval.adapters import EvalDataset, id_key, load_questions
    from eval.configs import NAIVE, EvalConfig
    from eval.corpus import EvalCorpus
    from eval.metrics import summarize, summarize_by_type
    from eval.runner import score_predictions

    out = Path(out_dir)
    summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
    questions = load_questions(summary["dataset"], summary.get("questions_path") or summary["questions_file"])
    if summary.get("subset"):  # the run answered one half only: score that half, not the rest as abstentions
        from eval.datasets import in_subset

        questions = [q for q in questions if in_subset(q, summary["subset"])]
    key = id_key(summary["dataset"])
    results = []
    for name, saved in summary["configs"].items():
        with open(out / slug(name) / "predictions.jsonl", encoding="utf-8") as fh:
            predictions = [json.loads(line) for line in fh if line.strip()]
        scores = score_predictions(questions, predictions, key)
        config = EvalConfig(name, saved["description"], saved.get("overrides", {}), naive=name == NAIVE)
        results.append(ConfigResult(config, predictions, scores, summarize(scores), summarize_by_type(scores),
                                    saved.get("index", {})))
    dataset = EvalDataset(summary["dataset"], questions, EvalCorpus(summary["corpus"], ""), key)
    meta = {k: summary[k] for k in ("dataset", "questions_file", "questions_path", "corpus", "machine", "indexes",
                                    "notes", "subset") if k in summary}
    return EvalResult(dataset, results), meta
