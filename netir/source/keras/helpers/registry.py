"""A table of helper layers: name -> the class's source text, in order of addition
(the order a file defines them in)."""

from __future__ import annotations

from collections.abc import Callable


def table() -> tuple[dict[str, str], Callable[[str, str], None]]:
    """An empty table and the function that adds a helper's text to it."""
    helpers: dict[str, str] = {}

    def add(name: str, text: str) -> None:
        helpers[name] = text.strip("\n") + "\n"

    return helpers, add
