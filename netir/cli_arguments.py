"""What the command line's arguments become: input shapes, a network (a catalog name,
a JSON file, a saved folder or a PyTorch model spec), an output path checked before any
work, a choice read from the table that holds it. Shared by every command module;
imports no command."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import click

import netir
from netir.importers.model_files import import_model_file, is_model_file
from netir.ir.errors import NetIRError

#: ``--input``'s help where a command takes any network argument.
INPUT_HELP = ("Input shape without the batch axis: a catalog network's override (CxHxW), "
              "or each input of a PyTorch model spec (repeat it, or separate by commas).")


def parse_input(text: str | None) -> dict:
    """``3x64x64`` -> ``{"in_channels": 3, "input_size": (64, 64)}``; BadParameter
    (exit status 2) for anything but three positive integers."""
    if not text:
        return {}
    from netir.ir.attrs import MAX_INT

    parts = text.lower().replace("×", "x").split("x")
    if len(parts) != 3 or not all(p.strip().isdigit() and len(p.strip()) <= 10 for p in parts):
        raise click.BadParameter(f"expected CxHxW such as 3x224x224, got {text!r}",
                                 param_hint="'--input'")
    c, h, w = (int(p) for p in parts)
    if not all(1 <= v <= MAX_INT for v in (c, h, w)):
        raise click.BadParameter(f"sizes must lie in [1, {MAX_INT}], got {text!r}",
                                 param_hint="'--input'")
    return {"in_channels": c, "input_size": (h, w)}


def parse_shapes(texts: str | Sequence[str] | None) -> list[tuple[int, ...]]:
    """``--input`` given once or more, each one shape or several comma-separated:
    ``("3x224x224", "16,8x4")`` -> ``[(3, 224, 224), (16,), (8, 4)]`` (each without the
    batch axis, of 1 to 4 positive sizes). BadParameter (exit status 2) otherwise."""
    from netir.ir.attrs import MAX_INT

    texts = [texts] if isinstance(texts, str) else list(texts or ())
    shapes = []
    for text in texts:
        for part in text.split(","):
            sizes = part.lower().replace("×", "x").split("x")
            if not 1 <= len(sizes) <= 4 or not all(
                    p.strip().isdigit() and len(p.strip()) <= 10 for p in sizes):
                raise click.BadParameter(f"expected sizes such as 3x224x224, got {text!r}",
                                         param_hint="'--input'")
            shape = tuple(int(p) for p in sizes)
            if not all(1 <= v <= MAX_INT for v in shape):
                raise click.BadParameter(f"sizes must lie in [1, {MAX_INT}], got {text!r}",
                                         param_hint="'--input'")
            shapes.append(shape)
    return shapes


def is_file_argument(text: str) -> bool:
    """A path rather than a catalog name: ends in .json, has a folder part, or names a
    regular file (a catalog name never contains a slash)."""
    return text.endswith(".json") or os.sep in text or Path(text).is_file()


def is_spec_argument(text: str) -> bool:
    """A PyTorch model spec, ``package.module:callable`` (not a path)."""
    from netir.importers.spec import looks_like_spec

    return looks_like_spec(text) and not Path(text).exists()


def is_saved_argument(text: str) -> bool:
    """A folder holding a saved set (``netir import``'s or ``netir emit``'s
    ``graph.json``); a bare catalog name stays the catalog's network even where a
    folder of that name exists (write ``./NAME`` for the folder)."""
    from netir.architectures import list_architectures
    from netir.emitters.saved import GRAPH_FILE

    if not (Path(text) / GRAPH_FILE).is_file():
        return False
    return os.sep in text or text not in list_architectures()


def is_catalog_argument(text: str) -> bool:
    """Neither a spec, a saved folder nor a file: a catalog name."""
    return not (is_spec_argument(text) or is_saved_argument(text) or is_file_argument(text))


@dataclass
class Network:
    """What a network argument became: its graph and the neutral weights it came with
    (an imported module's, a saved folder's), or None (a catalog network or a JSON file,
    which have none of their own)."""

    graph: netir.Graph
    weights: dict | None = None


def resolve_network(text: str, num_classes: int | None = None,
                    input_shape: str | Sequence[str] | None = None,
                    batch: int = 1) -> Network:
    """The one resolver of a network argument, tried in this order:

    - a PyTorch model spec ``package.module:callable`` (or ``:attr`` naming a module
      instance), imported at ``--input`` (required; several for several inputs) with
      ``batch`` (:mod:`netir.importers.spec`; runs the named code; the current folder
      is searched for its module after the installed packages);
    - a model file another framework wrote (``.onnx``, ``.keras``:
      :mod:`netir.importers.model_files`), imported with its weights;
    - a saved folder (``graph.json`` and ``weights.safetensors``), with its weights;
    - a netir JSON document;
    - a catalog name, built with the ``num_classes`` / ``input_shape`` overrides.

    A malformed spec, a spec without ``--input``, or overrides that do not apply are
    usage errors (exit 2); a spec whose code fails or whose model the IR cannot express
    is a NetIRError (exit 1)."""
    if is_spec_argument(text):
        from netir.importers.spec import import_spec, parse_spec
        from netir.ir.errors import ArgumentError

        if num_classes is not None:
            raise click.UsageError("--num-classes applies to catalog names, not model specs")
        try:
            parse_spec(text)
        except ArgumentError as e:
            raise click.UsageError(one_line(f"{e.what}. Got: {e.got}.")) from None
        shapes = parse_shapes(input_shape)
        if not shapes:
            raise click.UsageError(f"{text}: a model spec needs --input (e.g. --input "
                                   "3x224x224; repeat it or separate by commas for "
                                   "several inputs)")
        if os.getcwd() not in sys.path:  # a model in the current folder, as python -m
            sys.path.append(os.getcwd())  # finds it (after what is installed)
        graph, weights = import_spec(text, shapes, batch)
        return Network(graph, weights)
    if is_model_file(text):
        if num_classes is not None or input_shape:
            raise click.UsageError("--num-classes/--input apply to catalog names and model "
                                   "specs, not model files")
        graph, weights = import_model_file(text)
        return Network(graph, weights)
    saved = is_saved_argument(text)
    if saved or is_file_argument(text):
        if num_classes is not None or input_shape:
            raise click.UsageError("--num-classes/--input apply to catalog names and model "
                                   "specs, not files")
        if not saved:
            return Network(netir.Graph.load(text))
        from netir.emitters.saved import GRAPH_FILE, WEIGHTS_FILE
        from netir.emitters.weights import load_weights

        graph = netir.Graph.load(Path(text) / GRAPH_FILE)
        return Network(graph, load_weights(Path(text) / WEIGHTS_FILE))
    from netir.architectures import build

    texts = [input_shape] if isinstance(input_shape, str) else list(input_shape or ())
    if len(texts) > 1 or any("," in t for t in texts):
        raise click.BadParameter("a catalog network takes one input shape CxHxW",
                                 param_hint="'--input'")
    overrides = parse_input(texts[0] if texts else None)
    if num_classes is not None:
        overrides["num_classes"] = num_classes
    return Network(build(text, **overrides))


def load_network(text: str, num_classes: int | None = None,
                 input_shape: str | Sequence[str] | None = None,
                 batch: int = 1) -> netir.Graph:
    """The graph of :func:`resolve_network`."""
    return resolve_network(text, num_classes, input_shape, batch).graph


def error_line(err: NetIRError) -> str:
    """A NetIRError as the one line the command line prints: for a model the IR cannot
    express, the count of what it lacks and the first few (``--debug`` shows all)."""
    problems = getattr(err, "problems", None)
    if not problems:
        return one_line(str(err))
    shown = "; ".join(one_line(str(p)) for p in problems[:_SHOWN_PROBLEMS])
    more = len(problems) - _SHOWN_PROBLEMS
    return (f"{err.node} ({err.op}): {len(problems)} node(s) the IR cannot express: {shown}"
            + (f"; and {more} more (--debug lists every one)" if more > 0 else ""))


#: How many of a refused model's unsupported nodes the one-line error names.
_SHOWN_PROBLEMS = 3


def one_line(text: str) -> str:
    """``text`` with every run of whitespace (newlines included) made one space."""
    return " ".join(str(text).split())


def writable(directory: bool = False):
    """A click callback: check an output path before any work starts (FileError ->
    exit status 2 with the reason)."""
    from netir.ir.files import check_writable

    def callback(ctx: click.Context, param: click.Parameter, value: str | None):
        if value is None:
            return value
        try:
            check_writable(value, directory=directory)
        except NetIRError as e:
            raise click.BadParameter(one_line(f"{e.what}. Got: {e.got}."), ctx,
                                     param) from None
        return value

    return callback


class RegistryChoice(click.Choice):
    """The names a registry holds when the option is parsed (plugins included), not a
    copy taken when the command was defined: ``RegistryChoice(list_backends)``."""

    def __init__(self, names: Callable[[], Iterable[str]]) -> None:
        self._names = names
        super().__init__(())

    @property
    def choices(self) -> tuple[str, ...]:
        return tuple(self._names())

    @choices.setter
    def choices(self, value) -> None:
        pass  # always the registry's


def registered_backends() -> list[str]:
    """The registered backends (imported when first asked, plugins included)."""
    from netir.emitters.registry import list_backends

    return list_backends()
