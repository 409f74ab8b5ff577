"""How well a unit answers a question, and which units together make the answer.

A unit's relevance is the weighted share of the question's content terms it covers (in its own
words, its introducing sentence, its section titles or its document title, in decreasing credit),
plus the share of the question's word pairs it contains in order. Units that state what the
question asks for (a date for "when", a figure for "how many", an agency for "who") score higher.
Selection starts from the best unit and adds units that cover what is still missing.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

from qa_service.answering.agencies import lead_agency, names_agency, text_key
from qa_service.answering.context import DocumentContext, NoContext
from qa_service.answering.lexicon import EQUIVALENT_PHRASES
from qa_service.answering.details import local_missing, missing_details, year_conflict
from qa_service.answering.pieces import answer_piece, lead_piece
from qa_service.answering.question import (
    AGENCY,
    DATE,
    LIST,
    NUMBER,
    PLACE,
    RESPONSIBILITY,
    SIGNER,
    TARGET,
    QuestionAnalysis,
    folded,
    folded_tokens,
)
from qa_service.answering.units import ITEM_START, LENGTH, MONEY, PERCENT, TARGET_WORDS, Unit, states_agency

# Words of nearly every administrative passage: they count, but little.
GENERIC = frozenset("""
tinh uy ban nhan dan ubnd nam thang ngay cong tac thuc hien so cac viec nhiem vu ket luan thong bao cao
don vi co quan lien quan trien khai dia phuong to chuc ke hoach quy dinh nganh cap xa huyen giao dat
""".split())
# Words that name the kind of figure asked; a unit stating such a figure covers them.
FIGURE_WORDS = {"percent": frozenset({"ty", "le", "phan", "tram"}), "money": frozenset({"kinh", "phi", "tien", "so"}),
                "length": frozenset({"chieu", "dai"})}
FIGURE_PATTERNS = {"percent": PERCENT, "money": MONEY, "length": LENGTH}
# Words of a "when" question that a unit stating a date or time limit covers.
TIME_WORDS = frozenset({"thoi", "han", "ngay", "thang", "truoc", "tan", "suat", "dinh", "ky", "hoan", "thanh"})
# "tại Trung tâm Hội nghị tỉnh": a place named after "tại"/"ở".
PLACE_PHRASE = re.compile(r"\b(?:tại|ở)\s+(?:[A-ZĐÀ-Ỹ]|trụ sở|hội trường)")
# A figure stated as a goal to reach (folded text).
GOAL = re.compile(r"\b(?:phan dau|toi thieu|muc tieu|huong den)\b")
# An address: "số 24 đường Nguyễn Tất Thành, khu phố 1, phường Hưng Long".
ADDRESS = re.compile(r"\b(?:đường|phố|khu phố|phường|xã|thị trấn|quận|huyện|thôn|ấp|tổ dân phố)\s+[A-ZĐ0-9]")
# The signature block: "TL. CHỦ TỊCH", "KT. CHÁNH VĂN PHÒNG", "PHÓ CHỦ TỊCH" followed by the signer's name.
SIGNATURE = re.compile(r"\b(?:TM|TL|KT|Q)\.\s*[A-ZĐÀ-Ỹ ]{4,}")
# Words of a "who signed" question that a signature block covers without writing them.
SIGNING_WORDS = frozenset({"ky", "nguoi", "ban", "hanh"})
MAX_RARITY = 3.0  # rare syllables (names, typos) must not outweigh the rest of the question
GENERIC_WEIGHT = 0.4

# Credit for a term found in the unit itself, its introducing sentence, its section titles, its document.
CREDIT_TEXT, CREDIT_LEAD, CREDIT_SECTION, CREDIT_DOCUMENT = 1.0, 0.8, 0.6, 0.75


@dataclass(frozen=True)
class ScoringConfig:
    """Weights of the unit score (see the module docstring)."""

    term_weight: float = 0.65
    phrase_weight: float = 0.35
    facet_bonus: float = 0.2
    rank_penalty: float = 0.02
    heading_penalty: float = 0.25
    length_penalty: float = 0.03  # per 100 characters beyond 300: long units cover much by chance
    missing_detail_penalty: float = 0.3  # per question detail its document does not contain
    year_conflict_penalty: float = 0.15  # the unit states other years than the question asks
    local_detail_penalty: float = 0.1  # per figure or code of the question not stated near the unit
    local_name_penalty: float = 0.2  # per name (place, person) of the question not stated in the unit or its lead
    agency_penalty: float = 0.2  # per agency of the question not named in the unit, its lead-in or titles
    other_assignee_penalty: float = 0.3  # the unit's lead-in assigns it to an agency the question does not name
    unsigned_penalty: float = 0.3  # a "who signed" question and a unit other than a signature block
    predicate_weight: float = 2.0  # weight factor of what a "who" question asks was done (``predicate``)
    add_min_gain: float = 0.12  # a unit joins the answer when it covers this much more of the question
    add_min_ratio: float = 0.7  # ... and scores at least this share of the best unit
    other_passage_ratio: float = 0.8  # ... or this share when it comes from another passage
    list_item_ratio: float = 0.4  # ... or this share for the rest of its sentence, or the items after it in a list
    # ... or this share when it states a fact a several-part question asks and the chosen units do not state
    # at all (the date of "issued on what date, and how many fields ...?")
    missing_fact_ratio: float = 0.6
    single_budget: int = 420  # characters of quoted text for a one-fact answer
    multi_budget: int = 900  # ... for lists, several facts or several documents
    item_chars: int = 240  # an item of a gathered list is quoted up to about this length in the answer
    item_topic_ratio: float = 0.5  # an item covers at least this share of the topic the best unit covers


def term_set(text: str) -> set[str]:
    tokens = folded_tokens(text)
    terms = set(tokens)
    padded = f" {' '.join(tokens)} "
    for group in EQUIVALENT_PHRASES:
        if any(f" {phrase} " in padded for phrase in group):
            terms.update(w for phrase in group for w in phrase.split())
    return terms


def _bigrams(text: str) -> set[str]:
    tokens = folded_tokens(text)
    return {f"{a} {b}" for a, b in zip(tokens, tokens[1:])}


@dataclass
class ScoredUnit:
    """A unit with its score and what it covers of the question."""

    unit: Unit
    score: float
    relevance: float
    credits: dict[str, float]  # question term -> credit in [0, 1]
    facets: dict[str, float]  # asked facet -> how well the unit states it, in [0, 1]
    phrase_share: float = 0.0
    use_lead: bool = False  # the introducing sentence is needed to read the unit (it names the agency)
    missing: list[str] = field(default_factory=list)  # question details its document does not contain
    year_conflict: bool = False
    local_missing: list[str] = field(default_factory=list)  # names and figures not stated near the unit
    agencies_missing: list[str] = field(default_factory=list)  # agencies of the question not named near it
    in_bound: bool = False  # the unit states a deadline inside the question's bound ("trước ngày 31/01/2024")
    assigned_elsewhere: bool = False  # its lead-in assigns it to another agency than the question names
    topic: float = 1.0  # weighted share of the question's topic terms (not agency names, not generic) covered


@dataclass
class Selection:
    """The units an answer quotes, best first, with the question's coverage by all of them."""

    units: list[ScoredUnit] = field(default_factory=list)
    coverage: float = 0.0  # weighted share of the question terms covered by the selection
    topic: float = 1.0  # the same for the question's topic terms (see ``UnitScorer.topic``)
    best: ScoredUnit | None = None
    runner_up_gap: float = 0.0  # best score minus the best score from another passage
    gathered: bool = False  # the units are the items a gathering question asks for, quoted briefly

    @property
    def documents(self) -> list[str]:
        return list(dict.fromkeys(s.unit.hit.chunk.doc_id for s in self.units))


