"""Lower a graph to a functional ``keras.Model`` (channels last) and move its weights."""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from netir.emitters.keras3.lowerings import LOWERINGS
from netir.emitters.keras3.names import layer_name, node_name
from netir.emitters.registry import output_names
from netir.ir.errors import NetIRError
from netir.ir.graph import Graph


def to_keras(graph: Graph, outputs: Sequence[str] | None = None, *, optimize: bool = False,
             weights: dict[str, dict] | None = None) -> keras.Model:
    """A functional Keras model computing ``graph`` with the IR's exact semantics.

    Inputs are NHWC (or N×features); outputs likewise. Weighted layers are named after
    their nodes. Raises UnsupportedOpError for an op with no Keras lowering.
    ``optimize=True`` emits ``netir.optimize(graph, weights)`` (inference only: batch
    norm folded, dropout gone); ``weights`` (neutral, for ``graph``) are then loaded.
    """
    if optimize:
        from netir.ir.passes import optimize as optimize_graph

        graph, weights = optimize_graph(graph, weights, keep=outputs or ())
    env = {}
    for node in graph.nodes:
        env[node.name] = LOWERINGS.lookup(node)(node, graph, [env[i] for i in node.inputs])
    names = output_names(graph, outputs)
    ins = [env[n.name] for n in graph.inputs]
    outs = [env[n] for n in names]
    model = keras.Model(ins[0] if len(ins) == 1 else ins,
                        outs[0] if len(outs) == 1 else outs, name=layer_name(graph.name))
    if weights is not None:
        import_weights(model, weights)
    return model


# Keras variable name -> (neutral name, Keras->neutral, neutral->Keras), per layer kind.
def _conv_kernel(k):
    return np.transpose(k, (3, 2, 0, 1))  # HWIO -> OIHW


def _conv_kernel_back(w):
    return np.transpose(w, (2, 3, 1, 0))  # OIHW -> HWIO


_SAME = (lambda v: v, lambda v: v)
LAYOUTS: dict[type, dict[str, tuple]] = {
    keras.layers.Conv2D: {"kernel": ("weight", _conv_kernel, _conv_kernel_back),
                          "bias": ("bias", *_SAME)},
    keras.layers.Dense: {"kernel": ("weight", np.transpose, np.transpose),
                         "bias": ("bias", *_SAME)},
    keras.layers.BatchNormalization: {"gamma": ("weight", *_SAME), "beta": ("bias", *_SAME),
                                      "moving_mean": ("running_mean", *_SAME),
                                      "moving_variance": ("running_var", *_SAME)},
}


def _layout(layer) -> dict[str, tuple]:
    for cls in type(layer).__mro__:
        if cls in LAYOUTS:
            return LAYOUTS[cls]
    raise NetIRError("no neutral weight layout for this Keras layer type",
                     type(layer).__name__, node=layer.name, op="weights")


def _var_name(v) -> str:
    return v.path.rpartition("/")[2] if hasattr(v, "path") else v.name.split(":")[0]


def export_weights(model: keras.Model) -> dict[str, dict]:
    """``{layer name: {param: array}}`` in the neutral (PyTorch) layout."""
    out: dict[str, dict] = {}
    for layer in model.layers:
        if not layer.weights:
            continue
        layout = _layout(layer)
        for v in layer.weights:
            neutral, to_neutral, _ = layout[_var_name(v)]
            out.setdefault(node_name(layer.name), {})[neutral] = np.ascontiguousarray(
                to_neutral(keras.ops.convert_to_numpy(v)))
    return out


def import_weights(model: keras.Model, weights: dict[str, dict]) -> None:
    """Assign neutral weights to the layers of the same names (strict: every layer,
    every variable, exact shapes)."""
    seen = set()
    for layer in model.layers:
        if not layer.weights:
            continue
        node = node_name(layer.name)
        if node not in weights:
            raise NetIRError("weights lack this layer", layer.name, node=node, op="weights")
        seen.add(node)
        layout, given = _layout(layer), weights[node]
        for v in layer.weights:
            neutral, _, to_keras_layout = layout[_var_name(v)]
            if neutral not in given:
                raise NetIRError(f"weights lack '{neutral}'", sorted(given), node=node,
                                 op="weights")
            value = to_keras_layout(np.asarray(given[neutral]))
            if tuple(value.shape) != tuple(v.shape):
                raise NetIRError(f"shape of '{neutral}' does not fit the layer",
                                 f"{tuple(np.asarray(given[neutral]).shape)}", node=node,
                                 op="weights")
            v.assign(value.astype(v.dtype))
    extra = sorted(set(weights) - seen)
    if extra:
        raise NetIRError("the model has no layer of this name", extra[0], node=extra[0],
                         op="weights")


def count_params(model: keras.Model) -> tuple[int, int]:
    """(trainable weights, non-trainable weights) element counts."""
    def size(ws):
        return int(sum(np.prod(w.shape) for w in ws))

    return size(model.trainable_weights), size(model.non_trainable_weights)
