"""Graph passes, and :func:`optimize`, which runs them to a fixed point.

Each pass lives in its own module, states in one line what it preserves, and asks
only the rules ops declare (:class:`netir.ir.rewrites.Rewrites`), never op names:

- ``drop_identities``    dropout and other identity-at-inference nodes (inference only)
- ``fold_zero_padding``  an explicit zero pad into the following conv's padding
- ``fold_batch_norm``    batch norm into the preceding conv or dense (inference only)
- ``merge_reshapes``     a reshape of a reshape reads the first one's input
- ``remove_dead_nodes``  nodes no output depends on
"""

from __future__ import annotations

from collections.abc import Iterable

from netir.ir.errors import GraphError
from netir.ir.graph import Graph
from netir.ir.passes import (
    drop_identities,
    fold_batch_norm,
    fold_zero_padding,
    merge_reshapes,
    remove_dead_nodes,
)
from netir.ir.passes.rewrite import Pass, Rewrite, Weights, apply

#: Every pass, in the order one round runs them.
PASSES: tuple[Pass, ...] = (drop_identities.PASS, fold_zero_padding.PASS,
                            fold_batch_norm.PASS, merge_reshapes.PASS,
                            remove_dead_nodes.PASS)
MAX_ROUNDS = 8

__all__ = ["MAX_ROUNDS", "PASSES", "Pass", "Rewrite", "apply", "optimize", "run_pass"]


def run_pass(graph: Graph, weights: Weights | None, pass_: Pass,
             keep: Iterable[str] = ()) -> tuple[Graph, Weights | None]:
    """One round of one pass. ``keep`` (besides the outputs) as in :func:`optimize`."""
    rewrite = pass_.plan(graph, weights, _keep(graph, keep))
    return apply(graph, weights, rewrite) if rewrite else (graph, weights)


def optimize(graph: Graph, weights: Weights | None = None, *, for_inference: bool = True,
             keep: Iterable[str] = ()) -> tuple[Graph, Weights | None]:
    """The graph rewritten by every pass until none applies, and its neutral weights.

    The result computes what ``graph`` computes at its outputs and at every node named
    in ``keep``, which keep their names; the model's inputs stay. With
    ``for_inference=True`` (default) the result is for inference only: dropout is gone
    and batch norm is folded into the layer before it, so it trains differently.
    ``for_inference=False`` runs only the passes exact in training too.

    ``weights`` (``{node: {param: array}}``, neutral layout) are carried along: folded
    layers get new arrays, others share the given ones; dropped nodes lose theirs.
    Without weights the graph alone is rewritten and None is returned for them. Nothing
    given is modified. Raises GraphError for a ``keep`` name not in the graph, or when
    a node to be folded has no entry in ``weights``.

        g, w = netir.optimize(build("resnet50"), weights)   # 53 batch norms folded
    """
    keep = _keep(graph, keep)
    passes = [p for p in PASSES if for_inference or not p.inference_only]
    for _ in range(MAX_ROUNDS):
        changed = False
        for pass_ in passes:
            rewrite = pass_.plan(graph, weights, keep)
            if rewrite:
                graph, weights = apply(graph, weights, rewrite)
                changed = True
        if not changed:
            break
    return graph, weights


def _keep(graph: Graph, keep: Iterable[str]) -> frozenset[str]:
    names = frozenset(n.name for n in graph.outputs) | frozenset(keep)
    for name in sorted(names):
        if name not in graph:
            raise GraphError("cannot keep a node the graph does not have", repr(name),
                             node=str(name), op="optimize")
    return names
