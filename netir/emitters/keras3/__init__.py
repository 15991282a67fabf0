"""The Keras 3 emitter (imports keras)."""

import netir.emitters.keras3.quiet  # noqa: F401, I001  (first: TF log level, before keras)
from netir.emitters.keras3.backend import BACKEND, KerasBackend
from netir.emitters.keras3.emit import count_params, to_keras
from netir.emitters.keras3.weights import export_weights, import_weights

emit = to_keras

__all__ = ["BACKEND", "KerasBackend", "count_params", "emit", "export_weights",
           "import_weights", "to_keras"]
