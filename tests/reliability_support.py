"""Shared pieces of the reliability tests: hostile files, legacy-encoded notices, store snapshots.

A snapshot records what "the store is untouched" means: the catalog generation (bumped by every
write), each document with its chunk count and fingerprint, the sizes of the FAISS and BM25
caches, and the answer to a known question with its citation.
"""
from __future__ import annotations

import io
import random
import shutil
import unicodedata
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import Path

from conftest import EXAMPLES
from docgen import write_pdf

KNOWN_QUESTION = "Sở Tài chính phải báo cáo kịch bản thu ngân sách trước ngày nào?"
KNOWN_SOURCE, KNOWN_SECTION, KNOWN_WORDS = "TB_15_phien_hop_thang_01_2025.txt", "II.2.1", "31/01/2025"

LEGACY_NOTICE = """ỦY BAN NHÂN DÂN TỈNH HÒA SƠN
Số: 77/TB-UBND
Hòa Sơn, ngày 05 tháng 3 năm 2025
THÔNG BÁO
Kết luận về công tác bảo vệ rừng phòng hộ đầu nguồn
I. NHIỆM VỤ
1. Giao Sở Nông nghiệp và Môi trường chủ trì tuần tra bảo vệ rừng phòng hộ đầu nguồn sông Trà Khúc, \
báo cáo kết quả trước ngày 30/6/2025.
2. Giao Công an tỉnh phối hợp xử lý nghiêm các vụ phá rừng trái phép.
"""


@dataclass(frozen=True)
class Snapshot:
    generation: int
    documents: tuple[tuple[str, str, int, str], ...]  # (doc_id, source, chunk_count, fingerprint)
    chunks: int
    dense_size: int
    lexical_size: int
    answer: str
    citation: tuple[str, str, str]  # (source, section, quoted text) of the first citation


def snapshot(container) -> Snapshot:
    """What the store holds now, and what it answers to the known question."""
    store = container.store
    store.refresh()
    docs = tuple((d.doc_id, d.source, d.chunk_count, store.catalog.fingerprint(d.doc_id) or "")
                 for d in store.documents())
    answer = container.service.ask(KNOWN_QUESTION)
    first = answer.citations[0]
    return Snapshot(store.catalog.generation, docs, store.catalog.count_chunks(), store.dense.size,
                    store.lexical.size, answer.answer, (first.source, first.section, first.text))


def assert_known_answer(snap: Snapshot) -> None:
    source, section, text = snap.citation
    assert (source, section) == (KNOWN_SOURCE, KNOWN_SECTION) and KNOWN_WORDS in text, snap.citation


def assert_documents_whole(store) -> None:
    """Every document wholly present (its chunks all there, none missing or orphaned) and the caches
    holding exactly the catalog's chunks."""
    store.refresh()
    conn = store.catalog._conn()
    counts = dict(conn.execute("SELECT doc_id, COUNT(*) FROM chunks GROUP BY doc_id").fetchall())
    documents = store.documents()
    for doc in documents:
        assert counts.pop(doc.doc_id, 0) == doc.chunk_count, doc.source
    assert not counts, f"chunks of documents not in the catalog: {counts}"
    total = store.catalog.count_chunks()
    assert store.dense.size == store.lexical.size == total
    ids = {int(r[0]) for r in conn.execute("SELECT chunk_id FROM chunks")}
    assert set(store.lexical._rows) == ids
    assert len({d.source for d in documents}) == len(documents), "a file stored twice"


