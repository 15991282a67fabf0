"""Training the emitted models: agreement across frameworks, and a watched run on data.

- :func:`training_agreement`: train-mode forward, gradients, running statistics,
  weights after SGD steps and inference after training, compared in float64;
- :func:`train_curves`: ``netir train``'s run (same weights, same batches, every
  framework), returning the JSON record and drawing the picture;
- :func:`plot_curves`: the picture of a record.

Imports no framework until a function runs.
"""

from __future__ import annotations

_LAZY = {
    "training_agreement": "netir.training.agreement",
    "train_curves": "netir.training.curves",
    "plot_curves": "netir.training.plot",
    "load_dataset": "netir.training.data",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'netir.training' has no attribute {name!r}")


__all__ = sorted(_LAZY)
