"""What a comparison reports: per node and backend, the local error and the drift; per
backend, its verdict; the whole report with its headline (:func:`netir.emitters.compare.
compare` fills it)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from netir.ir.summary import format_shape

TRUTH = "reference (float64)"

@dataclass
class NodeAgreement:
    """One node: its scale ``max |truth|``; per backend the local error ``local``
    (``max |backend - reference applied to the backend's inputs|``), the magnitude of
    that recomputation ``local_scale``, and the drift ``max_abs``
    (``max |backend - truth|``); errors are absolute."""

    name: str
    op: str
    scale: float
    local: dict[str, float]
    local_scale: dict[str, float]
    max_abs: dict[str, float]

    def relative(self, backend: str) -> float:
        """The judged number: local error over the larger of the node's scale and the
        recomputation's (absolute when both are all zeros)."""
        return self.local[backend] / (max(self.scale, self.local_scale[backend]) or 1.0)

    def drift(self, backend: str) -> float:
        """``max |backend - truth| / scale``: rounding accumulated up to this node."""
        return self.max_abs[backend] / (self.scale or 1.0)


@dataclass
class BackendResult:
    """How one backend did.

    ``worst_node``/``worst_rel``/``worst_abs``: the node with the largest local error
    (relative, absolute); ``first_divergent``: the first node (topological order) whose
    local error is beyond the tolerance, or None. ``output_abs``/``output_rel``: drift at
    the outputs, ``max |backend - truth|`` (absolute, and over ``max |truth|``);
    ``drift_node``/``drift_rel``: the largest relative drift at any node.
    ``emitted_abs``: ``max |Δ|`` between the emitted model's outputs and the per-node
    run's; ``emitted_truth_abs``: the emitted model's ``max |Δ|`` from the truth.
    ``passed``: every local error within the tolerance, and the emitted model either
    within the tolerance of the per-node run or no further from the truth than twice
    the per-node run's drift.
    """

    backend: str
    shapes: dict[str, tuple[int, ...]]
    params: tuple[int, int]
    output_abs: float
    output_rel: float
    worst_node: str
    worst_rel: float
    worst_abs: float
    drift_node: str
    drift_rel: float
    emitted_abs: float
    first_divergent: str | None
    passed: bool
    emitted_truth_abs: float = 0.0


@dataclass
class CompareReport:
    """What :func:`compare` found. The headline: ``passed``, True when every backend's
    shapes, counts and every node agree with the reference, and ``max_rel``, the largest
    relative local error of any node in any backend (what ``passed`` holds against
    ``tolerance``); ``str(report)`` starts with both. Fields (stable; ``as_dict()``
    gives them as plain data):

    - ``network``, ``inputs`` (name -> shape), ``outputs`` (name -> IR shape), ``batch``,
      ``seed``, ``weights`` ("calibrated" or "random"), ``tolerance``, ``seconds``;
    - ``ir_params``: (trainable, buffers) by the IR;
    - ``output_scale``: ``max |truth|`` over the outputs, the magnitude a reader sees;
    - ``results``: one :class:`BackendResult` per backend, in the order compared;
    - ``pairwise``: ``{"a|b": max |a - b|}`` over the outputs, each pair of backends;
    - ``nodes``: one :class:`NodeAgreement` per node, in topological order;
    - ``reduced``: None, or the width factor a catalog network too large for this
      machine was checked at (:func:`netir.catalog_checks.check`).
    """

    network: str
    inputs: dict[str, tuple[int, ...]]
    outputs: dict[str, tuple[int, ...]]
    batch: int
    seed: int
    weights: str
    tolerance: float
    ir_params: tuple[int, int]
    output_scale: float
    results: list[BackendResult]
    pairwise: dict[str, float]
    nodes: list[NodeAgreement] = field(default_factory=list)
    passed: bool = False
    seconds: float = 0.0
    reduced: float | None = None

    def as_dict(self) -> dict:
        return asdict(self)

    def result(self, backend: str) -> BackendResult:
        return next(r for r in self.results if r.backend == backend)

    @property
    def max_rel(self) -> float:
        """The largest relative local error of any node in any backend (0.0 with no
        backends): the one number to hold against ``tolerance``."""
        return max((r.worst_rel for r in self.results), default=0.0)

    @property
    def worst(self) -> BackendResult:
        """The backend result with the largest relative node error."""
        return max(self.results, key=lambda r: r.worst_rel)

    def __str__(self) -> str:
        ins = ", ".join(format_shape(s) for s in self.inputs.values())
        outs = ", ".join(f"{n} {format_shape(s)}" for n, s in self.outputs.items())
        t, b = self.ir_params
        lines = [f"{self.network}: {'PASS' if self.passed else 'FAIL'}  max rel "
                 f"{self.max_rel:.1e} (tolerance {self.tolerance:g}; batch {self.batch}, "
                 f"input {ins}, {self.weights} weights, {self.seconds:.1f} s"
                 + (f", at {width_label(self.reduced)}" if self.reduced else "") + ")",
                 f"  outputs {outs}; max |output| {self.output_scale:.3g}; "
                 f"IR params {t:,} + {b:,} buffers",
                 f"  each node judged against the {TRUTH} on the backend's own inputs: "
                 f"max |Δ| <= {self.tolerance:g} · the node's max |value|"]
        for r in self.results:
            shapes_ok = r.shapes == self.outputs
            lines.append(
                f"  {r.backend:<10} {'pass' if r.passed else 'FAIL'}  worst node "
                f"{r.worst_node} rel {r.worst_rel:.1e} (|Δ| {r.worst_abs:.1e}); output "
                f"|Δ| {r.output_abs:.1e} (rel {r.output_rel:.1e}, drift from float32 "
                f"rounding through the network)"
                + ("" if shapes_ok else f"  shapes {r.shapes}")
                + ("" if r.params == self.ir_params else f"  params {r.params}")
                + (f"  first beyond tolerance: {r.first_divergent}"
                   if r.first_divergent else ""))
        if self.pairwise:
            lines.append("  pairwise max |Δ| on outputs: " + ", ".join(
                f"{k.replace('|', '–')} {v:.1e}" for k, v in self.pairwise.items()))
        return "\n".join(lines)

    def node_table(self) -> str:
        """Every node: op, scale and each backend's relative error (``--per-node``)."""
        from netir.ir.summary import format_table

        names = [r.backend for r in self.results]
        rows = [[n.name, n.op, f"{n.scale:.3g}",
                 *(f"{n.relative(b):.1e}" + ("" if n.relative(b) <= self.tolerance else " ✗")
                   for b in names), *(f"{n.drift(b):.1e}" for b in names)]
                for n in self.nodes]
        return format_table(["node", "op", "max |value|", *(f"{b} rel" for b in names),
                             *(f"{b} drift" for b in names)],
                            rows, right=set(range(2, 3 + 2 * len(names))))


def width_label(factor: float) -> str:
    """How a report names a reduced width: ``"1/2 width"``."""
    return f"1/{round(1 / factor)} width"
