"""Lower a graph to a ``torch.fx.GraphModule`` whose module tree follows node names."""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Sequence

import torch
import torch.fx as fx
from torch import nn

from netir.emitters.pytorch.lowerings import PLACEHOLDER
from netir.emitters.pytorch.modules import (
    Add,
    AvgPoolExact,
    Concat,
    ExactNames,
    GlobalAvgPool,
    MaxPoolExact,
    Scope,
    attribute_name,
)
from netir.emitters.registry import get_lowering, prepare
from netir.ir.graph import Graph
from netir.ir.limits import ensure_recursion_limit


class NetirGraphModule(ExactNames, fx.GraphModule):
    """The emitted model: an fx.GraphModule whose children may have any node name."""


def _place(root: Scope, path: str, module: nn.Module) -> None:
    *scopes, leaf = path.split(".")
    parent = root
    for s in scopes:
        if s not in parent._modules:
            parent.add_module(s, Scope())
        parent = parent._modules[s]
    parent.add_module(leaf, module)


def _target(name: str) -> str:
    """The fx call target of a node: its path through :func:`attribute_name`."""
    return ".".join(attribute_name(s) for s in name.split("."))


def _argument_names(graph: Graph) -> list[str]:
    """forward()'s parameter per graph input: the name with '.' and '-' as '_', or
    ``input_<name>`` where that is not a usable, distinct identifier."""
    used: set[str] = {"self"}
    out = []
    for node in graph.inputs:
        base = node.name.replace(".", "_").replace("-", "_")
        if (not base.isidentifier() or keyword.iskeyword(base) or base in used
                or hasattr(builtins, base)):
            base = f"input_{base}"
        name, n = base, 1
        while name in used:
            name, n = f"{base}_{n}", n + 1
        used.add(name)
        out.append(name)
    return out


def to_torch(graph: Graph, outputs: Sequence[str] | None = None, *, optimize: bool = False,
             weights: dict[str, dict] | None = None) -> fx.GraphModule:
    """An ``nn.Module`` computing ``graph``: modules at the node names, forward generated
    by torch.fx (no per-node interpretation). ``model.layer3[4].conv2`` exists for
    catalog networks and ``state_dict()`` keys are ``<node>.<param>`` for every node
    name the IR accepts (``forward``, ``None``, ``0``, ``block1-0`` included).

    Inputs are NCHW (or N×features). Returns one tensor, or a tuple when the graph
    (or ``outputs``, a list of node names) has several. The module comes in eval mode
    (inference, as a Keras model runs by default); call ``.train()`` to train it.
    Raises UnsupportedOpError, GraphError (no outputs), ResourceError (the model would
    not fit in memory).
    ``optimize=True`` emits ``netir.optimize(graph, weights)`` (inference only: batch
    norm folded, dropout gone); ``weights`` (neutral, for ``graph``) are then loaded.
    """
    graph, weights, names = prepare(graph, outputs, weights, optimize)
    ensure_recursion_limit(4 * max((n.name.count(".") for n in graph.nodes), default=0),
                           "the deepest scope of a node name (torch walks module trees "
                           "recursively)")
    root = Scope()
    fxg = fx.Graph()
    env: dict[str, fx.Node] = {}
    lowered_by_name: dict[str, nn.Module] = {}
    arguments = iter(_argument_names(graph))
    for node in graph.nodes:
        lowered = get_lowering(node, "torch")(node, graph)
        if lowered is PLACEHOLDER:
            env[node.name] = fxg.placeholder(next(arguments))
            continue
        lowered_by_name[node.name] = lowered
        _place(root, node.name, lowered)
        args = [env[i] for i in node.inputs]
        variadic = getattr(lowered, "variadic", False)  # takes one list (Add, Concat)
        env[node.name] = fxg.call_module(_target(node.name),
                                         (args,) if variadic else tuple(args))
    _plan_inplace(graph, lowered_by_name, set(names))
    result = [env[n] for n in names]
    fxg.output(result[0] if len(result) == 1 else tuple(result))
    module = NetirGraphModule(root, fxg, class_name=_class_name(graph.name))
    module._modules.clear()  # the Scope tree, with exact names, replaces fx's copies
    for key, child in root._modules.items():
        module._modules[key] = child
        if attribute_name(key) != key:
            module.__dict__[attribute_name(key)] = child
    module.netir_graph = graph
    if weights is not None:
        import_weights(module, weights)
    return module.eval()


