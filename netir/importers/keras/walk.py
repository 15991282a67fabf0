"""Walk a Keras 3 functional graph and build the IR graph, one table entry per layer.

The loop knows no layer: it looks each operation up in the table by its class,
hands the entry the operation and its converted arguments, checks every IR output
shape against Keras' (transposed to channels first), and collects every operation
with no entry, or that the IR cannot express, to raise them together.
"""

from __future__ import annotations

from dataclasses import dataclass

import keras
import numpy as np

from netir.ir.errors import NetIRError, ShapeError
from netir.ir.graph import Graph
from netir.ir.layout import default_layout, features_last
from netir.ir.node import Tensor


class Unsupported(Exception):
    """Raised by a table entry: what the IR lacks for this layer."""


@dataclass(frozen=True)
class Problem:
    """One Keras operation the IR cannot express."""

    cls: str
    name: str
    lacks: str

    def __str__(self) -> str:
        return f"{self.name}: {self.cls}: {self.lacks}"


class Context:
    """What an entry works with: the graph being built and :meth:`add`."""

    def __init__(self, graph: Graph) -> None:
        self.graph = graph
        self.weights: dict[str, dict[str, np.ndarray]] = {}
        self.layer = None
        self._first = False

    def add(self, op: str, inputs, attrs=None, *, weights=None, role: str | None = None) -> Tensor:
        """An IR node of ``op``; the first of a layer takes the layer's name, the others
        ``<layer>_<role or op>``. ``weights``: its parameters, neutral layout."""
        if role is None and not self._first:
            self._first, name = True, self.layer.name
        else:
            name = self._free(f"{self.layer.name}_{role or op}")
        out = self.graph.add_node(op, list(inputs), name=name, attrs=attrs)
        if weights is not None:
            self._take(out.name, weights)
        return out

    def _free(self, base: str) -> str:
        name, k = base, 1
        while name in self.graph:
            name, k = f"{base}_{k}", k + 1
        return name

    def _take(self, name: str, weights: dict) -> None:
        trainable, buffers = self.graph.param_shapes(name)
        out = {}
        for p, shape in {**trainable, **buffers}.items():
            if p not in weights:
                continue  # a counter (num_batches_tracked): Keras keeps none
            value = np.ascontiguousarray(np.asarray(weights[p], dtype=np.float32))
            if tuple(value.shape) != tuple(shape):
                raise ShapeError(f"importer defect: the IR's parameter {p!r} has shape "
                                 f"{tuple(shape)}", tuple(value.shape), node=name,
                                 op=self.graph[name].op)
            out[p] = value
        self.weights[name] = out


def variable(v) -> np.ndarray:
    return keras.ops.convert_to_numpy(v)


def _keras_shape(t: Tensor) -> tuple[int, ...]:
    return tuple(t.shape[i] for i in features_last(t.layout))


def _inbound(model):
    """(operation, node) in topological order for the model's own nodes."""
    own = model._nodes
    for op in model.operations:
        for i, node in enumerate(op._inbound_nodes):
            if f"{id(op)}_ib-{i}" in own:
                yield op, node


def _map(value, values):
    if isinstance(value, keras.KerasTensor):
        return values.get(id(value))
    if isinstance(value, (list, tuple)):
        return type(value)(_map(v, values) for v in value)
    return value


def convert(model, table, name: str):
    """(graph, weights, problems) of the functional ``model``."""
    graph = Graph(name)
    ctx = Context(graph)
    values: dict[int, object] = {}
    problems: list[Problem] = []
    _walk(model, table, ctx, values, problems)
    if not problems:
        graph.output(*[values[id(t)] for t in model.outputs])
    return graph, ctx.weights, problems


def _walk(model, table, ctx: Context, values: dict, problems: list) -> None:
    """Convert ``model``'s operations into ``ctx.graph``; a nested model (a Sequential
    stem, a Functional block) is walked in place, its inputs bound to its arguments, so
    its layers become nodes of the one graph under their own names."""
    graph = ctx.graph
    for op, node in _inbound(model):
        cls = f"{type(op).__module__}.{type(op).__name__}"
        if isinstance(op, keras.layers.InputLayer):
            if id(node.outputs[0]) in values:  # a nested model's input, already bound
                continue
            ctx.layer, ctx._first = op, False
            shape = tuple(op.batch_shape[1:])
            layout = default_layout(len(shape))
            order = np.argsort(features_last(layout))
            values[id(node.outputs[0])] = graph.add_node(
                "input", [], name=op.name,
                attrs={"shape": tuple(shape[i] for i in order), "layout": layout})
            continue
        if any(id(t) not in values for t in node.arguments.keras_tensors):
            continue  # it reads the output of an operation already reported
        if isinstance(op, keras.Model):
            inner = getattr(op, "_functional", None) or op
            given = node.arguments.keras_tensors
            if len(given) != len(inner.inputs):
                problems.append(Problem(cls, op.name, f"a nested model called with "
                                        f"{len(given)} tensors for {len(inner.inputs)} inputs"))
                continue
            for own, outer in zip(inner.inputs, given):
                values[id(own)] = values[id(outer)]
            before = len(problems)
            _walk(inner, table, ctx, values, problems)
            if len(problems) == before:
                for own, outer in zip(inner.outputs, node.outputs):
                    values[id(outer)] = values[id(own)]
            continue
        ctx.layer, ctx._first = op, False
        args = _map(node.arguments.args, values)
        kwargs = _map(node.arguments.kwargs, values)
        entry = table.lookup(op)
        if entry is None:
            problems.append(Problem(cls, op.name, "no IR op for it (no entry in the "
                                    "import table)"))
            continue
        try:
            out = entry(ctx, op, *args, **kwargs)
        except (Unsupported, NetIRError) as err:
            problems.append(Problem(cls, op.name, str(err)))
            continue
        real = tuple(node.outputs[0].shape[1:])
        if _keras_shape(out) != real:
            raise ShapeError(f"importer defect: IR shape {out.shape} (layout {out.layout}) is "
                             f"{_keras_shape(out)} channels last where Keras gives {real}",
                             real, node=out.name, op=graph[out.name].op)
        values[id(node.outputs[0])] = out
