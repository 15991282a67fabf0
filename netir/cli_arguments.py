"""What the command line's arguments become: an input shape, a network (a catalog name
or a JSON file), an output path checked before any work, a choice read from the table
that holds it. Shared by every command module; imports no command."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

import click

import netir
from netir.ir.errors import NetIRError


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


def is_file_argument(text: str) -> bool:
    """A path rather than a catalog name: ends in .json, has a folder part, or names a
    regular file (a catalog name never contains a slash)."""
    return text.endswith(".json") or os.sep in text or Path(text).is_file()


def load_network(name_or_file: str, num_classes: int | None = None,
                 input_shape: str | None = None) -> netir.Graph:
    """A catalog name (with overrides) or a netir JSON document."""
    if is_file_argument(name_or_file):
        if num_classes is not None or input_shape:
            raise click.UsageError("--num-classes/--input apply to catalog names, not files")
        return netir.Graph.load(name_or_file)
    from netir.architectures import build

    overrides = parse_input(input_shape)
    if num_classes is not None:
        overrides["num_classes"] = num_classes
    return build(name_or_file, **overrides)


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
