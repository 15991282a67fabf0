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
        for p in spec.parameters:
            click.echo(f"    parameter {p.name}: {p.role}, layout {p.layout or '()'}, "
                       f"random init {p.init}" + (f" — {p.doc}" if p.doc else ""))


@main.command("list")
@click.argument("pattern", required=False)
@click.option("--tutorial", is_flag=True,
              help="The seed tutorial's variants (its Keras code) instead of the lineage.")
def list_cmd(pattern: str | None, tutorial: bool) -> None:
    """The catalog as a lineage table (optional glob PATTERN, e.g. 'resnet*')."""
    from netir.architectures import build, get_architecture, list_architectures
    from netir.ir.summary import format_count, format_table

    rows = []
    for name in list_architectures(pattern, tutorial=tutorial):
        info = get_architecture(name)
        g = build(name)
        rows.append([name, str(info.year), info.family, f"{g.count_params()[0]:,}",
                     format_count(g.count_macs(), ".2f"), str(g.depth())]
                    + ([info.tutorial_of] if tutorial else []))
    click.echo(format_table(["name", "year", "family", "params", "MACs", "depth"]
                            + (["tutorial's version of"] if tutorial else []), rows,
                            right={3, 4, 5}))
    click.echo("MACs: multiply-accumulates of conv and dense layers at the default input "
               "(k, M, G = 10^3, 10^6, 10^9); FLOPs = 2 × MACs. depth: conv and dense layers "
               "on the longest path.")
    if tutorial:
        click.echo("These are the seed tutorial's Keras code, not the papers' networks; "
                   "the gallery's tutorial page says how each differs.")


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


class BackendChoice(click.Choice):
    """The registered backends (plugins included), looked up when the option is parsed."""

    def __init__(self) -> None:
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        from netir.emitters.registry import list_backends

        return tuple(list_backends())

    @choices.setter
    def choices(self, value) -> None:
        pass  # always the registry's


@main.command()
@click.argument("network")
@click.option("--backend", type=BackendChoice(), required=True)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), required=True,
              help="Directory for the model, its neutral weights and the graph JSON.")
@click.option("--num-classes", type=int)
@click.option("--input", "input_shape", metavar="CxHxW")
@click.option("--optimize", is_flag=True,
              help="Emit the inference-optimised graph (batch norm folded, dropout gone).")
def emit(network: str, backend: str, out_dir: str, num_classes: int | None,
         input_shape: str | None, optimize: bool) -> None:
    """Write NETWORK as a framework model (the backend's model file, e.g. model.pt or
    model.keras) plus weights.safetensors (neutral layout) and graph.json."""
    import tempfile

    from netir.emitters.registry import get_backend
    from netir.emitters.weights import save_weights
    from netir.ir.files import write_atomic

    g = load_network(network, num_classes, input_shape)
    if optimize:
        g, _ = netir.optimize(g)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = get_backend(backend)
    model = chosen.emit(g)
    with tempfile.TemporaryDirectory(dir=out) as tmp:  # write aside, then rename: atomic
        written = chosen.save(model, tmp)
        target = out / written.name
        written.replace(target)
    save_weights(chosen.export_weights(model), out / "weights.safetensors")
    write_atomic(out / "graph.json", g.to_json())
    click.echo(f"wrote {target}, {out / 'weights.safetensors'}, {out / 'graph.json'}")


def _backends_option(text: str | None) -> list[str] | None:
    """``torch,keras`` -> ``["torch", "keras"]``; None (every backend) when not given."""
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise click.BadParameter("name at least one backend, e.g. torch,keras,reference")
    return names


_BACKENDS_HELP = "Comma-separated backends to judge (default: every registered one)."
_WEIGHTS_HELP = ("calibrated: random weights put in a trained network's state (activations "
                 "of order 1); random: as drawn.")


@main.command("compare")
@click.argument("network")
@click.option("--input", "input_shape", metavar="CxHxW")
@click.option("--batch", type=int, default=2, show_default=True)
@click.option("--seed", type=int, default=0, show_default=True)
@click.option("--backends", metavar="A,B,...", help=_BACKENDS_HELP)
@click.option("--weights", type=click.Choice(["calibrated", "random"]), default="calibrated",
              show_default=True, help=_WEIGHTS_HELP)
@click.option("--per-node", is_flag=True, help="List every node's error in every backend.")
def compare_cmd(network: str, input_shape: str | None, batch: int, seed: int,
                backends: str | None, weights: str, per_node: bool) -> None:
    """Run NETWORK in every backend with shared weights; judge each node against the
    NumPy reference (float64). Exit 1 on disagreement."""
    from netir.emitters.check import node_listing
    from netir.emitters.compare import compare

    g = load_network(network, None, input_shape)
    report = compare(g, batch=batch, seed=seed, backends=_backends_option(backends),
                     weights=weights)
    click.echo(node_listing(report) if per_node else str(report))
    sys.exit(0 if report.passed else 1)


