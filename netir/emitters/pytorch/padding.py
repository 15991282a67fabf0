"""Padding as ``torch.nn.functional.pad`` takes it."""

from __future__ import annotations

from collections.abc import Sequence


def torch_pad(padding: Sequence[tuple[int, int]]) -> tuple[int, ...]:
    """``F.pad``'s argument for ``(before, after)`` per position axis, first axis first:
    the last axis first, ``((t, b), (l, r))`` as ``(l, r, t, b)``.

    >>> torch_pad(((0, 1), (2, 3)))
    (2, 3, 0, 1)
    """
    return tuple(p for pair in reversed(tuple(padding)) for p in pair)
