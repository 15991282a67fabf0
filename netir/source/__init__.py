"""Source code out: a graph as a readable model file that runs without netir.

``netir.to_source(graph, "torch")`` is a PyTorch module file, ``"keras"`` a Keras
functional-API script. A source emitter is a name and a function ``(graph, outputs)
-> str``; built-ins load on first use, a plugin registers one with
:func:`register_source` or the ``netir.sources`` entry point group.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from importlib.metadata import entry_points

from netir.ir.errors import NetIRError, UnsupportedOpError

SourceEmitter = Callable[..., str]

_BUILTIN = {"keras": "netir.source.keras", "torch": "netir.source.torch"}
_EMITTERS: dict[str, SourceEmitter] = {}
_PLUGINS_LOADED = False


def register_source(name: str, emitter: SourceEmitter, *, replace: bool = False) -> SourceEmitter:
    """Make ``emitter(graph, outputs)`` the source emitter ``name``; a second one under the
    same name is an error unless ``replace``."""
    if not isinstance(name, str) or not name.isidentifier():
        raise NetIRError("a source emitter's name is an identifier", repr(name),
                         node="<sources>", op="register_source")
    if (name in _EMITTERS or name in _BUILTIN) and not replace:
        raise NetIRError("a source emitter is already registered", repr(name),
                         node="<sources>", op="register_source")
    _EMITTERS[name] = emitter
    return emitter


def _load_plugins() -> None:
    global _PLUGINS_LOADED
    if _PLUGINS_LOADED:
        return
    _PLUGINS_LOADED = True
    for entry in entry_points(group="netir.sources"):
        if entry.name not in _EMITTERS and entry.name not in _BUILTIN:
            _EMITTERS[entry.name] = entry.load()


def list_sources() -> list[str]:
    """Every source emitter's name, sorted."""
    _load_plugins()
    return sorted(set(_BUILTIN) | set(_EMITTERS))


def get_source(name: str) -> SourceEmitter:
    """The emitter ``name``; UnsupportedOpError lists the known ones."""
    if name not in _EMITTERS and name in _BUILTIN:
        _EMITTERS[name] = importlib.import_module(_BUILTIN[name]).to_source
    if name not in _EMITTERS:
        _load_plugins()
    if name not in _EMITTERS:
        raise UnsupportedOpError("no source emitter of this name",
                                 f"{name!r}; known: {', '.join(list_sources())}",
                                 node="<sources>", op="to_source")
    return _EMITTERS[name]


def to_source(graph, backend: str, outputs: Sequence[str] | None = None) -> str:
    """The model file of ``graph`` for ``backend`` (see :func:`list_sources`) as text:
    the same graph always gives the same bytes. ``outputs`` names the nodes the model
    returns (the graph's outputs by default)."""
    return get_source(backend)(graph, outputs)


__all__ = ["get_source", "list_sources", "register_source", "to_source"]
