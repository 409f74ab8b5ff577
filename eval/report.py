"""Reports of an evaluation run: Markdown and a self-contained HTML page with charts.

Both show, per configuration: every summary metric with its ratio to the naive baseline, the
metrics per question type, and the worst questions of the primary configuration with what was
retrieved for them. The HTML page embeds its matplotlib charts as base64 PNG, so it is one file.
"""
from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass

from eval.configs import NAIVE
from eval.datasets import Question
from eval.machine import describe
from eval.metrics import DEPTH, HIGHER_IS_BETTER, KS, LOWER_IS_BETTER, RIGHT_SHARE, QuestionScore, risk_coverage
from eval.runner import ConfigResult

COUNTS = ("questions", "answerable", "unanswerable")
QUALITY = (*(f"hit@{k}" for k in KS), f"mrr@{DEPTH}", f"ndcg@{DEPTH}", "key_fact_recall", "all_facts",
           "citation_precision", "citation_recall", "abstention_unanswerable", "false_abstention",
           "tf_accuracy", "choice_accuracy", "exact_match", "token_f1", "wrong_answers",
           "top_passage_key_fact_recall")
COST = ("answer_chars_median", "latency_ms_p50", "latency_ms_p95", "wall_ms_p50", "wall_ms_p95")
BY_TYPE = ("hit@5", f"mrr@{DEPTH}", "key_fact_recall", "citation_recall", "false_abstention",
           "abstention_unanswerable", "tf_accuracy", "choice_accuracy", "token_f1")
CHART_METRICS = ("hit@1", "hit@5", f"mrr@{DEPTH}", f"ndcg@{DEPTH}", "key_fact_recall", "all_facts",
                 "citation_precision", "citation_recall", "abstention_unanswerable", "tf_accuracy",
                 "choice_accuracy", "exact_match", "token_f1")


@dataclass
class Table:
    headers: list[str]
    rows: list[list[str]]

    def markdown(self) -> str:
        def cell(text: str) -> str:
            return text.replace("|", "\\|").replace("\n", " ")

        lines = ["| " + " | ".join(map(cell, self.headers)) + " |",
                 "|" + "|".join("---" for _ in self.headers) + "|"]
        lines += ["| " + " | ".join(map(cell, row)) + " |" for row in self.rows]
        return "\n".join(lines)

    def html(self) -> str:
        head = "".join(f"<th>{html.escape(h)}</th>" for h in self.headers)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in self.rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def fmt(value, metric: str = "") -> str:
    if value is None:
        return "–"
    if metric in COUNTS:
        return str(int(value))
    if metric in COST:
        return f"{value:.0f}" if metric == "answer_chars_median" else f"{value:.1f}"
    return f"{value:.3f}"


def ratio(value, baseline) -> str:
    if value is None or not baseline:
        return ""
    return f" (×{value / baseline:.2f})"


def primary_result(results: list[ConfigResult]) -> ConfigResult:
    """The first product configuration (the naive baseline only when it ran alone)."""
    return next((r for r in results if not r.config.naive), results[0])


def _present(results: list[ConfigResult], metrics: tuple[str, ...], key=lambda r: r.summary) -> list[str]:
    return [m for m in metrics if any(key(r).get(m) is not None for r in results)]


def summary_table(results: list[ConfigResult]) -> Table:
    """Metrics as rows, configurations as columns; each value with its ratio to the naive baseline."""
    naive = next((r for r in results if r.config.naive), None)
    rows = []
    for metric in (*COUNTS, *_present(results, QUALITY), *_present(results, COST)):
        arrow = " ↑" if metric in HIGHER_IS_BETTER else " ↓" if metric in LOWER_IS_BETTER else ""
        row = [metric + arrow]
        for r in results:
            value = r.summary.get(metric)
            shown = fmt(value, metric)
            if naive is not None and r is not naive and metric not in COUNTS:
                shown += ratio(value, naive.summary.get(metric))
            row.append(shown)
        rows.append(row)
    return Table(["metric"] + [r.config.name for r in results], rows)


def type_tables(results: list[ConfigResult]) -> list[tuple[str, Table]]:
    """One table per metric: question types as rows, configurations as columns."""
    types = list(dict.fromkeys(t for r in results for t in r.by_type))
    tables = []
    for metric in BY_TYPE:
        if not any(r.by_type.get(t, {}).get(metric) is not None for r in results for t in types):
            continue
        rows = [[f"{t} ({results[0].by_type.get(t, {}).get('questions', 0)})"]
                + [fmt(r.by_type.get(t, {}).get(metric), metric) for r in results]
                for t in types if any(r.by_type.get(t, {}).get(metric) is not None for r in results)]
        tables.append((metric, Table(["type (n)"] + [r.config.name for r in results], rows)))
    return tables


