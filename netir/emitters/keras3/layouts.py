"""Keras' physical layout of each tensor: the logical layout with its features last.

A map ``CHW`` is held as (H, W, C), a sequence ``CL`` as (L, C), a volume ``CDHW`` as
(D, H, W, C); features ``C`` and tokens ``TC`` are held as they are. Element-wise ops,
dense, softmax and concat then need no transpose; an op whose meaning depends on the
logical order of the axes (flatten in C, H, W order, a permute) inserts an exact one.
:func:`count_transposes` counts what a model holds.
"""

from __future__ import annotations

import keras
import numpy as np

from netir.ir.layout import default_layout, features_last


def keras_axis(logical: int, layout: str) -> int:
    """A logical axis (batch excluded) as a Keras axis (batch included); the features
    are -1, as Keras layers write them."""
    order = features_last(layout)
    physical = order.index(logical)
    return -1 if physical == len(order) - 1 else physical + 1


def keras_order(layout: str) -> tuple[int, ...]:
    """The batch-first logical axis that each Keras axis (batch included) holds, for a
    tensor of ``layout``: ``(0, 2, 3, 1)`` for a map."""
    return (0, *(i + 1 for i in features_last(layout)))


def keras_batch_axis(axis: int, layout: str) -> int:
    """A batch-first logical axis (a plan's, :attr:`netir.ir.plan.NodePlan.axes`) as a
    Keras axis; the features are -1, as Keras layers write them."""
    order = keras_order(layout)
    physical = order.index(axis)
    return -1 if physical == len(order) - 1 else physical


def keras_shape(shape: tuple[int, ...], layout: str) -> tuple[int, ...]:
    """The Keras shape (batch excluded) of a tensor of logical ``shape``."""
    return tuple(shape[i] for i in features_last(layout))


def to_keras(x: np.ndarray, layout: str) -> np.ndarray:
    """A batch in the logical order -> Keras' order."""
    return np.transpose(x, (0, *(i + 1 for i in features_last(layout))))


def to_logical(x: np.ndarray, layout: str) -> np.ndarray:
    """A batch in Keras' order -> the logical order."""
    return np.transpose(x, np.argsort((0, *(i + 1 for i in features_last(layout)))))


def batch_layouts(model: keras.Model, arrays: list[np.ndarray], key: int) -> list[str]:
    """The layouts of a model's inputs (``key`` 0) or outputs (1): recorded at emission,
    else the default of each array's rank (a model loaded without its graph)."""
    recorded = getattr(model, "netir_layouts", None)
    if recorded is not None:
        return list(recorded[key])
    return [default_layout(np.ndim(x) - 1) for x in arrays]


def permutes(layer: keras.layers.Layer) -> bool:
    """Whether ``layer`` moves data between axes (a transpose that is not the identity)."""
    moves = getattr(layer, "moves_axes", None)
    if moves is not None:
        return bool(moves())
    if isinstance(layer, keras.layers.Permute):
        return tuple(layer.dims) != tuple(range(1, len(layer.dims) + 1))
    return False


def count_transposes(model: keras.Model) -> int:
    """The transposes an emitted Keras model holds: Permute layers and netir layers that
    reorder axes (a flatten of a map with more than one position), identities excluded."""
    return sum(permutes(layer) for layer in model.layers)


__all__ = ["batch_layouts", "count_transposes", "keras_axis", "keras_batch_axis", "keras_order",
           "keras_shape", "permutes", "to_keras", "to_logical"]
