"""What a traced torch value stands for while it is converted.

An fx node's value is an IR :class:`~netir.ir.node.Tensor`, a Python constant (taken
from the traced run: sizes, dims), :class:`Batch` (the batch size, ``x.size(0)``), a
learned tensor not yet placed (:class:`Param`), or a view that PyTorch code spells in
several steps and the IR as one op (:class:`Permuted`, :class:`GroupSplit`,
:class:`Flattened`): these wait for the step that closes them (permute back, the view
after the transpose) and become IR ops only then.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from netir.ir.node import Tensor


class Unsupported(Exception):
    """Raised by a table entry: what the IR lacks for this node (collected, not shown
    alone: :class:`~netir.ir.errors.UnsupportedModelError` lists every one)."""


@dataclass(frozen=True)
class Batch:
    """The batch size: ``x.size(0)``, ``x.shape[0]`` (``of``: the tensor it was read
    from, which gives a learned tensor expanded to it its batch)."""

    of: Tensor

    def __repr__(self) -> str:
        return "BATCH"


@dataclass(frozen=True)
class Param:
    """A module's parameter or buffer read as a tensor (fx ``get_attr``): ``path`` is
    its state_dict key."""

    path: str
    value: torch.Tensor


@dataclass(frozen=True)
class Expanded:
    """``param.expand(n, -1, ...)``: a learned (1, ...) tensor given the batch of
    ``of``, not yet placed: concatenated, it takes its partner as its input and layout
    (ViT's class token beside the patches), else ``of``'s."""

    param: Param
    of: Tensor


@dataclass(frozen=True)
class Permuted:
    """``tensor.permute(dims)`` (``dims`` batch included), not yet an IR op: element-wise
    ops, a LayerNorm or Linear on the last axis pass through it, and the inverse
    permute closes it (ConvNeXt's permute -> LayerNorm -> Linear -> permute back)."""

    tensor: Tensor
    dims: tuple[int, ...]

    @property
    def feature_dim(self) -> int:
        """The torch dim (batch included) that holds the features after the permute."""
        from netir.ir.layout import feature_axis

        return self.dims.index(feature_axis(self.tensor.layout) + 1)


@dataclass(frozen=True)
class BatchMoved:
    """``tensor.permute(dims)`` with the batch moved from the front (``dims`` batch
    included), not an IR tensor: only its parts along the new first axis are, taken
    by ``unbind(0)`` or ``[i]`` (timm's ``qkv.permute(2, 0, 3, 1, 4).unbind(0)``)."""

    tensor: Tensor
    dims: tuple[int, ...]


@dataclass(frozen=True)
class GroupSplit:
    """``x.view(n, g, c // g, h, w)`` of a map (``swapped`` once the two group axes are
    transposed): the view back to (n, c, h, w) after the transpose is channel_shuffle."""

    tensor: Tensor
    groups: int
    swapped: bool = False


@dataclass(frozen=True)
class Flattened:
    """``x.flatten(2)`` of a map, (C, H·W): transposed, it is the IR's to_tokens (ViT's
    patch embedding); used otherwise, a reshape to a (C, L) sequence."""

    tensor: Tensor


@dataclass(frozen=True)
class Lacking:
    """A value the IR has no tensor for (attention weights): using it is unsupported."""

    reason: str


@dataclass(frozen=True)
class Missing:
    """The output of a node that could not be converted (already reported)."""


MISSING = Missing()


def not_a_tensor(value) -> Unsupported:
    """What the IR lacks for taking ``value`` where it takes a tensor."""
    if isinstance(value, Param):
        return Unsupported(f"the learned tensor {value.path!r} is used other than as a "
                           "class token, position embedding or layer scale")
    if isinstance(value, GroupSplit):
        return Unsupported("a channel-group view is used other than in channel_shuffle "
                           "(view, transpose(1, 2), view back)")
    if isinstance(value, Lacking):
        return Unsupported(value.reason)
    if isinstance(value, BatchMoved):
        return Unsupported(f"permute{value.dims} moves the batch axis, and the result is "
                           "used other than split along its first axis (unbind(0), [i])")
    if isinstance(value, torch.Tensor):
        return Unsupported(f"a constant tensor of shape {tuple(value.shape)} computed in "
                           "forward (the IR's learned tensors are module parameters)")
    if isinstance(value, Batch):
        return Unsupported("the batch size used as a value (the IR's ops act per sample)")
    return Unsupported(f"a {type(value).__name__} where the IR takes a tensor")
