"""LLM answerer: a LangChain chat model behind an OpenAI-compatible endpoint the user runs.

The model sees the best passages, numbered and delimited, under a prompt (``prompts/``) that
demands answers only from them, ``[n]`` markers after each statement and an explicit not-found
form; document text is presented as data, so instructions inside a notice do not change the rules.
Every marker is checked against the passages, and every sentence against the passages it cites
(:mod:`citations`); an answer left without a supported, validly cited sentence, and any failure of the
endpoint, falls back to the extractive answerer.

Needs the ``llm`` extra (``langchain-openai``).
"""
from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass

from index.retriever import ScoredChunk, SearchFilters
from prompts import load as load_prompt
from qa_service.answering.base import NOT_FOUND_VI, Answer, Answerer, Token
from qa_service.answering.citations import check_markers, complete_sentences
from qa_service.answering.forms import VERDICT, read_form
from qa_service.answering.question import is_english

log = logging.getLogger(__name__)

NOT_FOUND_FORMS = ("KHÔNG TÌM THẤY", "KHONG TIM THAY", "NOT FOUND")


@dataclass(frozen=True)
class LLMConfig:
    """Where the chat model runs and how much it is shown.

    Attributes:
        base_url: the OpenAI-compatible endpoint, e.g. ``http://127.0.0.1:8080/v1``.
        model: the model name the endpoint serves.
        api_key: the endpoint's key (any non-empty string when it needs none).
        temperature: sampling temperature (0 keeps answers close to the passages).
        timeout_s: seconds before a call is abandoned (then the extractive answer is returned).
        max_passages: passages put in the prompt, best first.
        max_passage_chars: longer passages are cut to this many characters.
        max_tokens: the longest answer requested.
    """

    base_url: str
    model: str
    api_key: str = ""
    temperature: float = 0.0
    timeout_s: float = 60.0
    max_passages: int = 6
    max_passage_chars: int = 1500
    max_tokens: int = 600


def make_chat_model(config: LLMConfig):
    """``ChatOpenAI`` for ``config``; a clear error when the ``llm`` extra is missing."""
    try:
        from langchain_openai import ChatOpenAI
    except ImportError as exc:  # pragma: no cover - depends on the installed extras
        raise RuntimeError("the LLM answerer needs the llm extra: pip install 'notice-qa[llm]'") from exc
    return ChatOpenAI(base_url=config.base_url, model=config.model, api_key=config.api_key or "not-needed",
                      temperature=config.temperature, timeout=config.timeout_s, max_retries=1,
                      max_tokens=config.max_tokens)


def _data(text: str) -> str:
    """Passage text as inert data: nothing in it can close or open a passage tag."""
    return re.sub(r"</?\s*doan\b[^>]*>", " ", text, flags=re.IGNORECASE).replace("<", "‹").replace(">", "›")


def format_passages(hits: list[ScoredChunk], max_chars: int) -> str:
    """The numbered, delimited passages of the prompt, each with its document and section."""
    blocks = []
    for n, hit in enumerate(hits, start=1):
        c = hit.chunk
        where = " · ".join(p for p in (f"{c.doc_type} {c.number}".strip(), c.date, c.title[:160],
                                       f"mục {c.section} {c.section_title[:120]}".strip() if c.section else "") if p)
        text = c.text if len(c.text) <= max_chars else c.text[:max_chars].rsplit(" ", 1)[0] + " …"
        blocks.append(f'<doan so="{n}">\n[{n}] {_data(where)}\n{_data(text)}\n</doan>')
    return "\n\n".join(blocks)


def is_not_found(text: str) -> bool:
    head = re.sub(r"[\s.:!*_\"'`]+", " ", text).strip().upper()
    return any(head.startswith(form) for form in NOT_FOUND_FORMS)


