"""Settings: read once from the environment and an optional ``.env`` file."""

from __future__ import annotations

import difflib
import io
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any, cast

from qa.errors import ConfigError
from qa.urls import shown_url

DEFAULT_BASE_URL = "https://api.openai.com/v1"  # the endpoint when OPENAI_BASE_URL is empty


def _setting(env: str, default: Any, description: str) -> Any:
    return field(default=default, metadata={"env": env, "description": description})


@dataclass(frozen=True)
class Settings:
    """Every knob qa has; each field documents itself and names its environment variable."""

    index: Path = _setting(
        "QA_INDEX", Path(".qa-index"), "Directory of the local index (Chroma data and qa's manifest)."
    )
    chroma_url: str = _setting(
        "QA_CHROMA_URL",
        "",
        "http://host:port of a Chroma server; empty means the embedded PersistentClient in --index.",
    )
    collection: str = _setting(
        "QA_COLLECTION", "qa-chunks", "Name of the Chroma collection holding the chunks."
    )
    embedding: str = _setting(
        "QA_EMBEDDING",
        "minilm",
        "Embedder: 'minilm' (bundled, offline), 'local:/path/to/model-dir', or 'openai:<model>'.",
    )
    openai_api_key: str = _setting(
        "OPENAI_API_KEY", "", "API key for the OpenAI-compatible endpoint; never printed."
    )
    openai_base_url: str = _setting(
        "OPENAI_BASE_URL",
        "",
        "Base URL of an OpenAI-compatible endpoint (Ollama, vLLM, llama.cpp server); "
        "empty means api.openai.com.",
    )
    model: str = _setting("QA_MODEL", "gpt-4o-mini", "Chat model used by the LLM reader.")
    timeout: float = _setting("QA_TIMEOUT", 60.0, "Seconds before one LLM request times out.")
    max_retries: int = _setting(
        "QA_MAX_RETRIES", 2, "Retries for 429/5xx/timeouts, done by the openai client itself."
    )
    chunk_size: int = _setting("QA_CHUNK_SIZE", 700, "Target chunk length in characters.")
    chunk_overlap: int = _setting("QA_CHUNK_OVERLAP", 100, "Characters shared by neighbouring chunks.")
    k: int = _setting("QA_K", 6, "Passages retrieved per question.")
    max_file_mb: float = _setting(
        "QA_MAX_FILE_MB", 20.0, "Files and web pages larger than this (in MB) are refused at ingest."
    )
    fetch_timeout: float = _setting(
        "QA_FETCH_TIMEOUT", 20.0, "Seconds to connect to a web server, and to wait for each read from it."
    )
    repair: bool = _setting(
        "QA_REPAIR",
        True,
        "When an LLM answer's claims are not supported by what they cite, ask the model once to correct them "
        "and keep the better reply; 0 turns it off.",
    )
    judge_model: str = _setting(
        "QA_JUDGE_MODEL",
        "",
        "Model that `qa ask --judge` asks whether each claim's cited text entails it; empty means QA_MODEL.",
    )
    lock_timeout: float = _setting(
        "QA_LOCK_TIMEOUT", 120.0, "Seconds an ingest waits for another ingest on the same index."
    )

    @property
    def llm_configured(self) -> bool:
        """True when an LLM endpoint is configured (a key, or a base URL such as a local server)."""
        return bool(self.openai_api_key or self.openai_base_url)


_ENV_NAMES = tuple(f.metadata["env"] for f in fields(Settings))


def describe() -> list[tuple[str, str, str]]:
    """Return (env var, default, description) for every setting, for docs and .env.example."""
    return [(f.metadata["env"], str(f.default), f.metadata["description"]) for f in fields(Settings)]


# Variables qa reads only in tests (qa/ingest/pipeline.py); never reported as unknown.
_TEST_PREFIX = "QA_TEST_"
_NAME = re.compile(r"\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)")


def _ours(name: str) -> bool:
    return name.startswith(("QA_", "OPENAI_")) or name in _ENV_NAMES


