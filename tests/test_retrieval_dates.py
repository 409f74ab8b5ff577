"""Questions naming a day or month lift the documents that mention it (index.dates + the retriever)."""
from __future__ import annotations

from index.dates import iso_key, mentioned_keys, query_keys
from index.retriever import HybridRetriever, RetrievalConfig
from tests.conftest import make_container


def test_query_keys_read_days_and_months_in_every_spelling():
    assert query_keys("Cuộc họp ngày 20/4/2026 nghe báo cáo gì?") == {"20/4/2026"}
    assert query_keys("cuoc hop ngay 20-04-2026") == {"20/4/2026"}
    assert query_keys("ngày 20 tháng 4 năm 2026") == {"20/4/2026"}  # a day, not also its month
    assert query_keys("các thông báo trong tháng 4/2026") == {"4/2026"}
    assert query_keys("thong bao thang 04 nam 2026") == {"4/2026"}
    assert query_keys("Quyết định số 1618/QĐ-UBND năm 2025") == set()  # a number and a year anchor nothing
    assert query_keys("ngày 31/2/2026 hoặc tháng 13/2026") == {"31/2/2026"}  # no month 13
    assert query_keys("What was disbursed by 10 December 2025?") == {"10/12/2025"}
    assert query_keys("Which notices of April 2026 assign tasks?") == {"4/2026"}
    assert query_keys("the meeting of April 20, 2026") == {"20/4/2026"}


def test_documents_mention_days_and_their_months():
    keys = mentioned_keys("Ngày 21/4/2026, đồng chí ... kết luận; hoàn thành trước ngày 15 tháng 5 năm 2026.")
    assert {"21/4/2026", "4/2026", "15/5/2026", "5/2026"} <= keys
    assert iso_key("2026-04-22") == {"22/4/2026", "4/2026"}
    assert iso_key("") == set()


def _notice(day: str, month: str, task: str) -> str:
    return (f"ỦY BAN NHÂN DÂN TỈNH HÒA AN\nSố: {day}/TB-UBND\nHòa An, ngày {day} tháng {month} năm 2025\n"
            f"THÔNG BÁO\nKết luận của Chủ tịch UBND tỉnh tại cuộc họp về đầu tư công\n"
            f"Ngày {day}/{month}/2025, Chủ tịch UBND tỉnh chủ trì cuộc họp về giải ngân vốn đầu tư công.\n"
            f"I. Kết luận\n1. {task}\n")


def test_a_named_month_lifts_the_notice_of_that_month(tmp_path):
    folder = tmp_path / "docs"
    folder.mkdir()
    # The March notice repeats the query's words more often: without the date it ranks first.
    (folder / "tb_march.txt").write_text(_notice("10", "3", "Giao Sở Tài chính chủ trì tham mưu giải ngân vốn đầu tư "
                                                 "công, bố trí vốn đầu tư công cho các dự án đầu tư công."),
                                         encoding="utf-8")
    (folder / "tb_may.txt").write_text(_notice("12", "5", "Giao Sở Tài chính rà soát kế hoạch vốn của các dự án "
                                               "chậm giải ngân."), encoding="utf-8")
    container = make_container(tmp_path / "store")
    assert container.ingest_runner.ingest_paths([folder]).ok
    question = "Sở Tài chính được giao gì về giải ngân vốn đầu tư công tháng 5/2025?"
    plain = HybridRetriever(container.store, RetrievalConfig(date_boost=0.0)).search(question, k=3)
    dated = HybridRetriever(container.store, RetrievalConfig()).search(question, k=3)
    assert plain[0].chunk.source == "tb_march.txt"
    assert dated[0].chunk.source == "tb_may.txt"
    # A question naming no date ranks as before.
    undated = "Sở Tài chính được giao gì về giải ngân vốn đầu tư công?"
    assert [h.chunk.chunk_id for h in HybridRetriever(container.store).search(undated, k=3)] == \
        [h.chunk.chunk_id for h in HybridRetriever(container.store, RetrievalConfig(date_boost=0.0)).search(undated,
                                                                                                            k=3)]
