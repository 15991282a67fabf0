"""Checking the catalog: run catalog networks (or graphs) through every backend and judge
each node against the reference.

What the catalog knows and a comparison does not: the input a network is checked at
(:func:`check_input`), the narrower widths a network too large for the machine falls
back to (:data:`REDUCED_WIDTHS`, read from its builder's ``width_mult``), what a check
is expected to cost in memory and time (:func:`compare_size`, :func:`check_cost`) and
the one-row-per-network table ``netir check`` prints (:func:`report_table`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from netir.emitters.arguments import check_arguments
from netir.emitters.compare import CATALOG_TOLERANCE, CompareReport, compare, width_label
from netir.ir.errors import ResourceError, ShapeError
from netir.ir.graph import Graph
from netir.ir.summary import format_shape, format_table

CHECK_SIZE = 64  # reduced input: every catalog network that accepts it is checked at 64×64
#: Widths, relative to the catalog's, that a network too large to compare on this machine
#: is checked at, the first that fits (only networks whose builder takes ``width_mult``).
REDUCED_WIDTHS = (0.5, 0.25, 0.125)


def check_input(name: str, size: int = CHECK_SIZE) -> tuple[int, int]:
    """``size``×``size`` if the network accepts it, else its smallest valid square input
    (LeNet-5 keeps its 32×32; AlexNet-2012 needs more than 64)."""
    from netir.architectures import build, get_architecture

    default = get_architecture(name).defaults.get("input_size")
    if default is not None and default < size:
        return (default, default)

    def fits(s: int) -> bool:
        try:
            build(name, input_size=s)
            return True
        except ShapeError:
            return False

    # A CNN that accepts a size accepts every larger one: bisect (a handful of builds)
    # between a refused size and an accepted one instead of trying each in turn.
    if fits(size):
        return (size, size)
    refused, accepted = size, 511
    if not fits(accepted):
        raise ShapeError("no valid input size below 512", name, node=name, op="check")
    while accepted - refused > 1:
        middle = (refused + accepted) // 2
        refused, accepted = (refused, middle) if fits(middle) else (middle, accepted)
    return (accepted, accepted)


def check(networks: Iterable[str | Graph], input_shape: tuple[int, int, int] | None = None,
          tolerance: float = CATALOG_TOLERANCE, backends: Sequence[str] | None = None,
          weights: str = "calibrated", progress: Callable[[str], None] | None = None,
          memory: int | None = None, reduce: bool = True,
          max_params: int | None = None) -> list[CompareReport]:
    """Compare each network in ``backends`` (default: all) against the reference, node by
    node; returns one report per network.

    Catalog names run at ``input_shape`` (C, H, W) when given, else at 64×64 or their
    smallest valid size. Graphs run as they are. ``weights``: "calibrated" or "random".
    A catalog network whose comparison would need more than ``memory`` bytes (default:
    what the machine can spare) is checked, with ``reduce``, at the first of
    :data:`REDUCED_WIDTHS` that fits, if its builder takes ``width_mult`` (the same depth
    and wiring, narrower; the report's ``reduced`` says so); otherwise ResourceError,
    before any work on it. A catalog network of more than ``max_params`` parameters
    and buffers (default: no limit) is checked the same way at the first reduced width
    within it, where its builder takes ``width_mult`` (the gallery's time budget).
    """
    networks = check_arguments(networks, input_shape, tolerance, backends, weights, progress,
                               memory, reduce, max_params)
    reports = []
    for net in networks:
        name = net if isinstance(net, str) else net.name
        if progress:
            progress(name)
        graph = _graph(net, input_shape)
        narrows = isinstance(net, str) and _default_width(net) is not None
        if not (narrows and max_params is not None
                and sum(graph.count_params()) > max_params):
            try:
                reports.append(compare(graph, tolerance=tolerance, backends=backends,
                                       weights=weights, memory=memory))
                continue
            except ResourceError:
                if not (reduce and narrows):
                    raise
        for factor in REDUCED_WIDTHS:
            narrow = _graph(net, input_shape, _default_width(net) * factor)
            if max_params is not None and sum(narrow.count_params()) > max_params:
                continue
            try:
                report = compare(narrow, tolerance=tolerance, backends=backends,
                                 weights=weights, memory=memory)
            except ResourceError:
                if factor == REDUCED_WIDTHS[-1]:
                    raise
                continue
            report.reduced = factor
            reports.append(report)
            break
    return reports


def check_one(net: str | Graph, memory: int | None = None, alone: bool = True,
              input_shape: tuple[int, int, int] | None = None,
              backends: Sequence[str] | None = None,
              weights: str = "calibrated") -> CompareReport | str:
    """One network (a catalog name, as :func:`netir.workers.run_all` passes, or a graph):
    its report, or, when it runs ``alone`` and cannot be checked even at a reduced width,
    why (the message of the ResourceError). Sharing the machine (not ``alone``) it never
    reduces: the ResourceError goes up, and the network is run again alone."""
    try:
        return check([net], input_shape, backends=backends, weights=weights,
                     memory=memory, reduce=alone)[0]
    except ResourceError as e:
        if not alone:
            raise
        return str(e)


def compare_size(name: str, backends: int | None = None,
                 max_params: int | None = None) -> int:
    """The bytes comparing catalog network ``name`` in ``backends`` (default: every
    available one) is expected to need, from its parameter count (the activations of a
    check's small input are left out), at the width :func:`check` with ``max_params``
    takes it."""
    from netir.architectures import build, get_architecture
    from netir.emitters.compare import available_backends
    from netir.emitters.compare_memory import compare_bytes

    backends = len(available_backends()) if backends is None else backends
    params = get_architecture(name).params
    if params is None:
        params = sum(build(name).count_params())
    if max_params is not None and params > max_params and _default_width(name) is not None:
        for factor in REDUCED_WIDTHS:
            params = sum(build(name, width_mult=_default_width(name) * factor).count_params())
            if params <= max_params:
                break
    return compare_bytes(params, 0, backends)


def check_cost(name: str, graph: Graph | None = None) -> float:
    """The expected seconds of checking catalog network ``name`` in the four built-in
    backends on one thread, from its parameters and nodes: each million parameters
    costs ~0.15 s (drawing, calibrating and converting weights), each node ~15 ms
    (building a Keras layer and its variables is most of it). Fitted on VGG-16,
    EfficientNetV2-M, ConvNeXt-S, ViT-B/16 and DenseNet-201 (within 35 %); the workers
    use it to start the longest first. ``graph``: the network, when already built."""
    from netir.architectures import build

    graph = build(name) if graph is None else graph
    return 0.15e-6 * sum(graph.count_params()) + 0.015 * len(graph) + 1.0


def _graph(net: str | Graph, input_shape: tuple[int, int, int] | None,
           width_mult: float | None = None) -> Graph:
    """A catalog name built at ``input_shape`` (or its check input) and ``width_mult``
    when given; a Graph as it is."""
    from netir.architectures import build

    if not isinstance(net, str):
        return net
    knobs = {} if width_mult is None else {"width_mult": width_mult}
    if input_shape is not None:
        return build(net, in_channels=input_shape[0], input_size=input_shape[1:], **knobs)
    return build(net, input_size=check_input(net), **knobs)


def _default_width(name: str) -> float | None:
    """The catalog entry's ``width_mult`` (None: its builder has no such knob)."""
    import inspect

    from netir.architectures import get_architecture

    knob = inspect.signature(get_architecture(name).builder).parameters.get("width_mult")
    return None if knob is None else float(knob.default)


def report_table(reports: list[CompareReport]) -> str:
    """One row per network: input, output shapes, parameters and buffers (IR), the
    largest output magnitude, the worst node over all backends with its relative and
    absolute error, the worst output error, seconds and the verdict."""
    rows = []
    for r in reports:
        same = all(b.shapes == r.outputs for b in r.results)
        counts = all(b.params == r.ir_params for b in r.results)
        worst = r.worst
        out = max(r.results, key=lambda b: b.output_rel)
        failed = [b for b in r.results if not b.passed]
        rows.append([
            r.network + (f" ({width_label(r.reduced)})" if r.reduced else ""),
            ", ".join(format_shape(s) for s in r.inputs.values()),
            ", ".join(format_shape(s) for s in r.outputs.values()) + ("" if same else " ≠"),
            f"{r.ir_params[0]:,}" + ("" if counts else " ≠"), f"{r.ir_params[1]:,}",
            f"{r.output_scale:.3g}", f"{worst.worst_node} ({worst.backend})",
            f"{worst.worst_rel:.1e}", f"{worst.worst_abs:.1e}", f"{out.output_abs:.1e}",
            f"{r.seconds:.1f}",
            "pass" if r.passed else "FAIL" + "".join(
                f" {b.backend}@{b.first_divergent}" for b in failed if b.first_divergent)])
    return format_table(["network", "input", "output", "params", "buffers", "max |out|",
                         "worst node", "rel", "|Δ|", "out |Δ|", "s", "result"], rows,
                        right={3, 4, 5, 7, 8, 9, 10})


def node_listing(report: CompareReport) -> str:
    """``--per-node``: the report followed by every node's errors."""
    return f"{report}\n{report.node_table()}"
