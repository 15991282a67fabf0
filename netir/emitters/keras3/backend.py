"""The Keras 3 backend object: emit, weights, inference, counts and files in one place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np

from netir.emitters.backend import Backend
from netir.emitters.keras3 import emit as E
from netir.emitters.keras3 import weights as W
from netir.emitters.keras3.lowerings import LOWERINGS


def _channels_last(x: np.ndarray) -> np.ndarray:
    return np.transpose(x, (0, 2, 3, 1)) if x.ndim == 4 else x


def _channels_first(x: np.ndarray) -> np.ndarray:
    return np.transpose(x, (0, 3, 1, 2)) if x.ndim == 4 else x


class KerasBackend(Backend):
    """Models are functional ``keras.Model`` s, channels last inside; ``run`` converts."""

    name = "keras"
    model_file = "model.keras"
    lowerings = LOWERINGS

    def emit(self, graph, outputs: Sequence[str] | None = None, **options) -> keras.Model:
        return E.to_keras(graph, outputs, **options)

    def export_weights(self, model):
        return W.export_weights(model)

    def import_weights(self, model, weights) -> None:
        W.import_weights(model, weights)

    def run(self, model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Inference mode; arrays in and out are NCHW (or N×features)."""
        xs = [_channels_last(np.asarray(x)) for x in inputs]
        out = model(xs[0] if len(xs) == 1 else xs, training=False)
        outs = out if isinstance(out, (list, tuple)) else [out]
        return [_channels_first(keras.ops.convert_to_numpy(y)) for y in outs]

    def count(self, model) -> tuple[int, int]:
        return E.count_params(model)

    def save(self, model, directory: str | Path) -> Path:
        path = Path(directory) / self.model_file
        model.save(path)
        return path

    def load(self, directory: str | Path):
        """The model in ``directory``; with a ``graph.json`` beside it (as ``netir emit``
        writes), its weights can be exported and imported again."""
        from netir.ir.graph import Graph

        model = keras.models.load_model(Path(directory) / self.model_file)
        graph_file = Path(directory) / "graph.json"
        if graph_file.is_file():
            model.netir_graph = Graph.load(graph_file)
        return model

    def owns(self, model) -> bool:
        return isinstance(model, keras.Model)


BACKEND = KerasBackend()
