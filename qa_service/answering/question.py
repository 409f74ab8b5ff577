"""What a question asks: its kind, the facets its answer must state, its content terms and details.

Questions arrive in Vietnamese with tone marks, without them ("so tai chinh lao cai duoc giao
nhiem vu gi"), and in English. Everything is read on folded text (``ingest.vietnamese.fold``), so the
three forms give the same analysis; English words are mapped to the Vietnamese words documents use.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from index.dates import ENGLISH_MONTHS
from ingest.vietnamese import fold, has_diacritics, tokenize
from qa_service.answering.agencies import AgencyRef, question_agencies
from qa_service.answering.bounds import DateBound, date_bound
from qa_service.answering.lexicon import (
    ABBREVIATIONS,
    ENGLISH_GLOSSARY,
    ENGLISH_PHRASES,
    PROVINCES,
    QUESTION_FRAME,
    STOPWORDS,
)

# Facets: what the answer has to state. A question may ask several ("who leads, by when?").
AGENCY = "agency"  # who: an agency, unit or person
DATE = "date"  # when: a date, a period, a frequency
NUMBER = "number"  # how many / how much / what share
LIST = "list"  # every item of an enumeration
TARGET = "target"  # a goal or indicator to reach ("phấn đấu", "tối thiểu", "chỉ tiêu")
PLACE = "place"  # where ("ở đâu", "tại đâu")
SIGNER = "signer"  # who signed the document

# Question kinds, in the order used to name a question with several facets.
RESPONSIBILITY, DEADLINE, FIGURE, LIST_KIND, FACTOID = "responsibility", "deadline", "figure", "list", "factoid"

_CUES: dict[str, tuple[str, ...]] = {
    AGENCY: ("co quan nao", "don vi nao", "so nao", "ban nao", "bo nao", "to chuc nao", "doanh nghiep nao",
             "ai", "do ai", "la ai", "nhung ai", "nhung co quan nao", "nhung don vi nao", "voi ai",
             "gui ve dau", "gui den dau", "gui cho ai", "who", "whom", "which agency", "which department",
             "which unit", "which body", "which authority", "which organisation", "which organization",
             "which enterprise", "which company", "responsible"),
    DATE: ("khi nao", "bao gio", "ngay nao", "thang nao", "nam nao", "quy nao", "thoi han", "han chot",
           "truoc ngay", "cham nhat", "tan suat", "dinh ky", "thoi gian nao", "thoi diem nao", "luc nao",
           "bao lau", "may gio", "what time", "when", "deadline", "what date", "which date", "how often", "due",
           "by what date"),
    NUMBER: ("bao nhieu", "may", "ty le", "muc nao", "con so", "so luong", "phan tram",
             "how many", "how much", "what share", "what percentage", "what proportion", "what rate",
             "what percent", "what is the total", "what was the total"),
    PLACE: ("o dau", "tai dau", "dia diem nao", "noi nao", "where"),
    SIGNER: ("ai ky", "nguoi ky", "do ai ky", "ky ban hanh", "ky thong bao", "who signed", "signed by", "signatory"),
    TARGET: ("muc tieu", "chi tieu", "phan dau", "toi thieu", "it nhat", "target", "goal"),
    LIST: ("nhung gi", "gom nhung", "gom gi", "bao gom", "nhung noi dung", "nhung nhiem vu", "nhung yeu to",
           "nhung su kien", "nhung chi so", "nhung chi tieu", "cac chi tieu", "nhung thong bao", "nhung ton tai",
           "nhung han che", "nhung doan", "nhung nen tang", "nhung linh vuc", "nhung van ban", "nhung giai phap",
           "nhung viec", "nhung hang muc", "nhung kho khan", "nhung de xuat", "nhung kien nghi", "liet ke",
           "what are the", "which are the", "list", "what tasks", "which tasks", "which notices"),
}
# "hạn" alone asks a deadline; folded it also begins "hạn chế", "trễ hạn"/"đúng hạn" are states, and
# "giới hạn", "quyền hạn", "vô hạn", "hữu hạn" are no time at all.
_DEADLINE_HAN = re.compile(r"(?<!tre )(?<!dung )(?<!qua )(?<!gioi )(?<!quyen )(?<!vo )(?<!huu )\bhan\b(?! che| muc)")
# Asking what an agency named in the question must do is a responsibility question too.
_TASK_ASK = re.compile(r"\b(nhiem vu gi|nhiem vu nao|nhung nhiem vu|phai lam gi|lam gi|chi dao nhung gi|"
                       r"phai chuan bi gi|chuan bi gi|duoc giao|giao nhiem vu|chiu trach nhiem|chu tri|phoi hop|"
                       r"what must|tasks?|assigned)\b")
_AGENCY_HEAD = re.compile(r"\b(so|bo|ban|uy ban|ubnd|cuc|chi cuc|van phong|cong an|trung tam|kho bac|"
                          r"nha dau tu|tap doan|cong ty|hoi dong|department|ministry|committee|investor)\b")


# Phrases that only frame the question ("bao nhiêu", "như thế nào"), removed before reading its terms.
_FRAME = re.compile(r"\b(?:bao nhieu|nhu the nao|the nao|khi nao|o dau|la gi|la ai|bao gio|ra sao|hay khong|"
                    r"co phai|nhung gi|cai gi|gom nhung|dieu gi|lam gi|nhung viec gi|viec gi)\b")
# Questions that gather or compare facts across documents.
_MULTI_DOCUMENT = re.compile(r" (?:nhung|cac|hai|ca hai) (?:thong bao|van ban|ket luan|quyet dinh|ke hoach) |"
                             r" moi thong bao |"
                             r" so voi (?:chi tieu|muc tieu|ke hoach) | da dat chua | notices | each notice | both |"
                             r" documents | compared ")
# Question words: a question with several asks several things ("ngày nào và ở đâu", "ai chủ trì, hạn khi nào").
_ASKS = re.compile(r"\b(?:khi nao|bao gio|bao nhieu|o dau|the nao|la gi|nhung gi|thi sao|ra sao|vi sao|tai sao|"
                   r"nao|gi|may|ai|what|which|who|when|where|how many|how much|how)\b")

YEAR = re.compile(r"(?<![\d/])(?<!\d[.,])(?:19|20)\d{2}(?![\d/]|[.,]\d)")
# A date or month written with numbers: 31/01/2024, 05/5, 4/2026, 31-01-2024.
DATE_NUM = re.compile(r"(?<![\d/])(?:\d{1,2}[/-](?:19|20)\d{2}|\d{1,2}[/-]\d{1,2}(?:[/-](?:19|20)?\d{2})?)(?![\d/])")
# A document number and symbol: 1187/QĐ-BNV, 213/KH-UBND, 05/TB-UBND.
DOC_NUMBER = re.compile(r"\b\d+[/-][A-ZĐ][\wĐđ&]*(?:-[\wĐđ&]+)*", re.UNICODE)
# References inside the law: "Bộ luật Dân sự (năm) 2015", "Hiến pháp 2013", "Điều 36", "khoản 2", "điểm a".
LEGAL_REFERENCE = re.compile(
    r"\b(?:(?:bộ\s+)?luật|bo\s+luat|luat|hiến\s+pháp|hien\s+phap)\b[^\d,.;:?!()]{0,60}?(?:\s+năm|\s+nam)?\s+"
    r"(?:19|20)\d{2}\b|\b(?:điều|khoản|điểm|chương|dieu|khoan|diem|chuong)\s+\d+[a-zđ]?\b", re.IGNORECASE)
# A chainage or other code with digits: Km78+00, Km186+819.
CODE = re.compile(r"\b[A-Za-z]+\d+(?:\+\d+)?\b")
NUMBER_TOKEN = re.compile(r"\d+(?:[.,]\d+)*")
_VI_CHARS = re.compile(r"[ăâêôơưđ]", re.IGNORECASE)

# Capitalised words that begin agency names, headings or sentences rather than names of places or people.
_COMMON_CAPS = frozenset(w.lower() for w in """
Sở Ban Bộ Ủy Uỷ Hội Phòng Cục Chi Trung Văn Công Kho Ngân Tỉnh Huyện Xã Phường Thị Thành Đảng Nhà Tập
Quyết Thông Kế Báo Nghị Điều Khoản Chương Mục Phụ Quỹ Đề Chỉ Chủ Phó Thủ Giám Đoàn Cổng Đài Trường
Bệnh Khu Cụm Đặc Hằng Năm Tháng Ngày Quý Theo Trong Khi Các Những Cơ Đơn Ai Nào Gì Tại Sau
Trước Về Cho Với Của Là Có Được Để Hãy Nêu Tổng Tỷ Tăng Giá Tốc Giải Lễ Dự Quy Tổ Cuộc Buổi Phiên Danh
Thời Chính Hướng Tiêu Tài Lực Viện Học Hệ Luật Nền Kỳ Đợt Lần Số Hạn Việc
What Which Who Whom When Where How Why Is Are Was Were Does Did Do The In Of For To By And On Under Two Three
Both Each According January February March April May June July August September October November December
""".split())
# English words that capitalised names carry ("Son Hai Group", "Dak Nong Provincial People's Committee"): the
# documents write them in Vietnamese, so they are no part of the name to look for.
_ENGLISH_NAME_WORDS = frozenset("""
group company corporation joint stock limited co ltd jsc province provincial people people's committee department
ministry fund project expressway highway road street bridge district commune city town ward centre center council
conference plan decision notice report law study promotion investment trade tourism office agency board bank
treasury inspectorate police party union federation association hospital school university institute authority
management unit government national state general prime minister chairman chairwoman chair vice deputy
director secretary president head mr mrs ms
""".split()) | frozenset(ENGLISH_MONTHS)
# Words after which a capitalised run is a place name even when it is a single word ("sông Hồng").
_PLACE_CLASSIFIERS = frozenset({"tinh", "xa", "phuong", "huyen", "thi", "song", "deo", "nui", "ho", "dao",
                                "tuyen", "cau", "nut", "lang", "ban", "thon", "to", "khu", "quan"})


@dataclass
class QuestionAnalysis:
    """A question read for answering.

    Attributes:
        text: the question as asked.
        language: ``"vi"`` (with tone marks), ``"vi-folded"`` (typed without them) or ``"en"``.
        facets: what the answer must state (``agency``, ``date``, ``number``, ``list``).
        kind: one name for the question (responsibility, deadline, figure, list, factoid).
        terms: folded content syllables (English mapped to Vietnamese) a good passage covers.
        phrases: folded content bigrams, rewarded when a passage has them in order.
        years: years the question names ("2024").
        dates: dates/months written with numbers ("24/4/2026", "4/2026").
        numbers: other figures the question names ("11", "6"); an answer must not contradict them.
        doc_numbers: document numbers ("1187/QĐ-BNV").
        codes: codes such as chainages ("km78+00").
        provinces: provinces the question names (folded).
        names: other proper names the question names (folded), e.g. "van nam", "hiep thanh".
        counted: the noun after "bao nhiêu"/"mấy" ("xa" in "bao nhiêu xã"), when the question counts things.
        qualifier: what qualifies the kind of body asked for ("tu van" in "đơn vị tư vấn nào"); the answer
            must name such a body.
        unit: the unit the figure must carry: ``percent``, ``money``, ``length`` or ``""``.
        parts: how many things the question asks at once (joined by "và", commas, "and").
        multi_document: the question gathers or compares facts from several documents.
        agencies: agencies the question names (see :mod:`qa_service.answering.agencies`).
        bound: the range of deadlines the question asks about ("trước ngày 31/01/2024"), whose dates
            are then not in ``dates``/``years`` (see :mod:`qa_service.answering.bounds`).
        predicate: the content terms right after the asking word of a "who" question ("chu tri cuoc hop" in
            "ai chủ trì cuộc họp ..."); the first two beyond generic words say what the agency or person
            asked about did, which a unit must state (see ``scoring``).
    """

    text: str
    language: str
    facets: set[str] = field(default_factory=set)
    kind: str = FACTOID
    terms: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    years: set[str] = field(default_factory=set)
    dates: set[str] = field(default_factory=set)
    numbers: set[str] = field(default_factory=set)
    doc_numbers: set[str] = field(default_factory=set)
    codes: set[str] = field(default_factory=set)
    provinces: set[str] = field(default_factory=set)
    names: set[str] = field(default_factory=set)
    counted: str = ""
    qualifier: str = ""
    unit: str = ""
    parts: int = 1
    multi_document: bool = False
    agencies: list[AgencyRef] = field(default_factory=list)
    bound: DateBound | None = None
    predicate: list[str] = field(default_factory=list)


def folded(text: str) -> str:
    """Lower-cased, tone-folded text with single spaces (the form every comparison here uses)."""
    return " ".join(fold(text).lower().split())


def folded_tokens(text: str) -> list[str]:
    """The text's folded syllables, each known abbreviation followed by its expansion's syllables."""
    return expand_abbreviations([fold(t) for t in tokenize(text)])


def expand_abbreviations(tokens: list[str]) -> list[str]:
    """Folded tokens with each known abbreviation followed by its expansion's syllables."""
    out: list[str] = []
    for token in tokens:
        out.append(token)
        expansion = ABBREVIATIONS.get(token)
        if expansion:
            out.extend(expansion.split())
    return out


