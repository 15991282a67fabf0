"""The arguments of :func:`~netir.emitters.compare.compare` and
:func:`~netir.catalog_checks.check`, each checked before any work.

A wrong type or a value out of range is an :class:`~netir.ir.errors.ArgumentError`
naming the argument and the value, not a NumPy error from deep inside a comparison
(``batch=0`` once failed as "cannot reshape array of size 0").
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from numbers import Integral, Real
from typing import Any

from netir.ir.errors import ArgumentError
from netir.ir.names import short_repr

MAX_BATCH = 2**20      # far beyond what any machine compares; the memory guard sees more
MAX_SEED = 2**63 - 1   # NumPy's generators take any non-negative integer; this bounds it
MAX_EXTENT = 2**31 - 1
WEIGHTS = ("calibrated", "random")



def _fail(where: str, name: str, rule: str, value: Any) -> ArgumentError:
    return ArgumentError(f"{name} must be {rule}", f"{name}={short_repr(value)}", node=where,
                         op=name)


def integer(where: str, name: str, value: Any, lo: int, hi: int) -> int:
    """``value`` as an int in ``lo..hi`` (a bool is not an integer here)."""
    if isinstance(value, bool) or not isinstance(value, Integral):
        raise _fail(where, name, f"an integer from {lo:,} to {hi:,}", value)
    if not lo <= int(value) <= hi:
        raise _fail(where, name, f"from {lo:,} to {hi:,}", value)
    return int(value)


def tolerance(where: str, value: Any) -> float:
    """A relative tolerance: a finite real number above 0 and below 1."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise _fail(where, "tolerance", "a real number above 0 and below 1", value)
    if not (0 < value < 1 and math.isfinite(float(value))):
        raise _fail(where, "tolerance", "a real number above 0 and below 1", value)
    return float(value)


def names(where: str, name: str, value: Any) -> list[str] | None:
    """None, or a non-empty list of strings (a lone string is refused, not split)."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not all(
            isinstance(v, str) for v in value):
        raise _fail(where, name, "None or a list of names", value)
    if not value or len(set(value)) != len(value):
        raise _fail(where, name, "None or a non-empty list of distinct names", value)
    return list(value)


def weights(where: str, value: Any) -> str | Mapping:
    """A kind of weights, or neutral weights given (``{node: {param: array}}``)."""
    if isinstance(value, Mapping) and all(isinstance(v, Mapping) for v in value.values()):
        return value
    if not isinstance(value, str) or value not in WEIGHTS:
        raise _fail(where, "weights", " or ".join(map(repr, WEIGHTS))
                    + " or {node: {param: array}}", value)
    return value


def memory(where: str, value: Any) -> int | None:
    """None (what the machine can spare) or a number of bytes."""
    return None if value is None else integer(where, "memory", value, 0, 2**63 - 1)


def input_shape(where: str, value: Any) -> tuple[int, ...] | None:
    """None or (C, H, W...): a tuple of 1 to 4 positive integers."""
    if value is None:
        return None
    if isinstance(value, (str, bytes)) or not isinstance(value, Sequence) or not (
            1 <= len(value) <= 4):
        raise _fail(where, "input_shape", "None or a tuple of 1 to 4 positive integers",
                    value)
    return tuple(integer(where, "input_shape", v, 1, MAX_EXTENT) for v in value)


def compare_arguments(where: str, input_shape_: Any, batch: Any, seed: Any, tolerance_: Any,
                      backends: Any, outputs: Any, weights_: Any, memory_: Any) -> dict:
    """Every argument of :func:`~netir.emitters.compare.compare` but the graph,
    checked: a dict of them by name; ArgumentError for the first that is wrong."""
    return {"input_shape": input_shape(where, input_shape_),
            "batch": integer(where, "batch", batch, 1, MAX_BATCH),
            "seed": integer(where, "seed", seed, 0, MAX_SEED),
            "tolerance": tolerance(where, tolerance_),
            "backends": names(where, "backends", backends),
            "outputs": names(where, "outputs", outputs),
            "weights": weights(where, weights_), "memory": memory(where, memory_)}


def check_arguments(networks: Any, input_shape_: Any, tolerance_: Any, backends: Any,
                    weights_: Any, progress: Any, memory_: Any, reduce: Any,
                    max_params: Any) -> list:
    """Every argument of :func:`~netir.catalog_checks.check` checked; the networks as a
    list. ArgumentError for the first that is wrong."""
    from netir.ir.graph import Graph

    where = "<check>"
    if isinstance(networks, (str, bytes, Graph)) or not hasattr(networks, "__iter__"):
        raise _fail(where, "networks", "a list of catalog names or Graphs", networks)
    networks = list(networks)
    for net in networks:
        if not isinstance(net, (str, Graph)):
            raise _fail(where, "networks", "a list of catalog names or Graphs", net)
    shape = input_shape(where, input_shape_)
    if shape is not None and len(shape) != 3:
        raise _fail(where, "input_shape", "None or (C, H, W)", input_shape_)
    tolerance(where, tolerance_)
    names(where, "backends", backends)
    weights(where, weights_)
    memory(where, memory_)
    if progress is not None and not callable(progress):
        raise _fail(where, "progress", "None or a function of one name", progress)
    if not isinstance(reduce, bool):
        raise _fail(where, "reduce", "True or False", reduce)
    if max_params is not None:
        integer(where, "max_params", max_params, 1, 2**63 - 1)
    return networks
