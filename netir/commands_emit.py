"""``netir emit NETWORK --backend B -o DIR``: a network's canonical saved form and the
backend's own model file, or with ``--source`` its readable model file and the weights
in the framework's own format (:mod:`netir.source.files`). Defined here, added to
``netir``'s group by :mod:`netir.cli`."""

from __future__ import annotations

import click

import netir
from netir.cli_arguments import (
    INPUT_HELP,
    RegistryChoice,
    registered_backends,
    resolve_network,
    writable,
)


@click.command("emit")
@click.argument("network")
@click.option("--backend", type=RegistryChoice(registered_backends), required=True)
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), required=True,
              callback=writable(directory=True),
              help="Directory for the graph JSON and its neutral weights (with --source: "
                   "model.py and the framework's weights file).")
@click.option("--num-classes", type=click.IntRange(1, 2**31 - 1))
@click.option("--input", "input_shape", metavar="CxHxW", multiple=True, help=INPUT_HELP)
@click.option("--optimize", is_flag=True,
              help="Emit the inference-optimised graph (batch norm folded, dropout gone).")
@click.option("--source", "as_source", is_flag=True,
              help="Write model.py, readable code that needs only the framework, and the "
                   "weights in the framework's own format (torch: weights.pt, a state_dict; "
                   "keras: model.weights.h5) instead; nothing of netir's.")
def emit_cmd(network: str, backend: str, out_dir: str, num_classes: int | None,
             input_shape: tuple[str, ...], optimize: bool, as_source: bool) -> None:
    """Write NETWORK's canonical saved form to a directory: graph.json and
    weights.safetensors (neutral layout), which ``netir.load(DIR, backend)`` turns
    back into a live model, plus the backend's own model file (model.pt, model.keras,
    model.onnx ...). With --source: model.py and the framework's own weights file,
    which load with PyTorch or Keras alone. The files are written as one unit. An
    imported model or a saved folder keeps its weights; a catalog network gets random
    ones."""
    from netir.source.files import source_backends

    if as_source and backend not in source_backends():
        raise click.UsageError(f"--source applies to --backend {' or '.join(source_backends())}"
                               f", not {backend}")
    net = resolve_network(network, num_classes, input_shape)
    g, weights = net.graph, net.weights
    if optimize:
        g, weights = netir.optimize(g, weights)
    if as_source:
        _emit_source(out_dir, g, backend, weights)
        return
    from netir.emitters.registry import get_backend
    from netir.emitters.saved import save

    chosen = get_backend(backend)
    model = chosen.emit(g) if weights is None else chosen.emit_loaded(g, None, weights)
    extra = {chosen.model_file: lambda path: chosen.save(model, path.parent)}
    out = save(out_dir, g, model, extra)
    written = sorted(["graph.json", "weights.safetensors", *extra])
    click.echo(f"wrote {', '.join(str(out / n) for n in written)}")


def _emit_source(out_dir: str, g, backend: str, weights) -> None:
    """model.py and its weights; a folder holding a saved set may be replaced by them."""
    from netir.emitters.saved import is_saved_file
    from netir.source.files import write_source_folder

    written = write_source_folder(out_dir, g, backend, weights, replaceable=is_saved_file)
    click.echo(f"wrote {', '.join(str(p) for p in written)}")