def alone(scorer: "UnitScorer", scored: ScoredUnit) -> Selection:
    """One unit as a selection by itself: how a candidate answer is judged on its own words."""
    return Selection(units=[scored], coverage=scorer.coverage(scored.credits), topic=scorer.topic(scored.credits),
                     best=scored)


class UnitScorer:
    """Scores units against one question.

    Term weights are the terms' rarity across the store (``DocumentContext.rarity``), or among the
    candidate passages when there is no store; generic administrative words count less.
    """

    def __init__(self, analysis: QuestionAnalysis, units: list[Unit], config: ScoringConfig = ScoringConfig(),
                 context: DocumentContext | None = None):
        self.analysis = analysis
        self.config = config
        self.context = context or NoContext()
        self._doc_missing: dict[str, list[str]] = {}
        chunks = {u.hit.chunk.chunk_id: u.hit.chunk for u in units}
        chunk_terms = [term_set(c.text) for c in chunks.values()]
        n = max(len(chunk_terms), 1)
        self.weights: dict[str, float] = {}
        for term in analysis.terms:
            rarity = self.context.rarity(term)
            if rarity is None:  # no store: rarity among the candidate passages
                rarity = 1.0 + math.log((n + 1) / (sum(term in terms for terms in chunk_terms) + 1))
            self.weights[term] = min(rarity, MAX_RARITY) * (GENERIC_WEIGHT if term in GENERIC else 1.0)
        # "Ai chủ trì ...": a unit that does not say who chaired does not answer.
        for term in [t for t in analysis.predicate if t not in GENERIC][:2]:
            if term in self.weights:
                self.weights[term] *= config.predicate_weight
        self.total_weight = sum(self.weights.values()) or 1.0
        # The topic: what the question asks about beyond the agency it names, the genre's generic words and
        # the words of asking when ("hoàn thành", "thời hạn").
        agency_syllables = {s for a in analysis.agencies for s in term_set(a.name)}
        self.topic_terms = [t for t in self.weights if t not in agency_syllables and t not in GENERIC
                            and t not in TIME_WORDS]
        self._title_terms: dict[int, set[str]] = {}
        self._section_terms: dict[int, set[str]] = {}

    def credits(self, unit: Unit) -> dict[str, float]:
        chunk = unit.hit.chunk
        if chunk.chunk_id not in self._section_terms:
            self._section_terms[chunk.chunk_id] = term_set(" ".join(chunk.section_titles + [chunk.section_title]))
            self._title_terms[chunk.chunk_id] = term_set(f"{chunk.title} {chunk.doc_type} {chunk.number}")
        text_terms = term_set(unit.text)
        # "TLKC" in a unit covers "tài liệu kiểm chứng" when its document defines it so.
        defined = self.context.abbreviations(chunk.doc_id)
        for abbreviation in text_terms & defined.keys():
            text_terms |= set(defined[abbreviation].split())
        figure = self.analysis.unit
        if figure and FIGURE_PATTERNS[figure].search(unit.folded):
            text_terms |= FIGURE_WORDS[figure]
        if DATE in self.analysis.facets and unit.has_time(strong_only=True):
            text_terms |= TIME_WORDS
        if self.signs(unit):
            # The rest of a "who signed ..." question names the document, which the block closes.
            text_terms |= SIGNING_WORDS | self._title_terms[chunk.chunk_id]
        layers = ((text_terms, CREDIT_TEXT), (term_set(unit.lead), CREDIT_LEAD),
                  (self._section_terms[chunk.chunk_id], CREDIT_SECTION), (self._title_terms[chunk.chunk_id],
                                                                          CREDIT_DOCUMENT))
        return {t: next((credit for terms, credit in layers if t in terms), 0.0) for t in self.weights}

    def signs(self, unit: Unit) -> bool:
        """Whether the question asks who signed and the unit is a signature block."""
        return SIGNER in self.analysis.facets and (unit.hit.chunk.section == "signature" or
                                                    bool(SIGNATURE.search(unit.text)))

    def local_text(self, unit: Unit) -> str:
        """The words around a unit: itself, its introducing sentence, section titles, document header."""
        c = unit.hit.chunk
        return " ".join([unit.folded, unit.folded_lead, folded(" ".join(c.section_titles + [c.section_title])),
                         folded(f"{c.title} {c.number} {c.date}"), self.context.document_facts(c.doc_id)])

    def document_missing(self, unit: Unit) -> list[str]:
        """Question details that the unit's whole document does not contain."""
        doc_id = unit.hit.chunk.doc_id
        if doc_id not in self._doc_missing:
            text = self.context.document_folded(doc_id) or folded(unit.hit.chunk.text)
            self._doc_missing[doc_id] = missing_details(self.analysis, f"{text} {self.local_text(unit)}",
                                                        {unit.hit.chunk.date})
        return self._doc_missing[doc_id]

    def agencies_missing(self, unit: Unit) -> list[str]:
        """Agencies the question names that the unit, its lead-in and its section titles do not name."""
        if not self.analysis.agencies:
            return []
        c = unit.hit.chunk
        keyed = text_key(" ".join([unit.text, unit.lead, *c.section_titles, c.section_title, c.title,
                                   self.context.document_facts(c.doc_id)]))
        return [a.name for a in self.analysis.agencies if not names_agency(a, keyed)]

    def assigned_elsewhere(self, unit: Unit) -> bool:
        """The question names agencies and the unit's lead-in (or section title) assigns it to another one."""
        if not self.analysis.agencies or unit.is_lead:
            return False
        # An item section is often titled by its assignee ("a) Trung tâm Phát triển quỹ đất tỉnh").
        assignee = lead_agency(unit.lead) if unit.lead else ""
        assignee = assignee or lead_agency(unit.hit.chunk.section_title)
        return bool(assignee) and not any(names_agency(a, text_key(assignee)) for a in self.analysis.agencies)

    def coverage(self, credits: dict[str, float]) -> float:
        if not self.weights:  # a question that only filters ("what is due before 31/01/2024?")
            return 1.0
        return sum(self.weights[t] * c for t, c in credits.items()) / self.total_weight

    def topic(self, credits: dict[str, float]) -> float:
        """Weighted share of the topic terms covered (1.0 when the question has none)."""
        total = sum(self.weights[t] for t in self.topic_terms)
        return sum(self.weights[t] * credits[t] for t in self.topic_terms) / total if total else 1.0

    def in_bound(self, unit: Unit) -> bool:
        """Whether the unit states a deadline inside the question's bound."""
        bound = self.analysis.bound
        return bound is not None and any(bound.contains(d) for d in unit.deadlines)

    def facet_fit(self, unit: Unit) -> dict[str, float]:
        a = self.analysis
        fits: dict[str, float] = {}
        if DATE in a.facets and a.bound is not None:
            fits[DATE] = 1.0 if self.in_bound(unit) else 0.0
        elif DATE in a.facets:
            fits[DATE] = 1.0 if unit.has_time(strong_only=True) else 0.5 if unit.has_time() else 0.0
        if NUMBER in a.facets:
            fits[NUMBER] = number_fit(a, unit.text)
        if AGENCY in a.facets:
            fits[AGENCY] = 1.0 if unit.has_agency() else 0.7 if unit.lead and states_agency(unit.lead) else 0.0
        if PLACE in a.facets:
            fits[PLACE] = 1.0 if PLACE_PHRASE.search(unit.text) or ADDRESS.search(unit.text) else 0.0
        if SIGNER in a.facets:
            fits[SIGNER] = 1.0 if self.signs(unit) else 0.0
        if TARGET in a.facets:
            fits[TARGET] = 1.0 if TARGET_WORDS.search(unit.folded) else 0.0
        if LIST in a.facets:
            separators = unit.text.count(";") + unit.text.count(",") + len(re.findall(r"\(\d+\)", unit.text))
            fits[LIST] = 1.0 if separators >= 2 else 0.5
        return fits

    def score(self, unit: Unit) -> ScoredUnit:
        cfg = self.config
        credits = self.credits(unit)
        coverage = self.coverage(credits)
        pairs = self.analysis.phrases
        in_order = _bigrams(unit.text) | _bigrams(unit.lead)
        if self.signs(unit):
            in_order |= _bigrams(f"{unit.hit.chunk.doc_type} {unit.hit.chunk.title}")
        phrase_share = len(set(pairs) & in_order) / len(pairs) if pairs else coverage
        relevance = cfg.term_weight * coverage + cfg.phrase_weight * phrase_share
        fits = self.facet_fit(unit)
        facet_score = sum(fits.values()) / len(fits) if fits else 0.0
        score = relevance + cfg.facet_bonus * facet_score - cfg.rank_penalty * unit.rank
        score -= cfg.length_penalty * max(0, len(unit.text) - 300) / 100
        if unit.heading:
            score -= cfg.heading_penalty
        if SIGNER in self.analysis.facets and not self.signs(unit):  # only a signature block names the signer
            score -= cfg.unsigned_penalty
        missing = list(self.document_missing(unit))
        in_bound = self.in_bound(unit)
        if self.analysis.bound is not None and not in_bound:
            missing.append(f"deadline {self.analysis.bound.words}")
        local = self.local_text(unit)
        conflict = year_conflict(self.analysis, local, unit.folded)
        c = unit.hit.chunk
        near = " ".join([unit.folded, unit.folded_lead, folded(f"{c.section_title} {c.title}"),
                         self.context.document_issuer(c.doc_id)])
        away = local_missing(self.analysis, local, near)
        score -= cfg.missing_detail_penalty * len(missing) + (cfg.year_conflict_penalty if conflict else 0.0)
        score -= sum(cfg.local_name_penalty if m.startswith("name") else cfg.local_detail_penalty for m in away)
        agencies_missing = self.agencies_missing(unit)
        score -= cfg.agency_penalty * len(agencies_missing)
        elsewhere = self.assigned_elsewhere(unit)
        if elsewhere:
            score -= cfg.other_assignee_penalty
        use_lead = bool(unit.lead) and not unit.is_lead and (
            (AGENCY in self.analysis.facets and not unit.has_agency()) or
            any(not names_agency(a, text_key(unit.text)) for a in self.analysis.agencies) or
            any(credits[t] == CREDIT_LEAD for t in credits) or unit.text[:1].islower() or
            _starts_with_verb(unit.text))
        return ScoredUnit(unit, score, relevance, credits, fits, phrase_share, use_lead, missing, conflict, away,
                          agencies_missing, in_bound, elsewhere, self.topic(credits))


