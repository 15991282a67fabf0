"""The gallery's words in each language, kept as data: one module per language.

Each module holds ``UI`` (page and diagram words), ``FAMILY`` (what a family
introduced) and ``VARIANT`` (what sets one network apart), written for that
language rather than translated word by word.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from netir.ir.errors import RenderError

LANGUAGES = ("en", "zh")


def words(lang: str) -> ModuleType:
    """The data module of ``lang``; RenderError for a language the gallery lacks."""
    if lang not in LANGUAGES:
        raise RenderError(f"language must be one of {LANGUAGES}", repr(lang), node="<gallery>",
                          op="gallery")
    return importlib.import_module(f"netir.renderers.lang.{lang}")


def note(lang: str, name: str, family: str) -> str:
    """The note on network ``name``: its family's idea, then what sets it apart."""
    data = words(lang)
    return " ".join(p for p in (data.FAMILY.get(family, ""), data.VARIANT.get(name, "")) if p)
