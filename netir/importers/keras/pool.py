"""Pools (netir/ir/ops/pool.py): MaxPooling2D, AveragePooling2D ('same' excludes the
padding from the divisor, as Keras does) and the global pools (keepdims)."""

from __future__ import annotations

from keras import layers

from netir.importers.keras.walk import Unsupported


def _window(layer) -> dict:
    if layer.padding not in ("same", "valid"):
        raise Unsupported(f"padding={layer.padding!r}")
    return {"kernel": tuple(layer.pool_size), "stride": tuple(layer.strides),
            "padding": layer.padding}


def _max_pool(ctx, layer, x):
    return ctx.add("max_pool2d", [x], _window(layer))


def _avg_pool(ctx, layer, x):
    return ctx.add("avg_pool2d", [x], {**_window(layer), "count_include_pad": False})


def _global(op: str):
    def entry(ctx, layer, x, mask=None):
        y = ctx.add(op, [x])
        if not layer.keepdims:
            return y
        ones = (1,) * (len(x.shape) - 1)
        return ctx.add("reshape", [y], {"shape": (y.shape[0], *ones), "layout": x.layout},
                       role="keepdims")

    return entry


LAYERS = {layers.MaxPooling2D: _max_pool, layers.AveragePooling2D: _avg_pool,
          layers.GlobalAveragePooling1D: _global("global_avg_pool"),
          layers.GlobalAveragePooling2D: _global("global_avg_pool"),
          layers.GlobalMaxPooling1D: _global("global_max_pool"),
          layers.GlobalMaxPooling2D: _global("global_max_pool")}
