"""The NumPy reference backend: the executable form of the IR's semantics.

It needs NumPy only. It runs any graph in float32 or float64, in inference mode or in
a training pass for batch norm (batch statistics, PyTorch's running-statistic update).
It computes no gradients: it does not train a network, it only says what a network
computes, so that when two frameworks disagree a third, readable answer says which
one is right.

    >>> from netir.emitters.reference import to_reference, execute
    >>> model = to_reference(graph, dtype="float64")   # doctest: +SKIP
    >>> (y,) = execute(model, [x])                     # doctest: +SKIP
"""

from netir.emitters.reference.backend import BACKEND, ReferenceBackend
from netir.emitters.reference.inputs import Inputs, Run
from netir.emitters.reference.model import (
    ReferenceModel,
    apply,
    count_params,
    execute,
    export_weights,
    import_weights,
    to_reference,
)

emit = to_reference

__all__ = ["BACKEND", "Inputs", "ReferenceBackend", "ReferenceModel", "Run", "apply",
           "count_params", "emit", "execute", "export_weights", "import_weights",
           "to_reference"]
