"""The built-in ops, one module per family. Each family exports ``OPS``."""

from netir.ir.ops import activation, conv, dense, io, merge, norm, pool

BUILTIN_OPS = io.OPS + conv.OPS + dense.OPS + norm.OPS + activation.OPS + pool.OPS + merge.OPS

__all__ = ["BUILTIN_OPS"]
