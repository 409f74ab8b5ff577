"""The form of a question: a statement to judge true or false, a choice among lettered options, or open.

Exam-style legal questions (ALQAC and the like) come in three forms, told apart by their text alone:

- *true/false*: a statement followed (or preceded) by "đúng hay sai", "đúng hoặc sai", "(Đúng/Sai)",
  "true or false"; or a full declarative sentence ending with a period, with no question word
  ("Phát triển giáo dục là quốc sách hàng đầu."). Its ``claim`` is the statement without that frame.
- *multiple choice*: a stem followed by options lettered from A ("A. ...", "B) ...", "C: ..."), one per
  line or inline; the options may also be passed separately (``read_form(question, options)``). A stem
  asking which option is *not* so ("không phải", "không thuộc", "không bao gồm", "ngoại trừ", "sai")
  is ``negative``. Options that speak of other options ("Cả A, B, C đều đúng", "Cả 3 phương án trên",
  "Tất cả các đáp án trên", "Cả A và B đều sai") are read by :func:`option_reference`.
- *open*: everything else, answered by quoting the passages.

Everything is read on folded text (``question.folded``), so a question typed without tone marks reads
the same, except the declarative test, which needs tone marks to tell "đâu" (where) from "đầu".
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from ingest.vietnamese import fold, has_diacritics
from qa_service.answering.question import folded

TRUE_FALSE, CHOICE, OPEN = "true_false", "choice", "open"

# "..., đúng hay sai?", "... là đúng hay sai", "Đúng hay sai: ...", "(Đúng/Sai)", "true or false".
_TF_FRAME = re.compile(
    r"(?:[\s,;:.\-–]*\b(?:la|thi)\s+)?[\s,;:.\-–(]*\b(?:dung\s+hay\s+sai|dung\s+hoac\s+sai|dung\s*/\s*sai|"
    r"true\s+or\s+false)\b[\s)?.!:;,]*", re.IGNORECASE)
# An option line: "A. text", "B) text", "C: text", "D - text" (capital letters from A).
_OPTION_LINE = re.compile(r"^\s*([A-H])\s*[.):\-–]\s+(\S.*)$")
# Inline options: "... ? A. text B. text C. text".
_OPTION_INLINE = re.compile(r"(?:(?<=\s)|^)([A-H])\s*[.)]\s+")
# A stem asking for the option that is not so.
# "trừ" (except) folds to "tru" like "trú" (reside), so it counts only where tone marks are written.
_NEGATIVE_STEM = re.compile(r"\b(?:khong|chang|ngoai tru)\b|\b(?:la|nao|nhat)\s+sai\b|\bsai\s*\??\s*$")
_EXCEPT = re.compile(r"(?<!\w)trừ(?!\w)")
# "không" inside words that are not negations, and "có ... hay không?" asking yes or no.
_NOT_NEGATION = re.compile(r"\b(?:khong gian|khong khi|hang khong|khong anh|khong quan|phi khong|hay khong|"
                           r"khong\s*\?\s*$)")
# Words asking something, or asking for something (with tone marks; folded forms are ambiguous).
_QUESTION_WORDS = re.compile(
    r"(?<!\w)(?:gì|nào|ai|đâu|sao|mấy|bao nhiêu|bao lâu|bao giờ|thế nào|hay không|có phải|phải không|"
    r"nêu|liệt kê|cho biết|mô tả|trình bày|giải thích|hãy|tóm tắt|điền|what|which|who|when|where|why|how)(?!\w)|"
    r"\.\.\.|…|__", re.IGNORECASE)
MIN_STATEMENT_WORDS = 6

# Options about other options.
ALL, NONE = "all", "none"
_ALL_OPTION = re.compile(r"^\s*(?:ca|tat ca)\b.*(?:\b[a-h]\s*(?:,|va)\s*[a-h]\b|\bphuong an\b|\bdap an\b|\bcau tra loi\b|"
                         r"\b(?:y|cau|truong hop|noi dung) tren\b)")
_NONE_OPTION = re.compile(r"^\s*(?:ca|tat ca)\b.*\b(?:deu sai|sai|deu khong dung|khong dung|deu khong)\b|"
                          r"^\s*khong (?:co )?(?:phuong an|dap an|y) nao\b")
_LETTERS = re.compile(r"\b([a-h])\b")


# How an answer to a closed question leads: "Đúng." / "Sai." or "Đáp án B" (see answering.closed).
VERDICT = re.compile(r"^\s*(?:(?:Đúng|Sai)\b|Đáp án\s+[A-H]\b)", re.IGNORECASE)


@dataclass(frozen=True)
class QuestionForm:
    """A question's form and its parts.

    Attributes:
        kind: :data:`TRUE_FALSE`, :data:`CHOICE` or :data:`OPEN`.
        text: the question as asked.
        claim: the statement to judge (true/false), the stem (choice) or the question (open).
        options: letter -> option text, in letter order (choice only).
        negative: the stem asks for the option that is not so (choice only).
    """

    kind: str
    text: str
    claim: str
    options: dict[str, str] = field(default_factory=dict)
    negative: bool = False

    @property
    def closed(self) -> bool:
        return self.kind in (TRUE_FALSE, CHOICE)


def _cut_folded(text: str, pattern: re.Pattern) -> str:
    """``text`` less the matches of ``pattern`` found on its folded form (same length after NFC)."""
    text = unicodedata.normalize("NFC", text)
    plain = fold(text).lower()
    if len(plain) != len(text):
        plain = text.lower()
    pieces, last = [], 0
    for match in pattern.finditer(plain):
        pieces.append(text[last:match.start()])
        last = match.end()
    pieces.append(text[last:])
    return " ".join(" ".join(pieces).split()).strip(" ,;:-–")


def _line_options(text: str) -> tuple[str, dict[str, str]]:
    lines = text.splitlines()
    options: dict[str, str] = {}
    stem: list[str] = []
    current = ""
    for line in lines:
        match = _OPTION_LINE.match(line)
        expected = chr(ord("A") + len(options))
        if match and match.group(1) == expected:
            current = match.group(1)
            options[current] = match.group(2).strip()
        elif current:
            if line.strip():  # an option written over several lines
                options[current] = f"{options[current]} {line.strip()}"
        else:
            stem.append(line)
    return " ".join(" ".join(stem).split()), options


def _inline_options(text: str) -> tuple[str, dict[str, str]]:
    marks = []
    for match in _OPTION_INLINE.finditer(text):
        if match.group(1) == chr(ord("A") + len(marks)):
            marks.append(match)
    if len(marks) < 3:  # two capital letters with a period could be initials or labels
        return text, {}
    options = {}
    for i, match in enumerate(marks):
        end = marks[i + 1].start() if i + 1 < len(marks) else len(text)
        options[match.group(1)] = text[match.end():end].strip()
    return text[:marks[0].start()].strip(), options


def split_options(text: str) -> tuple[str, dict[str, str]]:
    """The stem and the lettered options written in a question's text (no options: the text and ``{}``)."""
    stem, options = _line_options(text)
    if len(options) >= 2:
        return stem, options
    stem, options = _inline_options(" ".join(text.split()))
    return (stem, options) if len(options) >= 2 else (text.strip(), {})


