"""The ``notice-qa`` command line. Heavy modules are imported inside commands so ``--help`` is instant."""
from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import click


def _container(ctx: click.Context):
    from qa_service.container import Container
    from qa_service.settings import Settings

    overrides = {"data_dir": ctx.obj["data_dir"]} if ctx.obj.get("data_dir") else {}
    return Container(Settings(**overrides))


def _stored(ctx: click.Context):
    """The container of a store that holds documents; otherwise a clear error (exit 1) instead of empty
    answers from a store the command would create."""
    from index.database import connect

    container = _container(ctx)
    path = container.settings.data_dir / "catalog.sqlite3"
    count = 0
    if path.is_file():
        conn = connect(path, read_only=True)
        try:
            count = conn.execute("SELECT COUNT(*) FROM documents").fetchone()[0]
        finally:
            conn.close()
    if not count:
        state = "holds no documents" if path.is_file() else "does not exist"
        raise click.ClickException(f"the store in {container.settings.data_dir} {state}: ingest documents first "
                                   "(notice-qa ingest FOLDER), or choose the store with --data-dir")
    return container


def _print_json(obj) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


class _Commands(click.Group):
    """Reports a store that cannot be used as configured (read-only, another embedder) as a one-line error."""

    def invoke(self, ctx: click.Context):
        from index.store import StoreError

        try:
            return super().invoke(ctx)
        except StoreError as exc:
            raise click.ClickException(str(exc)) from None


@click.group(cls=_Commands)
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
@click.option("--engine", type=click.Choice(["local", "ray"]), default="local", show_default=True,
              help="ray: parse and embed on a Ray cluster (extra notice-qa[ray]); this process commits.")
@click.option("--address", default=None, help="With --engine ray: the cluster to join (ray://HOST:10001 or auto); "
                                               "default: a local Ray started for this run.")
@click.option("--embedders", default=1, show_default=True, type=click.IntRange(1, 1024),
              help="With --engine ray: embedder actors (one model load each).")
@click.pass_context
def ingest(ctx: click.Context, paths: tuple[Path, ...], as_json: bool, engine: str, address: str | None,
           embedders: int) -> None:
    """Ingest files or folders (.txt, .pdf, .docx, .doc) into the store."""
    from tqdm import tqdm

    from ingest.pipeline import discover

    container = _container(ctx)
    container.store.check_writable()  # before the progress bar
    files = discover(list(paths))
    distributed = _ray_engine(container, address, embedders) if engine == "ray" else None
    with tqdm(total=len(files), unit="file", disable=as_json or not files, file=sys.stderr) as bar:
        done = {"pages": 0, "ocr": 0, "passages": 0}

        def on_file(outcome) -> None:
            done["pages"] += outcome.pages
            done["ocr"] += outcome.ocr_pages
            done["passages"] += outcome.chunks
            bar.set_postfix_str(f"{done['pages']} pages ({done['ocr']} OCR), {done['passages']} passages",
                                refresh=False)
            bar.update(1)
            if outcome.status in ("error", "flagged"):
                bar.write(f"{outcome.status}: {outcome.source}: {outcome.message}", file=sys.stderr)

        try:
            report = container.ingest_runner.ingest_paths(list(paths), on_file=on_file, engine=distributed)
        except (sqlite3.Error, OSError) as exc:
            from qa_service.ingest_runner import store_write_failure

            disk, message = store_write_failure(exc)
            raise click.ClickException(
                f"the store in {container.settings.data_dir} could not be written ({message})"
                f"{'; the disk is full or failing' if disk else ''}. Files ingested before this one are stored; "
                "run the command again when the store is writable (stored files are skipped as unchanged).")
        finally:
            if distributed is not None:
                distributed.close()
    if as_json:
        _print_json(report.to_dict())
    else:
        click.echo(report.summary())
    sys.exit(0 if report.ok else 1)


def _ray_engine(container, address: str | None, embedders: int):
    try:
        from qa_service.ray_engine import RayIngestEngine
    except ImportError as exc:
        raise click.ClickException(f"--engine ray needs Ray: pip install 'notice-qa[ray]' ({exc})") from None
    return RayIngestEngine(container.parser, container.settings, address=address, embedders=embedders)


def _checked(model, field: str, value, what: str):
    """``value`` as the API's request ``model`` accepts its ``field``, else the API's reason as a clear error."""
    from pydantic import ValidationError

    try:
        return getattr(model(**{field: value}), field)
    except ValidationError as exc:
        raise click.ClickException(f"invalid {what}: {exc.errors()[0]['msg'].removeprefix('Value error, ')}")


def _checked_question(question) -> str:
    """The question under the API's rules (not blank, at most 2,000 characters), else a clear error."""
    from qa_service.schemas import AskRequest

    return _checked(AskRequest, "question", question, "question")


def _ask_one(container, question: str, k: int):
    return container.service.ask(_checked_question(question), k=k).model_dump()


