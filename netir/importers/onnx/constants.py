"""Nodes of constants only, evaluated once by ONNX's reference runtime (a shape, a
weight reshaped, a model zoo's ConstantOfShape weights), after a bound on what they
make: the ops whose output can be far larger than their inputs are bounded by their
arguments (:data:`BOUNDS`), any other by its inputs' size."""

from __future__ import annotations

import numpy as np
import onnx
from onnx import helper

from netir.importers.onnx.walk import Unsupported

#: the most elements a node of constants may make when the importer evaluates it
MAX_FOLDED = 2**28


def _shape_of(inputs):
    return int(np.prod(inputs[0].astype(object)))


def _expanded(inputs):
    return int(np.prod(np.broadcast_shapes(inputs[0].shape, tuple(int(v) for v in inputs[1])),
                       dtype=object))


def _tiled(inputs):
    return int(np.prod(np.asarray(inputs[0].shape, dtype=object) * inputs[1].astype(object)))


def _range(inputs):
    start, limit, delta = (float(v) for v in inputs[:3])
    return int(max(np.ceil((limit - start) / delta), 0)) if delta else 2**63


#: op type -> the bound of its output's elements from its constant inputs
BOUNDS = {"ConstantOfShape": _shape_of, "Expand": _expanded, "Tile": _tiled,
          "Range": _range, "Resize": lambda inputs: 2**63, "Upsample": lambda inputs: 2**63}


def folded_size(node: onnx.NodeProto, inputs: list) -> int:
    """An upper bound of the elements a node of constants makes, before it runs."""
    bound = BOUNDS.get(node.op_type)
    if bound is None:
        return sum(int(v.size) for v in inputs if v is not None)
    try:
        return bound(inputs)
    except (ValueError, TypeError, OverflowError, IndexError, AttributeError):
        return 2**63


def evaluate(ctx, node: onnx.NodeProto) -> np.ndarray:
    """A node of constants only, evaluated once by ONNX's reference runtime."""
    from onnx.reference import ReferenceEvaluator

    feeds = {t: ctx.consts[t] for t in node.input if t}
    size = folded_size(node, [ctx.consts[t] if t else None for t in node.input])
    if size > MAX_FOLDED:
        raise Unsupported(f"a constant of {size:,} elements, over the limit of "
                          f"{MAX_FOLDED:,}")
    inputs = [helper.make_tensor_value_info(t, helper.np_dtype_to_tensor_dtype(v.dtype),
                                            v.shape) for t, v in feeds.items()]
    outputs = [helper.make_tensor_value_info(node.output[0], onnx.TensorProto.UNDEFINED, None)]
    model = helper.make_model(helper.make_graph([node], "fold", inputs, outputs),
                              opset_imports=[helper.make_opsetid("", ctx.opset)])
    try:
        return np.asarray(ReferenceEvaluator(model).run(None, feeds)[0])
    except Exception as e:  # noqa: BLE001 - whatever the reference runtime raises
        raise Unsupported(f"its constant inputs cannot be evaluated ({type(e).__name__})") \
            from None
