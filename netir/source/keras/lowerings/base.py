"""What the Keras source lowerings share: the layers a node becomes (:class:`Step`,
:class:`Layers`), constructor calls, explicit padding and the moves between Keras'
order (features last) and the logical one."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from netir.ir.layout import features_last
from netir.source.common import Code, Ctor


@dataclass(frozen=True)
class Step:
    """One layer: ``ctor`` called on ``call`` (``{0}`` ... the node's inputs, ``{p}`` the
    previous step's output, ``{sK}`` step K's; None: the inputs, or ``{p}`` after the
    first step); ``role`` None for the node's own layer, else a helper's."""

    ctor: Ctor
    role: str | None = None
    call: str | None = None


@dataclass(frozen=True)
class Layers:
    steps: tuple[Step, ...]
    helpers: tuple[str, ...] = ()


def build(callee: str, *args, **kwargs) -> Ctor:
    """``callee(*args, **kwargs)``; ``args`` are (hint, value) pairs."""
    return Ctor(callee, tuple(args), tuple(kwargs.items()))


def one(ctor: Ctor, helpers=(), call=None) -> Layers:
    return Layers((Step(ctor, None, call),), tuple(helpers))


def keras_lambda(function: str, *args, **kwargs) -> Ctor:
    """``layers.Lambda(lambda t: function(t, *args, **kwargs))``."""
    return build("layers.Lambda", ("function", build(f"lambda t: {function}", ("t", Code("t")),
                                                     *args, **kwargs)))


def input_of(graph, node):
    return graph.input_shapes(node)[0]


def pad_steps(pad, value: float = 0.0, role: str = "pad") -> tuple[Step, ...]:
    if not any(v for side in pad for v in side):
        return ()
    if value == 0.0:
        flat = {v for side in pad for v in side}
        return (Step(build(f"layers.ZeroPadding{len(pad)}D", ("padding", flat.pop() if len(
            flat) == 1 else tuple(pad))), role),)
    return (Step(build("ConstantPad", ("padding", tuple(pad)), ("value", value)), role),)


def to_logical(layout: str, role: str, call: str) -> tuple[Step, ...]:
    """A Permute of Keras' order to the logical order of ``layout``; none if they agree."""
    order = features_last(layout)
    if order == tuple(range(len(order))):
        return ()
    return (Step(build("layers.Permute", ("dims", tuple(int(i) + 1 for i in np.argsort(order)))),
                 role, call),)


def keras_axis(logical: int, layout: str) -> int:
    """A logical axis (batch excluded) as a Keras axis; the features are -1."""
    order = features_last(layout)
    physical = order.index(logical)
    return -1 if physical == len(order) - 1 else physical + 1


def in_keras_order(node, ctor: Ctor, call=None) -> tuple[Step, ...]:
    """``ctor`` (logical order) and a Permute to Keras' order, the node's name on the last."""
    order = features_last(node.layout)
    if order == tuple(range(len(order))):
        return (Step(ctor, None, call),)
    return (Step(ctor, "logical", call),
            Step(build("layers.Permute", ("dims", tuple(i + 1 for i in order)))))


def logical_inputs(node, graph) -> tuple[list[Step], str]:
    """Permutes of each input to its logical order, and the main step's call."""
    steps, refs = [], []
    for k, name in enumerate(node.inputs):
        step = to_logical(graph[name].layout, f"in{k}", f"{{{k}}}")
        refs.append(f"{{s{len(steps)}}}" if step else f"{{{k}}}")
        steps += step
    return steps, refs[0] if len(refs) == 1 else "[" + ", ".join(refs) + "]"
