"""The ``netir`` command line: its group (one-line errors, exit statuses) and the
commands that build, list, draw and train; ``emit`` (:mod:`netir.commands_emit`) and the
checking commands (:mod:`netir.commands_check`) are defined apart and added here."""

from __future__ import annotations

from pathlib import Path

import click

import netir
from netir.cli_arguments import (
    INPUT_HELP,
    error_line,
    load_network,
    one_line,
    registered_backends,
    resolve_network,
    writable,
)
from netir.commands_check import check_cmd, compare_cmd
from netir.commands_diff import diff_cmd
from netir.commands_emit import emit_cmd
from netir.commands_import import import_cmd
from netir.ir.errors import NetIRError
from netir.renderers.diagram import FORMATS
from netir.renderers.lang import LANGUAGES
from netir.renderers.levels import LEVELS
from netir.training.data import DATASETS


class NetIRGroup(click.Group):
    """Every failure is one line ``error: ...``: exit status 2 for usage (click's own),
    1 for a NetIRError, a file the system refuses, or an unexpected error (then
    named as internal). ``--debug`` shows the traceback instead."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as e:  # noqa: BLE001 (the one place that reports every error)
            if (ctx.obj or {}).get("debug"):
                raise
            if isinstance(e, NetIRError):
                message = error_line(e)
            elif isinstance(e, OSError):
                where = f": {e.filename}" if e.filename else ""
                message = f"{e.strerror or e}{where}"
            elif isinstance(e, MemoryError):
                message = "out of memory; try a smaller --input or --batch"
            else:
                message = (f"internal error {type(e).__name__}: {e} (rerun with --debug "
                           "for the traceback)")
            click.echo(f"error: {one_line(message)}", err=True)
            ctx.exit(1)

    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The docstring, then the backends registered here (plugins included)."""
        super().format_help_text(ctx, formatter)
        formatter.write_paragraph()
        with formatter.indentation():
            formatter.write_text(f"Backends: {', '.join(registered_backends())}.")


