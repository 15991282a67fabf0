"""Parameter declarations: an op's weights, declared once on its :class:`OpSpec`.

A :class:`Param` says what a weight is (name, role), how it is shaped (a rule of the
attributes and input shapes, in the neutral PyTorch/ONNX layout, whose axes
``layout`` names), when it exists (``bias=False`` drops a bias) and how
:func:`netir.emitters.weights.random_weights` draws it. Counts, neutral weights,
backend layouts and random initialisation all read these declarations.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from math import prod
from typing import Any

import numpy as np

from netir.ir.errors import NetIRError

Shape = tuple[int, ...]
Attrs = Mapping[str, Any]

#: Roles: trainable weights and biases, running statistics (float buffers that are
#: part of the neutral weights), counters (integer bookkeeping that is not).
WEIGHT, BIAS, RUNNING_STAT, COUNTER = "weight", "bias", "running statistic", "counter"
ROLES = (WEIGHT, BIAS, RUNNING_STAT, COUNTER)
TRAINABLE = (WEIGHT, BIAS)


@dataclass(frozen=True)
class Init:
    """A float32 initializer: ``draw(rng, shape) -> array``, described by ``text``."""

    text: str
    sample: Callable[[np.random.Generator, Shape], np.ndarray]

    def draw(self, rng: np.random.Generator, shape: Shape) -> np.ndarray:
        return np.asarray(self.sample(rng, tuple(shape)), dtype=np.float32)

    def __str__(self) -> str:
        return self.text


def he_normal(fan_in_axes: tuple[int, ...]) -> Init:
    """Normal with std sqrt(2 / fan-in), the fan-in being the product of ``fan_in_axes``
    of the neutral shape (OIHW: (1, 2, 3); (out, in): (1,))."""
    axes = tuple(fan_in_axes)

    def sample(rng, shape):
        std = np.float32(np.sqrt(2.0 / prod(shape[i] for i in axes)))
        return rng.standard_normal(shape, dtype=np.float32) * std

    return Init(f"He normal over axes {axes}", sample)


def normal(std: float, mean: float = 0.0) -> Init:
    return Init(f"normal(mean {mean:g}, std {std:g})",
                lambda rng, shape: rng.standard_normal(shape, dtype=np.float32)
                * np.float32(std) + np.float32(mean))


def uniform(low: float, high: float) -> Init:
    # drawn in float32 (numpy's float32 generators are several times faster than its
    # float64 ones, which matters for a check's hundreds of millions of weights)
    return Init(f"uniform[{low:g}, {high:g})",
                lambda rng, shape: rng.random(shape, dtype=np.float32)
                * np.float32(high - low) + np.float32(low))


ZEROS = Init("zeros", lambda rng, shape: np.zeros(shape))


def _always(attrs: Attrs) -> bool:
    return True


@dataclass(frozen=True)
class Param:
    """One parameter of an op.

    ``layout`` names the axes of its neutral (PyTorch/ONNX) layout with letters (``OIHW``:
    out, in, height, width; ``OI``: out, in; ``C``: channels), or ``S`` for the
    logical axes of a tensor (``1S`` with a leading batch axis of 1), which is all a
    backend needs to convert it; ``init`` draws random values; ``shape(attrs,
    input_shapes)`` gives its shape in that layout; ``present(attrs)`` says whether the
    node has it.
    """

    name: str
    role: str
    layout: str
    init: Init
    shape: Callable[[Attrs, list[Shape]], Shape]
    present: Callable[[Attrs], bool] = _always
    doc: str = ""

    def __post_init__(self) -> None:
        if self.role not in ROLES:
            raise NetIRError(f"a parameter's role must be one of {ROLES}", repr(self.role),
                             node="<registry>", op=f"parameter {self.name}")

    @property
    def trainable(self) -> bool:
        return self.role in TRAINABLE


def param_shapes(params: tuple[Param, ...], attrs: Attrs,
                 inputs: list[Shape]) -> tuple[dict[str, Shape], dict[str, Shape]]:
    """``(trainable, buffers)`` as ``{name: shape}``, declaration order; counters are
    left out (they are not weights)."""
    trainable: dict[str, Shape] = {}
    buffers: dict[str, Shape] = {}
    for p in params:
        if p.role == COUNTER or not p.present(attrs):
            continue
        (trainable if p.trainable else buffers)[p.name] = tuple(p.shape(attrs, inputs))
    return trainable, buffers


def channels(attrs: Attrs, inputs: list[Shape]) -> Shape:
    """Shape rule of a per-channel parameter: ``(C,)`` of the first input."""
    return (inputs[0][0],)
