"""Prompt files: loading by name and one-pass placeholder rendering.

Every prompt qa sends lives in a Markdown file, never in Python code. Format:

* ``{name}`` (a Python identifier in braces) is a placeholder. Any other brace, such as
  the ``{"status": ...}`` of a JSON example, is literal text; there is no escaping.
* A line consisting of exactly ``---user---`` splits the file into a system part (above)
  and a user part (below). Without that line the whole file is the user part and the
  system part is empty.
* Leading and trailing blank lines of each part are dropped; everything else is kept.

Files are looked up first in ``qa/_prompts/`` (where the wheel build copies them) and then
in the repository's top-level ``prompts/`` (editable installs and the source tree).

Rendering substitutes every placeholder in ONE ``re.sub`` pass, so braces or
``{placeholders}`` inside inserted values (article text, questions) are never expanded
again and can never break rendering. Missing and unexpected values both raise.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from qa.errors import ConfigError

#: The answer a reader gives when the passages do not answer the question. Filled into
#: prompts through the ``{not_found_answer}`` placeholder and checked by tests, so the
#: sentence is defined exactly once.
NOT_FOUND_ANSWER = "The provided articles do not answer this question."

USER_MARKER = "---user---"

_PACKAGE_DIR = Path(__file__).resolve().parent
#: Searched in order: the copy shipped inside the wheel, then the source tree's folder.
PROMPT_DIRS: tuple[Path, ...] = (_PACKAGE_DIR / "_prompts", _PACKAGE_DIR.parent / "prompts")

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_MARKER_LINE = re.compile(r"^" + re.escape(USER_MARKER) + r"[ \t]*\r?$", re.MULTILINE)


def placeholders_in(template: str) -> set[str]:
    """Return the placeholder names used in a template string."""
    return set(_PLACEHOLDER.findall(template))


def _substitute(template: str, values: dict[str, str]) -> str:
    # One pass: the replacement function's output is never scanned again.
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)], template)


@dataclass(frozen=True)
class Prompt:
    """A loaded prompt file: a system template, a user template and their placeholders."""

    name: str
    system: str
    user: str
    path: Path | None = None

    @property
    def placeholders(self) -> set[str]:
        """Every placeholder name used in the system or user part."""
        return placeholders_in(self.system) | placeholders_in(self.user)

    def _check(self, values: dict[str, object]) -> dict[str, str]:
        expected = self.placeholders
        missing = expected - values.keys()
        unexpected = values.keys() - expected
        if missing or unexpected:
            parts = []
            if missing:
                parts.append(f"missing {sorted(missing)}")
            if unexpected:
                parts.append(f"unexpected {sorted(unexpected)}")
            raise ValueError(f"Prompt {self.name!r}: {' and '.join(parts)} values.")
        return {key: str(value) for key, value in values.items()}

    def render_messages(self, **values: object) -> tuple[str, str]:
        """Render the (system, user) parts; each placeholder is filled in one pass."""
        clean = self._check(values)
        return _substitute(self.system, clean), _substitute(self.user, clean)

    def render(self, **values: object) -> str:
        """Render the whole prompt as one text (system part, blank line, user part)."""
        system, user = self.render_messages(**values)
        return f"{system}\n\n{user}" if system else user


def parse_prompt(name: str, text: str, path: Path | None = None) -> Prompt:
    """Split a prompt file's text into its system and user parts."""
    text = text.replace("\r\n", "\n")
    pieces = _MARKER_LINE.split(text)
    if len(pieces) > 2:
        raise ConfigError(f"Prompt {name!r} has more than one {USER_MARKER} line.")
    system, user = (pieces[0], pieces[1]) if len(pieces) == 2 else ("", pieces[0])
    return Prompt(name=name, system=system.strip("\n"), user=user.strip("\n"), path=path)


def prompt_path(name: str) -> Path:
    """Return the file a prompt name resolves to, searching PROMPT_DIRS in order."""
    if not _NAME.fullmatch(name):
        raise ValueError(f"Invalid prompt name {name!r}: use letters, digits, '-' and '_'.")
    for folder in PROMPT_DIRS:
        candidate = folder / f"{name}.md"
        if candidate.is_file():
            return candidate
    searched = ", ".join(str(d) for d in PROMPT_DIRS)
    raise ConfigError(f"Prompt {name!r} was not found in {searched}; reinstall qa.")


@functools.cache
def load_prompt(name: str) -> Prompt:
    """Load the prompt file ``<name>.md`` (cached; files do not change while qa runs)."""
    path = prompt_path(name)
    return parse_prompt(name, path.read_text(encoding="utf-8"), path)


def available_prompts() -> list[str]:
    """Names of every prompt file that load_prompt can find, sorted."""
    names: set[str] = set()
    for folder in PROMPT_DIRS:
        if folder.is_dir():
            names.update(p.stem for p in folder.glob("*.md") if _NAME.fullmatch(p.stem))
    return sorted(names)
