"""The catalog as a lineage: networks grouped by family and by the year of their paper,
and the record of one network that ``netir list --json`` prints."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from netir.architectures.registry import Paper, build, get_architecture, list_architectures


@dataclass(frozen=True)
class LineageGroup:
    """The networks of one family published in one year (one paper, as a rule)."""

    family: str
    year: int
    paper: Paper
    names: tuple[str, ...]


@dataclass(frozen=True)
class NotYet:
    """A family of torchvision's classification models that the catalog cannot express
    yet, and the ops it waits for."""

    family: str
    year: int
    introduced: str
    names: tuple[str, ...]
    missing: str


NOT_YET = (
    NotYet("Swin Transformer", 2021,
           "Attention inside local windows that shift by half a window from one block to the "
           "next, with a learned relative position bias per head: linear cost in the image "
           "size and a hierarchy of stages like a CNN.",
           ("swin_t", "swin_s", "swin_b", "swin_v2_t", "swin_v2_s", "swin_v2_b"),
           "a cyclic shift (`roll`), a gather of the relative-position-bias table by a "
           "constant index, and attention with an additive bias and mask input (V2 also "
           "needs cosine attention with a learned temperature and a log-spaced position MLP)"),
)


def lineage_groups(pattern: str | None = None, tutorial: bool = False) -> list[LineageGroup]:
    """The entries of :func:`list_architectures` grouped by (family, year). Groups come in
    the order of their first member in the lineage (year, then registration), members in
    lineage order; the paper is the first member's."""
    groups: dict[tuple[str, int], list[str]] = {}
    for name in list_architectures(pattern, tutorial=tutorial):
        info = get_architecture(name)
        groups.setdefault((info.family, info.year), []).append(name)
    return [LineageGroup(family, year, get_architecture(names[0]).paper, tuple(names))
            for (family, year), names in groups.items()]


def network_record(name: str) -> dict[str, Any]:
    """What a tool needs to know about catalog network ``name`` at its default input:
    family, year, paper, counts (trainable parameters, float buffers, MACs), depth,
    input and output shapes (batch excluded), published top-1 (None where the catalog
    has none) and the note. ArchitectureError for an unknown name."""
    info = get_architecture(name)
    g = build(name)
    trainable, buffers = g.count_params()
    return {
        "name": name, "family": info.family, "year": info.year,
        "paper": {"title": info.paper.title, "authors": info.paper.authors,
                  "venue": info.paper.venue},
        "params": trainable, "buffers": buffers, "macs": g.count_macs(), "depth": g.depth(),
        "input_shape": list(g.inputs[0].shape), "output_shape": list(g.outputs[0].shape),
        "top1": None if info.accuracy is None else info.accuracy.top1,
        "top1_source": None if info.accuracy is None else info.accuracy.source,
        "torchvision": info.torchvision, "tutorial_of": info.tutorial_of, "note": info.note,
    }
