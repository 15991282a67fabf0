"""Pools (netir/ir/ops/pool.py): MaxPooling2D/3D, AveragePooling2D/3D ('same' excludes the
padding from the divisor, as Keras does) and the global pools (keepdims)."""

from __future__ import annotations

from keras import layers

from netir.importers.keras.walk import Unsupported


def _window(layer) -> dict:
    if layer.padding not in ("same", "valid"):
        raise Unsupported(f"padding={layer.padding!r}")
    return {"kernel": tuple(layer.pool_size), "stride": tuple(layer.strides),
            "padding": layer.padding}


def _max_pool(rank: int):
    def entry(ctx, layer, x):
        return ctx.add(f"max_pool{rank}d", [x], _window(layer))

    return entry


def _avg_pool(rank: int):
    def entry(ctx, layer, x):
        return ctx.add(f"avg_pool{rank}d", [x], {**_window(layer), "count_include_pad": False})

    return entry


def _global(op: str):
    def entry(ctx, layer, x, mask=None):
        y = ctx.add(op, [x])
        if not layer.keepdims:
            return y
        ones = (1,) * (len(x.shape) - 1)
        return ctx.add("reshape", [y], {"shape": (y.shape[0], *ones), "layout": x.layout},
                       role="keepdims")

    return entry


LAYERS = {layers.MaxPooling2D: _max_pool(2), layers.MaxPooling3D: _max_pool(3),
          layers.AveragePooling2D: _avg_pool(2), layers.AveragePooling3D: _avg_pool(3),
          **{pool: _global("global_avg_pool") for pool in (
              layers.GlobalAveragePooling1D, layers.GlobalAveragePooling2D,
              layers.GlobalAveragePooling3D)},
          **{pool: _global("global_max_pool") for pool in (
              layers.GlobalMaxPooling1D, layers.GlobalMaxPooling2D, layers.GlobalMaxPooling3D)}}
