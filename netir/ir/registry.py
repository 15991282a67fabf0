"""The op registry: each op declared once as an :class:`OpSpec`.

An op spec holds its typed attributes, its arity, which attributes the builder takes
positionally, and three pure rules: shape, parameters and MACs. This module and the
lowering tables are the only places that know op names.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from math import prod
from typing import Any

from netir.ir.attrs import Attr
from netir.ir.errors import AttributeValueError, NetIRError, UnknownOpError
from netir.ir.rewrites import NONE, Rewrites

Shape = tuple[int, ...]
Attrs = Mapping[str, Any]
ParamShapes = dict[str, Shape]

#: Categories an op may belong to; renderers style nodes by category.
CATEGORIES = ("io", "conv", "dense", "norm", "activation", "pool", "reshape", "merge",
              "regularization", "padding")


def _no_params(attrs: Attrs, inputs: list[Shape]) -> tuple[ParamShapes, ParamShapes]:
    return {}, {}


def _no_macs(attrs: Attrs, inputs: list[Shape], output: Shape) -> int:
    return 0


@dataclass(frozen=True)
class OpSpec:
    """The declaration of one op.

    ``shape(attrs, input_shapes) -> output_shape`` raises :class:`ShapeError` for inputs
    the op cannot take. ``resolve(attrs, input_shapes) -> attrs`` (optional) turns
    input-dependent attributes such as ``padding='same'`` into explicit values.
    ``params`` returns ``(trainable, buffers)`` as ``{name: shape}`` dicts in the
    neutral (PyTorch) layout; ``macs`` counts multiply-accumulates per sample;
    ``describe(attrs)`` gives the short label that tables and diagrams show;
    ``rewrites`` holds the rules the inference passes may apply (:class:`Rewrites`).
    """

    name: str
    category: str
    doc: str
    attrs: tuple[Attr, ...] = ()
    arity: int | tuple[int, int | None] = 1
    positional: tuple[str, ...] = ()
    shape: Callable[[Attrs, list[Shape]], Shape] = lambda attrs, inputs: inputs[0]
    params: Callable[[Attrs, list[Shape]], tuple[ParamShapes, ParamShapes]] = _no_params
    macs: Callable[[Attrs, list[Shape], Shape], int] = _no_macs
    resolve: Callable[[Attrs, list[Shape]], dict[str, Any]] | None = None
    describe: Callable[[Attrs], str] | None = None
    ranks: tuple[int, ...] = (1, 3)
    rewrites: Rewrites = NONE
    attr_index: dict[str, Attr] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "attr_index", {a.name: a for a in self.attrs})
        if self.category not in CATEGORIES:
            raise NetIRError(f"category must be one of {CATEGORIES}", self.category,
                             node="<registry>", op=self.name)

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
    """Add an op to the registry; a second op of the same name is an error."""
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

    for spec in BUILTIN_OPS:
        register_op(spec)


_register_builtins()
