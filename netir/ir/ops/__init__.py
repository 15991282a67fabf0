"""The built-in ops, one module per family of concept. Each family exports ``OPS``."""

from netir.ir.ops import (
    activation,
    attention,
    channel,
    conv,
    dense,
    elementwise,
    io,
    learned,
    norm,
    pool,
    reduce,
    regularization,
    resize,
    shape,
)

BUILTIN_OPS = (io.OPS + conv.OPS + pool.OPS + dense.OPS + norm.OPS + activation.OPS
               + elementwise.OPS + reduce.OPS + shape.OPS + channel.OPS + resize.OPS
               + learned.OPS + attention.OPS + regularization.OPS)

__all__ = ["BUILTIN_OPS"]
