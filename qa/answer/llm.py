"""The LLM reader: passages in, a JSON answer out, every quote located and verified.

The request and the client live in :mod:`qa.openai_client`, the only module that imports openai.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from qa.answer.citations import normalise, resolve
from qa.answer.claims import MARKER, check_claims, marker_numbers, without_markers
from qa.config import Settings
from qa.errors import LLMError
from qa.openai_client import ModelUser, complete_json
from qa.prompts import NOT_FOUND_ANSWER, load_prompt
from qa.types import Answer, Citation, Claim, Hit, Status

if TYPE_CHECKING:  # pragma: no cover - typing only; importing openai costs over a second
    import openai

ANSWER_PROMPT = "answer"
PASSAGE_PROMPT = "passage"
CLAIM_REPAIR_PROMPT = "claim_repair"

_DELIMITER = re.compile(r"<(?=\s*/?\s*(?:passage|question)\b)", re.IGNORECASE)
_KEYLIKE = re.compile(r"\b(?:sk|pk|rk)-[A-Za-z0-9_\-*.]{6,}")
_REFUSAL = re.compile(
    r"^\s*(?:I'?m sorry|I am sorry|sorry\b|I can(?:not|'t| not)\b|I'?m (?:not able|unable)|"
    r"I am (?:not able|unable)|As an AI\b)",
    re.IGNORECASE,
)
_STATUS_ALIASES: dict[str, Status] = {
    "answered": "answered",
    "answer": "answered",
    "found": "answered",
    "ok": "answered",
    "not_found": "not_found",
    "notfound": "not_found",
    "not found": "not_found",
    "not-found": "not_found",
    "unanswerable": "not_found",
    "unknown": "not_found",
    "none": "not_found",
    "no_answer": "not_found",
    "refused": "not_found",
}


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def defuse(text: str) -> str:
    """Break look-alikes of qa's own prompt delimiters (<passage>, <question>) inside article text.

    A zero-width space goes after the "<", so an article cannot close its passage early or open
    a question of its own; citations.normalise drops that character, so quotes still verify.
    """
    return _DELIMITER.sub("<\u200b", text)


def render_passages(hits: Sequence[Hit]) -> str:
    """Render the hits as labelled data blocks P1..Pn from prompts/passage.md."""
    template = load_prompt(PASSAGE_PROMPT)
    blocks = [
        template.render(
            label=f"P{i}",
            outlet=defuse(_one_line(hit.outlet)),
            title=defuse(_one_line(hit.title)),
            text=defuse(hit.text),
        )
        for i, hit in enumerate(hits, start=1)
    ]
    return "\n\n".join(blocks)


def _is_not_found_text(text: str) -> bool:
    plain = normalise(text).rstrip(".").casefold()
    return not plain or plain == normalise(NOT_FOUND_ANSWER).rstrip(".").casefold()


def _status(reply: dict[str, Any], text: str, has_citations: bool) -> Status:
    raw = reply.get("status")
    status = _STATUS_ALIASES.get(_one_line(raw).casefold()) if isinstance(raw, str) else None
    if reply.get("refusal") and status is None:
        return "not_found"
    if _is_not_found_text(text):
        return "not_found"
    if not has_citations and _REFUSAL.match(normalise(text)):
        return "not_found"  # "I'm sorry, I cannot ..." is a refusal whatever the status says
    return status or "answered"


def _citation_items(raw: object) -> list[tuple[str, str | None]]:
    if not isinstance(raw, list):
        return []
    items: list[tuple[str, str | None]] = []
    for item in raw:
        if isinstance(item, str):
            items.append((item, None))
        elif isinstance(item, dict):
            quote = item.get("quote", item.get("text"))
            source = item.get("source", item.get("passage"))
            if isinstance(quote, str):
                items.append((quote, None if source is None else str(source)))
    return items


class LLMReader(ModelUser):
    """Answers a question from retrieved passages with an OpenAI-compatible chat model."""

    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        """Keep the settings; the client is built on first use unless one is given."""
        super().__init__(settings, client)
        self.model = settings.model
        self.backend = f"llm:{settings.model}"

    def answer(self, question: str, hits: Sequence[Hit], article_text: Callable[[str], str]) -> Answer:
        """Answer from the hits; every quote is located and verified, every claim checked against them."""
        hits = tuple(hits)
        if not hits:  # nothing to answer from: asking the model could only invite a guess
            return Answer(question, "not_found", NOT_FOUND_ANSWER, (), self.backend, hits)
        system, user = load_prompt(ANSWER_PROMPT).render_messages(
            passages=render_passages(hits), question=question, not_found_answer=NOT_FOUND_ANSWER
        )
        reply = complete_json(self.client, self.model, system, user)
        first = self._read(question, hits, reply, article_text)
        unsupported = sum(not c.supported for c in first.claims)
        if not unsupported or not self.settings.repair:
            return first
        # One repair round: the model sees its reply and the problems, and may correct them.
        asked = load_prompt(CLAIM_REPAIR_PROMPT).render(problems=problem_lines(first.claims))
        try:
            second_reply = complete_json(
                self.client, self.model, system, user, [(json.dumps(reply, ensure_ascii=False), asked)]
            )
        except LLMError:
            return replace(first, repair=(unsupported, unsupported))
        second = self._read(question, hits, second_reply, article_text)
        after = sum(not c.supported for c in second.claims)
        if second.status == "answered" and after < unsupported:
            return replace(second, repair=(unsupported, after))
        return replace(first, repair=(unsupported, unsupported))

    def _read(
        self, question: str, hits: tuple[Hit, ...], reply: dict[str, Any], article_text: Callable[[str], str]
    ) -> Answer:
        raw_answer = reply.get("answer")
        text = raw_answer.strip() if isinstance(raw_answer, str) else ""
        items = _citation_items(reply.get("citations"))
        status = _status(reply, text, bool(items))
        if status == "not_found":
            return Answer(question, "not_found", NOT_FOUND_ANSWER, (), self.backend, hits)
        citations: list[Citation] = []
        number_of: dict[int, int] = {}  # the model's citation number -> qa's, once duplicates are merged
        for raw_number, (quote, source) in enumerate(items, start=1):
            citation = resolve(quote, hits, source, article_text)
            if citation not in citations:  # the same quote cited twice adds nothing
                citations.append(citation)
            number_of[raw_number] = citations.index(citation) + 1
        text = renumber(text, number_of)
        claims = check_claims(text, citations, article_text)
        return Answer(question, "answered", text, tuple(citations), self.backend, hits, claims)


def renumber(text: str, number_of: dict[int, int]) -> str:
    """Rewrite the [n] markers of an answer after duplicate citations were merged ([3] -> [1])."""

    def one(match: re.Match[str]) -> str:
        mapped = list(dict.fromkeys(number_of.get(n, n) for n in marker_numbers(match)))
        return "[" + ", ".join(str(n) for n in mapped) + "]"

    return MARKER.sub(one, text) if any(k != v for k, v in number_of.items()) else text


def problem_lines(claims: Sequence[Claim]) -> str:
    """The unsupported claims and their problems, one line each, for the repair prompt."""
    return "\n".join(
        f'- "{without_markers(c.text)}": {"; ".join(c.problems)}' for c in claims if not c.supported
    )
