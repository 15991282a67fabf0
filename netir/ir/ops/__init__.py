"""The built-in ops, one module per family. Each family exports ``OPS``."""

from netir.ir.ops import (
    activation,
    attention,
    channel,
    conv,
    dense,
    elementwise,
    io,
    learned,
    merge,
    norm,
    pool,
    reduce,
    regularization,
    sequence,
    shape,
    tokens,
    upsampling,
)

BUILTIN_OPS = (io.OPS + conv.OPS + dense.OPS + norm.OPS + activation.OPS + pool.OPS + merge.OPS
               + elementwise.OPS + reduce.OPS + channel.OPS + regularization.OPS
               + upsampling.OPS + tokens.OPS + sequence.OPS + shape.OPS + learned.OPS
               + attention.OPS)

__all__ = ["BUILTIN_OPS"]
