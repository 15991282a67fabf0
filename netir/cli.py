"""The ``netir`` command line."""

from __future__ import annotations

import sys
from pathlib import Path

import click

import netir
from netir.ir.errors import NetIRError


def parse_input(text: str | None) -> dict:
    """``3x64x64`` -> ``{"in_channels": 3, "input_size": (64, 64)}``."""
    if not text:
        return {}
    try:
        c, h, w = (int(v) for v in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise click.BadParameter(f"expected CxHxW such as 3x224x224, got {text!r}") from None
    return {"in_channels": c, "input_size": (h, w)}


def load_network(name_or_file: str, num_classes: int | None = None,
                 input_shape: str | None = None) -> netir.Graph:
    """A catalog name (with overrides) or a netir JSON document."""
    if name_or_file.endswith(".json") or Path(name_or_file).is_file():
        if num_classes or input_shape:
            raise click.UsageError("--num-classes/--input apply to catalog names, not files")
        return netir.Graph.load(name_or_file)
    from netir.architectures import build

    overrides = parse_input(input_shape)
    if num_classes:
        overrides["num_classes"] = num_classes
    return build(name_or_file, **overrides)


class NetIRGroup(click.Group):
    """Turns NetIRError into a one-line message and exit status 1."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except NetIRError as e:
            click.echo(f"error: {e}", err=True)
            sys.exit(1)


@click.group(cls=NetIRGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(netir.__version__, prog_name="netir")
def main() -> None:
    """Author a CNN once as a typed graph; emit PyTorch and Keras; check; draw."""


@main.command()
def ops() -> None:
    """List the registered ops with their attributes, defaults and docs."""
    from netir.ir.attrs import REQUIRED
    from netir.ir.registry import get_op, list_ops

    for name in list_ops():
        spec = get_op(name)
        lo, hi = spec.arity_range
        arity = str(lo) if lo == hi else f"{lo}+"
        click.echo(f"{name}  [{spec.category}, inputs: {arity}]  {spec.doc}")
        for a in spec.attrs:
            default = "required" if a.default is REQUIRED else f"default {a.default!r}"
            click.echo(f"    {a.name}: {a.type.name}, {default} — {a.doc}")


@main.command("list")
@click.argument("pattern", required=False)
def list_cmd(pattern: str | None) -> None:
    """The catalog as a lineage table (optional glob PATTERN, e.g. 'resnet*')."""
    from netir.architectures import build, get_architecture, list_architectures
    from netir.ir.summary import format_table

    rows = []
    for name in list_architectures(pattern):
        info = get_architecture(name)
        g = build(name)
        rows.append([name, str(info.year), info.family, f"{g.count_params()[0]:,}",
                     f"{g.count_macs() / 1e9:.3f}", str(g.depth())])
    click.echo(format_table(["name", "year", "family", "params", "GMACs", "depth"], rows,
                            right={3, 4, 5}))
    click.echo("GMACs: multiply-accumulates of conv and dense layers at the default input; "
               "FLOPs = 2 × MACs. depth: conv and dense layers on the longest path.")


@main.command()
@click.argument("network")
@click.option("--num-classes", type=int, help="Override the number of classes.")
@click.option("--input", "input_shape", metavar="CxHxW", help="Override the input shape.")
@click.option("--level", type=click.Choice(["layer", "block", "stage"]), default="layer",
              show_default=True, help="Rows per node, per block or per stage.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table.")
def summary(network: str, num_classes: int | None, input_shape: str | None, level: str,
            markdown: bool) -> None:
    """Per-node table of NETWORK (a catalog name or a JSON file)."""
    g = load_network(network, num_classes, input_shape)
    if level == "layer" and not markdown:
        g.summary(print_fn=click.echo)
        return
    from netir.renderers.tables import summary_table

    click.echo(summary_table(g, level=level, markdown=markdown))
