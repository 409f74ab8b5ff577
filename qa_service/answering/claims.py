"""How well the passages support a claim: a true/false statement, or an option of a multiple-choice question.

A claim is supported by the unit (a sentence, clause or list item, with the sentence introducing it)
that covers most of its content words, weighted by their rarity across the store. Against that unit
the claim is then checked for what a reworded statement usually changes to make it false:

- *negation*: a content word negated in one text and stated plainly in the other ("không cần phải
  được lập thành văn bản" against "phải được lập thành văn bản"). A negation word ("không", "chưa",
  "chẳng", "cấm", "nghiêm cấm", "trừ") negates the rest of its clause; at the end of a clause
  ("... bị nghiêm cấm") it negates the words before it. An exception ("trừ trường hợp X") reads as a
  negation, so "kể cả X" against "trừ X" conflicts.
- *figures*: a number, date or duration of the claim that the unit does not state ("6 tháng" against
  "12 tháng"; leading zeros ignored, "31/12/2022" = "ngày 31 tháng 12 năm 2022").
- *absolutes*: "chỉ", "duy nhất", "luôn", "bắt buộc" in the claim and not in the unit: the law rarely
  says "only" where a statement does.

All word comparisons are on folded syllables (``index.text.fold``); negation and absolute words are
read with their tone marks, since folded "cấm" is also "cảm" and folded "chỉ" is also "chi".
"""
from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from index.text import fold, tokenize
from qa_service.answering.context import DocumentContext, NoContext
from qa_service.answering.details import date_in, number_in
from qa_service.answering.lexicon import STOPWORDS
from qa_service.answering.question import folded
from qa_service.answering.units import Unit

MAX_RARITY = 3.0
# Credit of a claim word found in the unit or its introducing sentence, and in its article or document title.
CREDIT_TEXT, CREDIT_TITLE = 1.0, 0.8
# Words of nearly every legal sentence: they say little about which rule a claim restates.
LEGAL_GENERIC = frozenset("""
quy dinh luat nay dieu khoan diem phap truong hop theo cua cac nhung sau day bao gom co quan to chuc ca nhan
viec thuc hien duoc phai co khong la va hoac
""".split())
# Negation cues (lower case, tone marks). Multi-word cues are matched first.
NEGATION_CUES = ("nghiêm cấm", "ngoại trừ", "không", "chưa", "chẳng", "cấm", "trừ")
# "không" inside words that are not negations.
NOT_NEGATION = ("không gian", "không khí", "hàng không", "không ảnh", "không quân", "không phận", "không lưu")
# Words that end a negation's scope: the clause goes on about something else.
SCOPE_BREAKS = frozenset({"thì", "nhưng", "mà", "nếu", "khi", "để"})
ABSOLUTES = ("chỉ", "duy nhất", "luôn", "bắt buộc")
_CLAUSE = re.compile(r"[,;:.!?()\n\[\]“”\"]+|\s[-–]\s")
_WORD = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*", re.UNICODE)
_DATE = re.compile(r"^\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?$")


def _lower(text: str) -> str:
    return unicodedata.normalize("NFC", text).lower()


@dataclass
class Polarity:
    """Which folded content words of a text stand under a negation, and which stand plainly."""

    negated: set[str] = field(default_factory=set)
    plain: set[str] = field(default_factory=set)

    def update(self, other: Polarity) -> None:
        self.negated |= other.negated
        self.plain |= other.plain


def _content(word: str) -> bool:
    return word not in STOPWORDS and word not in LEGAL_GENERIC and not any(c.isdigit() for c in word)


def polarity(text: str) -> Polarity:
    """The content words of ``text`` under a negation and outside any (see the module docstring)."""
    result = Polarity()
    lowered = _lower(text)
    for compound in NOT_NEGATION:
        lowered = lowered.replace(compound, compound.replace(" ", "_"))
    for clause in _CLAUSE.split(lowered):
        words = _WORD.findall(clause)
        negated_at: set[int] = set()
        i = 0
        while i < len(words):
            cue = next((c for c in NEGATION_CUES if words[i:i + len(c.split())] == c.split()), None)
            if cue is None:
                i += 1
                continue
            start = i + len(cue.split())
            end = start
            while end < len(words) and words[end] not in SCOPE_BREAKS:
                end += 1
            scope = range(start, end)
            # "... bị nghiêm cấm": a cue closing its clause negates what comes before it.
            if not any(_content(fold(words[j])) for j in scope):
                begin = i
                while begin > 0 and words[begin - 1] not in SCOPE_BREAKS:
                    begin -= 1
                scope = range(begin, i)
            negated_at.update(scope)
            negated_at.update(range(i, start))
            i = start
        for j, word in enumerate(words):
            plain = fold(word).replace("_", " ")
            if " " in plain or not _content(plain):
                continue
            (result.negated if j in negated_at else result.plain).add(plain)
    return result


def figures(text: str) -> list[str]:
    """Numbers and numeric dates written in ``text`` (as written, without a unit)."""
    return [w for w in _WORD.findall(text) if w[0].isdigit()]


def figure_in(figure: str, folded_text: str) -> bool:
    """A number or a numeric date stated in folded text (leading zeros ignored, dates also in words)."""
    if _DATE.match(figure):
        return date_in(figure, folded_text)
    return number_in(figure.lstrip("0") or "0", folded_text)


def absolutes(text: str) -> set[str]:
    lowered = f" {' '.join(_WORD.findall(_lower(text)))} "
    return {a for a in ABSOLUTES if f" {a} " in lowered}


