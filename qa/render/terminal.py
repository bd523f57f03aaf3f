"""Plain terminal text for answers, hits, sources and briefings; untrusted text made safe to print."""

from __future__ import annotations

import functools
import re
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from qa.answer.claims import without_markers
from qa.briefing.model import Briefing, Story
from qa.config import Backend, SettingOrigin
from qa.render.common import (
    UNSUPPORTED,
    UNSUPPORTED_MARK,
    UNVERIFIED,
    briefing_lines,
    source_label,
    span_ref,
    story_line,
)
from qa.text import line_spans
from qa.types import Answer, Citation, Hit

if TYPE_CHECKING:
    from rich.text import Text

    from qa.answer.spans import ArticleView

# Article text and file names are untrusted: control characters in them (terminal escape
# sequences, bells, carriage returns) are printed as visible \xNN, never sent to the terminal.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
C1_CONTROL = re.compile(r"[\x7f-\x9f]")  # json.dumps escapes C0 controls itself, not these


NOT_AN_ANSWER = "The closest passages (they do not answer the question):"
CLOSEST_SHOWN = 3
WIDTH = 80  # when stdout is not a terminal; on one, the CLI passes the terminal's width


def fill(text: str, width: int = WIDTH, indent: str = "", first: str | None = None) -> str:
    """Wrap ``text`` to ``width``, each line of it on its own, never breaking a word.

    A span reference (``as-5617-center:0-238``) or a URL is one word with hyphens in it: neither
    hyphens nor long words are broken, so it stays whole on one line (longer than ``width`` if it must).
    """
    wrapper = textwrap.TextWrapper(
        width=max(width, 20),
        initial_indent=indent if first is None else first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )
    return "\n".join(wrapper.fill(line) if line.strip() else "" for line in text.split("\n"))


def terminal_safe(text: str) -> str:
    """Show control characters as \\xNN (CRLF line ends become plain line ends)."""
    return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text.replace("\r\n", "\n"))


def citation_text(number: int, c: Citation, width: int = WIDTH) -> str:
    """One citation block: marker, outlet and title, span reference, and the quote."""
    head = fill(f"[{number}] {source_label(c.outlet, c.title, c.doc_id)} ({span_ref(c)})", width, "    ", "")
    flag = "" if c.verified else f"\n    {UNVERIFIED}"
    quote = fill(f"“{highlighted(c)}”", width, "    ")
    return f"{head}{flag}\n{quote}"


def highlighted(c: Citation) -> str:
    """The quote with its answering phrase (``answer_span``) between « and »."""
    if c.answer_span is None or c.start is None or c.end is None or len(c.quote) != c.end - c.start:
        return c.quote
    a, b = c.answer_span[0] - c.start, c.answer_span[1] - c.start
    if not 0 <= a < b <= len(c.quote):
        return c.quote
    return f"{c.quote[:a]}«{c.quote[a:b]}»{c.quote[b:]}"


def marked_answer(answer: Answer) -> str:
    """The answer's text with ``[!]`` after each claim its citations do not support."""
    text, shift = answer.text, 0
    for claim in answer.claims:
        if not claim.supported:
            at = claim.end + shift
            text = f"{text[:at]} {UNSUPPORTED_MARK}{text[at:]}"
            shift += len(UNSUPPORTED_MARK) + 1
    return text


def claim_notes(answer: Answer, width: int = WIDTH) -> list[str]:
    """The problems of unsupported claims, figures worked out rather than quoted, and judge verdicts."""
    lines = []
    unsupported = [c for c in answer.claims if not c.supported]
    if unsupported:
        lines.append(f"{UNSUPPORTED}: {len(unsupported)} claim(s) not backed by what they cite")
        for c in unsupported:
            lines.append(_wrapped(f"{UNSUPPORTED_MARK} “{without_markers(c.text)}”", width, "  "))
            lines += [_wrapped(f"- {problem}", width, "      ", "    ") for problem in c.problems]
    derived = [(c, d) for c in answer.claims for d in c.derived]
    if derived:
        lines.append("DERIVED: figures worked out from the cited text, not stated in it")
        lines += [_wrapped(f"- {d}  (in “{without_markers(c.text)}”)", width, "  ") for c, d in derived]
    judged = [c for c in answer.claims if c.judge is not None and c.judge != "entailed"]
    if judged:
        lines.append("JUDGE: claims the judge model did not find entailed by their cited text")
        lines += [_wrapped(f"- {c.judge}: “{without_markers(c.text)}”", width, "  ") for c in judged]
    return lines


def _wrapped(text: str, width: int, indent: str, first: str | None = None) -> str:
    return fill(" ".join(text.split()), width, indent + "  ", indent if first is None else first)


def repair_notice(repair: tuple[int, int]) -> str:
    """What the repair round did, for stderr."""
    before, after = repair
    head = f"{before} claim(s) were not supported by their citations; asked the model once to correct them: "
    if after < before:
        return head + f"kept the corrected reply ({after} unsupported)."
    return head + "the reply was no better, so the first one is kept."


