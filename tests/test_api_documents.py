"""The documents API over HTTP on a writable store: upload (real DOCX/PDF/TXT) then ask, limits on size
and type, unsafe file names, the API key, listing with filters and export, detail, delete."""
from __future__ import annotations

import csv
import io
import os
from pathlib import Path

import httpx
import pytest
from conftest import LiveServer, make_container
from docgen import write_docx, write_pdf

from qa_service.api.uploads import outcome_status, upload_status

KEY = "k3y-for-tests"
AUTH = {"X-API-Key": KEY}
LIMIT_MB = 0.25


def notice(number: str, date: tuple[int, int, int], doc_type: str, title: str, items: list[str]) -> list[str]:
    """The lines of a small administrative document in the usual layout."""
    day, month, year = date
    return ["ỦY BAN NHÂN DÂN", "TỈNH HÒA SƠN", f"Số: {number}", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc", f"Hòa Sơn, ngày {day:02d} tháng {month:02d} năm {year}", doc_type, title,
            "Căn cứ kết luận của Thường trực UBND tỉnh, UBND tỉnh thông báo như sau:", "I. NHIỆM VỤ", *[f"{i}. {item}" for i, item in enumerate(items, start=1)],
            "II. TỔ CHỨC THỰC HIỆN", "Văn phòng UBND tỉnh theo dõi, đôn đốc việc thực hiện."]


def txt(lines: list[str]) -> bytes:
    return "\n".join(lines).encode("utf-8")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    container = make_container(tmp_path_factory.mktemp("upload-store") / "data", api_key=KEY, max_upload_mb=LIMIT_MB)
    with LiveServer(_app(container)) as live:
        live.container = container
        yield live


def _app(container):
    from qa_service.api import create_app

    return create_app(container=container)


def upload(server, *files: tuple[str, bytes], headers=AUTH) -> httpx.Response:
    return httpx.post(f"{server.url}/v1/documents", files=[("files", (name, data)) for name, data in files],
                      headers=headers, timeout=120)


def multipart(filename: str, data: bytes) -> tuple[bytes, dict]:
    """A multipart body written by hand, so the file name reaches the server byte for byte (clients
    percent-encode control characters)."""
    boundary = "notice-qa-test-boundary"
    body = (f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{filename}"\r\n'
            f"Content-Type: application/octet-stream\r\n\r\n").encode() + data + f"\r\n--{boundary}--\r\n".encode()
    return body, {**AUTH, "Content-Type": f"multipart/form-data; boundary={boundary}"}


def documents(server, **params) -> dict:
    r = httpx.get(f"{server.url}/v1/documents", params=params)
    assert r.status_code == 200, r.text
    return r.json()


