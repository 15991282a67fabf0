"""What differs between two networks, node by node.

Nodes are matched by name first. A node left over in one network is then matched to one
left over in the other when it is the same layer wired the same way: the same op and
attributes, reading (port by port) the counterparts of its inputs. Nodes are visited in
topological order, so a chain of renamed layers is followed from a matched start (the
input, say) to its end. Those are *renamed*; what stays unmatched was *removed* (in A
only) or *added* (in B only). A matched pair is *changed* when its op, an attribute, its
output shape, a parameter's shape or its wiring differs.

``netir diff A B`` prints :meth:`GraphDiff.text`; ``--json`` prints :meth:`GraphDiff.
to_json` (deterministic); :mod:`netir.renderers.diff` draws it, and
:mod:`netir.divergence` runs both networks on shared weights to find where
their values first part.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from netir.ir.graph import Graph
from netir.ir.node import Node
from netir.ir.registry import Shape
from netir.ir.summary import format_count, format_shape


def _plain(value: Any) -> Any:
    """Attribute values as JSON has them (tuples become lists)."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True)
class NodeChange:
    """One matched pair that differs: ``a`` and ``b`` are its names in each network,
    ``kind`` A's op. Each other field holds ``(in A, in B)`` where it differs: ``op``;
    ``attrs`` by attribute (None where one side lacks it); ``shape``; ``params`` by
    parameter name (shapes, None where absent); ``inputs`` (A's input names, B's)."""

    a: str
    b: str
    kind: str  # A's op
    op: tuple[str, str] | None = None
    attrs: Mapping[str, tuple[Any, Any]] = field(default_factory=dict)
    shape: tuple[Shape, Shape] | None = None
    params: Mapping[str, tuple[Shape | None, Shape | None]] = field(default_factory=dict)
    inputs: tuple[tuple[str, ...], tuple[str, ...]] | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"a": self.a, "b": self.b, "kind": self.kind}
        if self.op:
            out["op"] = list(self.op)
        if self.attrs:
            out["attrs"] = {k: [_plain(x), _plain(y)] for k, (x, y) in self.attrs.items()}
        if self.shape:
            out["shape"] = [list(self.shape[0]), list(self.shape[1])]
        if self.params:
            out["params"] = {k: [_plain(x), _plain(y)] for k, (x, y) in self.params.items()}
        if self.inputs:
            out["inputs"] = [list(self.inputs[0]), list(self.inputs[1])]
        return out

    def describe(self) -> str:
        """One line: ``stride [1, 1] → [2, 2]; shape 64×56×56 → 64×28×28``."""
        parts = [f"op {self.op[0]} → {self.op[1]}"] if self.op else []
        parts += [f"{k} {_show(x)} → {_show(y)}" for k, (x, y) in self.attrs.items()]
        if self.shape:
            parts.append(f"shape {format_shape(self.shape[0])} → {format_shape(self.shape[1])}")
        parts += [f"param.{k} {_show_shape(x)} → {_show_shape(y)}"
                  for k, (x, y) in self.params.items()]
        if self.inputs:
            parts.append(f"inputs {', '.join(self.inputs[0])} → {', '.join(self.inputs[1])}")
        return "; ".join(parts)


def _names(names: list[str], most: int = 4) -> str:
    """``a, b, c, d, … (12 more)``."""
    more = f", … ({len(names) - most} more)" if len(names) > most else ""
    return ", ".join(names[:most]) + more


def _show(value: Any) -> str:
    return "—" if value is None else json.dumps(_plain(value))


def _show_shape(shape: Shape | None) -> str:
    return "—" if shape is None else format_shape(shape)


