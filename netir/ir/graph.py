"""The graph: a thin, typed wrapper around a ``networkx.DiGraph``.

Each node is one layer with a unique dotted name, an op, normalised attributes and,
as soon as it is added, its inferred output shape (channels first, batch excluded).
Edges carry the input ports, so ``concat(a, b)`` and ``concat(b, a)`` differ.

Nodes are kept in one dict; the DiGraph view is built on first use after a change.
Building adds one object the garbage collector tracks per node (the Node; two with
attributes), not five, so the collector's full passes stay few and short and building
stays linear in the node count with the collector running.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import networkx as nx

from netir.ir.accounting import Accounting
from netir.ir.documents import Documents
from netir.ir.endpoints import Endpoints
from netir.ir.errors import (
    ArityError,
    AttributeValueError,
    GraphError,
    NetIRError,
    ShapeError,
    UnknownOpError,
)
from netir.ir.names import check_name, short_repr
from netir.ir.node import Node, Tensor
from netir.ir.registry import get_op

_MUTATORS = ("add_node", "add_nodes_from", "remove_node", "remove_nodes_from", "add_edge",
             "add_edges_from", "add_weighted_edges_from", "remove_edge", "remove_edges_from",
             "update", "clear", "clear_edges")


def _read_only(*args: Any, **kwargs: Any) -> None:
    raise GraphError("Graph.nx is a read-only view; add nodes with the Graph's methods",
                     "an attempt to change it", node="<graph>", op="nx")

_NO_ATTRS: Mapping[str, Any] = MappingProxyType({})

__all__ = ["Graph", "Node", "Tensor"]


class Graph(Accounting, Documents, Endpoints):
    """A network as a DAG of typed layer nodes.

    Build it with one method per registered op; each call validates attributes,
    arity and shapes at once and returns a :class:`Tensor`::

        g = Graph("lenet5")
        x = g.input((1, 32, 32))
        x = g.tanh(g.conv2d(x, 6, kernel=5, name="c1"))

    Errors derive from :class:`NetIRError` and name the node, the op and the values.
    """

    def __init__(self, name: str = "graph") -> None:
        self.name = name
        self._scopes: set[str] = set()  # every proper prefix of a node name
        self._nodes: dict[str, Node] = {}
        self._readers: dict[str, int] = {}  # name -> inputs reading it (never GC-tracked)
        self._g: nx.DiGraph | None = None
        self._order: list[str] = []
        self._inputs: list[str] = []
        self._outputs: list[str] | None = None
        self._scope: list[str] = []
        self._auto: dict[str, int] = {}

    @property
    def name(self) -> str:
        """The graph's name: a dotted name like a node's (it reaches diagrams and code)."""
        return self._name

    @name.setter
    def name(self, value: str) -> None:
        self._name = check_name(value, node="<graph>", op="graph", what="graph names")

    # -- access ---------------------------------------------------------------------
    @property
    def nx(self) -> nx.DiGraph:
        """The graph as a read-only DiGraph: node data ``"node"`` holds the :class:`Node`,
        edge data ``"ports"`` the input ports. Built on first use after a change; its
        mutators raise GraphError, and the Graph never reads it back."""
        if self._g is None:
            view = nx.freeze(_digraph(self))
            for method in _MUTATORS:
                setattr(view, method, _read_only)
            self._g = view
        return self._g

    @property
    def nodes(self) -> list[Node]:
        """Every node in insertion order, which is a topological order."""
        return list(self._nodes.values())

    def __getitem__(self, name: str) -> Node:
        if isinstance(name, str) and name in self._nodes:
            return self._nodes[name]
        raise GraphError("no node of this name in the graph", short_repr(name),
                         node=name if isinstance(name, str) else "<graph>", op="?")

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name in self._nodes

    def __len__(self) -> int:
        return len(self._order)

    def __iter__(self) -> Iterator[Node]:
        return iter(self.nodes)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Graph) and (
            self.name, self.nodes, [n.name for n in self.outputs]) == (
            other.name, other.nodes, [n.name for n in other.outputs])

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        """Pickle through the JSON document (nodes hold read-only attribute mappings)."""
        from netir.ir.serialize import graph_from_json

        return graph_from_json, (self.to_json(),)

    def __repr__(self) -> str:
        t, b = self.count_params()
        return f"Graph({self.name!r}, nodes={len(self)}, params={t:,}, buffers={b:,})"

    # -- building ---------------------------------------------------------------------
    @contextlib.contextmanager
    def scope(self, name: str) -> Iterator[None]:
        """Prefix the names of nodes added inside with ``name.`` (nests)."""
        self._scope.append(check_name(name, node=".".join([*self._scope, str(name)]),
                                      op="scope", what="scope names"))
        try:
            yield
        finally:
            self._scope.pop()

    def _qualify(self, op: str, name: str | None) -> str:
        """The full node name; None picks the next free ``<op>``, ``<op>_1``... The
        counter advances only when the node is added (:meth:`add_node` commits it)."""
        prefix = ".".join(self._scope)
        if name is None:
            base = f"{prefix}.{op}" if prefix else op
            n = self._auto.get(base, 0)
            while (candidate := base if n == 0 else f"{base}_{n}") in self._nodes or (
                    candidate in self._scopes):
                n += 1
            self._auto_pending = (base, n + 1)
            return candidate
        check_name(name, node=f"{prefix}.{name}" if prefix else str(name), op=op)
        return f"{prefix}.{name}" if prefix else name

    def _claim(self, node_name: str, op: str) -> None:
        """Refuse a name taken by a node or a scope, or one under an existing node;
        then record its scopes. A name is a leaf or a scope, never both."""
        if node_name in self._nodes:
            raise GraphError("a node of this name already exists", repr(node_name),
                             node=node_name, op=op)
        if node_name in self._scopes:
            raise GraphError("this name is already a scope of other nodes; a name is a "
                             "layer or a scope, not both", repr(node_name), node=node_name,
                             op=op)
        new, end = [], len(node_name)
        while (end := node_name.rfind(".", 0, end)) > 0:
            prefix = node_name[:end]
            if prefix in self._scopes:
                break
            if prefix in self._nodes:
                raise GraphError(f"'{prefix}' is a node, so it cannot also be a scope; a "
                                 "name is a layer or a scope, not both", repr(node_name),
                                 node=node_name, op=op)
            new.append(prefix)
        self._scopes.update(new)

    def add_node(self, op: str, inputs: Sequence[Tensor | str] = (), name: str | None = None,
                 attrs: Mapping[str, Any] | None = None) -> Tensor:
        """Add one node; validate it and infer its shape at once.

        ``name`` is relative to the current scope; None picks ``<op>``, ``<op>_1``...
        Raises UnknownOpError, AttributeValueError, ArityError, GraphError (duplicate
        or malformed name, input from another graph) or ShapeError, each naming the
        node, the op and the values.
        """
        if not isinstance(op, str):
            raise UnknownOpError("an op is named by a string; see netir.list_ops()",
                                 f"{type(op).__name__} {short_repr(op)}", node="<graph>", op="?")
        spec = get_op(op)
        node_name = self._qualify(op, name)
        if attrs is None:
            attrs = {}
        if not isinstance(attrs, Mapping) or not all(isinstance(k, str) for k in attrs):
            raise AttributeValueError("attrs must be a mapping of attribute names to values",
                                      short_repr(attrs), node=node_name, op=op)
        attrs = dict(attrs)
        if isinstance(inputs, (Tensor, str)) or not isinstance(inputs, Sequence):
            raise GraphError("inputs must be a list of Tensors or node names",
                             short_repr(inputs), node=node_name, op=op)
        in_names = [self._resolve_input(t, node_name, op) for t in inputs]
        lo, hi = spec.arity_range
        if len(in_names) < lo or (hi is not None and len(in_names) > hi):
            want = f"{lo}" if lo == hi else f"at least {lo}" if hi is None else f"{lo}..{hi}"
            raise ArityError(f"takes {want} input(s)", f"{len(in_names)} input(s)",
                             node=node_name, op=op)
        in_shapes = [self[n].type for n in in_names]
        try:
            spec.check_inputs(in_shapes)
            norm = spec.normalise_attrs(attrs)
            if spec.resolve is not None:
                norm = spec.resolve(norm, in_shapes)
            shape = tuple(int(v) for v in spec.shape(norm, in_shapes))
            if min(shape) < 1:
                raise ShapeError("output would be empty", f"output {shape}")
            layout = spec.output_layout(norm, in_shapes, shape)
        except NetIRError as err:
            raise err.locate(node_name, op) from None
        self._claim(node_name, op)
        node = Node(node_name, op, MappingProxyType(dict(norm)) if norm else _NO_ATTRS,
                    tuple(in_names), shape, layout)
        self._nodes[node_name] = node
        for src in in_names:
            self._readers[src] = self._readers.get(src, 0) + 1
        self._g = None
        self._order.append(node_name)
        if name is None:
            base, following = self._auto_pending
            self._auto[base] = following
        if spec.graph_input:
            self._inputs.append(node_name)
        return Tensor(self, node_name)

    def _resolve_input(self, t: Tensor | str, node: str, op: str) -> str:
        if isinstance(t, Tensor):
            if t.graph is not self:
                raise GraphError("input comes from another graph",
                                 f"{t.name!r} of graph {t.graph.name!r}", node=node, op=op)
            return t.name
        if isinstance(t, str) and t in self._nodes:
            return t
        raise GraphError("inputs must be Tensors of this graph or names of its nodes",
                         short_repr(t), node=node, op=op)

    def __getattr__(self, op: str):
        """``g.<op>(*inputs, *positional_attrs, name=None, **attrs)`` for every op."""
        if op.startswith("_"):
            raise AttributeError(op)
        spec = get_op(op)

        def build(*args: Any, name: str | None = None, **attrs: Any) -> Tensor:
            args = list(args)
            inputs: list[Tensor | str] = []
            if args and isinstance(args[0], (list, tuple)) and args[0] and any(
                    isinstance(a, Tensor) for a in args[0]):
                inputs = list(args.pop(0))
            while args and isinstance(args[0], Tensor):
                inputs.append(args.pop(0))
            if len(args) > len(spec.positional):
                raise ArityError(f"takes at most {len(spec.positional)} positional "
                                 f"attribute(s) {spec.positional}", repr(tuple(args)),
                                 node=self._qualify(op, name), op=op)
            for key, value in zip(spec.positional, args):
                if key in attrs:
                    raise ArityError(f"attribute '{key}' given twice", repr(value),
                                     node=self._qualify(op, name), op=op)
                attrs[key] = value
            return self.add_node(op, inputs, name=name, attrs=attrs)

        build.__name__ = op
        build.__doc__ = spec.doc
        return build

    def lint(self) -> None:
        """Check well-formedness: acyclic, edges match inputs, ports complete."""
        if not nx.is_directed_acyclic_graph(self.nx):
            raise GraphError("graph has a cycle", list(nx.find_cycle(self.nx)),
                             node=self.name, op="graph")
        for node in self.nodes:
            ports = sorted(p for src in set(node.inputs)
                           for p in self.nx.edges[src, node.name]["ports"])
            if ports != list(range(len(node.inputs))):
                raise GraphError("edge ports do not match the node's inputs", ports,
                                 node=node.name, op=node.op)


def _digraph(graph: Graph) -> nx.DiGraph:
    """The DiGraph of ``graph``: nodes with their Node, edges with their input ports."""
    g = nx.DiGraph()
    for node in graph.nodes:
        g.add_node(node.name, node=node)
        for port, src in enumerate(node.inputs):
            if g.has_edge(src, node.name):
                edge = g.edges[src, node.name]
                edge["ports"] = (*edge["ports"], port)
            else:
                g.add_edge(src, node.name, ports=(port,))
    return g
