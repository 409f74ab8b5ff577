"""Answers to closed questions: a verdict on a true/false statement, a letter for a multiple-choice question.

Both read the retrieved law (or notice) through :class:`claims.ClaimChecker`:

- *True/false*: the unit that restates the statement most closely is its basis. The statement is
  false ("Sai") when that unit contradicts it (a negation, a figure, an absolute such as "chỉ"; see
  :mod:`claims`) or covers too little of it (the statement speaks of something else: another body,
  another law, another condition); otherwise true ("Đúng").
- *Multiple choice*: each option is scored by the unit that supports it best, that unit's relevance
  to the stem weighing in (a short option such as "06 tháng" is read in the sentence the stem asks
  about). A contradiction between the option and the unit halves the score, and so does a unit whose
  introducing sentence says the opposite of the stem ("... không được đơn phương chấm dứt hợp đồng
  trong các trường hợp sau" for a stem asking when one may). The best supported option wins, or the
  most complete one nearly as supported (an option holding all of its words and more). For a stem
  asking which is *not* so ("không phải", "không thuộc", or a plain stem over a list the law states
  negatively, "Địa điểm không được đăng ký thường trú mới"), options are read in the article the stem
  names and the least supported one wins. "Cả A, B, C đều đúng" wins when the law restates every option
  it names without contradiction, "Cả A và B đều sai" when none is supported.

A closed question is answered whenever a passage relates to it at all: the user asked to choose, and
the most supported choice with its basis quoted is more useful than no answer. Only when nothing
retrieved shares enough of its words does it abstain.

Answers lead with the verdict or choice ("Đúng.", "Sai.", "Đáp án B: <option>.") and then quote the
basis with a ``[n]`` marker; ``eval/answer_forms.py`` reads the verdict from that lead.
"""
from __future__ import annotations

from dataclasses import dataclass

from ingest.vietnamese import fold
from qa_service.answering.base import NOT_FOUND_VI, QUOTE_JOINER, Answer, CitedQuote
from qa_service.answering.claims import Claim, ClaimChecker, Evidence, Support, words_of
from qa_service.answering.forms import ALL, CHOICE, NONE, QuestionForm, option_reference
from qa_service.answering.pieces import answer_piece
from qa_service.answering.units import Unit

TRUE_VI, FALSE_VI = "Đúng", "Sai"


