"""A PyTorch model named by a spec, ``package.module:callable``: resolved and imported.

The spec names a module to import and, after the colon, a dotted attribute in it: a
callable (a class, a factory function) called with no arguments, or an ``nn.Module``
instance. Resolving a spec imports that Python module and runs its code, and importing
the model runs the model's code: a spec is resolved only from what a user typed, never
from a graph document or any other file netir reads.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Sequence
from dataclasses import dataclass

from netir.ir.errors import ArgumentError, NetIRError

_NAME = r"[A-Za-z_][A-Za-z0-9_]*"
_DOTTED = rf"{_NAME}(?:\.{_NAME})*"
_SPEC = re.compile(rf"({_DOTTED}):({_DOTTED})")


@dataclass(frozen=True)
class ModelSpec:
    """``module:attribute`` parsed: the Python module's dotted name and the dotted
    attribute path in it."""

    module: str
    attribute: str

    def __str__(self) -> str:
        return f"{self.module}:{self.attribute}"

    @property
    def default_name(self) -> str:
        """The graph's name when none is given: the attribute's last part
        (``torchvision.models:resnet50`` -> ``resnet50``)."""
        return self.attribute.rsplit(".", 1)[-1]


def looks_like_spec(text: str) -> bool:
    """Whether ``text`` is meant as a spec rather than a catalog name or a path: it has
    a colon and no path separator (a catalog name has neither; a spec is checked
    in full by :func:`parse_spec`)."""
    return ":" in text and "/" not in text and "\\" not in text


def parse_spec(text: str) -> ModelSpec:
    """``"pkg.mod:attr"`` -> ``ModelSpec("pkg.mod", "attr")``; ArgumentError for
    anything else (both parts dotted Python identifiers)."""
    found = _SPEC.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        raise ArgumentError("a model spec is package.module:callable, both parts dotted "
                            "Python names (e.g. torchvision.models:resnet50)", repr(text),
                            node="<spec>", op="spec")
    return ModelSpec(*found.groups())


def resolve(spec: ModelSpec):
    """The ``nn.Module`` that ``spec`` names: its Python module imported, the attribute
    looked up, called with no arguments unless it is a module instance already.
    NetIRError (one line) when the import, the lookup or the call fails, or the result
    is not an ``nn.Module``. Runs the named code."""
    from torch import nn

    where = {"node": str(spec), "op": "spec"}
    try:
        obj = importlib.import_module(spec.module)
    except Exception as err:  # noqa: BLE001 (any failure of the user's code is reported)
        raise NetIRError(f"cannot import Python module {spec.module!r}",
                         _failure(err), **where) from err
    for part in spec.attribute.split("."):
        if not hasattr(obj, part):
            raise NetIRError(f"{spec.module} has no attribute {spec.attribute!r}",
                             f"no {part!r} in {getattr(obj, '__name__', obj)!r}", **where)
        obj = getattr(obj, part)
    if not isinstance(obj, nn.Module):
        if not callable(obj):
            raise NetIRError("a spec names an nn.Module or a callable returning one",
                             f"a {type(obj).__name__}", **where)
        try:
            obj = obj()
        except Exception as err:  # noqa: BLE001
            raise NetIRError(f"calling {spec.attribute}() failed", _failure(err),
                             **where) from err
    if not isinstance(obj, nn.Module):
        raise NetIRError(f"{spec.attribute}() must return an nn.Module",
                         f"a {type(obj).__name__}", **where)
    return obj


def example_inputs(shapes: Sequence[tuple[int, ...]], batch: int = 1) -> list:
    """One float32 tensor ``(batch, *shape)`` per input shape, standard normal from a
    fixed seed (the values matter only to data-dependent code; they are the same on
    every run)."""
    import torch

    generator = torch.Generator().manual_seed(0)
    return [torch.randn((batch, *shape), generator=generator) for shape in shapes]


def import_spec(text: str, shapes: Sequence[tuple[int, ...]], batch: int = 1,
                name: str | None = None) -> tuple:
    """``(graph, weights)`` of the model ``text`` names, imported with
    :func:`netir.from_torch` on inputs of ``shapes`` (each without the batch axis) at
    ``batch``. ``name`` defaults to the spec's attribute name. ArgumentError for a
    malformed spec or no shapes; NetIRError when the model cannot be had;
    UnsupportedModelError for what the IR cannot express. Runs the named code."""
    spec = parse_spec(text)
    if not shapes:
        raise ArgumentError("importing a model needs the shape of each input (--input "
                            "3x224x224)", "no input shape", node=str(spec), op="spec")
    from netir.importers.pytorch import from_torch

    module = resolve(spec)
    return from_torch(module, example_inputs(shapes, batch), name=name or spec.default_name)


def _failure(err: BaseException) -> str:
    """An exception as ``Type: first line``."""
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__