def risk_table(results: list[ConfigResult]) -> Table | None:
    """Risk–coverage of the configurations whose answers carry a confidence: at each threshold, the share of
    questions that would still be answered and the share of those answers that are right (key facts held,
    an answerable question). Rows below a configuration's own threshold count only the answers it gave."""
    columns = []
    for r in results:
        by_id = {str(p.get("id", p.get("question_id"))): p for p in r.predictions}
        pairs = [(by_id.get(s.id, {}).get("confidence"), s) for s in r.scores]
        pairs = [(c, s) for c, s in pairs if c is not None]
        if not pairs:
            continue
        confidence = [None if s.abstained else c for c, s in pairs]
        right = [s.answerable and (s.values.get("key_fact_recall") or 0.0) >= RIGHT_SHARE for _, s in pairs]
        columns.append((r.config.name, risk_coverage(confidence, right)))
    if not columns:
        return None
    rows = [[f"{columns[0][1][i]['threshold']:.1f}"] +
            [f"{col[i]['answered']:.3f} / {fmt(col[i]['right_of_answered'])}" for _, col in columns]
            for i in range(len(columns[0][1]))]
    return Table(["confidence ≥"] + [f"{name}: answered / right" for name, _ in columns], rows)


def badness(score: QuestionScore) -> float:
    """Lower is worse: mean of the applicable per-question quality values (abstention counted as quality)."""
    v = score.values
    parts = [v.get(m) for m in (f"mrr@{DEPTH}", "key_fact_recall", "citation_recall", "tf_accuracy",
                                "choice_accuracy", "token_f1", "abstention_unanswerable")]
    if v.get("false_abstention") is not None:
        parts.append(1 - v["false_abstention"])
    parts = [p for p in parts if p is not None]
    return sum(parts) / len(parts) if parts else 1.0


def _clip(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def worst_table(result: ConfigResult, questions: list[Question], id_key: str, count: int = 15) -> Table:
    """The ``count`` worst questions of one configuration, with the evidence and the top 3 passages."""
    by_id = {str(p.get(id_key)): p for p in result.predictions}
    qs = {q.id: q for q in questions}
    worst = sorted(result.scores, key=lambda s: (badness(s), s.id))[:count]
    rows = []
    for s in worst:
        q, p = qs[s.id], by_id.get(s.id, {})
        expected = "; ".join(f"{e.doc} § {e.section or '—'}" for e in q.evidence) or "(abstain)"
        retrieved = " / ".join(f"{i}. {x.get('source', '')} § {x.get('section') or '—'}: {_clip(x.get('text', ''), 80)}"
                               for i, x in enumerate((p.get("passages") or [])[:3], start=1))
        rows.append([s.id, s.type, _clip(q.question, 140), _clip(q.answer, 100) or "—",
                     "(abstained)" if s.abstained else _clip(p.get("answer", ""), 160),
                     expected, str(s.first_rank or "–"), fmt(s.values.get("key_fact_recall")), retrieved])
    return Table(["id", "type", "question", "gold", "answer", "evidence", "rank", "facts", "top 3 retrieved"], rows)


def _png(fig) -> str:
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=110, bbox_inches="tight")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _grouped_bars(ax, groups: list[str], series: list[tuple[str, list[float]]], title: str) -> None:
    import numpy as np

    x = np.arange(len(groups))
    width = 0.8 / max(1, len(series))
    for i, (name, values) in enumerate(series):
        ax.bar(x + i * width - 0.4 + width / 2, values, width, label=name)
    ax.set_xticks(x, groups, rotation=30, ha="right")
    ax.set_title(title)
    ax.legend(fontsize=8)
    ax.grid(axis="y", alpha=0.3)


