"""Helpers shared by the window ops (convolutions and pools): drawing a padding for
property tests and the ``conv 3×3 /2`` label text."""

from __future__ import annotations

MAX_CHANNELS = 8  # property tests keep tensors small


def draw_padding(draw, st, kernel, *, below_kernel: bool, modes=("valid", "same")):
    """Any padding form the builder accepts: a mode in ``modes``, an int, an (h, w) pair
    or explicit ((top, bottom), (left, right)); each side at most the kernel (below it
    with ``below_kernel``, as pools require)."""
    hi = [k - 1 if below_kernel else k for k in kernel]
    kind = draw(st.sampled_from(["explicit", "int", "pair", *modes]))
    if kind == "int":
        return draw(st.integers(0, min(hi)))
    if kind == "pair":
        return (draw(st.integers(0, hi[0])), draw(st.integers(0, hi[1])))
    if kind == "explicit":
        return tuple((draw(st.integers(0, h)), draw(st.integers(0, h))) for h in hi)
    return kind


def pair_text(sizes) -> str:
    """``3`` for (3, 3), ``3×2`` for (3, 2): one size per axis, once when all agree."""
    return str(sizes[0]) if len(set(sizes)) == 1 else "×".join(map(str, sizes))


def describe_window(kind: str, attrs) -> str:
    """``conv 3×3 /2`` style text shared by conv and pooling labels."""
    k = attrs["kernel"]
    text = f"{kind} {k[0]}×{k[1]}"
    if attrs["stride"] and attrs["stride"] != (1, 1):
        text += f" /{pair_text(attrs['stride'])}"
    return text
