"""A mixin of :class:`~netir.ir.graph.Graph`: its inputs and outputs, what a model of it
returns, and the nodes nothing reads."""

from __future__ import annotations

from typing import TYPE_CHECKING

from netir.ir.errors import GraphError

if TYPE_CHECKING:
    from netir.ir.node import Node, Tensor


class Endpoints:
    """Inputs, declared or implied outputs, dead nodes (mixed into ``Graph``, whose
    ``_inputs``, ``_outputs``, ``_order``, ``_readers`` and ``_nodes`` it reads)."""

    @property
    def inputs(self) -> list[Node]:
        return [self[n] for n in self._inputs]

    @property
    def outputs(self) -> list[Node]:
        """Nodes set with :meth:`output`, else every node without successors (what a
        model returns is :meth:`model_outputs`, which refuses an ambiguous graph)."""
        if self._outputs is not None:
            return [self[n] for n in self._outputs]
        sinks = [self[n] for n in self._order if n not in self._readers]
        # an unread input is an unused argument, not an output, unless it is all there is
        return [n for n in sinks if not n.spec.graph_input] or sinks

    def dead_nodes(self) -> list[Node]:
        """Nodes that nothing reads and that are not outputs: with :meth:`output`
        declared, every such node it does not list; without, every node nothing reads
        when there are several (one of them is the output the user meant, the others
        unused branches; none is known to be which)."""
        # an input nothing reads is a model argument left unused, not a branch
        sinks = [n for n in self._order if n not in self._readers
                 and not self._nodes[n].spec.graph_input]
        if self._outputs is None:
            return [self[n] for n in sinks] if len(sinks) > 1 else []
        declared = set(self._outputs)
        return [self[n] for n in sinks if n not in declared]

    def model_outputs(self) -> list[Node]:
        """What a model of this graph returns: :attr:`outputs`. Without :meth:`output`
        declared, a graph whose nodes end in several sinks is ambiguous (one is the output
        the user meant, the others unused branches) and is a GraphError naming them, never
        a model returning a tuple; with outputs declared, a node nothing reads is simply not
        returned (``optimize`` removes it)."""
        dead = [n.name for n in self.dead_nodes()] if self._outputs is None else []
        if dead:
            raise GraphError(f"{len(dead)} nodes are read by nothing and no outputs are "
                             "declared; declare them with g.output(...) or remove the "
                             "unused ones", ", ".join(dead[:20])
                             + (f" and {len(dead) - 20} more" if len(dead) > 20 else ""),
                             node=self.name, op="outputs")
        return self.outputs

    def output(self, *tensors: Tensor | str) -> None:
        """Mark the graph's outputs explicitly (default: every node without successors).

        Raises GraphError for no tensors, or one that is not a node of this graph.
        """
        if len(tensors) == 1 and isinstance(tensors[0], (list, tuple)):
            tensors = tuple(tensors[0])
        if not tensors:
            raise GraphError("a graph needs at least one output", "no tensors",
                             node="<outputs>", op="output")
        names = [self._resolve_input(t, "<outputs>", "output") for t in tensors]
        self._outputs = names
