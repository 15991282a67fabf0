"""Graph inputs."""

from netir.ir.attrs import Attr, shape
from netir.ir.registry import OpSpec

INPUT = OpSpec(
    name="input", category="io", arity=0, positional=("shape",),
    doc="A graph input of the given shape, batch excluded: (C,) or (C, H, W).",
    attrs=(Attr("shape", shape, doc="(C,) or (C, H, W), batch excluded"),),
    shape=lambda attrs, inputs: attrs["shape"],
    draw_attrs=lambda draw, st, inputs: {"shape": (
        (draw(st.integers(1, 6)), draw(st.integers(3, 12)), draw(st.integers(3, 12)))
        if draw(st.integers(0, 2)) else (draw(st.integers(1, 12)),))},
)

OPS = (INPUT,)
