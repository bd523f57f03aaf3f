"""Typed exceptions; the CLI turns each into one clear line on stderr and exit 1."""

from __future__ import annotations


class QAError(Exception):
    """Base class for every failure qa reports to the user as one sentence."""


class ConfigError(QAError):
    """A setting is missing or invalid."""


class LoadError(QAError):
    """A file could not be turned into articles; the message names the file and the reason."""


class IndexStateError(QAError):
    """The index is missing, empty, locked, or was built with a different embedder."""


def embedder_mismatch(built_with: str, selected: str) -> IndexStateError:
    """The error for opening an index with another embedder than the one that built it."""
    return IndexStateError(
        f"This index was built with the embedder {built_with!r} but QA_EMBEDDING selects {selected!r}; "
        "run `qa ingest --rebuild PATH...` to rebuild it, or set QA_EMBEDDING back."
    )


class EmbedderError(QAError):
    """The embedding model could not be loaded or run."""


class LLMError(QAError):
    """The language model endpoint failed or replied with something unusable."""


class SpanError(QAError):
    """A requested span does not exist in the index."""
