"""The canonical saved form of a model: ``graph.json`` + ``weights.safetensors``.

Neither file holds code, so loading runs nothing from the files (no pickle): the
graph is rebuilt by the validating JSON loader, the model by an emitter, and the
weights are checked tensor by tensor against it. Any backend loads what any other
saved, since both files are framework-neutral.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from netir.ir.files import write_tree
from netir.ir.graph import Graph

GRAPH_FILE = "graph.json"
WEIGHTS_FILE = "weights.safetensors"


def save(directory: str | os.PathLike, graph: Graph, model: Any,
         extra: dict[str, Any] | None = None) -> Path:
    """Write ``graph`` and ``model``'s weights (neutral layout) to ``directory`` as one
    unit; ``extra`` adds files (name -> bytes, text, or a function writing the given
    path). The set replaces the whole folder in one step (a kill leaves the old set or
    the new one, never a mix; :func:`netir.ir.files.write_tree`), so an existing
    ``directory`` may hold only another saved set's files (``graph.json``,
    ``weights.safetensors``, ``model`` and ``model.*``, any backend's model files):
    one with other files, or the current folder, is refused. Raises FileError."""
    from netir.emitters.weights import export_weights, weights_bytes

    files = {GRAPH_FILE: graph.to_json(),
             WEIGHTS_FILE: weights_bytes(export_weights(model)), **(extra or {})}
    return write_tree(directory, files, replaceable=is_saved_file)


def is_saved_file(name: str) -> bool:
    """Whether a file of this name is one a saved set may hold (see :func:`save`)."""
    return name in (GRAPH_FILE, WEIGHTS_FILE) or name == "model" or name.startswith("model.")


def load(directory: str | os.PathLike, backend: str = "torch", **options: Any) -> Any:
    """A live ``backend`` model rebuilt from a directory written by :func:`save`.

    Raises FileError (missing or unreadable files), SerializationError (graph) or
    WeightsError (weights that do not fit the graph's model).
    """
    from netir.emitters.registry import emit
    from netir.emitters.weights import import_weights, load_weights

    directory = Path(directory)
    graph = Graph.load(directory / GRAPH_FILE)
    weights = load_weights(directory / WEIGHTS_FILE)
    model = emit(graph, backend, **options)
    import_weights(model, weights)
    return model