@dataclass
class GraphDiff:
    """The differences from network ``a`` to network ``b``.

    ``matched`` maps every matched B name to its A name (B's order); ``added`` and
    ``removed`` are names (B's and A's order); ``renamed`` holds ``(A name, B name)``
    pairs matched by structure; ``changed`` the matched pairs that differ (B's order);
    ``totals`` ``{"nodes" | "params" | "buffers" | "macs": (in A, in B)}``.
    """

    a: str
    b: str
    matched: dict[str, str]
    added: list[str]
    removed: list[str]
    renamed: list[tuple[str, str]]
    changed: list[NodeChange]
    totals: dict[str, tuple[int, int]]
    ops: dict[str, str] = field(default_factory=dict)  # added/removed name -> op

    @property
    def identical(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.changed)

    def change(self, b_name: str) -> NodeChange | None:
        """The change of the matched node named ``b_name`` in B, or None."""
        return next((c for c in self.changed if c.b == b_name), None)

    def attribute_changes(self) -> list[tuple[str, str, Any, Any, list[str]]]:
        """Each distinct attribute change ``(op, attribute, in A, in B, B's node names)``,
        the most common first (then by op and attribute): what a whole family of layers
        does differently (every conv2d's ``bias`` false → true) rather than node by node.
        The op is A's; a pair whose op changed is left out."""
        groups: dict[tuple[str, str, str, str], list[str]] = {}
        values: dict[tuple[str, str, str, str], tuple[Any, Any]] = {}
        for c in self.changed:
            if c.op:
                continue
            for k, (x, y) in c.attrs.items():
                key = (c.kind, k, _show(x), _show(y))
                groups.setdefault(key, []).append(c.b)
                values[key] = (x, y)
        order = sorted(groups, key=lambda key: (-len(groups[key]), key))
        return [(k[0], k[1], *values[k], groups[k]) for k in order]

    def as_dict(self) -> dict[str, Any]:
        return {
            "a": self.a, "b": self.b,
            "attribute_changes": [
                {"op": op, "attr": k, "a": _plain(x), "b": _plain(y), "nodes": names}
                for op, k, x, y, names in self.attribute_changes()],
            "added": [{"name": n, "op": self.ops[n]} for n in self.added],
            "removed": [{"name": n, "op": self.ops[n]} for n in self.removed],
            "renamed": [{"a": x, "b": y} for x, y in self.renamed],
            "changed": [c.as_dict() for c in self.changed],
            "matched": len(self.matched),
            "totals": {k: list(v) for k, v in self.totals.items()},
        }

    def to_json(self) -> str:
        """Deterministic JSON text (sorted keys, one-space indent, trailing newline)."""
        return json.dumps(self.as_dict(), indent=1, sort_keys=True, ensure_ascii=False,
                          allow_nan=False) + "\n"

    def text(self) -> str:
        """A report a person reads: counts, totals, then every difference."""
        t = self.totals
        lines = [f"{self.a} → {self.b}: {len(self.added)} added, {len(self.removed)} "
                 f"removed, {len(self.renamed)} renamed, {len(self.changed)} changed "
                 f"({len(self.matched)} nodes matched; {t['nodes'][0]} → {t['nodes'][1]} "
                 "nodes)",
                 f"  parameters {t['params'][0]:,} → {t['params'][1]:,} "
                 f"({t['params'][1] - t['params'][0]:+,}); buffers {t['buffers'][0]:,} → "
                 f"{t['buffers'][1]:,}; MACs {format_count(t['macs'][0])} → "
                 f"{format_count(t['macs'][1])} ({t['macs'][1] - t['macs'][0]:+,})"]
        if self.identical:
            lines.append("  no differences")
        grouped = self.attribute_changes()
        if grouped:
            lines.append(f"attribute changes ({len(grouped)}):")
            lines += [f"  {op}.{k} {_show(x)} → {_show(y)}: {len(names)} node"
                      f"{'s' if len(names) != 1 else ''} ({_names(names)})"
                      for op, k, x, y, names in grouped]
        for title, names in (("added", self.added), ("removed", self.removed)):
            if names:
                lines.append(f"{title} ({len(names)}):")
                lines += [f"  {n} ({self.ops[n]})" for n in names]
        if self.renamed:
            lines.append(f"renamed ({len(self.renamed)}):")
            lines += [f"  {x} → {y}" for x, y in self.renamed]
        if self.changed:
            lines.append(f"changed ({len(self.changed)}):")
            lines += [f"  {c.b if c.a == c.b else f'{c.a} → {c.b}'}: {c.describe()}"
                      for c in self.changed]
        return "\n".join(lines)


def _signature(node: Node) -> tuple[str, str]:
    return node.op, json.dumps({k: _plain(v) for k, v in node.attrs.items()}, sort_keys=True)


def _passes_through(graph: Graph, node: Node) -> bool:
    """One input, and the output has its shape (dropout, identity, a 7×7 pool on 7×7)."""
    return len(node.inputs) == 1 and graph[node.inputs[0]].shape == node.shape


