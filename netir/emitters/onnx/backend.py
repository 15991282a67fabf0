"""The ONNX backend object: models are ``onnx.ModelProto`` s run by onnxruntime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx

from netir.emitters.backend import Backend
from netir.emitters.onnx import emit as onnx_emit
from netir.emitters.onnx import files, runtime
from netir.emitters.onnx import weights as onnx_weights
from netir.emitters.onnx.lowerings import LOWERINGS


class OnnxBackend(Backend):
    """ONNX's layout is the neutral one; inputs and outputs are NCHW (or N×features)."""

    name = "onnx"
    model_file = "model.onnx"
    lowerings = LOWERINGS

    def emit(self, graph, outputs: Sequence[str] | None = None, **options) -> onnx.ModelProto:
        return onnx_emit.to_onnx(graph, outputs, **options)

    def emit_loaded(self, graph, outputs, weights) -> onnx.ModelProto:
        """Emitted with ``weights`` (drawing random ones first would cost as much again).
        A model with values inside the graph among its outputs (a check's per-node
        model) is run with onnxruntime's basic optimizations: with every value an
        output there is next to nothing to fuse, and the full level's passes took 2–3×
        as long to open the session. The model of the graph's outputs, as users run
        it, keeps the full level."""
        model = self.emit(graph, outputs, weights=weights)
        ends = {n.name for n in graph.outputs}
        if outputs is not None and not {graph[n].name for n in outputs} <= ends:
            model.metadata_props.add(key=runtime.LEVEL_KEY, value="basic")
        return model

    def narrow(self, model, nodes, outputs) -> onnx.ModelProto:
        """The emitter writes every node of the graph whatever its outputs, so the model
        of ``outputs`` is ``model`` with its other graph outputs (and the per-node mark)
        removed: the same bytes as ``emit(graph, outputs, weights=weights)``, what users
        run, without copying the weights into a second model. ``model`` itself is
        changed and returned (a check does not use the per-node model again)."""
        wanted = list(outputs)
        by_name = {o.name: o for o in model.graph.output}
        kept = [type(by_name[n])() for n in wanted]
        for copy, name in zip(kept, wanted):
            copy.CopyFrom(by_name[name])
        del model.graph.output[:]
        model.graph.output.extend(kept)
        props = [(p.key, p.value) for p in model.metadata_props if p.key != runtime.LEVEL_KEY]
        del model.metadata_props[:]
        for key, value in props:
            model.metadata_props.add(key=key, value=value)
        return model

    def export_weights(self, model):
        return onnx_weights.export_weights(model)

    def weights_graph(self, model):
        return onnx_weights.declared_weights(model)

    def assign_weights(self, model, weights) -> None:
        onnx_weights.assign_weights(model, weights)

    def run(self, model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        return runtime.run(model, inputs)

    def count(self, model) -> tuple[int, int]:
        return onnx_weights.count_params(model)

    def save(self, model, directory: str | Path) -> Path:
        path = Path(directory) / self.model_file
        files.save(model, path)
        return path

    def load(self, directory: str | Path) -> onnx.ModelProto:
        return files.load(Path(directory) / self.model_file)

    def owns(self, model) -> bool:
        return isinstance(model, onnx.ModelProto)


BACKEND = OnnxBackend()
