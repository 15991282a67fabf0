"""Hypothesis strategies for graphs full of what the inference passes rewrite.

:func:`optimizable_graphs` mixes the generic steps of :mod:`netir.testing.strategies`
with motifs each pass looks for, and with the near misses it must leave alone:

- conv or dense then batch norm, sometimes with a dropout between, sometimes with a
  second reader of the conv (must not fold);
- a zero pad before a conv (folds), before a max pool (must not), read twice (must not);
- flatten of a flatten; a branch nothing reads (dead) next to explicit outputs.

Every example is valid by construction, like the strategies it builds on.
"""

from __future__ import annotations

from hypothesis import strategies as st

from netir.ir.graph import Graph
from netir.ir.node import Tensor
from netir.testing.strategies import MAX_CHANNELS, _spatial_step, conv_attrs, pool_attrs

MOTIFS = ("conv_bn", "conv_dropout_bn", "conv_bn_shared", "pad_conv", "pad_max_pool",
          "pad_shared", "dead_branch", "step")


def _pads(draw) -> tuple[tuple[int, int], tuple[int, int]]:
    return tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in range(2))


def _bn(g: Graph, x: Tensor, draw) -> Tensor:
    return g.batch_norm(x, eps=draw(st.sampled_from([1e-5, 1e-3, 0.1])))


def _motif(g: Graph, x: Tensor, draw, dead: list[Tensor]) -> Tensor:
    kind = draw(st.sampled_from(MOTIFS))
    if kind == "step":
        return _spatial_step(g, x, draw)
    if kind == "dead_branch":
        dead.append(g.relu(g.conv2d(x, draw(st.integers(1, 4)), 1)))
        return x
    if kind.startswith("pad"):
        padded = g.zero_pad2d(x, _pads(draw))
        if kind == "pad_max_pool":
            return g.max_pool2d(padded, **draw(pool_attrs(padded.shape, False)))
        if kind == "pad_shared":  # a second reader of the pad: nothing may fold
            return g.concat(g.conv2d(padded, draw(st.integers(1, 4)), 1), padded)
        return g.conv2d(padded, **draw(conv_attrs(padded.shape)))
    y = g.conv2d(x, **draw(conv_attrs(x.shape)))
    if kind == "conv_dropout_bn":
        y = g.dropout(y, draw(st.sampled_from([0.0, 0.5])))
    bn = _bn(g, y, draw)
    if kind == "conv_bn_shared":  # the conv is read twice: the batch norm must stay
        return g.add(bn, g.relu(y))
    return bn


def _head(g: Graph, x: Tensor, draw) -> Tensor:
    x = g.flatten(x)
    if draw(st.booleans()):
        x = g.flatten(x)
    x = g.dense(x, draw(st.integers(1, 12)), bias=draw(st.booleans()))
    if draw(st.booleans()):
        x = g.dropout(x, 0.5)
    if draw(st.booleans()):
        x = _bn(g, x, draw)
    if draw(st.booleans()):
        x = g.dense(g.relu(x), draw(st.integers(1, 6)))
    return x


@st.composite
def optimizable_graphs(draw, max_motifs: int = 5) -> Graph:
    """A random valid graph built mostly from the passes' motifs and near misses, with
    explicit outputs (the head, and sometimes an inner node as a second output)."""
    g = Graph("optimizable")
    c = draw(st.integers(1, 4))
    h, w = draw(st.integers(4, 10)), draw(st.integers(4, 10))
    x = g.input((c, h, w))
    dead: list[Tensor] = []
    inner: list[Tensor] = []
    for _ in range(draw(st.integers(1, max_motifs))):
        if x.shape[0] > 16:
            x = g.conv2d(x, draw(st.integers(1, MAX_CHANNELS)), 1)
        x = _motif(g, x, draw, dead)
        inner.append(x)
    outputs = [_head(g, x, draw) if draw(st.booleans()) else x]
    if draw(st.booleans()):
        extra = draw(st.sampled_from(inner))
        if extra.name != outputs[0].name:
            outputs.append(extra)
    g.output(*outputs)
    return g
