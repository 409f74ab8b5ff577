"""The extractive answerer over a real store: quoted answers, citations, abstention, streaming."""
from __future__ import annotations

import json

import httpx
import pytest

from answer_notices import NOTICE, SOURCE, write_notices
from qa_service.answering.base import NOT_FOUND_VI, QUOTE_JOINER



@pytest.fixture(scope="module")
def notice_container(tmp_path_factory):
    """The bundled examples plus one notice whose items are introduced by "Giao X chủ trì ...:" lines."""
    from conftest import EXAMPLES, make_container

    folder = write_notices(tmp_path_factory.mktemp("notice"))
    container = make_container(tmp_path_factory.mktemp("answer-store"))
    report = container.ingest_runner.ingest_paths([folder, EXAMPLES])
    assert report.ok, report.to_dict()
    return container


def ask(container, question: str):
    return container.service.ask(question)


def assert_quotes_the_passage(citation, passages):
    """The cited words are the document's own: each piece stands in the passage it cites."""
    passage = next(p for p in passages if p.chunk_id == citation.chunk_id)
    for piece in citation.text.split(QUOTE_JOINER):
        assert piece in passage.text or piece in NOTICE, piece


def test_responsibility_answer_names_the_agency_of_the_lead_in(notice_container):
    result = ask(notice_container, "Cơ quan nào chủ trì rà soát quy trình giải quyết hồ sơ trả lại và hồ sơ trễ hạn?")
    assert not result.abstained
    assert "Văn phòng UBND tỉnh" in result.answer and "[1]" in result.answer
    citation = result.citations[0]
    assert citation.source == SOURCE and citation.section == "II.1.a" and citation.marker == 1
    assert "hồ sơ trả lại" in citation.text and "Giao Văn phòng UBND tỉnh chủ trì" in citation.text
    assert_quotes_the_passage(citation, result.passages)
    assert len(result.passages) >= 10


def test_questions_without_tone_marks_get_the_same_answer(notice_container):
    accented = ask(notice_container, "Ai theo dõi tình hình sử dụng chữ ký số của từng cơ quan?")
    folded = ask(notice_container, "ai theo doi tinh hinh su dung chu ky so cua tung co quan")
    assert not accented.abstained and not folded.abstained
    assert "Sở Khoa học và Công nghệ" in accented.answer
    assert [c.section for c in folded.citations] == [c.section for c in accented.citations] == ["II.2.a"]


def test_deadline_answer_quotes_the_date(notice_container):
    result = ask(notice_container, "Sở Tài chính phải báo cáo UBND tỉnh về kinh phí số hóa hồ sơ trước ngày nào?")
    assert not result.abstained and "15/3/2025" in result.answer
    assert result.citations[0].section == "II.3" and "15/3/2025" in result.citations[0].text
    assert len(result.answer) <= 400


def test_figure_answer_from_another_document(notice_container):
    result = ask(notice_container, "Thu ngân sách nhà nước trên địa bàn tỉnh Hòa Sơn năm 2024 đạt bao nhiêu tỷ đồng?")
    assert not result.abstained and "4.812 tỷ đồng" in result.answer
    assert result.citations[0].source == "TB_15_phien_hop_thang_01_2025.txt"


@pytest.mark.parametrize("question", [
    "Năm 2023 tỉnh Hòa Sơn hoàn thành bao nhiêu nhiệm vụ cải cách hành chính?",  # the notice speaks of 2024
    "Năm 2024 tỉnh Quảng Ninh hoàn thành bao nhiêu nhiệm vụ cải cách hành chính?",  # another province
    "Tổng kinh phí bố trí cho các xã thực hiện số hóa hồ sơ là bao nhiêu tiền?",  # no amount is stated
    "Sở Y tế phải hoàn thành số hóa hồ sơ bệnh án trước ngày nào?",  # nothing about it
])
def test_abstains_when_a_detail_is_not_in_the_documents(notice_container, question):
    result = ask(notice_container, question)
    assert result.abstained and result.answer == NOT_FOUND_VI and result.citations == []
    assert len(result.passages) >= 10  # the closest passages stay available for inspection


def test_list_answer_gives_every_item(notice_container):
    result = ask(notice_container, "Những tồn tại, hạn chế trong cải cách hành chính năm 2024 của tỉnh Hòa Sơn là gì?")
    assert not result.abstained
    for item in ("số hóa hồ sơ", "công chức cấp xã", "chữ ký số"):
        assert item in result.answer


def test_stream_route_sends_the_answer_then_the_contract(notice_container):
    from conftest import LiveServer
    from qa_service.api import create_app

    with LiveServer(create_app(container=notice_container)) as server:
        with httpx.stream("POST", f"{server.url}/v1/ask/stream", timeout=60,
                          json={"question": "Sở Tài chính phải báo cáo trước ngày nào về kinh phí số hóa hồ sơ?"}) as r:
            assert r.status_code == 200 and r.headers["content-type"].startswith("text/event-stream")
            events = parse_sse(r.iter_lines())
        bad = httpx.post(f"{server.url}/v1/ask/stream", json={"question": "  "})
    assert bad.status_code == 422
    kinds = [e for e, _ in events]
    assert kinds[0] == "token" and kinds[-1] == "final" and kinds.count("final") == 1
    final = events[-1][1]
    assert "".join(d["text"] for e, d in events if e == "token") == final["answer"]
    assert "15/3/2025" in final["answer"] and final["citations"][0]["section"] == "II.3"
    assert len(final["passages"]) >= 10 and "total_ms" in final["timings_ms"]


