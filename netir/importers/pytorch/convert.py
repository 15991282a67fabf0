"""Walk a traced fx graph and build the IR graph, one table entry per node.

The loop knows no op: it looks the node up in :data:`~.table.TABLE` (by module type,
function or method name), hands the entry the node's converted arguments, and keeps
what the entry returns. It checks every IR node's inferred shape against the traced
one, gathers each node's weights from its module, and collects every node that has
no entry or that the IR cannot express, to raise them together.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass

import numpy as np
import torch
import torch.fx as fx
from torch import nn

from netir.importers.pytorch.capture import fetch
from netir.importers.pytorch.messages import argument_kinds, describe, source_line
from netir.importers.pytorch.naming import Names, input_name, scope_of
from netir.importers.pytorch.values import (
    MISSING,
    Batch,
    Expanded,
    Flattened,
    GroupSplit,
    Missing,
    Param,
    Permuted,
    Unsupported,
    not_a_tensor,
)
from netir.ir.errors import NetIRError, ShapeError
from netir.ir.graph import Graph
from netir.ir.layout import default_layout
from netir.ir.node import Tensor

#: Values that stand for tensors (a call on none of them is arithmetic on constants).
_TENSORISH = (Tensor, Param, Expanded, Permuted, GroupSplit, Flattened)
_INPLACE_OPERATORS = (operator.iadd, operator.imul, operator.isub, operator.itruediv)


@dataclass(frozen=True)
class Problem:
    """One node the IR cannot express."""

    target: str
    path: str
    source: str
    lacks: str

    def __str__(self) -> str:
        return f"{self.path or '<top>'}: {self.target} at {self.source}: {self.lacks}"


class Context:
    """What a table entry works with: the IR graph being built, the current fx node
    and its traced value, and :meth:`add` to add an IR node."""

    def __init__(self, graph: Graph, root: nn.Module, traced: dict, names: Names) -> None:
        self.graph, self.root, self.traced, self.names = graph, root, traced, names
        self.node: fx.Node | None = None
        self.weights: dict[str, dict[str, np.ndarray]] = {}
        self.concats: dict[tuple, Tensor] = {}  # (axis, *input names) -> its concat
        self._parents: set[str] | None = None  # every path above a called module
        self._named_once = False

    # -- what entries call ---------------------------------------------------------------
    def add(self, op: str, inputs, attrs=None, *, source=None, name: str | None = None) -> Tensor:
        """Add an IR node of ``op`` on ``inputs`` (values, made tensors); ``source`` is
        the module or tensor whose weights the node's parameters are, in the IR's
        names. The first node of a call_module / get_attr is named by its path."""
        tensors = [self.tensor(v) for v in inputs]
        out = self.graph.add_node(op, tensors, name=name or self._name(op), attrs=attrs)
        if source is not None:
            self._take_weights(out.name, source)
        return out

    def tensor(self, value) -> Tensor:
        """``value`` as an IR tensor (a pending view becomes its op here)."""
        if isinstance(value, Tensor):
            return value
        if isinstance(value, Permuted):
            return self._permute(value.tensor, tuple(d - 1 for d in value.dims[1:]))
        if isinstance(value, Flattened):
            c, h, w = value.tensor.shape
            return self.graph.add_node("reshape", [value.tensor], name=self.helper_name("reshape"),
                                       attrs={"shape": (c, h * w), "layout": "CL"})
        if isinstance(value, Expanded):
            from netir.importers.pytorch.shape import parameter
            return parameter(self, value.param, value.of)
        raise not_a_tensor(value)

    def place(self, param: Param, op: str, like, attrs=None) -> Tensor:
        """The IR node of the learned tensor ``param`` (``op``: parameter, layer_scale)
        on ``like``, named by its state_dict key, its weight the tensor itself."""
        return self.add(op, [like], attrs, source=param.value,
                        name=self.names.exact(param.path))

    @property
    def shape(self) -> tuple[int, ...]:
        """The traced output shape of the current node, batch excluded."""
        return tuple(self.traced[self.node].shape[1:])

    def arg_shape(self, index: int) -> tuple[int, ...]:
        """The traced shape (batch excluded) of the current node's argument ``index``."""
        return tuple(self.traced[self.node.args[index]].shape[1:])

    def helper_name(self, op: str) -> str:
        """The name of an op the importer adds on its own (a pending permute made an op,
        a relabelling reshape): in the scope the current node is called from, never the
        name of the module it calls."""
        n = self.node
        scope = str(n.target).rpartition(".")[0] if n.op in ("call_module", "get_attr") \
            else scope_of(n)
        while scope and self.names.taken(scope):  # a functional call named for its module
            scope = scope.rpartition(".")[0]
        return self.names.scoped(scope, op)

    def owns(self, path: str) -> bool:
        """Whether a node of a functional call may take the module path ``path`` as its
        name: no module below it is called and no node is named below it yet (a name
        is a node or a scope, not both; later calls of its forward are named in the
        scope above it)."""
        if self._parents is None:
            self._parents = set()
            for n in self.traced:  # called modules, and the modules torch.export entered
                for entered in (str(n.target) if n.op == "call_module" else "", scope_of(n)):
                    parts = entered.split(".")
                    self._parents.update(".".join(parts[:k]) for k in range(1, len(parts)))
        return path not in self._parents and not self.names.has_below(path)

    # -- internals --------------------------------------------------------------------------
    def _permute(self, x: Tensor, dims: tuple[int, ...]) -> Tensor:
        """The IR's permute of ``x``; one that moves a map's features from the front
        goes through a leading axis of one (C stays first: the IR's maps hold it there):
        reshape to (1, C, H, W), permute, reshape back."""
        if len(dims) != 3 or dims[0] == 0 or x.layout != default_layout(3):
            return self.graph.add_node("permute", [x], name=self.helper_name("permute"),
                                       attrs={"dims": dims})
        padded = self.graph.add_node("reshape", [x], name=self.helper_name("reshape"),
                                     attrs={"shape": (1, *x.shape), "layout": "CDHW"})
        moved = self.graph.add_node("permute", [padded], name=self.helper_name("permute"),
                                    attrs={"dims": (0, *(d + 1 for d in dims))})
        return self.graph.add_node("reshape", [moved], name=self.helper_name("reshape"),
                                   attrs={"shape": tuple(moved.shape[1:]),
                                          "layout": default_layout(3)})

    def _name(self, op: str) -> str:
        n = self.node
        if n.op in ("call_module", "get_attr") and not self._named_once:
            self._named_once = True
            return self.names.exact(n.target)
        scope = n.target if n.op in ("call_module", "get_attr") else scope_of(n)
        while scope and self.names.taken(scope):  # a functional call named for its module
            scope = scope.rpartition(".")[0]
        return self.names.scoped(scope, op)

    def _take_weights(self, name: str, source) -> None:
        trainable, buffers = self.graph.param_shapes(name)
        if isinstance(source, torch.Tensor):
            (p, shape), = {**trainable, **buffers}.items()
            tensors = {p: source}
        elif isinstance(source, dict):  # a functional call's learned tensors, by IR name
            tensors = source
        else:
            tensors = {**dict(source.named_parameters()), **dict(source.named_buffers())}
        out = {}
        for p, shape in {**trainable, **buffers}.items():
            if p not in tensors or tuple(tensors[p].shape) != tuple(shape):
                got = None if p not in tensors else tuple(tensors[p].shape)
                raise ShapeError(f"importer defect: the IR's parameter {p!r} of shape "
                                 f"{tuple(shape)} has no torch tensor of that shape", got,
                                 node=name, op=self.graph[name].op)
            out[p] = tensors[p].detach().cpu().numpy().copy()
        if out:
            self.weights[name] = out


