"""Learned tensors: a free ``parameter`` (ViT's class token and position embedding) and
``layer_scale``, a learned per-feature scale (ConvNeXt).

Their neutral weights keep torchvision's shapes: a parameter of shape S is held as
``(1, *S)`` (torchvision's ``class_token`` is ``(1, 1, D)``, ``pos_embedding``
``(1, T, D)``), a layer scale as the input's rank with the features on their axis and
1 elsewhere (``(C, 1, 1)`` on a map, as ConvNeXt's ``layer_scale``). PyTorch holds each
as a bare ``nn.Parameter`` at the node's path, so the state_dict key is the node name
itself (``class_token``, ``encoder.pos_embedding``, ``features.1.0.layer_scale``).
"""

from __future__ import annotations

from netir.ir.attrs import Attr, choice, shape
from netir.ir.layout import ANY_RANK, LAYOUTS, check_layout, default_layout
from netir.ir.params import WEIGHT, Param, normal, uniform
from netir.ir.registry import OpSpec


def _parameter_resolve(attrs, inputs):
    rank = len(attrs["shape"])
    layout = attrs["layout"] or default_layout(rank)
    return {**attrs, "layout": check_layout("layout", layout, rank)}


def _parameter_draw(draw, st, inputs):
    rank = draw(st.sampled_from([1, 2, 2, 3]))
    layout = draw(st.sampled_from([x for x in LAYOUTS if len(x) == rank]))
    return {"shape": tuple(draw(st.integers(1, 4)) for _ in range(rank)), "layout": layout}


PARAMETER = OpSpec(
    name="parameter", category="dense", depth_layer=True, positional=("shape",), ranks=ANY_RANK,
    doc="A learned tensor of the given shape and layout, the same for every sample: its "
        "input only gives the batch size (torchvision's class_token.expand(n, -1, -1)).",
    attrs=(Attr("shape", shape, doc="rank 1 to 4, batch excluded"),
           Attr("layout", choice(*LAYOUTS, optional=True), None,
                "which axis holds the features; None: C, CL, CHW or CDHW by rank")),
    resolve=_parameter_resolve, shape=lambda attrs, inputs: attrs["shape"],
    layout=lambda attrs, inputs, output: attrs["layout"], draw_attrs=_parameter_draw,
    parameters=(Param("weight", WEIGHT, "1S", normal(0.5),
                      lambda a, i: (1, *a["shape"]),
                      doc="(1, *shape), torchvision's layout with a batch axis of 1"),),
    describe=lambda a: "parameter " + "×".join(map(str, a["shape"])),
)


def scale_shape(attrs, inputs) -> tuple[int, ...]:
    """(C, 1, 1) on a map, (1, C) on tokens: the features on their axis, 1 elsewhere."""
    x = inputs[0]
    return tuple(n if i == x.feature_axis else 1 for i, n in enumerate(x))


LAYER_SCALE = OpSpec(
    name="layer_scale", category="norm", ranks=ANY_RANK,
    doc="x · gamma, one learned gamma per feature (ConvNeXt's layer_scale; torchvision "
        "initialises gamma to a small constant such as 1e-6).",
    parameters=(Param("weight", WEIGHT, "S", uniform(0.5, 1.5), scale_shape,
                      doc="the input's rank, features on their axis and 1 elsewhere"),),
    describe=lambda a: "layer scale", overwritable=True,
)

OPS = (PARAMETER, LAYER_SCALE)
