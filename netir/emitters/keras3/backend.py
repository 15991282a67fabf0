"""The Keras 3 backend object: emit, weights, inference, counts and files in one place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import keras
import numpy as np

from netir.emitters.backend import Backend
from netir.emitters.keras3 import emit as E
from netir.emitters.keras3 import weights as W
from netir.emitters.keras3.layouts import batch_layouts, to_keras, to_logical
from netir.emitters.keras3.lowerings import LOWERINGS
from netir.emitters.keras3.names import node_name
from netir.emitters.tensorfile import (
    declared_weights,
    normalise_weights,
    regroup_weights,
    validate_weights,
)


class KerasBackend(Backend):
    """Models are functional ``keras.Model`` s, features last inside
    (:mod:`netir.emitters.keras3.layouts`); ``run`` converts."""

    name = "keras"
    model_file = "model.keras"
    lowerings = LOWERINGS
    trainer = "netir.training.trainers:KerasTrainer"

    def emit(self, graph, outputs: Sequence[str] | None = None, **options) -> keras.Model:
        return E.to_keras(graph, outputs, **options)

    def emit_loaded(self, graph, outputs, weights) -> keras.Model:
        # layers start from zeros, not random draws, since the import replaces them all
        with E.no_initial_weights():
            model = self.emit(graph, outputs)
        self.import_weights(model, weights)
        return model

    def narrow(self, model, nodes, outputs) -> keras.Model:
        """``to_keras`` builds the same layers, wired the same way, whatever outputs it
        is asked for, so the model with fewer outputs is a functional model over the
        same layers (building a deep network's layers is most of a Keras check)."""
        return E.narrow(model, list(nodes), list(outputs))

    def export_weights(self, model):
        return W.export_weights(model)

    def weights_graph(self, model):
        return W.model_graph(model)

    def import_weights(self, model, weights) -> None:
        """As every backend's, but a Keras model holds only the layers its outputs depend
        on: weights of graph nodes it does not compute are neither required nor refused
        (ignored, as the PyTorch model keeps such modules unused)."""
        graph = W.model_graph(model)
        held = {node_name(layer.name) for layer in model.layers}
        declared = {n: ps for n, ps in declared_weights(graph).items() if n in held}
        given = {n: ps for n, ps in regroup_weights(normalise_weights(weights), graph).items()
                 if n in held or n not in graph}
        self.assign_weights(model, validate_weights(declared, given))

    def assign_weights(self, model, weights) -> None:
        W.assign_weights(model, weights)

    def run(self, model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Inference mode; arrays in and out are in the logical order (NCHW, N×T×C...)."""
        xs = [np.asarray(x) for x in inputs]
        xs = [to_keras(x, layout) for x, layout in zip(xs, batch_layouts(model, xs, 0))]
        out = model(xs[0] if len(xs) == 1 else xs, training=False)
        outs = [keras.ops.convert_to_numpy(y)
                for y in (out if isinstance(out, (list, tuple)) else [out])]
        return [to_logical(y, layout) for y, layout in zip(outs, batch_layouts(model, outs, 1))]

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
            model.netir_graph = graph = Graph.load(graph_file)
            E.record_layouts(model, graph)
        return model

    def owns(self, model) -> bool:
        return isinstance(model, keras.Model)


BACKEND = KerasBackend()
