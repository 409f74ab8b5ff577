"""How well the passages support a claim: a true/false statement, or an option of a multiple-choice question.

A claim is supported by the *evidence* (a unit of a passage: sentence, clause or list item, with the
sentence introducing it; or two consecutive units, since a statement may join two items) that covers
most of its content words, weighted by their rarity across the store. Against that evidence the claim
is then checked for what a reworded statement changes to make it false:

- *negation*: a word that a negation governs in one text and that stands plainly in the other ("không
  cần phải được lập thành văn bản" against "phải được lập thành văn bản"). A negation ("không", "chưa",
  "chẳng", "cấm", "nghiêm cấm", "trừ") governs the next content words of its clause after modal words
  ("được", "phải", "có", ...); closing its clause ("... bị nghiêm cấm") it governs the words before it.
  The words are matched through an alignment of the two texts (longest common subsequence), so a word
  negated in one place and stated in another of a long article does not count. The article's title
  counts too ("Địa điểm không được đăng ký thường trú mới").
- *inclusion*: "kể cả X" in the claim where the evidence makes an exception ("trừ ...").
- *figures*: a number or date of the claim the evidence does not state with the same measure ("02 lần"
  against "nhiều lần", "6 tháng" against "12 tháng"; leading zeros ignored, "31/12/2022" = "ngày 31
  tháng 12 năm 2022").
- *absolutes and comparisons*: "chỉ", "duy nhất", "luôn", "bắt buộc", "hơn" in the claim and not in the
  evidence: the law rarely says "only" or "more than" where a statement does.
- *another law*: the claim cites a law ("theo quy định của Bộ luật hình sự") whose name is neither in
  the evidence nor in its document's title.
- *substitution*: one or two words of the claim, absent from the evidence, standing where the evidence
  has other words, between words both share ("luật quốc tế" against "pháp luật Việt Nam").
- *definition*: both say "X là ...", about overlapping but different subjects ("Ly hôn là ..." against
  "Ly hôn giả tạo là ...").

Words are compared as syllables with their tone marks when the claim is written with them (so "dừa"
is not "đưa"; the tone's place is normalised, "thoả" = "thỏa"), folded otherwise. Negations and
absolutes are read with tone marks only (folded "cấm" is also "cảm", folded "chỉ" also "chi").
"""
from __future__ import annotations

import itertools
import math
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from ingest.vietnamese import fold, has_diacritics, split_tone
from qa_service.answering.context import DocumentContext, NoContext
from qa_service.answering.details import date_in, number_in
from qa_service.answering.lexicon import STOPWORDS, stopword
from qa_service.answering.question import folded
from qa_service.answering.units import ITEM_START, Unit

MAX_RARITY = 3.0
# Credit of a claim word found in the evidence or its introducing sentence, and in its article or document title.
CREDIT_TEXT, CREDIT_TITLE = 1.0, 0.8
# Words of nearly every legal sentence: they do not carry a negation's meaning.
LEGAL_GENERIC = frozenset("""
quy dinh luat nay dieu khoan diem phap truong hop theo cua cac nhung sau day bao gom co quan to chuc ca nhan
viec thuc hien duoc phai co khong la va hoac
""".split())
# Negation cues (lower case, tone marks); multi-word cues first.
NEGATION_CUES = (("nghiêm", "cấm"), ("ngoại", "trừ"), ("không",), ("chưa",), ("chẳng",), ("cấm",), ("trừ",))
# Phrases with "không"/"cấm"/"chưa" that are not negations: nouns, and the endings of yes/no questions.
NOT_NEGATION = re.compile(r"(?i)\b(?:không gian|không khí|hàng không|không ảnh|không quân|không phận|không lưu|"
                          r"điều cấm|khu vực cấm|địa điểm cấm)\b|\b(?:hay|hoặc) (?:không|chưa)\s*(?:\?|$)|"
                          r"\b(?:không|chưa)\s*\?")
# Modal words between a negation and what it negates ("không cần phải được lập ...").
MODALS = frozenset({"được", "phải", "cần", "có", "bị", "là", "thể", "phép", "hề", "nên", "đủ", "thuộc", "còn", "đã",
                    "làm", "trường", "hợp"})