def english_stem(word: str) -> str:
    """A crude English lemma: enough to meet the glossary ("dossiers" -> "dossier", "resolved" -> "resolve")."""
    if word in ENGLISH_GLOSSARY:  # "funding" is not "fund"
        return word
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ed", "e"), ("es", ""), ("s", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            stem = word[: -len(suffix)] + repl
            if stem in ENGLISH_GLOSSARY:
                return stem
            if suffix == "ed" and word[:-2] in ENGLISH_GLOSSARY:
                return word[:-2]
            if suffix == "ing" and word[:-3] + "e" in ENGLISH_GLOSSARY:
                return word[:-3] + "e"
    return word


def is_english(question: str) -> bool:
    """Without tone marks, Vietnamese letters or Vietnamese function words, a question is English."""
    if has_diacritics(question) or _VI_CHARS.search(question):
        return False
    tokens = set(tokenize(question))
    english = {"the", "what", "which", "who", "when", "how", "is", "are", "of", "does", "did", "was", "were", "and"}
    vietnamese = {"cua", "va", "cac", "nhung", "nao", "gi", "bao", "nhieu", "duoc", "la", "theo", "trong", "tinh"}
    return len(tokens & english) > len(tokens & vietnamese)


def _english_terms(question: str) -> list[str]:
    text = question.lower()
    terms: list[str] = []
    for phrase, glosses in sorted(ENGLISH_PHRASES.items(), key=lambda kv: -len(kv[0])):
        if phrase in text:
            text = text.replace(phrase, " ")
            terms.extend(s for g in glosses for s in g.split())
    capitalised = {fold(w).lower() for w in re.findall(r"\b[A-Z][\w]*", question)}
    for word in tokenize(text):
        stem = english_stem(word)
        if stem in ENGLISH_GLOSSARY:
            terms.extend(s for g in ENGLISH_GLOSSARY[stem] for s in g.split())
        elif (word in capitalised and word not in ENGLISH_MONTHS and word not in STOPWORDS) or \
                any(c.isdigit() for c in word):
            terms.append(fold(word))  # names and codes are written the same in both languages
    return terms


