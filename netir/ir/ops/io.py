"""Graph inputs."""

from netir.ir.attrs import Attr, choice, shape
from netir.ir.layout import LAYOUTS, check_layout, default_layout, layouts_of_rank
from netir.ir.registry import OpSpec


def _input_resolve(attrs, inputs):
    rank = len(attrs["shape"])
    layout = attrs["layout"] or default_layout(rank)
    return {**attrs, "layout": check_layout("layout", layout, rank)}


def _input_draw(draw, st, inputs):
    rank = draw(st.sampled_from([3, 3, 1, 3, 2, 3, 4, 1, 2, 3]))
    size = {1: (1, 12), 2: (2, 8), 3: (3, 12), 4: (2, 4)}[rank]
    dims = [draw(st.integers(1, 12 if rank == 1 else 6))] + [
        draw(st.integers(*size)) for _ in range(rank - 1)]
    layout = draw(st.sampled_from(layouts_of_rank(rank)))
    if layout == "TC":
        dims.reverse()
    return {"shape": tuple(dims), "layout": layout}


INPUT = OpSpec(
    name="input", category="io", graph_input=True, arity=0, positional=("shape",),
    doc="A graph input of the given shape, batch excluded, and logical layout.",
    attrs=(Attr("shape", shape, doc="rank 1 to 4, batch excluded"),
           Attr("layout", choice(*LAYOUTS, optional=True), None,
                "which axis holds the features (netir.ir.layout); None: C, CL, CHW or "
                "CDHW by rank")),
    ranks=(), resolve=_input_resolve, shape=lambda attrs, inputs: attrs["shape"],
    layout=lambda attrs, inputs, output: attrs["layout"], draw_attrs=_input_draw,
)

OPS = (INPUT,)
