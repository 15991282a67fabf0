"""The op registry: each op declared once as an :class:`OpSpec`.

An op spec holds everything netir knows about an op: its typed attributes, its arity,
which attributes the builder takes positionally, pure shape and MACs rules, its
parameter declarations (:mod:`netir.ir.params`), whether it may run in place, its
category (renderers style by it) and how to draw valid attributes for property tests.
Backends derive weight layouts, initialisation and in-place execution from it. This
module and the backends' lowering tables are the only places that know op names.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from math import prod
from typing import Any

from netir.ir.attrs import Attr
from netir.ir.errors import AttributeValueError, NetIRError, ShapeError, UnknownOpError
from netir.ir.layout import LAYOUTS, TensorType, default_layout
from netir.ir.params import Param, param_shapes
from netir.ir.rewrites import NONE, Rewrites

Shape = tuple[int, ...]
Attrs = Mapping[str, Any]
ParamShapes = dict[str, Shape]

#: Categories an op may belong to; renderers style nodes by category.
CATEGORIES = ("io", "conv", "dense", "norm", "activation", "pool", "reshape", "merge",
              "regularization", "padding")


def _no_macs(attrs: Attrs, inputs: list[Shape], output: Shape) -> int:
    return 0


@dataclass(frozen=True)
class OpSpec:
    """The declaration of one op.

    ``shape(attrs, input_shapes) -> output_shape`` raises :class:`ShapeError` for inputs
    the op cannot take. ``resolve(attrs, input_shapes) -> attrs`` (optional) turns
    input-dependent attributes such as ``padding='same'`` into explicit values.
    ``parameters`` declares the op's weights (:class:`~netir.ir.params.Param`: name,
    role, neutral layout and shape rule, initializer); ``macs`` counts
    multiply-accumulates per sample; ``describe(attrs)`` gives the short label that
    tables and diagrams show.

    ``in_place``: the op may write its output over its first input (or, for a merge,
    one of its first two) when nothing else reads that input. ``overwritable``: the
    output is a new tensor that the op's own gradient does not read, so a consumer may
    overwrite it. ``draw_attrs(draw, st, input_shapes) -> attrs`` draws valid
    attributes with Hypothesis (``draw`` and ``st`` are Hypothesis' draw function and
    strategies module, passed in so that the IR does not import Hypothesis).
    ``rewrites`` holds the rules the inference passes may apply (:class:`Rewrites`).
    ``workspace(attrs, inputs, output) -> bytes`` (optional): what a backend's lowering
    allocates beyond the parameters and the output, such as an adaptive pool's averaging
    matrices; the memory guard (:mod:`netir.ir.limits`) counts it.
    ``operands(inputs) -> names`` (optional): the operands the op reads, given its
    inputs' names, where some default to others (multi-head attention's key and value).

    Traits, which code outside the op registry asks instead of the category (the
    category only styles drawings): ``graph_input``, the node is an input of the graph
    (``graph.inputs`` lists it); ``depth_layer``, the node counts as one layer of the
    graph's depth (convolutions, dense layers and the matrix products of attention).

    Layouts (:mod:`netir.ir.layout`): rules receive each input as a
    :class:`~netir.ir.layout.TensorType`, a shape that knows its layout. ``ranks``
    bounds the inputs' ranks and ``layouts`` (None: every layout of those ranks) their
    layouts. ``layout(attrs, inputs, output_shape) -> layout`` gives the output's; None
    keeps the first input's layout when the rank is kept, else the default layout of
    the output's rank.
    """

    name: str
    category: str
    doc: str
    attrs: tuple[Attr, ...] = ()
    arity: int | tuple[int, int | None] = 1
    positional: tuple[str, ...] = ()
    shape: Callable[[Attrs, list[Shape]], Shape] = lambda attrs, inputs: inputs[0]
    parameters: tuple[Param, ...] = ()
    macs: Callable[[Attrs, list[Shape], Shape], int] = _no_macs
    resolve: Callable[[Attrs, list[Shape]], dict[str, Any]] | None = None
    describe: Callable[[Attrs], str] | None = None
    ranks: tuple[int, ...] = (1, 3)
    layouts: tuple[str, ...] | None = None
    layout: Callable[[Attrs, list[TensorType], Shape], str] | None = None
    rewrites: Rewrites = NONE
    in_place: bool = False
    overwritable: bool = False
    draw_attrs: Callable[[Callable, Any, list[Shape]], dict[str, Any]] | None = None
    graph_input: bool = False
    depth_layer: bool = False
    workspace: Callable[[Attrs, list[TensorType], Shape], int] | None = None
    operands: Callable[[Sequence[str]], tuple[str, ...]] | None = None
    attr_index: dict[str, Attr] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attr_index", {a.name: a for a in self.attrs})
        if self.category not in CATEGORIES:
            raise NetIRError(f"category must be one of {CATEGORIES}", self.category,
                             node="<registry>", op=self.name)

    def accepts(self, layout: str) -> bool:
        """Whether an input of this layout is one the op takes."""
        return len(layout) in self.ranks and (self.layouts is None or layout in self.layouts)

    def check_inputs(self, inputs: list[TensorType]) -> None:
        """ShapeError for an input of a rank or layout the op does not take."""
        for s in inputs:
            if len(s) not in self.ranks:
                raise ShapeError(f"takes inputs of rank {' or '.join(map(str, self.ranks))}"
                                 " (batch excluded)", f"shape {tuple(s)}")
            if not self.accepts(s.layout):
                raise ShapeError(f"takes inputs of layout {' or '.join(self.layouts or ())}",
                                 f"shape {tuple(s)}, layout {s.layout}")

    def output_layout(self, attrs: Attrs, inputs: list[TensorType], output: Shape) -> str:
        """The output's layout (see the class doc); ShapeError for a rank no layout has."""
        if self.layout is not None:
            layout = self.layout(attrs, inputs, output)
        elif inputs and len(inputs[0]) == len(output):
            layout = inputs[0].layout
        elif any(len(x) == len(output) for x in LAYOUTS):
            layout = default_layout(len(output))
        else:
            raise ShapeError("tensors have rank 1 to 4 (batch excluded)", f"output {output}")
        if len(layout) != len(output):
            raise ShapeError("the output layout does not fit its shape",
                             f"layout {layout}, output {output}")
        return layout

    def label(self, attrs: Attrs) -> str:
        """A short human description with the key attributes: ``conv 3×3 /2, 64``."""
        return self.describe(attrs) if self.describe is not None else self.name

    @property
    def arity_range(self) -> tuple[int, int | None]:
        """``(min, max)`` inputs; max None means variadic."""
        return (self.arity, self.arity) if isinstance(self.arity, int) else self.arity

    def normalise_attrs(self, given: Mapping[str, Any]) -> dict[str, Any]:
        """Check every given attribute, fill defaults; raises AttributeValueError."""
        unknown = sorted(set(given) - set(self.attr_index))
        if unknown:
            hint = _did_you_mean(unknown[0], self.attr_index)
            raise AttributeValueError(f"unknown attribute '{unknown[0]}'{hint}; "
                                      f"'{self.name}' takes {list(self.attr_index)}",
                                      f"{unknown[0]}={given[unknown[0]]!r}")
        out = {}
        for a in self.attrs:
            if a.name in given:
                out[a.name] = a.type(a.name, given[a.name])
            elif a.required:
                raise AttributeValueError(f"missing required attribute '{a.name}'",
                                          dict(given))
            else:
                out[a.name] = a.type(a.name, a.default) if a.default is not None else None
        return out

    def params(self, attrs: Attrs, inputs: list[Shape]) -> tuple[ParamShapes, ParamShapes]:
        """``(trainable, buffers)`` as ``{name: shape}`` in the neutral (PyTorch) layout,
        from the parameter declarations; counters are not included."""
        return param_shapes(self.parameters, attrs, inputs)

    def count_params(self, attrs: Attrs, inputs: list[Shape]) -> tuple[int, int]:
        """(trainable, buffers) element counts."""
        trainable, buffers = self.params(attrs, inputs)
        return (sum(prod(s) for s in trainable.values()),
                sum(prod(s) for s in buffers.values()))


