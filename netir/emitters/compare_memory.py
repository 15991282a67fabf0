"""What comparing a graph in several backends asks of memory: the comparison harness's
own model of its peak (:func:`check_compare_memory`), refused up front with a
ResourceError, on top of the IR's limits (:mod:`netir.ir.limits`)."""

from __future__ import annotations

from math import prod

from netir.ir import limits
from netir.ir.errors import ResourceError

#: Copies of the float32 parameters a comparison holds at its peak: the shared and
#: calibrated weights, the float64 reference (two), and the backend being run with its
#: conversions (ONNX Runtime's session, the model and its serialized bytes at once);
#: what each backend freed is trimmed before the next. Measured (2026-11-28, with the
#: frameworks' 0.83 GB of code and state): ViT-L/16 (1.22 GB of parameters) peaked at
#: 10.4 GB resident, 8.6 copies; ViT-B/16 at 10.4 copies of its 0.35 GB.
COMPARE_COPIES = 9


def compare_bytes(parameters: int, values: int, backends: int) -> int:
    """What comparing a graph of ``parameters`` (and buffers) in ``backends`` needs, when
    every node's value at the batch takes ``values`` elements: :data:`COMPARE_COPIES`
    copies of the parameters, and the values once per backend and twice more for the
    float64 truth."""
    return limits.BYTES_PER_ELEMENT * (COMPARE_COPIES * parameters + (backends + 2) * values)


def check_compare_memory(graph, backends: int, batch: int = 2,
                         available: int | None = None) -> None:
    """ResourceError when comparing ``graph`` in ``backends`` backends at ``batch``
    would need more memory (:func:`compare_bytes`) than ``available`` (default
    :func:`~netir.ir.limits.available_memory`). The error carries ``need`` and
    ``available`` in bytes."""
    available = limits.available_memory() if available is None else available
    if available is None or not len(graph):
        return
    trainable, buffers = graph.count_params()
    values = batch * sum(prod(n.shape) for n in graph.nodes)
    need = compare_bytes(trainable + buffers, values, backends)
    if need > available:
        error = ResourceError(f"comparing it in {backends} backends needs about "
                              f"{limits.gib(need)} ({COMPARE_COPIES} copies of its "
                              "parameters), "
                              f"more than the {limits.gib(available)} available",
                              f"{trainable + buffers:,} parameters and buffers",
                              node=graph.name, op="compare")
        error.need, error.available = need, available
        raise error
