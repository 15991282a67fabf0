"""Model files another framework wrote, by their suffix: ``.onnx`` through
:func:`netir.importers.onnx.from_onnx`, ``.keras`` through
:func:`netir.importers.keras.from_keras`. The table is the one place that knows which
importer reads which file; the command line asks it."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path


def _onnx(path: str):
    from netir.importers.onnx import from_onnx

    return from_onnx(path)


def _keras(path: str):
    from netir.importers.keras import from_keras

    return from_keras(path)


#: suffix -> importer of the file at a path: ``(graph, weights)``
MODEL_FILES: dict[str, Callable[[str], tuple]] = {".onnx": _onnx, ".keras": _keras}


def is_model_file(text: str) -> bool:
    """A path with a suffix the table reads (the file itself is checked on import)."""
    return Path(text).suffix.lower() in MODEL_FILES


def import_model_file(path: str) -> tuple:
    """``(graph, weights)`` of the model file at ``path``, by its suffix."""
    return MODEL_FILES[Path(path).suffix.lower()](path)


__all__ = ["MODEL_FILES", "import_model_file", "is_model_file"]
