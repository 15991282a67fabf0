"""``netir compare`` and ``netir check``: run networks in every backend and judge each
node against the reference. Defined here, added to ``netir``'s group by
:mod:`netir.cli`."""

from __future__ import annotations

import sys

import click

from netir.cli_arguments import (
    is_file_argument,
    load_network,
    parse_input,
    registered_backends,
    writable,
)
from netir.emitters.calibration import WEIGHT_KINDS


def _backends_option(text: str | None) -> list[str] | None:
    """``torch,keras`` -> ``["torch", "keras"]``; None (every backend) when not given."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise click.BadParameter("name at least one backend, e.g. "
                                 + ",".join(registered_backends()))
    return names


_BACKENDS_HELP = "Comma-separated backends to judge (default: every registered one)."
_WEIGHTS_HELP = ("calibrated: random weights put in a trained network's state (activations "
                 "of order 1); random: as drawn.")


@click.command("compare")
@click.argument("network")
@click.option("--input", "input_shape", metavar="CxHxW")
@click.option("--batch", type=click.IntRange(1, 1024), default=2, show_default=True)
@click.option("--seed", type=click.IntRange(0, 2**32 - 2), default=0, show_default=True)
@click.option("--backends", metavar="A,B,...", help=_BACKENDS_HELP)
@click.option("--weights", type=click.Choice(tuple(WEIGHT_KINDS)), default="calibrated",
              show_default=True, help=_WEIGHTS_HELP)
@click.option("--per-node", is_flag=True, help="List every node's error in every backend.")
def compare_cmd(network: str, input_shape: str | None, batch: int, seed: int,
                backends: str | None, weights: str, per_node: bool) -> None:
    """Run NETWORK in every backend with shared weights; judge each node against the
    NumPy reference (float64). Exit 1 on disagreement."""
    from netir.catalog_checks import node_listing
    from netir.emitters.compare import compare
    from netir.ir.limits import check_memory

    g = load_network(network, None, input_shape)
    check_memory(g, batch)
    report = compare(g, batch=batch, seed=seed, backends=_backends_option(backends),
                     weights=weights)
    click.echo(node_listing(report) if per_node else str(report))
    sys.exit(0 if report.passed else 1)


@click.command("check")
@click.argument("networks", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every catalog network.")
@click.option("--input", "input_shape", metavar="CxHxW",
              help="Input for every network (default: 64×64 or the smallest valid).")
@click.option("--backends", metavar="A,B,...", help=_BACKENDS_HELP)
@click.option("--weights", type=click.Choice(tuple(WEIGHT_KINDS)), default="calibrated",
              show_default=True, help=_WEIGHTS_HELP)
@click.option("--per-node", is_flag=True, help="Also list every node of every network.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), callback=writable(),
              help="Also write the reports as JSON.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Networks checked at once, each in a worker process (default: every "
                   "CPU).")
def check_cmd(networks: tuple[str, ...], all_: bool, input_shape: str | None,
              backends: str | None, weights: str, per_node: bool,
              json_path: str | None, jobs: int | None) -> None:
    """Check catalog networks (or JSON files) in every backend against the reference,
    node by node; non-zero on disagreement. A network too large for this machine is
    checked at a reduced width where it has one (the table says so)."""
    import json

    from netir.architectures import get_architecture, list_architectures
    from netir.catalog_checks import check_cost, check_one, compare_size, node_listing, report_table
    from netir.emitters.compare import CATALOG_TOLERANCE, available_backends
    from netir.ir.files import write_atomic
    from netir.progress import progress_bar
    from netir.workers import run_all

    names = list(list_architectures()) if all_ else list(networks)
    if not names:
        raise click.UsageError("name networks or pass --all")
    shape = None
    if input_shape:
        p = parse_input(input_shape)
        shape = (p["in_channels"], *p["input_size"])
    chosen = _backends_option(backends)
    count = len(chosen if chosen is not None else available_backends())
    files = {n: load_network(n) for n in names if is_file_argument(n)}
    found: dict[str, object] = {}
    with progress_bar(len(names), "check") as bar:
        catalog = [get_architecture(n).name for n in names if n not in files]
        found.update(run_all(check_one, catalog, jobs=jobs, bar=bar, op="check",
                             size=lambda n: compare_size(n, count), cost=check_cost,
                             input_shape=shape,
                             backends=chosen, weights=weights))
        for name, graph in files.items():
            bar.working(graph.name)
            found[name] = check_one(graph, backends=chosen, weights=weights)
            bar.done(graph.name)
    reports = [found[n] for n in names if not isinstance(found[n], str)]
    unchecked = [f"{n}: {found[n]}" for n in names if isinstance(found[n], str)]
    if per_node:
        for r in reports:
            click.echo(node_listing(r) + "\n")
    if reports:
        click.echo(report_table(reports))
    if json_path:
        write_atomic(json_path, json.dumps([r.as_dict() for r in reports], indent=1,
                                           sort_keys=True) + "\n")
    failed = [r.network for r in reports if not r.passed]
    for line in unchecked:
        click.echo(f"not checked: {line}")
    tolerance = reports[0].tolerance if reports else CATALOG_TOLERANCE
    click.echo(f"{len(reports) - len(failed)} passed, {len(failed)} failed"
               + (f", {len(unchecked)} not checked" if unchecked else "")
               + f" (each node within {tolerance:g} of its own max |value|)")
    sys.exit(1 if failed or unchecked else 0)
