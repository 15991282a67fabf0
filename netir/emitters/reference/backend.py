"""The NumPy reference backend object: models are :class:`ReferenceModel` s (float32)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

from netir.emitters.backend import Backend
from netir.emitters.reference import model as reference_model
from netir.emitters.reference.lowerings import LOWERINGS
from netir.ir.files import write_atomic


class ReferenceBackend(Backend):
    """Runs a graph by its canonical semantics in NumPy; NCHW in and out."""

    name = "reference"
    model_file = "model.reference.npz"
    lowerings = LOWERINGS

    def emit(self, graph, outputs: Sequence[str] | None = None,
             **options) -> reference_model.ReferenceModel:
        return reference_model.to_reference(graph, outputs, **options)

    def emit_loaded(self, graph, outputs, weights) -> reference_model.ReferenceModel:
        # the emitter writes the weights it is given; drawing random ones first would
        # cost as much again (seconds for a network of 100M parameters)
        return self.emit(graph, outputs, weights=weights)

    def export_weights(self, model):
        return reference_model.export_weights(model)

    def weights_graph(self, model):
        return model.graph

    def assign_weights(self, model, weights) -> None:
        reference_model.assign_weights(model, weights)

    def run(self, model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        return reference_model.execute(model, list(inputs))

    def count(self, model) -> tuple[int, int]:
        return reference_model.count_params(model)

    def save(self, model, directory: str | Path) -> Path:
        """One ``.npz``: the graph's JSON, the outputs, the dtype and ``<node>.<param>``."""
        import io

        arrays = {f"{n}.{p}": v for n, ps in model.weights.items() for p, v in ps.items()}
        meta = {"__graph__": np.array(model.graph.to_json()),
                "__outputs__": np.array(model.outputs, dtype=str).reshape(-1),
                "__dtype__": np.array(model.dtype.name)}
        buffer = io.BytesIO()
        np.savez(buffer, **meta, **arrays)
        path = Path(directory) / self.model_file
        write_atomic(path, buffer.getvalue())
        return path

    def load(self, directory: str | Path) -> reference_model.ReferenceModel:
        from netir.ir.graph import Graph

        with np.load(Path(directory) / self.model_file, allow_pickle=False) as data:
            graph = Graph.from_json(str(data["__graph__"]))
            weights: dict[str, dict] = {}
            for key in data.files:
                if not key.startswith("__"):
                    node, _, param = key.rpartition(".")
                    weights.setdefault(node, {})[param] = data[key]
            return reference_model.to_reference(graph, [str(o) for o in data["__outputs__"]],
                                  dtype=str(data["__dtype__"]), weights=weights)

    def owns(self, model) -> bool:
        return isinstance(model, reference_model.ReferenceModel)


BACKEND = ReferenceBackend()