# "the Department of Finance", "Department of Agriculture and Environment", "Ministry of Home Affairs".
_EN_AGENCY = re.compile(r"\b(Department|Ministry)\s+of\s+((?:the\s+)?[A-Z][\w']*(?:\s+(?:[A-Z][\w']*|and|&))*)")
_EN_AGENCY_HEADS = {"department": "Sở", "ministry": "Bộ"}


def _english_agencies(question: str) -> list[AgencyRef]:
    """Agencies an English question names by their English title, read through the glossary: "Department of
    Finance" is "Sở Tài chính". A title with a word the glossary lacks is left out."""
    found: list[AgencyRef] = []
    for match in _EN_AGENCY.finditer(question):
        words = match.group(2).lower().replace("&", " and ")
        for phrase, glosses in ENGLISH_PHRASES.items():
            words = words.replace(phrase, glosses[0].replace(" ", "_"))
        glossed = []
        for word in words.split():
            if "_" in word or word == "the":
                glossed.append(word.replace("_", " ") if word != "the" else "")
            elif word == "and":
                glossed.append("va")
            elif english_stem(word) in ENGLISH_GLOSSARY:
                glossed.append(ENGLISH_GLOSSARY[english_stem(word)][0])
            else:
                break
        else:
            name = f"{_EN_AGENCY_HEADS[match.group(1).lower()]} {' '.join(g for g in glossed if g)}"
            found += [ref for ref in question_agencies(name) if ref.name not in {r.name for r in found}]
    return found


