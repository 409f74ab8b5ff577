"""Local ingest parses files ahead of the one being embedded (``parse_ahead``): the store is the one a
one-file-at-a-time ingest makes, the report keeps the files' order, and the parsing really overlaps."""
from __future__ import annotations

import threading

from conftest import make_container
from reliability_support import write_notices
from store_compare import assert_same_store, mixed_folder


def _outcomes(report):
    return [(f.source, f.status, f.chunks, f.doc_id, f.version_of, f.message) for f in report.files]


def test_parsing_ahead_gives_the_store_one_file_at_a_time_gives(tmp_path):
    folder = mixed_folder(tmp_path)
    one_by_one = make_container(tmp_path / "serial", parse_ahead=0).ingest_runner.ingest_paths([folder])
    ahead = make_container(tmp_path / "ahead", parse_ahead=3).ingest_runner.ingest_paths([folder])
    assert _outcomes(ahead) == _outcomes(one_by_one)
    assert {f.status for f in ahead.files} >= {"added", "duplicate", "error"}
    assert_same_store(tmp_path / "serial", tmp_path / "ahead")


def test_the_next_file_is_parsed_while_one_is_being_stored(tmp_path):
    folder = tmp_path / "notices"
    write_notices(folder, 4)
    container = make_container(tmp_path / "store", parse_ahead=1)
    runner = container.ingest_runner
    second_parse_started = threading.Event()
    parse, upsert = runner.parser.parse_file, runner.store.upsert
    parsed: list[str] = []
    overlapped: list[bool] = []

    def watched_parse(path):
        parsed.append(path.name)
        if len(parsed) == 2:
            second_parse_started.set()
        return parse(path)

    def slow_first_store(doc, **kwargs):
        if not overlapped:  # the first document waits here until the second file's parse has begun
            overlapped.append(second_parse_started.wait(timeout=60))
        return upsert(doc, **kwargs)

    runner.parser.parse_file = watched_parse
    runner.store.upsert = slow_first_store
    report = runner.ingest_paths([folder])
    assert overlapped == [True], "the second file was not parsed while the first was being stored"
    assert [f.status for f in report.files] == ["added"] * 4
    assert [f.source for f in report.files] == parsed
