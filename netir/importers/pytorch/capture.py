"""Capture a torch module as an fx graph and the value of each node on example inputs.

Tracing is torch.fx symbolic tracing with every module type the import table knows as
a leaf, so a call_module node's target is the module's exact path (its ``_modules``
keys, which are the state_dict prefixes: netir's emitted modules hold children under
names such as ``forward`` or ``0``, reached in code through another attribute name).
The values come from running the graph on fake tensors (shapes, no arithmetic), or
on the real inputs where a fake run fails.
"""

from __future__ import annotations

import torch
import torch.fx as fx
from torch import nn


class _Tracer(fx.Tracer):
    """fx's tracer with the table's module types as leaves."""

    def __init__(self, leaves: frozenset[type], wrapped: tuple, *, stack_traces: bool) -> None:
        super().__init__(autowrap_functions=wrapped)
        self._leaves = leaves
        self.record_stack_traces = stack_traces

    def is_leaf_module(self, m: nn.Module, module_qualified_name: str) -> bool:
        return leaf_type(type(m), self._leaves) is not None \
            or super().is_leaf_module(m, module_qualified_name)


def leaf_type(cls: type, leaves) -> type | None:
    """The table's module type that ``cls`` computes as: itself, or the first base in
    ``leaves`` (types or qualified names) when the classes between add no computing
    method of their own (only ``__init__``, static and class methods: torchvision's
    ``Conv3DSimple`` is an ``nn.Conv3d``); None otherwise."""
    for base in cls.__mro__:
        if base in leaves or qualified_name(base) in leaves:
            return base
        if any(callable(v) and k != "__init__" and not isinstance(v, (staticmethod, classmethod))
               for k, v in vars(base).items()):
            return None
    return None


def qualified_name(obj) -> str:
    """``module.QualName`` of a class or function: how the table names a library's
    type without importing the library (torchvision's StochasticDepth)."""
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"


def trace(module: nn.Module, leaves: frozenset[type], wrapped: tuple = (), *,
          stack_traces: bool = False, given: int = 1) -> fx.Graph:
    """The fx graph of ``module.forward`` (leaf modules and ``wrapped`` functions called,
    not entered) on its first ``given`` arguments; each later argument keeps its
    default (``attn_mask=None`` is traced as None, not as a tensor that may be there).

    What the forward stored in its modules while traced (a cache of attention biases
    filled with traced values) is put back as it was: the module stays usable, and a
    second trace does not read the first one's values."""
    before = _stash(module)
    try:
        return _Tracer(leaves, wrapped, stack_traces=stack_traces).trace(
            module, concrete_args=_defaults(module, given) or None)
    finally:
        _restore(module, before)


def _defaults(module: nn.Module, given: int) -> dict:
    """forward()'s parameters after the first ``given``, with their defaults."""
    import inspect

    try:
        params = list(inspect.signature(module.forward).parameters.values())
    except (TypeError, ValueError):
        return {}
    return {p.name: p.default for p in params[given:]
            if p.default is not inspect.Parameter.empty
            and p.kind in (p.POSITIONAL_OR_KEYWORD, p.KEYWORD_ONLY)}


_OWN = frozenset({"_modules", "_parameters", "_buffers"})


def _stash(module: nn.Module) -> list:
    """Each module's attributes as they are (containers copied one level down)."""
    return [(m, {k: (type(v)(v) if type(v) in (dict, list, set) else v)
                 for k, v in vars(m).items() if k not in _OWN})
            for m in module.modules()]


def _holds_proxy(value) -> bool:
    if isinstance(value, fx.Proxy):
        return True
    if type(value) in (dict, list, set, tuple):
        items = value.values() if isinstance(value, dict) else value
        return any(isinstance(v, fx.Proxy) for v in items)
    return False


def _restore(module: nn.Module, stash: list) -> None:
    """Put back every attribute that now holds a traced value."""
    for m, before in stash:
        for k, v in list(vars(m).items()):
            if k in _OWN or not _holds_proxy(v):
                continue
            if k in before:
                vars(m)[k] = before[k]
            else:
                del vars(m)[k]


def fetch(root: nn.Module, path: str):
    """The submodule, parameter or buffer at the exact dotted ``path`` (each segment
    looked up among children, parameters and buffers by its own name first: a child
    named ``forward`` is not the method)."""
    obj = root
    for segment in path.split("."):
        for table in ("_modules", "_parameters", "_buffers"):
            held = getattr(obj, "__dict__", {}).get(table)
            if held is not None and segment in held:
                obj = held[segment]
                break
        else:
            obj = getattr(obj, segment)
    return obj


#: Modules whose output, in eval mode, has their input's shape and dtype: their fake run
#: is skipped (it is what makes a fake ResNet-50 slow), not their real one.
_SAME_SHAPE = (nn.BatchNorm1d, nn.BatchNorm2d, nn.BatchNorm3d)


def _is_fake(args) -> bool:
    from torch._subclasses.fake_tensor import FakeTensor

    return len(args) == 1 and isinstance(args[0], FakeTensor)


class _Values(fx.Interpreter):
    """Runs the traced graph, reaching modules and tensors by their exact paths, and
    keeps each node's value."""

    def __init__(self, root: nn.Module, graph: fx.Graph) -> None:
        super().__init__(root, garbage_collect_values=False, graph=graph)
        self.values: dict[fx.Node, object] = {}

    def fetch_attr(self, target: str):
        return fetch(self.module, target)

    def call_module(self, target, args, kwargs):
        module = fetch(self.module, target)
        if isinstance(module, _SAME_SHAPE) and not module.training and _is_fake(args):
            return torch.empty_like(args[0])  # fake batch norm decomposes: ~30 ms a call
        return super().call_module(target, args, kwargs)

    def run_node(self, n: fx.Node):
        value = super().run_node(n)
        self.values[n] = value
        return value


def traced_values(root: nn.Module, graph: fx.Graph,
                  inputs: tuple[torch.Tensor, ...]) -> dict[fx.Node, object]:
    """Each node's value on ``inputs``: fake tensors (shapes only) where the module
    allows it, else the real computation, without gradients."""
    with torch.no_grad():
        try:
            from torch._subclasses.fake_tensor import FakeTensorMode

            mode = FakeTensorMode(allow_non_fake_inputs=True)
            fakes = tuple(mode.from_tensor(x) for x in inputs)
            with mode:
                runner = _Values(root, graph)
                runner.run(*fakes)
            return runner.values
        except Exception:  # a data-dependent step: compute for real
            runner = _Values(root, graph)
            runner.run(*inputs)
            return runner.values