@main.command("check")
@click.argument("networks", nargs=-1)
@click.option("--all", "all_", is_flag=True, help="Every catalog network.")
@click.option("--input", "input_shape", metavar="CxHxW",
              help="Input for every network (default: 64×64 or the smallest valid).")
@click.option("--backends", metavar="A,B,...", help=_BACKENDS_HELP)
@click.option("--weights", type=click.Choice(["calibrated", "random"]), default="calibrated",
              show_default=True, help=_WEIGHTS_HELP)
@click.option("--per-node", is_flag=True, help="Also list every node of every network.")
@click.option("--json", "json_path", type=click.Path(dir_okay=False),
              help="Also write the reports as JSON.")
def check_cmd(networks: tuple[str, ...], all_: bool, input_shape: str | None,
              backends: str | None, weights: str, per_node: bool,
              json_path: str | None) -> None:
    """Check catalog networks (or JSON files) in every backend against the reference,
    node by node; non-zero on disagreement."""
    import json

    from netir.architectures import list_architectures
    from netir.emitters.check import check, node_listing, report_table
    from netir.ir.files import write_atomic
    from netir.progress import progress_bar

    names = list(list_architectures()) if all_ else list(networks)
    if not names:
        raise click.UsageError("name networks or pass --all")
    shape = None
    if input_shape:
        p = parse_input(input_shape)
        shape = (p["in_channels"], *p["input_size"])
    chosen = _backends_option(backends)
    items = [netir.Graph.load(n) if n.endswith(".json") else n for n in names]
    reports = []
    with progress_bar(len(items), "check") as bar:
        for item in items:
            label = item if isinstance(item, str) else item.name
            bar.working(label)
            reports.extend(check([item], shape, backends=chosen, weights=weights))
            bar.done(label)
    if per_node:
        for r in reports:
            click.echo(node_listing(r) + "\n")
    click.echo(report_table(reports))
    if json_path:
        write_atomic(json_path, json.dumps([r.as_dict() for r in reports], indent=1,
                                           sort_keys=True) + "\n")
    failed = [r.network for r in reports if not r.passed]
    click.echo(f"{len(reports) - len(failed)} passed, {len(failed)} failed "
               f"(each node within {reports[0].tolerance:g} of its own max |value|)")
    sys.exit(1 if failed else 0)


@main.command()
@click.argument("network")
@click.option("-o", "--output", "path", required=True, type=click.Path(dir_okay=False))
@click.option("--level", type=click.Choice(["layer", "block", "stage"]), default="block",
              show_default=True)
@click.option("--format", "fmt", type=click.Choice(["svg", "png", "pdf", "dot"]),
              help="Default: from the file's suffix.")
@click.option("--direction", type=click.Choice(["TB", "LR"]), default="TB", show_default=True)
@click.option("--edge-shapes", is_flag=True, help="Label edges with tensor shapes.")
@click.option("--optimize", is_flag=True, help="Draw the inference-optimised graph.")
def render(network: str, path: str, level: str, fmt: str | None, direction: str,
           edge_shapes: bool, optimize: bool) -> None:
    """Draw NETWORK (a catalog name or JSON file) to a file."""
    from netir.renderers.diagram import render as render_file

    g = load_network(network)
    if optimize:
        g, _ = netir.optimize(g)
    click.echo(f"wrote {render_file(g, path, level, fmt, direction, edge_shapes)}")


@main.command()
@click.option("-o", "--output", "out_dir", default="gallery", show_default=True,
              type=click.Path(file_okay=False))
@click.option("--no-check", is_flag=True, help="Skip the cross-backend check per network.")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Language of index.html; the other language is written beside it.")
@click.option("--jobs", type=click.IntRange(min=1),
              help="Networks built in parallel (default: the CPUs available).")
@click.argument("names", nargs=-1)
def gallery(out_dir: str, no_check: bool, lang: str, jobs: int | None,
            names: tuple[str, ...]) -> None:
    """Write the static gallery site (every catalog network unless NAMES are given).

    Networks whose graph and netir version are unchanged since the last build into
    the same directory are not rebuilt."""
    from netir.architectures import get_architecture, list_architectures
    from netir.progress import progress_bar
    from netir.renderers.gallery import build_gallery

    todo = list(names) or list_architectures()
    for name in todo:
        get_architecture(name)  # an unknown name fails before any work
    with progress_bar(len(todo), "gallery") as bar:
        index = build_gallery(out_dir, todo, check=not no_check, lang=lang, jobs=jobs, bar=bar)
    click.echo(f"wrote {index}")
