"""The PyTorch backend object: emit, weights, inference, counts and files in one place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from netir.emitters.backend import Backend
from netir.emitters.pytorch import emit as E
from netir.emitters.pytorch.lowerings import LOWERINGS


class TorchBackend(Backend):
    """Models are ``torch.fx.GraphModule`` s (NCHW, float32, CPU by default)."""

    name = "torch"
    model_file = "model.pt"
    lowerings = LOWERINGS

    def emit(self, graph, outputs: Sequence[str] | None = None, **options) -> torch.nn.Module:
        return E.to_torch(graph, outputs, **options)

    def emit_loaded(self, graph, outputs, weights) -> torch.nn.Module:
        # built without drawing initial weights, since the import replaces them all
        with E.no_initial_weights():
            model = self.emit(graph, outputs)
        self.import_weights(model, weights)
        return model

    def export_weights(self, model):
        return E.export_weights(model)

    def import_weights(self, model, weights) -> None:
        E.import_weights(model, weights)

    def run(self, model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Inference mode, no gradients; arrays in and out are NCHW (or N×features)."""
        model.eval()
        with torch.no_grad():
            out = model(*(torch.from_numpy(np.asarray(x)) for x in inputs))
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        return [t.detach().cpu().numpy() for t in outs]

    def count(self, model) -> tuple[int, int]:
        return E.count_params(model)

    def save(self, model, directory: str | Path) -> Path:
        path = Path(directory) / self.model_file
        torch.save(model, path)
        return path

    def load(self, directory: str | Path):
        return torch.load(Path(directory) / self.model_file, weights_only=False)

    def owns(self, model) -> bool:
        return isinstance(model, torch.nn.Module)


BACKEND = TorchBackend()