class LLMAnswerer(Answerer):
    """Answers with a chat model, checks its citations, and falls back to ``fallback`` when needed.

    Args:
        config: endpoint and prompt sizes.
        fallback: the answerer used when the model's answer has no valid citation or the call fails
            (the extractive answerer).
        chat_model: a LangChain chat model; built from ``config`` when not given.
    """

    def __init__(self, config: LLMConfig, fallback: Answerer, chat_model=None):
        self.config = config
        self.fallback = fallback
        self.chat_model = chat_model or make_chat_model(config)

    def messages(self, question: str, hits: list[ScoredChunk]) -> list[tuple[str, str]]:
        """The (role, content) messages sent for ``question`` over ``hits``."""
        language = "en" if is_english(question) else "vi"
        passages = format_passages(hits[: self.config.max_passages], self.config.max_passage_chars)
        user = load_prompt(f"answer_user_{language}").replace("{passages}", passages).replace(
            "{question}", _data(question.strip()))
        return [("system", load_prompt(f"answer_system_{language}")), ("human", user)]

    def answer(self, question: str, hits: list[ScoredChunk], filters: SearchFilters | None = None) -> Answer:
        if not hits:
            return self.fallback.answer(question, hits, filters)
        try:
            reply = self.chat_model.invoke(self.messages(question, hits))
        except Exception as exc:  # the endpoint is the user's: any failure degrades to the extractive answer
            return self._fall_back(question, hits, f"LLM call failed ({type(exc).__name__}: {exc})", filters)
        return self.finish(question, hits, _content(reply), filters)

    def stream(self, question: str, hits: list[ScoredChunk],
               filters: SearchFilters | None = None) -> Iterator[Token | Answer]:
        if not hits:
            yield from self.fallback.stream(question, hits, filters)
            return
        reply, done, shown = "", "", ""
        english, passages = is_english(question), hits[: self.config.max_passages]
        try:
            for chunk in self.chat_model.stream(self.messages(question, hits)):
                reply += _content(chunk)
                # Only whole sentences that passed the checks are shown, with their renumbered markers: a
                # sentence is complete once text follows it, and checked sentences never change as more come.
                complete = complete_sentences(reply)
                if complete == done:
                    continue  # no new sentence: nothing to check again
                done = complete
                checked = check_markers(done, passages, english).text if not is_not_found(reply) else ""
                if checked.startswith(shown) and len(checked) > len(shown):
                    yield Token(checked[len(shown):])
                    shown = checked
        except Exception as exc:
            yield self._fall_back(question, hits, f"LLM call failed ({type(exc).__name__}: {exc})", filters)
            return
        answer = self.finish(question, hits, reply, filters)
        if not answer.abstained and answer.text.startswith(shown) and len(answer.text) > len(shown):
            yield Token(answer.text[len(shown):])  # the last sentence, complete now
        yield answer

    def finish(self, question: str, hits: list[ScoredChunk], reply: str,
               filters: SearchFilters | None = None) -> Answer:
        """The final answer from the model's raw reply: not-found form, checked markers, or the fallback."""
        if is_not_found(reply):
            return Answer(NOT_FOUND_VI, abstained=True, reason="the model found no answer in the passages")
        checked = check_markers(reply, hits[: self.config.max_passages], english=is_english(question))
        if not checked.citations:
            return self._fall_back(question, hits, "no sentence of the model's answer cites a passage that supports it",
                                   filters)
        if read_form(question).closed and not VERDICT.match(checked.text):
            return self._fall_back(question, hits, "the model's answer to a closed question gave no verdict", filters)
        reason = "; ".join(([f"removed invalid markers {checked.removed}"] if checked.removed else []) +
                           ([f"dropped {len(checked.dropped)} sentence(s) no cited passage supports"]
                            if checked.dropped else []))
        return Answer(checked.text, abstained=False, citations=checked.citations, reason=reason)

    def _fall_back(self, question: str, hits: list[ScoredChunk], why: str,
                   filters: SearchFilters | None = None) -> Answer:
        log.warning("LLM answer replaced by the extractive answer: %s", why)
        answer = self.fallback.answer(question, hits, filters)
        answer.reason = f"extractive fallback: {why}"
        return answer


def _content(message) -> str:
    content = getattr(message, "content", message)
    if isinstance(content, list):  # content blocks
        return "".join(b.get("text", "") if isinstance(b, dict) else str(b) for b in content)
    return str(content or "")
