"""Shape ops with a layout rule: reshape, permute / transpose, select, flatten and the
moves between maps and tokens.

Each works on the logical order of its input (batch excluded), as PyTorch and NumPy
would on the logical tensor, and states the layout of its output:

- ``reshape`` reads and writes row-major in the logical order; the output takes the
  ``layout`` given, else the default of its rank;
- ``permute`` and ``transpose`` carry each axis's letter to its new place: features
  first stays features first (``CHW`` with H and W swapped is ``CHW``), a rank-2 tensor
  whose features move last becomes tokens (``CL`` transposed is ``TC``, ``TC``
  transposed is ``CL``); a map or volume with the features elsewhere has no layout and
  is refused (``to_tokens`` is the move from a map to tokens);
- ``select`` removes one axis, keeping the letters left as a reduction does
  (:func:`netir.ir.ops.reduce.reduced_layout`): the class token of ``(T, C)`` tokens is
  ``select(x, 0, 0)``, a ``(C,)`` vector;
- ``flatten`` gives the vector ``(C,)`` of every value in the logical order;
- ``to_tokens`` and ``from_tokens`` move between a map and tokens
  (``(C, H, W)`` <-> ``(H*W, C)``).
"""

from __future__ import annotations

from math import prod

from netir.ir.attrs import MAX_INT, Attr, choice, integer, permutation, target_shape
from netir.ir.errors import AttributeValueError, ShapeError
from netir.ir.layout import ANY_RANK, LAYOUTS, MAP, TOKENS, check_layout, default_layout
from netir.ir.ops.reduce import reduced_layout
from netir.ir.registry import OpSpec
from netir.ir.rewrites import Rewrites