def _proper_names(question: str) -> set[str]:
    """Names of places, people and organisations: runs of capitalised words, folded.

    A run that starts with a word that usually heads an agency name or a sentence ("Sở", "Ủy ban",
    "Theo") is not a name; a single capitalised word counts only after a place word ("sông Hồng").
    """
    words = re.sub(r"[–—-]", " ", question).split()
    names: set[str] = set()
    run: list[str] = []
    before = ""

    def close() -> None:
        if run and run[0].lower() not in _COMMON_CAPS and (len(run) > 1 or before in _PLACE_CLASSIFIERS):
            names.add(folded(" ".join(run)))

    for i, raw in enumerate(words):
        if raw.startswith(("(", "[", "“", '"')):
            close()
            run = []
        word = re.sub(r"'s$", "", raw.strip(",.;:?!()[]\"“”‘’'"))
        capital = (i > 0 and bool(word) and word[0].isupper() and not word.isupper()
                   and not any(c.isdigit() for c in word))
        if capital and run and word.lower() in _COMMON_CAPS:
            close()
            run = []
        if capital:
            if not run:
                before = fold(words[i - 1].strip(",.;:?!()")).lower()
            run.append(word)
            if raw.endswith((",", ";", ":", ")", "?", ".")):
                close()
                run = []
            continue
        close()
        run = []
    close()
    return names


