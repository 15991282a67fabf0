"""Graph inputs."""

from netir.ir.attrs import Attr, shape
from netir.ir.registry import OpSpec

INPUT = OpSpec(
    name="input", category="io", arity=0, positional=("shape",),
    doc="A graph input of the given shape, batch excluded: (C,) or (C, H, W).",
    attrs=(Attr("shape", shape, doc="(C,) or (C, H, W), batch excluded"),),
    shape=lambda attrs, inputs: attrs["shape"],
)

OPS = (INPUT,)
