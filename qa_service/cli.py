"""The ``notice-qa`` command line. Heavy modules are imported inside commands so ``--help`` is instant."""
from __future__ import annotations

import json
import sys
from pathlib import Path

import click


def _container(ctx: click.Context):
    from qa_service.container import Container
    from qa_service.settings import Settings

    overrides = {"data_dir": ctx.obj["data_dir"]} if ctx.obj.get("data_dir") else {}
    return Container(Settings(**overrides))


def _print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


@click.group()
@click.option("--data-dir", type=click.Path(file_okay=False, path_type=Path), envvar="NOTICE_QA_DATA_DIR",
              help="Store directory [env NOTICE_QA_DATA_DIR; default ./data].")
@click.pass_context
def main(ctx: click.Context, data_dir: Path | None) -> None:
    """Question answering over Vietnamese government notices, with cited sections."""
    ctx.ensure_object(dict)
    ctx.obj["data_dir"] = data_dir


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the per-file report as JSON.")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool) -> None:
    """Ingest files or folders (.txt, .pdf, .docx) into the store."""
    from tqdm import tqdm

    from ingest.pipeline import discover

    container = _container(ctx)
    files = discover(list(paths))
    with tqdm(total=len(files), unit="file", disable=as_json or not files, file=sys.stderr) as bar:
        def on_file(outcome) -> None:
            bar.update(1)
            if outcome.status in ("error", "flagged"):
                bar.write(f"{outcome.status}: {outcome.source}: {outcome.message}", file=sys.stderr)

        report = container.ingest_runner.ingest_paths(files, on_file=on_file)
    if as_json:
        _print_json(report.to_dict())
    else:
        click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


def _ask_one(container, question: str, k: int):
    return container.service.ask(question, k=k).model_dump()


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--questions", type=click.File("r", encoding="utf-8"),
              help="JSONL file of {id, question}: answer each, one JSON line per question.")
@click.option("-k", default=10, show_default=True, help="Passages to retrieve.")
@click.pass_context
def ask(ctx: click.Context, question: str | None, as_json: bool, questions, k: int) -> None:
    """Answer a question (or a JSONL file of questions) with cited sections."""
    if bool(question) == bool(questions):
        raise click.UsageError("give either a QUESTION or --questions FILE")
    container = _container(ctx)
    if questions:
        for line_no, line in enumerate(questions, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                qid, text = row["id"], row["question"]
            except (ValueError, KeyError, TypeError) as exc:
                raise click.ClickException(f"line {line_no}: expected JSON with 'id' and 'question' ({exc})")
            _print_json({"id": qid, **_ask_one(container, text, k)})
        return
    result = _ask_one(container, question, k)
    if as_json:
        _print_json(result)
        return
    click.echo(result["answer"])
    for c in result["citations"]:
        pages = f"{c['page_start']}" if c["page_start"] == c["page_end"] else f"{c['page_start']}-{c['page_end']}"
        click.echo(f"  [{c['marker']}] {c['source']} · {c['section'] or '—'} {c['section_title']} · p. {pages}")


@main.command()
@click.argument("query")
@click.option("-k", default=10, show_default=True, help="Passages to return.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx: click.Context, query: str, k: int, as_json: bool) -> None:
    """Ranked passages for a query."""
    from qa_service.service import to_passage

    container = _container(ctx)
    passages = [to_passage(h).model_dump() for h in container.service.search(query, k=k)]
    if as_json:
        _print_json({"passages": passages})
        return
    for i, p in enumerate(passages, start=1):
        click.echo(f"{i:2}. {p['score']:.4f} {p['source']} · {p['section'] or '—'} · p. {p['page_start']}")
        click.echo(f"    {p['text'][:200]}")


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True)
@click.pass_context
def serve(ctx: click.Context, host: str, port: int) -> None:
    """Serve the HTTP API and the web page."""
    import uvicorn

    from qa_service.api import create_app

    container = _container(ctx)
    container.store  # open (and repair) the store before accepting requests
    uvicorn.run(create_app(container=container), host=host, port=port)


@main.group()
def docs() -> None:
    """List, show or remove stored documents."""


@docs.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def docs_list(ctx: click.Context, as_json: bool) -> None:
    documents = _container(ctx).store.documents()
    if as_json:
        _print_json([d.to_dict() for d in documents])
        return
    for d in documents:
        click.echo(f"{d.doc_id}  {d.status:9} {d.chunk_count:5} chunks  {d.source}  {d.doc_type} {d.number} {d.date}")


def _resolve(store, key: str):
    """A document by id or by source file name."""
    doc = store.document(key)
    if doc is None:
        doc = next((d for d in store.documents() if d.source == key), None)
    if doc is None:
        raise click.ClickException(f"no document {key!r} (see `notice-qa docs list`)")
    return doc


@docs.command("show")
@click.argument("doc")
@click.pass_context
def docs_show(ctx: click.Context, doc: str) -> None:
    """Metadata and section tree of a document (by id or file name), as JSON."""
    store = _container(ctx).store
    detail = store.catalog.document_detail(_resolve(store, doc).doc_id)
    detail.pop("text", None)
    _print_json(detail)


@docs.command("remove")
@click.argument("doc")
@click.pass_context
def docs_remove(ctx: click.Context, doc: str) -> None:
    """Remove a document (by id or file name) with its vectors and postings."""
    store = _container(ctx).store
    record = _resolve(store, doc)
    store.remove(record.doc_id)
    click.echo(f"removed {record.source}")


@main.command()
@click.option("--reembed", is_flag=True, help="Recompute every vector with the configured embedder.")
@click.pass_context
def rebuild(ctx: click.Context, reembed: bool) -> None:
    """Rebuild the FAISS and lexical indexes from the catalog."""
    from tqdm import tqdm

    from index.store import NoticeStore

    container = _container(ctx)
    store = NoticeStore(container.settings.data_dir, container.embedder, check_embedder=not reembed)
    with tqdm(total=store.catalog.count_chunks(), unit="chunk", disable=not reembed, file=sys.stderr) as bar:
        count = store.rebuild(reembed=reembed, progress=bar.update)
    click.echo(f"rebuilt index of {count} chunks ({store.dense.kind})")


if __name__ == "__main__":
    main()
