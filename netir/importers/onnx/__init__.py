"""Import an ONNX model into the IR: :func:`from_onnx`.

The file is read with bounded work (:mod:`.read`), its nodes put in topological
order and grouped into units (:mod:`.units`: what the ONNX backend wrote for one IR
op, or a single node), and each unit becomes IR ops through its entry in
:data:`~.table.TABLE` (:mod:`.walk`). ONNX is batch first and channels first: the
IR's tensors are ONNX's without the batch axis.
"""

from __future__ import annotations

import re

import numpy as np

from netir.ir.errors import NetIRError, UnsupportedModelError
from netir.ir.graph import Graph
from netir.ir.layout import TOKENS, default_layout, feature_axis, layouts_of_rank

__all__ = ["from_onnx"]


def from_onnx(model_or_path, *, name: str | None = None) -> tuple[Graph, dict[str, dict]]:
    """``(graph, weights)`` of an ONNX model (an ``onnx.ModelProto``, its bytes, or the
    path of a ``.onnx`` file): the IR graph computing its inference, and its
    initializers as the weights in the neutral layout (ONNX's own).

    Node names are the ONNX node names (an ONNX node that is several IR nodes names
    the others ``<node>_<role>``); a model written by netir's ONNX backend comes back
    as the graph it was lowered from. Raises
    :class:`~netir.ir.errors.UnsupportedModelError` listing every node the IR cannot
    express (op type, node name, what the IR lacks), a ShapeError naming the node where
    IR shapes disagree with ONNX shape inference (an importer defect), and another
    NetIRError for a file that is not ONNX, unsafe or too large.
    """

    from netir.importers.onnx import read
    from netir.importers.onnx.table import MAX_OPSET, MIN_OPSET, TABLE
    from netir.importers.onnx.units import topological, units
    from netir.importers.onnx.walk import Context, Problem, convert_units, free_name
    from netir.ir.limits import check_memory

    model, folder = read.load(model_or_path)
    version = read.opset(model, MIN_OPSET, MAX_OPSET)
    read.check_tensors(model, folder)
    g = model.graph
    graph = Graph(_name(name or g.name or "onnx_model", "graph"))
    consts = {t.name: _array(t) for t in g.initializer}
    ctx = Context(graph, version, consts, set(consts))
    ctx.read = {t for n in g.node for t in n.input} | {o.name for o in g.output}
    problems: list = []
    windowed = {t for n in g.node if n.op_type in TABLE.channels_first for t in n.input[:1]}
    for value in g.input:
        if value.name not in consts:
            _add_input(ctx, value, problems, value.name in windowed)
    known = set(consts) | {v.name for v in g.input}
    order = topological(g, known)
    outputs = {o.name for o in g.output}
    shapes = _inferred(model)
    for node in order:
        if node.domain not in ("", "ai.onnx"):
            problems.append(Problem(node.op_type, node.name or node.output[0],
                                    f"the domain {node.domain!r} (the IR reads ai.onnx)"))
    foreign = {id(n) for n in order if n.domain not in ("", "ai.onnx")}
    found = [u for u in units(order, outputs, TABLE.folds) if id(u.head) not in foreign]
    taken: dict[int, str] = {}

    def name_of(unit) -> str:
        if id(unit) not in taken:
            taken[id(unit)] = free_name(graph, _name(unit.label, unit.head.op_type.lower()))
        return taken[id(unit)]

    convert_units(ctx, found, TABLE, shapes, problems, name_of)
    if problems:
        raise UnsupportedModelError.listing(problems, "node(s)", node=graph.name,
                                            op="from_onnx")
    ends = []
    for o in g.output:
        if o.name not in ctx.values:
            raise UnsupportedModelError("a graph output that is a constant (the IR's "
                                        "outputs are computed)", o.name, node=graph.name,
                                        op="from_onnx")
        ends.append(ctx.values[o.name])
    graph.output(*ends)
    check_memory(graph)
    return graph, {n: w for n, w in ctx.weights.items() if w}


def _array(tensor) -> np.ndarray:
    from onnx import numpy_helper

    return numpy_helper.to_array(tensor)


