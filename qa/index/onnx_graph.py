"""Build an ONNX graph for a BERT-style sentence encoder straight from ``model.safetensors``.

No torch is involved: the safetensors file is parsed with numpy and the graph is assembled
with ``onnx.helper``. The node layout mirrors the Hugging Face BERT export so onnxruntime's
graph optimiser recognises (and fuses) LayerNorm, GELU and attention.
"""

from __future__ import annotations

import json
import math
import struct
from pathlib import Path
from typing import Any

import numpy as np

# Bump whenever the graph built below changes: it is part of the cache key.
GRAPH_VERSION = 1
OPSET = 17  # first opset with LayerNormalization

INPUT_NAMES = ("input_ids", "attention_mask", "token_type_ids")
# last_hidden_state comes first so the graph is a drop-in for exporters' BERT graphs
# (Chroma's ONNX function reads output 0 and pools it itself).
OUTPUT_NAMES = ("last_hidden_state", "sentence_embedding")

_DTYPES = {"F32": np.float32, "F16": np.float16, "F64": np.float64, "I64": np.int64, "I32": np.int32}


def load_safetensors(path: Path) -> dict[str, np.ndarray]:
    """Read every tensor of a safetensors file as float32/int numpy arrays (no torch needed)."""
    raw = path.read_bytes()
    (header_len,) = struct.unpack("<Q", raw[:8])
    header: dict[str, Any] = json.loads(raw[8 : 8 + header_len])
    header.pop("__metadata__", None)
    base = 8 + header_len
    tensors: dict[str, np.ndarray] = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        buf = raw[base + begin : base + end]
        dtype = info["dtype"]
        if dtype == "BF16":
            # bfloat16 is the top half of a float32: widen by shifting into the high bits.
            arr = (np.frombuffer(buf, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
        elif dtype in _DTYPES:
            arr = np.frombuffer(buf, dtype=np.dtype(_DTYPES[dtype]).newbyteorder("<"))
        else:
            raise ValueError(f"unsupported safetensors dtype {dtype} for tensor {name}")
        arr = arr.reshape(info["shape"])
        tensors[name.removeprefix("bert.")] = arr.astype(np.float32) if arr.dtype.kind == "f" else arr
    return tensors


class _Graph:
    """Small accumulator of nodes and initialisers with unique names."""

    def __init__(self) -> None:
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []
        self._count = 0

    def const(self, name: str, value: np.ndarray | float | list[int]) -> str:
        from onnx import numpy_helper

        arr = np.asarray(value, dtype=np.int64 if isinstance(value, list) else None)
        if arr.dtype == np.float64:
            arr = arr.astype(np.float32)
        self.initializers.append(numpy_helper.from_array(np.ascontiguousarray(arr), name))
        return name

    def op(self, op_type: str, *inputs: str, out: str | None = None, **attrs: Any) -> str:
        from onnx import helper

        self._count += 1
        out = out or f"{op_type.lower()}_{self._count}"
        self.nodes.append(
            helper.make_node(op_type, list(inputs), [out], name=f"{op_type}_{self._count}", **attrs)
        )
        return out


def build_bert_graph(weights: dict[str, np.ndarray], config: dict[str, Any]) -> Any:
    """Return an onnx.ModelProto: BERT encoder, mean pooling over the mask, L2 normalisation."""
    from onnx import TensorProto, helper

    if config.get("hidden_act", "gelu") != "gelu":
        raise ValueError(f"hidden_act {config['hidden_act']!r} is not supported (only exact 'gelu')")
    if config.get("position_embedding_type", "absolute") != "absolute":
        raise ValueError("only absolute position embeddings are supported")
    hidden = int(config["hidden_size"])
    heads = int(config["num_attention_heads"])
    head_dim = hidden // heads
    eps = float(config.get("layer_norm_eps", 1e-12))
    g = _Graph()

    def w(name: str) -> str:
        return g.const(name, weights[name])

    def linear(x: str, prefix: str) -> str:
        # torch stores Linear weights as (out, in); MatMul wants (in, out).
        weight_t = g.const(prefix + ".weight.T", weights[prefix + ".weight"].T)
        return g.op("Add", g.op("MatMul", x, weight_t), w(prefix + ".bias"))

    def layer_norm(x: str, prefix: str) -> str:
        return g.op("LayerNormalization", x, w(prefix + ".weight"), w(prefix + ".bias"), axis=-1, epsilon=eps)

    # Embeddings: word + position (sliced to the batch's length) + token type, then LayerNorm.
    seq_len = g.op("Slice", g.op("Shape", "input_ids"), g.const("one_i", [1]), g.const("two_i", [2]))
    positions = g.op(
        "Slice",
        w("embeddings.position_embeddings.weight"),
        g.const("zero_i", [0]),
        seq_len,
        g.const("zero_axis", [0]),
    )
    x = g.op("Add", g.op("Gather", w("embeddings.word_embeddings.weight"), "input_ids"), positions)
    x = g.op("Add", x, g.op("Gather", w("embeddings.token_type_embeddings.weight"), "token_type_ids"))
    x = layer_norm(x, "embeddings.LayerNorm")

    # Additive attention mask (B, 1, 1, T): 0 where attended, -10000 on padding, as BERT does.
    mask_f = g.op("Cast", "attention_mask", to=TensorProto.FLOAT)
    mask4 = g.op("Unsqueeze", mask_f, g.const("axes_12", [1, 2]))
    additive = g.op("Mul", g.op("Sub", g.const("one_f", 1.0), mask4), g.const("neg_big", -10000.0))

    split_heads = g.const("split_heads", [0, 0, heads, head_dim])
    merge_heads = g.const("merge_heads", [0, 0, hidden])
    scale = g.const("sqrt_head_dim", math.sqrt(head_dim))
    sqrt2 = g.const("sqrt2", math.sqrt(2.0))
    half, one = g.const("half", 0.5), "one_f"
    for i in range(int(config["num_hidden_layers"])):
        p = f"encoder.layer.{i}."
        q = g.op(
            "Transpose",
            g.op("Reshape", linear(x, p + "attention.self.query"), split_heads),
            perm=[0, 2, 1, 3],
        )
        k = g.op(
            "Transpose", g.op("Reshape", linear(x, p + "attention.self.key"), split_heads), perm=[0, 2, 3, 1]
        )
        v = g.op(
            "Transpose",
            g.op("Reshape", linear(x, p + "attention.self.value"), split_heads),
            perm=[0, 2, 1, 3],
        )
        scores = g.op("Add", g.op("Div", g.op("MatMul", q, k), scale), additive)
        context = g.op("MatMul", g.op("Softmax", scores, axis=-1), v)
        context = g.op("Reshape", g.op("Transpose", context, perm=[0, 2, 1, 3]), merge_heads)
        x = layer_norm(
            g.op("Add", linear(context, p + "attention.output.dense"), x), p + "attention.output.LayerNorm"
        )
        inter = linear(x, p + "intermediate.dense")
        # Exact GELU, x * 0.5 * (1 + erf(x / sqrt 2)), as BERT uses (not the tanh approximation).
        gelu = g.op("Mul", g.op("Mul", inter, g.op("Add", g.op("Erf", g.op("Div", inter, sqrt2)), one)), half)
        x = layer_norm(g.op("Add", linear(gelu, p + "output.dense"), x), p + "output.LayerNorm")
    g.op("Identity", x, out="last_hidden_state")

    # Mean pooling over attended tokens, then L2 normalisation (torch's F.normalize eps).
    mask3 = g.op("Unsqueeze", mask_f, g.const("axes_last", [-1]))
    axis1 = g.const("axis_1", [1])
    summed = g.op("ReduceSum", g.op("Mul", x, mask3), axis1, keepdims=0)
    count = g.op("Max", g.op("ReduceSum", mask3, axis1, keepdims=0), g.const("tiny", 1e-9))
    mean = g.op("Div", summed, count)
    norm = g.op("Max", g.op("ReduceL2", mean, axes=[-1], keepdims=1), g.const("eps_norm", 1e-12))
    g.op("Div", mean, norm, out="sentence_embedding")

    batch_seq = ["batch", "sequence"]
    graph = helper.make_graph(
        g.nodes,
        "bert_sentence_encoder",
        [helper.make_tensor_value_info(n, TensorProto.INT64, batch_seq) for n in INPUT_NAMES],
        [
            helper.make_tensor_value_info("last_hidden_state", TensorProto.FLOAT, [*batch_seq, hidden]),
            helper.make_tensor_value_info("sentence_embedding", TensorProto.FLOAT, ["batch", hidden]),
        ],
        initializer=g.initializers,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="qa")
    model.ir_version = 8  # readable by any onnxruntime that supports opset 17
    return model
