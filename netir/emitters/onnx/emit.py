"""Lower a graph to an ``onnx.ModelProto`` straight from the IR (imports onnx).

Each node's lowering (:mod:`.lowerings`) reads the node's plan
(:func:`netir.ir.plan.graph_plan`) and returns the protos it adds. The emitter adds
each node's weights as initializers named ``<node>.<param>`` in the neutral layout
(which is ONNX's), each stored once; every other constant is a ``Constant`` node, so
the initializers are exactly the weights. The batch dimension is the symbolic ``batch``.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

import numpy as np
import onnx
from onnx import TensorProto, helper

from netir.emitters.onnx.lowerings import LOWERINGS
from netir.emitters.onnx.protos import (
    BATCH,
    BUFFER_DOC,
    PARAMETERS_KEY,
    TRAINABLE_DOC,
    param,
    set_float_tensor,
)
from netir.emitters.registry import prepare
from netir.emitters.tensorfile import validate_weights
from netir.ir.errors import NetIRError
from netir.ir.graph import Graph
from netir.ir.plan import NodePlan, graph_plan

# The newest opset onnxruntime 1.31 runs ("official support for domain ai.onnx is till
# opset 26") and the newest IR version it loads (13); a test keeps both honest.
DEFAULT_OPSET = 26
IR_VERSION = 13
# The oldest opset whose op signatures the lowerings use (ReduceMean takes axes as input).
MIN_OPSET = 18

Weights = dict[str, dict[str, np.ndarray]]


def _add_weights(model: onnx.ModelProto, plan: NodePlan, weights: Weights) -> None:
    """The node's weights (checked by ``validate_weights``) as initializers."""
    given = weights.get(plan.name, {})
    for name in {**plan.params, **plan.buffers}:
        tensor = model.graph.initializer.add()  # in place: large weights copied once
        set_float_tensor(tensor, param(plan, name), given[name])
        tensor.doc_string = TRAINABLE_DOC if name in plan.params else BUFFER_DOC


def to_onnx(graph: Graph, outputs: Sequence[str] | None = None, *,
            weights: Weights | None = None, opset: int = DEFAULT_OPSET,
            optimize: bool = False) -> onnx.ModelProto:
    """An ONNX model computing ``graph`` on inputs ``(batch, C, H, W)`` (or features).

    ``outputs`` (node names) picks what the model returns, default the graph's
    outputs. ``weights`` are neutral weights; without them the model holds
    :func:`~netir.emitters.weights.random_weights` (seed 0), so the same graph always
    gives the same bytes. ``opset`` is ``DEFAULT_OPSET`` (26) or any down to
    ``MIN_OPSET`` (18). Raises UnsupportedOpError for an op with no ONNX lowering and
    WeightsError for weights that do not fit the graph (as ``import_weights`` does).
    ``optimize=True`` lowers
    ``netir.optimize(graph, weights)`` (inference only: batch norm folded, dropout gone).
    """
    if not MIN_OPSET <= opset <= DEFAULT_OPSET:
        raise NetIRError(f"the ONNX emitter writes opsets {MIN_OPSET}..{DEFAULT_OPSET}",
                         opset, node=graph.name, op="onnx")
    graph, weights, names = prepare(graph, outputs, weights, optimize)
    if weights is None:
        from netir.emitters.weights import random_weights

        weights = random_weights(graph)
    weights = validate_weights(graph, weights)
    model, plans = onnx.ModelProto(), graph_plan(graph)
    for node in graph.nodes:
        for proto in LOWERINGS.lookup(node)(plans[node.name], list(node.inputs)):
            target = model.graph.node if isinstance(proto, onnx.NodeProto) else model.graph.input
            target.append(proto)
        _add_weights(model, plans[node.name], weights)
    model.graph.name = graph.name
    model.graph.output.extend(
        helper.make_tensor_value_info(n, TensorProto.FLOAT, [BATCH, *graph[n].shape])
        for n in names)
    model.ir_version = IR_VERSION
    model.opset_import.append(helper.make_opsetid("", opset))
    model.producer_name, model.producer_version = "netir", _version()
    dotted = {param(n, p): [n.name, p] for n in plans.values()
              for group in (n.params, n.buffers) for p in group if "." in p}
    if dotted:  # a parameter name with a dot (out_proj.weight): which node holds it
        helper.set_model_props(model, {PARAMETERS_KEY: json.dumps(dotted, sort_keys=True)})
    return model


def _version() -> str:
    from netir import __version__

    return __version__
