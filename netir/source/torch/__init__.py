"""The PyTorch source emitter: a module file that runs with torch alone."""

from __future__ import annotations

from netir.source.torch.emit import to_source

__all__ = ["to_source"]
