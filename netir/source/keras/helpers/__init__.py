'''The small plain-Keras layers a generated file defines when it uses them: what netir's
Keras model computes beyond ``keras.layers`` (``netir/emitters/keras3/``: the unbiased
moving variance, PyTorch's convolutions, pooling rules, GELU, layer norm and resizes),
written out with ``keras.ops`` (and NumPy) so that the file needs no netir.'''

from __future__ import annotations

from netir.source.keras.helpers import pointwise, spatial, upsampling

#: Every helper, in the order a file defines those it uses.
HELPERS: dict[str, str] = {**spatial.HELPERS, **pointwise.HELPERS, **upsampling.HELPERS}

__all__ = ["HELPERS"]
