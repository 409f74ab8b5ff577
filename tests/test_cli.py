"""The notice-qa command end to end, as a user runs it, on the bundled examples."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import EXAMPLES, ROOT


def run_cli(*args: str, data_dir, check: bool = True, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "NOTICE_QA_DATA_DIR": str(data_dir)}
    proc = subprocess.run([sys.executable, "-m", "qa_service.cli", *args], capture_output=True, text=True,
                          env=env, input=stdin, timeout=300)
    if check and proc.returncode != 0:
        raise AssertionError(f"notice-qa {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


@pytest.fixture(scope="module")
def cli_store(tmp_path_factory):
    data = tmp_path_factory.mktemp("cli") / "data"
    proc = run_cli("ingest", str(EXAMPLES), data_dir=data)
    assert "3 added" in proc.stdout
    return data


def test_help_lists_commands(tmp_path):
    out = run_cli("--help", data_dir=tmp_path).stdout
    for command in ("ingest", "ask", "search", "serve", "docs", "rebuild"):
        assert command in out


def test_ask_json_cites_the_section(cli_store):
    out = run_cli("ask", "--json", "Ai chủ trì nâng cấp Trung tâm dữ liệu tỉnh?", data_dir=cli_store).stdout
    result = json.loads(out)
    assert not result["abstained"]
    assert result["citations"][0]["source"] == "KH_42_chuyen_doi_so_2025.docx"
    assert result["citations"][0]["section"] == "II.1"
    assert "Sở Thông tin và Truyền thông" in result["citations"][0]["text"]


def test_batch_questions_keep_their_ids(cli_store, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join(json.dumps({"id": i, "question": q}, ensure_ascii=False) for i, q in [
        ("a", "GRDP năm 2024 của tỉnh Hòa Sơn tăng bao nhiêu?"),
        ("b", "Hạn hoàn thành bồi thường dự án Khu công nghiệp Nam Hòa Sơn?"),
    ]), encoding="utf-8")
    lines = run_cli("ask", "--json", "--questions", str(questions), data_dir=cli_store).stdout.splitlines()
    rows = [json.loads(line) for line in lines]
    assert [r["id"] for r in rows] == ["a", "b"]
    assert "6,42%" in rows[0]["answer"]
    assert rows[1]["citations"][0]["source"] == "TB_27_giai_ngan_dau_tu_cong.pdf"
    assert rows[1]["citations"][0]["page_start"] == 2


def test_a_bad_line_of_a_batch_is_an_error_record_and_the_rest_is_answered(cli_store, tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text("\n".join([
        json.dumps({"id": "a", "question": "Ai chủ trì nâng cấp Trung tâm dữ liệu tỉnh?"}, ensure_ascii=False),
        "not json {",
        json.dumps({"id": "c", "q": "a misnamed field"}),
        json.dumps({"id": "d", "question": "   "}),
        json.dumps({"question": "GRDP năm 2024 của tỉnh Hòa Sơn tăng bao nhiêu?"}, ensure_ascii=False),
    ]), encoding="utf-8")
    proc = run_cli("ask", "--json", "--questions", str(questions), data_dir=cli_store, check=False)
    records = [json.loads(line) for line in proc.stdout.splitlines()]
    assert proc.returncode == 1 and "Traceback" not in proc.stderr
    assert [r["id"] for r in records] == ["a", "2", "c", "d", "5"]
    assert records[0]["citations"] and records[4]["citations"]
    assert "not JSON" in records[1]["error"] and "'question'" in records[2]["error"]
    assert "invalid question" in records[3]["error"] and records[3]["line"] == 4


@pytest.mark.parametrize("args", [("ask", "Sở Tài chính làm gì?"), ("search", "giải ngân"), ("docs", "list"),
                                  ("tasks",), ("indicators",)])
def test_reading_commands_on_a_missing_or_empty_store_say_so(tmp_path, args):
    missing = tmp_path / "nowhere"
    proc = run_cli(*args, data_dir=missing, check=False)
    assert proc.returncode == 1 and "does not exist" in proc.stderr and "notice-qa ingest" in proc.stderr
    assert not missing.exists()  # not created as an empty store
    empty = tmp_path / "empty"
    (tmp_path / "no-files").mkdir()
    run_cli("ingest", str(tmp_path / "no-files"), data_dir=empty, check=False)
    assert (empty / "catalog.sqlite3").is_file()
    proc = run_cli(*args, data_dir=empty, check=False)
    assert proc.returncode == 1 and "holds no documents" in proc.stderr, proc.stderr


def test_search_docs_and_remove(cli_store, tmp_path):
    out = json.loads(run_cli("search", "--json", "-k", "2", "giải ngân vốn đầu tư công", data_dir=cli_store).stdout)
    assert len(out["passages"]) == 2
    listed = run_cli("docs", "list", "--json", data_dir=cli_store).stdout
    sources = {d["source"] for d in json.loads(listed)}
    assert sources == {p.name for p in EXAMPLES.iterdir() if p.suffix in (".txt", ".pdf", ".docx")}
    shown = json.loads(run_cli("docs", "show", "--json", "KH_42_chuyen_doi_so_2025.docx", data_dir=cli_store).stdout)
    assert shown["number"] == "42/KH-UBND" and any(s["label"] == "II.2" for s in shown["sections"])
    readable = run_cli("docs", "show", "KH_42_chuyen_doi_so_2025.docx", data_dir=cli_store).stdout.splitlines()
    assert readable[0].startswith("KH_42_chuyen_doi_so_2025.docx") and "42/KH-UBND" in readable[1]
    section = next(s for s in shown["sections"] if s["label"] == "II.2")
    assert f"    II.2  {section['title']}" in readable  # the tree, indented by level

    # Removal on a copy, so the other tests keep their store.
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(cli_store, copy)
    run_cli("docs", "remove", "KH_42_chuyen_doi_so_2025.docx", data_dir=copy)
    assert "KH_42" not in run_cli("docs", "list", data_dir=copy).stdout
    missing = run_cli("docs", "remove", "KH_42_chuyen_doi_so_2025.docx", data_dir=copy, check=False)
    assert missing.returncode != 0 and "no document" in missing.stderr


def test_ingest_reports_bad_files_and_continues(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "empty.pdf").write_bytes(b"")
    (folder / "fake.pdf").write_text("<html>hi</html>")
    (folder / "ok.txt").write_text((EXAMPLES / "TB_15_phien_hop_thang_01_2025.txt").read_text(encoding="utf-8"),
                                   encoding="utf-8")
    proc = run_cli("ingest", "--json", str(folder), data_dir=tmp_path / "data", check=False)
    assert proc.returncode == 1
    report = json.loads(proc.stdout)
    status = {f["source"]: f["status"] for f in report["files"]}
    assert status == {"empty.pdf": "error", "fake.pdf": "error", "ok.txt": "added"}


def test_ingest_accounts_for_files_of_a_type_it_does_not_read(tmp_path):
    folder = tmp_path / "dossier"
    folder.mkdir()
    (folder / "TB_01.txt").write_text("THÔNG BÁO\nKết luận về công tác tiếp công dân tháng 5 năm 2025.\n"
                                      "1. Giao Văn phòng UBND tỉnh bố trí lịch tiếp công dân.", encoding="utf-8")
    (folder / "bang_tong_hop.xlsx").write_bytes(b"PK\x03\x04 not read")
    (folder / "anh_chup.jpg").write_bytes(b"\xff\xd8\xff")
    (folder / ".DS_Store").write_bytes(b"\x00")
    proc = subprocess.run([sys.executable, "-m", "qa_service.cli", "ingest", "--json", str(folder)],
                          capture_output=True, text=True, env={**os.environ, "NOTICE_QA_DATA_DIR": str(tmp_path / "d")},
                          cwd=ROOT, timeout=600, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert [f["status"] for f in report["files"]] == ["added"]
    assert sorted(Path(p).name for p in report["skipped"]) == ["anh_chup.jpg", "bang_tong_hop.xlsx"]
    assert "2 skipped, of a type not read (" in report["summary"] and ".xlsx 1" in report["summary"]


def test_files_of_one_name_in_two_folders_are_both_kept_and_named_apart(tmp_path):
    for year, agency in (("2024", "Sở Tài chính"), ("2025", "Sở Nội vụ")):
        (tmp_path / "in" / year).mkdir(parents=True)
        (tmp_path / "in" / year / "thong_bao.txt").write_text(
            f"THÔNG BÁO\nGiao {agency} chủ trì rà soát trước ngày 15/01/{year}.\n", encoding="utf-8")
    data = tmp_path / "data"
    out = run_cli("ingest", str(tmp_path / "in"), data_dir=data).stdout
    assert "2 files" in out and "2 added" in out and "both are kept" not in out  # details stay in --json
    listed = json.loads(run_cli("docs", "list", "--json", data_dir=data).stdout)
    assert [d["source"] for d in listed] == ["thong_bao.txt"] * 2 and len({d["doc_id"] for d in listed}) == 2
    ambiguous = run_cli("docs", "show", "thong_bao.txt", data_dir=data, check=False)
    assert ambiguous.returncode != 0 and "2 documents are named 'thong_bao.txt'" in ambiguous.stderr


def test_tasks_take_dates_as_officials_write_them_sort_by_deadline_and_count(cli_store):
    iso = run_cli("tasks", "--due-before", "2025-12-31", data_dir=cli_store).stdout.splitlines()
    written = run_cli("tasks", "--due-before", "31/12/2025", data_dir=cli_store).stdout.splitlines()
    assert iso == written and iso[-1].endswith(" task rows") and int(iso[-1].split()[0]) >= 2
    deadlines = [line.split()[0] for line in iso[:-1] if not line.startswith("    ")]
    assert deadlines == sorted(deadlines)
    assert any("(phối hợp: Cục Thuế tỉnh)" in line for line in iso)  # coordinators are shown
    none = run_cli("tasks", "--agency", "Sở Ngoại vụ tỉnh Đắk Lắk", data_dir=cli_store)
    assert none.returncode == 0 and none.stdout.strip() == "0 task rows"
    bad = run_cli("tasks", "--due-before", "31-12-2025", data_dir=cli_store, check=False)
    assert bad.returncode == 2 and "Invalid value for '--due-before'" in bad.stderr
