"""`notice-qa-eval run` / `eval score` end to end on the bundled examples and a small ViLQA-format file."""
from __future__ import annotations

import csv
import json
import os
import subprocess
import sys

import pytest
from conftest import EXAMPLES

from eval.indexes import code_fingerprint

pytestmark = pytest.mark.slow

QUESTIONS = [
    {"id": "ex-1", "question": "Sở Tài chính được giao nhiệm vụ gì về thu ngân sách năm 2025?", "type": "responsibility",
     "answer": "Xây dựng kịch bản thu ngân sách năm 2025 theo từng quý.", "key_facts": ["kịch bản thu ngân sách"],
     "evidence": [{"doc": "TB_15_phien_hop_thang_01_2025.txt", "section": "II.2.1",
                   "quote": "Giao Sở Tài chính chủ trì, phối hợp với Cục Thuế tỉnh xây dựng kịch bản thu ngân sách "
                            "năm 2025 theo từng quý"}]},
    {"id": "ex-2", "question": "Ai chủ trì nâng cấp Trung tâm dữ liệu tỉnh và hạn hoàn thành khi nào?",
     "type": "deadline", "answer": "Sở Thông tin và Truyền thông, trước ngày 30/6/2025.",
     "key_facts": ["Sở Thông tin và Truyền thông", "30/6/2025"],
     "evidence": [{"doc": "KH_42_chuyen_doi_so_2025.docx", "section": "",
                   "quote": "Giao Sở Thông tin và Truyền thông chủ trì, phối hợp với Viettel Hòa Sơn nâng cấp "
                            "Trung tâm dữ liệu tỉnh"}]},
    {"id": "ex-3", "question": "Đến ngày 28/02/2025 toàn tỉnh giải ngân được bao nhiêu vốn đầu tư công?",
     "type": "result", "answer": "512 tỷ đồng, đạt 11,4% kế hoạch vốn.", "key_facts": ["512 tỷ đồng"],
     "evidence": [{"doc": "TB_27_giai_ngan_dau_tu_cong.pdf", "section": "",
                   "quote": "toàn tỉnh giải ngân được 512 tỷ đồng, đạt 11,4% kế hoạch vốn"}]},
    {"id": "ex-4", "question": "Sân bay quốc tế của tỉnh Hòa Sơn khởi công năm nào?", "type": "unanswerable",
     "answer": "", "key_facts": [], "evidence": []},
]
CONTRACT = {"answer", "abstained", "citations", "passages", "timings_ms"}


def run_cli(*args: str, check: bool = True) -> subprocess.CompletedProcess:
    proc = subprocess.run([sys.executable, "-m", "eval.cli", *args], capture_output=True, text=True,
                          env={**os.environ, "NOTICE_QA_LLM_BASE_URL": ""}, timeout=600, check=False)
    if check and proc.returncode != 0:
        raise AssertionError(f"eval {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr}")
    return proc


def read_jsonl(path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def examples_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("eval-run")
    questions = root / "questions.jsonl"
    questions.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in QUESTIONS), encoding="utf-8")
    args = ("run", "--questions", str(questions), "--corpus", str(EXAMPLES), "--cache-dir", str(root / "cache"))
    code_before = code_fingerprint()
    first = run_cli(*args, "--out", str(root / "first"))
    second = run_cli(*args, "--out", str(root / "second"), "--config", "lexical", "--config", "naive")
    return root, questions, first, second, code_before == code_fingerprint()


def test_run_writes_predictions_in_the_output_contract(examples_run):
    root, _, first, *_ = examples_run
    predictions = read_jsonl(root / "first" / "predictions.jsonl")
    assert [p["id"] for p in predictions] == [q["id"] for q in QUESTIONS]
    assert all(CONTRACT <= set(p) for p in predictions)
    assert all(len(p["passages"]) >= 3 for p in predictions)
    for config in ("hybrid", "dense", "lexical", "naive"):
        assert len(read_jsonl(root / "first" / config / "predictions.jsonl")) == len(QUESTIONS)
        assert len(read_jsonl(root / "first" / config / "scores.jsonl")) == len(QUESTIONS)
    assert "| hit@5 ↑ |" in first.stdout


