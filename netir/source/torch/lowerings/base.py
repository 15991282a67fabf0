"""What every family module of the PyTorch source table shares: the three kinds a
lowering returns (:class:`Layer`, :class:`Expr`, :class:`Bare`) and the small builders of
their constructor calls."""

from __future__ import annotations

from dataclasses import dataclass

from netir.source.common import Ctor


@dataclass(frozen=True)
class Layer:
    """A module; ``call`` is how forward calls it (``{m}`` the module, ``{0}`` ... the
    inputs), None for ``{m}(inputs...)``; ``helpers`` the helper classes it needs."""

    ctor: Ctor
    helpers: tuple[str, ...] = ()
    call: str | None = None


@dataclass(frozen=True)
class Expr:
    template: str
    helpers: tuple[str, ...] = ()


@dataclass(frozen=True)
class Bare:
    """An ``nn.Parameter`` of ``shape`` (zeros until loaded); ``template`` uses ``{p}``."""

    shape: tuple[int, ...]
    template: str


def build(callee: str, *args, helpers=(), call=None, **kwargs) -> Layer:
    """A Layer of ``callee(*args, **kwargs)``; ``args`` are (hint, value) pairs."""
    return Layer(Ctor(callee, tuple(args), tuple(kwargs.items())), tuple(helpers), call)


def plain(callee, *names, helpers=()):
    """An op whose attributes ``names`` go to ``callee`` by keyword, in that order."""
    return lambda node, graph: build(callee, helpers=helpers,
                                  **{k: node.attrs[v] for k, v in names})


def symmetric(pad) -> bool:
    return all(a == b for a, b in pad)


def pad4(pad) -> tuple[int, int, int, int]:
    (t, b), (left, right) = pad
    return (left, right, t, b)


def input_of(graph, node):
    return graph.input_shapes(node)[0]


def torch_pad(pad) -> tuple[int, ...]:
    """``F.pad``'s order of per-axis pairs: the last axis first."""
    return tuple(p for pair in reversed(pad) for p in pair)
