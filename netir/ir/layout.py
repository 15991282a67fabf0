"""Logical layouts: which axis of a tensor holds its features.

Rank alone is ambiguous, a (C, L) sequence and a (T, C) token sequence are both of rank
2, so every tensor of a graph carries a layout: a string of axis letters, batch
excluded, in the tensor's logical order. ``C`` always marks the feature axis:

==========  ==================  ============================================
layout      shape               what it is
==========  ==================  ============================================
``C``       (C,)                features
``CL``      (C, L)              a sequence, features first (1-D convolution)
``CHW``     (C, H, W)           a map, features first
``CDHW``    (C, D, H, W)        a volume, features first
``TC``      (T, C)              tokens, features last (as transformers store them)
==========  ==================  ============================================

The logical order is what the IR, the NumPy reference, PyTorch and ONNX hold. Each
emitter chooses a physical order per tensor from the layout (Keras moves ``C`` last,
see :func:`features_last`), so layouts decide where an exact transpose is needed.
Each op derives its output layout from its inputs (``OpSpec.layout``); graph inputs
state theirs (``g.input((16, 8), layout="TC")``, default the first layout of the rank).
"""

from __future__ import annotations

from netir.ir.errors import AttributeValueError

#: Every rank a tensor may have (batch excluded): what element-wise ops declare.
ANY_RANK = (1, 2, 3, 4)
FEATURES, SEQUENCE, MAP, VOLUME, TOKENS = "C", "CL", "CHW", "CDHW", "TC"
#: Every layout, the default of each rank first.
LAYOUTS = (FEATURES, SEQUENCE, MAP, VOLUME, TOKENS)
#: Layouts with the features on the first axis (what PyTorch's channel ops expect).
FEATURES_FIRST = (FEATURES, SEQUENCE, MAP, VOLUME)
#: Layouts with positions besides the features (what a global pool reduces).
POSITIONED = (SEQUENCE, MAP, VOLUME, TOKENS)
_DEFAULT = {len(layout): layout for layout in reversed(LAYOUTS)}


def default_layout(rank: int) -> str:
    """The layout a tensor of ``rank`` has unless stated: ``C``, ``CL``, ``CHW``, ``CDHW``."""
    return _DEFAULT[rank]


def layouts_of_rank(rank: int) -> tuple[str, ...]:
    """Every layout of ``rank``, the default first."""
    return tuple(layout for layout in LAYOUTS if len(layout) == rank)


def feature_axis(layout: str) -> int:
    """The logical axis (batch excluded) that holds the features."""
    return layout.index("C")


def positions(layout: str) -> tuple[int, ...]:
    """The logical axes (batch excluded) that are not the features: what a global pool
    reduces (H, W of a map; T of tokens)."""
    return tuple(i for i, a in enumerate(layout) if a != "C")


def features_last(layout: str) -> tuple[int, ...]:
    """The physical order of a features-last backend (Keras) as logical axes:
    ``CHW`` -> (1, 2, 0), ``TC`` -> (0, 1)."""
    c = feature_axis(layout)
    return (*(i for i in range(len(layout)) if i != c), c)


def check_layout(name: str, layout: object, rank: int) -> str:
    """``layout`` if it is a layout of ``rank``, else AttributeValueError."""
    if layout not in layouts_of_rank(rank):
        raise AttributeValueError(
            f"attribute '{name}' must be one of {list(layouts_of_rank(rank))} for a "
            f"tensor of rank {rank}", repr(layout)[:200])
    return layout


class TensorType(tuple):
    """A shape (batch excluded) that knows its layout: what op rules receive for each
    input. It is a tuple of ints, so rules that read ``inputs[0][0]`` keep working;
    ``.layout`` and ``.features`` say which axis holds the features."""

    layout: str

    def __new__(cls, shape: tuple[int, ...], layout: str) -> TensorType:
        self = super().__new__(cls, shape)
        self.layout = layout
        return self

    @property
    def feature_axis(self) -> int:
        return feature_axis(self.layout)

    @property
    def features(self) -> int:
        """The size of the feature axis."""
        return self[feature_axis(self.layout)]

    def __repr__(self) -> str:
        return f"TensorType({tuple(self)}, {self.layout!r})"

    def __reduce__(self):
        return TensorType, (tuple(self), self.layout)
