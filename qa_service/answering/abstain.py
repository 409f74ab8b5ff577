"""Whether the selected evidence answers the question, or the answer must be withheld.

A question the notices cannot answer usually looks like one they can, with one detail the
documents do not contain: another year, another province, a figure that is not stated. So besides
the coverage of the question's terms, the policy checks each detail the question names against
the words around the selected units (unit, introducing sentence, section titles, document header)
and against the whole document, and checks that the units state what the question asks for
(a date for "when", a percentage for "what share", a count of the thing counted, a consultant for
"which consultant").
"""
from __future__ import annotations

from dataclasses import dataclass, field

from qa_service.answering.question import DATE, NUMBER, QuestionAnalysis
from qa_service.answering.scoring import Selection, counted_match, number_fit


@dataclass(frozen=True)
class AbstentionConfig:
    """Thresholds calibrated on the development questions (see docs/answering.md)."""

    min_coverage: float = 0.45  # weighted share of the question's terms the selection must cover
    min_coverage_english: float = 0.30  # English questions reach Vietnamese text through a glossary only
    min_relevance: float = 0.30  # the best unit's own relevance
    # Asking when an agency named in the question must do something: the dated units must be about that
    # thing, i.e. cover most of the words beyond the agency's name (else the date is another task's).
    min_topic_dated: float = 0.60


# The checks, in the order a reason is reported; each is also a feature of the learned answer model.
CHECKS = ("coverage", "relevance", "topic", "answer_kind", "detail", "figure", "agency", "year")


@dataclass
class Verdict:
    """The decision, its reason (a short English phrase for logs and evaluation), the signals read and the
    names of every check the selection failed (see :data:`CHECKS`)."""

    abstain: bool
    reason: str = ""
    signals: dict = field(default_factory=dict)
    failed: tuple[str, ...] = ()


class AbstentionPolicy:
    """Decides from the question analysis and the selection whether to withhold the answer.

    Every check runs, so a learned model can weigh them (``Verdict.failed``); the hand-set decision
    abstains on the first that fails.
    """

    def __init__(self, config: AbstentionConfig = AbstentionConfig()):
        self.config = config

    def judge(self, analysis: QuestionAnalysis, selection: Selection) -> Verdict:
        if selection.best is None:
            return Verdict(True, "no passage", failed=CHECKS)
        signals = {"coverage": round(selection.coverage, 3), "relevance": round(selection.best.relevance, 3),
                   "topic": round(selection.topic, 3), "gap": round(selection.runner_up_gap, 3)}
        failed = [(name, reason) for name, reason in self._checks(analysis, selection) if reason]
        return Verdict(bool(failed), failed[0][1] if failed else "", signals, tuple(name for name, _ in failed))

    def _checks(self, analysis: QuestionAnalysis, selection: Selection) -> list[tuple[str, str]]:
        """(check, reason it failed or "") for every check of :data:`CHECKS`, in order."""
        cfg = self.config
        best = selection.best
        min_coverage = cfg.min_coverage_english if analysis.language == "en" else cfg.min_coverage
        checks = [
            ("coverage", f"question terms poorly covered ({selection.coverage:.2f})"
             if selection.coverage < min_coverage else ""),
            ("relevance", f"best passage weakly relevant ({best.relevance:.2f})"
             if best.relevance < cfg.min_relevance else ""),
            # Asking when an agency named in the question must do something: the dated units must be about
            # that thing, i.e. cover most of the words beyond the agency's name (else the date is another task's).
            ("topic", f"the dates found are for other tasks of {analysis.agencies[0].name} "
                      f"(topic covered {selection.topic:.2f})"
             if analysis.agencies and DATE in analysis.facets and analysis.bound is None
             and selection.topic < cfg.min_topic_dated else ""),
        ]
        units = [s.unit for s in selection.units]
        quoted = " ".join(f"{s.unit.folded} {s.unit.folded_lead if s.use_lead else ''}" for s in selection.units)
        checks.append(("answer_kind", self._missing_answer(analysis, quoted, units)))
        # A detail of the question that none of the cited documents contains: another year, place, figure.
        missing = set.intersection(*(set(s.missing) for s in selection.units))
        checks.append(("detail", f"{sorted(missing)[0]} not in the documents" if missing else ""))
        away = set.intersection(*(set(s.local_missing) for s in selection.units))
        figures = sorted(m for m in away if m.startswith("figure"))
        checks.append(("figure", f"{figures[0]} not stated with the answer" if figures else ""))
        agencies = set.intersection(*(set(s.agencies_missing) for s in selection.units))
        checks.append(("agency", f"{sorted(agencies)[0]} is not named with the answer" if agencies else ""))
        checks.append(("year", f"the passage speaks of another year than {'/'.join(sorted(analysis.years))}"
                       if best.year_conflict else ""))
        return checks

    @staticmethod
    def _missing_answer(analysis: QuestionAnalysis, quoted: str, units) -> str:
        """The kind of fact the question asks for, when none of the quoted units states it."""
        if DATE in analysis.facets and not any(u.has_time() for u in units):
            return "no date or time limit in the passages"
        if analysis.qualifier and f" {analysis.qualifier} " not in f" {quoted} ":
            return f"no '{analysis.qualifier}' body named in the passages"
        if NUMBER in analysis.facets:
            texts = [u.text for u in units]
            if not any(number_fit(analysis, t) >= 1.0 for t in texts):
                if analysis.counted and not counted_match(analysis.counted, quoted):
                    return f"no count of '{analysis.counted}' in the passages"
                if analysis.unit:
                    return f"no {analysis.unit} figure in the passages"
                if not any(number_fit(analysis, t) > 0 for t in texts):
                    return "no figure in the passages"
        return ""
