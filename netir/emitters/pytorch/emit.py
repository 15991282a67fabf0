"""Lower a graph to a ``torch.fx.GraphModule`` whose module tree follows node names."""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Sequence

import torch
import torch.fx as fx
from torch import nn

from netir.emitters.pytorch.lowerings import LOWERINGS, PLACEHOLDER
from netir.emitters.pytorch.modules import Scope
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
    for node in graph.inputs:  # first, so that forward's arguments keep their names
        env[node.name] = fxg.placeholder(_argument_name(node.name))
    for node in graph.nodes:
        inputs = [env[i] for i in node.inputs]
        lowered = LOWERINGS.lookup(node)(node, graph, inputs)
        if lowered is PLACEHOLDER:
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


def _plan_inplace(graph: Graph, modules: dict[str, nn.Module], keep: set[str]) -> None:
    """Let ops declared ``in_place`` (ReLU, Add) write into an input nobody else sees.

    An input may be overwritten when its producer is declared ``overwritable`` (its
    output is a fresh tensor its own backward never reads), it has exactly one
    consumer, and it is not a requested output. This saves one activation-sized
    allocation per ReLU and residual add, as torchvision's ``ReLU(inplace=True)`` and
    ``out += identity`` do. Inputs given by the caller are never written.
    """
    uses: dict[str, int] = {}
    for node in graph.nodes:
        for i in node.inputs:
            uses[i] = uses.get(i, 0) + 1

    def free(name: str) -> bool:
        return name not in keep and uses.get(name) == 1 and graph[name].spec.overwritable

    for node in graph.nodes:
        if not node.spec.in_place:
            continue
        # only the first two inputs: (b + a) + c == (a + b) + c exactly
        j = next((j for j in range(min(2, len(node.inputs))) if free(node.inputs[j])), None)
        if j is not None:
            _write_into(modules[node.name], j)


def _write_into(module: nn.Module, index: int) -> None:
    """Make ``module`` write its output into its input ``index``."""
    if hasattr(module, "inplace_index"):
        module.inplace_index = index
    else:
        module.inplace = True  # nn.ReLU and friends: their only input


def _argument_name(node: str) -> str:
    """A forward() argument for a graph input. torch.fx renames a placeholder that
    shadows a builtin (``input``) and then mis-binds the next one (``input_1``), so such
    names take a trailing underscore."""
    name = node.replace(".", "_")
    return f"{name}_" if keyword.iskeyword(name) or hasattr(builtins, name) else name


def _class_name(name: str) -> str:
    cleaned = "".join(part.capitalize() for part in name.replace(".", "_").split("_"))
    return cleaned if cleaned.isidentifier() else "NetirModel"


def _weight_keys(model: nn.Module) -> list[str]:
    """``<node>.<param>`` of every neutral weight: the parameters the graph's op specs
    declare (counters such as ``num_batches_tracked`` are not weights); for a module
    not emitted by netir, its floating-point state."""
    graph = getattr(model, "netir_graph", None)
    if graph is None:
        return [k for k, v in model.state_dict().items() if v.is_floating_point()]
    keys = []
    for node in graph.nodes:
        trainable, buffers = graph.param_shapes(node)
        keys += [f"{node.name}.{p}" for p in (*trainable, *buffers)]
    return keys


def export_weights(model: nn.Module) -> dict[str, dict]:
    """``{node: {param: numpy array}}`` from a module's state_dict (neutral = torch layout)."""
    state = model.state_dict()
    out: dict[str, dict] = {}
    for key in _weight_keys(model):
        node, _, param = key.rpartition(".")
        out.setdefault(node, {})[param] = state[key].detach().cpu().numpy().copy()
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
    missing = [k for k in _weight_keys(model) if k not in state]
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
