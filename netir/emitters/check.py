"""``netir check``: run catalog networks (or graphs) through both backends."""

from __future__ import annotations

from collections.abc import Callable, Iterable

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
    for s in range(size, 512):
        try:
            build(name, input_size=s)
            return (s, s)
        except ShapeError:
            continue
    raise ShapeError("no valid input size below 512", name, node=name, op="check")


def check(networks: Iterable[str | Graph], input_shape: tuple[int, int, int] | None = None,
          per_node: bool = False, tolerance: float = CATALOG_TOLERANCE,
          progress: Callable[[str], None] | None = None) -> list[CompareReport]:
    """Compare each network's two backends; returns one report per network.

    Catalog names run at ``input_shape`` (C, H, W) when given, else at 64×64 or their
    smallest valid size. Graphs run as they are.
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
        reports.append(compare(graph, per_node=per_node, tolerance=tolerance))
    return reports


def report_table(reports: list[CompareReport]) -> str:
    """network, input, output shapes, params, buffers, max abs and rel error, seconds."""
    rows = []
    for r in reports:
        same = r.ir_shape == r.torch_shape == r.keras_shape
        counts = r.ir_params == r.torch_params == r.keras_params
        rows.append([
            r.network, format_shape(r.input_shape),
            format_shape(r.ir_shape) + ("" if same else " ≠"),
            f"{r.ir_params[0]:,}" + ("" if counts else " ≠"), f"{r.ir_params[1]:,}",
            f"{r.max_abs:.2e}", f"{r.max_rel:.2e}", f"{r.seconds:.1f}",
            "pass" if r.passed else "FAIL" + (f" at {r.first_divergent}"
                                              if r.first_divergent else "")])
    return format_table(["network", "input", "output", "params", "buffers", "max abs",
                         "max rel", "s", "result"], rows, right={3, 4, 5, 6, 7})
