"""Walk an ONNX graph and build the IR graph, one table entry per unit.

A *unit* is what one IR op became: the ONNX backend names the last node of a lowering
after the IR node (its output tensor has the same name) and its helper nodes
``<node>/<step>`` (netir/emitters/onnx/protos.py), so those nodes are read back
together; any other node is a unit of its own, and :mod:`.fold` joins the few
patterns of other exporters that mean one IR op. The loop knows no op: it looks each
unit up in the table by ``(op_type, steps)`` and the opset, checks the IR output
shape against ONNX shape inference, and collects every unit the IR cannot express to
raise them together.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import onnx
from onnx import helper, numpy_helper

from netir.ir.errors import NetIRError, ShapeError
from netir.ir.graph import Graph
from netir.ir.node import Tensor

NOTE = "netir "  # how netir/emitters/onnx/protos.py notes IR attributes in a doc string


class Unsupported(Exception):
    """Raised by a table entry: what the IR lacks for this unit."""


class NoMatch(Exception):
    """Raised by a table entry that does not apply to this unit: the next one is tried."""


@dataclass(frozen=True)
class Problem:
    """One ONNX node the IR cannot express."""

    op_type: str
    name: str
    lacks: str

    def __str__(self) -> str:
        return f"{self.name}: {self.op_type}: {self.lacks}"


@dataclass
class Unit:
    """The head node (whose output is the unit's value) and its helpers by step name."""

    head: onnx.NodeProto
    steps: dict[str, onnx.NodeProto] = field(default_factory=dict)

    @property
    def signature(self) -> tuple[str, ...]:
        return tuple(sorted(self.steps))

    @property
    def label(self) -> str:
        return self.head.name or self.head.output[0]

    def attr(self, name: str, default=None, node: onnx.NodeProto | None = None):
        """Attribute ``name`` of the head (or ``node``), decoded; ``default`` if absent."""
        for a in (node or self.head).attribute:
            if a.name == name:
                value = helper.get_attribute_value(a)
                return value.decode() if isinstance(value, bytes) else value
        return default

    def step(self, name: str) -> onnx.NodeProto:
        return self.steps[name]

    @property
    def notes(self) -> dict:
        """The IR attributes the ONNX backend noted in the head's doc string (netir
        {json}: what the ONNX node cannot hold), else {}."""
        doc = self.head.doc_string
        if not doc.startswith(NOTE) or len(doc) > 1000:
            return {}
        try:
            found = json.loads(doc[len(NOTE):])
        except ValueError:
            return {}
        return found if isinstance(found, dict) else {}


def float32(value) -> float:
    """The shortest decimal that is the same float32 as ``value``: the Python float an
    attribute was before the ONNX backend stored it as float32."""
    return float(repr(np.float32(value)).removeprefix("np.float32(").removesuffix(")"))


class Context:
    """What an entry works with: values by ONNX tensor name, and :meth:`add`."""

    def __init__(self, graph: Graph, opset: int, consts: dict[str, np.ndarray],
                 initializers: set[str]) -> None:
        self.graph = graph
        self.opset = opset
        self.consts = consts
        self.initializers = initializers
        self.values: dict[str, Tensor] = {}
        #: every value some node or the graph's outputs read
        self.read: set[str] = set()
        self.weights: dict[str, dict[str, np.ndarray]] = {}
        self.unit: Unit | None = None
        self.name = ""
        self._first = False

    def x(self, tensor: str) -> Tensor:
        """The IR tensor of ONNX tensor ``tensor`` (Unsupported for a constant)."""
        if tensor in self.values:
            return self.values[tensor]
        raise Unsupported(f"its input {tensor!r} is a constant where the IR takes a tensor")

    def is_const(self, tensor: str) -> bool:
        return tensor in self.consts

    def const(self, tensor: str) -> np.ndarray:
        """The value of a constant input (an initializer or a Constant node)."""
        if tensor not in self.consts:
            raise Unsupported(f"its input {tensor!r} is computed where the IR takes a "
                              f"constant")
        return self.consts[tensor]

    def extra_outputs_read(self) -> bool:
        """Whether anything reads the head's outputs after the first (a mask, indices,
        statistics): the IR's op gives only the first."""
        return any(o and o in self.read for o in self.unit.head.output[1:])

    def input(self, i: int, node: onnx.NodeProto | None = None) -> str:
        """Name of input ``i`` of the head (or ``node``), '' when absent."""
        inputs = (node or self.unit.head).input
        return inputs[i] if i < len(inputs) else ""

    def add(self, op: str, inputs, attrs=None, *, weights=None, role: str | None = None) -> Tensor:
        """An IR node of ``op``; the first of a unit takes the unit's name, the others
        ``<unit>_<role or op>``. ``weights``: its parameters, neutral layout."""
        if role is None and not self._first:
            self._first, name = True, self.name
        else:
            name = free_name(self.graph, f"{self.name}_{role or op}")
        out = self.graph.add_node(op, list(inputs), name=name, attrs=attrs)
        if weights is not None:
            self._take(out.name, weights)
        return out

    def _take(self, name: str, weights: dict) -> None:
        trainable, buffers = self.graph.param_shapes(name)
        out = {}
        for p, shape in {**trainable, **buffers}.items():
            if p not in weights:
                raise Unsupported(f"no value for the IR's parameter {p!r}")
            value = np.asarray(weights[p])
            if value.dtype != np.float32:
                value = value.astype(np.float32)
            if tuple(value.shape) != tuple(shape):
                if value.size != int(np.prod(shape)):
                    raise ShapeError(f"importer defect: the IR's parameter {p!r} has shape "
                                     f"{tuple(shape)}", tuple(value.shape), node=name,
                                     op=self.graph[name].op)
                value = value.reshape(shape)
            value = np.ascontiguousarray(value)
            # the user's arrays to keep: never a read-only view of the file's bytes
            out[p] = value if value.flags.writeable else value.copy()
        self.weights[name] = out


def free_name(graph: Graph, base: str) -> str:
    name, k = base, 1
    while name in graph:
        name, k = f"{base}_{k}", k + 1
    return name


def const_value(node: onnx.NodeProto) -> np.ndarray:
    """The value of a ``Constant`` node, whichever attribute holds it."""
    for a in node.attribute:
        value = helper.get_attribute_value(a)
        if a.name == "value":
            return numpy_helper.to_array(value)
        if a.name in ("value_float", "value_int"):
            return np.asarray(value, dtype=np.float32 if a.name == "value_float" else np.int64)
        if a.name in ("value_floats", "value_ints"):
            return np.asarray(value, dtype=np.float32 if a.name == "value_floats" else np.int64)
    raise Unsupported("a Constant holding no tensor the IR reads (sparse or string)")


def convert_units(ctx: Context, units: list[Unit], table, shapes: dict, problems: list,
                  name_of) -> None:
    """Convert each unit in order into ``ctx.graph``; ``shapes``: ONNX's inferred shape
    (batch first) of each value, checked against the IR's."""
    for unit in units:
        head = unit.head
        if any(t and t not in ctx.values and t not in ctx.consts for t in _external(unit)):
            continue  # it reads the output of a unit already reported
        ctx.unit, ctx.name, ctx._first = unit, name_of(unit), False
        try:
            for step in unit.steps.values():
                if step.op_type == "Constant":
                    ctx.consts[step.output[0]] = const_value(step)
            out = _apply(ctx, unit, table)
        except (Unsupported, NetIRError) as err:
            if isinstance(err, ShapeError) and "importer defect" in str(err):
                raise
            problems.append(Problem(head.op_type, unit.label, str(err)))
            continue
        if isinstance(out, np.ndarray):
            ctx.consts[head.output[0]] = out
            continue
        ctx.values[head.output[0]] = out
        real = shapes.get(head.output[0])
        if real is not None and all(isinstance(d, int) for d in real[1:]) and \
                tuple(real[1:]) != tuple(out.shape):
            raise ShapeError(f"importer defect: IR shape {out.shape} where ONNX shape "
                             f"inference gives {tuple(real[1:])} (batch first: {real})",
                             tuple(real), node=out.name, op=ctx.graph[out.name].op)


def _external(unit: Unit) -> list[str]:
    inside = {o for n in (unit.head, *unit.steps.values()) for o in n.output}
    return [t for n in (*unit.steps.values(), unit.head) for t in n.input if t not in inside]


def _apply(ctx: Context, unit: Unit, table):
    """The unit's value: a node of constants evaluated, else the first entry of its key
    that applies (Unsupported with every entry's reason where none does)."""
    if not unit.steps and unit.head.input and \
            all(not t or t in ctx.consts for t in unit.head.input):
        return table.evaluate(ctx, unit.head)
    candidates = table.lookup(unit.head.op_type, unit.signature, ctx.opset)
    if not candidates:
        raise Unsupported(f"no IR op for it (no entry in the import table for opset "
                          f"{ctx.opset})")
    reasons = []
    for entry in candidates:
        try:
            return entry(ctx, unit)
        except NoMatch as miss:
            reasons.append(str(miss))
    raise Unsupported("; ".join(r for r in reasons if r) or "no entry applies")