# Modules whose output is a fresh tensor that their own backward never reads: a
# consumer may overwrite it (torchvision's ReLU(inplace=True) and ``out += identity``).
_OVERWRITABLE = (nn.Conv2d, nn.Linear, nn.BatchNorm1d, nn.BatchNorm2d, nn.MaxPool2d,
                 nn.AvgPool2d, nn.AdaptiveAvgPool2d, Add, Concat, MaxPoolExact, AvgPoolExact,
                 GlobalAvgPool)


def _plan_inplace(graph: Graph, modules: dict[str, nn.Module], keep: set[str]) -> None:
    """Let ReLU and Add write into an input when nothing else can see it.

    An input may be overwritten when it is produced by an ``_OVERWRITABLE`` module, has
    exactly one consumer, and is not a requested output. This saves one activation-sized
    allocation per ReLU and residual add, which is most of the gap to hand-written
    models at batch > 1. Inputs given by the caller are never written.
    """
    uses: dict[str, int] = {}
    for node in graph.nodes:
        for i in node.inputs:
            uses[i] = uses.get(i, 0) + 1

    def free(name: str) -> bool:
        return (name not in keep and uses.get(name) == 1
                and isinstance(modules.get(name), _OVERWRITABLE))

    for node in graph.nodes:
        module = modules.get(node.name)
        if type(module) is nn.ReLU and free(node.inputs[0]):
            module.inplace = True
        elif type(module) is Add:
            # only the first two inputs: (b + a) + c == (a + b) + c exactly
            module.inplace_index = next(
                (j for j in (0, 1) if free(node.inputs[j])), None)


def _class_name(name: str) -> str:
    cleaned = "".join(part.capitalize() for part in name.replace(".", "_").split("_"))
    return cleaned if cleaned.isidentifier() else "NetirModel"


def export_weights(model: nn.Module) -> dict[str, dict]:
    """``{node: {param: numpy array}}`` from a module's state_dict (neutral = torch layout).

    ``num_batches_tracked`` is a counter, not a parameter, and is left out.
    """
    out: dict[str, dict] = {}
    for key, value in model.state_dict().items():
        node, _, param = key.rpartition(".")
        if param == "num_batches_tracked":
            continue
        out.setdefault(node, {})[param] = value.detach().cpu().numpy().copy()
    return out


def import_weights(model: nn.Module, weights: dict[str, dict]) -> None:
    """Load neutral weights; every key must exist with the same shape (strict).

    Raises WeightsError naming the tensor for an unknown, missing or misshapen one,
    or a dtype outside the float32 policy (see :mod:`netir.emitters.tensorfile`).
    """
    from netir.emitters.tensorfile import normalise_weights
    from netir.ir.errors import WeightsError

    weights = normalise_weights(weights)
    state = {f"{n}.{p}": torch.from_numpy(v) for n, ps in weights.items() for p, v in ps.items()}
    own = model.state_dict()
    for key, value in state.items():
        node, _, param = key.rpartition(".")
        if key not in own:
            raise WeightsError("the model has no such parameter", param, node=node, op="weights")
        if tuple(own[key].shape) != tuple(value.shape):
            raise WeightsError(f"shape of '{param}' differs from the model's "
                               f"{tuple(own[key].shape)}", tuple(value.shape), node=node,
                               op="weights")
    missing = [k for k in own if k not in state and not k.endswith("num_batches_tracked")]
    if missing:
        node, _, param = missing[0].rpartition(".")
        raise WeightsError("weights lack a parameter the model has", f"{len(missing)} missing, "
                           f"first {param!r}", node=node, op="weights")
    model.load_state_dict(state, strict=False)


def count_params(model: nn.Module) -> tuple[int, int]:
    """(trainable parameters, float buffers in the state_dict)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    params = dict(model.named_parameters())
    buffers = sum(v.numel() for k, v in model.state_dict().items()
                  if v.is_floating_point() and k not in params)
    return trainable, buffers