def negative_stem(stem: str) -> bool:
    """Whether a multiple-choice stem asks for the option that is not so ("Đâu không phải là ...")."""
    plain = _NOT_NEGATION.sub(" ", folded(stem))
    return bool(_NEGATIVE_STEM.search(plain) or _EXCEPT.search(unicodedata.normalize("NFC", stem).lower()))


def _declarative(text: str) -> bool:
    """A full sentence ending with a period, with tone marks and no question or request word."""
    stripped = text.strip()
    if "?" in stripped or not stripped.endswith((".", "!")) or not has_diacritics(stripped):
        return False
    return len(stripped.split()) >= MIN_STATEMENT_WORDS and not _QUESTION_WORDS.search(stripped)


def read_form(question: str, options: dict[str, str] | None = None) -> QuestionForm:
    """The form of ``question``; ``options`` are choices passed apart from its text (letter -> text)."""
    stem, written = split_options(question)
    options = {k.strip().upper(): " ".join(str(v).split()) for k, v in (options or {}).items() if str(v).strip()} \
        or written
    if len(options) >= 2:
        claim = stem if options is written else " ".join(question.split())
        return QuestionForm(CHOICE, question, claim, dict(sorted(options.items())), negative_stem(claim))
    plain = folded(question)
    if _TF_FRAME.search(plain):
        claim = _cut_folded(question, _TF_FRAME)
        if claim:
            return QuestionForm(TRUE_FALSE, question, claim)
    if _declarative(question):
        return QuestionForm(TRUE_FALSE, question, " ".join(question.split()).rstrip(".! "))
    return QuestionForm(OPEN, question, question)


def option_reference(text: str, letters: list[str]) -> tuple[str, list[str]] | None:
    """What an option says about other options: ``("all", [A, B, C])`` for "Cả A, B, C đều đúng" or "Cả 3
    phương án trên", ``("none", [A, B])`` for "Cả A và B đều sai"; ``None`` for an option with content."""
    plain = folded(text).rstrip(". ")
    kind = NONE if _NONE_OPTION.search(plain) else ALL if _ALL_OPTION.search(plain) else None
    if kind is None:
        return None
    named = [m.upper() for m in _LETTERS.findall(re.sub(r"^\s*(?:ca|tat ca)\b", " ", plain))]
    named = [letter for letter in named if letter in letters]
    if len(named) >= 2:
        return kind, list(dict.fromkeys(named))
    # "Cả 3 phương án trên", "Tất cả các đáp án trên": the options other than this one (the ones above it).
    return kind, letters
