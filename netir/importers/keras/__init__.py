"""Import a Keras 3 model into the IR: :func:`from_keras`.

The functional graph (a Sequential model's own) is walked operation by operation
(:mod:`.walk`); each layer or recorded ``keras.ops`` operation becomes IR ops through
its entry in :data:`~.table.TABLE`. Keras is channels last, the IR channels first:
axes and weights are mapped accordingly.
"""

from __future__ import annotations

import os

from netir.importers.keras.table import TABLE
from netir.importers.keras.walk import convert
from netir.ir.errors import ArgumentError, FileError, SerializationError, UnsupportedModelError
from netir.ir.graph import Graph

__all__ = ["from_keras"]


def from_keras(model, *, name: str | None = None) -> tuple[Graph, dict[str, dict]]:
    """``(graph, weights)`` of a Functional or Sequential Keras 3 ``model`` (or the path
    of a ``.keras`` file): the IR graph computing its inference, and its weights in
    the neutral layout (``{node: {param: numpy array}}``).

    Node names are the layer names (a layer made of several IR nodes names the others
    ``<layer>_<role>``). A path is loaded with ``keras.saving.load_model`` in safe
    mode: stock layers run no code from the file; custom layers are trusted only if
    their classes are registered in this process.

    Raises :class:`~netir.ir.errors.UnsupportedModelError` listing every layer the IR
    cannot express (class, layer name, what the IR lacks), and a ShapeError naming the
    node where IR shape inference disagrees with Keras' output shape (an importer
    defect).
    """
    import keras

    if isinstance(model, (str, os.PathLike)):
        model = _load(os.fspath(model))
    if not isinstance(model, keras.Model):
        raise ArgumentError("from_keras takes a Keras 3 model or the path of a .keras file",
                            type(model).__name__, node="<from_keras>", op="from_keras")
    functional = getattr(model, "_functional", None) or model
    if not (hasattr(functional, "_nodes") and hasattr(functional, "inputs")):
        raise UnsupportedModelError("a subclassed Keras model has no graph to walk (build "
                                    "it with the functional API or Sequential)",
                                    type(model).__name__, node=model.name, op="from_keras")
    graph, weights, problems = convert(functional, TABLE, name or model.name)
    if problems:
        raise UnsupportedModelError.listing(problems, "layer(s)", node=model.name,
                                            op="from_keras")
    return graph, weights


def _load(path: str):
    """``keras.saving.load_model`` in safe mode; a missing file is a FileError, a file
    Keras cannot read a SerializationError naming it."""
    import keras

    if not os.path.isfile(path):
        raise FileError("no such model file", path, node="<from_keras>", op="from_keras")
    try:
        return keras.saving.load_model(path, safe_mode=True)
    except Exception as e:  # noqa: BLE001 - whatever Keras raises on a bad file
        first = (str(e).strip().splitlines() or [""])[0][:200]
        raise SerializationError(f"Keras cannot load this file ({type(e).__name__}: "
                                 f"{first})", path, node="<from_keras>",
                                 op="from_keras") from None
