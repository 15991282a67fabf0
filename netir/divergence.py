"""Where two networks' values first part: both run in one backend (the NumPy reference
by default) on the same inputs, sharing weights wherever :func:`netir.diff.diff` matched
their nodes.

Each network gets :func:`netir.emitters.weights.random_weights` from the same seed; then
every parameter of a matched B node whose shape equals its A counterpart's is replaced by
A's, so matched layers compute with the same numbers and only what truly differs
(a new bias, a grouped convolution, a moved stride) shows. Matched nodes are compared in
B's topological order and the first whose values differ by more than ``tolerance``
relative (``max |a - b| / max(max |a|, max |b|)``), or whose shapes differ, is reported.

The reference runs in float64 (tolerance 1e-5), so rounding does not pass for a
difference, and stops at the divergent node; another backend runs in float32 (tolerance
1e-4, the networks' inference band) and returns every matched node's output.
This is comparison machinery, not a backend: it lives beside :mod:`netir.diff` and reaches
the backends only through :func:`netir.emitters.compare.run_backend`.
"""

from __future__ import annotations

import contextlib
from dataclasses import asdict, dataclass

import numpy as np

from netir.diff import GraphDiff
from netir.ir.errors import NetIRError
from netir.ir.graph import Graph

#: Relative tolerance by the precision a backend runs in here.
TOLERANCE = 1e-5         # the reference, float64
FLOAT32_TOLERANCE = 1e-4  # any other backend, float32


@dataclass(frozen=True)
class Divergence:
    """The outcome: ``node`` (B's name) and ``a_node`` (A's) where values first part
    (None when every matched node agrees), its ``rel`` and ``max_abs`` difference (None
    where the shapes differ), ``reason`` (``"values"`` or ``"shape"``); ``compared``:
    how many matched nodes were compared up to and including it; ``shared``: how many
    parameters B took from A; ``tolerance``, ``seed``, ``batch``."""

    node: str | None
    a_node: str | None
    rel: float | None
    max_abs: float | None
    reason: str | None
    compared: int
    shared: int
    tolerance: float
    seed: int
    batch: int
    backend: str = "reference"

    def as_dict(self) -> dict:
        return asdict(self)

    def text(self) -> str:
        precision = "float64" if self.backend == "reference" else "float32"
        head = (f"numeric ({self.backend} backend, {precision}, seed {self.seed}, batch "
                f"{self.batch}, {self.shared} parameters shared): ")
        if self.node is None:
            return head + (f"all {self.compared} matched nodes agree within "
                           f"{self.tolerance:g} relative")
        where = self.node if self.a_node == self.node else f"{self.a_node} → {self.node}"
        if self.reason == "shape":
            return head + f"first divergent node {where}: shapes differ"
        return head + (f"first divergent node {where}: max |Δ| {self.max_abs:.3g}, "
                       f"relative {self.rel:.3g} (> {self.tolerance:g}; node "
                       f"{self.compared} of the matched nodes in order)")


class _Parted(Exception):
    """Stops B's run at the first divergent node."""


def shared_weights(a: Graph, b: Graph, d: GraphDiff, seed: int = 0):
    """``(A's weights, B's weights, parameters shared)``: each network's random weights
    from ``seed``, B's matched parameters of equal shape replaced by A's."""
    from netir.emitters.weights import random_weights

    wa, wb = random_weights(a, seed), random_weights(b, seed)
    shared = 0
    for b_name, a_name in d.matched.items():
        for key, value in wb.get(b_name, {}).items():
            theirs = wa.get(a_name, {}).get(key)
            if theirs is not None and theirs.shape == value.shape:
                wb[b_name][key] = theirs
                shared += 1
    return wa, wb, shared


def _check_inputs(a: Graph, b: Graph, d: GraphDiff) -> None:
    for node in b.inputs:
        other = d.matched.get(node.name)
        if other is None or a[other].shape != node.shape or a[other].op != node.op:
            raise NetIRError("a numeric diff needs every input of B matched to an input of "
                             "A of the same shape", f"{node.name} {node.shape} in {b.name}",
                             node=node.name, op="diff")
    if len(a.inputs) != len(b.inputs):
        raise NetIRError("a numeric diff needs the same inputs in both networks",
                         f"{len(a.inputs)} and {len(b.inputs)} inputs", node=b.name,
                         op="diff")