SCOPE_BREAKS = frozenset({"thì", "nhưng", "mà", "nếu", "khi"})
NEGATED_WORDS = 3  # content words a negation governs
HEAD_WORDS = 2  # ... of which the first ones carry its meaning (a conflict is read on these)
ABSOLUTES = ("chỉ", "duy nhất", "luôn", "bắt buộc", "hơn")
INCLUSIONS, EXCEPTIONS = ("kể cả", "bao gồm cả"), ("trừ", "ngoại trừ")
# Measures a figure is stated in: "02 lần" must not match "02 năm".
MEASURES = frozenset("""
nam thang ngay tuan gio phut giay tuoi lan nguoi dong trieu ty nghin km m ha cm mm kg tan lit phan %
""".split())
MAX_SUBSTITUTION = 2  # words on each side of a substitution
MAX_NAME = 6  # ... when both sides are names (capitalised words)
MAX_SUBJECT = 8  # content words of a definition's subject; a longer lead-up is not one
LAW_NAME_WORDS = 5  # words of a law's name after "luật"
_CLAUSE_TEXT = re.compile(r"(?:[^,;:.!?()\n\[\]“”\"\s]|\s(?![-–]\s))+")
# A condition: from "trường hợp", "nếu", "khi" to "thì" (or, without one, to the end of the clause).
_CONDITION = re.compile(r"\b(?:trường hợp|nếu|khi)\b(?:[^.;:!?]*?\bthì\b|[^.;:!?,]*)")
_WORD = re.compile(r"[^\W_]+(?:[.,/][^\W_]+)*|%", re.UNICODE)
_DATE = re.compile(r"^\d{1,2}[/-]\d{1,2}(?:[/-]\d{2,4})?$")
def syllable_key(word: str, accented: bool) -> str:
    """A syllable's comparison key: lower case with its tone as a digit ("thoả", "thỏa" -> "thoa3"), or folded."""
    if not accented:
        return fold(word).lower()
    base, tone = split_tone(word)
    return base + tone


def words_of(text: str) -> list[str]:
    """Lower-case words (syllables, numbers with their separators, "%") of ``text`` in order."""
    return _WORD.findall(unicodedata.normalize("NFC", text).lower())


def content(word: str) -> bool:
    """Whether a (lower-case) word carries meaning of its own: not a function word, figure or legal generic."""
    plain = fold(word)
    return not stopword(word) and plain not in LEGAL_GENERIC and not plain[:1].isdigit() and plain != "%"


@dataclass
class Reading:
    """A text's words in order, each marked when a negation governs it, and when it heads that negation."""

    words: list[str] = field(default_factory=list)
    negated: list[bool] = field(default_factory=list)
    heads: list[bool] = field(default_factory=list)
    capitals: list[bool] = field(default_factory=list)  # written with a capital ("Sở Tài chính")

    def keys(self, accented: bool) -> list[str]:
        return [syllable_key(w, accented) for w in self.words]

    def bag(self, accented: bool, negated: bool) -> set[str]:
        """Keys of the content words standing negated (or plainly) somewhere."""
        return {syllable_key(w, accented) for w, n in zip(self.words, self.negated) if n == negated and content(w)}


def _cue_at(words: list[str], i: int) -> int:
    """Length of the negation cue starting at ``words[i]`` (0: none)."""
    return next((len(c) for c in NEGATION_CUES if tuple(words[i:i + len(c)]) == c), 0)


def _governed(words: list[str], positions: Iterable[int], limit: int = NEGATED_WORDS) -> list[int]:
    """The first ``limit`` content words among ``positions``, skipping modal words, up to a scope break."""
    reached = []
    for j in positions:
        if words[j] in SCOPE_BREAKS or _cue_at(words, j):
            break
        if words[j] in MODALS or not content(words[j]):
            continue
        reached.append(j)
        if len(reached) == limit:
            break
    return reached