_VERB_START = re.compile(r"^(?:[-+•]\s*|\(?[a-zđ\d]+[.)]\s*)?(?:chu tri|phoi hop|tham muu|thuong xuyen|tiep tuc|"
                         r"khan truong|kip thoi|to chuc|thuc hien|xay dung|theo doi|hoan thanh|chi dao|rà soat|"
                         r"ra soat|chu dong|dam bao|bao dam|huong dan|trien khai|de xuat|nghien cuu|tong hop)\b")


def _starts_with_verb(text: str) -> bool:
    """An item that starts with its verb ("Chủ trì, phối hợp ...") needs its lead-in to name the agency."""
    return bool(_VERB_START.match(folded(text)))


def number_fit(analysis: QuestionAnalysis, text: str) -> float:
    """How well ``text`` states the figure the question asks: 1 when its unit or counted noun matches."""
    text = ITEM_START.sub("", text, count=1)  # "2." opening an item is a label, not a figure
    f = folded(text)
    figures = re.findall(r"(?<![\d/])\d+(?:[.,]\d+)*(?:/\d+)?", re.sub(r"\b\d+/[A-ZĐ][\w-]*", " ", text))
    if not figures:
        return 0.0
    if TARGET not in analysis.facets and GOAL.search(f):
        return 0.5  # "phấn đấu đạt tối thiểu 95%" is a goal, not the result the question asks
    if analysis.unit == "percent":
        return 1.0 if PERCENT.search(f) else 0.3
    if analysis.unit == "money":
        return 1.0 if MONEY.search(f) else 0.2
    if analysis.unit == "length":
        return 1.0 if LENGTH.search(f) else 0.2
    if analysis.counted:
        return 1.0 if counted_match(analysis.counted, f) else 0.3
    return 1.0


