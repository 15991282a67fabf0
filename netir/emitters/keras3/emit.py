"""Lower a graph to a functional ``keras.Model`` (channels last)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import keras
import numpy as np

from netir.emitters.keras3.lowerings import LOWERINGS
from netir.emitters.keras3.names import layer_name, node_name
from netir.emitters.keras3.weights import import_weights
from netir.emitters.registry import prepare
from netir.ir.graph import Graph
from netir.ir.limits import ensure_recursion_limit
from netir.ir.plan import graph_plan


def to_keras(graph: Graph, outputs: Sequence[str] | None = None, *, optimize: bool = False,
             weights: dict[str, dict] | None = None) -> keras.Model:
    """A functional Keras model computing ``graph`` with the IR's exact semantics.

    Inputs are NHWC (or N×features); outputs likewise. Weighted layers are named after
    their nodes. Raises UnsupportedOpError for an op with no Keras lowering, GraphError
    (no outputs), ResourceError (the model would not fit in memory).
    ``optimize=True`` emits ``netir.optimize(graph, weights)`` (inference only: batch
    norm folded, dropout gone); ``weights`` (neutral, for ``graph``) are then loaded.
    """
    graph, weights, names = prepare(graph, outputs, weights, optimize)
    ensure_recursion_limit(4 * len(graph), "a graph of this many nodes (Keras walks "
                           "layer graphs recursively)")
    env, plans = {}, graph_plan(graph)
    for node in graph.nodes:
        env[node.name] = LOWERINGS.lookup(node)(plans[node.name], [env[i] for i in node.inputs])
    ins = [env[n.name] for n in graph.inputs]
    outs = [env[n] for n in names]
    model = keras.Model(ins[0] if len(ins) == 1 else ins, outs[0] if len(outs) == 1 else outs,
                        name=layer_name(graph.name))
    model.netir_graph = graph  # weights are read through the graph's op specs
    model.netir_layouts = ([n.layout for n in graph.inputs], [graph[n].layout for n in names])
    if weights is not None:
        import_weights(model, weights)
    return model


#: Keras' random initializers (their subclasses, Glorot, He and LeCun, included).
_RANDOM_INITIALIZERS = ("VarianceScaling", "RandomUniform", "RandomNormal",
                        "TruncatedNormal", "Orthogonal")


@contextmanager
def no_initial_weights() -> Iterator[None]:
    """Layers built here start from zeros instead of random draws, for weights that are
    imported straight after, strictly (every variable of every layer): drawing them is
    wasted, a second for VGG's 138M parameters and a tenth of building an
    EfficientNet."""
    classes = [getattr(keras.initializers, name) for name in _RANDOM_INITIALIZERS]
    saved = [cls.__dict__.get("__call__") for cls in classes]
    for cls in classes:
        cls.__call__ = _zeros
    try:
        yield
    finally:
        for cls, call in zip(classes, saved):
            if call is None:
                del cls.__call__
            else:
                cls.__call__ = call


def _zeros(self, shape, dtype=None):
    return keras.ops.zeros(shape, dtype=dtype)


def narrow(model: keras.Model, nodes: Sequence[str], outputs: Sequence[str]) -> keras.Model:
    """The model, emitted for ``nodes``, returning only ``outputs`` (a subset of
    ``nodes``): the same layers, not copies, as ``to_keras(graph, outputs)`` would
    build them."""
    graph = model.netir_graph
    index = {n: i for i, n in enumerate(nodes)}
    outs = [model.outputs[index[graph[n].name]] for n in outputs]
    inputs = model.inputs
    narrowed = keras.Model(inputs[0] if len(inputs) == 1 else inputs,
                           outs[0] if len(outs) == 1 else outs, name=model.name)
    narrowed.netir_graph = graph
    narrowed.netir_layouts = (model.netir_layouts[0], [graph[n].layout for n in outputs])
    return narrowed


def record_layouts(model: keras.Model, graph: Graph) -> None:
    """Record the logical layouts of a loaded model's inputs and outputs from its graph
    (the layers of a model's outputs are named after their nodes)."""
    outs = [node_name(t._keras_history.operation.name) for t in model.outputs]
    if all(n in graph for n in outs):
        model.netir_layouts = ([n.layout for n in graph.inputs], [graph[n].layout for n in outs])


def count_params(model: keras.Model) -> tuple[int, int]:
    """(trainable weights, non-trainable weights) element counts."""
    def size(ws):
        return int(sum(np.prod(w.shape) for w in ws))

    return size(model.trainable_weights), size(model.non_trainable_weights)
