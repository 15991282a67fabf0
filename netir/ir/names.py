"""Names in a graph: what a node, scope or graph name may be, and values shown short in
error messages."""

from __future__ import annotations

import re
from typing import Any

from netir.ir.errors import GraphError

_NAME = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\Z")
NAME_RULE = "dot-separated words of letters, digits, _ and -"


def check_name(name: Any, *, node: str, op: str, what: str = "node names") -> str:
    """``name`` if it is a valid dotted name, else GraphError naming the rule."""
    if not isinstance(name, str):
        raise GraphError(f"{what} are strings", f"{type(name).__name__} {short_repr(name)}",
                         node=node, op=op)
    if not _NAME.match(name):
        raise GraphError(f"{what} are {NAME_RULE}", short_repr(name), node=node, op=op)
    return name


def short_repr(value: Any) -> str:
    """``repr(value)`` cut to 200 characters, for an error message: a huge integer is
    described by its size, a value whose repr fails by its type."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 128:
        return f"an integer of {value.bit_length()} bits"
    try:
        text = repr(value)
    except Exception:  # noqa: BLE001 (a value whose repr fails is still reported)
        return f"a {type(value).__name__} that cannot be printed"
    return text if len(text) <= 200 else text[:200] + "..."