def test_summary_compares_every_config_with_the_naive_baseline(examples_run):
    root, *_ = examples_run
    summary = json.loads((root / "first" / "summary.json").read_text(encoding="utf-8"))
    assert summary["primary"] == "hybrid"
    assert list(summary["configs"]) == ["hybrid", "dense", "lexical", "naive"]
    hybrid, naive = summary["configs"]["hybrid"], summary["configs"]["naive"]
    assert hybrid["summary"]["questions"] == 4 and hybrid["summary"]["unanswerable"] == 1
    assert hybrid["summary"]["hit@5"] == 1.0  # three easy questions over three short notices
    assert naive["summary"]["abstention_unanswerable"] == 0.0  # the tutorial pipeline never abstains
    assert naive["ratio_to_naive"] == {} and "hit@5" in hybrid["ratio_to_naive"]
    assert hybrid["by_type"]["deadline"]["questions"] == 1


def test_reports_are_written_with_charts_and_worst_questions(examples_run):
    root, *_ = examples_run
    markdown = (root / "first" / "report.md").read_text(encoding="utf-8")
    page = (root / "first" / "report.html").read_text(encoding="utf-8")
    assert "| metric | hybrid | dense | lexical | naive |" in markdown
    assert "## Worst" in markdown and "ex-4" in markdown
    assert page.count("data:image/png;base64,") >= 3 and "<table>" in page


def test_second_run_reuses_the_cached_index(examples_run):
    root, _, first, second, code_unchanged = examples_run
    assert "building naive index" in first.stderr and "reusing naive index" in second.stderr
    if not code_unchanged:
        pytest.skip("ingest/ or index/ sources changed between the runs, so the index key changed")
    summary = json.loads((root / "second" / "summary.json").read_text(encoding="utf-8"))
    assert summary["configs"]["lexical"]["index"]["reused"] is True


def test_score_reproduces_the_run_summary(examples_run):
    root, questions, *_ = examples_run
    out = run_cli("score", "--questions", str(questions), "--predictions", str(root / "first" / "predictions.jsonl"),
                  "--json").stdout
    scored = json.loads(out)["summary"]
    summary = json.loads((root / "first" / "summary.json").read_text(encoding="utf-8"))["configs"]["hybrid"]["summary"]
    for metric in ("hit@1", "mrr@10", "key_fact_recall", "citation_recall", "abstention_unanswerable"):
        assert scored[metric] == pytest.approx(summary[metric])


def test_report_rescores_a_written_run(examples_run):
    root, *_ = examples_run
    before = json.loads((root / "first" / "summary.json").read_text(encoding="utf-8"))
    (root / "first" / "report.md").unlink()
    out = run_cli("report", str(root / "first")).stdout
    after = json.loads((root / "first" / "summary.json").read_text(encoding="utf-8"))
    assert "| metric | hybrid | dense | lexical | naive |" in out
    assert (root / "first" / "report.md").exists()
    for name, config in before["configs"].items():
        for metric in ("hit@5", "mrr@10", "key_fact_recall", "citation_precision", "false_abstention"):
            assert after["configs"][name]["summary"][metric] == config["summary"][metric]


def test_each_configuration_applies_its_settings_to_the_runs_not_to_the_previous_ones(examples_run):
    """Configurations share one cached index; "hybrid" after "rules" (the answer model off) still answers with
    the answer model."""
    root, questions, *_ = examples_run
    run_cli("run", "--questions", str(questions), "--corpus", str(EXAMPLES), "--cache-dir", str(root / "cache"),
            "--out", str(root / "order"), "--config", "rules", "--config", "hybrid")
    rules = read_jsonl(root / "order" / "rules" / "predictions.jsonl")
    hybrid = read_jsonl(root / "order" / "hybrid" / "predictions.jsonl")
    assert all(p["confidence"] is None for p in rules)
    assert any(p["confidence"] is not None for p in hybrid)


def test_notices_dataset_needs_a_corpus(tmp_path):
    questions = tmp_path / "q.jsonl"
    questions.write_text(json.dumps(QUESTIONS[0], ensure_ascii=False) + "\n", encoding="utf-8")
    proc = run_cli("run", "--questions", str(questions), check=False)
    assert proc.returncode != 0 and "--corpus DIR is required" in proc.stderr


