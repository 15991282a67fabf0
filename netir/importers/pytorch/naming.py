"""IR node names from a traced torch module.

A leaf module's node is named by its exact module path (the state_dict prefix), and
a learned tensor's by its state_dict key, so the names netir's emitter gives
(:mod:`netir.emitters.pytorch.naming`: a node name is the module path, exactly) come
back unchanged. A function or method call is named ``<enclosing module path>.<op>``.
A name already taken gets ``_1``, ``_2``... (a ReLU module applied twice).
"""

from __future__ import annotations

import builtins
import keyword

import torch.fx as fx


def input_name(argument: str) -> str:
    """The graph input's name for forward()'s parameter ``argument``: the inverse of
    the emitter's rule, which writes ``input_<name>`` where the name itself is not a
    usable identifier (a builtin such as ``input``, a keyword)."""
    base = argument.removeprefix("input_")
    if base != argument and (keyword.iskeyword(base) or hasattr(builtins, base)):
        return base
    return argument


def scope_of(node: fx.Node) -> str:
    """The path of the module whose forward made ``node`` ('' at the top)."""
    stack = node.meta.get("nn_module_stack") or {}
    if not stack:
        return ""
    last = list(stack.values())[-1]
    return last[0] if isinstance(last, tuple) else str(last)


class Names:
    """Hands out distinct IR names; the exact paths of modules and tensors are reserved
    first, so that a call named after its scope never takes one."""

    def __init__(self, reserved: set[str]) -> None:
        self._reserved = reserved
        self._used: set[str] = set()

    def exact(self, path: str) -> str:
        """``path`` itself the first time, then ``path_1``..."""
        return self._fresh(path, self._used)

    def taken(self, name: str) -> bool:
        """Whether ``name`` was handed out (so it is a node, not a scope)."""
        return name in self._used

    def has_below(self, path: str) -> bool:
        """Whether a name under ``path`` (``path.<...>``) was handed out."""
        return any(name.startswith(f"{path}.") for name in self._used)

    def scoped(self, scope: str, op: str) -> str:
        base = f"{scope}.{op}" if scope else op
        return self._fresh(base, self._used | self._reserved)

    def _fresh(self, base: str, taken: set[str]) -> str:
        name, k = base, 1
        while name in taken:
            name, k = f"{base}_{k}", k + 1
        self._used.add(name)
        return name