@main.command()
@click.argument("question", required=False)
@click.option("--json", "as_json", is_flag=True, help="Print the full result as JSON.")
@click.option("--questions", type=click.File("r", encoding="utf-8"),
              help="JSONL file of {id, question}: answer each, one JSON line per question.")
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 100), help="Passages to retrieve.")
@click.pass_context
def ask(ctx: click.Context, question: str | None, as_json: bool, questions, k: int) -> None:
    """Answer a question (or a JSONL file of questions) with cited sections."""
    if bool(question) == bool(questions):
        raise click.UsageError("give either a QUESTION or --questions FILE")
    if question:
        question = _checked_question(question)  # before the store and the model are loaded
    container = _stored(ctx)
    if questions:
        # A bad line is reported as an error record and the others are still answered; exit 1 if any was bad.
        failed = 0
        for line_no, line in enumerate(questions, start=1):
            if not line.strip():
                continue
            row = None
            try:
                row = json.loads(line)
                if not isinstance(row, dict) or "question" not in row:
                    raise ValueError("expected a JSON object with 'question' (and optionally 'id')")
                qid = row.get("id", str(line_no))
                record = {"id": qid, **_ask_one(container, row["question"], k)}
            except (ValueError, click.ClickException) as exc:
                failed += 1
                message = (exc.message if isinstance(exc, click.ClickException) else
                           f"not JSON ({exc})" if isinstance(exc, json.JSONDecodeError) else str(exc))
                record = {"id": row.get("id", str(line_no)) if isinstance(row, dict) else str(line_no),
                          "line": line_no, "error": message}
            _print_json(record)
        sys.exit(1 if failed else 0)
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
@click.option("-k", default=10, show_default=True, type=click.IntRange(1, 200), help="Passages to return.")
@click.option("--json", "as_json", is_flag=True)
@click.pass_context
def search(ctx: click.Context, query: str, k: int, as_json: bool) -> None:
    """Ranked passages for a query."""
    from qa_service.schemas import SearchParams
    from qa_service.service import to_passage

    query = _checked(SearchParams, "q", query, "query")  # the API's rules: not blank, at most 2,000 characters
    container = _stored(ctx)
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
    from qa_service.api.protocol import with_head_deadline

    container = _container(ctx)
    container.store  # open (and repair) the store before accepting requests
    uvicorn.run(create_app(container=container), host=host, port=port,
                http=with_head_deadline(container.settings.request_head_timeout_s))


@main.group()
def docs() -> None:
    """List, show or remove stored documents."""


@docs.command("list")
@click.option("--json", "as_json", is_flag=True)
@click.option("--folder", default="", help="Only files read from a folder (dossier) whose name contains this.")
@click.option("--role", type=click.Choice(["draft", "issued"]), help="Only drafts, or only issued versions.")
@click.pass_context
def docs_list(ctx: click.Context, as_json: bool, folder: str, role: str | None) -> None:
    """The stored documents; versions of one text (drafts, the signed file, copies) are listed together,
    the issued version first, the others indented under it."""
    from qa_service.archive import document_filter
    from qa_service.schemas import DocumentFilters

    keep = document_filter(DocumentFilters(folder=folder, role=role or ""))
    documents = [d for d in _stored(ctx).store.documents() if keep(d)]
    if as_json:
        _print_json([d.to_dict() for d in documents])
        return
    for group in version_groups(documents):
        for i, d in enumerate(group):
            lead = "  └ " if i else ""
            tag = f" [{d.version_role or 'version'}]" if len(group) > 1 else ""
            click.echo(f"{lead}{d.doc_id}  {d.status:9} {d.chunk_count:5} chunks  {d.source}{tag}  "
                       f"{d.doc_type} {d.number} {d.date}{f'  [{d.folder}]' if d.folder else ''}")


def version_groups(documents: list) -> list[list]:
    """The documents grouped by version group, in the order of each group's first source; the issued
    version first within a group."""
    from ingest.versions import ROLE_ORDER

    groups: dict[str, list] = {}
    for d in documents:
        groups.setdefault(d.version_group or d.doc_id, []).append(d)
    ordered = [sorted(g, key=lambda d: (ROLE_ORDER.get(d.version_role, 1), d.source)) for g in groups.values()]
    return sorted(ordered, key=lambda g: min(d.source for d in g))


def _resolve(store, key: str):
    """A document by id or by source file name."""
    doc = store.document(key)
    if doc is not None:
        return doc
    named = [d for d in store.documents() if d.source == key]
    if not named:
        raise click.ClickException(f"no document {key!r} (see `notice-qa docs list`)")
    if len(named) > 1:  # files of one name from several folders
        raise click.ClickException(f"{len(named)} documents are named {key!r}; give one of their ids: "
                                   + ", ".join(d.doc_id for d in named))
    return named[0]