def _read_dotenv(path: Path, on_warning: Callable[[str], None]) -> dict[str, str]:
    """Parse ``path`` into NAME -> value (see ``_read_dotenv_lines``)."""
    return {name: value for name, (value, _) in _read_dotenv_lines(path, on_warning).items()}


def _read_dotenv_lines(path: Path, on_warning: Callable[[str], None]) -> dict[str, tuple[str, int]]:
    """Parse ``path`` with python-dotenv's parser (no interpolation, nothing exported to os.environ).

    Each value comes with the number of the line that set it (the last one, as for the value).

    A line qa cannot use is an error when it names one of qa's settings and a warning otherwise:
    one line naming the file, the line number and what is wrong.
    """
    from dotenv.parser import parse_stream

    try:
        data = path.read_bytes()
    except FileNotFoundError:
        return {}
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read ({exc.strerror or exc}).") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{path} line {line}: not valid UTF-8 (byte 0x{data[exc.start]:02x}); save the file as UTF-8."
        ) from None
    values: dict[str, tuple[str, int]] = {}
    for binding in parse_stream(io.StringIO(text)):
        if binding.key is None and not binding.error:
            continue  # a comment or a blank line
        # python-dotenv counts blank lines before a binding as part of it: skip them for its line number.
        string = binding.original.string
        line = binding.original.line + string[: len(string) - len(string.lstrip())].count("\n")
        where = f"{path} line {line}"
        if binding.error or binding.value is None:
            named = _NAME.match(binding.original.string)
            name = binding.key or (named.group(1) if named else "")
            problem = (
                f"{where}: {name} has no '=' (write {name}=VALUE)"
                if name
                else f"{where}: cannot parse {binding.original.string.strip()[:40]!r} (expected NAME=VALUE)"
            )
            if name and _ours(name):
                raise ConfigError(problem + ".")
            on_warning(problem + "; the line is ignored.")
            continue
        assert binding.key is not None
        unknown = binding.key not in _ENV_NAMES and not binding.key.startswith(_TEST_PREFIX)
        if binding.key.startswith("QA_") and unknown:
            close = difflib.get_close_matches(binding.key, _ENV_NAMES, n=1)
            hint = f" (did you mean {close[0]}?)" if close else ""
            on_warning(f"{where}: unknown setting {binding.key}{hint}; it is ignored.")
        values[binding.key] = (binding.value, line)
    return values


_TRUE, _FALSE = frozenset({"1", "true", "yes", "on"}), frozenset({"0", "false", "no", "off"})


def _flag(raw: str) -> bool:
    value = raw.strip().lower()
    if value not in _TRUE | _FALSE:
        raise ValueError(raw)  # load_settings names the variable
    return value in _TRUE


def load_settings(
    env: Mapping[str, str] | None = None,
    dotenv: Path | None = Path(".env"),
    on_warning: Callable[[str], None] = lambda message: None,
    **overrides: Any,
) -> Settings:
    """Build Settings from ``.env`` then the environment (which wins), then explicit overrides."""
    source: dict[str, str] = _read_dotenv(dotenv, on_warning) if dotenv is not None else {}
    source.update(os.environ if env is None else env)
    values: dict[str, Any] = {}
    for f in fields(Settings):
        raw = source.get(f.metadata["env"])
        if raw is None or raw == "":
            continue
        try:
            # Every default is a bool, str, int, float or Path, whose type parses the raw text.
            convert = _flag if isinstance(f.default, bool) else cast(Callable[[str], Any], type(f.default))
            values[f.name] = convert(raw)
        except ValueError:
            raise ConfigError(
                f"{f.metadata['env']}={raw!r} is not a valid {type(f.default).__name__}."
            ) from None
    settings = Settings(**values)
    clean = {k: v for k, v in overrides.items() if v is not None}
    settings = replace(settings, **clean) if clean else settings
    _check_ranges(settings)
    return settings


