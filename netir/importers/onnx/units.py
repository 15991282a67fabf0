"""The ONNX graph as units in topological order: cycles and dangling inputs refused,
the ONNX backend's lowerings read back whole (by their node names), and the patterns
other exporters write for one IR op joined (:func:`_fold`)."""

from __future__ import annotations

import heapq
from dataclasses import dataclass

import onnx

from netir.importers.onnx.walk import Unit
from netir.ir.errors import GraphError


def topological(graph: onnx.GraphProto, known: set[str]) -> list[onnx.NodeProto]:
    """``graph``'s nodes in an order where each value is written before it is read;
    GraphError naming the node for an input no one writes, or for a cycle."""
    writer: dict[str, int] = {}
    for i, node in enumerate(graph.node):
        for out in node.output:
            if out and (out in writer or out in known):
                raise GraphError("a value written twice", out, node=_label(node),
                                 op=node.op_type)
            if out:
                writer[out] = i
    needs = [set() for _ in graph.node]
    readers: dict[int, list[int]] = {}
    for i, node in enumerate(graph.node):
        for t in node.input:
            if not t or t in known:
                continue
            if t not in writer:
                raise GraphError("an input that no node, graph input or initializer "
                                 "provides", t, node=_label(node), op=node.op_type)
            if writer[t] not in needs[i]:
                needs[i].add(writer[t])
                readers.setdefault(writer[t], []).append(i)
    ready = [i for i, n in enumerate(needs) if not n]  # a heap: the file's order kept
    order = []
    while ready:
        i = heapq.heappop(ready)
        order.append(i)
        for j in readers.get(i, ()):
            needs[j].discard(i)
            if not needs[j]:
                heapq.heappush(ready, j)
    if len(order) != len(graph.node):
        stuck = next(graph.node[i] for i, n in enumerate(needs) if n)
        raise GraphError("the graph has a cycle", f"{_label(stuck)} reads a value that "
                         f"depends on its own output", node=_label(stuck), op=stuck.op_type)
    return [graph.node[i] for i in order]


def _label(node: onnx.NodeProto) -> str:
    return node.name or (node.output[0] if node.output else node.op_type)


def units(nodes: list[onnx.NodeProto], outputs: set[str], folds=()) -> list[Unit]:
    """Nodes grouped as the ONNX backend wrote them: a head whose name is its output
    tensor, with the nodes named ``<head>/<step>`` (used only inside the group); the
    rest joined by ``folds`` (:class:`Fold`)."""
    heads = {n.name: n for n in nodes
             if n.name and "/" not in n.name and list(n.output[:1]) == [n.name]}
    groups = {name: Unit(node) for name, node in heads.items()}
    loose: list[onnx.NodeProto] = []
    for node in nodes:
        prefix = node.name.split("/", 1)[0] if "/" in node.name else None
        if prefix in groups:
            groups[prefix].steps[node.name[len(prefix) + 1:]] = node
        elif node.name not in heads:
            loose.append(node)
    readers: dict[str, set[int]] = {}
    for node in nodes:
        for t in node.input:
            readers.setdefault(t, set()).add(id(node))
    for name, unit in list(groups.items()):
        inside = {id(n) for n in (unit.head, *unit.steps.values())}
        private = all(readers.get(o, set()) <= inside and o not in outputs
                      for n in unit.steps.values() for o in n.output)
        if not private:  # not a lowering after all: its nodes stand alone
            del groups[name]
            loose += [unit.head, *unit.steps.values()]
    loose_ids = {id(n) for n in loose}
    out: list[Unit] = []
    for node in nodes:  # each unit at its head's place
        if id(node) in loose_ids:
            out.append(Unit(node))
        elif node.name in groups and groups[node.name].head is node:
            out.append(groups[node.name])
    return _fold(out, readers, outputs, folds)


@dataclass(frozen=True)
class Fold:
    """A loose ``head`` node whose input is the output of a loose node of the first type
    of ``chain`` (read by nothing else) takes it as a step of the chain's name, and so
    on along the chain: the single nodes other exporters write for one IR op."""

    head: str
    chain: tuple[tuple[str, str], ...]


def _fold(found: list[Unit], readers: dict[str, set[int]], outputs: set[str],
          folds) -> list[Unit]:
    """Join single nodes by the families' folds, the first that matches a head."""
    single = {u.head.output[0]: u for u in found if not u.steps and u.head.output}
    joined: set[int] = set()

    def only_reader(tensor: str, node) -> Unit | None:
        src = single.get(tensor)
        if src is None or id(src) in joined or tensor in outputs or \
                readers.get(tensor) != {id(node)}:
            return None
        return src

    def along(node, chain) -> list | None:
        if not chain:
            return []
        (op_type, step), rest = chain[0], chain[1:]
        for t in node.input:
            src = only_reader(t, node)
            if src is not None and src.head.op_type == op_type:
                tail = along(src.head, rest)
                if tail is not None:
                    return [(step, src), *tail]
        return None

    for unit in found:
        if unit.steps or id(unit) in joined:
            continue
        for fold in folds:
            if fold.head != unit.head.op_type:
                continue
            matched = along(unit.head, fold.chain)
            if matched:
                for step, src in matched:
                    unit.steps[step] = src.head
                    joined.add(id(src))
                break
    return [u for u in found if id(u) not in joined]
