"""Typed attribute declarations: the schema of an op's attributes.

An :class:`Attr` names its type (a normaliser that checks and canonicalises a value),
its default and a one-line doc. Normalisers raise :class:`AttributeValueError` without
a location; the graph adds the node and the op.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netir.ir.errors import AttributeValueError
from netir.ir.names import short_repr

REQUIRED = object()  # sentinel: the attribute has no default


@dataclass(frozen=True)
class AttrType:
    """A named normaliser: ``normalise(name, value) -> canonical value``.

    ``name`` says what it accepts, ranges included (``netir ops`` shows it);
    ``annotation`` is the Python type the builder accepts (the generated stub uses it).
    """

    name: str
    normalise: Callable[[str, Any], Any]
    annotation: str = "Any"

    def __call__(self, name: str, value: Any) -> Any:
        return self.normalise(name, value)


@dataclass(frozen=True)
class Attr:
    """One attribute of an op: name, type, default (or REQUIRED) and doc; ``axis`` says
    whether it names logical axes (``"axis"``: an axis, a tuple of axes or None for the
    feature axis; ``"permutation"``: every axis, reordered), which the node plan gives
    batch first (:func:`netir.ir.plan.batch_first`)."""

    name: str
    type: AttrType
    default: Any = REQUIRED
    doc: str = ""
    axis: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


MAX_INT = 2**31 - 1
"""The largest integer an attribute or shape may hold: frameworks size tensors and
kernels with 32-bit integers, and no layer of a real network comes near it."""


def _scalar_kind(v: Any) -> str | None:
    """'b' (bool), 'i' (integer), 'f' (real) or None for one scalar value.

    Python scalars, NumPy scalars and 0-d arrays, and 0-d tensors of any framework
    (anything with ``dtype`` and ``ndim == 0``/``dim() == 0``) are accepted alike.
    """
    if isinstance(v, bool):
        return "b"
    if isinstance(v, int):
        return "i"
    if isinstance(v, float):
        return "f"
    dtype = getattr(v, "dtype", None)
    if dtype is None or isinstance(v, (str, bytes)):
        return None
    ndim = getattr(v, "ndim", None)
    if ndim is None or callable(ndim):
        return None
    if ndim != 0:
        return None
    kind = getattr(dtype, "kind", None)  # numpy
    if kind is None:  # torch and others: classify through the dtype's name
        text = str(dtype).rpartition(".")[2]
        kind = ("b" if text == "bool" else "f" if text.startswith(("float", "bfloat", "half",
                                                                    "double"))
                else "i" if text.startswith(("int", "uint", "long", "short")) else None)
    return {"b": "b", "i": "i", "u": "i", "f": "f"}.get(kind)


def _is_int(v: Any) -> bool:
    return _scalar_kind(v) == "i"


def _int(name: str, v: Any, minimum: int, maximum: int = MAX_INT) -> int:
    if not _is_int(v):
        raise AttributeValueError(f"attribute '{name}' must be an integer (a bool is not)",
                                  short_repr(v))
    v = int(v)
    if v < minimum:
        raise AttributeValueError(f"attribute '{name}' must be >= {minimum}", short_repr(v))
    if v > maximum:
        raise AttributeValueError(f"attribute '{name}' must be <= {maximum}",
                                  short_repr(v))
    return v


def integer(minimum: int = 1) -> AttrType:
    """An int >= minimum."""
    return AttrType(f"int>={minimum}", lambda n, v: _int(n, v, minimum), "int")


def optional_integer(minimum: int = 1) -> AttrType:
    """An int >= minimum, or None."""
    return AttrType(f"int>={minimum}|None",
                    lambda n, v: None if v is None else _int(n, v, minimum), "int | None")


_TUPLE = {2: "pair", 3: "triple"}


def sizes(rank: int, minimum: int = 1) -> AttrType:
    """One size per axis of a ``rank``-axis window, each >= minimum: an int for rank 1;
    an int or a tuple of ``rank`` ints for more, normalised to the tuple."""
    if rank == 1:
        return integer(minimum)
    ints = ", ".join(["int"] * rank)

    def norm(name: str, v: Any) -> tuple[int, ...]:
        if _is_int(v):
            v = (v,) * rank
        if not isinstance(v, (tuple, list)) or len(v) != rank:
            raise AttributeValueError(f"attribute '{name}' must be an int or a "
                                      f"{_TUPLE[rank]} of ints", short_repr(v))
        return tuple(_int(name, x, minimum) for x in v)

    return AttrType(f"int|({ints}) >= {minimum}", norm, f"int | tuple[{ints}]")


def pair(minimum: int = 1) -> AttrType:
    """An int or a pair of ints, each >= minimum; normalised to a pair."""
    return sizes(2, minimum)


def optional_pair(minimum: int = 1) -> AttrType:
    """Like :func:`pair` but None is kept (the op fills it in from another attribute)."""
    inner = pair(minimum)
    return AttrType(inner.name + "|None", lambda n, v: None if v is None else inner(n, v),
                    inner.annotation + " | None")


_SIDES = {1: ("(left, right)", "(left, right)"),
          2: ("(h, w)", "((top, bottom), (left, right))"),
          3: ("(d, h, w)", "((front, back), (top, bottom), (left, right))")}
_SIDES_SHORT = {2: "((t, b), (l, r))", 3: "((f, b), (t, b), (l, r))"}


def padding_of(rank: int) -> AttrType:
    """Padding of a ``rank``-axis window as the builder accepts it: 'same', 'valid', an
    int, one int per axis, or explicit (before, after) per axis. Normalised to
    ((before, after), ...) per axis, or to one (left, right) pair for rank 1; ops
    resolve 'same'/'valid' to explicit padding."""
    per_axis, explicit = _SIDES[rank]
    forms = "an int or (left, right)" if rank == 1 else \
        f"an int, a {_TUPLE[rank]} or {explicit}"

    def norm(name: str, v: Any) -> Any:
        if isinstance(v, str) and v in ("same", "valid"):
            return v
        out = None
        if _is_int(v):
            out = ((_int(name, v, 0),) * 2,) * rank
        elif isinstance(v, (tuple, list)) and len(v) == (2 if rank == 1 else rank):
            if rank == 1 and all(_is_int(x) for x in v):
                out = (tuple(_int(name, x, 0) for x in v),)
            elif rank > 1 and all(_is_int(x) for x in v):
                out = tuple((_int(name, x, 0),) * 2 for x in v)
            elif rank > 1 and all(isinstance(x, (tuple, list)) and len(x) == 2 for x in v):
                out = tuple(tuple(_int(name, x, 0) for x in side) for side in v)
        if out is None:
            raise AttributeValueError(f"attribute '{name}' must be 'same', 'valid', {forms}",
                                      short_repr(v))
        return out[0] if rank == 1 else out

    if rank == 1:
        return AttrType("'same'|'valid'|int|(left, right)", norm, "str | int | tuple[int, int]")
    ints = ", ".join(["int"] * rank)
    sides = ", ".join(["tuple[int, int]"] * rank)
    return AttrType(f"'same'|'valid'|int|{per_axis}|{_SIDES_SHORT[rank]}", norm,
                    f"str | int | tuple[{ints}] | tuple[{sides}]")


padding = padding_of(2)
"""Padding of H and W; ops resolve 'same'/'valid' to ((top, bottom), (left, right))."""
padding1d = padding_of(1)
"""Padding of one axis; ops resolve 'same'/'valid' to an explicit (left, right) pair."""


def _bool(name: str, v: Any) -> bool:
    if _scalar_kind(v) != "b":
        raise AttributeValueError(f"attribute '{name}' must be a bool", short_repr(v))
    return bool(v)


boolean = AttrType("bool", _bool, "bool")


def real(low: float | None = None, high: float | None = None, *, low_open: bool = False,
         high_open: bool = False) -> AttrType:
    """A float in a range; ints are accepted and converted."""

    def norm(name: str, v: Any) -> float:
        if _scalar_kind(v) not in ("i", "f"):
            raise AttributeValueError(f"attribute '{name}' must be a number (a bool is not)",
                                      short_repr(v))
        try:
            v = float(v)
        except OverflowError:
            raise AttributeValueError(f"attribute '{name}' must be a finite number",
                                      short_repr(v)) from None
        if not math.isfinite(v):
            raise AttributeValueError(f"attribute '{name}' must be a finite number", short_repr(v))
        bad = (low is not None and (v < low or (low_open and v == low))) or (
            high is not None and (v > high or (high_open and v == high)))
        if bad:
            lo = "(" if low_open else "["
            hi = ")" if high_open else "]"
            raise AttributeValueError(f"attribute '{name}' must lie in {lo}{low}, {high}{hi}",
                                      short_repr(v))
        return v

    lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
    hi = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
    return AttrType("float" if low is None and high is None else f"float in {lo}, {hi}",
                    norm, "float")


def _shape(name: str, v: Any) -> tuple[int, ...]:
    if not isinstance(v, (tuple, list)) or not 1 <= len(v) <= 4 or not all(
            _is_int(x) and 1 <= int(x) <= MAX_INT for x in v):
        raise AttributeValueError(f"attribute '{name}' must be a shape of rank 1 to 4 "
                                  f"((C,), (C, L), (T, C), (C, H, W), (C, D, H, W)) with "
                                  f"ints in [1, {MAX_INT}], batch excluded", short_repr(v))
    return tuple(int(x) for x in v)


def choice(*values: str, optional: bool = False) -> AttrType:
    """One of the given strings (or None when ``optional``)."""

    def norm(name: str, v: Any) -> str | None:
        if v is None and optional:
            return None
        if not isinstance(v, str) or v not in values:
            raise AttributeValueError(f"attribute '{name}' must be one of {list(values)}"
                                      + (" or None" if optional else ""), short_repr(v))
        return v

    text = "|".join(repr(v) for v in values) + ("|None" if optional else "")
    return AttrType(text, norm, "str | None" if optional else "str")



shape = AttrType("(C,)|(C, L)|(T, C)|(C, H, W)|(C, D, H, W)", _shape, "tuple[int, ...]")


def optional_real(low: float | None = None, high: float | None = None) -> AttrType:
    """A float in ``[low, high]``, or None (a bound left out)."""
    inner = real(low, high)
    return AttrType(inner.name + "|None", lambda n, v: None if v is None else inner(n, v),
                    "float | None")


def axes(name: str, v: Any) -> tuple[int, ...]:
    """A logical axis or a tuple of distinct ones (batch excluded), sorted; never empty."""
    if _is_int(v):
        v = (v,)
    if not isinstance(v, (tuple, list)) or not v or not all(_is_int(a) for a in v):
        raise AttributeValueError(f"attribute '{name}' must be an axis or a non-empty tuple "
                                  "of axes (an empty reduction is refused)", short_repr(v))
    out = tuple(sorted(_int(name, a, 0, 7) for a in v))
    if len(set(out)) != len(out):
        raise AttributeValueError(f"attribute '{name}' names an axis twice", short_repr(v))
    return out


axes_type = AttrType("int|tuple[int, ...] >= 0, non-empty", axes, "int | tuple[int, ...]")


def _target_shape(name: str, v: Any) -> tuple[int, ...]:
    """A shape of rank 1 to 4 (batch excluded) whose one entry may be -1 (inferred)."""
    if (not isinstance(v, (tuple, list)) or not 1 <= len(v) <= 4
            or not all(_is_int(x) and (int(x) == -1 or 1 <= int(x) <= MAX_INT) for x in v)
            or sum(int(x) == -1 for x in v) > 1):
        raise AttributeValueError(f"attribute '{name}' must be a shape of rank 1 to 4, batch "
                                  "excluded, with sizes >= 1 and at most one -1", short_repr(v))
    return tuple(int(x) for x in v)


target_shape = AttrType("tuple[int, ...] of rank 1-4, sizes >= 1, one may be -1", _target_shape,
                        "tuple[int, ...]")


def _permutation(name: str, v: Any) -> tuple[int, ...]:
    """A reordering of the logical axes 0..n-1 (batch excluded), in the given order."""
    if (not isinstance(v, (tuple, list)) or not all(_is_int(x) for x in v)
            or sorted(int(x) for x in v) != list(range(len(v)))):
        raise AttributeValueError(f"attribute '{name}' must be a permutation of the logical "
                                  "axes 0..n-1 (batch excluded)", short_repr(v))
    return tuple(int(x) for x in v)


permutation = AttrType("a permutation of (0, ..., rank-1)", _permutation, "tuple[int, ...]")
