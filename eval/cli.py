"""``notice-qa-eval``: run evaluations and score predictions. Heavy imports stay inside the commands."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click

DATASET_CHOICE = click.Choice(["notices", "alqac", "vilqa"])


@click.group("notice-qa-eval")
def eval_group() -> None:
    """Evaluate answers and retrieval on question sets (metrics: eval/README.md)."""


@eval_group.command("run")
@click.option("--questions", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="Question file (notices JSONL, ALQAC JSON, ViLQA CSV).")
@click.option("--corpus", type=click.Path(exists=True, path_type=Path),
              help="Documents: a folder (notices), law.json (alqac); ViLQA defaults to the questions file.")
@click.option("--dataset", type=DATASET_CHOICE, default="notices", show_default=True)
@click.option("--config", "config_specs", multiple=True, metavar="NAME[:key=value,...]",
              help="Configuration to run (repeatable): naive, dense, lexical, hybrid, llm. "
                   "Default: hybrid, dense, lexical, naive (+ llm when NOTICE_QA_LLM_BASE_URL and _MODEL are set).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path),
              help="Output folder [default: eval-out/DATASET].")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-out/cache"),
              envvar="NOTICE_QA_EVAL_CACHE_DIR", show_default=True, help="Where indexes are cached between runs.")
@click.option("--rebuild", is_flag=True, help="Build the product index again even when cached.")
@click.option("--store", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="Evaluate this existing store as it is (e.g. one made by `notice-qa ingest`) instead of "
                   "building or reusing a cached index of --corpus.")
@click.option("--limit", type=click.IntRange(min=1), help="Only the first N questions (a quick check).")
@click.option("--subset", type=click.Choice(["even", "odd"]),
              help="Only the questions of one half of the documents (a stable hash of the evidence document's name).")
@click.option("--worst", type=click.IntRange(min=0), default=15, show_default=True,
              help="Rows in the worst-questions table.")
@click.option("--write-doc", is_flag=True, help="Also write the metrics table into docs/benchmarks.md.")
def run(questions: Path, corpus: Path | None, dataset: str, config_specs: tuple[str, ...], out: Path | None,
        cache_dir: Path, rebuild: bool, store: Path | None, limit: int | None, subset: str | None, worst: int,
        write_doc: bool) -> None:
    """Answer every question with each configuration; write predictions, summary and reports."""
    from tqdm import tqdm

    from eval.adapters import load_dataset
    from eval.configs import default_config_names, parse_config
    from eval.machine import machine_info
    from eval.outputs import run_metadata, write_run
    from eval.report import summary_table
    from eval.runner import run_eval
    from qa_service.settings import Settings

    settings = Settings()
    try:
        configs = [parse_config(s) for s in dict.fromkeys(config_specs or default_config_names(settings))]
        data = load_dataset(dataset, questions, corpus)
    except (ValueError, KeyError, json.JSONDecodeError) as exc:
        raise click.ClickException(str(exc))
    if subset:
        from eval.datasets import in_subset

        data.questions = [q for q in data.questions if in_subset(q, subset)]
    if limit:
        data.questions = data.questions[:limit]
    bars: list = []

    def progress_factory(name: str, total: int):
        bar = tqdm(total=total, desc=name, unit="q", file=sys.stderr, leave=False)
        bars.append(bar)
        return lambda: bar.update(1)

    def log(message: str) -> None:
        click.echo(message, err=True)

    try:
        result = run_eval(data, configs, settings, cache_dir, rebuild=rebuild, log=log,
                          progress_factory=progress_factory, store_dir=store)
    except (ValueError, KeyError) as exc:  # a malformed corpus file, or a configuration the settings refuse
        raise click.ClickException(f"{type(exc).__name__}: {exc}")
    finally:
        for bar in bars:
            bar.close()
    out = out or Path("eval-out") / dataset
    meta = run_metadata(result, str(questions), machine_info())
    meta["subset"] = subset or ""
    paths = write_run(result, out, meta, worst=worst)
    click.echo(summary_table(result.results).markdown())
    click.echo(f"\nreports: {paths['markdown']}  {paths['html']}\npredictions: {paths['predictions']}")
    if write_doc:
        command = " ".join(["notice-qa-eval run --dataset", dataset, "--questions", str(questions),
                            *(["--corpus", str(corpus)] if corpus else []),
                            *(["--store", str(store)] if store else []), *([f"--subset {subset}"] if subset else []),
                            *(f"--config {c}" for c in config_specs), *([f"--limit {limit}"] if limit else [])])
        _write_doc(result, meta, command, questions, f"-{subset}" if subset else "")


def _write_doc(result, meta: dict, command: str, questions: Path, suffix: str = "") -> None:
    """One section per dataset and question file, so each question set keeps its own table."""
    from eval.benchdoc import update_section
    from eval.report import doc_section

    path = update_section(f"eval-{result.dataset.name}-{questions.stem}{suffix}",
                          doc_section(result.results, meta, command, questions.name + suffix))
    click.echo(f"written to {path}")


@eval_group.command("report")
@click.argument("run_dir", type=click.Path(exists=True, file_okay=False, path_type=Path))
@click.option("--worst", type=click.IntRange(min=0), default=15, show_default=True)
@click.option("--write-doc", is_flag=True, help="Also write the metrics table into docs/benchmarks.md.")
def report(run_dir: Path, worst: int, write_doc: bool) -> None:
    """Score a written run again (current metric definitions) and rewrite its summary and reports."""
    from eval.outputs import load_run, write_run
    from eval.report import summary_table

    try:
        result, meta = load_run(run_dir)
    except (OSError, ValueError, KeyError) as exc:
        raise click.ClickException(f"{run_dir} is not a readable run folder: {exc}")
    paths = write_run(result, run_dir, meta, worst=worst)
    click.echo(summary_table(result.results).markdown())
    click.echo(f"\nreports: {paths['markdown']}  {paths['html']}")
    if write_doc:
        subset = meta.get("subset", "")
        _write_doc(result, meta, f"notice-qa-eval run --dataset {meta['dataset']} --questions {meta['questions_file']}"
                                 f" --corpus {meta['corpus']}{f' --subset {subset}' if subset else ''}"
                                 + "".join(f" --config {r.config.name}" for r in result.results),
                   Path(meta["questions_file"]), f"-{subset}" if subset else "")


@eval_group.command("score")
@click.option("--questions", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--predictions", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="JSONL of the output contract with the question id (e.g. `ask --json --questions`).")
@click.option("--dataset", type=DATASET_CHOICE, default="notices", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the summary and per-type summaries as JSON.")
def score(questions: Path, predictions: Path, dataset: str, as_json: bool) -> None:
    """Score an existing predictions file against a question set."""
    from eval.adapters import id_key, load_questions
    from eval.metrics import summarize, summarize_by_type
    from eval.report import fmt
    from eval.runner import score_predictions

    try:
        loaded = load_questions(dataset, questions)
        with open(predictions, encoding="utf-8") as fh:
            rows = [json.loads(line) for line in fh if line.strip()]
    except (ValueError, KeyError) as exc:
        raise click.ClickException(str(exc))
    scores = score_predictions(loaded, rows, id_key(dataset))
    summary = summarize(scores)
    if as_json:
        click.echo(json.dumps({"summary": summary, "by_type": summarize_by_type(scores)}, ensure_ascii=False))
        return
    for metric, value in summary.items():
        click.echo(f"{metric:26} {fmt(value, metric)}")


NOISE = 0.01  # of right answers given: about 6 of the 575 fit questions


@eval_group.command("tune")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("eval/tune.json"),
              show_default=True, help="Tuning sets, target precision and folds (JSON).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("qa_service/answering/models/answer_model.json"), show_default=True,
              help="Where the fitted model is written.")
@click.option("--set", "only", multiple=True, help="Only these sets of the plan (repeatable).")
@click.option("--rows-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-out/tune"),
              show_default=True, help="Where each set's candidate rows are kept between runs.")
@click.option("--reuse-rows", is_flag=True, help="Fit on the rows kept by the last run instead of answering again.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-out/cache"),
              envvar="NOTICE_QA_EVAL_CACHE_DIR", show_default=True, help="Where indexes are cached between runs.")
def tune(plan: Path, out: Path, only: tuple[str, ...], rows_dir: Path, reuse_rows: bool, cache_dir: Path) -> None:
    """Fit the answer model on the plan's question sets; print cross-validated metrics; write the model file."""
    from dataclasses import asdict

    from tqdm import tqdm

    from eval.tune import QuestionRows, collect, fit, load_plan
    from qa_service.settings import Settings

    sets, options = load_plan(plan)
    sets = [s for s in sets if "answer" in s.models and (not only or s.name in only)]
    rows_dir.mkdir(parents=True, exist_ok=True)
    grid = options.get("passages", 3)
    plans = [(int(p), int(w)) for p in (grid if isinstance(grid, list) else [grid])
             for w in options.get("window_chars", [700])]
    target, folds = float(options.get("target_precision", 0.8)), int(options.get("folds", 5))
    rows_by_plan: dict[tuple[int, int], list] = {plan: [] for plan in plans}
    ranking = Settings().ranking  # the retrieval the rows are collected with (tune.open_set)
    for tune_set in sets:
        paths = {(p, w): rows_dir / f"rows-{tune_set.name}-p{p}-w{w}.jsonl" for p, w in plans}
        if reuse_rows and all(path.exists() for path in paths.values()):
            for plan_key, path in paths.items():
                with open(path, encoding="utf-8") as fh:
                    rows_by_plan[plan_key] += [QuestionRows(**json.loads(line)) for line in fh]
            continue
        with tqdm(desc=tune_set.name, unit="q", file=sys.stderr) as bar:
            got = collect(tune_set, Settings(), cache_dir, plans, log=lambda m: click.echo(m, err=True),
                          tick=bar.update)
        for plan_key, path in paths.items():
            path.write_text("".join(json.dumps(asdict(r)) + "\n" for r in got[plan_key]), encoding="utf-8")
            rows_by_plan[plan_key] += got[plan_key]
    fitted = []
    for (p, window), rows in rows_by_plan.items():
        if not rows:
            raise click.ClickException("no questions to fit on")
        model = fit(rows, target, folds, window, p, ranking, log=lambda m: click.echo(m, err=True))
        cv = model.training["cv"]
        click.echo(f"window {window}, passages {p}: right answers given {cv['all']['right_of_all']}, "
                   f"right of answered {cv['all']['right_of_answered']}, AUC {cv['auc']}", err=True)
        fitted.append(model)
    # The fewest candidate characters (passages x window) among the plans within NOISE of the most right
    # answers given at the target precision: a few questions more is noise, while more and longer candidates
    # mean longer answers and more citations of lower-ranked passages.
    best = max(m.training["cv"]["all"]["right_of_all"] for m in fitted)
    model = min((m for m in fitted if m.training["cv"]["all"]["right_of_all"] >= best - NOISE),
                key=lambda m: (m.passages * m.window_chars, m.window_chars))
    model.training["grid"] = [{"window_chars": m.window_chars, "passages": m.passages,
                               "right_of_all": m.training["cv"]["all"]["right_of_all"]} for m in fitted]
    out.parent.mkdir(parents=True, exist_ok=True)
    model.save(out)
    click.echo(json.dumps(model.training, indent=1, ensure_ascii=False))
    click.echo(f"threshold {model.threshold}; model written to {out}")


