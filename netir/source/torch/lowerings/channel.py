"""The PyTorch source of the channel ops (``netir/ir/ops/channel.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir.ops.channel import concat_axis, slice_indices
from netir.source.common import literal
from netir.source.torch.lowerings.base import Expr, build, input_of, plain

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


_lower("channel_shuffle")(plain("nn.ChannelShuffle", ("groups", "groups")))


@_lower("slice")
def _slice(node, graph):
    a = node.attrs
    kept = slice_indices(a, input_of(graph, node)[a["axis"]])
    return build("Take", ("dim", a["axis"] + 1), ("index", list(kept)), helpers=("Take",))


@_lower("concat")
def _concat(node, graph):
    items = ", ".join(f"{{{k}}}" for k in range(len(node.inputs)))
    dim = concat_axis(node.attrs, node.layout) + 1
    return Expr(f"torch.cat([{items}], dim={literal(dim)})")
