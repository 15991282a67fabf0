"""``netir compare`` and ``netir check``: run networks in every backend and judge each
node against the reference. Defined here, added to ``netir``'s group by
:mod:`netir.cli`."""

from __future__ import annotations

import sys

import click

from netir.cli_arguments import (
    INPUT_HELP,
    is_catalog_argument,
    is_spec_argument,
    parse_input,
    registered_backends,
    resolve_network,
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
                 "of order 1); random: as drawn. Default: the network's own weights where "
                 "it has them (a PyTorch model spec's, a saved folder's), else calibrated.")


def _weights(kind: str | None, own: dict | None):
    """What a check runs with: the kind asked for, else the network's own weights, else
    calibrated ones."""
    return kind or own or "calibrated"


@click.command("compare")
@click.argument("network")
@click.option("--input", "input_shape", metavar="CxHxW", multiple=True, help=INPUT_HELP)
@click.option("--batch", type=click.IntRange(1, 1024), default=2, show_default=True)
@click.option("--seed", type=click.IntRange(0, 2**32 - 2), default=0, show_default=True)
@click.option("--backends", metavar="A,B,...", help=_BACKENDS_HELP)
@click.option("--weights", type=click.Choice(tuple(WEIGHT_KINDS)), help=_WEIGHTS_HELP)
@click.option("--per-node", is_flag=True, help="List every node's error in every backend.")
def compare_cmd(network: str, input_shape: tuple[str, ...], batch: int, seed: int,
                backends: str | None, weights: str | None, per_node: bool) -> None:
    """Run NETWORK in every backend with shared weights; judge each node against the
    NumPy reference (float64). NETWORK is a catalog name, a JSON file, a saved folder or a
    PyTorch model spec package.module:callable (with --input). Exit 1 on
    disagreement."""
    from netir.catalog_checks import node_listing
    from netir.emitters.compare import compare
    from netir.ir.limits import check_memory

    net = resolve_network(network, None, input_shape, batch)
    check_memory(net.graph, batch)
    report = compare(net.graph, batch=batch, seed=seed, backends=_backends_option(backends),
                     weights=_weights(weights, net.weights))
    click.echo(node_listing(report) if per_node else str(report))
    sys.exit(0 if report.passed else 1)


@click.command("check")
@click.argument("networks", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every catalog network.")
@click.option("--input", "input_shape", metavar="CxHxW", multiple=True,
              help="Input for every catalog network (default: 64×64 or the smallest "
                   "valid), and each input of the PyTorch model specs.")
@click.option("--backends", metavar="A,B,...", help=_BACKENDS_HELP)
@click.option("--weights", type=click.Choice(tuple(WEIGHT_KINDS)), help=_WEIGHTS_HELP)
@click.option("--per-node", is_flag=True, help="Also list every node of every network.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False), callback=writable(),
              help="Also write the reports as JSON.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Networks checked at once, each in a worker process (default: every "
                   "CPU).")
def check_cmd(networks: tuple[str, ...], all_: bool, input_shape: tuple[str, ...],
              backends: str | None, weights: str | None, per_node: bool,
              json_path: str | None, jobs: int | None) -> None:
    """Check networks (catalog names, JSON files, saved folders, PyTorch model specs
    package.module:callable with --input) in every backend against the reference,
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
    catalog_input = input_shape if any(map(is_catalog_argument, names)) else ()
    shape = None
    if catalog_input:
        if len(catalog_input) > 1 or "," in catalog_input[0]:
            raise click.BadParameter("catalog networks take one input shape CxHxW",
                                     param_hint="'--input'")
        p = parse_input(catalog_input[0])
        shape = (p["in_channels"], *p["input_size"])
    chosen = _backends_option(backends)
    count = len(chosen if chosen is not None else available_backends())
    files = {n: resolve_network(n, None, input_shape if is_spec_argument(n) else None)
             for n in names if not is_catalog_argument(n)}
    found: dict[str, object] = {}
    with progress_bar(len(names), "check") as bar:
        catalog = [get_architecture(n).name for n in names if n not in files]
        found.update(run_all(check_one, catalog, jobs=jobs, bar=bar, op="check",
                             size=lambda n: compare_size(n, count), cost=check_cost,
                             input_shape=shape,
                             backends=chosen, weights=weights or "calibrated"))
        for name, net in files.items():
            bar.working(net.graph.name)
            found[name] = check_one(net.graph, backends=chosen,
                                    weights=_weights(weights, net.weights))
            bar.done(net.graph.name)
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
