"""What the window ops (convolutions and pools, at every rank) share: attributes viewed
per axis, the output-size rule, drawing a padding for property tests and the
``conv 3×3 /2`` label text."""

from __future__ import annotations

from netir.ir.arithmetic import window_output_size
from netir.ir.errors import ShapeError

MAX_CHANNELS = 8  # property tests keep tensors small
#: The names of a kernel's sizes per window rank (1: L, 2: H W, 3: D H W).
KERNEL_NAMES = {1: ("k",), 2: ("kh", "kw"), 3: ("kd", "kh", "kw")}


def per_axis(value, rank: int) -> tuple:
    """An attribute as one entry per window axis: rank 1 stores a bare int (or one
    (left, right) padding pair), higher ranks a tuple."""
    return (value,) if rank == 1 else tuple(value)


def stored(values: tuple, rank: int):
    """The inverse of :func:`per_axis`: how the attribute is stored at ``rank``."""
    return values[0] if rank == 1 else tuple(values)


def dims_text(values) -> str:
    return "×".join(map(str, values))


def window_sizes(shape, kernel, stride, padding, dilation=None, shown_padding=None,
                 ceil_mode: bool = False) -> tuple[int, ...]:
    """The number of windows along each axis of ``shape`` (features first), one entry
    per axis in every other argument (PyTorch's rule); ShapeError where the (dilated)
    kernel is larger than the padded input."""
    dilation = dilation or (1,) * len(kernel)
    out = tuple(window_output_size(*w, ceil_mode) for w in zip(shape[1:], kernel, stride,
                                                                padding, dilation))
    if min(out) < 1:
        eff = tuple((k - 1) * d + 1 for k, d in zip(kernel, dilation))
        padded = tuple(n + sum(p) for n, p in zip(shape[1:], padding))
        raise ShapeError(f"kernel {dims_text(eff)} is larger than the padded input "
                         f"{dims_text(padded)}",
                         f"input {dims_text(shape)}, kernel {dims_text(kernel)}, padding "
                         f"{padding if shown_padding is None else shown_padding}, dilation "
                         f"{dims_text(dilation)}")
    return out


def draw_padding(draw, st, kernel, *, below_kernel: bool, modes=("valid", "same")):
    """Any padding form the builder accepts: a mode in ``modes``, an int, one size per
    axis ((h, w) for a map) or explicit pairs (((top, bottom), (left, right)) for a
    map); each side at most the kernel (below it with ``below_kernel``, as pools
    require)."""
    hi = [k - 1 if below_kernel else k for k in kernel]
    kind = draw(st.sampled_from(["explicit", "int", "pair", *modes]))
    if kind == "int":
        return draw(st.integers(0, min(hi)))
    if kind == "pair":
        return tuple(draw(st.integers(0, h)) for h in hi)
    if kind == "explicit":
        return tuple((draw(st.integers(0, h)), draw(st.integers(0, h))) for h in hi)
    return kind


def pair_text(sizes) -> str:
    """``3`` for (3, 3), ``3×2`` for (3, 2): one size per axis, once when all agree."""
    return str(sizes[0]) if len(set(sizes)) == 1 else "×".join(map(str, sizes))


def describe_window(kind: str, attrs) -> str:
    """``conv 3×3 /2`` style text shared by conv and pooling labels."""
    text = f"{kind} {dims_text(attrs['kernel'])}"
    if attrs["stride"] and set(attrs["stride"]) != {1}:
        text += f" /{pair_text(attrs['stride'])}"
    return text
