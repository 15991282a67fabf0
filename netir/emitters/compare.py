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

import numpy as np

from netir.emitters.arguments import compare_arguments
from netir.emitters.compare_memory import check_compare_memory
from netir.emitters.compare_report import (
    BackendResult,
    CompareReport,
    NodeAgreement,
    width_label,
)
from netir.emitters.local_errors import local_errors, magnitude
from netir.emitters.local_errors import max_abs as _max_abs
from netir.emitters.registry import available, get_backend, list_backends
from netir.ir.errors import ArgumentError, NetIRError
from netir.ir.graph import Graph
from netir.ir.limits import BYTES_PER_ELEMENT, release_memory

# DESIGN.md's limits; the measured local errors on the calibrated catalog are far below
# (see the table ``netir check --all`` prints).
CATALOG_TOLERANCE = 1e-4  # networks: every node's local error, relative to its scale
OP_TOLERANCE = 1e-5       # single ops
TRIM_ABOVE = 256 * 2**20  # parameter bytes above which memory is trimmed between backends
__all__ = ["BackendResult", "CompareReport", "NodeAgreement", "compare", "run_backend",
           "width_label"]


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
    scales = [magnitude(v) for v in truth]
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
