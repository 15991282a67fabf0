"""ONNX lowerings of the feature-axis and token ops (netir/ir/ops/tokens.py); tensors
are in the logical order, as in PyTorch."""

from __future__ import annotations

from netir.emitters.onnx.lowerings import _lower
from netir.emitters.onnx.protos import ints, op, param


@_lower("layer_norm")
def _layer_norm(node, graph, inputs):
    """``LayerNormalization`` normalises trailing axes: features-first tensors are
    transposed to features last and back."""
    rank, axis = len(node.shape) + 1, node.layout.index("C") + 1
    params = [param(node, p) for p in ("weight", "bias")]
    if axis == rank - 1:
        return [op("LayerNormalization", [inputs[0], *params], node.name, axis=-1,
                   epsilon=node.attrs["eps"])]
    last = [0, *(i for i in range(1, rank) if i != axis), axis]
    back = [last.index(i) for i in range(rank)]
    moved, normed = f"{node.name}/features_last", f"{node.name}/normalised"
    return [op("Transpose", inputs, moved, perm=last),
            op("LayerNormalization", [moved, *params], normed, axis=-1,
               epsilon=node.attrs["eps"]),
            op("Transpose", [normed], node.name, perm=back)]


@_lower("to_tokens")
def _to_tokens(node, graph, inputs):
    t, c = node.shape
    flat = f"{node.name}/flat"
    return [ints(f"{node.name}/shape", [0, c, t]),
            op("Reshape", [inputs[0], f"{node.name}/shape"], flat),
            op("Transpose", [flat], node.name, perm=[0, 2, 1])]


@_lower("from_tokens")
def _from_tokens(node, graph, inputs):
    moved = f"{node.name}/features_first"
    return [op("Transpose", inputs, moved, perm=[0, 2, 1]),
            ints(f"{node.name}/shape", [0, *node.shape]),
            op("Reshape", [moved, f"{node.name}/shape"], node.name)]