@dataclass
class Claim:
    """A statement or option read for checking: weighted content words, figures, polarity, absolutes."""

    text: str
    weights: dict[str, float]
    figures: list[str]
    polarity: Polarity
    absolutes: set[str]

    @property
    def total(self) -> float:
        return sum(self.weights.values())


@dataclass
class Evidence:
    """A unit read for checking claims: its words with its introducing sentence, and its titles."""

    unit: Unit
    words: set[str]
    title_words: set[str]
    folded: str
    polarity: Polarity
    absolutes: set[str]


@dataclass
class Support:
    """How a unit supports a claim.

    Attributes:
        evidence: the unit checked (``None`` when there was none).
        coverage: weighted share of the claim's words in the unit, its introducing sentence (full
            credit) or its titles (``CREDIT_TITLE``).
        order: share of the claim's word pairs the unit has in the same order.
        share: share of the unit's own content words the claim covers (a claim restating the whole
            unit scores higher than one restating a fragment).
        negation: content words negated in one text and stated plainly in the other.
        missing_figures: figures of the claim the unit does not state.
        missing_absolutes: "chỉ", "luôn", ... of the claim that the unit does not say.
    """

    evidence: Evidence | None
    coverage: float = 0.0
    order: float = 0.0
    share: float = 0.0
    negation: list[str] = field(default_factory=list)
    missing_figures: list[str] = field(default_factory=list)
    missing_absolutes: list[str] = field(default_factory=list)

    @property
    def match(self) -> float:
        """How closely the unit restates the claim (coverage first, word order second)."""
        return 0.7 * self.coverage + 0.3 * self.order

    @property
    def conflicts(self) -> list[str]:
        """What in the unit contradicts the claim, as short phrases (empty: none)."""
        found = [f"negation of '{w}'" for w in self.negation[:2]]
        found += [f"figure {f} not stated" for f in self.missing_figures]
        found += [f"'{a}' not stated" for a in self.missing_absolutes]
        return found


class ClaimChecker:
    """Checks claims against the units of the retrieved passages.

    Args:
        units: the passages' units (``units.split_units``), best passages first.
        context: store look-ups; its rarity weighs words (without a store: rarity among the units).
    """

    def __init__(self, units: list[Unit], context: DocumentContext | None = None):
        self.context = context or NoContext()
        self.evidence = [self._read(u) for u in units if not u.heading and len(u.text) >= 8]
        self._rarity: dict[str, float] = {}

    @staticmethod
    def _read(unit: Unit) -> Evidence:
        chunk = unit.hit.chunk
        own = f"{unit.lead}\n{unit.text}" if unit.lead else unit.text
        titles = " ".join([*chunk.section_titles, chunk.section_title, chunk.title, chunk.doc_type])
        return Evidence(unit=unit, words={fold(t) for t in tokenize(own)}, title_words={fold(t) for t in tokenize(titles)},
                        folded=folded(f"{own} {titles}"), polarity=polarity(own), absolutes=absolutes(own))

    def weight(self, word: str) -> float:
        if word not in self._rarity:
            rarity = self.context.rarity(word)
            if rarity is None:
                n = len(self.evidence)
                rarity = 1.0 + math.log((n + 1) / (sum(word in e.words for e in self.evidence) + 1))
            self._rarity[word] = min(rarity, MAX_RARITY)
        return self._rarity[word]

    def claim(self, text: str) -> Claim:
        """``text`` read as a claim: its content words (weighted), figures, polarity and absolutes."""
        words = [fold(t) for t in tokenize(text)]
        content = [w for w in dict.fromkeys(words) if w not in STOPWORDS and not w[0].isdigit()]
        return Claim(text=text, weights={w: self.weight(w) for w in content}, figures=figures(text),
                     polarity=polarity(text), absolutes=absolutes(text))

    def support(self, claim: Claim, evidence: Evidence) -> Support:
        """How one unit supports ``claim``."""
        total = claim.total or 1.0
        credit = {w: CREDIT_TEXT if w in evidence.words else CREDIT_TITLE if w in evidence.title_words else 0.0
                  for w in claim.weights}
        coverage = sum(claim.weights[w] * c for w, c in credit.items()) / total
        pairs = list(zip(claim.weights, list(claim.weights)[1:]))
        in_order = _pairs(evidence.unit.lead + " " + evidence.unit.text)
        order = sum((a, b) in in_order for a, b in pairs) / len(pairs) if pairs else coverage
        own = [w for w in evidence.words if w not in STOPWORDS and not w[0].isdigit()]
        share = sum(w in claim.weights for w in own) / len(own) if own else 0.0
        a, b = claim.polarity, evidence.polarity
        negation = sorted(w for w in (a.negated - b.negated) & b.plain | (b.negated - a.negated) & a.plain
                          if w in claim.weights)
        return Support(evidence, coverage, order, share, negation,
                       [f for f in claim.figures if not figure_in(f, evidence.folded)],
                       sorted(claim.absolutes - evidence.absolutes))

    def best(self, claim: Claim, among: Iterable[Evidence] | None = None) -> Support:
        """The unit that restates ``claim`` most closely, with its conflicts (an empty Support without units)."""
        scored = [self.support(claim, e) for e in (self.evidence if among is None else among)]
        return max(scored, key=lambda s: (s.match, s.share), default=Support(None))


def _pairs(text: str) -> set[tuple[str, str]]:
    words = [fold(t) for t in tokenize(text)]
    words = [w for w in words if w not in STOPWORDS]
    return set(zip(words, words[1:]))
