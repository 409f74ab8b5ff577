"""Agencies a question names, and whether a passage names the same agency.

Recognition and spelling-insensitive keys come from the fact extractor's agency model
(:mod:`ingest.facts.agencies`: alias table, head words, ``agency_key``), so "Sở KH&ĐT",
"Sở Kế hoạch và Đầu tư" and "so ke hoach va dau tu" are one agency here as in the task rows.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from ingest.facts.agencies import GENERIC, AgencyParser, AliasTable, _short_key, agency_key
from ingest.vietnamese import fold
from ingest.vietnamese import fold_chars, fold_key
from qa_service.answering.lexicon import PROVINCES

# Names that set the scene of a question rather than its subject ("UBND tỉnh Lâm Đồng được ...").
_CONTEXT_NAMES = frozenset({"UBND tỉnh", "HĐND tỉnh"})
# Keys of whole levels of local government ("UBND các xã", "Chủ tịch UBND cấp huyện"): groups, not one agency.
_LEVEL_GROUP = re.compile(r"^(?:chu tich )?ubnd(?: cac| cap)*(?: (?:xa|phuong|huyen|tinh|thi tran|thi xa|thanh pho|"
                          r"dac khu))+$")


# "ubnd phuong 2 bao loc", "uy ban nhan dan xa dinh van lam ha": a named commune, ward or district.
_LOCAL_STOP = (r"phai|duoc|co|la|da|se|can|chu|giao|hoan|thuc|tham|cao|va|cua|ve|tai|trong|theo|khi|nao|gi|o|han|"
               r"tinh|cac|tren|thuoc|lien|xa|phuong|huyen|thi|dac|khu|tran|dat|lap|quy|ket|luan|nam|thang|ngay|tu|"
               r"den|voi|de|nhu|chi|dao|hien|nay")
_LOCAL_GOVERNMENT = re.compile(
    # Not a level of government: "cấp xã", "cấp huyện".
    rf"(?<!cap )\b(?:(?:ubnd|uy ban nhan dan) )?(?:xa|phuong|huyen|thi xa|thi tran|thanh pho)"
    rf"(?P<name>(?: (?!(?:{_LOCAL_STOP})\b)[a-z0-9]+){{1,3}})")


# With capitals, the place's own name is capitalised: "Phường 2 Bảo Lộc", "xã Hiệp Thạnh" (folded, case kept).
_LOCAL_NAMED = re.compile(
    r"\b(?:(?:UBND|Uy ban nhan dan) )?(?:[Xx]a|[Pp]huong|[Hh]uyen|[Tt]hi xa|[Tt]hi tran|[Tt]hanh pho)"
    r"(?P<name>(?: [A-Z0-9][a-z0-9]*){1,3})\b")


# Where a name read from a question stops: its asking words (folded, one character for one).
_ASKING = re.compile(r"\s+(?:(?:do|la|cua|cho|voi)\s+)?(?:ai|nao|gi|khong|chua|bao nhieu|may)\b")

# What is left of "Cơ quan nào ...", "Giám đốc không?" when the asking words are cut: a kind, not a name.
_BARE_HEADS = frozenset({"co quan", "don vi", "to chuc", "ca nhan", "giam doc", "chu tich", "pho chu tich", "lanh dao",
                         "bo phan", "thanh vien", "nha dau tu", "doanh nghiep", "dia phuong", "chu dau tu"})


@dataclass(frozen=True)
class AgencyRef:
    """An agency named in a question: its canonical name and the keys of all its spellings."""

    name: str
    keys: frozenset[str]


@lru_cache(maxsize=1)
def _parser() -> AgencyParser:
    return AgencyParser(AliasTable())


def _trim(key: str) -> str:
    """A key without what a question adds after the name: "ubnd xa o lam dong" -> "ubnd xa"."""
    key = re.split(r" (?:o|cua|thuoc|trong|tren|va han|ket luan|sang|phai|duoc) ", f" {key} ", maxsplit=1)[0]
    for province in PROVINCES:
        key = re.sub(rf"(?: tinh)? {re.escape(province)}\b.*$", "", f" {key}").strip()
    return key.strip()


def _province_cut(written: str) -> str:
    """A name read from a question without the province that follows it ("Sở KH&ĐT Lào Cai")."""
    folded = fold_chars(written)
    for province in PROVINCES:
        match = re.search(rf"(?:\s+tinh)?\s+{re.escape(province)}\b", folded)
        if match:
            return written[: match.start()].strip()
    return written


def _keys(name: str, written: str) -> frozenset[str]:
    spellings = (name, written, *_parser().table.aliases.get(name, ()))
    keys = {_trim(agency_key(s)) for s in spellings}
    return frozenset(k for k in keys if len(k.split()) >= 2 and not _LEVEL_GROUP.match(k))


def question_agencies(question: str) -> list[AgencyRef]:
    """Specific agencies the question names; groups ("các sở, ngành"), question words and the province's
    People's Committee are left out. Questions typed without tone marks find the known names only."""
    parser = _parser()
    found: dict[str, AgencyRef] = {}
    folded = fold_chars(question)
    for word in re.finditer(r"\S+", question):
        pos = word.start()
        mention = parser.one(question, pos) if parser.head_at(question, pos) else None
        if mention is None:
            end = parser.table.match_known(folded, pos)
            if end is None:
                continue
            written = question[pos:end]
            name = parser.table.canonical(written)
        else:
            written, name = mention.text, mention.name
        cut = _province_cut(written)
        # A name read on into the question's asking words ("Giám đốc Quỹ do ai bổ nhiệm", "Giám đốc không?").
        asking = _ASKING.search(fold_chars(cut))
        if asking:
            cut = cut[:asking.start()]
            if len(cut.split()) < 2 or fold_key(cut) in _BARE_HEADS:  # "Cơ quan nào": the question asks which
                continue
        if cut != written:
            written, name = cut, parser.table.canonical(cut)
        if name in GENERIC or name in _CONTEXT_NAMES or name.lower().startswith("các ") or \
                re.search(r"\b(?:nao|gi)\b", fold_key(name)):
            continue
        keys = _keys(name, written)
        if keys:
            found.setdefault(name, AgencyRef(name, keys))
    # A commune, ward or district ("UBND phường 2 Bảo Lộc", "tại xã Hiệp Thạnh"), known by its own name,
    # which documents also write in lists ("UBND các xã: Đức Trọng, Hiệp Thạnh").
    lower_case = not re.search(r"[A-ZĐ]", question[1:])
    pattern, text = (_LOCAL_GOVERNMENT, fold_key(question)) if lower_case else (_LOCAL_NAMED, fold(question))
    for match in pattern.finditer(text):
        key = match.group("name").strip().lower()
        if key in PROVINCES:
            continue
        if not any(any(key in k for k in ref.keys) for ref in found.values()):
            found.setdefault(match.group(0), AgencyRef(match.group(0), frozenset({key})))
    return list(found.values())


def text_key(text: str) -> str:
    """``text`` in the key form of ``agency_key`` (folded, abbreviations shortened), padded with spaces."""
    return f" {_short_key(fold_key(text))} "


PREFIX_WORDS = 3  # a name read from a question may run on past its end; its first words identify it


def names_agency(ref: AgencyRef, keyed_text: str) -> bool:
    """Whether a text (in :func:`text_key` form) names the agency (its full key, or its first words)."""
    return any(f" {key} " in keyed_text or f" {' '.join(key.split()[:PREFIX_WORDS])} " in keyed_text
               for key in ref.keys)


_LABEL = re.compile(r"^\s*(?:[-+•]\s*|\(?[a-zđ\d]+[.)]\s*)*(?:[Gg]iao\s+)?")


@lru_cache(maxsize=4096)
def lead_agency(lead: str) -> str:
    """The agency a lead-in assigns its items to ("b) Giao Sở Tài chính:" -> "Sở Tài chính"), or ``""``."""
    text = _LABEL.sub("", lead, count=1)
    mention = _parser().one(text, 0) if text else None
    return mention.name if mention and mention.name not in GENERIC else ""
