"""The PyTorch source of the shape ops (``netir/ir/ops/shape.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir.ops.shape import dims_of
from netir.source.torch.lowerings.base import build, plain

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


_lower("flatten")(plain("nn.Flatten"))
_lower("to_tokens")(plain("ToTokens", helpers=("ToTokens",)))


_lower("from_tokens")(plain("FromTokens", ("height", "height"), ("width", "width"),
                             helpers=("FromTokens",)))


_lower("reshape")(lambda node, graph: build("Reshape", ("shape", tuple(node.shape)),
                                         helpers=("Reshape",)))
for _op in ("permute", "transpose"):
    _lower(_op)(lambda node, graph: build("Permute", ("dims", dims_of(node.attrs, len(node.shape))),
                                       helpers=("Permute",)))
_lower("select")(lambda node, graph: build("Select", ("dim", node.attrs["axis"] + 1),
                                        ("index", node.attrs["index"]), helpers=("Select",)))