def parse_sse(lines) -> list[tuple[str, dict]]:
    events, event = [], None
    for line in lines:
        if line.startswith("event: "):
            event = line[len("event: "):]
        elif line.startswith("data: "):
            events.append((event, json.loads(line[len("data: "):])))
    return events


@pytest.mark.parametrize("question", [
    "Thông báo kết luận Hội nghị cải cách hành chính năm 2024 của tỉnh Hòa Sơn do ai ký?",
    "Ai ký thông báo về Hội nghị đánh giá cải cách hành chính năm 2024?",
])
def test_who_signed_is_answered_from_the_signature_block(notice_container, question):
    result = ask(notice_container, question)
    assert not result.abstained
    assert "Trần Thị Bình" in result.answer
    assert result.citations[0].source == SOURCE and result.citations[0].section == "signature"
    assert_quotes_the_passage(result.citations[0], result.passages)


def test_a_list_introduced_by_the_best_line_is_quoted_with_its_items(tmp_path):
    from conftest import make_container

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "QD_12_xep_loai.txt").write_text(
        "ỦY BAN NHÂN DÂN TỈNH HÒA SƠN\nSố: 12/QĐ-UBND\nQUYẾT ĐỊNH\nVề việc đánh giá chỉ số năng suất của các sở\n"
        "I. PHƯƠNG PHÁP\n1. Xếp loại\nKết quả chỉ số năng suất được xếp loại theo 04 mức độ như sau:\n"
        "- Mức XUẤT SẮC: đạt từ 90% trở lên;\n- Mức TỐT: đạt từ 80% đến dưới 90%;\n"
        "- Mức TRUNG BÌNH: đạt từ 70% đến dưới 80%;\n- Mức THẤP: đạt dưới 70%.\n"
        "2. Công bố\nSở Nội vụ công bố kết quả trước ngày 31/3 hằng năm.\n", encoding="utf-8")
    container = make_container(tmp_path / "store")
    assert container.ingest_runner.ingest_paths([folder]).ok
    result = container.service.ask("Kết quả chỉ số năng suất được xếp loại theo những mức nào?")
    assert not result.abstained
    for level in ("XUẤT SẮC", "TỐT", "TRUNG BÌNH", "THẤP"):
        assert level in result.answer, result.answer


def test_where_is_answered_by_an_address(tmp_path):
    from conftest import make_container

    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "dieu_le_quy.txt").write_text(
        "ĐIỀU LỆ\nQuỹ Bảo trợ trẻ em tỉnh Hòa Sơn\nChương I. QUY ĐỊNH CHUNG\nĐiều 1. Tên gọi, trụ sở\n"
        "1. Tên gọi: QUỸ BẢO TRỢ TRẺ EM TỈNH HÒA SƠN.\n"
        "2. Trụ sở: số 5 đường Lê Lợi, phường Hòa Bình, thành phố Hòa Sơn.\n"
        "Điều 2. Mục đích\nQuỹ hỗ trợ trẻ em có hoàn cảnh khó khăn trên địa bàn tỉnh.\n", encoding="utf-8")
    container = make_container(tmp_path / "store")
    assert container.ingest_runner.ingest_paths([folder]).ok
    result = container.service.ask("Trụ sở của Quỹ Bảo trợ trẻ em tỉnh Hòa Sơn đặt ở đâu?")
    assert not result.abstained and "số 5 đường Lê Lợi" in result.answer, result.answer


def test_a_goal_is_not_the_result_asked_for(tmp_path):
    from conftest import make_container

    plan = ("ỦY BAN NHÂN DÂN TỈNH HÒA SƠN\nSố: 20/KH-UBND\nKẾ HOẠCH\nCải cách hành chính năm 2025\n"
            "I. MỤC TIÊU\n1. Mục tiêu cụ thể\nNăm 2025, phấn đấu tỷ lệ hài lòng của người dân đối với sự phục vụ của "
            "cơ quan hành chính đạt tối thiểu 90%.\n")
    report = ("ỦY BAN NHÂN DÂN TỈNH HÒA SƠN\nSố: 31/BC-UBND\nBÁO CÁO\nKết quả cải cách hành chính năm 2025\n"
              "I. KẾT QUẢ\n1. Sự hài lòng\nTỷ lệ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính "
              "năm 2025 đạt 87,5%, tăng 2% so với năm trước.\n")
    question = "Tỷ lệ hài lòng của người dân đối với sự phục vụ của cơ quan hành chính năm 2025 đạt bao nhiêu phần trăm?"
    folder = tmp_path / "plan"
    folder.mkdir()
    (folder / "KH_20_cchc.txt").write_text(plan, encoding="utf-8")
    container = make_container(tmp_path / "store")
    assert container.ingest_runner.ingest_paths([folder]).ok
    assert container.service.ask(question).abstained  # only a goal is written: no result to give
    (folder / "BC_31_cchc.txt").write_text(report, encoding="utf-8")
    assert container.ingest_runner.ingest_paths([folder]).ok
    result = container.service.ask(question)
    assert not result.abstained and "87,5%" in result.answer and "90%" not in result.answer
