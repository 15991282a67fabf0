"""``netir diff A B``: what differs between two networks (catalog names or JSON files),
node by node (:mod:`netir.diff`), as a report, JSON, a coloured diagram or Model
Explorer files, and with ``--numeric`` where their values first part
(:mod:`netir.divergence`). Defined here, added to ``netir``'s group by :mod:`netir.cli`."""

from __future__ import annotations

import click

from netir.cli_arguments import (
    RegistryChoice,
    is_file_argument,
    is_saved_argument,
    load_network,
    registered_backends,
    writable,
)

#: What ``--format`` writes: a report a person reads, deterministic JSON, B's diagram
#: with the differences coloured (DOT source or SVG), or Model Explorer's files of B
#: with a node-data series of what happened to each node.
DIFF_FORMATS = ("text", "json", "dot", "svg", "model-explorer")
#: The formats that need ``-o`` (the others print when it is not given).
NEEDS_OUTPUT = ("svg", "model-explorer")


@click.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--input", "input_shape", metavar="CxHxW", multiple=True,
              help="Input shape for A and B, where each is a catalog name (its override, "
                   "CxHxW) or a PyTorch model spec (each input: repeat it, or separate by "
                   "commas); files and saved folders keep their own.")
@click.option("--format", "fmt", type=click.Choice(DIFF_FORMATS), default="text",
              show_default=True)
@click.option("-o", "--output", "path", type=click.Path(),
              help="Write here instead of printing (a folder for model-explorer); "
                   "required for svg and model-explorer.")
@click.option("--direction", type=click.Choice(["TB", "LR"]), default="TB", show_default=True,
              help="The diagram's direction.")
@click.option("--numeric", is_flag=True,
              help="Also run both on shared weights and report the first matched node "
                   "whose values part.")
@click.option("--backend", type=RegistryChoice(registered_backends), default="reference",
              show_default=True, help="The backend --numeric runs in.")
@click.option("--seed", type=click.IntRange(0, 2**32 - 2), default=0, show_default=True)
@click.option("--batch", type=click.IntRange(1, 64), default=1, show_default=True)
@click.pass_context
def diff_cmd(ctx: click.Context, a: str, b: str, input_shape: tuple[str, ...], fmt: str,
             path: str | None, direction: str, numeric: bool, backend: str, seed: int,
             batch: int) -> None:
    """What differs from network A to network B (catalog names, JSON files, saved folders
    or PyTorch model specs package.module:callable with --input): nodes
    added, removed, renamed (same layer, same wiring, another name) and changed (op,
    attributes, shape, parameters, inputs), matched by name and then by structure."""
    from netir.diff import diff

    if fmt in NEEDS_OUTPUT and path is None:
        raise click.UsageError(f"--format {fmt} needs -o")
    if path is not None:
        output = next(p for p in ctx.command.params if p.name == "path")
        writable(directory=fmt == "model-explorer")(ctx, output, path)
    takes = [not (is_saved_argument(t) or is_file_argument(t)) for t in (a, b)]
    if input_shape and not any(takes):
        raise click.UsageError("--input applies to catalog names and model specs, not files")
    ga, gb = (load_network(t, None, input_shape if take else None)
              for t, take in zip((a, b), takes))
    found = diff(ga, gb)
    divergence = None
    if numeric:
        from netir.divergence import first_divergence

        divergence = first_divergence(ga, gb, found, backend=backend, seed=seed, batch=batch)
    if fmt == "model-explorer":
        from netir.renderers.diff import diff_node_data
        from netir.renderers.model_explorer import write_model_explorer

        extra = {"diff": diff_node_data(gb, found)}
        click.echo(f"wrote {write_model_explorer(gb, path, extra=extra)}")
        return
    _emit(_document(ga, gb, found, divergence, fmt, direction), path)


def _document(ga, gb, found, divergence, fmt: str, direction: str) -> str | bytes:
    """The text, JSON, DOT or SVG that ``fmt`` names."""
    if fmt == "text":
        return found.text() + (f"\n{divergence.text()}" if divergence else "") + "\n"
    if fmt == "json":
        import json

        record = found.as_dict()
        if divergence:
            record["numeric"] = divergence.as_dict()
        return json.dumps(record, indent=1, sort_keys=True, ensure_ascii=False,
                          allow_nan=False) + "\n"
    from netir.renderers.diff import to_diff_dot

    source = to_diff_dot(ga, gb, found, direction)
    if fmt == "dot":
        return source
    from netir.renderers.diagram import run_dot

    return run_dot(source, "svg")


def _emit(document: str | bytes, path: str | None) -> None:
    if path is None:
        click.echo(document, nl=False)
        return
    from netir.ir.files import write_atomic

    write_atomic(path, document)
    click.echo(f"wrote {path}")
