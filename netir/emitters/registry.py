"""The (op, emitter) lowering table and the emitter registry.

Built-in lowerings live with their emitter (``netir.emitters.pytorch``,
``netir.emitters.keras3``) and are registered when the emitter is first used. A plugin
registers lowerings for its own op into any emitter, or a whole emitter, from a
function exposed in the ``netir.emitters`` entry-point group::

    [project.entry-points."netir.emitters"]
    myplugin = "myplugin.netir:register"     # register() calls register_lowering(...)
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from netir.ir.errors import GraphError, NetIRError, UnsupportedOpError
from netir.ir.node import Node

Lowering = Callable[..., Any]


@dataclass(frozen=True)
class Emitter:
    """An emitter: a name, the module holding its lowerings, and its entry function."""

    name: str
    module: str
    emit: str = "emit"


_LOWERINGS: dict[tuple[str, str], Lowering] = {}
_EMITTERS: dict[str, Emitter] = {
    "torch": Emitter("torch", "netir.emitters.pytorch"),
    "keras": Emitter("keras", "netir.emitters.keras3"),
    "reference": Emitter("reference", "netir.emitters.reference"),
}
_plugins_loaded = False


def register_lowering(op: str, emitter: str, *, replace: bool = False):
    """Decorator: ``fn`` lowers ``op`` for ``emitter``. A second one is an error."""

    def wrap(fn: Lowering) -> Lowering:
        key = (op, emitter)
        if key in _LOWERINGS and not replace:
            raise NetIRError("a lowering is already registered", f"{op} for {emitter}",
                             node="<lowerings>", op=op)
        _LOWERINGS[key] = fn
        return fn

    return wrap


def register_emitter(name: str, module: str, emit: str = "emit") -> None:
    """Make a new backend available to :func:`emit` by name."""
    if name in _EMITTERS:
        raise NetIRError("an emitter of this name is already registered", name,
                         node="<emitters>", op=name)
    _EMITTERS[name] = Emitter(name, module, emit)


def load_plugins() -> None:
    """Call every ``netir.emitters`` entry point once."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for ep in entry_points(group="netir.emitters"):
        ep.load()()


def get_emitter(name: str) -> Emitter:
    load_plugins()
    try:
        emitter = _EMITTERS[name]
    except KeyError:
        raise UnsupportedOpError(f"unknown emitter; known: {sorted(_EMITTERS)}", repr(name),
                                 node="<emit>", op=name) from None
    importlib.import_module(emitter.module)  # registers its built-in lowerings
    return emitter


def list_emitters() -> list[str]:
    load_plugins()
    return sorted(_EMITTERS)


def lowerings() -> dict[tuple[str, str], Lowering]:
    """A copy of the whole table (load the emitters first to see their entries)."""
    return dict(_LOWERINGS)


def get_lowering(node: Node, emitter: str) -> Lowering:
    """The lowering of ``node.op`` for ``emitter``; UnsupportedOpError names all three."""
    try:
        return _LOWERINGS[(node.op, emitter)]
    except KeyError:
        raise UnsupportedOpError(f"the {emitter} emitter has no lowering for this op",
                                 f"op {node.op!r}, emitter {emitter!r}", node=node.name,
                                 op=node.op) from None


def output_names(graph, outputs=None) -> list[str]:
    """The nodes an emitted model returns: ``outputs`` (names, each checked to exist:
    GraphError otherwise) or else the graph's own outputs; a graph without any (an
    empty graph) is a GraphError. An explicit empty list is returned as it is: a
    backend that runs for side effects may take it, one that returns values refuses
    it with :func:`returned_names`."""
    if isinstance(outputs, str):
        outputs = [outputs]
    if outputs is not None:
        return [graph[n].name for n in outputs]
    names = [n.name for n in graph.outputs]
    if not names:
        raise GraphError("a model needs at least one output; the graph has none",
                         f"{len(graph)} nodes", node=graph.name, op="emit")
    return names


def returned_names(graph, outputs=None) -> list[str]:
    """:func:`output_names`, refusing an empty list: a framework model must return
    something (an empty list would give a model that returns ``()``)."""
    names = output_names(graph, outputs)
    if not names:
        raise GraphError("outputs must name at least one node", "outputs []",
                         node=graph.name, op="emit")
    return names


def prepare(graph, outputs=None, weights=None, optimize: bool = False):
    """What every framework emitter does first: ``netir.optimize(graph, weights)`` when
    ``optimize`` (keeping the requested outputs), the names the model returns
    (:func:`returned_names`) and the memory check (ResourceError). Returns
    ``(graph, weights, names)``."""
    from netir.ir.limits import check_memory

    if optimize:
        from netir.ir.passes import optimize as optimize_graph

        graph, weights = optimize_graph(graph, weights, keep=outputs or ())
    names = returned_names(graph, outputs)
    check_memory(graph)
    return graph, weights, names


def emit(graph, backend: str, **options: Any):
    """Lower ``graph`` to a live model of ``backend`` ('torch', 'keras' or a plugin's)."""
    emitter = get_emitter(backend)
    return getattr(importlib.import_module(emitter.module), emitter.emit)(graph, **options)
