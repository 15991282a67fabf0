"""The ONNX import table: every family's entries merged in one place.

An entry is keyed on the head node's ``op_type``, the step names of its helpers (the
ONNX backend's ``<node>/<step>`` nodes; none for a single node) and the ai.onnx opsets
it reads (9..26); it is ``(ctx, unit) -> Tensor | ndarray`` and builds IR ops through
``ctx.add``. Several entries may share a key: each is tried in family order, and one
that does not apply raises NoMatch. Nothing else in the importer knows an op.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from netir.importers.onnx import (
    activation,
    attention,
    channel,
    constants,
    conv,
    dense,
    elementwise,
    learned,
    norm,
    pool,
    reduce,
    regularization,
    resize,
    shape,
)

MIN_OPSET, MAX_OPSET = 9, 26
FAMILIES: tuple[ModuleType, ...] = (conv, pool, dense, norm, activation, attention, learned,
                                    elementwise, reduce, shape, channel, resize,
                                    regularization)


@dataclass(frozen=True)
class Entry:
    op_type: str
    fn: Callable
    steps: tuple[str, ...] = ()
    opsets: tuple[int, int] = (MIN_OPSET, MAX_OPSET)

    def __call__(self, ctx, unit):
        return self.fn(ctx, unit)


def entry(op_type: str, fn: Callable, steps=(), opsets=(MIN_OPSET, MAX_OPSET)) -> Entry:
    return Entry(op_type, fn, tuple(sorted(steps)), tuple(opsets))


class ImportTable:
    """Entries by (op_type, steps), in family order; the families' folds (patterns of
    single nodes that mean one IR op, :class:`~.units.Fold`); and how a node of
    constants is evaluated."""

    def __init__(self, families: tuple[ModuleType, ...]) -> None:
        self.entries: dict[tuple[str, tuple[str, ...]], list[Entry]] = {}
        self.folds: list = []
        #: op types that read their first input channels first (a rank-3 input is (C, L))
        self.channels_first: set[str] = set()
        for family in families:
            for e in family.entries(entry):
                self.entries.setdefault((e.op_type, e.steps), []).append(e)
            self.folds += getattr(family, "FOLDS", [])
            self.channels_first |= getattr(family, "CHANNELS_FIRST", set())
        self.evaluate = constants.evaluate

    def lookup(self, op_type: str, steps: tuple[str, ...], opset: int) -> list[Entry]:
        return [e for e in self.entries.get((op_type, steps), ())
                if e.opsets[0] <= opset <= e.opsets[1]]

    def op_types(self) -> set[str]:
        return {op for op, _ in self.entries}


TABLE = ImportTable(FAMILIES)