def ask(server, question: str) -> dict:
    r = httpx.post(f"{server.url}/v1/ask", json={"question": question}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_upload_real_docx_and_pdf_then_ask_cites_them(server, tmp_path):
    docx_path = write_docx(tmp_path / "TB_88_phong_chong_thien_tai.docx", notice(
        "88/TB-UBND", (12, 6, 2025), "THÔNG BÁO", "Kết luận về công tác phòng chống thiên tai năm 2025",
        [("Giao Sở Nông nghiệp và Môi trường chủ trì rà soát an toàn các hồ chứa thủy lợi xung yếu, "
          "hoàn thành trước ngày 15/7/2025."),
         "Giao Công an tỉnh xây dựng phương án sơ tán dân cư vùng ven sông."]))
    lines = notice("91/TB-UBND", (20, 6, 2025), "THÔNG BÁO", "Kết luận về sửa chữa cầu đường giao thông nông thôn",
                   ["Giao Sở Xây dựng chủ trì khảo sát hiện trạng các cầu yếu trên tuyến đường tỉnh."])
    pdf_path = write_pdf(tmp_path / "TB_91_cau_duong.pdf", [
        lines[:10], [("2. Giao Ban Quản lý dự án giao thông chủ trì sửa chữa cầu treo Khe Lim, hoàn thành trước "
                      "ngày 30/8/2025."), *lines[10:]]])
    r = upload(server, (docx_path.name, docx_path.read_bytes()), (pdf_path.name, pdf_path.read_bytes()))
    assert r.status_code == 201, r.text
    body = r.json()
    assert [(f["source"], f["status"]) for f in body["files"]] == [(docx_path.name, "added"), (pdf_path.name, "added")]
    assert all(f["chunks"] > 0 and len(f["doc_id"]) == 16 for f in body["files"])

    answer = ask(server, "Sở Nông nghiệp và Môi trường phải rà soát hồ chứa thủy lợi xung yếu trước ngày nào?")
    assert not answer["abstained"]
    first = answer["citations"][0]
    assert first["source"] == docx_path.name and "15/7/2025" in first["text"] and first["number"] == "88/TB-UBND"

    answer = ask(server, "Ai chủ trì sửa chữa cầu treo Khe Lim?")
    first = answer["citations"][0]
    assert first["source"] == pdf_path.name and "Khe Lim" in first["text"] and first["page_start"] == 2

    again = upload(server, (docx_path.name, docx_path.read_bytes()))
    assert again.status_code == 200 and again.json()["files"][0]["status"] == "unchanged"


def test_document_detail_has_the_section_tree_with_pages(server):
    lines = notice("93/KH-UBND", (1, 7, 2025), "KẾ HOẠCH", "Chuẩn bị năm học mới 2025-2026",
                   ["Giao Sở Giáo dục và Đào tạo chủ trì rà soát trường lớp trước ngày 15/8/2025.",
                    "Giao Sở Xây dựng chủ trì sửa chữa phòng học xuống cấp."])
    doc_id = upload(server, ("KH_93_nam_hoc.txt", txt(lines))).json()["files"][0]["doc_id"]
    detail = httpx.get(f"{server.url}/v1/documents/{doc_id}").json()
    assert detail["number"] == "93/KH-UBND" and detail["date"] == "2025-07-01" and detail["text"] is None
    assert detail["doc_type"] == "KẾ HOẠCH" and detail["title"] == "Chuẩn bị năm học mới 2025-2026"
    sections = detail["sections"]
    labels = {s["label"] for s in sections}
    assert any(s["parent"] for s in sections) and all(s["parent"] in labels for s in sections if s["parent"])
    text = httpx.get(f"{server.url}/v1/documents/{doc_id}", params={"include_text": "true"}).json()["text"]
    holders = [s for s in sections if "Giao Sở Giáo dục và Đào tạo" in text[s["start"]:s["end"]]]
    assert holders and all(s["page_start"] == s["page_end"] == 1 for s in holders)
    innermost = max(holders, key=lambda s: s["level"])
    assert innermost["parent"] and "Sở Xây dựng" not in text[innermost["start"]:innermost["end"]]


@pytest.mark.parametrize("raw, stored", [
    ("../../evil-upload.txt", "evil-upload.txt"),
    ("..\\..\\windows\\evil-upload2.txt", "evil-upload2.txt"),
    ("/etc/cron.d/evil-upload3.txt", "evil-upload3.txt"),
    ("nul\x00byte\x01\x7f.txt", "nul byte.txt"),
    ("a" * 300 + ".txt", "a" * 116 + ".txt"),
])
def test_unsafe_file_names_are_reduced_to_plain_names(server, raw, stored):
    data_dir = server.container.settings.data_dir
    before = set(data_dir.parent.rglob("*")) | set(Path.cwd().iterdir())
    lines = notice("95/TB-UBND", (2, 7, 2025), "THÔNG BÁO", f"Kết luận thử tên tệp {len(raw)}",
                   [f"Giao Sở Tư pháp chủ trì kiểm tra tên tệp số {len(raw)}."])
    body, headers = multipart(raw, txt(lines))
    r = httpx.post(f"{server.url}/v1/documents", content=body, headers=headers, timeout=60)
    assert r.status_code == 201, r.text
    assert r.json()["files"][0]["source"] == stored
    after = set(data_dir.parent.rglob("*")) | set(Path.cwd().iterdir())
    assert all(data_dir in path.parents for path in after - before)  # nothing written outside the data dir
    for place in (data_dir.parent, data_dir.parent.parent, Path.cwd(), Path.cwd().parent, Path("/etc/cron.d")):
        assert not (place / stored).exists()
    assert any(d["source"] == stored for d in documents(server, limit=1000)["documents"])


def test_bad_files_are_refused_with_clear_errors_and_nothing_is_stored(server):
    count = documents(server)["total"]
    cases = [
        (("virus.exe", b"MZ\x90\x00"), 415, "unsupported file type .exe"),
        (("no_extension", b"plain words"), 415, "unsupported file type"),
        (("fake.pdf", b"<html><body>not a pdf</body></html>"), 422, "not PDF"),
        (("empty.txt", b""), 422, "empty"),
        (("broken.docx", b"PK\x03\x04 truncated zip"), 422, ""),
        (("just_under_the_request_limit.txt", b"a" * int(LIMIT_MB * 1024 * 1024 + 1000)), 413, "limit"),
    ]
    for (name, data), status, words in cases:
        r = upload(server, (name, data))
        assert r.status_code == status, (name, r.text)
        body = r.json()
        assert body["files"][0]["status"] == "error" and words in body["files"][0]["message"], body
        assert body["detail"]
    assert documents(server)["total"] == count


def test_a_batch_with_good_and_bad_files_is_207(server):
    lines = notice("97/TB-UBND", (3, 7, 2025), "THÔNG BÁO", "Kết luận về lô tệp hỗn hợp",
                   ["Giao Sở Nội vụ chủ trì tổng hợp."])
    r = upload(server, ("fake2.pdf", b"not a pdf at all"), ("TB_97_lo_hon_hop.txt", txt(lines)))
    assert r.status_code == 207
    assert [f["status"] for f in r.json()["files"]] == ["error", "added"]


def test_oversized_uploads_are_413_whether_declared_or_streamed(server):
    count = documents(server)["total"]
    big = b"a" * int(LIMIT_MB * 1024 * 1024 * 2)
    declared = upload(server, ("big.txt", big))
    assert declared.status_code == 413 and "limit" in declared.json()["detail"]
    body, headers = multipart("big.txt", big)

    def stream():  # no Content-Length: the server counts the bytes as they arrive
        for i in range(0, len(body), 32_768):
            yield body[i:i + 32_768]

    streamed = httpx.post(f"{server.url}/v1/documents", content=stream(), headers=headers, timeout=60)
    assert streamed.status_code == 413 and "limit" in streamed.json()["detail"]
    assert documents(server)["total"] == count


def test_write_endpoints_need_the_api_key(server):
    lines = notice("99/TB-UBND", (4, 7, 2025), "THÔNG BÁO", "Kết luận về khóa API",
                   ["Giao Sở Khoa học và Công nghệ chủ trì bảo mật hệ thống."])
    for headers in ({}, {"X-API-Key": "wrong"}, {"X-API-Key": KEY + "x"}):
        r = upload(server, ("TB_99_khoa.txt", txt(lines)), headers=headers)
        assert r.status_code == 401 and "API key" in r.json()["detail"]
    doc_id = upload(server, ("TB_99_khoa.txt", txt(lines))).json()["files"][0]["doc_id"]
    assert httpx.delete(f"{server.url}/v1/documents/{doc_id}").status_code == 401
    assert httpx.delete(f"{server.url}/v1/documents/{doc_id}", headers={"X-API-Key": "wrong"}).status_code == 401
    assert httpx.get(f"{server.url}/v1/documents/{doc_id}").status_code == 200  # reads stay open


def test_delete_removes_the_document_from_search(server):
    lines = notice("101/TB-UBND", (5, 7, 2025), "THÔNG BÁO", "Kết luận về quản lý khoáng sản cát sỏi lòng sông",
                   ["Giao Sở Công Thương chủ trì kiểm tra các mỏ cát sỏi lòng sông Trà Khúc."])
    doc_id = upload(server, ("TB_101_cat_soi.txt", txt(lines))).json()["files"][0]["doc_id"]
    query = {"q": "mỏ cát sỏi lòng sông Trà Khúc", "limit": 50}
    hits = httpx.get(f"{server.url}/v1/search", params=query).json()["passages"]
    assert any(p["doc_id"] == doc_id for p in hits)
    r = httpx.delete(f"{server.url}/v1/documents/{doc_id}", headers=AUTH)
    assert r.status_code == 200 and r.json() == {"doc_id": doc_id, "source": "TB_101_cat_soi.txt", "deleted": True}
    assert httpx.get(f"{server.url}/v1/documents/{doc_id}").status_code == 404
    hits = httpx.get(f"{server.url}/v1/search", params=query).json()["passages"]
    assert all(p["doc_id"] != doc_id for p in hits)
    again = httpx.delete(f"{server.url}/v1/documents/{doc_id}", headers=AUTH)
    assert again.status_code == 404 and doc_id in again.json()["detail"]


def test_list_filters_pagination_and_export(server):
    plans = [("KH_201_rung.txt", "201/KH-UBND", (10, 1, 2024), "KẾ HOẠCH", "Trồng rừng thay thế năm 2024"),
             ("KH_202_rung.txt", "202/KH-UBND", (10, 3, 2024), "KẾ HOẠCH", "Bảo vệ rừng đầu nguồn năm 2024"),
             ("BC_203_rung.txt", "203/BC-UBND", (10, 5, 2024), "BÁO CÁO", "Kết quả bảo vệ rừng năm 2024")]
    for source, number, date, doc_type, title in plans:
        r = upload(server, (source, txt(notice(number, date, doc_type, title, ["Giao Sở Nông nghiệp chủ trì."]))))
        assert r.status_code == 201, r.text
    forest = documents(server, q="rừng năm 2024")
    assert [d["source"] for d in forest["documents"]] == ["BC_203_rung.txt", "KH_202_rung.txt", "KH_201_rung.txt"]
    assert documents(server, q="rung", sort="date_asc")["documents"][0]["source"] == "KH_201_rung.txt"
    assert documents(server, q="rừng", doc_type="ke hoach")["total"] == 2
    spring = documents(server, q="rừng", date_from="2024-02-01", date_to="2024-04-30")
    assert [d["number"] for d in spring["documents"]] == ["202/KH-UBND"]
    assert documents(server, q="rừng", issuer="hòa sơn")["total"] == 3
    assert documents(server, q="rừng", issuer="Lâm Đồng")["total"] == 0
    assert documents(server, q="203/BC-UBND")["documents"][0]["source"] == "BC_203_rung.txt"
    # Uploads come from no folder; drafts and issued versions filter by role.
    assert documents(server, q="rừng", folder="ho so 2024")["total"] == 0
    assert documents(server, q="rừng")["documents"][0]["folder"] == ""
    assert documents(server, q="rừng", role="issued")["total"] == sum(
        d["version_role"] == "issued" for d in forest["documents"])
    page2 = documents(server, q="rừng", limit=1, page=2)
    assert page2["total"] == 3 and page2["offset"] == 1 and page2["documents"][0]["source"] == "KH_202_rung.txt"

    r = httpx.get(f"{server.url}/v1/documents", params={"q": "rừng", "format": "csv"})
    assert r.headers["content-type"].startswith("text/csv") and "notice-qa-documents.csv" in r.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert [row["number"] for row in rows] == ["203/BC-UBND", "202/KH-UBND", "201/KH-UBND"]
    assert rows[0]["doc_type"] == "BÁO CÁO" and rows[0]["date"] == "2024-05-10"
    exported = httpx.get(f"{server.url}/v1/documents", params={"q": "rừng", "format": "json"})
    assert "attachment" in exported.headers["content-disposition"] and exported.json() == forest

    for params in ({"foo": "1"}, {"limit": 0}, {"sort": "size"}, {"date_to": "2024-02-31"}, {"role": "signed"}):
        bad = httpx.get(f"{server.url}/v1/documents", params=params)
        assert bad.status_code == 422 and bad.json()["errors"], params


def test_csv_cells_that_would_run_as_formulas_are_neutralised(server):
    title = "=HYPERLINK(\"http://evil.example\",\"bấm vào\") kế hoạch công thức"
    lines = notice("301/KH-UBND", (1, 8, 2025), "KẾ HOẠCH", title, ["- Giao Sở Tài chính chủ trì."])
    assert upload(server, ("KH_301_cong_thuc.txt", txt(lines))).status_code == 201
    rows = list(csv.DictReader(io.StringIO(httpx.get(
        f"{server.url}/v1/documents", params={"q": "kế hoạch công thức", "format": "csv"}).content.decode("utf-8-sig"))))
    assert rows and rows[0]["title"].startswith("'=HYPERLINK")


def test_the_server_reads_uploads_without_writing_them_under_their_names(server):
    """The upload's bytes are parsed in memory; the data directory holds only the store's own files."""
    names = {p.name for p in server.container.settings.data_dir.iterdir()}
    assert names <= {"catalog.sqlite3", "catalog.sqlite3-wal", "catalog.sqlite3-shm", "dense.faiss", "dense.json",
                     "lexical.npz", ".write.lock"} | {n for n in names if n.startswith(("facts", "tasks"))}
    assert not any(n.endswith((".txt", ".pdf", ".docx")) for n in os.listdir(server.container.settings.data_dir))


@pytest.mark.parametrize("statuses, expected", [
    (["added"], 201), (["unchanged", "replaced"], 201), (["unchanged"], 200), (["flagged"], 200),
    (["error"], 422), (["error", "added"], 207), (["error", "flagged"], 207),
])
def test_upload_status_from_the_files_outcomes(statuses, expected):
    assert upload_status([outcome_status(s) for s in statuses]) == expected
    assert upload_status([415, 415]) == 415 and upload_status([415, 413]) == 422
