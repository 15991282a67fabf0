"""Neutral weights: ``{node name: {param: array}}`` in PyTorch/ONNX layout.

Every emitter exports and imports this form, so cross-framework transfer is
"export from one, import into the other"; the layouts (OIHW↔HWIO, (out, in)↔(in, out),
batch-norm variable names) live in each emitter's weights code, nowhere else.
"""

from __future__ import annotations

import os
import sys
from typing import Any

import numpy as np

from netir.emitters import tensorfile
from netir.emitters.tensorfile import normalise_weights
from netir.ir.errors import NetIRError, WeightsError
from netir.ir.files import read_bytes, write_atomic
from netir.ir.graph import Graph

MAX_WEIGHTS_BYTES = 64 * 1024**3

Weights = dict[str, dict[str, np.ndarray]]


def _backend(model: Any):
    # Keras first: on Keras' torch backend every Keras model is also a torch.nn.Module.
    keras = sys.modules.get("keras")
    if keras is not None and isinstance(model, keras.Model):
        from netir.emitters import keras3

        return keras3
    torch = sys.modules.get("torch")
    if torch is not None and isinstance(model, torch.nn.Module):
        from netir.emitters import pytorch

        return pytorch
    raise NetIRError("not a PyTorch module or a Keras model", type(model).__name__,
                     node="<model>", op="weights")


def export_weights(model: Any) -> Weights:
    """The model's weights in the neutral layout."""
    return _backend(model).export_weights(model)


def import_weights(model: Any, weights: Weights) -> None:
    """Set the model's weights from the neutral layout (strict)."""
    _backend(model).import_weights(model, weights)


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
    """Random neutral weights for ``graph``: He-scaled kernels, biases around 0, and
    batch-norm statistics far from the identity (mean ≠ 0, var ≠ 1)."""
    rng = np.random.default_rng(seed)
    out: Weights = {}
    for node in graph.nodes:
        trainable, buffers = graph.param_shapes(node)
        params = {}
        for name, shape in {**trainable, **buffers}.items():
            params[name] = _draw(rng, name, shape, node.spec.category)
        if params:
            out[node.name] = params
    return out


def _draw(rng: np.random.Generator, name: str, shape: tuple[int, ...], category: str):
    if category == "norm":
        if name in ("weight", "running_var"):
            return rng.uniform(0.5, 1.5, shape).astype(np.float32)
        return rng.normal(0.0, 0.2, shape).astype(np.float32)
    if name == "weight":
        fan_in = int(np.prod(shape[1:]))
        return rng.normal(0.0, np.sqrt(2.0 / fan_in), shape).astype(np.float32)
    return rng.normal(0.0, 0.1, shape).astype(np.float32)
