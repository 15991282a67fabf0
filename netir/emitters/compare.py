"""Run one graph in every backend with shared weights; judge each, node by node, against
the NumPy reference in float64.

Each backend (float32: ``torch``, ``keras``, ``reference`` itself, any plugin's) runs
with every node as an output. At each node the reference's kernel, in float64, is
applied to the backend's own values of that node's inputs; the backend passes when

    max |backend - reference(backend's inputs)| <= tolerance · max |truth|   (every node)

where the truth is the whole graph run by the reference in float64. This local error is
what the backend's lowering of that node adds, so an error in an early layer is seen
however large or small later activations are, and float32 rounding that a deep network
amplifies (it does: see ``drift``) is not blamed on a node that computes correctly.
The drift, ``max |backend - truth|`` at every node and at the outputs, is reported as it
is. The emitted model itself (graph outputs only, as users run it) must give the outputs
of the per-node run, within the tolerance or within that run's own drift: a runtime may
fuse differently when fewer values are asked of it (ONNX Runtime does), and both runs
are then float32 approximations of the same truth, each as good as the other. Weights
are calibrated by default (:mod:`netir.emitters.calibration`), which keeps every
activation of order 1.
Backends are also compared pairwise on the outputs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field

import numpy as np

from netir.emitters.arguments import compare_arguments
from netir.emitters.compare_memory import check_compare_memory
from netir.emitters.local import local_errors
from netir.emitters.local import max_abs as _max_abs
from netir.emitters.registry import available, get_backend, list_backends
from netir.ir.errors import ArgumentError, NetIRError
from netir.ir.graph import Graph
from netir.ir.limits import BYTES_PER_ELEMENT, release_memory
from netir.ir.summary import format_shape

# DESIGN.md's limits; the measured local errors on the calibrated catalog are far below
# (see the table ``netir check --all`` prints).
CATALOG_TOLERANCE = 1e-4  # networks: every node's local error, relative to its scale
OP_TOLERANCE = 1e-5       # single ops
TRUTH = "reference (float64)"
TRIM_ABOVE = 256 * 2**20  # parameter bytes above which memory is trimmed between backends


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


def _build(graph: Graph | str, input_shape: tuple[int, ...] | None) -> Graph:
    if not isinstance(graph, str):
        return graph
    from netir.architectures import build

    overrides = {}
    if input_shape is not None:
        overrides = {"in_channels": input_shape[0], "input_size": tuple(input_shape[1:])}
    return build(graph, **overrides)


def check_inputs(graph: Graph, batch: int, seed: int) -> list[np.ndarray]:
    """The inputs a comparison runs: standard normal float32 (negatives occur), one
    ``(batch, *shape)`` array per graph input."""
    rng = np.random.default_rng(seed + 1)
    return [rng.standard_normal((batch, *n.shape)).astype(np.float32) for n in graph.inputs]


def run_backend(backend: str, graph: Graph, weights, inputs: Sequence[np.ndarray],
                outputs: Sequence[str]) -> tuple[list[np.ndarray], tuple[int, int]]:
    """Emit ``graph`` in ``backend`` returning ``outputs`` with ``weights``
    (``Backend.emit_loaded``), run ``inputs`` (channels first) in inference mode:
    (output arrays, channels first; parameter counts), all through the backend object.
    UnsupportedOpError for an unknown backend."""
    chosen = get_backend(backend)
    model = chosen.emit_loaded(graph, list(outputs), weights)
    return chosen.run(model, list(inputs)), chosen.count(model)


def available_backends() -> list[str]:
    """The registered backends whose framework is installed here (compare's default)."""
    return [b for b in list_backends() if available(b)]


def compare(graph: Graph | str, input_shape: tuple[int, ...] | None = None, batch: int = 2,
            seed: int = 0, tolerance: float = CATALOG_TOLERANCE,
            backends: Sequence[str] | None = None, outputs: Sequence[str] | None = None,
            weights: str = "calibrated", memory: int | None = None) -> CompareReport:
    """Run ``graph`` in ``backends`` (default: every registered one) with shared weights
    and judge every node against the float64 reference.

    ``graph`` may be a catalog name, built at ``input_shape`` (C, H, W) when given.
    ``outputs`` (node names, default the graph's) are the outputs reported; every node is
    checked. ``weights`` is "calibrated" (default) or "random"
    (:func:`netir.emitters.calibration.make_weights`), or the neutral weights to run
    (``{node: {param: array}}``, an imported module's; the report says "given").
    Inputs are standard normal; all backends run float32 in inference mode on CPU.
    Raises ArgumentError
    (:mod:`netir.emitters.arguments`) for an argument of the wrong type or out of range
    (``batch=0``, ``tolerance=True``, ``backends="torch"``), GraphError for an unknown
    output, UnsupportedOpError for an unknown backend, and ResourceError, before any
    work, when the comparison would need more than ``memory`` bytes (default: what this
    machine can spare).
    """
    from netir.emitters.calibration import make_weights
    from netir.emitters.reference import execute, to_reference

    start = time.perf_counter()
    if not isinstance(graph, (Graph, str)):
        raise ArgumentError("graph must be a Graph or a catalog name",
                            f"graph={type(graph).__name__}", node="<compare>", op="graph")
    where = graph if isinstance(graph, str) else graph.name
    args = compare_arguments(where, input_shape, batch, seed, tolerance, backends, outputs,
                             weights, memory)
    batch, seed, tolerance, memory = args["batch"], args["seed"], args["tolerance"], \
        args["memory"]
    graph = _build(graph, args["input_shape"])
    backends = args["backends"] or available_backends()
    out_names = [graph[n].name for n in (args["outputs"]
                                         or [n.name for n in graph.model_outputs()])]
    if not backends:
        raise NetIRError("a comparison needs at least one backend; none is installed", "[]",
                         node=graph.name, op="compare")
    for b in backends:
        get_backend(b)  # unknown names fail before any work
    check_compare_memory(graph, len(backends), batch, memory)
    inputs = check_inputs(graph, batch, seed)
    shared = make_weights(graph, weights, seed, inputs) if isinstance(weights, str) \
        else weights
    names = [n.name for n in graph.nodes]
    reference = to_reference(graph, names, np.float64, shared)
    truth = execute(reference, inputs)
    scales = [float(np.max(np.abs(v))) if v.size else 0.0 for v in truth]
    nodes = [NodeAgreement(n.name, n.op, s, {}, {}, {}) for n, s in zip(graph.nodes, scales)]
    index = {n: i for i, n in enumerate(names)}
    # trimming returns memory the next backend faults in again: worth it only where the
    # weights are large enough for the peaks to matter
    big = BYTES_PER_ELEMENT * sum(graph.count_params()) > TRIM_ABOVE
    values, emitted_by = {}, {}
    for b in backends:
        chosen = get_backend(b)
        per_node = chosen.emit_loaded(graph, names, shared)
        got, params = chosen.run(per_node, inputs), chosen.count(per_node)
        model = chosen.narrow(per_node, names, out_names)
        del per_node  # one model at a time: the memory estimate counts one
        if model is None:
            model = chosen.emit_loaded(graph, out_names, shared)
        emitted_by[b] = (chosen.run(model, inputs), params)
        del model
        if big:  # the next backend's peak does not stack on this one's
            release_memory()
        values[b] = got
    results = []
    for b, errors in local_errors(reference, values).items():
        got, (emitted, params) = values[b], emitted_by[b]
        for node, t, v, (local, size) in zip(nodes, truth, got, errors):
            node.max_abs[b], node.local[b], node.local_scale[b] = _max_abs(t, v), local, size
        emitted_abs = max(_max_abs(got[index[n]], e) for n, e in zip(out_names, emitted))
        emitted_truth = max(_max_abs(truth[index[n]], e) for n, e in zip(out_names, emitted))
        results.append(_judge(b, nodes, out_names, got, params, (emitted_abs, emitted_truth),
                              tolerance))
    report = CompareReport(
        network=graph.name, inputs={n.name: n.shape for n in graph.inputs},
        outputs={n: graph[n].shape for n in out_names}, batch=batch, seed=seed,
        weights=weights if isinstance(weights, str) else "given",
        tolerance=tolerance, ir_params=graph.count_params(),
        output_scale=max(scales[index[n]] for n in out_names), results=results,
        pairwise={f"{a}|{b}": max(_max_abs(values[a][index[n]], values[b][index[n]])
                                  for n in out_names)
                  for i, a in enumerate(backends) for b in backends[i + 1:]},
        nodes=nodes)
    report.passed = all(r.passed and r.shapes == report.outputs
                        and r.params == report.ir_params for r in results)
    report.seconds = time.perf_counter() - start
    return report


def _judge(backend: str, nodes: list[NodeAgreement], out_names: list[str],
           got: list[np.ndarray], params: tuple[int, int],
           emitted: tuple[float, float], tolerance: float) -> BackendResult:
    by_name = {n.name: n for n in nodes}
    worst = max(nodes, key=lambda n: n.relative(backend))
    drift = max(nodes, key=lambda n: n.drift(backend))
    beyond = next((n.name for n in nodes if not n.relative(backend) <= tolerance), None)
    index = {n.name: i for i, n in enumerate(nodes)}
    scale = max(by_name[n].scale for n in out_names) or 1.0
    emitted_abs, emitted_truth = emitted
    output_abs = max(by_name[n].max_abs[backend] for n in out_names)
    emitted_ok = emitted_abs <= tolerance * scale or emitted_truth <= 2 * output_abs
    return BackendResult(
        backend=backend,
        shapes={n: tuple(got[index[n]].shape[1:]) for n in out_names},
        params=tuple(params),
        output_abs=output_abs,
        output_rel=max(by_name[n].drift(backend) for n in out_names),
        worst_node=worst.name, worst_rel=worst.relative(backend),
        worst_abs=worst.local[backend], drift_node=drift.name,
        drift_rel=drift.drift(backend), emitted_abs=emitted_abs, first_divergent=beyond,
        passed=beyond is None and emitted_ok, emitted_truth_abs=emitted_truth)
