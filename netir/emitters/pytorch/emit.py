"""Lower a graph to a ``torch.fx.GraphModule`` whose module tree follows node names."""

from __future__ import annotations

from collections.abc import Sequence

import torch
import torch.fx as fx
from torch import nn

from netir.emitters.pytorch.lowerings import LOWERINGS, PLACEHOLDER
from netir.emitters.pytorch.modules import (
    Add,
    AvgPoolExact,
    Concat,
    GlobalAvgPool,
    MaxPoolExact,
    Scope,
)
from netir.emitters.registry import output_names
from netir.ir.graph import Graph


def _place(root: nn.Module, path: str, module: nn.Module) -> None:
    *scopes, leaf = path.split(".")
    parent = root
    for s in scopes:
        if s not in parent._modules:
            parent.add_module(s, Scope())
        parent = parent._modules[s]
    parent.add_module(leaf, module)


def to_torch(graph: Graph, outputs: Sequence[str] | None = None, *, optimize: bool = False,
             weights: dict[str, dict] | None = None) -> fx.GraphModule:
    """An ``nn.Module`` computing ``graph``: modules at the node names, forward generated
    by torch.fx (no per-node interpretation). ``model.layer3[4].conv2`` exists for
    catalog networks and ``state_dict()`` keys are ``<node>.<param>``.

    Inputs are NCHW (or N×features). Returns one tensor, or a tuple when the graph
    (or ``outputs``, a list of node names) has several. Raises UnsupportedOpError.
    ``optimize=True`` emits ``netir.optimize(graph, weights)`` (inference only: batch
    norm folded, dropout gone); ``weights`` (neutral, for ``graph``) are then loaded.
    """
    if optimize:
        from netir.ir.passes import optimize as optimize_graph

        graph, weights = optimize_graph(graph, weights, keep=outputs or ())
    root = Scope()
    fxg = fx.Graph()
    env: dict[str, fx.Node] = {}
    names = output_names(graph, outputs)
    lowered_by_name: dict[str, nn.Module] = {}
    for node in graph.nodes:
        inputs = [env[i] for i in node.inputs]
        lowered = LOWERINGS.lookup(node)(node, graph, inputs)
        if lowered is PLACEHOLDER:
            env[node.name] = fxg.placeholder(node.name.replace(".", "_"))
            continue
        lowered_by_name[node.name] = lowered
        _place(root, node.name, lowered)
        env[node.name] = fxg.call_module(node.name, tuple(inputs))
    _plan_inplace(graph, lowered_by_name, set(names))
    result = [env[n] for n in names]
    fxg.output(result[0] if len(result) == 1 else tuple(result))
    module = fx.GraphModule(root, fxg, class_name=_class_name(graph.name))
    for key, child in root._modules.items():  # keep the Scope containers (indexable)
        module._modules[key] = child
    module.netir_graph = graph
    if weights is not None:
        import_weights(module, weights)
    return module


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
    """Load neutral weights; every key must exist with the same shape (strict)."""
    from netir.ir.errors import NetIRError

    state = {f"{n}.{p}": torch.as_tensor(v) for n, ps in weights.items() for p, v in ps.items()}
    own = model.state_dict()
    for key, value in state.items():
        if key not in own:
            node, _, param = key.rpartition(".")
            raise NetIRError("the model has no such parameter", param, node=node, op="weights")
        if tuple(own[key].shape) != tuple(value.shape):
            node, _, param = key.rpartition(".")
            raise NetIRError(f"shape of '{param}' differs from the model's "
                             f"{tuple(own[key].shape)}", tuple(value.shape), node=node,
                             op="weights")
    missing = [k for k in own if k not in state and not k.endswith("num_batches_tracked")]
    if missing:
        node, _, param = missing[0].rpartition(".")
        raise NetIRError("weights lack a parameter the model has", f"{len(missing)} missing, "
                         f"first {param!r}", node=node, op="weights")
    model.load_state_dict(state, strict=False)


def count_params(model: nn.Module) -> tuple[int, int]:
    """(trainable parameters, float buffers in the state_dict)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    params = dict(model.named_parameters())
    buffers = sum(v.numel() for k, v in model.state_dict().items()
                  if v.is_floating_point() and k not in params)
    return trainable, buffers