def read(text: str) -> Reading:
    """``text``'s words with what its negations govern (see the module docstring).

    A negation inside a condition ("trong trường hợp vợ chồng không có tài sản chung ... thì") governs
    its words but heads nothing: it says when the rule applies, not what the rule is.
    """
    reading = Reading()
    # A phrase that is not a negation is read as one word ("khônggian"), in claims and evidence alike.
    cased = NOT_NEGATION.sub(lambda m: m.group(0).rstrip("? ").replace(" ", ""), unicodedata.normalize("NFC", text))
    lowered = cased.lower()
    conditions = [m.span() for m in _CONDITION.finditer(lowered)]
    for clause in _CLAUSE_TEXT.finditer(cased):
        found = list(_WORD.finditer(clause.group(0)))
        words = [m.group(0).lower() for m in found]
        negated: set[int] = set()
        heads: set[int] = set()
        i = 0
        while i < len(words):
            size = _cue_at(words, i)
            if not size:
                i += 1
                continue
            governed = _governed(words, range(i + size, len(words)))
            if all(w in MODALS for w in words[i + size:]):
                # "X ... là hành vi bị nghiêm cấm": the clause before the cue, all of it, is what is negated.
                governed = _governed(words, range(i - 1, -1, -1), limit=len(words))
            negated.update(governed)
            at = clause.start() + found[i].start()
            if not any(a <= at < b for a, b in conditions):
                heads.update(governed[:HEAD_WORDS])
            i += size
        reading.words += words
        reading.negated += [j in negated for j in range(len(words))]
        reading.heads += [j in heads for j in range(len(words))]
        reading.capitals += [m.group(0)[:1].isupper() for m in found]
    return reading


def figure_in(figure: str, measure: str, folded_text: str) -> bool:
    """A number or numeric date stated in folded text (leading zeros ignored; dates also in words), with the
    measure that follows it in the claim, if any ("02 lần")."""
    if _DATE.match(figure):
        return date_in(figure, folded_text)
    number = figure.lstrip("0") or "0"
    if not measure:
        return number_in(number, folded_text)
    return bool(re.search(rf"(?<![\d.,/])0*{re.escape(number)}(?!\d|[.,]\d)\s*{re.escape(measure)}(?!\w)",
                          folded_text))


def figures(words: list[str]) -> list[tuple[str, str]]:
    """(figure, measure) pairs of a text's words: the measure is the folded word after it, when it is one."""
    found = []
    for i, word in enumerate(words):
        if word[:1].isdigit():
            after = fold(words[i + 1]) if i + 1 < len(words) else ""
            found.append((word, after if after in MEASURES else ""))
    return found


def phrases_in(words: list[str], phrases: Iterable[str]) -> set[str]:
    padded = f" {' '.join(words)} "
    return {p for p in phrases if f" {p} " in padded}


def law_names(words: list[str]) -> list[list[str]]:
    """The names of the laws a text cites ("Bộ luật hình sự" -> ["hình", "sự"]); not "pháp luật", "luật này"."""
    names = []
    for i, word in enumerate(words):
        # Not "pháp luật" (the law in general), "kỷ luật" (discipline), "luật sư" (a lawyer).
        if word != "luật" or (i and words[i - 1] in ("pháp", "kỷ")) or words[i + 1:i + 2] == ["sư"]:
            continue
        name = []
        for after in words[i + 1:i + 1 + LAW_NAME_WORDS]:
            if after in ("này", "của", "theo", "về", "thì", "khi", "là", "đúng", "sai") or after[:1].isdigit():
                break
            name.append(after)
        if any(content(w) for w in name):
            names.append(name)
    return names


def lcs_pairs(a: list[str], b: list[str]) -> list[tuple[int, int]]:
    """Index pairs of a longest common subsequence of ``a`` and ``b``."""
    n, m = len(a), len(b)
    table = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n - 1, -1, -1):
        for j in range(m - 1, -1, -1):
            table[i][j] = table[i + 1][j + 1] + 1 if a[i] == b[j] else max(table[i + 1][j], table[i][j + 1])
    pairs, i, j = [], 0, 0
    while i < n and j < m:
        if a[i] == b[j]:
            pairs.append((i, j))
            i, j = i + 1, j + 1
        elif table[i + 1][j] >= table[i][j + 1]:
            i += 1
        else:
            j += 1
    return pairs


def _subject(words: list[str]) -> set[str]:
    """Folded content words before the first "là" (a definition's subject), or empty."""
    if "là" not in words:
        return set()
    # Folded, so that a typo in a tone mark ("Trọng tại" for "Trọng tài") names the same subject.
    subject = {fold(w) for w in words[:words.index("là")] if fold(w) not in STOPWORDS | LEGAL_GENERIC}
    return subject if len(subject) <= MAX_SUBJECT else set()


