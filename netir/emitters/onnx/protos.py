"""Building blocks of an ONNX graph (imports onnx).

A lowering returns the protos one IR node adds: ``NodeProto`` s, the last of which has
the node's name and writes the tensor of that name (helper nodes are named
``<node>/<step>``), or, for a graph input, its ``ValueInfoProto``. Weights are referred
to by their initializer names, ``<node>.<param>``. Functions that take ``node`` read its
``name`` only, so a node or its :class:`~netir.ir.plan.NodePlan` will do.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from netir.ir.plan import NodePlan

BATCH = "batch"
# How an initializer says what it is; count_params reads it back.
TRAINABLE_DOC, BUFFER_DOC = "netir trainable parameter", "netir buffer"
#: Model metadata naming the (node, param) of initializers whose param name holds a dot.
PARAMETERS_KEY = "netir.parameters"
#: How a node's doc string starts where it notes IR attributes (:func:`note`).
NOTE = "netir "


def op(op_type: str, inputs: Sequence[str], name: str, **attrs: Any) -> onnx.NodeProto:
    """One ONNX node named ``name`` whose single output tensor is also ``name``."""
    return helper.make_node(op_type, list(inputs), [name], name=name, **attrs)


def const(name: str, value) -> onnx.NodeProto:
    """A ``Constant`` node (and tensor) ``name`` holding ``value`` with its dtype."""
    return op("Constant", [], name, value=numpy_helper.from_array(np.asarray(value), name))


def ints(name: str, values: Sequence[int]) -> onnx.NodeProto:
    """A 1-D int64 ``Constant``: pads, axes."""
    return const(name, np.asarray(values, dtype=np.int64))


def one_node(op_type: str, **attrs: Any):
    """The lowering of an op that is one ONNX node of ``op_type`` on the same inputs."""
    return lambda plan, inputs: [op(op_type, inputs, plan.name, **attrs)]


def param(node, name: str) -> str:
    """The initializer holding parameter ``name`` of ``node``: ``<node>.<name>``."""
    return f"{node.name}.{name}"


def graph_input(plan: NodePlan) -> onnx.ValueInfoProto:
    """A graph input of shape ``(batch, *output)`` named after the node, its axes
    denoted as ONNX defines (batch, channel, feature: the layout, for netir.from_onnx)."""
    value = helper.make_tensor_value_info(plan.name, TensorProto.FLOAT, [BATCH, *plan.output])
    for i, dim in enumerate(value.type.tensor_type.shape.dim):
        dim.denotation = "DATA_BATCH" if i == 0 else \
            "DATA_CHANNEL" if i == plan.feature_axis else "DATA_FEATURE"
    return value


def note(node: onnx.NodeProto, **attrs: Any) -> onnx.NodeProto:
    """``node`` with the IR attributes its ONNX form cannot hold in its doc string
    (``netir {json}``), for netir.from_onnx; no runtime reads it."""
    node.doc_string = f"{NOTE}{json.dumps(attrs, sort_keys=True)}"
    return node


def set_float_tensor(tensor: TensorProto, name: str, value: np.ndarray) -> None:
    """Fill ``tensor`` in place with ``value`` as little-endian float32 raw data."""
    tensor.name = name
    tensor.data_type = TensorProto.FLOAT
    del tensor.dims[:]
    tensor.dims.extend(np.shape(value))
    tensor.raw_data = np.ascontiguousarray(value, dtype="<f4").tobytes()
