"""The PyTorch lowering of graph inputs (netir/ir/ops/io.py): a placeholder of the
emitted forward."""

from __future__ import annotations

from netir.emitters.pytorch.lowered import PLACEHOLDER

LOWERINGS = {"input": lambda plan, inputs: PLACEHOLDER}
