"""PyTorch lowerings of matmul and attention (netir/ir/ops/attention.py). A module
is called with the plan's operands (multi-head attention's query, key and value,
resolved by the IR), so none defaults a missing one."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from netir.ir.ops.attention import attention_scale


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
    (torchvision's ``self_attention(x, x, x, need_weights=False)[0]``). State keys are
    torch's own."""

    def forward(self, query: torch.Tensor, key: torch.Tensor,  # type: ignore[override]
                value: torch.Tensor) -> torch.Tensor:
        return super().forward(query, key, value, need_weights=False)[0]


def scaled_dot_product_attention(plan, inputs):
    return Attention(attention_scale(plan.attrs, plan.inputs[0][-1]))


def multi_head_attention(plan, inputs):
    a = plan.attrs
    return MultiheadAttention(plan.output[-1], a["num_heads"], bias=a["bias"],
                              batch_first=True)


LOWERINGS = {
    "matmul": lambda plan, inputs: MatMul(),
    "scaled_dot_product_attention": scaled_dot_product_attention,
    "multi_head_attention": multi_head_attention,
}
