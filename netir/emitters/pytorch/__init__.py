"""The PyTorch emitter (imports torch)."""

from netir.emitters.pytorch import lowerings  # noqa: F401  (registers the built-in lowerings)
from netir.emitters.pytorch.emit import count_params, export_weights, import_weights, to_torch

emit = to_torch

__all__ = ["count_params", "emit", "export_weights", "import_weights", "to_torch"]