@dataclass
class Claim:
    """A statement or option read for checking."""

    text: str
    accented: bool
    reading: Reading
    keys: list[str]
    weights: dict[str, float]  # content word key -> weight

    @property
    def words(self) -> list[str]:
        return self.reading.words

    @property
    def total(self) -> float:
        return sum(self.weights.values())


@dataclass
class Evidence:
    """One unit, or two consecutive units of a passage, read for checking claims.

    ``reading`` covers the introducing sentence and the units; ``title`` the section titles; ``words``
    the units' own words (no item marker) for their subject and share.
    """

    units: list[Unit]
    lead: str
    text: str
    reading: Reading
    title: Reading
    lead_words: int  # the first words of ``reading`` are the introducing sentence's
    lead_negates: bool  # "Nghiêm cấm các hành vi sau đây:" negates each item it introduces
    words: list[str]
    keys: dict[bool, list[str]]  # accented? -> keys of ``reading``
    key_set: dict[bool, set[str]]
    title_keys: dict[bool, set[str]]
    folded: str  # lead, units and titles, folded (for figures)

    @property
    def unit(self) -> Unit:
        return self.units[0]

    @property
    def article(self) -> tuple[str, str]:
        """The document and the top-level section ("Điều 3" of "Điều 3.2", "II" of "II.2.4") holding it."""
        chunk = self.unit.hit.chunk
        return chunk.doc_id, chunk.section.split(".")[0]


@dataclass
class Support:
    """How one evidence supports a claim.

    Attributes:
        evidence: the evidence checked (``None`` when there was none).
        coverage: weighted share of the claim's words in the evidence and its introducing sentence (full
            credit) or in its titles (``CREDIT_TITLE``).
        order: share of the claim's consecutive content-word pairs the evidence has in the same order.
        share: share of the evidence's own content words the claim covers (a claim restating a whole unit
            scores higher than one restating a fragment of it).
        negation, inclusion, figures, absolutes, other_law, substitutions, definition: what contradicts the
            claim (see the module docstring); filled by :meth:`ClaimChecker.check`.
    """

    evidence: Evidence | None
    coverage: float = 0.0
    order: float = 0.0
    share: float = 0.0
    negation: list[str] = field(default_factory=list)
    inclusion: bool = False
    figures: list[str] = field(default_factory=list)
    absolutes: list[str] = field(default_factory=list)
    other_law: str = ""
    substitutions: list[str] = field(default_factory=list)
    definition: str = ""

    @property
    def match(self) -> float:
        """How closely the evidence restates the claim: coverage first, word order second."""
        return 0.7 * self.coverage + 0.3 * self.order

    @property
    def conflicts(self) -> list[str]:
        """What in the evidence contradicts the claim, as short phrases (empty: nothing)."""
        found = [f"negation of '{w}'" for w in self.negation[:2]]
        found += ["an exception where the statement includes"] if self.inclusion else []
        found += [f"figure {f} not stated" for f in self.figures]
        found += [f"'{a}' not stated" for a in self.absolutes]
        found += [f"cites {self.other_law}"] if self.other_law else []
        found += [f"'{s}'" for s in self.substitutions[:1]]
        found += [self.definition] if self.definition else []
        return found


