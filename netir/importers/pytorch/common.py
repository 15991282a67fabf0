"""Small helpers the table entries share: torch arguments as IR attributes."""

from __future__ import annotations

from netir.importers.pytorch.values import Param, Permuted, Unsupported, not_a_tensor
from netir.ir.layout import default_layout, feature_axis
from netir.ir.node import Tensor


def pair(v) -> tuple[int, int]:
    return (int(v), int(v)) if isinstance(v, int) else (int(v[0]), int(v[1]))


def axes(v, rank: int) -> tuple[int, ...]:
    """An int or a sequence as one int per axis (``rank`` of them)."""
    return (int(v),) * rank if isinstance(v, int) else tuple(int(n) for n in v)


def symmetric(padding) -> tuple[tuple[int, int], tuple[int, int]]:
    """torch's (ph, pw) as the IR's ((top, bottom), (left, right))."""
    ph, pw = pair(padding)
    return ((ph, ph), (pw, pw))


def from_torch_pad(pad) -> tuple[tuple[int, int], tuple[int, int]]:
    """torch's F.pad order (left, right, top, bottom) as ((top, bottom), (left, right))."""
    left, right, top, bottom = (int(p) for p in pad)
    return ((top, bottom), (left, right))


def tensor_like(x) -> Tensor | Permuted:
    """``x`` when it is an IR tensor or a pending permute; else what the IR lacks for
    using it as one (a learned tensor other than a class token, position embedding or
    layer scale; a constant)."""
    if isinstance(x, (Tensor, Permuted)):
        return x
    raise not_a_tensor(x)


def layout_of_rank(rank: int) -> str:
    """The default layout of ``rank`` (batch excluded), or what the IR lacks."""
    if not 1 <= rank <= 4:
        raise Unsupported(f"a tensor of rank {rank} besides the batch (the IR's tensors "
                          "have rank 1 to 4)")
    return default_layout(rank)


def axis(x: Tensor, dim: int) -> int:
    """The IR's logical axis (batch excluded) of torch ``dim`` of ``x``."""
    x = tensor_like(x)
    x = x.tensor if isinstance(x, Permuted) else x
    rank = len(x.shape) + 1
    d = dim + rank if dim < 0 else dim
    if d == 0:
        raise Unsupported("an operation over the batch axis (the IR's ops act per sample)")
    return d - 1


def unary(ctx, op: str, x, attrs=None, *, source=None):
    """An element-wise op; through a pending permute (it commutes with one)."""
    if isinstance(x, Permuted):
        return Permuted(ctx.add(op, [x.tensor], attrs, source=source), x.dims)
    return ctx.add(op, [x], attrs, source=source)


def features_last(x) -> tuple[Tensor, bool]:
    """(the tensor, whether its features are the last torch dim) for a LayerNorm or
    Linear on the last axis: a pending permute that moved the features last counts."""
    if isinstance(x, Permuted):
        return x.tensor, x.feature_dim == len(x.dims) - 1
    x = tensor_like(x)
    return x, feature_axis(x.layout) == len(x.shape) - 1


def last_axis(ctx, x) -> tuple[Tensor, bool]:
    """:func:`features_last`, where a (C, L) sequence read by an op on its last axis
    (a Linear, a LayerNorm) is first labelled tokens (L, C): the same values, a
    reshape to its own shape, so that the IR's feature axis is torch's last dim."""
    tensor, last = features_last(x)
    if not last and not isinstance(x, Permuted) and tensor.layout == "CL":
        return ctx.add("reshape", [tensor], {"shape": tuple(tensor.shape), "layout": "TC"},
                       name=ctx.helper_name("reshape")), True
    return tensor, last


def through(x, result: Tensor):
    """``result`` in the same pending permute as ``x``."""
    return Permuted(result, x.dims) if isinstance(x, Permuted) else result


def learned(ctx, op: str, **tensors) -> tuple[str, dict]:
    """(IR name, weights) of a functional call's learned tensors (``F.batch_norm(x,
    self.running_mean, ..., self.weight, self.bias)``), each given by its IR parameter
    name: the node is named for the module that holds them, the weights are theirs. A
    tensor computed in forward (not a module's parameter or buffer) is what the IR
    lacks."""
    from netir.importers.pytorch.naming import scope_of

    paths = []
    for p, value in tensors.items():
        if not isinstance(value, Param):
            raise Unsupported(f"{op}'s {p} is {_what(value)}, not a module's parameter or "
                              "buffer (the IR's weights are learned tensors)")
        paths.append(value.path)
    owners = {path.rpartition(".")[0] for path in paths}
    owner = owners.pop() if len(owners) == 1 else ""
    name = ctx.names.scoped("", owner) if owner and ctx.owns(owner) \
        else ctx.names.scoped(scope_of(ctx.node), op)
    return name, {p: v.value for p, v in tensors.items()}


def _what(value) -> str:
    if isinstance(value, Tensor):
        return f"a tensor computed in forward ({value.name})"
    return "None" if value is None else type(value).__name__
