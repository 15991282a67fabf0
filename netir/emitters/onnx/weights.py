"""Neutral weights in and out of an ONNX model: its initializers ``<node>.<param>``.

ONNX's layout is the neutral one (conv OIHW, dense (out, in) under Gemm's transB), so
moving weights is renaming only.
"""

from __future__ import annotations

import json
from math import prod

import numpy as np
import onnx
from onnx import numpy_helper

from netir.emitters.onnx.protos import (
    BUFFER_DOC,
    PARAMETERS_KEY,
    TRAINABLE_DOC,
    set_float_tensor,
)

Weights = dict[str, dict[str, np.ndarray]]


def export_weights(model: onnx.ModelProto) -> Weights:
    """``{node: {param: array}}`` from the model's initializers (external data loaded);
    a parameter name with a dot is split as the model's metadata records."""
    recorded = {p.key: p.value for p in model.metadata_props}.get(PARAMETERS_KEY)
    dotted = json.loads(recorded) if recorded else {}
    out: Weights = {}
    for tensor in model.graph.initializer:
        node, param = dotted.get(tensor.name) or tensor.name.rpartition(".")[::2]
        out.setdefault(node, {})[param] = numpy_helper.to_array(tensor).copy()
    return out


def import_weights(model: onnx.ModelProto, weights: Weights) -> None:
    """Replace the initializers' values in place, strictly (the onnx backend's
    ``import_weights``: see :func:`netir.emitters.tensorfile.validate_weights`)."""
    from netir.emitters.registry import get_backend

    get_backend('onnx').import_weights(model, weights)


def declared_weights(model: onnx.ModelProto) -> dict[str, dict[str, tuple]]:
    """``{node: {param: shape}}`` of the model's initializers (it holds no graph)."""
    recorded = {p.key: p.value for p in model.metadata_props}.get(PARAMETERS_KEY)
    dotted = json.loads(recorded) if recorded else {}
    out: dict[str, dict[str, tuple]] = {}
    for tensor in model.graph.initializer:
        node, param = dotted.get(tensor.name) or tensor.name.rpartition(".")[::2]
        out.setdefault(node, {})[param] = tuple(tensor.dims)
    return out


def assign_weights(model: onnx.ModelProto, weights: Weights) -> None:
    """Write checked neutral weights (float32, grouped by node) into the initializers."""
    own = {t.name: t for t in model.graph.initializer}
    for node, params in weights.items():
        for param, value in params.items():
            key = f"{node}.{param}"
            set_float_tensor(own[key], key, value)


def count_params(model: onnx.ModelProto) -> tuple[int, int]:
    """(trainable parameters, buffers), as each initializer was declared by its op."""
    counts = {TRAINABLE_DOC: 0, BUFFER_DOC: 0}
    for tensor in model.graph.initializer:
        if tensor.doc_string in counts:
            counts[tensor.doc_string] += prod(tensor.dims)
    return counts[TRAINABLE_DOC], counts[BUFFER_DOC]
