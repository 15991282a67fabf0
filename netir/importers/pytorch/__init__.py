"""Import a PyTorch module into the IR: :func:`from_torch`.

Capture is torch.fx symbolic tracing (:mod:`.capture`), the module types of the table
(:mod:`.table`) as leaves, or torch.export (non-strict, :mod:`.export`) where fx cannot
trace the forward; each captured node becomes IR ops through its table entry
(:mod:`.convert`). Importing a module runs its code (its constructor ran already; its
forward runs under tracing and on fake example inputs).
"""

from __future__ import annotations

from collections.abc import Sequence

import torch
from torch import nn

from netir.importers.pytorch.capture import trace, traced_values
from netir.importers.pytorch.convert import Problem, convert
from netir.importers.pytorch.export import export
from netir.importers.pytorch.table import TABLE
from netir.ir.errors import UnsupportedModelError
from netir.ir.graph import Graph

__all__ = ["from_torch"]


def from_torch(module: nn.Module, example_inputs: torch.Tensor | Sequence[torch.Tensor], *,
               name: str | None = None) -> tuple[Graph, dict[str, dict]]:
    """``(graph, weights)`` of ``module``: the IR graph computing its forward on inputs
    shaped as ``example_inputs`` (one tensor or a sequence, batch first; values unused
    but for data-dependent code), and its weights in the neutral layout
    (``{node: {param: numpy array}}``, as :func:`netir.export_weights` gives them).

    Node names are the module paths (the state_dict prefixes); a function or method
    call is named ``<scope>.<op>``. Graph inputs take the layout of their rank's
    default (``CHW`` for an image). ``name`` defaults to the module's class name.

    Raises :class:`~netir.ir.errors.UnsupportedModelError` listing every node the IR
    cannot express (torch target, module path, source line, what the IR lacks),
    including a module applied twice with weights (the IR has no shared weights yet);
    a ShapeError naming the node where IR shape inference disagrees with the traced
    shape (an importer defect). Runs the module's code.
    """
    inputs = (example_inputs,) if isinstance(example_inputs, torch.Tensor) \
        else tuple(example_inputs)
    name = name or type(module).__name__
    modes = {m: m.training for m in module.modules()}
    module.eval()
    try:
        graph, weights, problems, exported = _import(module, inputs, name, stack_traces=False)
        if problems and not exported:  # again, recording where each node comes from
            graph, weights, problems, _ = _import(module, inputs, name, stack_traces=True)
    finally:
        for m, training in modes.items():
            m.training = training
    if problems:
        raise UnsupportedModelError.listing(problems, "node(s)", node=name, op="from_torch")
    return graph, weights


def _import(module, inputs, name, *, stack_traces: bool):
    """(graph, weights, problems, whether torch.export captured it): fx tracing, or
    torch.export where fx cannot trace the forward (control flow on sizes)."""
    try:
        fxg = trace(module, TABLE.leaves, TABLE.wrapped, stack_traces=stack_traces,
                    given=len(inputs))
    except Exception as fx_error:  # noqa: BLE001 - any failure of fx: export instead
        try:
            fxg, values = export(module, inputs)
        except Exception as export_error:  # noqa: BLE001 - neither can capture it
            problem = Problem("forward", "", "<capture>", (
                f"fx cannot trace it ({type(fx_error).__name__}: {_line(fx_error)}) and "
                f"torch.export cannot export it ({type(export_error).__name__}: "
                f"{_line(export_error)})"))
            return None, {}, [problem], True
        return (*convert(module, fxg, values, TABLE, name), True)
    values = traced_values(module, fxg, inputs)
    return (*convert(module, fxg, values, TABLE, name), False)


def _line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return text[0][:200] if text else ""
