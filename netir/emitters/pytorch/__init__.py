"""The PyTorch emitter (imports torch)."""

from netir.emitters.pytorch.backend import BACKEND, TorchBackend
from netir.emitters.pytorch.emit import count_params, export_weights, import_weights, to_torch

emit = to_torch

__all__ = ["BACKEND", "TorchBackend", "count_params", "emit", "export_weights",
           "import_weights", "to_torch"]
