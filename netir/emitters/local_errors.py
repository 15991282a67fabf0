"""The local error of each backend at each node: the reference's float64 kernel applied
to that backend's own values of the node's inputs, against the backend's value there
(what :func:`netir.emitters.compare.compare` judges)."""

from __future__ import annotations

import numpy as np


def local_errors(reference, values: dict[str, list[np.ndarray]]
                 ) -> dict[str, list[tuple[float, float]]]:
    """Per backend and node, ``max |got - expected|`` and the node's scale, where
    ``expected`` is the reference kernel applied (float64) to that backend's values of
    the node's inputs; inputs are compared as they are. The scale is ``max |expected|``,
    or the largest input where the node cancels its inputs to less: float32 rounding is
    relative to the values combined, and the mean of instance-normalised values is 0 up
    to that rounding.

    The backends' inputs of a node are stacked on the batch axis and the kernel runs
    once (inference kernels treat each sample alone): a kernel's weights are read once
    instead of once per backend."""
    from netir.emitters.reference import apply

    graph = reference.graph
    errors: dict[str, list[tuple[float, float]]] = {b: [] for b in values}
    own = {b: dict(zip((n.name for n in graph.nodes), got)) for b, got in values.items()}
    for position, node in enumerate(graph.nodes):
        if not node.inputs:
            for b in values:
                errors[b].append((0.0, 0.0))
            continue
        fit = [b for b in values if all(own[b][i].shape[1:] == graph[i].shape
                                        for i in node.inputs)]
        for b in values:
            if b not in fit:
                errors[b].append((float("inf"), 0.0))  # wrong shapes upstream
        if not fit:
            continue
        sizes = [own[b][node.inputs[0]].shape[0] for b in fit]
        args = [np.concatenate([own[b][i] for b in fit]).astype(np.float64)
                for i in node.inputs]
        expected = apply(reference, node, args)
        starts = np.cumsum([0, *sizes])
        for k, b in enumerate(fit):
            part = slice(starts[k], starts[k + 1])
            mine = [expected[part], *(a[part] for a in args)]
            size = max(magnitude(v) for v in mine)
            errors[b].append((max_abs(mine[0], values[b][position]), size))
    return errors


def max_abs(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a - b|`` in float64; infinite when the shapes differ, 0 when empty. Equal
    values agree exactly, and so do NaNs in the same place (``0 / 0`` is the function's
    value there, on every backend); a NaN on one side only is an infinite error."""
    if a.shape != b.shape:
        return float("inf")
    if not a.size:
        return 0.0
    a, b = a.astype(np.float64), b.astype(np.float64)
    with np.errstate(invalid="ignore"):  # inf - inf where both are the same infinity
        diff = np.where((a == b) | (np.isnan(a) & np.isnan(b)), 0.0, np.abs(a - b))
    return float(np.max(np.where(np.isnan(diff), np.inf, diff)))


def magnitude(value: np.ndarray) -> float:
    """The largest finite ``|value|`` (0 when there is none): the scale errors are
    relative to."""
    finite = np.abs(value[np.isfinite(value)])
    return float(finite.max()) if finite.size else 0.0
