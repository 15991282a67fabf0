"""PyTorch lowerings of the shape, learned-tensor and attention ops
(netir/ir/ops/shape.py, learned.py, attention.py) and their small modules.

Tensors are in the logical order, batch first, as every PyTorch lowering sees them.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from netir.emitters.pytorch.lowerings import BareParameter, _lower
from netir.ir.ops.attention import attention_scale
from netir.ir.ops.shape import dims_of


class Reshape(nn.Module):
    """``x.reshape(n, *shape)``: the logical (row-major) order read into ``shape``."""

    def __init__(self, shape: tuple[int, ...]) -> None:
        super().__init__()
        self.shape = list(shape)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.reshape([x.shape[0]] + self.shape)

    def extra_repr(self) -> str:
        return f"shape={tuple(self.shape)}"


class Permute(nn.Module):
    """``x.permute(0, *dims)`` with ``dims`` batch included."""

    def __init__(self, dims: tuple[int, ...]) -> None:
        super().__init__()
        self.dims = [0] + [d + 1 for d in dims]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.permute(self.dims)

    def extra_repr(self) -> str:
        return f"dims={tuple(self.dims)}"


class Select(nn.Module):
    """``x.select(dim, index)``, ``dim`` batch included."""

    def __init__(self, dim: int, index: int) -> None:
        super().__init__()
        self.dim, self.index = dim, index

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x.select(self.dim, self.index)

    def extra_repr(self) -> str:
        return f"dim={self.dim}, index={self.index}"


class MatMul(nn.Module):
    def forward(self, a: torch.Tensor, b: torch.Tensor) -> torch.Tensor:
        return torch.matmul(a, b)


class Attention(nn.Module):
    """``F.scaled_dot_product_attention(q, k, v, scale=scale)``: no mask, no dropout."""

    def __init__(self, scale: float) -> None:
        super().__init__()
        self.scale = scale

    def forward(self, q: torch.Tensor, k: torch.Tensor, v: torch.Tensor) -> torch.Tensor:
        return F.scaled_dot_product_attention(q, k, v, scale=self.scale)

    def extra_repr(self) -> str:
        return f"scale={self.scale}"


class MultiheadAttention(nn.MultiheadAttention):
    """``nn.MultiheadAttention(batch_first=True)`` returning the attended values only
    (torchvision's ``self_attention(x, x, x, need_weights=False)[0]``); one input
    attends to itself, two are (query, key = value). State keys are torch's own."""

    def forward(self, query: torch.Tensor, key: torch.Tensor | None = None,  # type: ignore[override]
                value: torch.Tensor | None = None) -> torch.Tensor:
        k = query if key is None else key
        v = k if value is None else value
        return super().forward(query, k, v, need_weights=False)[0]


def expand_to_batch(parameter: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """The (1, *S) parameter repeated for each sample of x's batch (torchvision's
    ``class_token.expand(n, -1, -1)``, as a copy: a view of a parameter would require
    gradients even under ``torch.no_grad``)."""
    return parameter.repeat([x.shape[0]] + [1] * (parameter.dim() - 1))


def scale_by(parameter: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
    """ConvNeXt's ``layer_scale * x``, the (C, 1, 1) scale broadcast over the batch."""
    return parameter * x


_lower("reshape")(lambda node, graph, inputs: Reshape(node.shape))
_lower("permute")(lambda node, graph, inputs: Permute(dims_of(node.attrs, len(node.shape))))
_lower("transpose")(lambda node, graph, inputs: Permute(dims_of(node.attrs, len(node.shape))))
_lower("select")(
    lambda node, graph, inputs: Select(node.attrs["axis"] + 1, node.attrs["index"]))
_lower("parameter")(
    lambda node, graph, inputs: BareParameter((1, *node.shape), expand_to_batch))
_lower("layer_scale")(
    lambda node, graph, inputs: BareParameter(graph.param_shapes(node)[0]["weight"], scale_by))
_lower("matmul")(lambda node, graph, inputs: MatMul())


@_lower("scaled_dot_product_attention")
def _attention(node, graph, inputs):
    return Attention(attention_scale(node.attrs, graph.input_shapes(node)[0][-1]))


@_lower("multi_head_attention")
def _multi_head_attention(node, graph, inputs):
    return MultiheadAttention(node.shape[-1], node.attrs["num_heads"], bias=node.attrs["bias"],
                              batch_first=True)