def _provinces(question: str, padded: str) -> set[str]:
    """Provinces named: capitalised as names ("Sơn La", not "Hòa Sơn là") unless the question has no capitals."""
    cased = fold(question)
    if not re.search(r"(?<!^)(?<![.?!]\s)\b[A-Z]", cased.strip()):
        return {p for p in PROVINCES if f" {p} " in padded}
    return {p for p in PROVINCES if re.search(rf"(?<!\w){re.escape(p.title())}(?!\w)", cased)}


# "đơn vị tư vấn nào", "nhà thầu thi công nào": the kind of body asked for, qualified ("tư vấn", "thi công").
_QUALIFIED_ASK = re.compile(r"\b(?:don vi|co quan|doanh nghiep|nha thau|cong ty|to chuc)\s+((?:[a-z]+\s+){1,3}?)nao\b")
# Words that make the phrase before "nào" something else: a time ("tổ chức vào ngày nào"), a verb, a link word.
_NOT_QUALIFIERS = frozenset({"ngay", "thang", "nam", "quy", "tuan", "thoi", "diem", "gian", "gio", "luc", "vao", "han",
                             "duoc", "se", "da", "phai", "can", "co", "nhan", "thuc", "hien", "lien", "quan", "va",
                             "cua", "la", "nhung", "cac", "mot", "nay", "do", "cho", "voi", "o", "tai", "trong"})


def _asked_qualifier(padded: str) -> str:
    """The words qualifying the kind of body a question asks for ("tu van" in "đơn vị tư vấn nào"), or ""."""
    for match in _QUALIFIED_ASK.finditer(padded):
        words = match.group(1).split()
        if not any(w in _NOT_QUALIFIERS for w in words):
            return " ".join(words)
    return ""


