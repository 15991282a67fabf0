"""The PyTorch import table: every family's entries merged in one place.

Keys are torch module types (exact: a subclass with its own forward is traced into,
not mistaken for its base), functions and operators (``torch.cat``, ``F.relu``,
``operator.iadd``) and tensor method names (``"view"``, ``"relu_"``); a type or
function of another library is keyed by its qualified name (``capture.qualified_name``),
so that the table imports no library but torch. An entry is a
small function ``(ctx, [module,] *args, **kwargs) -> value`` that builds IR ops through
``ctx.add``; nothing else in the importer knows an op.
"""

from __future__ import annotations

from types import FunctionType, ModuleType

import torch.fx as fx

from netir.importers.pytorch import (
    activation,
    attention,
    axes,
    conv,
    dense,
    elementwise,
    netir_modules,
    norm,
    pool,
    reduce,
    shape,
)
from netir.importers.pytorch.capture import leaf_type, qualified_name

FAMILIES: tuple[ModuleType, ...] = (conv, dense, norm, activation, pool, reduce, shape, axes,
                                    elementwise, attention, netir_modules)


class ImportTable:
    """Module, function and method entries, each key in one family only."""

    def __init__(self, families: tuple[ModuleType, ...]) -> None:
        self.modules: dict = {}
        self.functions: dict = {}
        self.methods: dict = {}
        for family in families:
            for mine, theirs in ((self.modules, family.MODULES),
                                 (self.functions, family.FUNCTIONS),
                                 (self.methods, family.METHODS)):
                twice = set(mine) & set(theirs)
                if twice:
                    raise ValueError(f"{family.__name__} maps {sorted(map(str, twice))} again")
                mine.update(theirs)
        self.leaves = frozenset(self.modules)
        #: Python functions of the table, recorded as calls rather than traced into.
        self.wrapped = tuple(f for f in self.functions
                             if isinstance(f, FunctionType) and f.__module__.startswith("netir."))

    def lookup(self, node: fx.Node, module):
        """The entry for ``node`` (``module``: its module, for call_module), or None."""
        if node.op == "call_module":
            base = leaf_type(type(module), self.modules)
            if base is None:
                return None
            return self.modules.get(base) or self.modules.get(qualified_name(base))
        if node.op == "call_function":
            return self.functions.get(node.target) \
                or self.functions.get(qualified_name(node.target))
        if node.op == "call_method":
            return self.methods.get(node.target)
        return None


TABLE = ImportTable(FAMILIES)
