"""PyTorch lowerings of the element-wise arithmetic (netir/ir/ops/elementwise.py): the
sum of any number of inputs, and the binary ops of two inputs or one and a scalar."""

from __future__ import annotations

import torch
from torch import nn


class Add(nn.Module):
    """Sum of a list of inputs, left to right.

    With ``inplace_index`` (0 or 1, set by the emitter when no one else reads that input)
    the sum is accumulated into that input, as torchvision's ``out += identity`` does.
    Takes one list (``variadic``), not ``*xs``, so ``torch.jit.script`` compiles it.
    """

    variadic = True

    def __init__(self, inplace_index: int | None = None) -> None:
        super().__init__()
        self.inplace_index = inplace_index

    def forward(self, xs: list[torch.Tensor]) -> torch.Tensor:
        j = self.inplace_index
        if j is None:
            out = xs[0] + xs[1]
            for x in xs[2:]:
                out = out + x
        else:
            out = xs[j].add_(xs[1 - j])
            for x in xs[2:]:
                out = out.add_(x)
        return out

    def extra_repr(self) -> str:
        return "" if self.inplace_index is None else f"inplace_index={self.inplace_index}"


class _Arithmetic(nn.Module):
    """``f(x, y)`` broadcasting, or ``f(x, scalar)`` for one input (the constant as a
    0-d tensor of x's dtype: ``torch.maximum`` takes no Python number). One subclass per
    function, so that ``torch.jit.script`` compiles each."""

    def __init__(self, scalar: float | None = None) -> None:
        super().__init__()
        self.scalar = scalar

    def other(self, x: torch.Tensor, y: torch.Tensor | None) -> torch.Tensor:
        if y is not None:
            return y
        scalar = self.scalar
        assert scalar is not None
        return torch.full((), scalar, dtype=x.dtype, device=x.device)

    def extra_repr(self) -> str:
        return "" if self.scalar is None else f"scalar={self.scalar}"


class Mul(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.mul(x, self.other(x, y))


class Sub(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.sub(x, self.other(x, y))


class Div(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.div(x, self.other(x, y))


class Maximum(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.maximum(x, self.other(x, y))


class Minimum(_Arithmetic):
    def forward(self, x: torch.Tensor, y: torch.Tensor | None = None) -> torch.Tensor:
        return torch.minimum(x, self.other(x, y))


def _binary(module: type[_Arithmetic]):
    return lambda plan, inputs: module(plan.attrs["scalar"])


LOWERINGS = {
    "add": lambda plan, inputs: Add(),
    "mul": _binary(Mul),
    "sub": _binary(Sub),
    "div": _binary(Div),
    "maximum": _binary(Maximum),
    "minimum": _binary(Minimum),
}
