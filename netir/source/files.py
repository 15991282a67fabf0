"""A source folder: ``model.py`` (:func:`netir.to_source`) and its weights in the
framework's own plain format, the files ``netir emit --source`` writes.

Nothing in the folder is netir's: ``model.py`` imports only its framework (and NumPy),
and the weights load with that framework alone. PyTorch's are the source model's
``state_dict`` saved with ``torch.save`` (plain tensors, so ``torch.load`` reads them
with its defaults, ``weights_only=True``); Keras' are the source model's own
``.weights.h5`` (``model.save_weights``, read by ``model.load_weights``). Each weights
format is an entry of :data:`WEIGHTS_FORMATS`, keyed by the source emitter's name.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

SOURCE_FILE = "model.py"


@dataclass(frozen=True)
class WeightsFormat:
    """Where a framework's weights go (``file``) and how: ``write(graph, source,
    weights, path)`` writes neutral ``weights`` of ``graph`` as the model that the file
    ``source`` builds holds them."""

    file: str
    write: Callable[..., None]


def _model_class(source: str) -> str:
    """The model a PyTorch source file defines: its last class."""
    import ast

    return [n.name for n in ast.parse(source).body if isinstance(n, ast.ClassDef)][-1]


def write_torch_weights(graph, source: str, weights, path: Path) -> None:
    """The source model's ``state_dict``, loaded strictly from netir's PyTorch model
    with ``weights``, saved with ``torch.save``."""
    import torch

    from netir.emitters.pytorch.emit import to_torch

    namespace: dict = {}
    exec(compile(source, SOURCE_FILE, "exec"), namespace)  # noqa: S102 - our own file
    model = namespace[_model_class(source)]()
    model.load_state_dict(to_torch(graph, weights=weights).state_dict(), strict=True)
    torch.save(model.state_dict(), path)


def write_keras_weights(graph, source: str, weights, path: Path) -> None:
    """The Keras source model's own ``.weights.h5``."""
    from netir.source.keras.weights import save_weights

    save_weights(graph, weights, path, source)


WEIGHTS_FORMATS: dict[str, WeightsFormat] = {
    "torch": WeightsFormat("weights.pt", write_torch_weights),
    "keras": WeightsFormat("model.weights.h5", write_keras_weights),
}


def source_backends() -> list[str]:
    """The source emitters whose weights a folder can hold, sorted."""
    from netir.source import list_sources

    return sorted(set(list_sources()) & set(WEIGHTS_FORMATS))


def is_source_file(name: str) -> bool:
    """Whether a file of this name is one a source folder holds."""
    return name == SOURCE_FILE or name in {f.file for f in WEIGHTS_FORMATS.values()}


def write_source_folder(directory: str | os.PathLike, graph, backend: str, weights=None,
                        replaceable: Callable[[str], bool] = lambda name: False) -> list[Path]:
    """Write ``model.py`` and its weights for ``backend`` into ``directory`` as one unit
    (:func:`netir.ir.files.write_tree`: a kill leaves the old set or the new one); the
    folder may already hold a source folder's files or what ``replaceable`` accepts.
    ``weights``: neutral weights of ``graph`` (default: :func:`netir.random_weights`,
    seed 0). Returns the paths written."""
    import netir
    from netir.ir.files import write_tree

    chosen = WEIGHTS_FORMATS[backend]
    source = netir.to_source(graph, backend)
    weights = netir.random_weights(graph) if weights is None else weights
    files = {SOURCE_FILE: source,
             chosen.file: lambda path: chosen.write(graph, source, weights, path)}
    out = write_tree(directory, files,
                     replaceable=lambda name: is_source_file(name) or replaceable(name))
    return [out / name for name in sorted(files)]
