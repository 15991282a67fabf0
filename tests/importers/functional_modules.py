"""timm's ways of writing layers through torch.nn.functional and tensor methods, each in a
small module of its own (its norm layers call F.batch_norm / F.layer_norm from their own
forward; its attention splits qkv with a permute that moves the batch)."""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn


class BatchNormAct2d(nn.BatchNorm2d):
    """timm's BatchNormAct2d: F.batch_norm on the module's own tensors, then a child
    activation (so the node named for the module is not also a scope)."""

    def __init__(self, c: int) -> None:
        super().__init__(c)
        self.act = nn.ReLU()

    def forward(self, x):
        torch._assert(x.ndim == 4, "expected a map")
        x = F.batch_norm(x, self.running_mean, self.running_var, self.weight, self.bias,
                         self.training, self.momentum or 0.0, self.eps)
        return self.act(x)


class ConvBnAct(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn = BatchNormAct2d(8)

    def forward(self, x):
        return self.bn(self.conv(x))


class LayerNorm(nn.LayerNorm):
    """timm's LayerNorm: F.layer_norm from its own forward."""

    def forward(self, x):
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)


class LayerNorm2d(nn.LayerNorm):
    """timm's LayerNorm2d: permute, F.layer_norm, permute back."""

    def forward(self, x):
        x = x.permute(0, 2, 3, 1)
        x = F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)
        return x.permute(0, 3, 1, 2)


class GroupNorm1(nn.GroupNorm):
    """timm's GroupNorm1 (PoolFormer's norm): F.group_norm with one group."""

    def __init__(self, c: int) -> None:
        super().__init__(1, c)

    def forward(self, x):
        return F.group_norm(x, self.num_groups, self.weight, self.bias, self.eps)


class Norms(nn.Module):
    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 8, 1)
        self.norm2d = LayerNorm2d(8)
        self.gn = GroupNorm1(8)
        self.norm = LayerNorm(8)

    def forward(self, x):
        x = self.gn(self.norm2d(self.conv(x)))
        return self.norm(x.mean((2, 3)))


class StdLinearConv(nn.Module):
    """F.linear and F.conv2d on a module's own weight and bias."""

    def __init__(self) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(8, 3, 3, 3) * 0.2)
        self.bias = nn.Parameter(torch.randn(8) * 0.1)
        self.head = nn.Linear(8, 4)

    def forward(self, x):
        x = F.conv2d(x, self.weight, self.bias, 2, 1)
        return F.linear(x.mean((2, 3)), self.head.weight, self.head.bias)


class Attention(nn.Module):
    """timm's Attention: qkv reshaped to (B, N, 3, heads, d), permuted (2, 0, 3, 1, 4)
    and unbound; fused (scaled_dot_product_attention) or spelled out with ``@``."""

    def __init__(self, dim: int = 8, heads: int = 2, fused: bool = True) -> None:
        super().__init__()
        self.heads, self.fused = heads, fused
        self.scale = (dim // heads) ** -0.5
        self.qkv = nn.Linear(dim, dim * 3)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        B, N, C = x.shape
        qkv = self.qkv(x).reshape(B, N, 3, self.heads, C // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv.unbind(0)
        if self.fused:
            x = F.scaled_dot_product_attention(q, k, v)
        else:
            attn = (q * self.scale) @ k.softmax(dim=2).transpose(-2, -1)  # CoaT's
            x = attn.softmax(dim=-1) @ v
        x = x.transpose(1, 2).reshape(B, N, C)
        return self.proj(x)


class Block(nn.Module):
    """Patches as tokens, then a transformer block: LayerNorm, attention, a layer scale
    of shape (C,)."""

    def __init__(self, fused: bool) -> None:
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 2, stride=2)
        self.norm = LayerNorm(8)
        self.attn = Attention(fused=fused)
        self.gamma = nn.Parameter(torch.rand(8) + 0.5)

    def forward(self, x):
        x = self.stem(x).flatten(2).transpose(1, 2)
        x = x + self.gamma * self.attn(self.norm(x))
        return x.mean(1)


class SplitStack(nn.Module):
    """Selective-kernel style: split the channels, stack the branches, sum them; a gate
    from unsqueezed means; a layer scale viewed as (1, C, 1, 1)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv_a = nn.Conv2d(3, 4, 3, padding=1)
        self.conv_b = nn.Conv2d(5, 4, 1)
        self.fc = nn.Linear(4, 4)
        self.gamma = nn.Parameter(torch.rand(4) + 0.5)

    def forward(self, x):
        a, b = torch.split(x, [3, 5], dim=1)
        s = torch.stack([self.conv_a(a), self.conv_b(b)], dim=1).sum(1)
        gate = torch.sigmoid(self.fc(s.mean((2, 3)))).unsqueeze(-1).unsqueeze(-1)
        s = s * gate * self.gamma.view(1, -1, 1, 1)
        parts = s.split(3, dim=1)  # sizes 3 and 1
        return torch.cat([parts[1], parts[0]], dim=1).mean((2, 3), keepdim=True).squeeze(-1)


class Casts(nn.Module):
    """Casts that keep float32 as it is, ``-x`` and ``x ** 2``."""

    def __init__(self) -> None:
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 1)

    def forward(self, x):
        y = self.conv(x.float()).to(x.dtype)
        return (-y) ** 2 + y.type_as(x) ** 1


#: name: (module factory, example input shape)
FUNCTIONAL = {
    "batch_norm_act": (ConvBnAct, (2, 3, 6, 6)),
    "norms": (Norms, (2, 3, 5, 5)),
    "std_linear_conv": (StdLinearConv, (2, 3, 8, 8)),
    "block_fused": (lambda: Block(fused=True), (2, 3, 6, 4)),
    "block_spelled_out": (lambda: Block(fused=False), (2, 3, 6, 4)),
    "split_stack": (SplitStack, (2, 8, 6, 6)),
    "casts": (Casts, (2, 3, 4, 4)),
}