def wait_until_serving(url: str, server, log_path: Path | None = None) -> None:
    """Wait (up to about two minutes) until the server process at ``url`` answers /healthz."""
    import time

    import httpx

    for _ in range(600):
        try:
            if httpx.get(f"{url}/healthz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            assert server.poll() is None, log_path.read_text(errors="replace") if log_path else "server exited"
            time.sleep(0.2)
    raise AssertionError(f"{url} did not answer /healthz")


def copy_store(source_dir: Path, target_dir: Path) -> Path:
    """A private copy of a store directory (the source must not be written meanwhile)."""
    shutil.copytree(source_dir, target_dir)
    return target_dir


# -- hostile files -------------------------------------------------------------------------------
def _encrypted_pdf(plain: bytes) -> bytes:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for page in PdfReader(io.BytesIO(plain)).pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_of_objects(objects: list[bytes]) -> bytes:
    """A PDF written by hand from its object bodies (object 1 is the catalog), with a correct xref table."""
    out, offsets = bytearray(b"%PDF-1.5\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def flate_bomb_pdf(decoded_mb: int = 1024) -> bytes:
    """A one-page PDF of about 13 kB whose content stream inflates to ``decoded_mb`` MB of spaces (deflated twice,
    which PDF filter arrays allow): read in the asking process it takes gigabytes."""
    deflate, block, parts = zlib.compressobj(1), b" " * (64 << 20), []
    parts += [deflate.compress(block) for _ in range(decoded_mb // 64)]
    stream = zlib.compress(b"".join(parts) + deflate.flush(), 9)
    return pdf_of_objects([
        b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Contents 4 0 R>>",
        b"<</Length %d/Filter[/FlateDecode/FlateDecode]>>\nstream\n" % len(stream) + stream + b"\nendstream"])


def page_tree_cycle_pdf() -> bytes:
    """A PDF whose page tree lists itself as its own second page."""
    return pdf_of_objects([b"<</Type/Catalog/Pages 2 0 R>>", b"<</Type/Pages/Kids[3 0 R 2 0 R]/Count 2>>",
                           b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>"])


def _pdf_of_pages(count: int) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    for _ in range(count):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip_bomb_docx() -> bytes:
    """40 MB of zeros in word/document.xml, about 40 kB packed (a 1000-fold expansion)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive, \
            archive.open("word/document.xml", "w") as fh:
        block = b"\0" * (1 << 20)
        for _ in range(40):
            fh.write(block)
    return out.getvalue()


def _scrambled(data: bytes, seed: int = 8) -> bytes:
    """Every 7th byte of the last two thirds replaced: a file damaged in storage or transfer."""
    rng = random.Random(seed)
    damaged = bytearray(data)
    for i in range(len(damaged) // 3, len(damaged), 7):
        damaged[i] = rng.randrange(256)
    return bytes(damaged)


def hostile_files(tmp_path: Path) -> dict[str, tuple[bytes, str]]:
    """File name -> (bytes, words the refusal must contain), one file per hostile kind."""
    pdf = (EXAMPLES / "TB_27_giai_ngan_dau_tu_cong.pdf").read_bytes()
    plain = write_pdf(tmp_path / "secret.pdf", [["Thông báo mật: kế hoạch kiểm tra nội bộ năm 2025."]]).read_bytes()
    return {
        "zero_bytes.pdf": (b"", "empty file"),
        "truncated.pdf": (pdf[: len(pdf) // 2], "damaged or truncated"),
        "corrupt.pdf": (_scrambled(pdf), "damaged or truncated"),
        "encrypted.pdf": (_encrypted_pdf(plain), "encrypted"),
        "two_thousand_pages.pdf": (_pdf_of_pages(2000), "2000 pages, over the 1500-page limit"),
        "zip_bomb.docx": (_zip_bomb_docx(), "zip bomb"),
        "flate_bomb.pdf": (flate_bomb_pdf(), "MB of memory"),
        "page_tree_cycle.pdf": (page_tree_cycle_pdf(), "damaged or truncated"),
        "html_named.pdf": (b"<!DOCTYPE html><html><body><h1>Th\xc3\xb4ng b\xc3\xa1o</h1></body></html>", "not PDF"),
        "unknown_encoding.txt": (bytes(range(128, 256)) * 20, "does not read as Vietnamese"),
    }


# -- legacy Vietnamese encodings (test inputs; ingest.encodings reads them) ------------------------
_TONES = {"\u0301": 0, "\u0300": 1, "\u0309": 2, "\u0303": 3, "\u0323": 4}  # acute grave hook tilde dot


def _split(ch: str) -> tuple[str, str, int | None]:
    """A letter as (base letter with its vowel mark, vowel mark, tone index or None)."""
    parts = unicodedata.normalize("NFD", ch)
    tone = next((_TONES[c] for c in parts if c in _TONES), None)
    base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
    mark = "\u0302" if "\u0302" in parts else "\u0306" if "\u0306" in parts else ""
    return base, mark, tone


def to_cp1258(text: str) -> bytes:
    """Windows-1258: â ă ê ô ơ ư đ precomposed, tone marks as combining characters after the letter."""
    out = []
    for ch in text:
        base, _, tone = _split(ch)
        out.append(base + ("" if tone is None else next(k for k, v in _TONES.items() if v == tone)))
    return "".join(out).encode("cp1258")


_TCVN3_PLAIN = {"ă": "¨", "â": "©", "ê": "ª", "ô": "«", "ơ": "¬", "ư": "\u00ad", "đ": "®",
                "Ă": "¡", "Â": "¢", "Ê": "£", "Ô": "¤", "Ơ": "¥", "Ư": "¦", "Đ": "§"}
# TCVN3 bytes of the toned letters, tone order acute grave hook tilde dot, per base letter.
_TCVN3_TONED = {"a": "¸µ¶·¹", "ă": "¾»¼½Æ", "â": "ÊÇÈÉË", "e": "ÐÌÎÏÑ", "ê": "ÕÒÓÔÖ", "i": "Ý×ØÜÞ",
                "o": "ãßáâä", "ô": "èåæçé", "ơ": "íêëìî", "u": "óïñòô", "ư": "øõö÷ù", "y": "ýúûüþ"}


def to_tcvn3(text: str) -> bytes:
    """TCVN3 (ABC) bytes as Windows-1252 reads them; toned capitals are typed as their lower-case
    letter, as the ABC fonts draw them (so they come back lower case)."""
    out = []
    for ch in text:
        base, _, tone = _split(ch)
        if tone is not None:
            out.append(_TCVN3_TONED[base.lower()][tone])
        else:
            out.append(_TCVN3_PLAIN.get(base, base))
    return "".join(out).encode("cp1252")


_VNI_TONE_CHARS = {"": "ùøûõï", "\u0302": "áàåãä", "\u0306": "éèúüë"}
_VNI_LETTERS = {"ơ": "ô", "Ơ": "Ô", "ư": "ö", "Ư": "Ö", "đ": "ñ", "Đ": "Ñ"}
_VNI_I = {"i": "íìæóò", "I": "ÍÌÆÓÒ"}


def to_vni(text: str) -> bytes:
    """VNI Windows bytes as Windows-1252 reads them: a base vowel, then a vowel mark and/or tone key."""
    out = []
    for ch in text:
        base, mark, tone = _split(ch)
        if base in _VNI_I and tone is not None:
            out.append(_VNI_I[base][tone])
            continue
        if base in _VNI_LETTERS:
            letter, mark = _VNI_LETTERS[base], ""
        else:
            letter = unicodedata.normalize("NFD", base)[0] if mark else base
        if tone is not None:
            key = _VNI_TONE_CHARS[mark][tone]
            out.append(letter + (key.upper() if letter.isupper() else key))
        elif mark:
            key = "â" if mark == "\u0302" else "ê"
            out.append(letter + (key.upper() if letter.isupper() else key))
        else:
            out.append(letter)
    return "".join(out).encode("cp1252")


def numbered_notice(i: int) -> str:
    """A distinct small notice (its own number, place and deadline) that does not touch the known answer."""
    return (LEGACY_NOTICE.replace("77/TB-UBND", f"{300 + i}/TB-UBND")
            .replace("sông Trà Khúc", f"tiểu khu {100 + i}").replace("30/6/2025", f"{i % 28 + 1}/7/2025"))


def write_notices(folder: Path, count: int, start: int = 0) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(start, start + count):
        path = folder / f"TB_{300 + i}_rung.txt"
        path.write_text(numbered_notice(i), encoding="utf-8")
        paths.append(path)
    return paths
