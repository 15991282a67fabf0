"""The catalog registry: a decorator registers a builder with its metadata.

In the spirit of timm's registry: duplicates are errors, ``list_architectures``
filters with shell patterns, and tests parametrize over the registry.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from netir.ir.attrs import MAX_INT, AttrType, _is_int
from netir.ir.errors import ArchitectureError, AttributeValueError
from netir.ir.graph import Graph


@dataclass(frozen=True)
class Paper:
    title: str
    authors: str
    venue: str
    year: int


@dataclass(frozen=True)
class Accuracy:
    """Published ImageNet top-1 accuracy (percent) and where it was published."""

    top1: float
    source: str


@dataclass(frozen=True)
class ArchInfo:
    """A catalog entry: its builder and what the lineage table shows."""

    name: str
    family: str
    paper: Paper
    params: int | None     # at the default input size; None: counted on first lookup
    macs: int | None
    note: str
    builder: Callable[..., Graph]
    defaults: dict[str, Any] = field(default_factory=dict)
    accuracy: Accuracy | None = None
    torchvision: bool = True
    tutorial_of: str | None = None   # set on the seed tutorial's version of that network

    @property
    def year(self) -> int:
        return self.paper.year


_CATALOG: dict[str, ArchInfo] = {}


def register(name: str, *, family: str, paper: Paper, params: int | None, macs: int | None,
             note: str,
             defaults: dict[str, Any] | None = None, accuracy: Accuracy | None = None,
             torchvision: bool = True, tutorial_of: str | None = None,
             ) -> Callable[[Callable[..., Graph]], Callable[..., Graph]]:
    """Decorator: register ``builder(**overrides) -> Graph`` under ``name``.

    ``params`` and ``macs`` are the reference numbers at the default input size; ``None``
    counts them from the builder's graph on first lookup (for entries whose reference is
    not a published number but other code, which the tests run). ``tutorial_of`` marks
    the seed tutorial's version of a catalog network; such entries are listed apart (see
    :func:`list_architectures`).
    """

    def wrap(builder: Callable[..., Graph]) -> Callable[..., Graph]:
        if name in _CATALOG:
            raise ArchitectureError("an architecture of this name is already registered",
                                    name, node=name, op="register")
        _CATALOG[name] = ArchInfo(name, family, paper, params, macs, note, builder,
                                  dict(defaults or {}), accuracy, torchvision, tutorial_of)
        return builder

    return wrap


def get_architecture(name: str) -> ArchInfo:
    """The catalog entry for ``name``; unknown names suggest the closest."""
    if not isinstance(name, str):
        raise ArchitectureError("a catalog network is named by a string",
                                f"{type(name).__name__} {name!r}"[:200], node="<catalog>",
                                op="build")
    try:
        info = _CATALOG[name]
    except KeyError:
        close = difflib.get_close_matches(name, list(_CATALOG), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ArchitectureError(f"unknown architecture{hint}; see netir.list_architectures()",
                                repr(name), node=str(name), op="build") from None
    if info.params is None or info.macs is None:
        g = info.builder()
        info = _CATALOG[name] = dataclasses.replace(info, params=g.count_params()[0],
                                                    macs=g.count_macs())
    return info


def list_architectures(pattern: str | None = None, tutorial: bool = False) -> list[str]:
    """Names in the catalog, in lineage order (year, then registration); glob filter.

    The lineage by default; with ``tutorial=True`` the seed tutorial's variants instead
    (``alexnet_tutorial``, ...), which are the tutorial's code, not the papers' networks.
    """
    if pattern is not None and not isinstance(pattern, str):
        raise ArchitectureError("a pattern is a string such as 'resnet*'", repr(pattern)[:200],
                                node="<catalog>", op="list")
    names = sorted(_CATALOG, key=lambda n: (_CATALOG[n].year, list(_CATALOG).index(n)))
    return [n for n in names if (_CATALOG[n].tutorial_of is not None) == tutorial
            and (pattern is None or fnmatch.fnmatch(n, pattern))]


def build(name: str, **overrides: Any) -> Graph:
    """Build a catalog network: ``build("resnet50", num_classes=10, input_size=64)``.

    Overrides are the builder's keyword parameters (``num_classes``, ``in_channels``,
    ``input_size`` as an int or (H, W)). Raises ArchitectureError for an unknown name or
    an override the builder does not take, and ShapeError (naming the node) when the
    input is too small for the network.
    """
    info = get_architecture(name)
    accepted = inspect.signature(info.builder).parameters
    takes_any = any(p.kind is p.VAR_KEYWORD for p in accepted.values())
    unknown = sorted(k for k in overrides if k not in accepted) if not takes_any else []
    if unknown:
        known = [k for k, p in accepted.items() if p.kind is p.KEYWORD_ONLY or
                 p.kind is p.POSITIONAL_OR_KEYWORD]
        raise ArchitectureError(f"unknown override '{unknown[0]}'; {name} takes {known}",
                                f"{unknown[0]}={overrides[unknown[0]]!r}"[:200], node=name,
                                op="build")
    try:
        return info.builder(**overrides)
    except TypeError as e:  # a builder taking **overrides forwards them to its family
        raise ArchitectureError("the builder does not take these overrides",
                                f"{sorted(overrides)}: {e}"[:300], node=name,
                                op="build") from None


def family_builder(name: str, family: Callable[..., Graph], *structure: Any,
                   doc: str = "", knobs: Mapping[str, Any] | None = None
                   ) -> Callable[..., Graph]:
    """The public builder of one catalog entry: ``family(name, *structure, **overrides)``
    whose signature is the family's keyword parameters (``num_classes=1000, ...``), so
    that ``resnet50(num_classes=10)`` reads and checks like torchvision's.

    ``knobs`` gives this entry's defaults for some of those parameters (EfficientNet-B3:
    ``width_mult=1.2, depth_mult=1.4``); they stay overrides. ArchitectureError for a
    knob the family does not take."""
    params = list(inspect.signature(family).parameters.values())[1 + len(structure):]
    knobs = dict(knobs or {})
    unknown = sorted(set(knobs) - {p.name for p in params})
    if unknown:
        raise ArchitectureError(f"{family.__name__} has no keyword parameter '{unknown[0]}'",
                                f"{unknown[0]}={knobs[unknown[0]]!r}", node=name,
                                op="register")
    params = [p.replace(default=knobs[p.name]) if p.name in knobs else p for p in params]
    signature = inspect.Signature(params, return_annotation=Graph)

    def builder(*args: Any, **overrides: Any) -> Graph:
        bound = signature.bind(*args, **overrides)
        bound.apply_defaults()  # the entry's knobs are defaults the family does not know
        return family(name, *structure, **bound.arguments)

    builder.__name__ = builder.__qualname__ = name
    builder.__signature__ = signature
    builder.__doc__ = doc or f"{name}: ``{family.__name__}`` with {structure}."
    builder.__module__ = family.__module__
    return builder


def check_knob(name: str, value: Any, kind: AttrType) -> Any:
    """A family knob given to ``build`` (``width_mult=1.5``), checked and normalised by an
    attribute type (``real(0.0, low_open=True)``); AttributeValueError naming the knob."""
    try:
        return kind(name, value)
    except AttributeValueError as e:
        raise e.locate("<build>", "build") from None


def input_hw(input_size: int | tuple[int, int]) -> tuple[int, int]:
    """Normalise an ``input_size`` override to ``(H, W)``; AttributeValueError for
    anything but a positive int or a pair of them."""
    value = (input_size, input_size) if not isinstance(input_size, (tuple, list)) \
        else tuple(input_size)
    if len(value) != 2 or not all(_is_int(v) and 1 <= int(v) <= MAX_INT for v in value):
        raise AttributeValueError("input_size must be a positive int or a pair (H, W)",
                                  repr(input_size)[:200], node="<build>", op="build")
    return (int(value[0]), int(value[1]))