@eval_group.command("tune-rerank")
@click.option("--plan", type=click.Path(exists=True, dir_okay=False, path_type=Path), default=Path("eval/tune.json"),
              show_default=True, help="Question sets (those whose models include \"rerank\"), depth and folds (JSON).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=Path("index/models/rerank_model.json"),
              show_default=True, help="Where the fitted model is written.")
@click.option("--rows-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-out/tune"),
              show_default=True, help="Where each set's candidate rows are kept between runs.")
@click.option("--reuse-rows", is_flag=True, help="Fit on the rows kept by the last run instead of retrieving again.")
@click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path), default=Path("eval-out/cache"),
              envvar="NOTICE_QA_EVAL_CACHE_DIR", show_default=True, help="Where indexes are cached between runs.")
def tune_rerank(plan: Path, out: Path, rows_dir: Path, reuse_rows: bool, cache_dir: Path) -> None:
    """Fit the passage re-ranker on the plan's question sets; print cross-validated hit rates; write the model.

    Search uses it. When answers read the re-ranked passages too (NOTICE_QA_RERANK_ANSWERS=true), fit the answer
    model (`tune`) after it, under the same setting."""
    from dataclasses import asdict

    from tqdm import tqdm

    from eval.tune import load_plan
    from eval.tune_rerank import RankRows, collect, fit
    from qa_service.settings import Settings

    sets, options = load_plan(plan)
    depth, folds = int(options.get("rerank_depth", 40)), int(options.get("folds", 5))
    rows_dir.mkdir(parents=True, exist_ok=True)
    rows: list[RankRows] = []
    for tune_set in (s for s in sets if "rerank" in s.models):
        path = rows_dir / f"rank-{tune_set.name}-d{depth}.jsonl"
        if reuse_rows and path.exists():
            with open(path, encoding="utf-8") as fh:
                rows += [RankRows(**json.loads(line)) for line in fh]
            continue
        with tqdm(desc=tune_set.name, unit="q", file=sys.stderr) as bar:
            got = collect(tune_set, Settings(), cache_dir, depth, log=lambda m: click.echo(m, err=True),
                          tick=bar.update)
        path.write_text("".join(json.dumps(asdict(r)) + "\n" for r in got), encoding="utf-8")
        rows += got
    if not rows:
        raise click.ClickException("no questions to fit on")
    reranker = fit(rows, folds, depth, log=lambda m: click.echo(m, err=True))
    out.parent.mkdir(parents=True, exist_ok=True)
    reranker.save(out)
    click.echo(json.dumps(reranker.training, indent=1, ensure_ascii=False))
    click.echo(f"re-rank model written to {out}")


if __name__ == "__main__":
    eval_group()
