"""The backend registry: the one place that chooses a backend.

Built-in backends are registered here by name and imported on first use, so that
``import netir`` imports no framework. A plugin adds a backend (or lowerings for its
own op in any backend) from the ``netir.backends`` entry-point group; the entry point
names either a :class:`~netir.emitters.backend.Backend` instance or a function that
calls :func:`register_backend` / :func:`register_lowering`::

    [project.entry-points."netir.backends"]
    mybackend = "mypackage.netir:BACKEND"

Every other module (weights, compare, the CLI, the tests) asks :func:`get_backend`,
:func:`list_backends` or :func:`backend_of` and loops over what they return.
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any

from netir.emitters.backend import Backend
from netir.ir.errors import GraphError, NetIRError, UnsupportedOpError

ENTRY_POINT_GROUP = "netir.backends"


@dataclass(frozen=True)
class _Builtin:
    """A built-in backend not imported yet: ``module.BACKEND`` once loaded; its models
    can only exist once ``framework`` is imported."""

    module: str
    framework: str


# Registration order matters for dispatch: later backends are asked first whether they
# own a model. Keras comes after torch because with KERAS_BACKEND=torch every Keras
# model is also a torch.nn.Module.
_BACKENDS: dict[str, Backend | _Builtin] = {
    "torch": _Builtin("netir.emitters.pytorch", "torch"),
    "keras": _Builtin("netir.emitters.keras3", "keras"),
    "reference": _Builtin("netir.emitters.reference", "netir.emitters.reference"),
    "onnx": _Builtin("netir.emitters.onnx", "onnx"),
}
_plugins_loaded = False


def register_backend(backend: Backend, *, replace: bool = False) -> Backend:
    """Make ``backend`` available by its name; a second one of the same name is an error."""
    if not isinstance(backend, Backend):
        raise NetIRError("a backend must be a netir.emitters.backend.Backend instance",
                         type(backend).__name__, node="<backends>", op="register_backend")
    if backend.name in _BACKENDS and not replace:
        raise NetIRError("a backend of this name is already registered", backend.name,
                         node="<backends>", op=backend.name)
    _BACKENDS.pop(backend.name, None)  # re-registering moves it to the end of the order
    _BACKENDS[backend.name] = backend
    return backend


def load_plugins() -> None:
    """Load every ``netir.backends`` entry point once."""
    global _plugins_loaded
    if _plugins_loaded:
        return
    _plugins_loaded = True
    for ep in sorted(entry_points(group=ENTRY_POINT_GROUP), key=lambda e: e.name):
        obj = ep.load()
        if isinstance(obj, Backend):
            register_backend(obj)
        else:
            obj()


def _load(name: str) -> Backend:
    entry = _BACKENDS[name]
    if isinstance(entry, _Builtin):
        entry = importlib.import_module(entry.module).BACKEND
        _BACKENDS[name] = entry
    return entry


def get_backend(name: str) -> Backend:
    """The backend called ``name``; UnsupportedOpError lists the known ones."""
    load_plugins()
    if name not in _BACKENDS:
        raise UnsupportedOpError(f"unknown backend; known: {sorted(_BACKENDS)}", repr(name),
                                 node="<emit>", op=str(name))
    return _load(name)


def list_backends() -> list[str]:
    """Names of every registered backend (built-in and plugin), sorted."""
    load_plugins()
    return sorted(_BACKENDS)


def available(name: str) -> bool:
    """Whether backend ``name`` can run here: a plugin always, a built-in one when its
    framework is installed (``pip install netir[onnx]`` for onnx)."""
    load_plugins()
    entry = _BACKENDS.get(name)
    if not isinstance(entry, _Builtin):
        return entry is not None
    return importlib.util.find_spec(entry.framework.partition(".")[0]) is not None


def backend_of(model: Any) -> Backend:
    """The backend whose model ``model`` is (the most recently registered owner wins).

    Raises NetIRError naming the model's type when no backend owns it.
    """
    load_plugins()
    for name in reversed(list(_BACKENDS)):
        entry = _BACKENDS[name]
        if isinstance(entry, _Builtin) and entry.framework not in sys.modules:
            continue  # its framework was never imported: this cannot be its model
        backend = _load(name)
        if backend.owns(model):
            return backend
    raise NetIRError(f"no registered backend owns this model; backends: {sorted(_BACKENDS)}",
                     type(model).__name__, node="<model>", op="weights")


def register_lowering(op: str, backend: str, *, replace: bool = False):
    """Decorator: ``fn(node, graph, inputs)`` lowers ``op`` for ``backend``."""
    return get_backend(backend).lowerings.register(op, replace=replace)


def output_names(graph, outputs: Sequence[str] | None = None) -> list[str]:
    """The nodes an emitted model returns: ``outputs`` (names, each checked to exist:
    GraphError otherwise) or else the graph's own outputs; a graph without any (an
    empty graph) is a GraphError. An explicit empty list is returned as it is: a
    backend that runs for side effects may take it, one that returns values refuses
    it with :func:`returned_names`."""
    if isinstance(outputs, str):
        outputs = [outputs]
    if outputs is not None:
        return [graph[n].name for n in outputs]
    names = [n.name for n in graph.model_outputs()]  # GraphError for dead nodes
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


def emit(graph, backend: str, outputs: Sequence[str] | None = None, **options: Any) -> Any:
    """Lower ``graph`` to a live model of ``backend`` (any name in :func:`list_backends`);
    ``options`` go to the backend's ``emit`` (``optimize=``, ``weights=``)."""
    return get_backend(backend).emit(graph, outputs, **options)