class ClaimChecker:
    """Checks claims against the units of the retrieved passages.

    Args:
        units: the passages' units (``units.split_units``), best passages first.
        context: store look-ups; its rarity weighs words (without a store: rarity among the units).
        pair_margin: two consecutive units are read as one evidence too; such a pair supports a claim only
            when it restates it this much better than any single unit (else it would win by its mere length).
    """

    def __init__(self, units: list[Unit], context: DocumentContext | None = None, pair_margin: float = 0.1):
        self.context = context or NoContext()
        self.pair_margin = pair_margin
        kept = [u for u in units if not u.heading and len(u.text) >= 8]
        self.evidence = [self._read([u]) for u in kept]
        self.evidence += [self._read([a, b]) for a, b in itertools.pairwise(kept)
                          if a.hit.chunk.chunk_id == b.hit.chunk.chunk_id and a.lead == b.lead
                          and not a.is_lead and not b.is_lead]
        self._rarity: dict[str, float] = {}

    @staticmethod
    def _read(units: list[Unit]) -> Evidence:
        chunk = units[0].hit.chunk
        lead = units[0].lead
        text = " ".join(u.text for u in units)
        own = f"{lead}\n{text}" if lead else text
        section_titles = " ".join([*chunk.section_titles, chunk.section_title])
        titles = f"{section_titles} {chunk.title} {chunk.doc_type}"
        reading, title = read(own), read(section_titles)
        lead_reading = read(lead)
        title_words = words_of(titles)
        keys = {a: reading.keys(a) for a in (True, False)}
        return Evidence(units=units, lead=lead, text=text, reading=reading, title=title,
                        lead_words=len(lead_reading.words),
                        lead_negates=lead.rstrip().endswith(":") and any(lead_reading.negated),
                        words=words_of(ITEM_START.sub("", text, count=1)), keys=keys,
                        key_set={a: set(k) for a, k in keys.items()},
                        title_keys={a: {syllable_key(w, a) for w in title_words} for a in (True, False)},
                        folded=folded(f"{own} {titles}"))

    def weight(self, word: str) -> float:
        """A word's weight: its rarity across the store (folded), capped."""
        plain = fold(word)
        if plain not in self._rarity:
            rarity = self.context.rarity(plain)
            if rarity is None:
                n = len(self.evidence)
                rarity = 1.0 + math.log((n + 1) / (sum(plain in e.key_set[False] for e in self.evidence) + 1))
            self._rarity[plain] = min(rarity, MAX_RARITY)
        return self._rarity[plain]

    def claim(self, text: str) -> Claim:
        """``text`` read as a claim."""
        accented = has_diacritics(text)
        reading = read(text)
        weights: dict[str, float] = {}
        for word in reading.words:
            if not stopword(word) and not word[:1].isdigit() and word != "%":
                weights.setdefault(syllable_key(word, accented), self.weight(word))
        return Claim(text=text, accented=accented, reading=reading, keys=reading.keys(accented), weights=weights)

    def support(self, claim: Claim, evidence: Evidence) -> Support:
        """How one evidence supports ``claim``: coverage, order and share (cheap; no contradiction checks)."""
        total = claim.total or 1.0
        keys, titles = evidence.key_set[claim.accented], evidence.title_keys[claim.accented]
        coverage = sum(w * (CREDIT_TEXT if k in keys else CREDIT_TITLE if k in titles else 0.0)
                       for k, w in claim.weights.items()) / total
        order_keys = [k for k in claim.keys if k in claim.weights]
        pairs = list(itertools.pairwise(order_keys))
        if pairs:
            own = [k for k in evidence.keys[claim.accented] if k in claim.weights]
            in_order = set(itertools.pairwise(own))
            order = sum(p in in_order for p in pairs) / len(pairs)
        else:
            order = coverage
        own_content = {syllable_key(w, claim.accented) for w in evidence.words if content(w)}
        share = len(own_content & claim.weights.keys()) / len(own_content) if own_content else 0.0
        return Support(evidence, coverage, order, share)

    def check(self, claim: Claim, support: Support, titles: bool = False, inherit: bool = False) -> Support:
        """``support`` with what in its evidence contradicts ``claim`` filled in.

        With ``titles``, a negation heading the article's title counts too ("Địa điểm không được đăng ký
        thường trú mới" against a question asking where one may register). With ``inherit``, an item
        introduced by a negating sentence ("Nghiêm cấm các hành vi sau đây:") is negated as a whole: a
        statement reads it so ("Neo đậu thuyền ... là hành vi bị nghiêm cấm"); an option of a question
        whose stem carries the negation ("Hành vi nào sau đây bị nghiêm cấm?") does not.
        """
        evidence = support.evidence
        if evidence is None:
            return support
        accented = claim.accented
        pairs = lcs_pairs(claim.keys, evidence.keys[accented])
        support.negation = _negation_conflicts(claim, evidence, pairs, titles, inherit)
        evidence_words = evidence.reading.words
        support.inclusion = bool(phrases_in(claim.words, INCLUSIONS)) and \
            bool(phrases_in(evidence_words, EXCEPTIONS)) and not phrases_in(evidence_words, INCLUSIONS)
        support.figures = [f"{f} {m}".strip() for f, m in figures(claim.words)
                           if not figure_in(f, m, evidence.folded)]
        support.absolutes = sorted(phrases_in(claim.words, ABSOLUTES) - phrases_in(evidence_words, ABSOLUTES))
        known = evidence.key_set[accented] | evidence.title_keys[accented]
        support.other_law = next((f"Luật {' '.join(name)}" for name in law_names(claim.words)
                                  if any(content(w) and syllable_key(w, accented) not in known for w in name)), "")
        support.substitutions = _substitutions(claim, evidence, pairs)
        support.definition = _definition(claim, evidence)
        return support

    def rank(self, claim: Claim, among: Iterable[Evidence] | None = None) -> list[Support]:
        """Supports of ``claim`` best first (unchecked); a pair of units ranks by its match less the margin."""
        scored = [self.support(claim, e) for e in (self.evidence if among is None else among)]
        return sorted(scored, key=lambda s: (-(s.match - (self.pair_margin if len(s.evidence.units) > 1 else 0.0)),
                                             -s.share))

    def best(self, claim: Claim, among: Iterable[Evidence] | None = None, inherit: bool = False) -> Support:
        """The evidence restating ``claim`` most closely, checked (an empty Support without evidence)."""
        ranked = self.rank(claim, among)
        return self.check(claim, ranked[0], inherit=inherit) if ranked else Support(None)


