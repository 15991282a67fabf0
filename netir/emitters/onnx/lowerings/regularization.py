"""ONNX lowerings of the regularizers (netir/ir/ops/regularization.py): the identity at
inference."""

from __future__ import annotations

import numpy as np

from netir.emitters.onnx.protos import const, note, op


def dropout(plan, inputs):
    """Dropout without ``training_mode``: the identity at inference."""
    ratio = const(f"{plan.name}/ratio", np.float32(plan.attrs["rate"]))
    return [ratio, op("Dropout", [inputs[0], ratio.name], plan.name)]


def stochastic_depth(plan, inputs):
    """The identity at inference, noted with ``p`` and ``mode``."""
    return [note(op("Identity", inputs, plan.name), op="stochastic_depth",
                 p=plan.attrs["p"], mode=plan.attrs["mode"])]


LOWERINGS = {"dropout": dropout, "stochastic_depth": stochastic_depth}
