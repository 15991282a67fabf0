"""Lower a graph to a ``torch.fx.GraphModule`` whose module tree follows node names."""

from __future__ import annotations

import builtins
import keyword
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, nullcontext

import torch
import torch.fx as fx
from torch import nn

from netir.emitters.pytorch.lowered import PLACEHOLDER, BareParameter
from netir.emitters.pytorch.lowerings import LOWERINGS
from netir.emitters.pytorch.naming import (
    ExactNames,
    Scope,
    attribute_name,
    value_name,
)
from netir.emitters.registry import prepare
from netir.ir.errors import GraphError
from netir.ir.graph import Graph
from netir.ir.limits import ensure_recursion_limit
from netir.ir.plan import NodePlan, graph_plan


class NetirGraphModule(ExactNames, fx.GraphModule):
    """The emitted model: an fx.GraphModule whose children may have any node name."""


def _parent(root: Scope, path: str) -> tuple[nn.Module, str]:
    """The scope that holds ``path`` (created as needed) and the last segment."""
    *scopes, leaf = path.split(".")
    parent = root
    for s in scopes:
        if s not in parent._modules:
            parent.add_module(s, Scope())
        parent = parent._modules[s]
    return parent, leaf


def _place(root: Scope, path: str, module: nn.Module) -> None:
    parent, leaf = _parent(root, path)
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


_MEMORY_FORMATS = {"contiguous": torch.contiguous_format, "channels_last": torch.channels_last}


