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
from netir.emitters.tensorfile import normalise_weights
from netir.ir.errors import WeightsError

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
    """Replace the initializers' values in place; names and shapes must match (strict).
    Raises WeightsError naming the tensor, as every backend does (dtype policy in
    :mod:`netir.emitters.tensorfile`)."""
    weights = normalise_weights(weights)
    own = {t.name: t for t in model.graph.initializer}
    given = {f"{n}.{p}": v for n, ps in weights.items() for p, v in ps.items()}
    for key, value in given.items():
        node, _, param = key.rpartition(".")
        if key not in own:
            raise WeightsError("the model has no such parameter", param, node=node, op="weights")
        if tuple(own[key].dims) != tuple(np.shape(value)):
            raise WeightsError(f"shape of '{param}' differs from the model's "
                             f"{tuple(own[key].dims)}", tuple(np.shape(value)), node=node,
                             op="weights")
    missing = [k for k in own if k not in given]
    if missing:
        node, _, param = missing[0].rpartition(".")
        raise WeightsError("weights lack a parameter the model has",
                         f"{len(missing)} missing, first {param!r}", node=node, op="weights")
    for key, value in given.items():
        set_float_tensor(own[key], key, value)


def count_params(model: onnx.ModelProto) -> tuple[int, int]:
    """(trainable parameters, buffers), as each initializer was declared by its op."""
    counts = {TRAINABLE_DOC: 0, BUFFER_DOC: 0}
    for tensor in model.graph.initializer:
        if tensor.doc_string in counts:
            counts[tensor.doc_string] += prod(tensor.dims)
    return counts[TRAINABLE_DOC], counts[BUFFER_DOC]
