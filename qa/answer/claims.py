"""Claims: an answer split into sentences and ;-clauses, each checked against the text it cites.

(Interface first; the checker itself follows in the next commit.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from qa.types import Citation, Claim


def check_claims(
    text: str, citations: Sequence[Citation], article_text: Callable[[str], str]
) -> tuple[Claim, ...]:
    """Split ``text`` into claims, map each one's [n] markers to ``citations`` and check it."""
    raise NotImplementedError


def check_statement(text: str, citations: Sequence[Citation], article_text: Callable[[str], str]) -> Claim:
    """Check one sentence (a briefing's, no markers) against all of ``citations``."""
    raise NotImplementedError
