"""The Keras import table: every family's entries merged in one place.

Keys are Keras layer and ``keras.ops`` operation classes (exact: a subclass is not
mistaken for its base); an entry is ``(ctx, layer, *args, **kwargs) -> Tensor`` and
builds IR ops through ``ctx.add``. Nothing else in the importer knows a layer.
"""

from __future__ import annotations

from types import ModuleType

from netir.importers.keras import activation, conv, dense, elementwise, norm, pool, shape

FAMILIES: tuple[ModuleType, ...] = (conv, dense, norm, activation, pool, shape, elementwise)


class ImportTable:
    """Layer-class entries, each class in one family only."""

    def __init__(self, families: tuple[ModuleType, ...]) -> None:
        self.layers: dict = {}
        for family in families:
            twice = set(self.layers) & set(family.LAYERS)
            if twice:
                raise ValueError(f"{family.__name__} maps {sorted(map(str, twice))} again")
            self.layers.update(family.LAYERS)

    def lookup(self, operation):
        return self.layers.get(type(operation))


TABLE = ImportTable(FAMILIES)
