"""Batch normalization with the IR's training rule: the running variance is updated
with the unbiased batch variance (n - 1), as PyTorch does.

Keras' ``BatchNormalization`` normalizes with the biased batch variance (as PyTorch
does) but also updates ``moving_variance`` with it; PyTorch updates ``running_var`` with
``var · n / (n - 1)``, ``n`` the number of values per channel in the batch. After three
identical SGD steps that difference moved DenseNet-121's inference outputs by 0.22.

The layer stays a plain, serializable Keras layer: same variables (``gamma``, ``beta``,
``moving_mean``, ``moving_variance``), same config, registered as ``netir>BatchNorm``.
Inference is Keras' own.

The batch moments are computed in two passes, as sums divided by ``n``: Keras' torch
backend computes them as ``E[x²] − E[x]²`` (cancellation) and ``ops.mean`` reduces
float64 in float32 there, which moves a float64 batch variance by 1e-7.
"""

from __future__ import annotations

import keras
from keras import ops


@keras.saving.register_keras_serializable(package="netir")
class BatchNorm(keras.layers.BatchNormalization):
    """``keras.layers.BatchNormalization`` whose moving-variance update uses the unbiased
    batch variance. With one value per channel (``n = 1``) the update uses the biased
    variance (0): PyTorch refuses that batch instead."""

    def call(self, inputs, training=None, mask=None):
        if not (training and self.trainable) or mask is not None or self.renorm:
            return super().call(inputs, training=training, mask=mask)
        dtype = keras.backend.result_type(inputs.dtype, "float32")
        x = ops.cast(inputs, dtype)
        n = ops.cast(ops.size(x), dtype) / ops.cast(x.shape[self.axis], dtype)
        axes = self._reduction_axes
        mean = ops.sum(x, axis=axes) / n
        variance = ops.sum(ops.square(x - ops.expand_dims(mean, axes)), axis=axes) / n
        unbiased = variance * n / ops.maximum(n - 1.0, 1.0)
        m = self.momentum
        self.moving_mean.assign(
            ops.cast(self.moving_mean, dtype) * m + mean * (1.0 - m))
        self.moving_variance.assign(
            ops.cast(self.moving_variance, dtype) * m + unbiased * (1.0 - m))
        gamma = ops.cast(self.gamma, dtype) if self.scale else None
        beta = ops.cast(self.beta, dtype) if self.center else None
        out = ops.batch_normalization(x, mean, variance, axis=self.axis, offset=beta,
                                      scale=gamma, epsilon=self.epsilon)
        return ops.cast(out, self.compute_dtype)
