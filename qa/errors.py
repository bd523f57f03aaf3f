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


class EmbedderError(QAError):
    """The embedding model could not be loaded or run."""


class LLMError(QAError):
    """The language model endpoint failed or replied with something unusable."""


class SpanError(QAError):
    """A requested span does not exist in the index."""