@click.group(cls=NetIRGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(netir.__version__, prog_name="netir")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """A network authored once as a framework-neutral graph of typed ops, lowered to
    PyTorch, Keras 3, ONNX and a NumPy reference, checked node by node against the
    reference, and drawn."""
    ctx.ensure_object(dict)["debug"] = debug


@main.command()
def ops() -> None:
    """List the registered ops with their input ranks (and layouts where an op takes only
    some), attributes, defaults and docs."""
    from netir.ir.attrs import REQUIRED
    from netir.ir.registry import get_op, list_ops

    for name in list_ops():
        spec = get_op(name)
        lo, hi = spec.arity_range
        arity = str(lo) if lo == hi else f"{lo}+" if hi is None else f"{lo}-{hi}"
        ranks = ", ".join(map(str, spec.ranks))
        if spec.layouts is not None:
            ranks += f", layouts: {' '.join(spec.layouts)}"
        click.echo(f"{name}  [{spec.category}, inputs: {arity}, ranks: {ranks}]  {spec.doc}")
        for a in spec.attrs:
            default = "required" if a.default is REQUIRED else f"default {a.default!r}"
            click.echo(f"    {a.name}: {a.type.name}, {default} — {a.doc}")
        for p in spec.parameters:
            click.echo(f"    parameter {p.name}: {p.role}, layout {p.layout or '()'}, "
                       f"random init {p.init}" + (f" — {p.doc}" if p.doc else ""))


@main.command("list")
@click.argument("pattern", required=False)
@click.option("--tutorial", is_flag=True,
              help="The seed tutorial's variants (its Keras code) instead of the lineage.")
@click.option("--json", "as_json", is_flag=True,
              help="A JSON list of records (family, year, paper, counts, shapes, top-1, "
                   "note), for tools.")
def list_cmd(pattern: str | None, tutorial: bool, as_json: bool) -> None:
    """The catalog as a lineage table grouped by family and year (optional glob PATTERN,
    e.g. 'resnet*')."""
    import json

    from netir.architectures.lineage import lineage_groups, network_record
    from netir.ir.summary import format_count, format_table

    groups = lineage_groups(pattern, tutorial=tutorial)
    records = [network_record(name) for group in groups for name in group.names]
    if as_json:
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    rows = [[r["name"], str(r["year"]), r["family"], f"{r['params']:,}",
             format_count(r["macs"], ".2f"), str(r["depth"])]
            + ([r["tutorial_of"]] if tutorial else []) for r in records]
    lines = format_table(["name", "year", "family", "params", "MACs", "depth"]
                         + (["tutorial's version of"] if tutorial else []), rows,
                         right={3, 4, 5}).splitlines()
    first, out = 0, lines[:2]
    for group in groups:  # a heading line before each (family, year) group's rows
        out.append(f"{group.family} ({group.year}): {group.paper.title}, {group.paper.venue}")
        out += lines[2 + first:2 + first + len(group.names)]
        first += len(group.names)
    click.echo("\n".join([*out, lines[-1]]))
    click.echo("MACs: multiply-accumulates of conv and dense layers at the default input "
               "(k, M, G = 10^3, 10^6, 10^9); FLOPs = 2 × MACs. depth: conv and dense layers "
               "on the longest path.")
    if tutorial:
        click.echo("These are the seed tutorial's Keras code, not the papers' networks; "
                   "the gallery's tutorial page says how each differs.")


@main.command()
@click.argument("network")
@click.option("--num-classes", type=click.IntRange(1, 2**31 - 1),
              help="Override the number of classes.")
@click.option("--input", "input_shape", metavar="CxHxW", multiple=True, help=INPUT_HELP)
@click.option("--level", type=click.Choice(LEVELS), default="layer",
              show_default=True, help="Rows per node, per block or per stage.")
@click.option("--markdown", is_flag=True, help="Print a Markdown table.")
def summary(network: str, num_classes: int | None, input_shape: tuple[str, ...], level: str,
            markdown: bool) -> None:
    """Per-node table of NETWORK (a catalog name, a JSON file, a saved folder or a
    PyTorch model spec package.module:callable)."""
    g = load_network(network, num_classes, input_shape)
    if level == "layer" and not markdown:
        g.summary(print_fn=click.echo)
        return
    from netir.renderers.tables import summary_table

    click.echo(summary_table(g, level=level, markdown=markdown))


@main.command()
@click.argument("network")
@click.option("-o", "--output", "path", required=True, type=click.Path(),
              help="The file to draw, or the folder Model Explorer's files go in.")
@click.option("--level", type=click.Choice(LEVELS), default="block",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(FORMATS),
              help="Default: from the file's suffix.")
@click.option("--direction", type=click.Choice(["TB", "LR"]), default="TB", show_default=True)
@click.option("--edge-shapes", is_flag=True, help="Label edges with tensor shapes.")
@click.option("--optimize", is_flag=True, help="Draw the inference-optimised graph.")
@click.option("--check", "with_check", is_flag=True,
              help="model-explorer: also check every backend and write each one's local "
                   "error per node.")
@click.option("--input", "input_shape", metavar="CxHxW", multiple=True, help=INPUT_HELP)
@click.pass_context
def render(ctx: click.Context, network: str, path: str, level: str, fmt: str | None,
           direction: str, edge_shapes: bool, optimize: bool, with_check: bool,
           input_shape: tuple[str, ...]) -> None:
    """Draw NETWORK (a catalog name, JSON file, saved folder or PyTorch model spec) to a
    file, or with --format model-explorer write Model Explorer's graph and node-data
    JSON into a folder."""
    from netir.renderers.diagram import MODEL_EXPLORER
    from netir.renderers.diagram import render as render_file

    explorer = fmt == MODEL_EXPLORER
    if with_check and not explorer:
        raise click.UsageError("--check applies to --format model-explorer")
    output = next(p for p in ctx.command.params if p.name == "path")
    writable(directory=explorer)(ctx, output, path)  # usage error, exit 2, before any work
    net = resolve_network(network, None, input_shape)
    g, weights = net.graph, net.weights
    if optimize:
        g, weights = netir.optimize(g, weights)
    if explorer:
        from netir.renderers.model_explorer import write_model_explorer

        report = None
        if with_check:
            from netir.emitters.compare import compare

            report = compare(g, weights=weights or "calibrated")
        click.echo(f"wrote {write_model_explorer(g, path, report)}")
        return
    click.echo(f"wrote {render_file(g, path, level, fmt, direction, edge_shapes)}")


@main.command()
@click.option("-o", "--output", "out_dir", default="gallery", show_default=True,
              type=click.Path(file_okay=False), callback=writable(directory=True))
@click.option("--no-check", is_flag=True, help="Skip the cross-backend check per network.")
@click.option("--lang", type=click.Choice(LANGUAGES), default=LANGUAGES[0], show_default=True,
              help="Language of index.html; the other language is written beside it.")
@click.option("--jobs", type=click.IntRange(min=1),
              help="Networks built in parallel (default: the CPUs available).")
@click.option("--full-width", is_flag=True,
              help="Check every network at full width where the memory allows (by "
                   "default one of more than 200M parameters is checked at half width).")
@click.argument("names", nargs=-1)
def gallery(out_dir: str, no_check: bool, lang: str, jobs: int | None, full_width: bool,
            names: tuple[str, ...]) -> None:
    """Write the static gallery site (every catalog network unless NAMES are given).

    Networks whose graph and netir version are unchanged since the last build into
    the same directory are not rebuilt."""
    from netir.architectures import get_architecture, list_architectures
    from netir.progress import progress_bar
    from netir.renderers.gallery import build_gallery
    from netir.renderers.network_page import GALLERY_MAX_PARAMS

    todo = list(names) or list_architectures()
    for name in todo:
        get_architecture(name)  # an unknown name fails before any work
    with progress_bar(len(todo), "gallery") as bar:
        index = build_gallery(out_dir, todo, check=not no_check, lang=lang, jobs=jobs, bar=bar,
                              max_params=None if full_width else GALLERY_MAX_PARAMS)
    click.echo(f"wrote {index}")


def _training_backends() -> str:
    from netir.training.backends import training_backends

    return ",".join(training_backends())


@main.command()
@click.argument("network")
@click.option("--data", type=click.Choice(tuple(DATASETS)), default=next(iter(DATASETS)),
              show_default=True)
@click.option("--epochs", type=click.IntRange(1), default=10, show_default=True)
@click.option("--backends", default=_training_backends,
              show_default="every backend that trains",
              help="Comma-separated backends that train.")
@click.option("--dtype", type=click.Choice(["float64", "float32"]), default="float64",
              show_default=True)
@click.option("--batch-size", type=click.IntRange(2), default=32, show_default=True)
@click.option("--lr", type=float, default=0.125, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--train-samples", type=click.IntRange(1), help="Use only the first N.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Writes training.json, curves.svg and curves.png here.")
def train(network: str, data: str, epochs: int, backends: str, dtype: str, batch_size: int,
          lr: float, seed: int, train_samples: int | None, out_dir: str) -> None:
    """Train NETWORK in every backend from the same weights on the same batches."""
    from netir.training.curves import train_curves

    names = tuple(b.strip() for b in backends.split(",") if b.strip())
    if not names:
        raise click.UsageError("--backends names no backend")
    record = train_curves(network, data, epochs, names, dtype, batch_size, lr, seed, out_dir,
                          train_samples=train_samples)
    for name, run in record["backends"].items():
        click.echo(f"{name:<6} loss {run['train_loss'][-1]:.4f}  test accuracy "
                   f"{100 * run['test_accuracy'][-1]:.1f}%")
    diff = record["max_difference"]
    click.echo(f"largest difference between backends: loss {diff['train_loss']:.2e}, "
               f"accuracy {diff['test_accuracy']:.2e} (band {record['band']:g})")
    click.echo(f"wrote {Path(out_dir) / 'training.json'}, curves.svg, curves.png")


main.add_command(emit_cmd)
main.add_command(compare_cmd)
main.add_command(check_cmd)
main.add_command(diff_cmd)
main.add_command(import_cmd)
