"""Keras layers of the learned-tensor and attention ops, serializable like
:mod:`netir.emitters.keras3.layers`.

A layer whose variables are not the op's declared parameters one for one converts them
itself: ``netir_export()`` gives ``{param: neutral array}`` and
``netir_import(weights)`` assigns them (:mod:`netir.emitters.keras3.weights` calls
both). Neutral weights are PyTorch's: a parameter ``(1, *shape)`` in the logical order,
a layer scale ``(C, 1, 1)``, attention's packed ``in_proj_weight``.
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from netir.ir.errors import WeightsError

_register = keras.saving.register_keras_serializable(package="netir")


def _check(layer, name: str, value: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    if tuple(np.shape(value)) != tuple(shape):
        raise WeightsError(f"shape of '{name}' does not fit the layer {tuple(shape)}",
                           tuple(np.shape(value)), node=layer.name, op="weights")
    return np.asarray(value)


@_register
class Parameter(keras.layers.Layer):
    """A learned ``(1, *shape)`` tensor in the logical order, returned for each sample of
    the input's batch in Keras' order (axes ``order`` of the logical ones)."""

    def __init__(self, shape: tuple[int, ...], order: tuple[int, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.value_shape, self.order = tuple(shape), tuple(order)
        self.value = self.add_weight(shape=self.value_shape, name="value",
                                     initializer="zeros")

    def call(self, x):
        value = ops.transpose(self.value, (0, *(a + 1 for a in self.order)))
        return ops.broadcast_to(value, (ops.shape(x)[0], *value.shape[1:]))

    def compute_output_shape(self, input_shape):
        return (input_shape[0], *(self.value_shape[a + 1] for a in self.order))

    def netir_export(self) -> dict[str, np.ndarray]:
        return {"weight": keras.ops.convert_to_numpy(self.value)}

    def netir_import(self, weights: dict[str, np.ndarray]) -> None:
        self.value.assign(_check(self, "weight", weights["weight"], self.value_shape))

    def get_config(self):
        return {**super().get_config(), "shape": self.value_shape, "order": self.order}


@_register
class LayerScale(keras.layers.Layer):
    """``x · gamma``, one gamma per feature (the last axis in Keras); neutral ``(C, 1, 1)``
    on a map (torchvision ConvNeXt's ``layer_scale``), the input's rank in general."""

    def __init__(self, shape: tuple[int, ...], **kwargs) -> None:
        super().__init__(**kwargs)
        self.neutral_shape = tuple(shape)

    def build(self, input_shape):
        self.gamma = self.add_weight(shape=(input_shape[-1],), name="gamma", initializer="ones")

    def call(self, x):
        return x * ops.cast(self.gamma, x.dtype)

    def netir_export(self) -> dict[str, np.ndarray]:
        gamma = keras.ops.convert_to_numpy(self.gamma)
        return {"weight": gamma.reshape(self.neutral_shape)}

    def netir_import(self, weights: dict[str, np.ndarray]) -> None:
        value = _check(self, "weight", weights["weight"], self.neutral_shape)
        self.gamma.assign(value.reshape(-1))

    def get_config(self):
        return {**super().get_config(), "shape": self.neutral_shape}


@_register
class DotProductAttention(keras.layers.Layer):
    """``softmax(q kᵀ · scale) v`` over the last two axes, in the logical order."""

    def __init__(self, scale: float, **kwargs) -> None:
        super().__init__(**kwargs)
        self.scale = float(scale)

    def call(self, inputs):
        q, k, v = inputs
        rank = len(k.shape)
        kt = ops.transpose(k, (*range(rank - 2), rank - 1, rank - 2))
        return ops.matmul(ops.softmax(ops.matmul(q, kt) * self.scale, axis=-1), v)

    def get_config(self):
        return {**super().get_config(), "scale": self.scale}


@_register
class MultiHeadAttention(keras.layers.MultiHeadAttention):
    """Keras' MultiHeadAttention, its weights moved from and to PyTorch's packed layout.

    Head h of a projection is features ``h·d ... (h+1)·d - 1`` (d = D/H) of torch's
    rows, so ``in_proj_weight[:D]`` (out, in) is the query kernel (in, H, d) as
    ``Wq.T.reshape(D, H, d)``, its bias ``(H, d)``; ``out_proj.weight`` (out, in) is the
    output kernel (H, d, out) as ``Wo.T.reshape(H, d, D)``. Keras scales the query by
    ``1/sqrt(d)`` and softmaxes over the keys, as torch does."""

    def _projections(self):
        return (self._query_dense, self._key_dense, self._value_dense)

    def netir_export(self) -> dict[str, np.ndarray]:
        heads, d = self.num_heads, self.key_dim
        out: dict[str, np.ndarray] = {}
        to_np = keras.ops.convert_to_numpy
        kernels = [to_np(p.kernel) for p in self._projections()]
        width = kernels[0].shape[0]
        out["in_proj_weight"] = np.concatenate([k.reshape(width, heads * d).T for k in kernels])
        if self._use_bias:
            out["in_proj_bias"] = np.concatenate([to_np(p.bias).reshape(-1)
                                                  for p in self._projections()])
        out["out_proj.weight"] = to_np(self._output_dense.kernel).reshape(heads * d, -1).T
        if self._use_bias:
            out["out_proj.bias"] = to_np(self._output_dense.bias)
        return {k: np.ascontiguousarray(v) for k, v in out.items()}

    def netir_import(self, weights: dict[str, np.ndarray]) -> None:
        heads, d = self.num_heads, self.key_dim
        width = heads * d
        w = _check(self, "in_proj_weight", weights["in_proj_weight"], (3 * width, width))
        for i, p in enumerate(self._projections()):
            p.kernel.assign(w[i * width:(i + 1) * width].T.reshape(width, heads, d))
        wo = _check(self, "out_proj.weight", weights["out_proj.weight"], (width, width))
        self._output_dense.kernel.assign(wo.T.reshape(heads, d, width))
        if self._use_bias:
            b = _check(self, "in_proj_bias", weights["in_proj_bias"], (3 * width,))
            for i, p in enumerate(self._projections()):
                p.bias.assign(b[i * width:(i + 1) * width].reshape(heads, d))
            self._output_dense.bias.assign(
                _check(self, "out_proj.bias", weights["out_proj.bias"], (width,)))
