"""Reading a closed-form answer (true/false, multiple choice) out of a free-text answer.

The product answers in prose; benchmarks such as ALQAC grade a verdict ("Đúng"/"Sai") or a choice
letter. The extractive answerer leads a closed answer with it (``qa_service/answering/closed.py``):
"Đúng. <quoted basis> [1]", "Sai. <quoted basis> [1]", "Đáp án B: <option text>. <quoted basis> [1]"
(the multiple-choice options reach it inside the question text, one "A. ..." line each, as
``eval.alqac.question_text`` writes them). These rules turn any answer text into that verdict, the same
way for every answerer (an LLM's answer, the naive baseline's passage):

- An answer that states its verdict first is taken at its word: text starting with "Đúng"/"Sai"
  (or "True"/"False") followed by punctuation or nothing, or with a choice letter ("Đáp án B",
  "Chọn B", or a capital letter alone or followed by ".", ")" or ":", e.g. "B. ...").
- Otherwise, for multiple choice: the choice whose words are most covered by the answer text
  (share of the choice's distinct words present in the answer; ties go to the earlier letter);
  none when no choice shares a word with the answer.
- Otherwise, for true/false: "Đúng" when the answer agrees with the statement on negation (both or
  neither contain a negation word such as "không", "chưa", "cấm"), else "Sai". This is a deliberately
  simple baseline for an extractive answerer, which quotes the rule without judging the statement.
- An abstention has no verdict (graded wrong).
"""
from __future__ import annotations

import re

from eval.matching import normalize, words

MARKER = re.compile(r"\s*\[\d+\]")
LEADING_VERDICT = re.compile(r"^(đúng|sai|true|false)\s*(?:[.,:;!]|$)")
VERDICTS = {"đúng": "Đúng", "true": "Đúng", "sai": "Sai", "false": "Sai"}
NEGATIONS = frozenset({"không", "chưa", "chẳng", "cấm", "nghiêm cấm", "đâu"})
# Lower-case "a)" opens list items that an extractive answer may quote, so a bare letter must be a capital.
LEADING_CHOICE = re.compile(r"^(?:(?:đáp án|phương án|chọn|answer)\s*:?\s*([a-z])\b|([A-Z])\s*(?:[.):]|$))",
                            re.IGNORECASE)


def strip_markers(text: str) -> str:
    """The answer text without its ``[n]`` citation markers."""
    return MARKER.sub("", text)


def _has_negation(text: str) -> bool:
    tokens = words(text)
    bigrams = {" ".join(tokens[i:i + 2]) for i in range(len(tokens) - 1)}
    return any(t in NEGATIONS for t in tokens) or bool(bigrams & NEGATIONS)


def derive_true_false(answer: str, statement: str, abstained: bool = False) -> str | None:
    """``"Đúng"``, ``"Sai"`` or ``None`` (no verdict) for an answer to a true/false statement."""
    if abstained:
        return None
    text = normalize(strip_markers(answer))
    lead = LEADING_VERDICT.match(text)
    if lead:
        return VERDICTS[lead.group(1)]
    return "Đúng" if _has_negation(text) == _has_negation(statement) else "Sai"


def derive_choice(answer: str, choices: dict[str, str], abstained: bool = False) -> str | None:
    """The letter of the choice an answer picks, or ``None`` when it picks none."""
    if abstained or not choices:
        return None
    stripped = strip_markers(answer).strip()
    letters = {k.lower(): k for k in choices}
    lead = LEADING_CHOICE.match(stripped)
    if lead:
        letter = lead.group(1) or (lead.group(2) if lead.group(2).isupper() else "")
        if letter.lower() in letters:
            return letters[letter.lower()]
    present = set(words(stripped))
    best, best_share = None, 0.0
    for letter in sorted(choices):
        option = set(words(choices[letter]))
        share = len(option & present) / len(option) if option else 0.0
        if share > best_share:
            best, best_share = letter, share
    return best
