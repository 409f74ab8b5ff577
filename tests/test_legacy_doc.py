"""Legacy Word .doc files: real files of the shared archive, read through antiword (or LibreOffice)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest
from conftest import ROOT, make_container

from ingest.legacy_doc import NO_CONVERTER, antiword_blocks, converter
from ingest.loaders import load_bytes
from ingest.models import IngestError


def archive_docs(shared_dir) -> list:
    files = sorted((shared_dir / "archive").rglob("*.doc"))
    if not files:
        pytest.skip("../shared/archive has no .doc files")
    return files


@pytest.fixture
def with_converter():
    if not converter():
        pytest.skip("neither LibreOffice nor antiword is installed")


def test_antiword_tables_become_blocks_like_the_docx_reader():
    text = ("|ỦY BAN NHÂN DÂN |CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM |\n|TỈNH LÂM ĐỒNG |Độc lập - Tự do - Hạnh phúc |\n\n"
            "KẾ HOẠCH\n\n|STT |Nhiệm vụ |Cơ quan chủ trì |Thời hạn |\n|1 |Rà soát hồ sơ |Sở Nội vụ |Tháng 3/2026 |\n")
    blocks = antiword_blocks(text)
    assert [b.text for b in blocks[:4]] == ["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TỈNH LÂM ĐỒNG",
                                            "Độc lập - Tự do - Hạnh phúc"]  # a layout table: its cells' lines
    assert blocks[4].text == "KẾ HOẠCH" and blocks[4].kind == "paragraph"
    assert [(b.kind, b.table) for b in blocks[5:]] == [("table_header", 0), ("table_row", 0)]
    assert blocks[6].text == "1 | Rà soát hồ sơ | Sở Nội vụ | Tháng 3/2026"


@pytest.mark.shared
def test_every_archive_doc_is_read_with_its_header_and_sections(shared_dir, with_converter, tmp_path):
    files = archive_docs(shared_dir)
    container = make_container(tmp_path / "store", ocr_enabled="false")
    parsed = [container.parser.parse_file(f) for f in files]
    assert all(d.status == "ok" and d.chunks for d in parsed)
    assert all(d.media_type == "application/msword" for d, f in zip(parsed, files) if f.read_bytes()[:2] != b"PK")
    typed = [d for d in parsed if d.meta.doc_type]
    assert len(typed) >= 0.8 * len(parsed)  # the header table read: document type, number, date
    assert sum(bool(d.meta.number) for d in parsed) >= 0.7 * len(parsed)
    assert sum(len(d.sections) > 3 for d in parsed) >= 0.7 * len(parsed)


@pytest.mark.shared
def test_a_doc_is_searchable_after_ingest(shared_dir, with_converter, tmp_path):
    doc = next(f for f in archive_docs(shared_dir) if "ma túy" in f.name.lower() or "KMT" in f.name)
    container = make_container(tmp_path / "store", ocr_enabled="false")
    report = container.ingest_runner.ingest_paths([doc])
    assert [f.status for f in report.files] == ["added"]
    hits = container.service.search("địa bàn cấp xã không ma túy năm 2026", k=3)
    assert hits and hits[0].chunk.source == doc.name


def test_without_a_converter_the_error_says_what_to_install(tmp_path):
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    code = ("import sys\nfrom ingest.loaders import load_bytes\nfrom ingest.models import IngestError\n"
            "try:\n    load_bytes(sys.stdin.buffer.read(), 'cong_van.doc')\nexcept IngestError as e:\n    print(e)\n")
    out = subprocess.run([sys.executable, "-c", code], input=ole2, capture_output=True, cwd=ROOT, timeout=60,
                         env={**os.environ, "PATH": str(tmp_path)}, check=True).stdout.decode()
    assert out.strip() == NO_CONVERTER


def test_a_misnamed_or_damaged_doc_is_a_clear_error(with_converter):
    with pytest.raises(IngestError, match="legacy Word"):
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "bao_cao.txt")
    with pytest.raises(IngestError, match=r"\.doc cannot be read"):
        load_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, "bao_cao.doc")
    with pytest.raises(IngestError, match="not DOC"):
        load_bytes("Thông báo".encode(), "bao_cao.doc")
