"""Importers: networks written for a framework, read into the IR.

Each importer follows the rule the backends follow: the knowledge of how one framework
construct becomes IR ops is a table entry (:mod:`netir.importers.pytorch.table`,
:mod:`netir.importers.keras.table`, :mod:`netir.importers.onnx.table`), and nothing else
branches on framework or op; :mod:`netir.importers.model_files` says which importer reads
a model file. Importing a PyTorch model runs its code.
"""

from __future__ import annotations

__all__ = ["from_torch"]


def from_torch(module, example_inputs, *, name=None):
    """See :func:`netir.importers.pytorch.from_torch` (loads torch on first use)."""
    from netir.importers.pytorch import from_torch as _from_torch

    return _from_torch(module, example_inputs, name=name)