def charts(results: list[ConfigResult]) -> list[tuple[str, str]]:
    """(title, base64 PNG) charts: quality per configuration, per question type, and latency."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    out = []
    metrics = _present(results, CHART_METRICS)
    fig, ax = plt.subplots(figsize=(max(8, len(metrics) * 0.9), 4))
    _grouped_bars(ax, metrics, [(r.config.name, [r.summary.get(m) or 0 for m in metrics]) for r in results],
                  "Quality per configuration (higher is better)")
    ax.set_ylim(0, 1.05)
    out.append(("Quality per configuration", _png(fig)))
    plt.close(fig)

    all_types = list(dict.fromkeys(t for r in results for t in r.by_type))
    for metric in ("hit@5", "key_fact_recall"):
        types = [t for t in all_types if any(r.by_type.get(t, {}).get(metric) is not None for r in results)]
        if not types:
            continue
        fig, ax = plt.subplots(figsize=(max(8, len(types) * 1.1), 4))
        _grouped_bars(ax, types, [(r.config.name, [r.by_type.get(t, {}).get(metric) or 0 for t in types])
                                  for r in results], f"{metric} per question type")
        ax.set_ylim(0, 1.05)
        out.append((f"{metric} per question type", _png(fig)))
        plt.close(fig)

    fig, ax = plt.subplots(figsize=(8, 3.5))
    _grouped_bars(ax, [r.config.name for r in results],
                  [(p, [r.summary.get(f"wall_ms_{p}") or 0 for r in results]) for p in ("p50", "p95")],
                  "Wall-clock time per question (ms, lower is better)")
    out.append(("Latency per configuration", _png(fig)))
    plt.close(fig)
    return out


def _header_lines(meta: dict) -> list[str]:
    lines = [f"- dataset: {meta['dataset']} ({meta['questions_file']}), corpus: {meta['corpus']}",
             f"- date: {meta['machine']['date']}; machine: {describe(meta['machine'])}"]
    for name, info in meta.get("indexes", {}).items():
        lines.append(f"- {name}: {info}")
    lines += [f"- note: {n}" for n in meta.get("notes", [])]
    return lines


def render_markdown(results: list[ConfigResult], questions: list[Question], id_key: str, meta: dict,
                    worst: int = 15) -> str:
    primary = primary_result(results)
    parts = [f"# Evaluation: {meta['dataset']}", "", *_header_lines(meta), "",
             "Configurations: " + "; ".join(f"**{r.config.name}**: {r.config.description}" for r in results), "",
             f"## Metrics (ratio to {NAIVE} in parentheses; definitions in eval/README.md)", "",
             summary_table(results).markdown(), "", "## Per question type", ""]
    for metric, table in type_tables(results):
        parts += [f"### {metric}", "", table.markdown(), ""]
    risk = risk_table(results)
    if risk is not None:
        parts += ["## Risk–coverage (answers with a confidence)", "", risk.markdown(), ""]
    parts += [f"## Worst {worst} questions ({primary.config.name})", "",
              worst_table(primary, questions, id_key, worst).markdown(), ""]
    return "\n".join(parts)


CSS = """body{font-family:system-ui,sans-serif;margin:2em;max-width:1400px}table{border-collapse:collapse;margin:1em 0;
font-size:13px}th,td{border:1px solid #ccc;padding:4px 8px;text-align:left;vertical-align:top}th{background:#f3f3f3}
img{max-width:100%;display:block;margin:1em 0}"""


def render_html(results: list[ConfigResult], questions: list[Question], id_key: str, meta: dict,
                worst: int = 15) -> str:
    primary = primary_result(results)
    parts = [f"<!doctype html><html lang='vi'><head><meta charset='utf-8'><title>Evaluation: "
             f"{html.escape(meta['dataset'])}</title><style>{CSS}</style></head><body>",
             f"<h1>Evaluation: {html.escape(meta['dataset'])}</h1><ul>"]
    parts += [f"<li>{html.escape(line[2:])}</li>" for line in _header_lines(meta)]
    parts.append("</ul><ul>")
    parts += [f"<li><b>{html.escape(r.config.name)}</b>: {html.escape(r.config.description)}</li>" for r in results]
    parts += ["</ul>", f"<h2>Metrics (ratio to {NAIVE} in parentheses)</h2>", summary_table(results).html()]
    for title, png in charts(results):
        parts.append(f"<h3>{html.escape(title)}</h3><img alt='{html.escape(title)}' src='data:image/png;base64,{png}'>")
    parts.append("<h2>Per question type</h2>")
    for metric, table in type_tables(results):
        parts += [f"<h3>{html.escape(metric)}</h3>", table.html()]
    risk = risk_table(results)
    if risk is not None:
        parts += ["<h2>Risk–coverage (answers with a confidence)</h2>", risk.html()]
    parts += [f"<h2>Worst {worst} questions ({html.escape(primary.config.name)})</h2>",
              worst_table(primary, questions, id_key, worst).html(), "</body></html>"]
    return "\n".join(parts)


def doc_section(results: list[ConfigResult], meta: dict, command: str, questions: str = "") -> str:
    """The metrics table as a section of docs/benchmarks.md: what was run (on which ``questions`` file), where,
    when."""
    facts = [f"- {names}: {how}" for names, how in meta.get("indexes", {}).items()]
    facts += [f"- note: {n}" for n in meta.get("notes", [])]
    return "\n".join([
        f"## Quality: {meta['dataset']}{f', {questions}' if questions else ''} (`notice-qa-eval run`)", "",
        f"`{command}`, {meta['machine']['date']}, {describe(meta['machine'])}. Ratio to the naive "
        "LangChain baseline in parentheses; metric definitions in `eval/README.md`.", "",
        *facts, *([""] if facts else []),
        summary_table(results).markdown(),
        *(["", "Risk–coverage (answers with a confidence):", "", risk.markdown()]
          if (risk := risk_table(results)) is not None else []),
    ])
