"""Execute a graph node by node with the NumPy lowerings: the reference model.

A :class:`ReferenceModel` is a graph, its neutral weights (in the model's dtype) and the
nodes it returns. :func:`execute` runs it; nothing is compiled or cached, so what it
computes is exactly what the lowerings (:mod:`.lowerings`, one module per op family)
say.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from netir.emitters.reference.inputs import Inputs, Run
from netir.emitters.reference.lowerings import LOWERINGS
from netir.emitters.registry import output_names
from netir.ir.errors import NetIRError
from netir.ir.graph import Graph
from netir.ir.limits import check_memory
from netir.ir.node import Node
from netir.ir.plan import graph_plan, plan_of

Weights = dict[str, dict[str, np.ndarray]]
Visit = Callable[[Node, np.ndarray], np.ndarray]


@dataclass
class ReferenceModel:
    """A graph with neutral weights (PyTorch layout) held as ``dtype`` arrays.

    ``outputs`` are the node names :func:`execute` returns, in order.
    """

    graph: Graph
    weights: Weights
    dtype: np.dtype
    outputs: list[str]


def to_reference(graph: Graph, outputs: Sequence[str] | None = None,
                 dtype: np.dtype | type = np.float32, weights: Weights | None = None,
                 ) -> ReferenceModel:
    """A reference model of ``graph`` returning ``outputs`` (node names; the graph's
    outputs by default), in ``dtype`` (float32 or float64).

    Weights are ``weights`` (checked by :func:`import_weights`) or else drawn by
    :func:`netir.emitters.weights.random_weights` with seed 0. Raises GraphError for an
    unknown output name and UnsupportedOpError for an op without a reference lowering.
    """
    from netir.emitters.weights import random_weights

    dtype = np.dtype(dtype)
    if dtype not in (np.float32, np.float64):
        raise NetIRError("the reference backend runs in float32 or float64", str(dtype),
                         node="<reference>", op="dtype")
    for node in graph.nodes:
        LOWERINGS.lookup(node)
    check_memory(graph)  # ResourceError before any allocation
    model = ReferenceModel(graph, {}, dtype, output_names(graph, outputs))
    import_weights(model, random_weights(graph) if weights is None else weights)
    return model


def execute(model: ReferenceModel, inputs: Sequence[np.ndarray], *,
            outputs: Sequence[str] | None = None, run: Run | None = None,
            visit: Visit | None = None) -> list[np.ndarray]:
    """Run ``inputs`` (one channels-first array per graph input, batch first) through
    the model; returns the arrays of ``outputs`` (default: the model's).

    ``run`` selects training (batch norm then normalises with batch statistics, records
    them in ``run.batch_stats`` and updates the model's running statistics).
    ``visit(node, value)`` is called on each node's output in topological order and
    returns the value passed on (calibration uses it to rescale layers as it goes).
    Raises NetIRError when the inputs do not fit the graph.
    """
    graph, run = model.graph, run or Run()
    wanted = list(model.outputs if outputs is None else output_names(graph, outputs))
    feeds = _feeds(graph, inputs, model.dtype)
    plans = graph_plan(graph)
    remaining = _consumers(graph)
    values: dict[str, np.ndarray] = {}
    for node in graph.nodes:
        arrays = [values[i] for i in node.inputs] if node.inputs else [feeds[node.name]]
        value = LOWERINGS.lookup(node)(
            plans[node.name], Inputs(arrays, model.weights.get(node.name, {}), run))
        values[node.name] = value if visit is None else visit(node, value)
        for i in node.inputs:  # drop what no later node and no caller needs
            remaining[i] -= 1
            if remaining[i] == 0 and i not in wanted:
                del values[i]
    return [values[n] for n in wanted]


def apply(model: ReferenceModel, node: Node, arrays: Sequence[np.ndarray],
          run: Run | None = None) -> np.ndarray:
    """The reference lowering of one ``node`` of the model's graph on ``arrays`` (one
    per input of the node, batch first, in their own dtype), with the model's weights
    of the node: what the node computes from those values."""
    return LOWERINGS.lookup(node)(plan_of(model.graph, node),
                                  Inputs(arrays, model.weights.get(node.name, {}), run))


def _consumers(graph: Graph) -> dict[str, int]:
    count = {n.name: 0 for n in graph.nodes}
    for node in graph.nodes:
        for i in node.inputs:
            count[i] += 1
    return count


def _feeds(graph: Graph, inputs: Sequence[np.ndarray], dtype: np.dtype) -> dict:
    nodes = graph.inputs
    if isinstance(inputs, np.ndarray) or len(inputs) != len(nodes):
        got = "one array" if isinstance(inputs, np.ndarray) else f"{len(inputs)} arrays"
        raise NetIRError(f"the graph takes a list of {len(nodes)} input array(s)", got,
                         node=graph.name, op="reference")
    feeds = {}
    for node, x in zip(nodes, inputs):
        x = np.asarray(x)
        if x.ndim != len(node.shape) + 1 or tuple(x.shape[1:]) != tuple(node.shape):
            raise NetIRError(f"input must be (batch, {', '.join(map(str, node.shape))})",
                             tuple(x.shape), node=node.name, op=node.op)
        feeds[node.name] = x.astype(dtype, copy=False)
    return feeds


def export_weights(model: ReferenceModel) -> Weights:
    """A copy of the model's neutral weights, as float32 arrays."""
    return {n: {p: np.array(v, dtype=np.float32) for p, v in ps.items()}
            for n, ps in model.weights.items()}


def import_weights(model: ReferenceModel, weights: Weights) -> None:
    """Set the model's weights from the neutral layout, strictly (the reference
    backend's ``import_weights``: see :func:`netir.emitters.tensorfile.validate_weights`)."""
    from netir.emitters.registry import get_backend

    get_backend('reference').import_weights(model, weights)


def assign_weights(model: ReferenceModel, weights: Weights) -> None:
    """Hold checked neutral weights (float32, grouped by node), cast to the model's dtype."""
    model.weights = {n: {p: np.asarray(v, dtype=model.dtype) for p, v in ps.items()}
                     for n, ps in weights.items()}


def count_params(model: ReferenceModel) -> tuple[int, int]:
    """(trainable parameter elements, buffer elements) held by the model."""
    trainable = buffers = 0
    for node in model.graph.nodes:
        declared_trainable, _ = model.graph.param_shapes(node)
        for param, value in model.weights.get(node.name, {}).items():
            if param in declared_trainable:
                trainable += value.size
            else:
                buffers += value.size
    return trainable, buffers
