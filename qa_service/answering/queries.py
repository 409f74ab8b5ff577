"""The Vietnamese words an English question stands for, for the lexical half of retrieval.

The lexical index holds Vietnamese syllables (tone-folded), so the words of an English question
match little there (names and figures aside). The glossary of administrative vocabulary
(:mod:`qa_service.answering.lexicon`) gives the Vietnamese words the documents use ("dossier" ->
"hồ sơ", "on time" -> "đúng hạn"); they are added to the lexical query, while the multilingual
embedder reads the English question itself, and one fusion ranks both.
"""
from __future__ import annotations

import re

from index.dates import numeric_english_dates
from qa_service.answering.question import QuestionAnalysis, analyze


def gloss(analysis: QuestionAnalysis) -> str:
    """The Vietnamese words (folded) an English question stands for, with its names, places and figures."""
    parts = [*analysis.terms, *sorted(analysis.provinces), *sorted(analysis.names), *sorted(analysis.codes),
             *sorted(analysis.dates), *sorted(analysis.years), *sorted(analysis.doc_numbers)]
    return " ".join(dict.fromkeys(parts))


def lexical_gloss(question: str) -> str:
    """The Vietnamese words to add to the lexical query of ``question``: its gloss when it is in English, with
    its English dates as the documents write them ("10 December 2025" -> "10/12/2025")."""
    analysis = analyze(question)
    if analysis.language != "en":
        return ""
    dates = re.findall(r"\d{1,2}/\d{1,2}/\d{4}|\d{1,2}/\d{4}", numeric_english_dates(question))
    return " ".join(dict.fromkeys([gloss(analysis), *dates]))
