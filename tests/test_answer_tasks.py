"""Answers from the task rows over a real store: an agency's tasks across notices, deadline filters, abstention."""
from __future__ import annotations

import pytest

from answer_notices import SOURCE, TASKS_SOURCE, write_notices, write_task_notice
from index.retriever import SearchFilters
from qa_service.answering.base import NOT_FOUND_VI, QUOTE_JOINER


@pytest.fixture(scope="module")
def tasks_container(tmp_path_factory):
    """Two notices of one province with tasks and deadlines: a text file and a Word file with an assignment table."""
    from conftest import make_container

    folder = write_notices(tmp_path_factory.mktemp("task-notices"))
    write_task_notice(folder)
    container = make_container(tmp_path_factory.mktemp("task-store"))
    report = container.ingest_runner.ingest_paths([folder])
    assert report.ok, report.to_dict()
    assert container.facts.counts()["tasks"] >= 10
    return container


def assert_cites_the_documents_words(container, result):
    """Every quoted piece stands in the cited passage or its document (a parent section's lead-in)."""
    passages = {p.chunk_id: p.text for p in result.passages}
    for citation in result.citations:
        text = passages.get(citation.chunk_id) or container.store.chunks([citation.chunk_id])[citation.chunk_id].text
        document = container.store.catalog.document_detail(citation.doc_id)["text"]
        for piece in citation.text.split(QUOTE_JOINER):
            assert piece in text or piece in document, piece
        assert citation.page_start >= 1 and citation.section


def test_an_agencys_tasks_are_gathered_from_every_notice_grouped_by_document(tasks_container):
    result = tasks_container.service.ask("Sở Tài chính có những nhiệm vụ gì?")
    assert not result.abstained
    for task in ("kịch bản thu ngân sách", "bố trí kinh phí cho các xã", "danh mục dự án đầu tư công"):
        assert task in result.answer
    assert {(c.source, c.section) for c in result.citations} == {(TASKS_SOURCE, "1"), (TASKS_SOURCE, "4.1"),
                                                                  (SOURCE, "II.3")}
    # One line per notice, each opened by the notice's number.
    lines = result.answer.split("\n")
    assert len(lines) == 2 and {line.split(":")[0] for line in lines} == {"Thông báo 31/TB-UBND",
                                                                          "Thông báo 08/TB-UBND"}
    assert "Sở Giáo dục" not in result.answer and "Công an tỉnh" not in result.answer
    assert_cites_the_documents_words(tasks_container, result)


def test_what_is_due_before_a_date_lists_the_tasks_due_by_then(tasks_container):
    result = tasks_container.service.ask("Những nhiệm vụ nào phải hoàn thành trước ngày 31/3/2025?")
    assert not result.abstained
    for due in ("28/02/2025", "15/3/2025", "tháng 3/2025", "25/3/2025"):
        assert due in result.answer
    for later in ("10/4/2025", "20/4/2025", "30/6/2025", "Quý III/2025"):
        assert later not in result.answer  # the citation of "tháng 3/2025" quotes its line, the answer does not
    assert {(c.source, c.section) for c in result.citations} == {(SOURCE, "II.1.b"), (SOURCE, "II.3"),
                                                                  (TASKS_SOURCE, "2"), (TASKS_SOURCE, "4.1")}
    assert_cites_the_documents_words(tasks_container, result)
    english = tasks_container.service.ask("What is due before 31 March 2025?")
    assert {(c.source, c.section) for c in english.citations} == {(c.source, c.section) for c in result.citations}


def test_agency_and_deadline_questions_are_answered_from_the_task_rows(tasks_container):
    without_rows = tasks_container.with_query_settings(answer_from_tasks=False)
    question = "Sở nào phải trình UBND tỉnh phê duyệt trước ngày 30/6/2025?"
    result = tasks_container.service.ask(question)
    assert not result.abstained and "Sở Giáo dục và Đào tạo" in result.answer
    assert [(c.source, c.section) for c in result.citations] == [(TASKS_SOURCE, "3")]
    assert "30/6/2025" in result.citations[0].text
    # Passages alone cannot tell which dates are deadlines inside the asked range: they abstain.
    assert without_rows.service.ask(question).abstained

    result = tasks_container.service.ask("Sở Tài chính phải làm gì trước ngày 31/3/2025?")
    assert not result.abstained
    assert "15/3/2025" in result.answer and "25/3/2025" in result.answer and "10/4/2025" not in result.answer
    assert_cites_the_documents_words(tasks_container, result)


def test_a_task_row_answers_a_deadline_question_with_its_own_clause(tasks_container):
    result = tasks_container.service.ask("Sở Nông nghiệp và Môi trường phải cập nhật bản đồ địa chính xã Tân Lập "
                                         "trước ngày nào?")
    assert not result.abstained and "20/4/2025" in result.answer
    citation = result.citations[0]
    assert (citation.source, citation.section) == (TASKS_SOURCE, "2") and "20/4/2025" in citation.text


@pytest.mark.parametrize("question", [
    "Những nhiệm vụ nào phải hoàn thành trước ngày 31/01/2025?",  # nothing is due so early
    "Sở Y tế có những nhiệm vụ nào phải hoàn thành trước ngày 30/6/2025?",  # no task of that agency
    "Sở Khoa học và Công nghệ phải hoàn thành nâng cấp Cổng dịch vụ công trước ngày nào?",  # its dated task is another
    "Đơn vị tư vấn nào được chọn để nâng cấp Trung tâm giám sát điều hành thông minh?",  # no consultant is named
])
def test_rows_do_not_answer_what_the_notices_do_not_say(tasks_container, question):
    result = tasks_container.service.ask(question)
    assert result.abstained and result.answer == NOT_FOUND_VI and result.citations == []


def test_rows_stay_within_the_search_filters(tasks_container):
    result = tasks_container.service.ask("Sở Tài chính có những nhiệm vụ gì?", filters=SearchFilters(source=SOURCE))
    assert not result.abstained and "bố trí kinh phí" in result.answer
    assert {c.source for c in result.citations} == {SOURCE}


def test_english_questions_name_agencies_by_title_and_reach_the_rows(tasks_container):
    vietnamese = tasks_container.service.ask("Sở Tài chính có những nhiệm vụ gì?")
    english = tasks_container.service.ask("Which tasks does the Department of Finance have?")
    assert not english.abstained
    assert {(c.source, c.section) for c in english.citations} == {(c.source, c.section) for c in vietnamese.citations}
    assert tasks_container.service.ask("Which tasks does the Department of Health have?").abstained
    # The glossary gives the words the notice uses ("cadastral map" -> "bản đồ địa chính") to retrieval too.
    result = tasks_container.service.ask("Which department must update the cadastral map of Tan Lap commune?")
    assert not result.abstained and "Sở Nông nghiệp và Môi trường" in result.answer
    assert [(c.source, c.section) for c in result.citations] == [(TASKS_SOURCE, "2")]
