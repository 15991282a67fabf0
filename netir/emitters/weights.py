"""Neutral weights: ``{node name: {param: array}}`` in PyTorch/ONNX layout.

Every backend exports and imports this form, so cross-framework transfer is
"export from one, import into the other". A model's backend is found by asking the
registered backends (:func:`netir.emitters.registry.backend_of`).
"""

from __future__ import annotations

import os
from typing import Any

import numpy as np

from netir.emitters.backend import Weights
from netir.emitters.registry import backend_of
from netir.ir.files import write_atomic
from netir.ir.graph import Graph
from netir.ir.params import COUNTER

__all__ = ["Weights", "export_weights", "import_weights", "load_weights", "random_weights",
           "save_weights", "transfer_weights"]


def export_weights(model: Any) -> Weights:
    """The model's weights in the neutral layout; NetIRError when no backend owns it."""
    return backend_of(model).export_weights(model)


def import_weights(model: Any, weights: Weights) -> None:
    """Set the model's weights from the neutral layout (strict)."""
    backend_of(model).import_weights(model, weights)


def transfer_weights(src: Any, dst: Any) -> None:
    """Copy weights between any two emitted models of the same graph."""
    import_weights(dst, export_weights(src))


def save_weights(weights: Weights, path: str | os.PathLike) -> None:
    """Write neutral weights as safetensors (keys ``<node>.<param>``), atomically."""
    from safetensors.numpy import save

    flat = {f"{n}.{p}": np.ascontiguousarray(v) for n, ps in sorted(weights.items())
            for p, v in sorted(ps.items())}
    write_atomic(path, save(flat, metadata={"format": "netir.weights.v1"}))


def load_weights(path: str | os.PathLike) -> Weights:
    """Read neutral weights written by :func:`save_weights`."""
    from safetensors.numpy import load

    with open(path, "rb") as f:
        flat = load(f.read())
    out: Weights = {}
    for key, value in flat.items():
        node, _, param = key.rpartition(".")
        out.setdefault(node, {})[param] = value
    return out


def random_weights(graph: Graph, seed: int = 0) -> Weights:
    """Random neutral weights for ``graph``, each parameter drawn from the initializer
    its op declares (He-scaled kernels, small biases, batch-norm statistics away from
    the identity); counters are not weights and are left out."""
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
