"""The focused span of a sentence that answers a question: the words standing where the question asks.

A question about a rule is usually the rule's sentence with the answer replaced by a question word:
"Người từ đủ [bao nhiêu tuổi] phải chịu trách nhiệm hình sự về mọi tội phạm?" against "Người từ đủ 16
tuổi trở lên phải chịu trách nhiệm hình sự về mọi tội phạm". Aligning the two (longest common
subsequence of syllables) leaves, between the words aligned before the question word and those aligned
after it, the answer: "16 tuổi". With nothing aligned after it ("Hình phạt là gì?"), the answer runs to
the end of the clause; with nothing before it ("Cơ quan nào thống nhất quản lý ...?"), it starts at
the beginning of the clause.

The span is used only when the alignment is convincing: most of the question's content words are in
the sentence, and the span is a real part of it (not empty, not nearly the whole sentence). A figure's
measure asked with it ("bao nhiêu tháng tuổi") is kept with the figure ("12 tháng tuổi").
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from ingest.vietnamese import has_diacritics
from qa_service.answering.claims import MEASURES, content, lcs_pairs, stopword, syllable_key
from qa_service.answering.units import SENTENCE_END

# Question words, longest first; "từ bao nhiêu đến bao nhiêu" is one slot from its first to its last.
SLOT_PHRASES = (("như", "thế", "nào"), ("thế", "nào"), ("ra", "sao"), ("bao", "nhiêu"), ("bao", "lâu"),
                ("bao", "giờ"), ("khi", "nào"), ("lúc", "nào"), ("ở", "đâu"), ("gì",), ("nào",), ("ai",),
                ("đâu",), ("mấy",))
NUMBER_SLOTS = frozenset({"nhieu", "may"})  # folded: "bao nhiêu", "mấy"
_WORD = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*|%", re.UNICODE)
_TOKENS = re.compile(r"[^\W_]+|,", re.UNICODE)
LIST_WORDS = 4  # a comma or "và" this close after "bao nhiêu X" lists several things counted
_CLAUSE_END = re.compile(r"[;.!?](?:\s|$)|\n")
# "Theo Bộ luật Dân sự (năm) 2015, ..." opening a question names where to look, not what is asked.
LAW_FRAME = re.compile(r"^\s*(?:theo|căn cứ|trong)\s+(?:quy định (?:của|tại)\s+)?(?:điều\s+\d+\w*\s*[,:]?\s*)?"
                       r"(?:(?:bộ\s+)?luật|hiến\s+pháp)\b[^,?]{0,80},\s*", re.IGNORECASE)
CLOZE_FRAME = re.compile(r"^\s*điền[^:]{0,40}:\s*", re.IGNORECASE)
BLANK = re.compile(r"\.{3,}|…|_{2,}")
MIN_ALIGNED = 0.8  # share of the question's content words (outside the slot) found in the sentence or its context
MIN_RESTATED = 0.7  # share of the sentence's content words outside the span that the question has
HEAD_NOUN_WORDS = 2  # words of the noun before "nào"/"gì"/"mấy" taken into the slot
MAX_SHARE = 0.95  # a span longer than this share of its sentence is no focus


@dataclass(frozen=True)
class Span:
    """Characters ``start:end`` of the sentence that answer the question, and the text they hold."""

    start: int
    end: int
    text: str
    asked: float = 1.0  # share of the question's content words found
    restated: float = 1.0  # share of the sentence's content words outside the span that the question has


_SLOTS = {accented: tuple(tuple(syllable_key(w, accented) for w in p) for p in SLOT_PHRASES)
          for accented in (True, False)}


def _slot(keys: list[str], accented: bool) -> tuple[int, int] | None:
    """Word range of the question's slot: from its first question word to the end of its last one."""
    found = []
    i = 0
    while i < len(keys):
        phrase = next((p for p in _SLOTS[accented] if tuple(keys[i:i + len(p)]) == p), None)
        if phrase:
            found.append((i, i + len(phrase)))
            i += len(phrase)
        else:
            i += 1
    if not found:
        return None
    return found[0][0], found[-1][1]


def focus(question: str, text: str, context: str = "") -> Span | None:
    """The span of ``text`` (a unit: one sentence or a few) answering ``question``, or None when no sentence
    of it restates the question convincingly.

    ``context`` (the sentence introducing it, its titles) holds question words the sentence need not
    repeat: they count as found, but do not place the span.
    """
    text = unicodedata.normalize("NFC", text)
    spans = []
    for start, end in zip(*_sentence_bounds(text)):
        span = _focus_sentence(question, text[start:end], context)
        if span is not None:
            spans.append(Span(start + span.start, start + span.end, span.text, span.asked, span.restated))
    return max(spans, key=lambda s: (s.asked, s.restated), default=None)


def _sentence_bounds(text: str) -> tuple[list[int], list[int]]:
    cuts = [m.end() for m in SENTENCE_END.finditer(text)]
    return [0, *cuts], [*cuts, len(text)]


