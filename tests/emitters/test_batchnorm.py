"""Batch norm in training: the Keras layer updates its moving variance with the unbiased
batch variance, as PyTorch does, and stays a plain serializable Keras layer."""

import keras
import numpy as np
import pytest
import torch

from netir.emitters.keras3.batchnorm import BatchNorm
from netir.training.trainers import keras_floatx

MOMENTUM = 0.3


def _batches(shape, count=3):
    rng = np.random.default_rng(0)
    return [rng.normal(1.5, 2.0, shape) for _ in range(count)]


def _torch_stats(batches, channels):
    cls = torch.nn.BatchNorm2d if batches[0].ndim == 4 else torch.nn.BatchNorm1d
    bn = cls(channels, momentum=MOMENTUM).double().train()
    for b in batches:
        bn(torch.from_numpy(b))
    return bn.running_mean.numpy(), bn.running_var.numpy()


def _keras_stats(layer, batches):
    for b in batches:
        x = np.moveaxis(b, 1, -1) if b.ndim == 4 else b
        layer(x, training=True)
    return (keras.ops.convert_to_numpy(layer.moving_mean),
            keras.ops.convert_to_numpy(layer.moving_variance))


@pytest.mark.parametrize("shape", [(4, 3, 5, 2), (2, 3, 1, 1), (5, 6)])
def test_moving_statistics_follow_pytorch(shape):
    batches = _batches(shape)
    channels = shape[1]
    with keras_floatx("float64"):
        layer = BatchNorm(momentum=1 - MOMENTUM)
        stock = keras.layers.BatchNormalization(momentum=1 - MOMENTUM)
    mean, var = _torch_stats(batches, channels)
    k_mean, k_var = _keras_stats(layer, batches)
    np.testing.assert_allclose(k_mean, mean, rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(k_var, var, rtol=1e-12, atol=1e-12)
    # the stock layer is what this replaces: its moving variance is biased
    _, stock_var = _keras_stats(stock, batches)
    assert np.max(np.abs(stock_var - var)) > 1e-2


def test_training_output_and_inference_are_keras_own():
    """Normalisation in training uses the biased batch variance (both frameworks do);
    inference is the stock layer's."""
    (x,) = _batches((4, 3, 5, 2), 1)
    xl = np.moveaxis(x, 1, -1)
    with keras_floatx("float64"):
        layer, stock = BatchNorm(epsilon=1e-3), keras.layers.BatchNormalization(epsilon=1e-3)
    train_out = keras.ops.convert_to_numpy(layer(xl, training=True))
    np.testing.assert_allclose(train_out, keras.ops.convert_to_numpy(stock(xl, training=True)),
                               rtol=0, atol=1e-12)
    stock.set_weights(layer.get_weights())
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(layer(xl, training=False)),
                                  keras.ops.convert_to_numpy(stock(xl, training=False)))


def test_round_trips_through_a_keras_file(tmp_path):
    inp = keras.Input((3, 3, 2))
    model = keras.Model(inp, BatchNorm(momentum=0.9, epsilon=1e-5, name="bn")(inp))
    model.layers[1].set_weights([np.full(2, 2.0), np.full(2, 0.5), np.ones(2), np.full(2, 3.0)])
    model.save(tmp_path / "bn.keras")
    back = keras.models.load_model(tmp_path / "bn.keras", safe_mode=True)
    layer = back.get_layer("bn")
    assert type(layer) is BatchNorm
    assert keras.saving.get_registered_name(BatchNorm) == "netir>BatchNorm"
    assert layer.get_config() == model.layers[1].get_config()
    for a, b in zip(layer.get_weights(), model.layers[1].get_weights()):
        np.testing.assert_array_equal(a, b)
    # the reloaded layer keeps the unbiased update
    x = _batches((4, 2, 3, 3), 1)
    k_mean, k_var = _keras_stats(layer, x)
    bn = torch.nn.BatchNorm2d(2, momentum=0.1).double().train()
    with torch.no_grad():
        bn.running_var.fill_(3.0)
        bn(torch.from_numpy(x[0]))
    np.testing.assert_allclose(k_var, bn.running_var.numpy(), rtol=1e-6)
