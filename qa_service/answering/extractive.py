"""Extractive answerer: quotes the units of the passages that answer the question, with [n] markers.

Steps: read the question (:mod:`question`), split the best passages into units with their
introducing sentences (:mod:`units`), score and select units (:mod:`scoring`), run the checks of
whether the selection answers at all (:mod:`abstain`), compose the extract in the document's own
words, one marker per cited passage; then the learned answer model (:mod:`model`) chooses between
the extract and windows of the best passages (:mod:`candidates`) from their features
(:mod:`features`) and withholds the answer when its calibrated confidence is too low.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from index.retriever import ScoredChunk, SearchFilters
from qa_service.answering.abstain import AbstentionPolicy
from qa_service.answering.base import NOT_FOUND_VI, QUOTE_JOINER, Answer, Answerer, CitedQuote, StatementSource
from qa_service.answering.candidates import EXTRACT, PASSAGE, SPAN, Candidate, passage_candidates
from qa_service.answering.claims import ClaimChecker
from qa_service.answering.closed import ClosedFormAnswerer
from qa_service.answering.context import DocumentContext, NoContext
from qa_service.answering.features import FEATURE_NAMES, Deliberation, feature_vector
from qa_service.answering.forms import read_form
from qa_service.answering.model import AnswerModel, pick
from qa_service.answering.pieces import answer_piece, lead_piece
from qa_service.answering.question import (
    DATE, LIST, LIST_KIND, NUMBER, SIGNER, QuestionAnalysis, analyze,
)
from qa_service.answering.scoring import ScoredUnit, ScoringConfig, Selection, UnitScorer, alone, select
from qa_service.answering.spans import focus
from qa_service.answering.units import Unit, place_statement, split_units, states_asked


@dataclass(frozen=True)
class ExtractiveConfig:
    """How many retrieved passages are read for units, and how many of them, read around their best unit
    (``window_chars``), are candidate answers beside the composed extract (an answer model sets the last
    two to what it was fitted with)."""

    passages: int = 6
    candidate_passages: int = 3
    window_chars: int = 700


def _doc_label(hit: ScoredChunk) -> str:
    c = hit.chunk
    if re.search(r"\d", c.number or ""):
        return f"{c.doc_type.capitalize()} {c.number}".strip()
    return re.sub(r"\.\w+$", "", c.source)


class ExtractiveAnswerer(Answerer):
    """The default, offline answerer: quotes the document, never paraphrases.

    Args:
        context: document look-ups (introducing sentences of parent sections, document texts);
            without one, answers rely on the retrieved passages alone.
        abstention: decides when the evidence does not answer the question.
        sources: extra statement sources (e.g. structured task rows) whose statements compete with
            the passages' own units.
        scoring: weights of the unit score.
        config: how many passages are read.
        closed: answers true/false and multiple-choice questions (see :mod:`forms`, :mod:`closed`).
        model: the learned answer model that chooses among the candidates and abstains below its
            calibrated threshold (see :mod:`model`); without one, the hand rules decide alone.
    """

    def __init__(self, context: DocumentContext | None = None, abstention: AbstentionPolicy | None = None,
                 sources: Sequence[StatementSource] = (), scoring: ScoringConfig = ScoringConfig(),
                 config: ExtractiveConfig = ExtractiveConfig(), closed: ClosedFormAnswerer | None = None,
                 model: AnswerModel | None = None):
        self.context = context or NoContext()
        self.abstention = abstention or AbstentionPolicy()
        self.sources = list(sources)
        self.scoring = scoring
        self.config = config
        self.closed = closed or ClosedFormAnswerer()
        self.model = model
        if model is not None:
            model.check(FEATURE_NAMES)
            self.config = replace(config, candidate_passages=model.passages, window_chars=model.window_chars)

    # -- evidence ----------------------------------------------------------------------------
    def _split(self, hit: ScoredChunk, rank: int) -> list[Unit]:
        parent_lead = "" if hit.chunk.lead_in else self.context.section_lead(hit.chunk)
        return split_units(hit, rank, parent_lead)

    def units(self, analysis: QuestionAnalysis, hits: list[ScoredChunk],
              filters: SearchFilters | None = None) -> list[Unit]:
        """Units of the best passages, plus the statements of the extra sources placed in their passages."""
        units: list[Unit] = []
        by_chunk: dict[int, list[Unit]] = {}
        # English questions reach Vietnamese passages through meaning alone, and questions across documents
        # need each document's best passage, often ranked low: read every retrieved passage for them.
        depth = len(hits) if analysis.language == "en" or analysis.multi_document else self.config.passages
        for rank, hit in enumerate(hits[:depth]):
            split = self._split(hit, rank)
            by_chunk.setdefault(hit.chunk.chunk_id, split)
            units.extend(split)
        ranks = {h.chunk.chunk_id: r for r, h in reversed(list(enumerate(hits)))}
        for source in self.sources:
            for statement in source.statements(analysis, hits, filters):
                chunk_id = statement.hit.chunk.chunk_id
                # A passage retrieval did not return ranks after those it did.
                rank = ranks.get(chunk_id, max(len(hits), self.config.passages))
                if chunk_id not in by_chunk:
                    by_chunk[chunk_id] = self._split(statement.hit, rank)
                unit = place_statement(statement.text, by_chunk[chunk_id], statement.hit, rank, statement.lead,
                                       statement.deadlines, statement.deadline_text)
                if unit is not None:
                    units.append(unit)
        return units

    def select(self, analysis: QuestionAnalysis, hits: list[ScoredChunk],
               filters: SearchFilters | None = None) -> Selection:
        """The units the answer would quote (empty when there is nothing to read)."""
        return self._read(analysis, hits, filters)[2]

    def _read(self, analysis: QuestionAnalysis, hits: list[ScoredChunk],
              filters: SearchFilters | None) -> tuple[UnitScorer | None, list[ScoredUnit], Selection]:
        units = [u for u in self.units(analysis, hits, filters) if len(u.text) >= 8]
        # A question may only filter ("what is due before 31/01/2024?"): no terms, but a bound to meet.
        if not units or not (analysis.terms or analysis.bound):
            return None, [], Selection()
        scorer = UnitScorer(analysis, units, self.scoring, self.context)
        scored = [scorer.score(u) for u in units]
        return scorer, scored, select(scorer, scored, multi_document=analysis.multi_document,
                                      wants_list=analysis.kind == LIST_KIND or LIST in analysis.facets)

    def deliberate(self, question: str, hits: list[ScoredChunk],
                   filters: SearchFilters | None = None) -> Deliberation:
        """Everything the answer is decided from: the hand rules' selection and checks, and the candidates
        (the hand rules' answer first, then the windows of the best passages; none when nothing answers)."""
        analysis = analyze(question)
        scorer, scored, selection = self._read(analysis, hits, filters)
        verdict = self.abstention.judge(analysis, selection)
        deliberation = Deliberation(analysis, hits, selection, verdict)
        if scorer is None or selection.best is None:
            return deliberation
        composed = compose(selection, self.scoring.item_chars)
        span = focused(question, analysis, selection, composed)
        deliberation.focused = span is not None
        best, rank = selection.best, selection.best.unit.rank
        # The hand rules' answer comes first: the span when there is one, else the composed extract.
        deliberation.candidates += [Candidate(SPAN, span, best, rank)] if span else []
        deliberation.candidates.append(Candidate(EXTRACT, composed, best, rank))
        deliberation.composite = _composite(analysis, selection)
        if not deliberation.composite:
            deliberation.candidates += passage_candidates(scorer, scored, self.config.candidate_passages,
                                                          self.config.window_chars)
        for candidate in deliberation.candidates:
            # A passage read whole may answer where the selection failed a check, or fail one it passed.
            candidate.verdict = (self.abstention.judge(analysis, alone(scorer, candidate.scored))
                                 if candidate.kind == PASSAGE else verdict)
        return deliberation

    # -- answer ------------------------------------------------------------------------------
    def answer(self, question: str, hits: list[ScoredChunk], filters: SearchFilters | None = None) -> Answer:
        form = read_form(question)
        if form.closed:  # a statement to judge or options to choose from: a verdict with its basis
            units = [u for rank, hit in enumerate(hits[:self.config.passages]) for u in self._split(hit, rank)]
            return self.closed.answer(form, ClaimChecker(units, self.context))
        deliberation = self.deliberate(question, hits, filters)
        if self.model is None:  # the hand rules alone: abstain on the first failed check
            if deliberation.verdict.abstain or not deliberation.candidates:
                return Answer(NOT_FOUND_VI, abstained=True, reason=deliberation.verdict.reason or "no passage")
            return deliberation.candidates[0].answer
        return self.decide(deliberation)

    def choose(self, deliberation: Deliberation) -> tuple[int, float]:
        """The index of the candidate the model gives and its raw score (a composite answer: the hand rules')."""
        scores = [self.model.scorer.predict(feature_vector(deliberation, c)) for c in deliberation.candidates]
        chosen = 0 if deliberation.composite else pick(scores, self.model.prefer_extract)
        return chosen, scores[chosen]

    def decide(self, deliberation: Deliberation) -> Answer:
        """The model's choice among the candidates, withheld when a check the model vetoes failed on the
        selection or on the chosen candidate's own words, or when its calibrated confidence is below the
        model's threshold (the reason then names the first hand check that failed, if one did)."""
        model = self.model
        if not deliberation.candidates:
            return Answer(NOT_FOUND_VI, abstained=True, reason=deliberation.verdict.reason or "no passage",
                          confidence=0.0)
        chosen, score = self.choose(deliberation)
        confidence = round(model.calibration(score), 4)
        if deliberation.composite:
            # Too few such answers (lists, gathered task rows, signature blocks) to fit a threshold of their
            # own, and the fact-recall label measures their completeness rather than their truth: the hand
            # checks decide, the confidence is reported.
            if deliberation.verdict.abstain:
                return Answer(NOT_FOUND_VI, abstained=True, reason=deliberation.verdict.reason, confidence=confidence)
            return replace(deliberation.candidates[0].answer, confidence=confidence)
        # A vetoed check failing on the selection or on the chosen candidate's own words withholds the answer
        # (on the validation folds, vetoing on the selection alone or the candidate alone answered wrongly
        # more often; see docs/answering.md).
        verdicts = (deliberation.candidates[chosen].verdict, deliberation.verdict)
        vetoed = next((v for v in verdicts if set(model.vetoes) & set(v.failed)), None)
        if vetoed is not None:
            return Answer(NOT_FOUND_VI, abstained=True, reason=vetoed.reason, confidence=confidence)
        if confidence < model.threshold:
            why = next((v.reason for v in verdicts if v.reason), "no candidate likely enough to answer")
            return Answer(NOT_FOUND_VI, abstained=True, reason=f"{why} (confidence {confidence:.2f})",
                          confidence=confidence)
        answer = deliberation.candidates[chosen].answer
        return replace(answer, confidence=confidence)


def _composite(analysis: QuestionAnalysis, selection: Selection) -> bool:
    """Whether the answer must be put together from several places (the items of a list, the task rows of
    a deadline range, one fact per document, a signature block): then one passage read around its best
    unit is no answer, and the composed extract is the only candidate."""
    return (selection.gathered or analysis.bound is not None or analysis.multi_document or
            LIST in analysis.facets or analysis.kind == LIST_KIND or SIGNER in analysis.facets or
            len({s.unit.hit.chunk.chunk_id for s in selection.units}) > 1)


def focused(question: str, analysis: QuestionAnalysis, selection: Selection, answer: Answer) -> Answer | None:
    """The answer as the span of its one quoted unit that stands where the question asks ("16 tuổi" for "từ đủ
    bao nhiêu tuổi ..."), its citation still quoting the whole unit; None when the question asks several
    things or a list, or the unit does not restate the question closely enough (see :mod:`spans`)."""
    if len(selection.units) != 1 or analysis.parts > 1 or LIST in analysis.facets or selection.gathered:
        return None
    if not analysis.facets & {NUMBER, DATE}:
        return None
    unit = selection.units[0].unit
    chunk = unit.hit.chunk
    span = focus(question, unit.text, " ".join([unit.lead, *chunk.section_titles, chunk.section_title, chunk.title]))
    if span is None or not all(states_asked(analysis, span.text).values()):
        return None
    return Answer(f"{span.text} [1]", abstained=False, citations=answer.citations, reason="focused span")


def compose(selection: Selection, item_chars: int | None = None) -> Answer:
    """The answer text and its citations: one marker per passage, documents in order of relevance and
    passages in reading order within a document; items of a gathered list are quoted up to about
    ``item_chars`` characters each."""
    limit = item_chars if selection.gathered else None
    groups: dict[int, list[ScoredUnit]] = {}
    for scored in selection.units:
        groups.setdefault(scored.unit.hit.chunk.chunk_id, []).append(scored)
    by_document: dict[str, list[list[ScoredUnit]]] = {}
    for group in groups.values():
        by_document.setdefault(group[0].unit.hit.chunk.doc_id, []).append(group)
    several_documents = len(by_document) > 1
    parts, citations = [], []
    for doc_groups in by_document.values():
        doc_parts = []
        doc_groups.sort(key=lambda g: g[0].unit.hit.chunk.char_start)
        for group in doc_groups:
            group.sort(key=lambda s: s.unit.start)
            quote_pieces: list[str] = []
            answer_pieces: list[str] = []
            lead = next((s.unit.lead for s in group if s.use_lead), "")
            if lead and not any(s.unit.text == lead for s in group):
                # The citation quotes the lead-in unless a quoted line already holds it (a clause of its sentence).
                if not any(lead in (s.unit.context or s.unit.text) for s in group):
                    quote_pieces.append(lead)
                answer_pieces.append(lead_piece(lead, limit))
            for s in group:
                # The citation quotes the whole line (or sentence) the unit is part of, once.
                quote = s.unit.context or s.unit.text
                if quote not in quote_pieces:
                    quote_pieces.append(quote)
                answer_pieces.append(answer_piece(s.unit.text, limit, s.unit.deadline_text))
            marker = len(citations) + 1
            citations.append(CitedQuote(marker, group[0].unit.hit, QUOTE_JOINER.join(quote_pieces)))
            doc_parts.append(f"{' '.join(p for p in answer_pieces if p)} [{marker}]")
        text = " ".join(doc_parts)
        if several_documents:
            text = f"{_doc_label(doc_groups[0][0].unit.hit)}: {text}"
        parts.append(text)
    return Answer("\n".join(parts) if several_documents else " ".join(parts), abstained=False, citations=citations)