def _name(text: str, fallback: str) -> str:
    """``text`` as an IR name: runs of other characters become ``_``."""
    out = re.sub(r"[^A-Za-z0-9_.-]+", "_", text)
    out = re.sub(r"\.{2,}", ".", out).strip(".")
    out = ".".join(part for part in out.split(".") if part)
    return out or fallback


def _add_input(ctx, value, problems, windowed: bool) -> None:
    from onnx import TensorProto

    from netir.importers.onnx.walk import Problem

    kind = value.type.WhichOneof("value")
    t = value.type.tensor_type
    if kind != "tensor_type" or t.elem_type != TensorProto.FLOAT:
        problems.append(Problem("input", value.name, "an input that is not a float32 "
                                                     "tensor"))
        return
    dims = [d.dim_value if d.HasField("dim_value") else None for d in t.shape.dim]
    if len(dims) < 2 or dims[0] not in (None, 1):
        problems.append(Problem("input", value.name, f"the input shape {dims} (the IR "
                                f"takes a batch axis, symbolic or 1, then features)"))
        return
    if any(d is None or d < 1 for d in dims[1:]):
        problems.append(Problem("input", value.name, f"the input shape {dims} has a "
                                "symbolic dimension besides the batch"))
        return
    shape = tuple(int(d) for d in dims[1:])
    try:
        ctx.values[value.name] = ctx.graph.add_node(
            "input", [], name=_name(value.name, "input"),
            attrs={"shape": shape, "layout": _layout(t.shape.dim, windowed)})
    except NetIRError as err:
        problems.append(Problem("input", value.name, str(err)))


def _layout(dims, windowed: bool) -> str:
    """The layout whose feature axis ONNX's denotation ``DATA_CHANNEL`` marks (the ONNX
    backend denotes its inputs); else (batch, C, L) where a convolution, pool or
    normalisation reads it and tokens (batch, T, C) where none does, for rank 3; else
    the default of the rank."""
    rank = len(dims) - 1
    marked = [i - 1 for i, d in enumerate(dims) if d.denotation == "DATA_CHANNEL"]
    for layout in layouts_of_rank(rank):
        if marked == [feature_axis(layout)]:
            return layout
    return TOKENS if rank == 2 and not windowed else default_layout(rank)


#: initializers at least this large are given to shape inference by their type alone
_TYPED_ONLY = 4096


def _inferred(model) -> dict[str, list]:
    """ONNX shape inference's shape of every value (int or None per dimension), run on
    a skeleton of the model: large initializers are graph inputs of their type (their
    values never set a shape), so no weight is copied and models past protobuf's 2 GB
    are inferred too."""
    import onnx
    from onnx import helper

    skeleton = onnx.ModelProto()
    for field, value in model.ListFields():
        if field.name == "graph":
            continue
        if field.is_repeated:
            getattr(skeleton, field.name).extend(value)
        elif field.message_type is not None:
            getattr(skeleton, field.name).CopyFrom(value)
        else:
            setattr(skeleton, field.name, value)
    g = skeleton.graph
    g.name = model.graph.name
    g.node.extend(model.graph.node)
    g.input.extend(model.graph.input)
    g.output.extend(model.graph.output)
    listed = {v.name for v in model.graph.input}
    for t in model.graph.initializer:
        if t.HasField("raw_data") and len(t.raw_data) >= _TYPED_ONLY:
            if t.name not in listed:
                g.input.append(helper.make_tensor_value_info(t.name, t.data_type, t.dims))
        else:
            g.initializer.append(t)
    try:
        inferred = onnx.shape_inference.infer_shapes(skeleton, strict_mode=False)
    except Exception:  # noqa: BLE001 - a model ONNX cannot infer is checked by the IR alone
        return {}
    out = {}
    for v in (*inferred.graph.value_info, *inferred.graph.output):
        t = v.type.tensor_type
        if t.HasField("shape"):
            out[v.name] = [d.dim_value if d.HasField("dim_value") else None
                           for d in t.shape.dim]
    return out