# The asking word of a "who" question, followed by the words of what was done ("ai chủ trì", "cơ quan nào được
# giao tham mưu").
_WHO_ASKS = re.compile(r" (?:ai|co quan nao|don vi nao|so nao|ban nao|bo nao|to chuc nao|who|which (?:agency|department|"
                       r"unit|body|authority|organi[sz]ation)) ((?:[a-z]+ ?){1,4})")


def _predicate(padded: str, terms: list[str]) -> list[str]:
    """The content terms among the four words after a "who" question's asking word (see
    ``QuestionAnalysis.predicate``)."""
    for match in _WHO_ASKS.finditer(padded):
        found = [w for w in match.group(1).split() if w in terms]
        if found:
            return found
    return []


# Units a figure is stated in, wherever the question names them ("điểm tối đa là bao nhiêu").
MEASURE_NOUNS = ("diem", "luot", "ha", "km")


def _counted_noun(question: str, english: bool) -> str:
    """The thing counted by "bao nhiêu"/"mấy": one syllable, or two when the first is ambiguous ("cơ quan").

    Read clause by clause: "số mấy, ngày nào" counts nothing, and a noun after the asking word ("bao nhiêu hồ
    sơ") wins over a measure named elsewhere in the clause ("thí điểm", "điểm số ... là bao nhiêu")."""
    if english:
        return ""
    for clause in re.split(r"[,;:?!]", question):
        padded = f" {' '.join(fold(t) for t in tokenize(clause))} "
        for match in re.finditer(r" (?:bao nhieu|may) ([a-z]+)(?: ([a-z]+))?", padded):
            first, second = match.group(1), match.group(2) or ""
            # Not a counted thing: a unit word, a time word (the date facet reads "mấy giờ"), or a word of the
            # phrase around ("từ bao nhiêu đến bao nhiêu", "điều mấy trong bộ luật").
            if first in {"phan", "ty", "trieu", "tien", "lan", "dat", "so", "nguoi", "thi", "la", "va", "nam",
                         "den", "tu", "toi", "trong", "cua", "theo", "gio", "phut"}:
                continue
            return f"{first} {second}".strip() if first in STOPWORDS and second else first
        if " bao nhieu " in padded or " may " in padded:
            measure = next((m for m in MEASURE_NOUNS if f" {m} " in padded.replace(" dia diem ", " ")), "")
            if measure and " ty le " not in padded and " phan tram " not in padded:
                return measure
    return ""


def _unit(padded: str) -> str:
    if re.search(r" (phan tram|ty le|percent|percentage|share|proportion|rate) ", padded):
        return "percent"
    if re.search(r" (kinh phi|bao nhieu tien|so tien|tien mat|ty dong|trieu dong|cost|amount of money) ", padded):
        return "money"
    if re.search(r" (chieu dai|dai bao nhieu|bao nhieu km|length|how long is|how far) ", padded):
        return "length"
    return ""


def _without_bound(question: str, bound: DateBound | None) -> str:
    """The question less the words of its deadline bound (found on folded text, same length after NFC)."""
    text = unicodedata.normalize("NFC", question)
    plain = fold(text)
    if bound is None or len(plain) != len(text):
        return question
    for run in bound.words.split(" … "):
        match = re.search(r"\s+".join(re.escape(w) for w in run.split()), plain, re.IGNORECASE)
        if match:
            text = text[:match.start()] + " " * (match.end() - match.start()) + text[match.end():]
    return " ".join(text.split())