def _flat(values) -> list:
    out = []
    for v in values:
        if isinstance(v, (list, tuple)):
            out.extend(_flat(v))
        elif isinstance(v, dict):
            out.extend(_flat(list(v.values())))
        else:
            out.append(v)
    return out


def _inplace(n: fx.Node, subject, kwargs) -> bool:
    """Whether ``n`` writes its result into its first argument (later reads of that
    argument see the result)."""
    if n.op == "call_method":
        return n.target.endswith("_") and not n.target.startswith("_")
    if n.op == "call_function":
        return n.target in _INPLACE_OPERATORS or kwargs.get("inplace") is True
    return getattr(subject, "inplace", False) is True


def convert(root: nn.Module, fxg: fx.Graph, traced: dict, table, name: str):
    """(graph, weights, problems) of the traced ``fxg``."""
    graph = Graph(name)
    reserved = {n.target for n in fxg.nodes if n.op in ("call_module", "get_attr")}
    ctx = Context(graph, root, traced, Names(reserved))
    values: dict[fx.Node, object] = {}
    problems: list[Problem] = []
    outputs = None
    modules_called: dict[str, list[fx.Node]] = {}
    for n in fxg.nodes:
        ctx.node, ctx._named_once = n, False
        if n.op == "placeholder":
            if not isinstance(traced[n], torch.Tensor):  # an argument left at its default
                values[n] = traced[n]
                continue
            shape = tuple(traced[n].shape[1:])
            values[n] = graph.add_node("input", [], name=input_name(n.target),
                                       attrs={"shape": shape, "layout": default_layout(len(shape))})
            continue
        if n.op == "output":
            outputs = n.args[0]
            if isinstance(outputs, dict):  # torchvision's segmentation: {"out": ...}
                outputs = tuple(outputs.values())
            continue
        if n.op == "get_attr":
            try:
                values[n] = Param(n.target, fetch(root, n.target))
            except AttributeError:  # a constant torch.export lifted out of forward
                values[n] = Param(n.target, traced[n])
            if isinstance(values[n].value, nn.Parameter) and len(n.users) > 1:
                problems.append(Problem("parameter", n.target, source_line(n, root),
                                        f"shared weights: the tensor is used {len(n.users)} "
                                        "times (the IR has no shared weights yet)"))
            continue
        subject = fetch(root, n.target) if n.op == "call_module" else None
        if n.op == "call_module":
            modules_called.setdefault(n.target, []).append(n)
        args = fx.node.map_arg(n.args, lambda a: values[a])
        kwargs = fx.node.map_arg(n.kwargs, lambda a: values[a])
        flat = _flat([args, kwargs])
        entry = table.lookup(n, subject)
        missing = any(isinstance(v, Missing) for v in flat)
        if missing and entry is not None:
            values[n] = MISSING  # an input was reported already
            continue
        if n.op != "call_module" \
                and not any(isinstance(v, (*_TENSORISH, Batch)) for v in flat) \
                and not any(isinstance(v, torch.Tensor) for v in _flat([traced[n]])):
            values[n] = traced[n]  # arithmetic on constants (sizes, dims): its traced value
            continue
        if entry is None:
            problems.append(Problem(describe(n, root), scope_of(n) if n.op != "call_module"
                                    else n.target, source_line(n, root),
                                    "no IR op for it (no entry in the import table)"))
            values[n] = MISSING
            continue
        try:
            value = entry(ctx, subject, *args, **kwargs) if n.op == "call_module" \
                else entry(ctx, *args, **kwargs)
        except (Unsupported, NetIRError) as err:
            problems.append(Problem(describe(n, root), n.target if n.op == "call_module"
                                    else scope_of(n), source_line(n, root), str(err)))
            values[n] = MISSING
            continue
        except Exception as err:  # an entry met arguments it does not know: say which
            problems.append(Problem(describe(n, root), n.target if n.op == "call_module"
                                    else scope_of(n), source_line(n, root),
                                    f"the importer cannot convert these arguments "
                                    f"({argument_kinds(args, kwargs)}): "
                                    f"{type(err).__name__}: {err}"))
            values[n] = MISSING
            continue
        _check_shape(n, value, traced)
        values[n] = value
        if _inplace(n, subject, kwargs) and n.args and isinstance(n.args[0], fx.Node):
            values[n.args[0]] = value
    for path, calls in modules_called.items():
        module = fetch(root, path)
        if len(calls) > 1 and any(True for _ in module.parameters()):
            sites = "; ".join(f"call {k + 1} at {source_line(c, root)}"
                              for k, c in enumerate(calls))
            problems.append(Problem(describe(calls[0], root), path, source_line(calls[1], root),
                                    f"shared weights: the module {path!r} is applied "
                                    f"{len(calls)} times ({sites}); the IR has no shared "
                                    "weights yet"))
    if not problems:
        results = outputs if isinstance(outputs, (tuple, list)) else (outputs,)
        ctx.node = next(n for n in fxg.nodes if n.op == "output")
        try:
            graph.output(*[ctx.tensor(values[r]) for r in results])
        except (Unsupported, NetIRError) as err:
            problems.append(Problem("output", "", "<forward's return>", str(err)))
    return graph, ctx.weights, problems


def _check_shape(n: fx.Node, value, traced: dict) -> None:
    """An IR shape that differs from the traced one is an importer defect."""
    real = traced.get(n)
    if not isinstance(real, torch.Tensor) or not isinstance(value, (Tensor, Permuted)):
        return
    if isinstance(value, Permuted):
        full = (real.shape[0], *value.tensor.shape)
        shape = tuple(full[d] for d in value.dims)[1:]
    else:
        shape = value.shape
    if tuple(shape) != tuple(real.shape[1:]):
        name = value.name if isinstance(value, Tensor) else value.tensor.name
        raise ShapeError(f"importer defect: IR shape inference gives {tuple(shape)} where "
                         f"torch traced {tuple(real.shape[1:])} (batch excluded; fx node "
                         f"{n.name})",
                         tuple(real.shape[1:]), node=name, op=str(n.target))