def _reshape_resolve(attrs, inputs):
    size, target = prod(inputs[0]), attrs["shape"]
    known = prod(s for s in target if s != -1)
    if -1 in target:
        if size % known:
            raise ShapeError("reshape cannot infer -1: the other sizes do not divide the "
                             "input's", f"shape={target}, input {tuple(inputs[0])}")
        target = tuple(size // known if s == -1 else s for s in target)
    if prod(target) != size:
        raise ShapeError("reshape must keep the number of values",
                         f"shape={attrs['shape']} ({prod(target)} values), input "
                         f"{tuple(inputs[0])} ({size} values)")
    layout = attrs["layout"] or default_layout(len(target))
    return {**attrs, "shape": target, "layout": check_layout("layout", layout, len(target))}


def _reshape_draw(draw, st, inputs):
    size = prod(inputs[0])
    divisors = [d for d in range(1, size + 1) if size % d == 0]
    first = draw(st.sampled_from(divisors))
    if draw(st.booleans()):
        return {"shape": (size,), "layout": None}
    layout = draw(st.sampled_from(["CL", "TC"]))
    return {"shape": (first, -1), "layout": layout}


RESHAPE = OpSpec(
    name="reshape", category="reshape", ranks=ANY_RANK, positional=("shape",),
    doc="The values in the logical (row-major) order, read into a new shape (batch "
        "excluded, one size may be -1) of the stated layout.",
    attrs=(Attr("shape", target_shape, doc="output shape, batch excluded; -1 is inferred"),
           Attr("layout", choice(*LAYOUTS, optional=True), None,
                "the output's layout; None: C, CL, CHW or CDHW by rank")),
    resolve=_reshape_resolve, shape=lambda attrs, inputs: attrs["shape"],
    layout=lambda attrs, inputs, output: attrs["layout"], draw_attrs=_reshape_draw,
    describe=lambda a: "reshape " + "×".join(map(str, a["shape"])),
    rewrites=Rewrites(identity=lambda a, inputs: tuple(inputs[0]) == a["shape"]
                      and inputs[0].layout == a["layout"]),
)


def permuted_layout(layout: str, dims: tuple[int, ...]) -> str:
    """The layout of ``layout`` with its axes taken in the order ``dims`` (see the module
    doc); ShapeError where the features land where no layout of the rank holds them."""
    letters = "".join(layout[d] for d in dims)
    if letters[0] == "C":
        return default_layout(len(letters))
    if letters[-1] == "C" and len(letters) == 2:
        return TOKENS
    raise ShapeError(f"the output's axes {letters} put the features where no layout of rank "
                     f"{len(letters)} holds them (maps and volumes hold them first; "
                     "to_tokens turns a map into tokens)", f"dims={dims}, layout {layout}")


def dims_of(attrs, rank: int) -> tuple[int, ...]:
    """The permutation a ``permute`` (its ``dims``) or ``transpose`` (two swapped axes)
    applies: output axis i is input axis ``dims[i]``, batch excluded."""
    if "dims" in attrs:
        return attrs["dims"]
    order = list(range(rank))
    a, b = attrs["dim0"], attrs["dim1"]
    order[a], order[b] = order[b], order[a]
    return tuple(order)


def _check_axes(attrs, inputs):
    rank = len(inputs[0])
    axes = attrs["dims"] if "dims" in attrs else (attrs["dim0"], attrs["dim1"])
    if ("dims" in attrs and len(axes) != rank) or max(axes) >= rank:
        raise ShapeError(f"the axes must be those of the input, 0..{rank - 1}",
                         f"{axes}, input {tuple(inputs[0])}")
    dims = dims_of(attrs, rank)
    permuted_layout(inputs[0].layout, dims)
    return tuple(inputs[0][d] for d in dims)


def _permute_layout(attrs, inputs, output):
    return permuted_layout(inputs[0].layout, dims_of(attrs, len(inputs[0])))


def _permute_draw(draw, st, inputs):
    rank = len(inputs[0])
    dims = tuple(draw(st.permutations(range(rank))))
    try:
        permuted_layout(inputs[0].layout, dims)
    except ShapeError:
        dims = tuple(range(rank))
    return {"dims": dims}


def _transpose_draw(draw, st, inputs):
    rank = len(inputs[0])
    pairs = [(a, b) for a in range(rank) for b in range(a, rank)]
    fits = []
    for a, b in pairs:
        try:
            permuted_layout(inputs[0].layout, dims_of({"dim0": a, "dim1": b}, rank))
            fits.append((a, b))
        except ShapeError:
            pass
    a, b = draw(st.sampled_from(fits))
    return {"dim0": a, "dim1": b}


PERMUTE = OpSpec(
    name="permute", category="reshape", ranks=ANY_RANK, positional=("dims",),
    doc="Reorder the logical axes: output axis i is input axis dims[i] (batch excluded; "
        "torch's x.permute(0, *[d + 1 for d in dims])); the layout follows the letters.",
    attrs=(Attr("dims", permutation, doc="a permutation of the input's logical axes",
                axis="permutation"),),
    shape=_check_axes, layout=_permute_layout, draw_attrs=_permute_draw,
    describe=lambda a: f"permute {a['dims']}",
    rewrites=Rewrites(identity=lambda a, inputs: a["dims"] == tuple(range(len(a["dims"])))),
)

TRANSPOSE = OpSpec(
    name="transpose", category="reshape", ranks=ANY_RANK, positional=("dim0", "dim1"),
    doc="Swap two logical axes (batch excluded; torch's x.transpose(dim0 + 1, dim1 + 1)); "
        "the layout follows the letters, as permute.",
    attrs=(Attr("dim0", integer(0), doc="one logical axis", axis="axis"),
           Attr("dim1", integer(0), doc="the other", axis="axis")),
    shape=_check_axes, layout=_permute_layout, draw_attrs=_transpose_draw,
    describe=lambda a: f"transpose {a['dim0']}↔{a['dim1']}",
    rewrites=Rewrites(identity=lambda a, inputs: a["dim0"] == a["dim1"]),
)


def _select_resolve(attrs, inputs):
    shape, axis, index = inputs[0], attrs["axis"], attrs["index"]
    if axis >= len(shape):
        raise ShapeError("select axis out of range for the input",
                         f"axis={axis}, input {tuple(shape)}")
    if not -shape[axis] <= index < shape[axis]:
        raise AttributeValueError(f"select index out of range for axis {axis} of size "
                                  f"{shape[axis]}", f"index={index}")
    return attrs


def _select_shape(attrs, inputs):
    reduced_layout(inputs[0].layout, (attrs["axis"],))
    return tuple(n for i, n in enumerate(inputs[0]) if i != attrs["axis"])


def _select_draw(draw, st, inputs):
    shape, layout = inputs[0], inputs[0].layout
    fits = []
    for axis in range(len(shape)):
        try:
            reduced_layout(layout, (axis,))
            fits.append(axis)
        except ShapeError:
            pass
    axis = draw(st.sampled_from(fits))
    return {"axis": axis, "index": draw(st.sampled_from([0, shape[axis] - 1, -1]))}


SELECT = OpSpec(
    name="select", category="reshape", ranks=(2, 3, 4), positional=("axis", "index"),
    doc="x[index] along one logical axis, which goes (torch's x.select(axis + 1, index); "
        "ViT's class token is select(tokens, 0, 0)); a negative index counts from the end.",
    attrs=(Attr("axis", integer(0), doc="logical axis, batch excluded", axis="axis"),
           Attr("index", integer(-MAX_INT), doc="position on that axis; -1 is the last")),
    resolve=_select_resolve, shape=_select_shape, draw_attrs=_select_draw,
    layout=lambda attrs, inputs, output: reduced_layout(inputs[0].layout, (attrs["axis"],)),
    describe=lambda a: f"select axis {a['axis']} [{a['index']}]",
)

FLATTEN = OpSpec(
    name="flatten", category="reshape",
    doc="Flatten in the logical order: (C, H, W) -> (C*H*W,), (T, C) -> (T*C,).",
    ranks=ANY_RANK,
    shape=lambda attrs, inputs: (prod(inputs[0]),),
    rewrites=Rewrites(identity=lambda a, inputs: len(inputs[0]) == 1, reshape=True),
)


def _to_tokens_shape(attrs, inputs):
    c, h, w = inputs[0]
    return (h * w, c)


TO_TOKENS = OpSpec(
    name="to_tokens", category="reshape", ranks=(3,), layouts=(MAP,),
    doc="A map (C, H, W) as tokens (H*W, C), row-major over H then W (ViT's "
        "x.reshape(n, C, H*W).permute(0, 2, 1)).",
    shape=_to_tokens_shape, layout=lambda attrs, inputs, output: TOKENS,
    describe=lambda a: "to tokens",
)


def _from_tokens_shape(attrs, inputs):
    t, c = inputs[0]
    if attrs["height"] * attrs["width"] != t:
        raise ShapeError("height * width must equal the number of tokens",
                         f"height={attrs['height']}, width={attrs['width']}, tokens {t}")
    return (c, attrs["height"], attrs["width"])


def _from_tokens_draw(draw, st, inputs):
    t = inputs[0][0]
    height = draw(st.sampled_from([d for d in range(1, t + 1) if t % d == 0]))
    return {"height": height, "width": t // height}


FROM_TOKENS = OpSpec(
    name="from_tokens", category="reshape", ranks=(2,), layouts=(TOKENS,),
    positional=("height", "width"),
    doc="Tokens (H*W, C) as a map (C, H, W): the inverse of to_tokens.",
    attrs=(Attr("height", integer(1), doc="H of the map"),
           Attr("width", integer(1), doc="W of the map; height * width = tokens")),
    shape=_from_tokens_shape, layout=lambda attrs, inputs, output: MAP,
    draw_attrs=_from_tokens_draw,
    describe=lambda a: f"from tokens {a['height']}×{a['width']}",
)

OPS = (RESHAPE, PERMUTE, TRANSPOSE, SELECT, FLATTEN, TO_TOKENS, FROM_TOKENS)
