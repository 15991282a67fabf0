"""Lower a graph to an ``onnx.ModelProto`` straight from the IR (imports onnx).

Each IR node becomes one ONNX node of the same name whose output tensor also carries
that name; a lowering that needs helper nodes names them ``<node>/<step>``. Weights
are initializers named ``<node>.<param>`` in the neutral layout (which is ONNX's), each
stored once; every other constant is a ``Constant`` node, so the initializers are
exactly the weights. The batch dimension is the symbolic ``batch``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

from netir.emitters.registry import get_lowering, output_names
from netir.ir.errors import NetIRError
from netir.ir.graph import Graph
from netir.ir.node import Node

# The newest opset onnxruntime 1.31 runs ("official support for domain ai.onnx is till
# opset 26") and the newest IR version it loads (13). A test keeps both honest.
DEFAULT_OPSET = 26
IR_VERSION = 13
# The oldest opset whose op signatures the lowerings use (ReduceMean takes axes as an input).
MIN_OPSET = 18
BATCH = "batch"
# How an initializer says what it is: :func:`count_params` reads it back.
TRAINABLE_DOC, BUFFER_DOC = "netir trainable parameter", "netir buffer"

Weights = dict[str, dict[str, np.ndarray]]


class ModelBuilder:
    """The nodes, initializers and constants of one ONNX graph under construction."""

    def __init__(self, graph: Graph, weights: Weights) -> None:
        self.graph = graph
        self.weights = weights
        self.nodes: list[onnx.NodeProto] = []
        self.initializers: list[TensorProto] = []
        self.inputs: list[onnx.ValueInfoProto] = []

    def input(self, node: Node) -> str:
        """A graph input of shape ``(batch, *node.shape)`` named after the node."""
        self.inputs.append(_value_info(node.name, node.shape))
        return node.name

    def op(self, op_type: str, inputs: Sequence[str], name: str, **attrs: Any) -> str:
        """Append one ONNX node whose single output tensor is called ``name``."""
        self.nodes.append(helper.make_node(op_type, list(inputs), [name], name=name, **attrs))
        return name

    def const(self, name: str, value: np.ndarray) -> str:
        """A ``Constant`` node holding ``value`` (int64 or float32); returns its tensor."""
        tensor = numpy_helper.from_array(np.asarray(value), name)
        return self.op("Constant", [], name, value=tensor)

    def ints(self, name: str, values: Sequence[int]) -> str:
        return self.const(name, np.asarray(values, dtype=np.int64))

    def param(self, node: Node, name: str) -> str:
        """The initializer ``<node>.<name>``: the neutral weight, stored once."""
        key = f"{node.name}.{name}"
        trainable, buffers = self.graph.param_shapes(node)
        shape = {**trainable, **buffers}.get(name)
        if shape is None:
            raise NetIRError("the op declares no such parameter", repr(name), node=node.name,
                             op=node.op)
        value = self.weights.get(node.name, {}).get(name)
        if value is None:
            raise NetIRError("weights lack a parameter the graph has", repr(name),
                             node=node.name, op=node.op)
        if tuple(value.shape) != tuple(shape):
            raise NetIRError(f"shape of '{name}' differs from the graph's {tuple(shape)}",
                             tuple(value.shape), node=node.name, op=node.op)
        tensor = numpy_helper.from_array(np.ascontiguousarray(value, dtype=np.float32), key)
        tensor.doc_string = TRAINABLE_DOC if name in trainable else BUFFER_DOC
        self.initializers.append(tensor)
        return key


def _value_info(name: str, shape: Sequence[int]) -> onnx.ValueInfoProto:
    return helper.make_tensor_value_info(name, TensorProto.FLOAT, [BATCH, *shape])


def to_onnx(graph: Graph, outputs: Sequence[str] | None = None, *,
            weights: Weights | None = None, opset: int = DEFAULT_OPSET) -> onnx.ModelProto:
    """An ONNX model computing ``graph`` with inputs ``(batch, C, H, W)`` (or features).

    ``outputs`` (node names) picks what the model returns, default the graph's
    outputs. ``weights`` are neutral weights; without them the model holds
    :func:`~netir.emitters.weights.random_weights` (seed 0), so the same graph always
    gives the same bytes. ``opset`` is ``DEFAULT_OPSET`` (26) or any from ``MIN_OPSET``
    (18). Raises UnsupportedOpError for an op with no ONNX lowering and NetIRError for
    weights that do not fit the graph.
    """
    if not MIN_OPSET <= opset <= DEFAULT_OPSET:
        raise NetIRError(f"the ONNX emitter writes opsets {MIN_OPSET}..{DEFAULT_OPSET}",
                         opset, node=graph.name, op="onnx")
    if weights is None:
        from netir.emitters.weights import random_weights

        weights = random_weights(graph)
    names = output_names(graph, outputs)
    builder = ModelBuilder(graph, weights)
    for node in graph.nodes:
        produced = get_lowering(node, "onnx")(node, graph, builder, list(node.inputs))
        if produced != node.name:
            raise NetIRError("an ONNX lowering must produce the tensor named after its node",
                             produced, node=node.name, op=node.op)
    onnx_graph = helper.make_graph(
        builder.nodes, graph.name, builder.inputs,
        [_value_info(n, graph[n].shape) for n in names], builder.initializers)
    model = helper.make_model(onnx_graph, opset_imports=[helper.make_opsetid("", opset)],
                              ir_version=IR_VERSION, producer_name="netir",
                              producer_version=_version())
    return model


def _version() -> str:
    from netir import __version__

    return __version__