@dataclass(frozen=True)
class ClosedConfig:
    """Thresholds of the closed-form decisions (calibrated on ALQAC 2023 train; see docs/answering.md)."""

    min_relevance: float = 0.35  # the basis covers at least this share of the claim, else nothing relevant: abstain
    min_true_coverage: float = 0.8  # a statement whose basis covers less of its words is false
    conflict_factor: float = 0.5  # an option contradicted by its best unit keeps this share of its support
    stem_weight: float = 0.5  # how much the unit's relevance to the stem weighs in an option's support
    all_support: float = 0.6  # "all of the above": every option it names restated at least this closely
    none_support: float = 0.35  # "none of the above": every option it names supported less than this
    fuller_margin: float = 0.1  # an option holding the best one's words and more wins when this close to it
    option_candidates: int = 5  # evidence per option checked for contradictions
    stem_candidates: int = 5  # evidence checked for the polarity of the list a stem asks about
    polarity_margin: float = 0.1  # the stem's contradicting evidence must restate it this much better
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
        """The verdict or choice for a closed ``form``, quoting its basis (or an abstention)."""
        if form.kind == CHOICE:
            return self.choice(form, checker)
        return self.true_false(form, checker)

    # -- true / false --------------------------------------------------------------------------
    def verdict(self, claim: Claim, checker: ClaimChecker) -> tuple[str | None, Support, str]:
        """``("Đúng" | "Sai" | None, basis, reason)``; None when nothing retrieved relates to the claim."""
        basis = checker.best(claim, inherit=True)
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
    def _asks_negatively(self, form: QuestionForm, stem: Claim, checker: ClaimChecker) -> bool:
        """Whether the stem asks for what is *not* so: in its words ("không phải", "không thuộc"), or by asking
        plainly about a list the law states negatively ("Địa điểm nào được đăng ký thường trú mới?" over
        "Địa điểm không được đăng ký thường trú mới"): the units that restate the stem best contradict it."""
        if form.negative:
            return True
        ranked = checker.rank(stem)[:self.config.stem_candidates]
        checked = [checker.check(stem, s, titles=True) for s in ranked]
        agreeing = max((s.match for s in checked if not s.negation), default=0.0)
        contradicting = max((s.match for s in checked if s.negation), default=0.0)
        return contradicting > agreeing + self.config.polarity_margin

    def option_supports(self, form: QuestionForm, checker: ClaimChecker) -> tuple[list[OptionSupport], bool]:
        """Each option with its best evidence and score (options about other options carry their reference),
        and whether the stem asks for the option that is not so."""
        cfg = self.config
        stem = checker.claim(form.claim)
        relevance = {id(e): checker.support(stem, e) for e in checker.evidence}
        negative = self._asks_negatively(form, stem, checker)
        evidence = checker.evidence
        if negative:
            # "Which is NOT part of X": membership in the article that X names, not anywhere in the law.
            best = max(evidence, key=lambda e: relevance[id(e)].match, default=None)
            evidence = [e for e in evidence if best is not None and e.article == best.article] or evidence
        letters = list(form.options)
        checked: set[int] = set()
        scored = []
        for letter, text in form.options.items():
            reference = option_reference(text, [x for x in letters if x != letter])
            if reference is not None:
                scored.append(OptionSupport(letter, text, Support(None), 0.0, reference))
                continue
            claim = checker.claim(text)
            candidates = []
            for e in evidence:
                support = checker.support(claim, e)
                weight = 1 - cfg.stem_weight + cfg.stem_weight * relevance[id(e)].coverage
                match = support.match - (checker.pair_margin if len(e.units) > 1 else 0.0)
                candidates.append((match * weight, support))
            candidates.sort(key=lambda c: (-c[0], -c[1].share))
            best_support, best_score = Support(None), 0.0
            # Contradictions are checked for the few best candidates only (alignment costs more than coverage).
            for score, support in candidates[:cfg.option_candidates]:
                checker.check(claim, support)
                if support.conflicts:
                    score *= cfg.conflict_factor
                # An option listed where the law says the opposite of what the stem asks ("... không được
                # đơn phương chấm dứt hợp đồng trong các trường hợp sau" for "được đơn phương chấm dứt").
                if not negative and self._stem_contradicted(stem, support.evidence, checker, relevance, checked):
                    score *= cfg.conflict_factor
                if (score, support.share) > (best_score, best_support.share):
                    best_support, best_score = support, score
            scored.append(OptionSupport(letter, text, best_support, best_score))
        return scored, negative

    @staticmethod
    def _stem_contradicted(stem: Claim, evidence: Evidence, checker: ClaimChecker, relevance: dict[int, Support],
                           checked: set[int]) -> bool:
        support = relevance[id(evidence)]
        if id(evidence) not in checked:
            checker.check(stem, support)
            checked.add(id(evidence))
        return bool(support.negation)

    def pick(self, options: list[OptionSupport], negative: bool) -> tuple[OptionSupport, str]:
        """The chosen option and why."""
        cfg = self.config
        by_letter = {o.letter: o for o in options}
        content = [o for o in options if o.reference is None]
        for option in options:
            if option.reference is None:
                continue
            kind, named = option.reference
            named_options = [by_letter[x] for x in named if x in by_letter and by_letter[x].reference is None]
            if not named_options:
                continue
            # An option stated by the law: its evidence restates it closely and nothing there contradicts it.
            stated = [o.support.match >= cfg.all_support and not o.support.conflicts for o in named_options]
            unstated = [o.score < cfg.none_support for o in named_options]
            # A negative stem ("which is NOT ...") turns "all of them" into "none of them is so", and back.
            if (kind == ALL and not negative and all(stated)) or (kind == ALL and negative and all(unstated)) or \
                    (kind == NONE and not negative and all(unstated)) or (kind == NONE and negative and all(stated)):
                return option, f"options {', '.join(named)} all {'stated' if all(stated) else 'unsupported'}"
        if not content:
            return options[0], "no option with content"
        if negative:
            chosen = min(content, key=lambda o: (o.score, o.support.share))
            return chosen, f"least supported option ({chosen.score:.2f})"
        chosen = max(content, key=lambda o: (o.score, o.support.share))
        # The most complete answer: an option holding every word of the chosen one, and more, nearly as supported.
        fuller = [o for o in content if o is not chosen and not o.support.conflicts
                  and o.score >= chosen.score - cfg.fuller_margin and _holds(o.text, chosen.text)]
        if fuller:
            chosen = max(fuller, key=lambda o: (len(words_of(o.text)), o.score))
            return chosen, f"most complete supported option ({chosen.score:.2f})"
        return chosen, f"best supported option ({chosen.score:.2f})"

    def choice(self, form: QuestionForm, checker: ClaimChecker) -> Answer:
        if not checker.evidence:
            return Answer(NOT_FOUND_VI, abstained=True, reason="no passage")
        options, negative = self.option_supports(form, checker)
        stem_basis = checker.best(checker.claim(form.claim))
        if max(o.support.coverage for o in options) < self.config.min_relevance and \
                stem_basis.coverage < self.config.min_relevance:
            return Answer(NOT_FOUND_VI, abstained=True, reason="no passage relates to the question or its options")
        chosen, reason = self.pick(options, negative)
        # The basis: the evidence of the options that make the answer (for a negative stem, of the others).
        if chosen.reference is not None:
            named = [o for o in options if o.letter in chosen.reference[1] and o.support.evidence is not None]
        elif negative:
            named = sorted((o for o in options if o is not chosen and o.reference is None and o.support.evidence),
                           key=lambda o: -o.score)
        else:
            named = [chosen] if chosen.support.evidence is not None else []
        basis = [o.support.evidence for o in named] or [stem_basis.evidence]
        return self._compose(f"Đáp án {chosen.letter}: {chosen.text.rstrip(' .;')}.", basis, reason)

    # -- composing -----------------------------------------------------------------------------
    def _compose(self, lead: str, basis: list[Evidence | None], reason: str) -> Answer:
        """``lead`` then the quoted basis, one ``[n]`` per passage, within ``quote_chars``."""
        groups: dict[int, list[Unit]] = {}
        used = 0
        for evidence in basis:
            if evidence is None:
                continue
            chunk_id = evidence.unit.hit.chunk.chunk_id
            pieces = groups.setdefault(chunk_id, [])
            new = [u for u in evidence.units if all(p.key != u.key for p in pieces)]
            size = sum(len(u.text) for u in new)
            if used and used + size > self.config.quote_chars:
                if not pieces:
                    del groups[chunk_id]
                continue
            pieces.extend(new)
            used += size
        parts, citations = [lead], []
        for pieces in groups.values():
            pieces.sort(key=lambda u: u.start)
            lead_in = next((u.lead for u in pieces if u.lead and " | " not in u.lead), "")
            shown = [answer_piece(lead_in)] if lead_in else []
            quoted = [lead_in] if lead_in else []
            for unit in pieces:
                shown.append(answer_piece(unit.text))
                quote = unit.context or unit.text
                if quote not in quoted:
                    quoted.append(quote)
            marker = len(citations) + 1
            citations.append(CitedQuote(marker, pieces[0].hit, QUOTE_JOINER.join(quoted)))
            parts.append(f"{' '.join(p for p in shown if p)} [{marker}]")
        return Answer(" ".join(parts), abstained=False, citations=citations, reason=reason)


def _holds(fuller: str, text: str) -> bool:
    """Whether ``fuller`` has every word of ``text`` and more (folded)."""
    mine, theirs = {fold(w) for w in words_of(fuller)}, {fold(w) for w in words_of(text)}
    return theirs < mine
