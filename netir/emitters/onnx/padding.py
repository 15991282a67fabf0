"""Padding in ONNX's terms: a window's ``pads`` attribute and the zero ``Pad`` node."""

from __future__ import annotations

from collections.abc import Sequence

from netir.emitters.onnx.protos import ints, op

Pair = tuple[int, int]


def onnx_pads(padding: Sequence[Pair]) -> list[int]:
    """IR ``((before, after), ...)`` per window axis -> ONNX ``[befores..., afters...]``:
    ``((top, bottom), (left, right))`` is ``[top, left, bottom, right]``."""
    return [before for before, _ in padding] + [after for _, after in padding]


def zero_pad(name: str, x: str, padding: Sequence[Pair], axes: Sequence[int]) -> list:
    """``x`` padded with zeros by ``padding`` on ``axes`` (batch first), as the tensor
    ``name``.

    Pad's ``axes`` input is always given. onnxruntime 1.31's PadFusion folds a Pad
    without it into the pool that follows, and it is wrong twice there: into MaxPool
    the zeros become -inf (a window of negative values next to the padding returns
    its own max, not 0), and into AveragePool the pads can reach the kernel's size,
    which its kernels refuse when the session loads. With ``axes`` it leaves the Pad
    alone (tests/emitters/test_onnx_ops.py).
    """
    pads, named = ints(f"{name}/pads", onnx_pads(padding)), ints(f"{name}/axes", list(axes))
    return [pads, named, op("Pad", [x, pads.name, "", named.name], name, mode="constant")]
