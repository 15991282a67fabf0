"""Neutral weights in and out of an emitted Keras model, derived from the op specs.

A weighted layer is named after its node and holds the node's declared parameters
(:class:`netir.ir.params.Param`, counters excepted) in declaration order, each in
Keras' channels-last layout: a kernel's spatial axes first, then the others reversed
(neutral ``OIHW`` is Keras ``HWIO``, ``OIDHW`` is ``DHWIO``, ``OI`` is ``IO``, ``C``
stays ``C``).
"""

from __future__ import annotations

import keras
import numpy as np

from netir.emitters.keras3.names import node_name
from netir.ir.errors import NetIRError, WeightsError
from netir.ir.params import COUNTER, Param

_CHANNEL_PAIRS = ("OI", "IO")  # the leading axes of a kernel: convolution, transposed


def keras_layout(neutral: str) -> str:
    """A kernel's spatial axes first, whatever its rank, then its two channel axes
    reversed (``OIL`` -> ``LIO``, ``OIHW`` -> ``HWIO``, ``OIDHW`` -> ``DHWIO``, ``IOHW``
    -> ``HWOI``); any other layout reversed (``OI`` -> ``IO``, ``C`` stays ``C``)."""
    if len(neutral) > 2 and neutral[:2] in _CHANNEL_PAIRS:
        return neutral[2:] + neutral[1::-1]
    return neutral[::-1]


def to_keras_layout(value: np.ndarray, neutral: str) -> np.ndarray:
    return np.transpose(value, [neutral.index(a) for a in keras_layout(neutral)])


def to_neutral_layout(value: np.ndarray, neutral: str) -> np.ndarray:
    keras_axes = keras_layout(neutral)
    return np.transpose(value, [keras_axes.index(a) for a in neutral])


def model_graph(model: keras.Model):
    graph = getattr(model, "netir_graph", None)
    if graph is None:
        raise NetIRError("this Keras model carries no netir graph (emit it with netir, or "
                         "load it with the keras backend from a directory with graph.json)",
                         model.name, node=model.name, op="weights")
    return graph


def _declared(graph, layer) -> tuple[str, list[Param]]:
    """The node of a weighted layer and its parameters, in the order Keras holds them."""
    name = node_name(layer.name)
    if name not in graph:
        raise NetIRError("the model has a weighted layer that is no node of its graph",
                         layer.name, node=name, op="weights")
    node = graph[name]
    params = [p for p in node.spec.parameters if p.role != COUNTER and p.present(node.attrs)]
    if hasattr(layer, "netir_import"):  # the layer converts its own variables
        return name, params
    if len(params) != len(layer.weights):
        raise NetIRError(f"the layer holds {len(layer.weights)} variables but the op "
                         f"declares {[p.name for p in params]}", type(layer).__name__,
                         node=name, op=node.op)
    return name, params


def export_weights(model: keras.Model) -> dict[str, dict]:
    """``{node: {param: array}}`` in the neutral (PyTorch) layout."""
    graph = model_graph(model)
    out: dict[str, dict] = {}
    for layer in model.layers:
        if not layer.weights:
            continue
        name, params = _declared(graph, layer)
        if hasattr(layer, "netir_export"):
            out[name] = layer.netir_export()
            continue
        out[name] = {p.name: np.ascontiguousarray(
            to_neutral_layout(keras.ops.convert_to_numpy(v), p.layout))
            for p, v in zip(params, layer.weights)}
    return out


def import_weights(model: keras.Model, weights: dict[str, dict]) -> None:
    """Assign neutral weights to the layers of the same names, strictly (the keras
    backend's ``import_weights``: see :func:`netir.emitters.tensorfile.validate_weights`).
    Weights of graph nodes the model does not compute (outside the requested outputs'
    ancestry) are checked and then ignored, as the PyTorch side keeps such modules
    unused."""
    from netir.emitters.keras3.backend import BACKEND

    BACKEND.import_weights(model, weights)


def assign_weights(model: keras.Model, weights: dict[str, dict]) -> None:
    """Assign checked neutral weights (float32, grouped by node, the graph's exact
    shapes) to the model's weighted layers, each in Keras' layout."""
    graph = model_graph(model)
    for layer in model.layers:
        if not layer.weights:
            continue
        name, params = _declared(graph, layer)
        given = weights[name]
        if hasattr(layer, "netir_import"):  # the layer converts its own variables
            layer.netir_import(given)
            continue
        for p, v in zip(params, layer.weights):
            value = to_keras_layout(given[p.name], p.layout)
            if tuple(value.shape) != tuple(v.shape):  # the layer disagrees with its graph
                raise WeightsError(f"shape of '{p.name}' does not fit the layer "
                                   f"{tuple(v.shape)}", tuple(given[p.name].shape),
                                   node=name, op="weights")
            v.assign(np.ascontiguousarray(value, dtype=v.dtype))  # one copy, in Keras order
