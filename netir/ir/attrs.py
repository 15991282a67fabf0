"""Typed attribute declarations: the schema of an op's attributes.

An :class:`Attr` names its type (a normaliser that checks and canonicalises a value),
its default and a one-line doc. Normalisers raise :class:`AttributeValueError` without
a location; the graph adds the node and the op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from netir.ir.errors import AttributeValueError

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
    """One attribute of an op: name, type, default (or REQUIRED) and doc."""

    name: str
    type: AttrType
    default: Any = REQUIRED
    doc: str = ""

    @property
    def required(self) -> bool:
        return self.default is REQUIRED


def _is_int(v: Any) -> bool:
    return isinstance(v, (int,)) and not isinstance(v, bool) or (
        hasattr(v, "dtype") and getattr(v, "ndim", 1) == 0 and v.dtype.kind in "iu")


def _int(name: str, v: Any, minimum: int) -> int:
    if not _is_int(v):
        raise AttributeValueError(f"attribute '{name}' must be an integer", repr(v))
    if int(v) < minimum:
        raise AttributeValueError(f"attribute '{name}' must be >= {minimum}", repr(v))
    return int(v)


def integer(minimum: int = 1) -> AttrType:
    """An int >= minimum."""
    return AttrType(f"int>={minimum}", lambda n, v: _int(n, v, minimum), "int")


def optional_integer(minimum: int = 1) -> AttrType:
    """An int >= minimum, or None."""
    return AttrType(f"int>={minimum}|None",
                    lambda n, v: None if v is None else _int(n, v, minimum), "int | None")


def pair(minimum: int = 1) -> AttrType:
    """An int or a pair of ints, each >= minimum; normalised to a pair."""

    def norm(name: str, v: Any) -> tuple[int, int]:
        if _is_int(v):
            v = (v, v)
        if not isinstance(v, (tuple, list)) or len(v) != 2:
            raise AttributeValueError(f"attribute '{name}' must be an int or a pair of ints",
                                      repr(v))
        return (_int(name, v[0], minimum), _int(name, v[1], minimum))

    return AttrType(f"int|(int, int) >= {minimum}", norm, "int | tuple[int, int]")


def optional_pair(minimum: int = 1) -> AttrType:
    """Like :func:`pair` but None is kept (the op fills it in from another attribute)."""
    inner = pair(minimum)
    return AttrType(inner.name + "|None", lambda n, v: None if v is None else inner(n, v),
                    inner.annotation + " | None")


def _padding(name: str, v: Any) -> Any:
    if isinstance(v, str):
        if v in ("same", "valid"):
            return v
        raise AttributeValueError(f"attribute '{name}' must be 'same', 'valid', an int, "
                                  "a pair or ((top, bottom), (left, right))", repr(v))
    if _is_int(v):
        p = _int(name, v, 0)
        return ((p, p), (p, p))
    if isinstance(v, (tuple, list)) and len(v) == 2:
        if all(_is_int(x) for x in v):
            h, w = (_int(name, x, 0) for x in v)
            return ((h, h), (w, w))
        if all(isinstance(x, (tuple, list)) and len(x) == 2 for x in v):
            return tuple(tuple(_int(name, x, 0) for x in side) for side in v)
    raise AttributeValueError(f"attribute '{name}' must be 'same', 'valid', an int, a pair "
                              "or ((top, bottom), (left, right))", repr(v))


padding = AttrType("'same'|'valid'|int|(h, w)|((t, b), (l, r))", _padding,
                   "str | int | tuple[int, int] | tuple[tuple[int, int], tuple[int, int]]")
"""Padding as the builder accepts it; ops resolve 'same'/'valid' to explicit pairs."""


def _bool(name: str, v: Any) -> bool:
    if not isinstance(v, bool):
        raise AttributeValueError(f"attribute '{name}' must be a bool", repr(v))
    return v


boolean = AttrType("bool", _bool, "bool")


def real(low: float | None = None, high: float | None = None, *, low_open: bool = False,
         high_open: bool = False) -> AttrType:
    """A float in a range; ints are accepted and converted."""

    def norm(name: str, v: Any) -> float:
        if isinstance(v, bool) or not isinstance(v, (int, float)):
            raise AttributeValueError(f"attribute '{name}' must be a number", repr(v))
        v = float(v)
        bad = v != v or (low is not None and (v < low or (low_open and v == low))) or (
            high is not None and (v > high or (high_open and v == high)))
        if bad:
            lo = "(" if low_open else "["
            hi = ")" if high_open else "]"
            raise AttributeValueError(f"attribute '{name}' must lie in {lo}{low}, {high}{hi}",
                                      repr(v))
        return v

    lo = "(-inf" if low is None else ("(" if low_open else "[") + f"{low:g}"
    hi = "inf)" if high is None else f"{high:g}" + (")" if high_open else "]")
    return AttrType("float" if low is None and high is None else f"float in {lo}, {hi}",
                    norm, "float")


def _shape(name: str, v: Any) -> tuple[int, ...]:
    if not isinstance(v, (tuple, list)) or len(v) not in (1, 3) or not all(
            _is_int(x) and int(x) >= 1 for x in v):
        raise AttributeValueError(f"attribute '{name}' must be (C,) or (C, H, W) with "
                                  "positive ints, batch excluded", repr(v))
    return tuple(int(x) for x in v)


shape = AttrType("(C,)|(C, H, W)", _shape, "tuple[int, ...]")
