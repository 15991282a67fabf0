"""Neutral weights: ``{node name: {param: array}}`` in PyTorch/ONNX layout.

Every backend exports and imports this form, so cross-framework transfer is
"export from one, import into the other". A model's backend is found by asking the
registered backends (:func:`netir.emitters.registry.backend_of`).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from netir.emitters import tensorfile
from netir.emitters.backend import Weights
from netir.emitters.registry import backend_of
from netir.emitters.tensorfile import normalise_weights
from netir.ir.errors import WeightsError
from netir.ir.files import read_bytes, write_atomic
from netir.ir.graph import Graph
from netir.ir.limits import check_weights_memory
from netir.ir.params import COUNTER

MAX_WEIGHTS_BYTES = 64 * 1024**3

__all__ = ["Weights", "export_weights", "import_weights", "load_weights", "random_weights",
           "save_weights", "transfer_weights", "weights_bytes"]


def export_weights(model: Any) -> Weights:
    """The model's weights in the neutral layout; NetIRError when no backend owns it."""
    return backend_of(model).export_weights(model)


def import_weights(model: Any, weights: Weights) -> None:
    """Set the model's weights from the neutral layout (strict)."""
    backend_of(model).import_weights(model, weights)


def transfer_weights(src: Any, dst: Any) -> None:
    """Copy weights between any two emitted models of the same graph."""
    import_weights(dst, export_weights(src))


def weights_bytes(weights: Weights) -> bytes:
    """Neutral weights as safetensors bytes (keys ``<node>.<param>``, float32)."""
    flat = {f"{n}.{p}": v for n, ps in normalise_weights(weights).items()
            for p, v in ps.items()}
    return tensorfile.encode(flat, {"format": "netir.weights.v1"})


def save_weights(weights: Weights, path: str | os.PathLike) -> None:
    """Write neutral weights as safetensors (keys ``<node>.<param>``), atomically."""
    write_atomic(path, weights_bytes(weights))


def load_weights(path: str | os.PathLike) -> Weights:
    """Read neutral weights from a safetensors file (at most ``MAX_WEIGHTS_BYTES``).

    Raises FileError (missing, not a regular file, too large) or WeightsError (not
    safetensors, malformed, a dtype outside the float32 policy).
    """
    flat = tensorfile.decode(read_bytes(path, MAX_WEIGHTS_BYTES, "weights file"), str(path))
    out: Weights = {}
    for key, value in flat.items():
        node, _, param = key.rpartition(".")
        if not node or not param:
            raise WeightsError("keys are '<node>.<param>'", repr(key)[:200], node=str(path),
                               op="weights")
        out.setdefault(node, {})[param] = value
    return out


def random_weights(graph: Graph, seed: int = 0) -> Weights:
    """Random neutral weights for ``graph``, each parameter drawn from the initializer
    its op declares (He-scaled kernels, small biases, batch-norm statistics away from
    the identity); counters are not weights and are left out. ResourceError, before any
    draw, when they would not fit in memory (:func:`~netir.ir.limits.check_weights_memory`)."""
    check_weights_memory(graph)
    rng = np.random.default_rng(seed)
    out: Weights = {}
    for node in graph.nodes:
        inputs = graph.input_shapes(node)
        params = {p.name: p.init.draw(rng, tuple(p.shape(node.attrs, inputs)))
                  for p in node.spec.parameters
                  if p.role != COUNTER and p.present(node.attrs)}
        if params:
            out[node.name] = params
    return out