def _check_ranges(s: Settings) -> None:
    problems = [
        (s.k >= 1, f"QA_K={s.k} must be 1 or more"),
        (s.chunk_size >= 50, f"QA_CHUNK_SIZE={s.chunk_size} must be 50 or more"),
        (
            0 <= s.chunk_overlap < s.chunk_size,
            f"QA_CHUNK_OVERLAP={s.chunk_overlap} must be 0 or more and below QA_CHUNK_SIZE",
        ),
        (0 < s.max_file_mb < math.inf, f"QA_MAX_FILE_MB={s.max_file_mb} must be a positive number"),
        (0 < s.timeout < math.inf, f"QA_TIMEOUT={s.timeout} must be a positive number of seconds"),
        (
            0 < s.fetch_timeout < math.inf,
            f"QA_FETCH_TIMEOUT={s.fetch_timeout} must be a positive number of seconds",
        ),
        (s.max_retries >= 0, f"QA_MAX_RETRIES={s.max_retries} must be 0 or more"),
        (s.lock_timeout >= 0, f"QA_LOCK_TIMEOUT={s.lock_timeout} must be 0 or more"),
    ]
    for ok, message in problems:
        if not ok:  # NaN fails every comparison, so it lands here too
            raise ConfigError(message + ".")


@dataclass(frozen=True)
class SettingOrigin:
    """One effective setting for ``qa config``: its value as shown and where it came from."""

    name: str
    env: str
    value: str  # as shown: the API key is never among the values, only whether it is set
    origin: str  # "default", "environment", "flag --index", or "<.env path> line N"
    description: str


SECRET_FIELDS = frozenset({"openai_api_key"})
URL_FIELDS = frozenset({"openai_base_url", "chroma_url"})  # shown without user:password@


def setting_origins(
    env: Mapping[str, str] | None = None,
    dotenv: Path | None = Path(".env"),
    on_warning: Callable[[str], None] = lambda message: None,
    flags: Mapping[str, str] | None = None,
    **overrides: Any,
) -> tuple[Settings, list[SettingOrigin]]:
    """The Settings ``load_settings`` builds, and for each field where its value came from.

    ``flags`` names the option that set an override (``{"index": "--index"}``).
    """
    settings = load_settings(env, dotenv, on_warning, **overrides)
    # Read the .env file again for its line numbers; load_settings has already warned about it.
    from_file = _read_dotenv_lines(dotenv, lambda message: None) if dotenv is not None else {}
    environ = os.environ if env is None else env
    out = []
    for f in fields(Settings):
        name = f.metadata["env"]
        if overrides.get(f.name) is not None:
            origin = f"flag {(flags or {}).get(f.name, '--' + f.name.replace('_', '-'))}"
        elif name in environ:
            # An empty variable still hides the .env line: load_settings then uses the default.
            origin = "environment" if environ[name] else "default"
        elif from_file.get(name, ("", 0))[0]:
            origin = f"{dotenv} line {from_file[name][1]}"
        else:
            origin = "default"
        value = getattr(settings, f.name)
        if f.name in SECRET_FIELDS:
            shown = "set" if value else "not set"
        else:
            shown = shown_url(value) if f.name in URL_FIELDS and value else str(value)
        out.append(SettingOrigin(f.name, name, shown, origin, f.metadata["description"]))
    return settings, out


@dataclass(frozen=True)
class Backend:
    """What ``qa ask`` would use with these settings: reader, endpoint and models."""

    reader: str  # "llm" or "extractive"
    endpoint: str | None  # shown without credentials; None when no LLM is configured
    model: str | None
    judge_model: str | None
    embedding: str


def backend(settings: Settings) -> Backend:
    """The reader, endpoint and models these settings select (no network, nothing imported)."""
    if not settings.llm_configured:
        return Backend("extractive", None, None, None, settings.embedding)
    endpoint = shown_url(settings.openai_base_url or DEFAULT_BASE_URL)
    judge = settings.judge_model or settings.model
    return Backend("llm", endpoint, settings.model, judge, settings.embedding)