@docs.command("show")
@click.argument("doc")
@click.option("--json", "as_json", is_flag=True, help="Print the metadata and section tree as JSON.")
@click.pass_context
def docs_show(ctx: click.Context, doc: str, as_json: bool) -> None:
    """Metadata and section tree of a document (by id or file name)."""
    store = _stored(ctx).store
    detail = store.catalog.document_detail(_resolve(store, doc).doc_id)
    detail.pop("text", None)
    if as_json:
        _print_json(detail)
        return
    d = detail
    click.echo(f"{d['source']}  ({d['doc_id']}, {d['status']})")
    click.echo(" · ".join(p for p in (f"{d['doc_type']} {d['number']}".strip(), d["date"], d["issuer"]) if p))
    if d["title"]:
        click.echo(d["title"])
    click.echo(" · ".join(p for p in (f"ký: {d['signer']}" if d["signer"] else "", f"{d['page_count']} trang",
                                      f"{d['chunk_count']} đoạn", f"thư mục {d['folder']}" if d["folder"] else "",
                                      f"bản {d['version_role']}" if d["version_role"] else "") if p))
    for section in d["sections"]:
        click.echo(f"  {'  ' * section['level']}{section['label']}  {section['title']}")
    for warning in d["warnings"]:
        click.echo(f"! {warning}")


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
    store = NoticeStore(container.settings.data_dir, container.embedder, check_embedder=not reembed,
                        read_only=container.settings.read_only)
    with tqdm(total=store.catalog.count_chunks(), unit="chunk", disable=not reembed, file=sys.stderr) as bar:
        count = store.rebuild(reembed=reembed, progress=bar.update)
    click.echo(f"rebuilt index of {count} chunks ({store.dense.kind})")


def _facts_lines(rows: list, fmt, noun: str) -> None:
    for row in rows:
        click.echo(fmt(row))
        click.echo(f"    {row.source} · {row.section or '—'} · p. {row.page_start}")
    click.echo(f"{len(rows)} {noun}")  # "0 task rows" rather than silence when nothing matches


# Dates as officials write them (31/01/2025) and as ISO (2025-01-31).
DATE_FORMATS = ["%Y-%m-%d", "%d/%m/%Y"]


def _task_line(row) -> str:
    line = f"{row.deadline or '—':10}  {row.lead or '(không nêu)'}: {row.action[:160]}"
    return line + (f" (phối hợp: {', '.join(row.coordinators)})" if row.coordinators else "")


@main.command()
@click.option("--agency", help="Lead or coordinating agency (tone marks optional, e.g. \"so tai chinh\").")
@click.option("--due-before", type=click.DateTime(DATE_FORMATS), help="Deadline on or before (2025-01-31 or 31/01/2025).")
@click.option("--due-after", type=click.DateTime(DATE_FORMATS), help="Deadline on or after (2025-01-31 or 31/01/2025).")
@click.option("--doc", help="Only this document (doc_id or file name).")
@click.option("--text", help="Words the task contains.")
@click.option("--json", "as_json", is_flag=True, help='Print {"tasks": [...], "count": n}.')
@click.pass_context
def tasks(ctx: click.Context, agency, due_before, due_after, doc, text, as_json: bool) -> None:
    """Tasks the stored notices assign: lead agency, coordinators, action, deadline, section."""
    rows = _stored(ctx).facts.tasks(agency=agency, due_before=due_before and due_before.date().isoformat(),
                                       due_after=due_after and due_after.date().isoformat(), doc=doc, text=text)
    if as_json:
        _print_json({"tasks": [r.to_dict() for r in rows], "count": len(rows)})
        return
    # Soonest deadline first; tasks without a date after them.
    _facts_lines(sorted(rows, key=lambda r: (r.deadline is None, r.deadline or "", r.source)), _task_line, "task rows")


@main.command()
@click.option("--status", type=click.Choice(["reached", "missed"]), help="Only reached or missed indicators.")
@click.option("--doc", help="Only this document (doc_id or file name).")
@click.option("--text", help="Words the row contains.")
@click.option("--json", "as_json", is_flag=True, help='Print {"indicators": [...], "count": n}.')
@click.pass_context
def indicators(ctx: click.Context, status, doc, text, as_json: bool) -> None:
    """Results and targets the stored documents state, with values as written."""
    rows = _stored(ctx).facts.indicators(doc=doc, text=text, status=status)
    if as_json:
        _print_json({"indicators": [r.to_dict() for r in rows], "count": len(rows)})
        return
    _facts_lines(rows, _indicator_line, "indicator rows")


def _indicator_line(row) -> str:
    line = f"{row.name}: {row.value} {row.unit}".rstrip()
    for part, template in ((row.comparison, " (so với {})"), (row.status, " [{}]"), (row.period, " · {}")):
        line += template.format(part) if part else ""
    return line


if __name__ == "__main__":
    main()
