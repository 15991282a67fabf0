"""The ONNX backend object: models are ``onnx.ModelProto`` s run by onnxruntime."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx

from netir.emitters.backend import Backend
from netir.emitters.onnx import emit as E
from netir.emitters.onnx import files, runtime
from netir.emitters.onnx import weights as W
from netir.emitters.onnx.lowerings import LOWERINGS


class OnnxBackend(Backend):
    """ONNX's layout is the neutral one; inputs and outputs are NCHW (or N×features)."""

    name = "onnx"
    model_file = "model.onnx"
    lowerings = LOWERINGS

    def emit(self, graph, outputs: Sequence[str] | None = None, **options) -> onnx.ModelProto:
        return E.to_onnx(graph, outputs, **options)

    def emit_loaded(self, graph, outputs, weights) -> onnx.ModelProto:
        # the emitter writes the weights it is given; drawing random ones first would
        # cost as much again (seconds for a network of 100M parameters)
        return self.emit(graph, outputs, weights=weights)

    def export_weights(self, model):
        return W.export_weights(model)

    def import_weights(self, model, weights) -> None:
        W.import_weights(model, weights)

    def run(self, model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        return runtime.run(model, inputs)

    def count(self, model) -> tuple[int, int]:
        return W.count_params(model)

    def save(self, model, directory: str | Path) -> Path:
        path = Path(directory) / self.model_file
        files.save(model, path)
        return path

    def load(self, directory: str | Path) -> onnx.ModelProto:
        return files.load(Path(directory) / self.model_file)

    def owns(self, model) -> bool:
        return isinstance(model, onnx.ModelProto)


BACKEND = OnnxBackend()