def test_vilqa_format_runs_through_the_same_command(tmp_path):
    rows = [
        {"context": "Tù chung thân\n\nTù chung thân là hình phạt tù không thời hạn.\n\nKhông áp dụng hình phạt tù "
                    "chung thân đối với người dưới 18 tuổi phạm tội.",
         "question": "Không áp dụng tù chung thân đối với người dưới bao nhiêu tuổi phạm tội?", "answer": "18 tuổi"},
        {"context": "Thời hạn gửi đơn\n\nTrung tâm trọng tài phải gửi cho bị đơn bản sao đơn khởi kiện trong thời "
                    "hạn 10 ngày kể từ ngày nhận được đơn.",
         "question": "Trung tâm trọng tài gửi bản sao đơn khởi kiện cho bị đơn trong bao lâu?", "answer": "10 ngày"},
    ]
    data = tmp_path / "vilqa.csv"
    with open(data, "w", encoding="utf-8-sig", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=["context", "question", "answer"])
        writer.writeheader()
        writer.writerows(rows)
    run_cli("run", "--dataset", "vilqa", "--questions", str(data), "--config", "lexical", "--config", "naive",
            "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / "out"))
    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    lexical = summary["configs"]["lexical"]["summary"]
    assert lexical["hit@1"] == 1.0
    assert lexical["exact_match"] is not None and 0 < lexical["token_f1"] <= 1
    assert [p["id"] for p in read_jsonl(tmp_path / "out" / "predictions.jsonl")] == ["vilqa-0001", "vilqa-0002"]


def test_alqac_format_runs_through_the_same_command(tmp_path):
    laws = [
        {"id": "Luật Du lịch", "articles": [
            {"id": "63", "text": "Hồ sơ cấp lại thẻ hướng dẫn viên\n\nHồ sơ gồm đơn đề nghị và 02 ảnh chân dung màu "
                                 "cỡ 3 cm x 4 cm."},
            {"id": "64", "text": "Điều kiện kinh doanh lữ hành\n\nDoanh nghiệp phải ký quỹ kinh doanh dịch vụ lữ hành."},
        ]},
        {"id": "Luật Cư trú", "articles": [
            {"id": "38", "text": "Sổ hộ khẩu\n\nTrường hợp thông tin trong Sổ hộ khẩu khác với thông tin trong Cơ sở dữ "
                                 "liệu về cư trú thì sử dụng thông tin trong Cơ sở dữ liệu về cư trú."},
        ]},
    ]
    questions = [
        {"question_id": "DS-1", "question_type": "Đúng/Sai", "answer": "Đúng",
         "text": "Thông tin trong Sổ hộ khẩu khác với Cơ sở dữ liệu về cư trú thì sử dụng thông tin trong Cơ sở dữ "
                 "liệu về cư trú, đúng hay sai?", "relevant_articles": [{"law_id": "Luật Cư trú", "article_id": "38"}]},
        {"question_id": "TN-1", "question_type": "Trắc nghiệm", "answer": "B",
         "text": "Doanh nghiệp kinh doanh dịch vụ lữ hành phải làm gì?",
         "choices": {"A": "Nộp thuế môi trường", "B": "Ký quỹ kinh doanh dịch vụ lữ hành"},
         "relevant_articles": [{"law_id": "Luật Du lịch", "article_id": "64"}]},
        {"question_id": "TL-1", "question_type": "Tự luận", "answer": "3 cm x 4 cm",
         "text": "Hồ sơ cấp lại thẻ hướng dẫn viên du lịch gồm ảnh chân dung màu cỡ bao nhiêu?",
         "relevant_articles": [{"law_id": "Luật Du lịch", "article_id": "63"}]},
    ]
    (tmp_path / "law.json").write_text(json.dumps(laws, ensure_ascii=False), encoding="utf-8")
    (tmp_path / "q.json").write_text(json.dumps(questions, ensure_ascii=False), encoding="utf-8")
    run_cli("run", "--dataset", "alqac", "--questions", str(tmp_path / "q.json"), "--corpus",
            str(tmp_path / "law.json"), "--config", "lexical", "--config", "naive",
            "--cache-dir", str(tmp_path / "cache"), "--out", str(tmp_path / "out"))
    predictions = read_jsonl(tmp_path / "out" / "predictions.jsonl")
    assert [p["question_id"] for p in predictions] == ["DS-1", "TN-1", "TL-1"]
    configs = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))["configs"]
    lexical, naive = configs["lexical"]["summary"], configs["naive"]["summary"]
    assert lexical["hit@1"] == 1.0 and naive["hit@3"] == 1.0  # article-level evidence, both pipelines
    for summary in (lexical, naive):
        assert summary["tf_accuracy"] is not None and summary["choice_accuracy"] is not None
        assert summary["key_fact_recall"] is not None
