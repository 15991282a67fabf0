"""``netir check``: run catalog networks (or graphs) through every backend and judge
each node against the reference."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from netir.emitters.compare import CATALOG_TOLERANCE, CompareReport, compare
from netir.ir.errors import ShapeError
from netir.ir.graph import Graph
from netir.ir.summary import format_shape, format_table

CHECK_SIZE = 64  # reduced input: every catalog network that accepts it is checked at 64×64


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
          memory: int | None = None) -> list[CompareReport]:
    """Compare each network in ``backends`` (default: all) against the reference, node by
    node; returns one report per network.

    Catalog names run at ``input_shape`` (C, H, W) when given, else at 64×64 or their
    smallest valid size. Graphs run as they are. ``weights``: "calibrated" or "random".
    ResourceError for a network whose comparison would need more than ``memory`` bytes
    (default: what the machine can spare), before any work on it.
    """
    from netir.architectures import build

    reports = []
    for net in networks:
        if isinstance(net, str):
            if progress:
                progress(net)
            if input_shape is not None:
                graph = build(net, in_channels=input_shape[0], input_size=input_shape[1:])
            else:
                graph = build(net, input_size=check_input(net))
        else:
            graph = net
            if progress:
                progress(graph.name)
        reports.append(compare(graph, tolerance=tolerance, backends=backends, weights=weights,
                               memory=memory))
    return reports


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
            r.network, ", ".join(format_shape(s) for s in r.inputs.values()),
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
