"""Repeated blocks as loops: a run of sibling instances of one block type, named
``<prefix><n>`` with consecutive ``n``, whose literals are each constant along the run,
an integer progression or a float ``scale * (start + i) / divisor``, is built by one loop
over ``i`` (DenseNet's dense layers, the units of a stage).

A run's call is written once the types are named: :class:`Loop` holds its instances'
slot values, and :meth:`Loop.call` writes ``Type(a + b * i, ...)`` from the arguments the
type takes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from netir.source.common import literal

MIN_RUN = 3  # shorter runs stay one statement each
_NUMBERED = re.compile(r"^((?:[A-Za-z0-9_-]*[A-Za-z_-])?)(0|[1-9][0-9]*)$")
_MARK = re.compile("\x04(\\d+)\x04")


def loop_marker(k: int) -> str:
    return f"\x04{k}\x04"


def fill_loops(text: str, call) -> str:
    """``text`` with each loop marker ``k`` replaced by ``call(k)``."""
    return _MARK.sub(lambda m: call(int(m.group(1))), text)


def split_name(segment: str) -> tuple[str, int] | None:
    """``denselayer12`` -> ``("denselayer", 12)``, ``3`` -> ``("", 3)``; None for a name
    that is not a plain prefix and a number without leading zeros."""
    m = _NUMBERED.match(segment)
    return (m.group(1), int(m.group(2))) if m else None


def _progression(column: list) -> tuple | None:
    """How a column of slot values follows the loop index ``i``: ``("same", v)``,
    ``("step", first, step)`` for integers, ``("ratio", scale, start, divisor)`` for
    floats that are ``scale * (start + i) / divisor`` exactly (a drop rate growing block
    by block); None otherwise."""
    if all(type(v) is type(column[0]) and v == column[0] for v in column):
        return ("same", column[0])
    if all(type(v) is int for v in column):
        step = column[1] - column[0]
        if any(b - a != step for a, b in zip(column, column[1:])):
            return None
        return ("step", column[0], step)
    if all(type(v) is float for v in column):
        return _ratio(column)
    return None


def _ratio(column: list[float]) -> tuple | None:
    step = column[1] - column[0]
    if not step > 0:
        return None
    start = round(column[0] / step)
    found = []
    for divisor in range(1, 2001):
        scale = float(f"{step * divisor:.6g}")
        if all(scale * (start + j) / divisor == v for j, v in enumerate(column)):
            found.append((len(repr(scale)), divisor, scale))
    if not found:
        return None
    _, divisor, scale = min(found)  # the shortest scale: the builder's own
    return ("ratio", scale, start, divisor)


def progressions(instances: list[list]) -> list[tuple] | None:
    """Per slot, how it follows the loop index over the instances (see
    :func:`_progression`); None if a slot follows none of those forms."""
    columns = list(zip(*instances)) if instances and instances[0] else []
    out = []
    for column in columns:
        p = _progression(list(column))
        if p is None:
            return None
        out.append(p)
    return out


def find_runs(items: list[tuple], linked=lambda k: True) -> list[tuple[int, int]]:
    """``items`` are ``(segment, type, slot values)`` (type None: never in a run);
    returns ``(start, stop)`` of each run of at least MIN_RUN items, each after the
    first ``linked`` to the one before."""
    runs, k = [], 0
    while k < len(items):
        stop = k + 1
        first = split_name(items[k][0]) if items[k][1] is not None else None
        if first is not None:
            while stop < len(items) and items[stop][1] == items[k][1] and linked(
                    stop) and split_name(
                    items[stop][0]) == (first[0], first[1] + stop - k) and progressions(
                    [it[2] for it in items[k:stop + 1]]) is not None:
                stop += 1
        if stop - k >= MIN_RUN:
            runs.append((k, stop))
            k = stop
        else:
            k += 1
    return runs


def affine(form: tuple) -> str:
    """A slot's form (see :func:`_progression`) as code of ``i``."""
    if form[0] == "same":
        return literal(form[1])
    if form[0] == "ratio":
        _, scale, start, divisor = form
        index = "i" if start == 0 else f"(i + {start})"
        return f"{literal(scale)} * {index} / {divisor}"
    _, first, step = form
    term = "i" if abs(step) == 1 else f"{abs(step)} * i"
    if first == 0:
        return term if step > 0 else f"-{term}"
    return f"{literal(first)} {'+' if step > 0 else '-'} {term}"


def name_code(prefix: str, start: int) -> str:
    """The f-string of the names ``<prefix><start + i>``."""
    index = "i" if start == 0 else f"i + {start}"
    return f'f"{prefix}{{{index}}}"' if prefix else f"str({index})"


@dataclass
class Loop:
    """A run: the type index, the slot values of each instance, and the code of the
    arguments every call takes first."""

    type_index: int
    instances: list[list]
    lead: tuple[str, ...] = ()

    def call(self, name: str, reps: list[int]) -> str:
        slots = progressions(self.instances)
        return f"{name}({', '.join([*self.lead, *(affine(slots[r]) for r in reps)])})"
