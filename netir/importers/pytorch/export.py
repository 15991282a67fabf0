"""Capture by torch.export (non-strict), for the modules fx cannot trace: control flow
on sizes (``if x.shape[-1] > 7``), ``len(x)``, ``int(x.shape[1])``.

The exported graph is at ATen's level before decomposition (``aten.conv2d``,
``aten.batch_norm``, ``aten.layer_norm``, ``aten.linear``,
``aten.scaled_dot_product_attention`` stay whole; nothing is decomposed here). Each
ATen call is given back the torch function or tensor method it stands for, with its
arguments in that function's order, so that the import table reads it as it reads a
traced forward; a parameter or buffer (a placeholder of the graph signature) becomes a
``get_attr`` of its state_dict key; names come from each node's ``nn_module_stack``.
An ATen op with no such function is left as it is, and reported as one the IR lacks.

Sizes are constants in an exported graph: the example is exported with a batch of
two, and a view's, reshape's or expand's first size equal to it is the batch.
"""

from __future__ import annotations

import operator

import torch
import torch.fx as fx
import torch.nn.functional as F
from torch import nn

from netir.importers.pytorch.values import Batch

#: ATen ops that are these torch functions, their arguments in the same order.
_FUNCTIONS = {
    "conv2d": F.conv2d, "linear": F.linear, "relu": F.relu, "relu6": F.relu6,
    "gelu": F.gelu, "silu": F.silu, "sigmoid": torch.sigmoid, "tanh": torch.tanh,
    "hardswish": F.hardswish, "hardsigmoid": F.hardsigmoid, "hardtanh": F.hardtanh,
    "leaky_relu": F.leaky_relu, "elu": F.elu, "mish": F.mish, "softplus": F.softplus,
    "add": torch.add, "mul": torch.mul, "sub": torch.sub, "div": torch.div,
    "neg": torch.neg, "pow": torch.pow, "maximum": torch.maximum, "minimum": torch.minimum,
    "clamp": torch.clamp, "permute": torch.permute, "transpose": torch.transpose,
    "flatten": torch.flatten, "mean": torch.mean, "sum": torch.sum, "amax": torch.amax,
    "cat": torch.cat, "stack": torch.stack, "split": torch.split,
    "split_with_sizes": torch.split, "unbind": torch.unbind, "chunk": torch.chunk,
    "unsqueeze": torch.unsqueeze, "squeeze": torch.squeeze, "matmul": torch.matmul,
    "scaled_dot_product_attention": F.scaled_dot_product_attention,
    "dropout": F.dropout, "adaptive_avg_pool2d": F.adaptive_avg_pool2d,
    "max_pool2d": F.max_pool2d, "avg_pool2d": F.avg_pool2d, "softmax": F.softmax,
    "pad": F.pad, "constant_pad_nd": F.pad,
}
#: ATen ops that are these tensor methods.
_METHODS = {"view": "view", "reshape": "reshape", "_unsafe_view": "view",
            "expand": "expand", "contiguous": "contiguous", "clone": "contiguous",
            "alias": "contiguous", "detach": "contiguous", "lift_fresh_copy": "contiguous",
            "to": "to", "_to_copy": "to", "type_as": "type_as"}
_SIZED = {"view", "reshape", "_unsafe_view", "expand"}
EXPORT_BATCH = 2


def _reordered(name: str, args: tuple, kwargs: dict) -> tuple[object, tuple, dict] | None:
    """(target, args, kwargs) of the ATen ops whose torch function orders them
    otherwise, or None."""
    if name == "batch_norm":  # (x, w, b, mean, var, training, momentum, eps, cudnn)
        x, w, b, mean, var, training, momentum, eps = args[:8]
        return F.batch_norm, (x, mean, var, w, b, training, momentum, eps), {}
    if name == "layer_norm":  # (x, shape, w, b, eps, cudnn)
        return F.layer_norm, tuple(args[:5]), {}
    if name == "group_norm":  # (x, groups, w, b, eps, cudnn)
        return F.group_norm, tuple(args[:5]), {}
    if name == "select":  # (x, dim, index): x[:, ..., index]
        x, dim, index = args
        return operator.getitem, (x, _index(x, dim, index)), {}
    if name == "slice":  # (x, dim=0, start=None, end=None, step=1)
        x, dim, start, end, step = (*args, *(0, None, None, 1)[len(args) - 1:])
        size = x.meta["val"].shape[dim]
        end = None if end is None or end >= size else end
        return operator.getitem, (x, _index(x, dim, slice(start or None, end, step))), {}
    return None


def _index(x: fx.Node, dim: int, item) -> tuple:
    rank = x.meta["val"].dim()
    return (slice(None),) * (dim % rank) + (item,)


def _retarget(n: fx.Node) -> None:
    """Give an ATen call the torch function or tensor method it stands for."""
    packet = getattr(n.target, "overloadpacket", None)
    if packet is None:
        return
    name = packet.__name__.removesuffix("_")  # an in-place form: the graph is functional
    args, kwargs = tuple(n.args), dict(n.kwargs)
    if name in _SIZED and isinstance(args[0], fx.Node) and len(args) > 1:
        sizes = list(args[1])
        if sizes and sizes[0] == EXPORT_BATCH and (
                name == "expand" or args[0].meta["val"].shape[0] == EXPORT_BATCH):
            sizes[0] = Batch(None)  # a view of the batch; a learned (1, ...) expanded to it
        args = (args[0], sizes, *args[2:])
    reordered = _reordered(name, args, kwargs)
    if reordered is not None:
        n.target, n.args, n.kwargs = reordered
    elif name in _FUNCTIONS:
        n.target = _FUNCTIONS[name]
        n.args, n.kwargs = args, {k: v for k, v in kwargs.items() if k != "memory_format"}
    elif name in _METHODS:
        n.op, n.target = "call_method", _METHODS[name]
        n.args, n.kwargs = args[:1] if name not in _SIZED else args, {}


def export(module: nn.Module, inputs: tuple[torch.Tensor, ...]):
    """(fx graph, traced values) of ``module`` captured by torch.export: the graph reads
    as a traced forward (see the module doc); each node's value is its exported
    ``meta["val"]`` (a fake tensor of batch EXPORT_BATCH), a learned tensor's the
    tensor itself."""
    batched = tuple(x.expand(EXPORT_BATCH, *x.shape[1:]).contiguous() for x in inputs)
    with torch.no_grad():
        program = torch.export.export(module, batched, strict=False)
    graph = program.graph
    signature = program.graph_signature
    learned = {**signature.inputs_to_parameters, **signature.inputs_to_buffers,
               **signature.inputs_to_lifted_tensor_constants}
    tensors = {**program.state_dict, **program.constants}
    traced: dict[fx.Node, object] = {}
    for n in list(graph.nodes):
        if n.op == "placeholder" and n.name in learned:
            n.op, n.target = "get_attr", learned[n.name]
            traced[n] = tensors[n.target]
            continue
        if n.op == "call_function":
            _retarget(n)
        traced[n] = n.meta.get("val")
    return graph, traced
