"""GET /v1/tasks and /v1/indicators over a real HTTP server, and the tasks/indicators commands, on the examples."""
from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys

import httpx
import pytest

TASK_KEYS = {"lead", "coordinators", "action", "deadline", "deadline_text", "source", "doc_id", "section", "text"}
INDICATOR_KEYS = {"name", "value", "unit", "period", "comparison", "status", "source", "doc_id", "section", "text"}


def get(server, path: str, **params) -> httpx.Response:
    return httpx.get(server.url + path, params=params, timeout=60)


def test_tasks_rows_have_the_contract_fields(examples_server):
    body = get(examples_server, "/v1/tasks").json()
    assert body["count"] == len(body["tasks"]) > 0
    for row in body["tasks"]:
        assert TASK_KEYS <= set(row)
        assert row["deadline"] is None or len(row["deadline"]) == 10


def test_tasks_by_agency_typed_without_tone_marks(examples_server):
    rows = get(examples_server, "/v1/tasks", agency="so tai chinh", role="lead").json()["tasks"]
    assert rows and all("Sở Tài chính" in r["lead"] for r in rows)
    budget = next(r for r in rows if r["source"] == "TB_15_phien_hop_thang_01_2025.txt")
    assert (budget["deadline"], budget["deadline_text"], budget["section"]) == (
        "2025-01-31", "trước ngày 31/01/2025", "II.2.1")
    assert budget["coordinators"] == ["Cục Thuế tỉnh"] and budget["page_start"] == 1
    coordinating = get(examples_server, "/v1/tasks", agency="so tai chinh").json()["tasks"]
    assert len(coordinating) > len(rows)  # also where Sở Tài chính only coordinates


def test_tasks_due_between_dates(examples_server):
    rows = get(examples_server, "/v1/tasks", due_after="2025-01-21", due_before="2025-01-31").json()["tasks"]
    assert rows and all("2025-01-21" <= r["deadline"] <= "2025-01-31" for r in rows)
    assert {r["deadline"] for r in rows} == {"2025-01-25", "2025-01-31"}


def test_tasks_by_document_and_words(examples_server):
    rows = get(examples_server, "/v1/tasks", doc="TB_27_giai_ngan_dau_tu_cong.pdf", text="giai phong mat bang").json()
    assert [r["lead"] for r in rows["tasks"]] == ["UBND huyện Đồng Xuân"]
    assert rows["tasks"][0]["deadline"] == "2025-04-15"


def test_tasks_csv_export(examples_server):
    response = get(examples_server, "/v1/tasks", format="csv", agency="Sở KH&ĐT")
    assert response.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert table and all("Sở Kế hoạch và Đầu tư" in r["lead"] + r["coordinators"] for r in table)
    assert {"lead", "deadline", "section", "source"} <= set(table[0])


def test_bad_date_is_a_clear_422(examples_server):
    response = get(examples_server, "/v1/tasks", due_before="31/01/2025")
    assert response.status_code == 422


def test_indicators_missed_results(examples_server):
    body = get(examples_server, "/v1/indicators", status="missed").json()
    assert body["count"] > 0
    for row in body["indicators"]:
        assert INDICATOR_KEYS <= set(row) and row["status"] == "missed"
    disbursed = next(r for r in body["indicators"] if r["value"] == "92,3")
    assert (disbursed["unit"], disbursed["comparison"], disbursed["section"]) == ("%", "kế hoạch", "I")


def test_indicators_csv_export(examples_server):
    response = get(examples_server, "/v1/indicators", format="csv", text="thu ngan sach")
    table = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert any(r["value"] == "4.812" and r["unit"] == "tỷ đồng" for r in table)


def run_cli(data_dir, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "NOTICE_QA_DATA_DIR": str(data_dir)}
    return subprocess.run([sys.executable, "-m", "qa_service.cli", *args], capture_output=True, text=True, env=env,
                          timeout=300, check=True)


@pytest.fixture(scope="module")
def examples_data_dir(examples_container):
    assert examples_container.facts.counts()["tasks"] > 0  # written with the examples; the CLI opens the same files
    return examples_container.settings.data_dir


def test_cli_tasks_json_filters_agency_and_due_date(examples_data_dir):
    out = run_cli(examples_data_dir, "tasks", "--agency", "so tai chinh", "--due-before", "2025-01-31", "--json")
    body = json.loads(out.stdout)
    assert body["count"] == len(body["tasks"]) >= 1
    assert all(r["deadline"] <= "2025-01-31" for r in body["tasks"])
    assert any(r["lead"] == "Sở Tài chính" for r in body["tasks"])


def test_cli_tasks_text_lists_deadline_lead_and_citation(examples_data_dir):
    out = run_cli(examples_data_dir, "tasks", "--agency", "UBND huyen Dong Xuan").stdout
    assert "2025-04-15" in out and "UBND huyện Đồng Xuân" in out and "TB_27_giai_ngan_dau_tu_cong.pdf" in out


def test_cli_indicators_json(examples_data_dir):
    body = json.loads(run_cli(examples_data_dir, "indicators", "--json").stdout)
    assert any(r["value"] == "6,42" and r["unit"] == "%" for r in body["indicators"])