def _focus_sentence(question: str, sentence: str, context: str) -> Span | None:
    accented = has_diacritics(question)
    question = LAW_FRAME.sub("", unicodedata.normalize("NFC", question))
    # "Điền vào chỗ trống: Trẻ em dưới ... tuổi phải mặc áo phao.": the blank is the question word.
    question = BLANK.sub(" gì ", CLOZE_FRAME.sub("", question))
    q_words = _WORD.findall(question.lower())
    q_keys = [syllable_key(w, accented) for w in q_words]
    slot = _slot(q_keys, accented)
    if slot is None:
        return None
    a, b = slot
    if syllable_key(q_words[b - 1], False) in NUMBER_SLOTS and \
            any(w in (",", "và") for w in _TOKENS.findall(question.lower().split(q_words[b - 1], 1)[-1])[:LIST_WORDS]):
        return None  # "bao nhiêu lĩnh vực, tiêu chí và ...": several figures asked, no one span
    # "kể từ thời điểm nào", "Sở nào", "điều mấy": the noun asked about is part of the answer when the
    # sentence has it there ("thời điểm có được tài sản đó", "Sở Kế hoạch và Đầu tư", "Điều 3").
    if b - a == 1:
        while a > 0 and slot[0] - a < HEAD_NOUN_WORDS and not stopword(q_words[a - 1]):
            a -= 1
    noun = q_keys[a:slot[0]]
    text = unicodedata.normalize("NFC", sentence)
    found = list(_WORD.finditer(text.lower()))
    s_keys = [syllable_key(m.group(0), accented) for m in found]
    aligned = [(i, j) for i, j in _snap(lcs_pairs(q_keys, s_keys), q_keys, s_keys) if i < a or i >= b]
    pairs = _anchors(aligned, q_words, s_keys)
    asked = [i for i, w in enumerate(q_words) if (i < a or i >= b) and content(w)]
    around = {syllable_key(w, accented) for w in _WORD.findall(unicodedata.normalize("NFC", context).lower())}
    aligned_words = {i for i, _ in aligned}
    found_words = [i for i in asked if i in aligned_words or q_keys[i] in around]
    if not asked or len(found_words) < MIN_ALIGNED * len(asked):
        return None
    before = [j for i, j in pairs if i < a]
    after = [(i, j) for i, j in pairs if i >= b]
    left = before[-1] + 1 if before else None
    right = after[0][1] if after else None
    if left is None and right is None:
        return None
    if left is None:  # the question word opens the question: the span opens the sentence's clause, or
        left = _clause_start(text, found, right)  # the noun asked about ("Sở nào" -> "Sở Kế hoạch và Đầu tư")
        left = next((k for k in range(right - len(noun), left - 1, -1) if noun and s_keys[k:k + len(noun)] == noun),
                    left)
    if right is None:  # the question word closes the question: the span runs to the end of the clause
        right = _clause_end(text, found, left)
    elif syllable_key(q_words[b - 1], False) in NUMBER_SLOTS:
        # "bao nhiêu tháng tuổi": the thing counted and its measure stay with the figure ("12 tháng tuổi").
        k = 0
        while k < len(after) and after[k] == (b + k, right + k) and \
                (k == 0 or syllable_key(q_words[b + k], False) in MEASURES):
            k += 1
        right += k
    else:
        while right - 1 > left and stopword(found[right - 1].group(0)):  # "hình sự theo [quy định]" -> "hình sự"
            right -= 1
    if right <= left:
        return None
    start, end = found[left].start(), found[right - 1].end()
    span = text[start:end].strip(" ,;:")
    if not span or len(span) > MAX_SHARE * len(text.strip()):
        return None
    # A question restating the sentence names nearly every word outside the span; one that only shares a
    # topic with a long sentence does not, and the span would be a guess.
    outside = [k for k, m in enumerate(found) if (k < left or k >= right) and content(m.group(0))]
    q_set = set(q_keys)
    restated = sum(s_keys[k] in q_set for k in outside) / len(outside) if outside else 1.0
    if restated < MIN_RESTATED:
        return None
    return Span(start, end, span, len(found_words) / len(asked), restated)


def _snap(pairs: list[tuple[int, int]], q_keys: list[str], s_keys: list[str]) -> list[tuple[int, int]]:
    """Alignments moved next to their neighbours when the sentence has the same word there: of two "cấp" in
    "Ủy ban nhân dân cấp tỉnh cấp giấy phép", the one before "giấy phép" is the question's "cấp giấy phép"."""
    pairs = list(pairs)
    for k in range(len(pairs) - 2, -1, -1):
        (i, j), (i1, j1) = pairs[k], pairs[k + 1]
        lower = pairs[k - 1][1] if k else -1
        if i1 == i + 1 and j1 > j + 1 and s_keys[j1 - 1] == q_keys[i] and j1 - 1 > lower:
            pairs[k] = (i, j1 - 1)
    return pairs


def _anchors(aligned: list[tuple[int, int]], words: list[str], keys: list[str]) -> list[tuple[int, int]]:
    """The aligned pairs that place the span: runs of two or more words aligned in a row, and single words the
    sentence has only once (a function word or a repeated word aligned alone may be anywhere)."""
    run = [False] * len(aligned)
    for k in range(1, len(aligned)):
        (i0, j0), (i1, j1) = aligned[k - 1], aligned[k]
        if i1 == i0 + 1 and j1 == j0 + 1:
            run[k] = run[k - 1] = True
    return [(i, j) for (i, j), in_run in zip(aligned, run)
            if in_run or (not stopword(words[i]) and keys.count(keys[j]) == 1)]


def _clause_start(text: str, found: list[re.Match], right: int) -> int:
    """Index of the first word of the clause holding word ``right``."""
    boundary = max((m.end() for m in _CLAUSE_END.finditer(text, 0, found[right].start())), default=0)
    return next(k for k, m in enumerate(found) if m.start() >= boundary)


def _clause_end(text: str, found: list[re.Match], left: int) -> int:
    """Index after the last word of the clause that word ``left`` opens."""
    if left >= len(found):
        return left
    end = _CLAUSE_END.search(text, found[left].start())
    limit = end.start() if end else len(text)
    return max((k + 1 for k, m in enumerate(found) if m.start() < limit), default=left)
