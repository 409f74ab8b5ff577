"""Answers to closed questions: a verdict on a true/false statement, a letter for a multiple-choice question.

Both read the retrieved law (or notice) through :class:`claims.ClaimChecker`:

- *True/false*: the unit that restates the statement most closely is its basis. The statement is
  false ("Sai") when that unit contradicts it (a negation, a figure, an absolute such as "chỉ"; see
  :mod:`claims`) or covers too little of it (the statement speaks of something else: another body,
  another law, another condition); otherwise true ("Đúng").
- *Multiple choice*: each option is scored by the unit that supports it best, that unit's relevance
  to the stem weighing in (a short option such as "06 tháng" is read in the sentence the stem asks
  about), a contradiction halving it. The best supported option wins; for a stem asking which is
  *not* so, the least supported one. "Cả A, B, C đều đúng" wins when every option it names is well
  supported, "Cả A và B đều sai" when none is.

A closed question is answered whenever a passage relates to it at all: the user asked to choose, and
the most supported choice with its basis quoted is more useful than no answer. Only when nothing
retrieved shares enough of its words does it abstain.

Answers lead with the verdict or choice ("Đúng.", "Sai.", "Đáp án B: <option>.") and then quote the
basis with a ``[n]`` marker; ``eval/answer_forms.py`` reads the verdict from that lead.
"""
from __future__ import annotations

from dataclasses import dataclass

from qa_service.answering.base import NOT_FOUND_VI, QUOTE_JOINER, Answer, CitedQuote
from qa_service.answering.claims import Claim, ClaimChecker, Evidence, Support
from qa_service.answering.forms import ALL, CHOICE, NONE, QuestionForm, option_reference
from qa_service.answering.pieces import answer_piece

TRUE_VI, FALSE_VI = "Đúng", "Sai"


@dataclass(frozen=True)
class ClosedConfig:
    """Thresholds of the closed-form decisions (calibrated on ALQAC 2023 train; see docs/answering.md)."""

    min_relevance: float = 0.35  # the basis covers at least this share of the claim, else nothing relevant: abstain
    min_true_coverage: float = 0.8  # a statement whose basis covers less of its words is false
    conflict_factor: float = 0.5  # an option contradicted by its best unit keeps this share of its support
    stem_weight: float = 0.5  # how much the unit's relevance to the stem weighs in an option's support
    all_support: float = 0.6  # "all of the above" needs every option it names supported at least this much
    none_support: float = 0.35  # "none of the above" needs every option it names supported less than this
    quote_chars: int = 420  # quoted basis in the answer text (the citation holds the whole line)


@dataclass
class OptionSupport:
    letter: str
    text: str
    support: Support
    score: float
    reference: tuple[str, list[str]] | None = None  # ("all" | "none", letters) for options about options