def match_nodes(a: Graph, b: Graph) -> tuple[dict[str, str], set[str]]:
    """``({B name: A name}, the B names matched by structure)`` (see the module doc).

    An unmatched node that passes its input through (one input, same shape) is looked
    through on either side, so a layer that lost its dropout still finds its
    counterpart: A's ``dense`` after ``relu -> dropout`` matches B's ``dense`` after
    the matched ``relu``.
    """
    b2a = {n.name: n.name for n in b.nodes if n.name in a}
    taken = set(b2a.values())
    consumers: dict[str, list[str]] = {}
    for node in a.nodes:
        for i in dict.fromkeys(node.inputs):
            consumers.setdefault(i, []).append(node.name)

    def through(graph: Graph, name: str, matched) -> str:
        while name not in matched and _passes_through(graph, graph[name]):
            name = graph[name].inputs[0]
        return name

    def pool(start: str) -> list[str]:
        """A's consumers of ``start`` and, through unmatched pass-through nodes, theirs."""
        out, frontier = [], [start]
        while frontier:
            following = []
            for name in frontier:
                for c in consumers.get(name, []):
                    out.append(c)
                    if c not in taken and _passes_through(a, a[c]):
                        following.append(c)
            frontier = following
        return out

    sources = [n.name for n in a.nodes if not n.inputs]
    renamed = set()
    for node in b.nodes:
        ins = [through(b, i, b2a) for i in node.inputs]
        if node.name in b2a or not all(i in b2a for i in ins):
            continue
        wanted = (_signature(node), tuple(b2a[i] for i in ins))
        for candidate in pool(b2a[ins[0]]) if ins else sources:
            other = a[candidate]
            if candidate in taken or _signature(other) != wanted[0]:
                continue
            if tuple(through(a, i, taken) for i in other.inputs) == wanted[1]:
                b2a[node.name] = candidate
                taken.add(candidate)
                renamed.add(node.name)
                break
    return b2a, renamed


def _compare(a: Graph, b: Graph, x: Node, y: Node, a2b: dict[str, str]) -> NodeChange | None:
    attrs = {k: (x.attrs.get(k), y.attrs.get(k))
             for k in sorted(set(x.attrs) | set(y.attrs))
             if _plain(x.attrs.get(k)) != _plain(y.attrs.get(k))}
    pa = {**a.param_shapes(x)[0], **a.param_shapes(x)[1]}
    pb = {**b.param_shapes(y)[0], **b.param_shapes(y)[1]}
    params = {k: (pa.get(k), pb.get(k)) for k in sorted(set(pa) | set(pb))
              if pa.get(k) != pb.get(k)}
    wired = tuple(a2b.get(i) for i in x.inputs) == y.inputs
    change = NodeChange(x.name, y.name, x.op, op=(x.op, y.op) if x.op != y.op else None,
                        attrs=attrs, shape=(x.shape, y.shape) if x.shape != y.shape else None,
                        params=params, inputs=None if wired else (x.inputs, y.inputs))
    if change.op or attrs or change.shape or params or change.inputs:
        return change
    return None


def diff(a: Graph, b: Graph) -> GraphDiff:
    """The differences from ``a`` to ``b`` (see the module docstring). Never raises
    for valid graphs; two equal graphs give :attr:`GraphDiff.identical`."""
    b2a, by_structure = match_nodes(a, b)
    a2b = {x: y for y, x in b2a.items()}
    changed = [c for y, x in b2a.items() if (c := _compare(a, b, a[x], b[y], a2b))]
    added = [n.name for n in b.nodes if n.name not in b2a]
    removed = [n.name for n in a.nodes if n.name not in a2b]
    (ta, ba), (tb, bb) = a.count_params(), b.count_params()
    return GraphDiff(
        a=a.name, b=b.name, matched=b2a, added=added, removed=removed,
        renamed=[(b2a[n.name], n.name) for n in b.nodes if n.name in by_structure],
        changed=changed,
        totals={"nodes": (len(a), len(b)), "params": (ta, tb), "buffers": (ba, bb),
                "macs": (a.count_macs(), b.count_macs())},
        ops={**{n: b[n].op for n in added}, **{n: a[n].op for n in removed}})
