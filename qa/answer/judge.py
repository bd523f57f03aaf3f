"""The optional model judge: does a claim's cited text entail it? For what a lexical check cannot see.

The claim check (:mod:`qa.answer.claims`) finds a wrong figure, date, name or quote; it cannot see
a negation ("binding" for "non-binding") or a changed verb. ``qa ask --judge`` asks a model, one
request per cited claim, for a verdict. A "contradicted" verdict makes the claim unsupported; a
"neutral" one is shown but does not, since models often call a fair paraphrase neutral.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import TYPE_CHECKING

from qa.answer.claims import cited_contexts, without_markers
from qa.config import Settings
from qa.openai_client import ModelUser, complete_json
from qa.prompts import load_prompt
from qa.types import Answer, Claim, Verdict

if TYPE_CHECKING:  # pragma: no cover - typing only; importing openai costs over a second
    import openai

JUDGE_PROMPT = "judge"
VERDICTS: tuple[Verdict, ...] = ("entailed", "contradicted", "neutral")


def verdict_of(reply: dict[str, object]) -> Verdict:
    """The verdict of a judge reply; anything unreadable is "neutral" (no claim is passed on a guess)."""
    raw = reply.get("verdict")
    word = str(raw).strip().lower() if isinstance(raw, str) else ""
    return next((v for v in VERDICTS if v == word), "neutral")


class Judge(ModelUser):
    """Asks an OpenAI-compatible model whether each claim's cited text entails it."""

    def __init__(self, settings: Settings, client: openai.OpenAI | None = None) -> None:
        """Use QA_JUDGE_MODEL, or the reader's model when it is empty."""
        super().__init__(settings, client)
        self.model = settings.judge_model or settings.model

    def judge(self, answer: Answer, article_text: Callable[[str], str]) -> Answer:
        """The answer with a verdict on every claim that cites verified text."""
        contexts = cited_contexts(answer.citations, article_text)  # once per answer, not per claim
        claims = tuple(self._one(c, contexts) for c in answer.claims)
        return replace(answer, claims=claims)

    def _one(self, claim: Claim, contexts: dict[int, str]) -> Claim:
        cited = "\n\n".join(contexts[n] for n in claim.citations if n in contexts)
        if not cited:
            return claim
        plain = without_markers(claim.text)
        system, user = load_prompt(JUDGE_PROMPT).render_messages(cited=cited, claim=plain)
        reply = complete_json(self.client, self.model, system, user)
        verdict = verdict_of(reply)
        if verdict != "contradicted":
            return replace(claim, judge=verdict)
        reason = reply.get("reason")
        why = f": {' '.join(str(reason).split())}" if isinstance(reason, str) and reason.strip() else ""
        problem = f"the judge model ({self.model}) reads the cited text as contradicting it{why}"
        return replace(claim, judge=verdict, supported=False, problems=(*claim.problems, problem))