_REGISTRY: dict[str, OpSpec] = {}


def _did_you_mean(name: str, choices: Mapping[str, Any]) -> str:
    close = difflib.get_close_matches(name, list(choices), n=1)
    return f" (did you mean '{close[0]}'?)" if close else ""


def register_op(spec: OpSpec, *, replace: bool = False) -> OpSpec:
    """Add an op to the registry. A second op of the same name is an error, and so is a
    name that would hide a :class:`Graph` attribute (``output``, ``summary``...), since
    ``g.<op>(...)`` builds the op."""
    from netir.ir.graph import Graph

    if spec.name.startswith("_") or hasattr(Graph, spec.name):
        raise NetIRError("an op may not take the name of a Graph attribute", spec.name,
                         node="<registry>", op=spec.name)
    return _add(spec, replace)


def _add(spec: OpSpec, replace: bool) -> OpSpec:
    if spec.name in _REGISTRY and not replace:
        raise NetIRError("an op of this name is already registered", spec.name,
                         node="<registry>", op=spec.name)
    _REGISTRY[spec.name] = spec
    return spec


def get_op(name: str) -> OpSpec:
    """Look up an op; unknown names raise UnknownOpError with a suggestion."""
    if not isinstance(name, str):
        raise UnknownOpError("an op is named by a string; see netir.list_ops()",
                             f"{type(name).__name__} {name!r}"[:200], node="<registry>",
                             op="?")
    try:
        return _REGISTRY[name]
    except KeyError:
        raise UnknownOpError(f"unknown op{_did_you_mean(name, _REGISTRY)}; see "
                             "netir.list_ops()", repr(name), node="<registry>",
                             op=str(name)) from None


def list_ops() -> list[str]:
    """Names of every registered op, sorted."""
    return sorted(_REGISTRY)


def _register_builtins() -> None:
    from netir.ir.ops import BUILTIN_OPS

    for spec in BUILTIN_OPS:  # Graph is not importable yet; a test checks these names
        _add(spec, replace=False)


_register_builtins()