def analyze(question: str) -> QuestionAnalysis:
    """Read ``question`` into a :class:`QuestionAnalysis` (no I/O, a few regular expressions).

    A deadline bound ("trước ngày 31/01/2024") is read first and set apart: its words select
    deadlines, so they are neither content terms nor details the documents must contain.
    """
    original = question
    english = is_english(question)
    language = "en" if english else ("vi" if has_diacritics(question) else "vi-folded")
    bound = date_bound(folded(question))
    question = _without_bound(question, bound)
    padded = f" {' '.join(fold(t) for t in tokenize(question))} "

    facets = {facet for facet, cues in _CUES.items() if any(f" {c} " in padded for c in cues)}
    if bound:
        facets.add(DATE)
    if english:
        facets -= {NUMBER} if " may " in padded and not any(f" {c} " in padded for c in _CUES[NUMBER]
                                                                if c != "may") else set()
    if _DEADLINE_HAN.search(padded) and not english:
        facets.add(DATE)
    if SIGNER in facets:  # the "ai" of "do ai ký" asks for the signer, a person, not an agency
        facets.discard(AGENCY)
    names_agency = bool(_AGENCY_HEAD.search(padded))
    if AGENCY in facets or (names_agency and _TASK_ASK.search(padded)):
        kind = RESPONSIBILITY
    else:
        kind = DEADLINE if DATE in facets else FIGURE if NUMBER in facets else LIST_KIND if LIST in facets else FACTOID

    doc_numbers = {m.group(0) for m in DOC_NUMBER.finditer(question)}
    # A law's year names the law ("Bộ luật Dân sự 2015") and an article number points into it ("Điều 36"):
    # neither is a detail its text must state.
    masked = LEGAL_REFERENCE.sub(" ", DOC_NUMBER.sub(" ", question))
    codes = {m.group(0).lower() for m in CODE.finditer(masked)}
    masked = CODE.sub(" ", masked)
    dates = {m.group(0) for m in DATE_NUM.finditer(masked)}
    masked = DATE_NUM.sub(" ", masked)
    years = set(YEAR.findall(masked))
    masked = YEAR.sub(" ", masked)
    numbers = {n.lstrip("0") or "0" for n in NUMBER_TOKEN.findall(masked)}

    provinces = _provinces(question, padded)
    province_syllables = {s for p in provinces for s in p.split()}
    clean = DATE_NUM.sub(" ", DOC_NUMBER.sub(" ", question))
    if english:
        raw_terms = _english_terms(clean)
    else:
        clean = _FRAME.sub(" ", " ".join(fold(t) for t in tokenize(clean)))
        # An abbreviation counts through its expansion, which meets both spellings in the passages.
        raw_terms = [t for t in folded_tokens(clean) if t not in ABBREVIATIONS]
    # An English question's terms are the glossary's Vietnamese words, never function words: "đầu tư" keeps "tư".
    terms = [t for t in raw_terms if (english or t not in STOPWORDS) and t not in QUESTION_FRAME
             and t not in province_syllables and not any(c.isdigit() for c in t)]

    names = {n for n in _proper_names(DOC_NUMBER.sub(" ", question))
             if n not in provinces and not any(p in n for p in provinces)}
    if english:  # "Son Hai Group" is written "Tập đoàn Sơn Hải": only the Vietnamese part of a name is a detail
        names = {kept for n in names if (kept := " ".join(w for w in n.split() if w not in _ENGLISH_NAME_WORDS))}
    # Names are checked as details (see ``details``); as terms their rare syllables would outweigh the rest.
    name_syllables = {s for n in names for s in n.split()}
    terms = [t for t in terms if t not in name_syllables] or terms
    phrases = [f"{a} {b}" for a, b in zip(terms, terms[1:])]
    parts = max(1, len(_ASKS.findall(padded)))
    return QuestionAnalysis(
        text=original, language=language, facets=facets, kind=kind, terms=list(dict.fromkeys(terms)),
        phrases=list(dict.fromkeys(phrases)), years=years, dates=dates, numbers=numbers,
        doc_numbers=doc_numbers, codes=codes, provinces=provinces, names=names,
        counted=_counted_noun(question, english), qualifier="" if english else _asked_qualifier(padded),
        unit=_unit(padded), parts=min(parts, 4),
        multi_document=bool(_MULTI_DOCUMENT.search(padded)),
        agencies=_english_agencies(question) if english else question_agencies(question), bound=bound,
        predicate=[] if english or AGENCY not in facets else _predicate(padded, list(dict.fromkeys(terms))),
    )
