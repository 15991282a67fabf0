"""Weights for a Keras source file: the generated model's own ``.weights.h5``.

The generated model holds the layers of netir's Keras model under the same names with
the same variables, so a layer's weights are copied by name; the file is Keras' own
``model.save_weights`` of the generated model, which ``model.load_weights`` reads with
Keras alone.
"""

from __future__ import annotations

import ast
from pathlib import Path

from netir.ir.errors import WeightsError


def model_function(source: str) -> str:
    """The name of the function that builds the model: the file's last."""
    return [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)][-1]


def build(source: str):
    """The model a Keras source file builds (its code run here)."""
    namespace: dict = {}
    exec(compile(source, "model.py", "exec"), namespace)  # noqa: S102 - our own file
    return namespace[model_function(source)]()


def copy_weights(reference, model) -> None:
    """Every weighted layer of ``reference`` (netir's Keras model) into the layer of
    ``model`` of the same name; both hold the same weighted layers."""
    held = {layer.name for layer in model.layers if layer.weights}
    given = {layer.name for layer in reference.layers if layer.weights}
    if held != given:
        raise WeightsError("the source model's weighted layers are not netir's",
                           f"only in the source: {sorted(held - given)[:5]}, only in "
                           f"netir's: {sorted(given - held)[:5]}", node=model.name,
                           op="weights")
    for layer in reference.layers:
        if layer.weights:
            model.get_layer(layer.name).set_weights(layer.get_weights())


def save_weights(graph, weights, path: str | Path, source: str | None = None,
                 outputs=None) -> Path:
    """``path`` (``*.weights.h5``): neutral ``weights`` of ``graph`` as the Keras source
    model's own weights file."""
    import netir
    from netir.emitters.keras3.emit import to_keras

    source = netir.to_source(graph, "keras", outputs) if source is None else source
    model = build(source)
    copy_weights(to_keras(graph, outputs, weights=weights), model)
    model.save_weights(str(path))
    return Path(path)