def _parting(theirs: np.ndarray, ours: np.ndarray, tolerance: float):
    """``(reason, rel, max |Δ|)`` when two values part, else None."""
    if theirs.shape != ours.shape:
        return "shape", None, None
    delta = float(np.max(np.abs(theirs - ours))) if ours.size else 0.0
    scale = max(float(np.max(np.abs(theirs))), float(np.max(np.abs(ours)))) if ours.size else 0
    rel = delta / scale if scale else delta
    return ("values", rel, delta) if rel > tolerance else None


def _reference_run(a, b, d, wa, wb, feeds, tolerance):
    """Both in the float64 reference; B's run stops at the first divergent node.
    ``(found or None, nodes compared)``."""
    from netir.emitters.reference import execute, to_reference

    wanted = set(d.matched.values())
    values: dict[str, np.ndarray] = {}

    def keep(node, value):
        if node.name in wanted:
            values[node.name] = value
        return value

    b_of = {x: y for y, x in d.matched.items()}
    execute(to_reference(a, dtype=np.float64, weights=wa),
            [feeds[b_of[n.name]] for n in a.inputs], visit=keep)
    found: list = []
    compared = 0

    def check(node, value):
        nonlocal compared
        a_name = d.matched.get(node.name)
        if a_name is None:
            return value
        compared += 1
        parted = _parting(values.pop(a_name), value, tolerance)
        if parted:
            found.append((node.name, a_name, *parted))
            raise _Parted
        return value

    with contextlib.suppress(_Parted):
        execute(to_reference(b, dtype=np.float64, weights=wb),
                [feeds[n.name] for n in b.inputs], visit=check)
    return (found[0] if found else None), compared


def _backend_run(backend, a, b, d, wa, wb, feeds, tolerance):
    """Both in ``backend`` (float32), every matched node an output; compared after."""
    from netir.emitters.compare import run_backend

    b_names = [n.name for n in b.nodes if n.name in d.matched]
    a_names = [d.matched[n] for n in b_names]
    b_of = {x: y for y, x in d.matched.items()}
    got_a, _ = run_backend(backend, a, wa, [feeds[b_of[n.name]].astype(np.float32)
                                           for n in a.inputs], a_names)
    got_b, _ = run_backend(backend, b, wb, [feeds[n.name].astype(np.float32)
                                           for n in b.inputs], b_names)
    for compared, (name, a_name, x, y) in enumerate(
            zip(b_names, a_names, got_a, got_b, strict=True), 1):
        parted = _parting(np.asarray(x, np.float64), np.asarray(y, np.float64), tolerance)
        if parted:
            return (name, a_name, *parted), compared
    return None, len(b_names)


def first_divergence(a: Graph, b: Graph, d: GraphDiff, *, backend: str = "reference",
                     seed: int = 0, batch: int = 1, tolerance: float | None = None
                     ) -> Divergence:
    """Run ``a`` and ``b`` in ``backend`` on shared weights and inputs; the first matched
    node (B's topological order) whose values part (see the module docstring).
    ``tolerance`` defaults to :data:`TOLERANCE` for the reference and
    :data:`FLOAT32_TOLERANCE` for any other backend.

    Raises NetIRError when B's inputs are not all matched to A inputs of the same shape
    (then no common input exists), UnsupportedOpError for an unknown backend or an op it
    cannot lower.
    """
    _check_inputs(a, b, d)
    if tolerance is None:
        tolerance = TOLERANCE if backend == "reference" else FLOAT32_TOLERANCE
    wa, wb, shared = shared_weights(a, b, d, seed)
    rng = np.random.default_rng(seed + 1)
    feeds = {n.name: rng.standard_normal((batch, *n.shape)) for n in b.inputs}
    if backend == "reference":
        found, compared = _reference_run(a, b, d, wa, wb, feeds, tolerance)
    else:
        found, compared = _backend_run(backend, a, b, d, wa, wb, feeds, tolerance)
    node, a_node, reason, rel, delta = found or (None,) * 5
    return Divergence(node, a_node, rel, delta, reason, compared, shared, tolerance, seed,
                      batch, backend)
