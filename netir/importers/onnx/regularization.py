"""Regularizers (netir/ir/ops/regularization.py): Dropout (its ratio an attribute
before opset 12, an input after), and Identity: the ONNX backend's stochastic depth
where its doc string notes it, else no node at all."""

from __future__ import annotations

from netir.importers.onnx.common import scalar
from netir.importers.onnx.walk import Unsupported


def _dropout(ctx, unit):
    node = unit.head
    x = ctx.x(node.input[0])
    if ctx.opset < 12:
        rate = unit.attr("ratio", 0.5)
    else:
        rate = scalar(ctx.const(node.input[1])) if ctx.input(1) else 0.5
        if ctx.input(2) and bool(ctx.const(ctx.input(2))):
            raise Unsupported("Dropout in training mode")
    if ctx.extra_outputs_read():
        raise Unsupported("Dropout's mask output")
    return ctx.add("dropout", [x], {"rate": scalar(rate)})


def _identity(ctx, unit):
    x = ctx.x(unit.head.input[0])
    kept = unit.notes
    if kept.get("op") != "stochastic_depth":
        return x
    try:
        attrs = {"p": float(kept["p"]), "mode": str(kept["mode"])}
    except (ValueError, KeyError, TypeError):
        raise Unsupported(f"an Identity noted as stochastic depth without p and mode: "
                          f"{kept}") from None
    return ctx.add("stochastic_depth", [x], attrs)


def entries(entry):
    return [entry("Dropout", _dropout), entry("Dropout", _dropout, steps=("ratio",)),
            entry("Identity", _identity)]