def answer_text(answer: Answer, width: int = WIDTH) -> str:
    """The answer with its [n] markers and [!] flags, the claims' problems, then each citation."""
    lines = [fill(marked_answer(answer), width), ""]
    notes = claim_notes(answer, width)
    lines += [*notes, ""] if notes else []
    lines += [citation_text(n, c, width) for n, c in enumerate(answer.citations, start=1)]
    if answer.status == "not_found" and answer.retrieved:
        lines += [NOT_AN_ANSWER, search_text(answer.retrieved[:CLOSEST_SHOWN], width)]
    lines.append(f"\n(reader: {answer.backend}; {len(answer.retrieved)} passages retrieved)")
    return "\n".join(lines).rstrip()


def search_text(hits: Sequence[Hit], width: int = WIDTH) -> str:
    """Ranked hits with their span references."""
    if not hits:
        return "No matching passages."
    blocks = []
    for n, h in enumerate(hits, start=1):
        snippet = textwrap.shorten(" ".join(h.text.split()), width=300, placeholder=" …")
        where = f"{h.doc_id}:{h.start}-{h.end}, score {h.score:.4f}"
        head = fill(f"{n}. {source_label(h.outlet, h.title, h.doc_id)} ({where})", width, "   ", "")
        blocks.append(f"{head}\n{fill(snippet, width, '   ')}")
    return "\n".join(blocks)


def stories_text(stories: Sequence[Story], width: int = WIDTH) -> str:
    """One line per story of the index, largest first."""
    if not stories:
        return "The index is empty."
    lines = [fill(story_line(s), width, "   ", "") for s in stories]
    return "\n".join(lines) + f"\n{len(stories)} story(ies); brief one with `qa summarize --story N`."


def briefing_text(b: Briefing, width: int = WIDTH) -> str:
    """The briefing as plain text, wrapped for a terminal."""
    out = []
    citation = functools.partial(citation_text, width=width)
    for line in briefing_lines(b, markdown=False, citation=citation):
        if line.startswith("  - "):
            out.append(fill(line[4:], width, "    ", "  - "))
        elif "\n" in line:
            out.append(line)  # a citation block, already wrapped
        else:
            out.append(fill(line, width, "  ", ""))
    return "\n".join(out).rstrip()


LEFT_OUT = "[left out] "


def article_text(view: ArticleView, width: int = WIDTH) -> str:
    """An article as indexed, wrapped to ``width``, each line no chunk covers prefixed on every line it
    wraps to (it can be neither found nor cited)."""
    head = [source_label(view.outlet, view.title, view.doc_id)]
    fields = (("published", view.published), ("url", view.url))
    head += [f"{name}: {value}" for name, value in fields if value]
    head.append(f"source: {view.source}")
    if view.left_out:
        head.append(f"{len(view.left_out)} line(s) marked {LEFT_OUT.strip()} are in no chunk.")
    left_out = set(view.left_out)  # stripped line spans, as line_spans(strip=True) gives them
    lines = []
    for line, words in zip(line_spans(view.text), line_spans(view.text, strip=True), strict=True):
        if words in left_out:
            lines.append(fill(view.text[words[0] : words[1]], width, LEFT_OUT))
        else:
            lines.append(fill(view.text[line[0] : line[1]], width))
    return "\n".join(fill(h, width, "  ", first="") for h in head) + "\n\n" + "\n".join(lines)


def config_text(origins: Sequence[SettingOrigin], chosen: Backend, width: int = WIDTH) -> str:
    """Every setting, its value and where it came from; then the reader, endpoint and models it selects."""
    name_width = max(len(o.env) for o in origins)
    value_width = min(36, max(len(o.value) for o in origins))
    lines = [f"{o.env:<{name_width}}  {o.value or '(empty)':<{value_width}}  {o.origin}" for o in origins]
    if chosen.reader == "llm":
        lines += [
            "",
            f"reader: LLM, model {chosen.model} at {chosen.endpoint}",
            f"judge (qa ask --judge): {chosen.judge_model}",
        ]
    else:
        lines += ["", "reader: extractive (no LLM configured: OPENAI_API_KEY and OPENAI_BASE_URL are unset)"]
    lines.append(f"embedding: {chosen.embedding}")
    settings_rows = len(origins)  # the table's rows stay one line each; the sentences below wrap
    return "\n".join(
        lines[:settings_rows] + [fill(line, width, "  ", first="") for line in lines[settings_rows:]]
    )


# What colour marks on a terminal: citation markers, the flags of a failed check, the span `qa show`
# prints between » and «, and the answering phrase of a quote between « and ».
_STYLES = (
    (r"\[\d+\]", "bold cyan"),
    (r"\[!\]|UNSUPPORTED\b[^\n]*|UNVERIFIED\b[^\n]*", "bold red"),
    (r"»[^«]*«", "bold yellow"),
    (r"«[^»\n]*»", "bold"),
    (r"^\[left out\] [^\n]*", "dim"),
)


def styled(text: str) -> Text:
    """``text`` (already safe and wrapped) as a rich Text with qa's colours; its characters unchanged."""
    from rich.text import Text

    out = Text(text)
    for pattern, style in _STYLES:
        out.highlight_regex(re.compile(pattern, re.MULTILINE), style=style)
    return out