def counted_match(noun: str, folded_text: str) -> bool:
    """A figure followed (within three words) by the counted noun: "42/42 cơ quan", "9.976 biên chế"."""
    return bool(re.search(rf"\d[\d.,/]*(?:\s+\S+){{0,3}}?\s+{re.escape(noun)}\b", folded_text))


def matches_query(analysis: QuestionAnalysis, s: ScoredUnit) -> bool:
    """Whether a unit is one of the items a gathering question asks for: due inside its bound, assigned to
    the agency it names, in a document holding all its details."""
    if s.missing or s.unit.heading or s.unit.is_lead:
        return False
    if analysis.bound is not None and not s.in_bound:
        return False
    return not analysis.agencies or not (s.agencies_missing or s.assigned_elsewhere)


def select(scorer: UnitScorer, scored: list[ScoredUnit], *, multi_document: bool, wants_list: bool) -> Selection:
    """The best unit and the units that add what it misses (another fact, another document, list items).

    A one-part question answered by one unit stays one unit: another unit joins only when it
    covers a good share of the question that the chosen ones miss, states an asked fact they lack,
    belongs to another document of a cross-document question, or continues the best unit's list.
    A question gathering items ("những nhiệm vụ của Sở Tài chính", "what is due before 31/01/2024")
    takes every item that matches it (see :func:`matches_query`), from any document, within the budget.
    """
    cfg = scorer.config
    if not scored:
        return Selection()
    analysis = scorer.analysis
    if analysis.bound is not None:  # the bound filters: only units due inside it answer (else abstain)
        scored = [s for s in scored if s.in_bound] or scored
    ranked = sorted(scored, key=lambda s: -s.score)
    best = ranked[0]
    chosen = [best]
    covered = dict(best.credits)
    facets_met = {f for f, v in best.facets.items() if v >= 1.0}
    # A question gathering tasks (by deadline, or an agency's tasks) takes its items from the structured
    # rows only: a passage naming the agency may report what it did rather than assign it a task.
    gathering = analysis.bound is not None or (wants_list and bool(analysis.agencies)
                                               and analysis.kind == RESPONSIBILITY)
    gathering = gathering and any(s.unit.structured and matches_query(analysis, s) for s in scored)
    several = wants_list or multi_document or analysis.parts > 1 or gathering
    budget = cfg.multi_budget if several else cfg.single_budget
    documents = {best.unit.hit.chunk.doc_id}

    def shown(s: ScoredUnit, lead: bool) -> int:
        """Characters the answer will show for a unit (and its lead-in): items of a gathered list briefly."""
        if not gathering:
            return len(s.unit.text) + (len(s.unit.lead) if lead else 0)
        return (len(answer_piece(s.unit.text, cfg.item_chars, s.unit.deadline_text)) +
                (len(lead_piece(s.unit.lead, cfg.item_chars)) if lead else 0))

    def quoted(s: ScoredUnit) -> int:
        return shown(s, s.use_lead and all(c.unit.lead != s.unit.lead for c in chosen if c.use_lead))

    used = shown(best, best.use_lead)

    while True:
        best_gain, pick = 0.0, None
        for s in ranked[1:]:
            same_passage = s.unit.hit.chunk.chunk_id == best.unit.hit.chunk.chunk_id
            # Clauses of the best unit's own sentence, and for a list the items after it, continue it.
            same_line = same_passage and s.unit.line == best.unit.line
            # An item of the list the best unit introduces ("... theo 04 mức độ như sau:").
            introduced = best.unit.is_lead and s.unit.lead == best.unit.text
            continues = same_line or introduced or (wants_list and same_passage and s.unit.start > best.unit.start)
            item = gathering and s.unit.structured and matches_query(analysis, s) and \
                s.topic >= cfg.item_topic_ratio * best.topic
            ratio = cfg.list_item_ratio if continues or item else (cfg.add_min_ratio if same_passage
                                                                   else cfg.other_passage_ratio)
            # A unit stating an asked fact the answer does not state at all joins more easily, even a lead-in.
            lacking = {f for f in s.facets if max(c.facets.get(f, 0.0) for c in chosen) < 0.5}
            supplies = analysis.parts > 1 and any(s.facets[f] >= 1.0 for f in lacking)
            if supplies:
                ratio = min(ratio, cfg.missing_fact_ratio)
            if s in chosen or s.score < ratio * best.score or s.unit.heading or (s.unit.is_lead and not supplies):
                continue
            if any(c.unit.text == s.unit.text or c.unit.overlaps(s.unit) for c in chosen) or \
                    used + quoted(s) > budget:
                continue
            gain = sum(scorer.weights[t] * max(0.0, c - covered.get(t, 0.0)) for t, c in s.credits.items())
            gain /= scorer.total_weight
            new_facets = {f for f, v in s.facets.items() if v >= 1.0} - facets_met
            if not several:
                # A one-part question quotes a second unit only to complete the same passage, or for an
                # asked fact (a date, a figure) that the chosen units lack.
                if not same_passage and not new_facets:
                    continue
                gain /= 2
            gain += cfg.facet_bonus * len(new_facets)
            doc = s.unit.hit.chunk.doc_id
            if (multi_document or item) and doc not in documents:
                gain += cfg.add_min_gain
            if item or introduced or (wants_list and (same_line or (continues and s.unit.lead and
                                                                   s.unit.lead == best.unit.lead))):
                gain += cfg.add_min_gain
            elif wants_list and same_passage:
                gain += cfg.add_min_gain / 2
            if gain > best_gain:
                best_gain, pick = gain, s
        if pick is None or best_gain < cfg.add_min_gain:
            break
        chosen.append(pick)
        used += quoted(pick)
        documents.add(pick.unit.hit.chunk.doc_id)
        for t, c in pick.credits.items():
            covered[t] = max(covered.get(t, 0.0), c)
        facets_met |= {f for f, v in pick.facets.items() if v >= 1.0}
    other = next((s.score for s in ranked if s.unit.hit.chunk.chunk_id != best.unit.hit.chunk.chunk_id), 0.0)
    # Items are quoted briefly only when they would not fit whole.
    whole = sum(len(c.unit.text) + (len(c.unit.lead) if c.use_lead else 0) for c in chosen)
    return Selection(units=chosen, coverage=scorer.coverage(covered), topic=scorer.topic(covered), best=best,
                     runner_up_gap=best.score - other, gathered=gathering and whole > budget)
