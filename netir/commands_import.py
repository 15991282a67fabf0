"""``netir import SPEC --input 3x224x224 -o DIR`` or ``netir import FILE -o DIR``: a
PyTorch model named by a spec (:mod:`netir.importers.spec`), or a ``.onnx`` or ``.keras``
file (:mod:`netir.importers.model_files`), imported into the IR and written in netir's
canonical saved form. Defined here, added to ``netir``'s group by :mod:`netir.cli`."""

from __future__ import annotations

import click

from netir.cli_arguments import INPUT_HELP, is_spec_argument, resolve_network, writable
from netir.importers.model_files import MODEL_FILES, is_model_file


@click.command("import")
@click.argument("spec")
@click.option("--input", "input_shape", metavar="CxHxW", multiple=True,
              help=INPUT_HELP + " Required for a model spec; a model file states its own.")
@click.option("--batch", type=click.IntRange(1, 1024), default=1, show_default=True,
              help="The batch of the example inputs the model is traced on.")
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), required=True,
              callback=writable(directory=True),
              help="Directory for graph.json and weights.safetensors.")
def import_cmd(spec: str, input_shape: tuple[str, ...], batch: int, out_dir: str) -> None:
    """Import the PyTorch model SPEC names (package.module:callable, called with no
    arguments, or package.module:attr naming an nn.Module), or a .onnx or .keras model
    file, and write its graph.json and
    weights.safetensors (neutral layout) to a directory as one unit: the saved form
    ``netir emit`` writes, which compare, check, render, summary and diff take, and
    ``netir.load(DIR, backend)`` turns into a live model. Runs the model's code."""
    from netir.emitters.saved import GRAPH_FILE, WEIGHTS_FILE, is_saved_file
    from netir.emitters.weights import weights_bytes
    from netir.ir.files import write_tree

    if not (is_spec_argument(spec) or is_model_file(spec)):
        raise click.UsageError(f"expected a model spec package.module:callable or a model "
                               f"file ({', '.join(sorted(MODEL_FILES))}), got {spec!r}")
    net = resolve_network(spec, None, input_shape, batch)
    files = {GRAPH_FILE: net.graph.to_json(), WEIGHTS_FILE: weights_bytes(net.weights)}
    out = write_tree(out_dir, files, replaceable=is_saved_file)
    g = net.graph
    trainable, buffers = g.count_params()
    click.echo(f"imported {g.name}: {len(g.nodes)} nodes, {trainable:,} parameters + "
               f"{buffers:,} buffers")
    click.echo(f"wrote {out / GRAPH_FILE}, {out / WEIGHTS_FILE}")