class ClosedFormAnswerer:
    """Answers true/false and multiple-choice questions from the units of the retrieved passages."""

    def __init__(self, config: ClosedConfig = ClosedConfig()):
        self.config = config

    def answer(self, form: QuestionForm, checker: ClaimChecker) -> Answer:
        if form.kind == CHOICE:
            return self.choice(form, checker)
        return self.true_false(form, checker)

    # -- true / false --------------------------------------------------------------------------
    def verdict(self, claim: Claim, checker: ClaimChecker) -> tuple[str | None, Support, str]:
        """``("Đúng" | "Sai" | None, basis, reason)``; None when nothing retrieved relates to the claim."""
        basis = checker.best(claim)
        if basis.evidence is None or basis.coverage < self.config.min_relevance:
            return None, basis, "no passage restates the statement"
        if basis.conflicts:
            return FALSE_VI, basis, "; ".join(basis.conflicts)
        if basis.coverage < self.config.min_true_coverage:
            return FALSE_VI, basis, f"the law says something else (coverage {basis.coverage:.2f})"
        return TRUE_VI, basis, f"restated by the law (coverage {basis.coverage:.2f})"

    def true_false(self, form: QuestionForm, checker: ClaimChecker) -> Answer:
        verdict, basis, reason = self.verdict(checker.claim(form.claim), checker)
        if verdict is None:
            return Answer(NOT_FOUND_VI, abstained=True, reason=reason)
        return self._compose(f"{verdict}.", [basis.evidence], reason)

    # -- multiple choice -----------------------------------------------------------------------
    def option_supports(self, form: QuestionForm, checker: ClaimChecker) -> list[OptionSupport]:
        """Each option with its best unit and score; options about other options carry their reference."""
        cfg = self.config
        stem = checker.claim(form.claim)
        relevance = {id(e): checker.support(stem, e).coverage for e in checker.evidence}
        letters = list(form.options)
        scored = []
        for letter, text in form.options.items():
            reference = option_reference(text, [x for x in letters if x != letter])
            if reference is not None:
                scored.append(OptionSupport(letter, text, Support(None), 0.0, reference))
                continue
            claim = checker.claim(text)
            best, best_score = Support(None), 0.0
            for evidence in checker.evidence:
                support = checker.support(claim, evidence)
                score = support.match * (1 - cfg.stem_weight + cfg.stem_weight * relevance[id(evidence)])
                if support.conflicts:
                    score *= cfg.conflict_factor
                if (score, support.share) > (best_score, best.share):
                    best, best_score = support, score
            scored.append(OptionSupport(letter, text, best, best_score))
        return scored

    def pick(self, form: QuestionForm, options: list[OptionSupport]) -> tuple[OptionSupport, str]:
        """The chosen option and why."""
        cfg = self.config
        by_letter = {o.letter: o for o in options}
        content = [o for o in options if o.reference is None]
        for option in options:
            if option.reference is None:
                continue
            kind, named = option.reference
            scores = [by_letter[x].score for x in named if x in by_letter and by_letter[x].reference is None]
            if not scores:
                continue
            # A negative stem ("which is NOT ...") turns "all of them" into "none of them is so", and back.
            supported_all = min(scores) >= cfg.all_support
            supported_none = max(scores) < cfg.none_support
            if (kind == ALL and not form.negative and supported_all) or \
                    (kind == ALL and form.negative and supported_none) or \
                    (kind == NONE and not form.negative and supported_none) or \
                    (kind == NONE and form.negative and supported_all):
                return option, f"options {', '.join(named)} all {'un' if supported_none else ''}supported"
        if not content:
            return options[0], "no option with content"
        if form.negative:
            chosen = min(content, key=lambda o: (o.score, o.support.share))
            return chosen, f"least supported option ({chosen.score:.2f})"
        chosen = max(content, key=lambda o: (o.score, o.support.share))
        return chosen, f"best supported option ({chosen.score:.2f})"

    def choice(self, form: QuestionForm, checker: ClaimChecker) -> Answer:
        options = self.option_supports(form, checker)
        if not checker.evidence:
            return Answer(NOT_FOUND_VI, abstained=True, reason="no passage")
        stem = checker.claim(form.claim)
        stem_basis = checker.best(stem)
        if max(o.score for o in options) < self.config.min_relevance * (1 - self.config.stem_weight) and \
                stem_basis.coverage < self.config.min_relevance:
            return Answer(NOT_FOUND_VI, abstained=True, reason="no passage relates to the question or its options")
        chosen, reason = self.pick(form, options)
        # The basis: the units supporting the options that make the answer (for a negative stem, the others).
        if chosen.reference is not None:
            named = [o for o in options if o.letter in chosen.reference[1] and o.support.evidence is not None]
        elif form.negative:
            named = sorted((o for o in options if o is not chosen and o.reference is None and o.support.evidence),
                           key=lambda o: -o.score)
        else:
            named = [chosen] if chosen.support.evidence is not None else []
        basis = [o.support.evidence for o in named] or ([stem_basis.evidence] if stem_basis.evidence else [])
        option_text = chosen.text.rstrip(" .;")
        return self._compose(f"Đáp án {chosen.letter}: {option_text}.", basis, reason)

    # -- composing -----------------------------------------------------------------------------
    def _compose(self, lead: str, basis: list[Evidence | None], reason: str) -> Answer:
        """``lead`` then the quoted basis, one ``[n]`` per passage, within ``quote_chars``."""
        groups: dict[int, list[Evidence]] = {}
        used = 0
        for evidence in basis:
            if evidence is None:
                continue
            unit = evidence.unit
            pieces = groups.setdefault(unit.hit.chunk.chunk_id, [])
            if any(e.unit.key == unit.key for e in pieces):
                continue
            if pieces or groups.keys() - {unit.hit.chunk.chunk_id}:
                if used + len(unit.text) > self.config.quote_chars:
                    if not pieces:
                        del groups[unit.hit.chunk.chunk_id]
                    continue
            pieces.append(evidence)
            used += len(unit.text)
        parts, citations = [lead], []
        for pieces in groups.values():
            pieces.sort(key=lambda e: e.unit.start)
            lead_in = next((e.unit.lead for e in pieces if e.unit.lead and " | " not in e.unit.lead), "")
            shown = [answer_piece(lead_in)] if lead_in else []
            quoted = [lead_in] if lead_in else []
            for evidence in pieces:
                shown.append(answer_piece(evidence.unit.text))
                quote = evidence.unit.context or evidence.unit.text
                if quote not in quoted:
                    quoted.append(quote)
            marker = len(citations) + 1
            citations.append(CitedQuote(marker, pieces[0].unit.hit, QUOTE_JOINER.join(quoted)))
            parts.append(f"{' '.join(p for p in shown if p)} [{marker}]")
        return Answer(" ".join(parts), abstained=False, citations=citations, reason=reason)