def to_torch(graph: Graph, outputs: Sequence[str] | None = None, *, optimize: bool = False,
             weights: dict[str, dict] | None = None,
             memory_format: str | None = None) -> fx.GraphModule:
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

    ``memory_format`` is how 4-D weights are stored, ``"contiguous"`` or
    ``"channels_last"``; convolutions then produce maps in that format, whatever the
    input's. The default is ``"channels_last"`` with ``optimize=True``, the inference
    model (on this project's CPU it is 4–20 % faster than contiguous; README,
    Benchmarks), and ``"contiguous"`` otherwise, whose outputs are bit-identical to
    torchvision's contiguous modules with the same weights. Values and ``state_dict``
    keys and shapes do not depend on it.
    """
    if memory_format is None:
        memory_format = "channels_last" if optimize else "contiguous"
    if memory_format not in _MEMORY_FORMATS:
        raise GraphError(f"memory_format is one of {sorted(_MEMORY_FORMATS)}",
                         repr(memory_format), node=graph.name, op="to_torch")
    graph, weights, names = prepare(graph, outputs, weights, optimize)
    ensure_recursion_limit(4 * max((n.name.count(".") for n in graph.nodes), default=0),
                           "the deepest scope of a node name (torch walks module trees "
                           "recursively)")
    with nullcontext() if weights is None else no_initial_weights():
        module = _lower(graph, names)
    if memory_format != "contiguous":
        module.to(memory_format=_MEMORY_FORMATS[memory_format])
    if weights is not None:
        import_weights(module, weights)
    return module.eval()


#: ``torch.nn.init``'s in-place initializers, which a module's constructor calls.
_INITIALIZERS = ("uniform_", "normal_", "trunc_normal_", "constant_", "ones_", "zeros_",
                 "eye_", "dirac_", "xavier_uniform_", "xavier_normal_", "kaiming_uniform_",
                 "kaiming_normal_", "orthogonal_", "sparse_")


@contextmanager
def no_initial_weights() -> Iterator[None]:
    """Modules built here draw no initial weights (their tensors hold whatever memory
    they were given), for weights that are loaded straight after, strictly: every
    parameter and buffer of the state dict. Drawing them costs as much as the load (a
    second of uniform draws for VGG's 138M parameters)."""
    saved = {name: getattr(nn.init, name) for name in _INITIALIZERS}
    for name in _INITIALIZERS:
        setattr(nn.init, name, _unchanged)
    try:
        yield
    finally:
        for name, function in saved.items():
            setattr(nn.init, name, function)


def _unchanged(tensor, *args, **kwargs):
    return tensor


def _lower(graph: Graph, names: list[str]) -> NetirGraphModule:
    """The module of ``graph`` returning ``names``, in the contiguous format, eval mode
    and weights as its modules drew them. Each node's module is called with the
    values of its plan's operands (the inputs, or attention's query, key and value)."""
    plans = graph_plan(graph)
    root = Scope()
    fxg = fx.Graph()
    env: dict[str, fx.Node] = {}
    lowered_by_name: dict[str, nn.Module] = {}
    bare: list[str] = []
    arguments = iter(_argument_names(graph))
    for node in graph.nodes:
        plan = plans[node.name]
        inputs = [env[i] for i in node.inputs]
        lowered = LOWERINGS.lookup(node)(plan, inputs)
        if lowered is PLACEHOLDER:
            env[node.name] = fxg.placeholder(next(arguments))
            continue
        if isinstance(lowered, BareParameter):  # the node's path holds the tensor itself
            parent, leaf = _parent(root, node.name)
            parent.register_parameter(leaf, nn.Parameter(torch.zeros(lowered.shape)))
            held = fxg.create_node("get_attr", _target(node.name),
                                   name=value_name(node.name + ".tensor"))
            env[node.name] = fxg.create_node("call_function", lowered.function,
                                             (held, *inputs), name=value_name(node.name))
            bare.append(node.name)
            continue
        lowered_by_name[node.name] = lowered
        _place(root, node.name, lowered)
        operands = [env[i] for i in plan.operands]
        variadic = getattr(lowered, "variadic", False)  # takes one list (Add, Concat)
        env[node.name] = fxg.create_node("call_module", _target(node.name),
                                         (operands,) if variadic else tuple(operands),
                                         name=value_name(node.name))
    _plan_inplace(plans, lowered_by_name, set(names))
    result = [env[n] for n in names]
    fxg.output(result[0] if len(result) == 1 else tuple(result))
    module = NetirGraphModule(root, fxg, class_name=_class_name(graph.name))
    module._modules.clear()  # the Scope tree, with exact names, replaces fx's copies
    for key, child in root._modules.items():
        module._modules[key] = child
        if attribute_name(key) != key:
            module.__dict__[attribute_name(key)] = child
    module.netir_graph = graph
    module.netir_bare = frozenset(bare)
    module.netir_outputs = tuple(names)
    return module


def _plan_inplace(plans: Mapping[str, NodePlan], modules: dict[str, nn.Module],
                  keep: set[str]) -> None:
    """Let ops declared ``in_place`` (ReLU, Add) write into an input nobody else sees.

    An input may be overwritten when its producer is declared ``overwritable`` (its
    output is a fresh tensor its own backward never reads), it has exactly one
    consumer, and it is not a requested output. This saves one activation-sized
    allocation per ReLU and residual add, as torchvision's ``ReLU(inplace=True)`` and
    ``out += identity`` do. Inputs given by the caller are never written. The
    consumers are the plans' (an input read twice counts twice).
    """

    def free(name: str, shape: tuple[int, ...]) -> bool:
        """Overwritable, read once, not returned, and of the output's shape (a
        broadcast operand is smaller than the result)."""
        source = plans[name]
        return (name not in keep and len(source.consumers) == 1
                and source.node.spec.overwritable and source.node.shape == shape)

    for plan in plans.values():
        node = plan.node
        if not node.spec.in_place:
            continue
        # only the first two inputs: (b + a) + c == (a + b) + c exactly
        j = next((j for j in range(min(2, len(node.inputs)))
                  if free(node.inputs[j], node.shape)), None)
        if j is not None:
            _write_into(modules[node.name], j)


def _write_into(module: nn.Module, index: int) -> None:
    """Make ``module`` write its output into its input ``index``."""
    if hasattr(module, "inplace_index"):
        module.inplace_index = index
    else:
        module.inplace = True  # nn.ReLU and friends: their only input


def _class_name(name: str) -> str:
    cleaned = "".join(part.capitalize() for part in name.replace(".", "_").split("_"))
    return cleaned if cleaned.isidentifier() else "NetirModel"


def weight_keys(model: nn.Module) -> dict[str, tuple[str, str]]:
    """``{state_dict key: (node, param)}`` of every neutral weight: the parameters the
    graph's op specs declare (counters such as ``num_batches_tracked`` are not
    weights), keyed ``<node>.<param>`` or, for a bare parameter, the node name; for a
    module not emitted by netir, its floating-point state split at the last dot."""
    graph = getattr(model, "netir_graph", None)
    if graph is None:
        return {k: _split(k) for k, v in model.state_dict().items() if v.is_floating_point()}
    bare = getattr(model, "netir_bare", frozenset())
    keys = {}
    for node in graph.nodes:
        trainable, buffers = graph.param_shapes(node)
        for p in (*trainable, *buffers):
            keys[node.name if node.name in bare else f"{node.name}.{p}"] = (node.name, p)
    return keys


def _split(key: str) -> tuple[str, str]:
    node, _, param = key.rpartition(".")
    return node, param


def export_weights(model: nn.Module) -> dict[str, dict]:
    """``{node: {param: numpy array}}`` from a module's state_dict (neutral = torch layout)."""
    state = model.state_dict()
    out: dict[str, dict] = {}
    for key, (node, param) in weight_keys(model).items():
        out.setdefault(node, {})[param] = state[key].detach().cpu().numpy().copy()
    return out


def import_weights(model: nn.Module, weights: dict[str, dict]) -> None:
    """Load neutral weights, strictly (the torch backend's ``import_weights``: see
    :func:`netir.emitters.tensorfile.validate_weights`)."""
    from netir.emitters.pytorch.backend import BACKEND

    BACKEND.import_weights(model, weights)


def declared_weights(model: nn.Module):
    """The graph a netir module was emitted from, or ``{node: {param: shape}}`` of a
    module not emitted by netir (its floating-point state split at the last dot)."""
    graph = getattr(model, "netir_graph", None)
    if graph is not None:
        return graph
    state = model.state_dict()
    out: dict[str, dict] = {}
    for key, (node, param) in weight_keys(model).items():
        out.setdefault(node, {})[param] = tuple(state[key].shape)
    return out


def assign_weights(model: nn.Module, weights: dict[str, dict]) -> None:
    """Load checked neutral weights (float32, grouped by node) into the state_dict."""
    by_pair = {pair: key for key, pair in weight_keys(model).items()}
    model.load_state_dict({by_pair[(n, p)]: torch.from_numpy(v) for n, ps in weights.items()
                           for p, v in ps.items()}, strict=False)


def count_params(model: nn.Module) -> tuple[int, int]:
    """(trainable parameters, float buffers in the state_dict)."""
    trainable = sum(p.numel() for p in model.parameters() if p.requires_grad)
    params = dict(model.named_parameters())
    buffers = sum(v.numel() for k, v in model.state_dict().items()
                  if v.is_floating_point() and k not in params)
    return trainable, buffers
