"""Hypothesis strategies that draw netir graphs valid by construction, from the registry.

A graph grows over a pool of live tensors. Each step picks its first input anywhere
in the pool (so skips reach far back), a registered op that can take it, further
inputs among the tensors its shape rule accepts (fan-in up to 4, merges of merges),
and its attributes from the op's own ``draw_attrs`` for those input shapes. A new op
is drawn the day it is registered. Graphs have one or two inputs of any rank and layout (see
:mod:`netir.ir.layout`), and
every tensor nobody consumes is an output (declared with ``g.output`` when there are
several). Sizes stay small so an example runs in milliseconds on every backend.

    from hypothesis import given
    from netir.testing.strategies import graphs

    @given(graphs())
    def test_my_backend(graph): ...
"""

from __future__ import annotations

from math import prod
from typing import Any

from hypothesis import strategies as st

from netir.ir.errors import NetIRError
from netir.ir.graph import Graph
from netir.ir.node import Tensor
from netir.ir.ops import conv as conv_ops
from netir.ir.registry import OpSpec, get_op, list_ops

MAX_FAN_IN = 4
MAX_ELEMENTS = 2048  # per sample and node: a step that would exceed it is skipped


def _attrs(draw, spec: OpSpec, shapes: list[tuple[int, ...]]) -> dict[str, Any]:
    return spec.draw_attrs(draw, st, shapes) if spec.draw_attrs is not None else {}


def _output_shape(spec: OpSpec, attrs: dict[str, Any], shapes) -> tuple[int, ...] | None:
    """The output shape, or None where the shape rule refuses these inputs."""
    try:
        norm = spec.normalise_attrs(attrs)
        if spec.resolve is not None:
            norm = spec.resolve(norm, shapes)
        out = tuple(spec.shape(norm, shapes))
        spec.output_layout(norm, shapes, out)
        return out
    except NetIRError:
        return None


def _fits(spec: OpSpec, shapes) -> bool:
    """Whether the op takes ``shapes``; a list shorter than the op's least arity is
    judged completed by its last shape repeated (attention's key as its own value)."""
    shapes = [*shapes, *shapes[-1:] * (spec.arity_range[0] - len(shapes))]
    return all(spec.accepts(s.layout) for s in shapes) and _output_shape(spec, {}, shapes)


def _inputs(draw, spec: OpSpec, pool: list[Tensor], first: Tensor) -> list[Tensor] | None:
    """``first`` and partners the op's shape rule accepts with it; None when the pool
    holds too few (a matmul whose first input has no tensor of a matching size)."""
    lo, hi = spec.arity_range
    inputs = [first]
    want = draw(st.integers(lo, min(hi if hi is not None else MAX_FAN_IN, MAX_FAN_IN)))
    while len(inputs) < want:
        shapes = [t.node.type for t in inputs]
        partners = [t for t in pool if _fits(spec, [*shapes, t.node.type])]
        if not partners:
            return inputs if len(inputs) >= lo else None
        inputs.append(draw(st.sampled_from(partners)))
    return inputs


@st.composite
def drawn_graphs(draw, max_nodes: int = 10, max_inputs: int = 2, chain: bool = False,
                 ) -> tuple[Graph, list[tuple[str, dict]]]:
    """A random valid graph with 1..``max_inputs`` inputs and, per node, the attributes
    as drawn (before the builder normalises them: integer and pair paddings, 'same',
    None strides). With ``chain``, each node reads the previous one first (other inputs
    of a merge still come from anywhere), so the graph has a single output."""
    g = Graph("hypothesis")
    drawn: list[tuple[str, dict]] = []
    input_spec = get_op("input")
    pool: list[Tensor] = []
    for _ in range(draw(st.integers(1, max_inputs))):
        attrs = _attrs(draw, input_spec, [])
        pool.append(g.input(**attrs))
        drawn.append((pool[-1].name, attrs))
    unused = [t.name for t in pool]
    ops = [get_op(name) for name in list_ops() if get_op(name).arity_range[0] > 0]
    steps = draw(st.integers(1, max_nodes))
    for step in range(4 * max_nodes):
        if step >= steps and not unused:
            break
        # each graph input feeds the first steps, so that every input is used
        candidates = ([t for t in pool if t.name == unused[0]] if unused
                      else [pool[-1]] if chain else pool)
        first = draw(st.sampled_from(candidates))
        spec = draw(st.sampled_from([s for s in ops if s.accepts(first.layout)]))
        inputs = _inputs(draw, spec, pool, first)
        if inputs is None:
            continue
        shapes = [t.node.type for t in inputs]
        attrs = _attrs(draw, spec, shapes)
        out = _output_shape(spec, attrs, shapes)
        if out is None or prod(out) > MAX_ELEMENTS:
            continue
        pool.append(g.add_node(spec.name, inputs, attrs=attrs))
        drawn.append((pool[-1].name, attrs))
        if unused and first.name == unused[0]:
            unused.pop(0)
    if len(sinks := g.outputs) > 1:  # several outputs are declared, as users must
        g.output(*[n.name for n in sinks])
    return g, drawn


def graphs(max_nodes: int = 10, max_inputs: int = 2, chain: bool = False,
           ) -> st.SearchStrategy[Graph]:
    """Random valid graphs over every registered op (see the module docstring and
    :func:`drawn_graphs`)."""
    return drawn_graphs(max_nodes, max_inputs, chain).map(lambda pair: pair[0])


# Building blocks for strategies that compose their own graphs (netir.testing.motifs),
# drawn from the op specs like everything above.
MAX_CHANNELS = conv_ops.MAX_CHANNELS


@st.composite
def conv_attrs(draw, shape: tuple[int, ...]) -> dict[str, Any]:
    """Valid ``conv2d`` attributes for an input of ``shape`` (the op's own draw_attrs)."""
    return _attrs(draw, get_op("conv2d"), [shape])


@st.composite
def pool_attrs(draw, shape: tuple[int, ...], average: bool) -> dict[str, Any]:
    """Valid max or average pool attributes for an input of ``shape``."""
    return _attrs(draw, get_op("avg_pool2d" if average else "max_pool2d"), [shape])


def _spatial_step(g: Graph, x: Tensor, draw) -> Tensor:
    """One registered single-input op on a (C, H, W) tensor that keeps it (C, H, W);
    ``x`` itself when the drawn op would leave that form or grow too large."""
    ops = [get_op(n) for n in list_ops()]
    spec = draw(st.sampled_from([s for s in ops if s.arity_range == (1, 1)
                                 and s.accepts(x.layout)]))
    attrs = _attrs(draw, spec, [x.node.type])
    out = _output_shape(spec, attrs, [x.node.type])
    if out is None or len(out) != 3 or prod(out) > MAX_ELEMENTS:
        return x
    return g.add_node(spec.name, [x], attrs=attrs)