def _negation_conflicts(claim: Claim, evidence: Evidence, pairs: list[tuple[int, int]], titles: bool,
                        inherit: bool) -> list[str]:
    """Words a negation heads in one text that stand plainly in the other (see the module docstring).

    A head is compared with the word aligned to it; a head without one, with the other text's words when
    that text states the word only plainly, and only if the head's own text never states it plainly.
    """
    accented = claim.accented
    mine, theirs = claim.reading, evidence.reading
    if inherit and evidence.lead_negates:
        items = [k >= evidence.lead_words and content(w) for k, w in enumerate(theirs.words)]
        theirs = Reading(theirs.words, [n or i for n, i in zip(theirs.negated, items)],
                         [h or i for h, i in zip(theirs.heads, items)])
    to_theirs, to_mine = dict(pairs), {j: i for i, j in pairs}
    found: set[str] = set()
    for (reading, other, links) in ((mine, theirs, to_theirs), (theirs, mine, to_mine)):
        plain_only = other.bag(accented, False) - other.bag(accented, True)
        own_plain = reading.bag(accented, False)
        for i, word in enumerate(reading.words):
            if not reading.heads[i]:
                continue
            key = syllable_key(word, accented)
            j = links.get(i)
            if (j is not None and not other.negated[j]) or (j is None and key in plain_only and key not in own_plain):
                found.add(key)
    if titles:
        heads = {syllable_key(w, accented) for w, h in zip(evidence.title.words, evidence.title.heads) if h}
        found |= heads & (mine.bag(accented, False) - mine.bag(accented, True))
    return sorted(k for k in found if k in claim.weights)


def _substitutions(claim: Claim, evidence: Evidence, pairs: list[tuple[int, int]]) -> list[str]:
    """Short runs of the claim's words, absent from the evidence, where the evidence has other words; or a name
    where the evidence has another name ("Sở Tài chính thẩm định" against "Sở Giao thông vận tải thẩm định")."""
    accented = claim.accented
    present = evidence.key_set[accented] | evidence.title_keys[accented]
    mine, theirs = claim.reading, evidence.reading
    found = []
    for (i0, j0), (i1, j1) in itertools.pairwise(pairs):
        gap, other = mine.words[i0 + 1:i1], theirs.words[j0 + 1:j1]
        short = 1 <= len(gap) <= MAX_SUBSTITUTION and 1 <= len(other) <= MAX_SUBSTITUTION
        # A name's first syllable is written with a capital ("Sở Giao thông vận tải").
        names = 1 <= len(gap) <= MAX_NAME and 1 <= len(other) <= MAX_NAME and \
            mine.capitals[i0 + 1] and theirs.capitals[j0 + 1]
        if not (short or names):
            continue
        if any(content(w) and syllable_key(w, accented) not in present for w in gap):
            found.append(f"{' '.join(gap)}' where the law says '{' '.join(other)}")
    return found


def _definition(claim: Claim, evidence: Evidence) -> str:
    mine, theirs = _subject(claim.words), _subject(evidence.words)
    if not mine or not theirs or mine == theirs:
        return ""
    if len(mine & theirs) * 2 < min(len(mine), len(theirs)):
        return ""  # another sentence altogether, not another definition of the same thing
    return f"the law defines '{' '.join(sorted(theirs))}', not '{' '.join(sorted(mine))}'"
