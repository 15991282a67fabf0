"""from_keras on small stock Keras models: each imported graph, emitted to PyTorch with
the imported weights, computes the Keras model's outputs (float32, 1e-4 relative)."""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch
from keras import layers

from netir import from_keras, import_weights
from netir.emitters.pytorch import to_torch
from netir.ir.errors import UnsupportedModelError


def _agree(model, shape):
    rng = np.random.default_rng(0)
    for w in model.weights:  # non-trivial statistics and biases
        w.assign(rng.uniform(0.5, 1.5, w.shape).astype("float32"))
    x = rng.standard_normal((2, *shape)).astype("float32")
    want = keras.ops.convert_to_numpy(model(x, training=False))
    graph, weights = from_keras(model)
    net = to_torch(graph)
    import_weights(net, weights)
    net.eval()
    def first(a):  # channels last -> first (a map or a volume)
        return np.transpose(a, (0, a.ndim - 1, *range(1, a.ndim - 1))) if a.ndim >= 4 else a

    with torch.no_grad():
        got = net(torch.from_numpy(np.ascontiguousarray(first(x)))).numpy()
    if got.ndim >= 4:
        got = np.transpose(got, (0, *range(2, got.ndim), 1))
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-4 * np.abs(want).max())
    return graph


def test_flatten_keeps_keras_hwc_order():
    """A Dense after Flatten reads (H, W, C) order: a wrong order fails numerically."""
    x = keras.Input((3, 4, 5))
    y = layers.Dense(7)(layers.Flatten()(layers.Conv2D(6, 3, padding="same")(x)))
    graph = _agree(keras.Model(x, y), (3, 4, 5))
    assert "to_tokens" in {n.op for n in graph.nodes}


def test_conv_family_same_padding_and_batch_norm():
    x = keras.Input((9, 9, 4))
    y = layers.Conv2D(6, 3, strides=2, padding="same", activation="relu")(x)
    y = layers.BatchNormalization()(y)
    y = layers.DepthwiseConv2D(3, padding="same", depth_multiplier=2)(y)
    y = layers.SeparableConv2D(5, 3, padding="same")(y)
    z = layers.ZeroPadding2D(((1, 0), (0, 1)))(y)
    z = layers.MaxPooling2D(2, padding="same")(z)
    y = layers.AveragePooling2D(3, strides=2, padding="same")(y)
    y = layers.Concatenate()([y, y * 2.0 + 3.0])
    y = layers.GlobalAveragePooling2D(keepdims=True)(y)
    y = layers.Reshape((10,))(y)
    y = layers.Dense(3, activation="softmax")(layers.Dropout(0.5)(y))
    graph = _agree(keras.Model(x, [y]), (9, 9, 4))
    bn = next(n for n in graph.nodes if n.op == "batch_norm")
    assert bn.attrs["eps"] == pytest.approx(1e-3) and bn.attrs["momentum"] == pytest.approx(0.01)


def test_sequential_model():
    model = keras.Sequential([keras.Input((8,)), layers.Dense(4), layers.ReLU(6.0),
                              layers.LayerNormalization(), layers.Dense(2)])
    _agree(model, (8,))


def test_volumes_conv3d_and_the_3d_pools():
    """Conv3D ('same' by TensorFlow's rule, strided, dilated), batch norm and the 3-D
    pools of a channels-last volume, against Keras; the kernel is DHWIO in Keras and
    OIDHW in the IR."""
    x = keras.Input((5, 7, 7, 3))
    y = layers.Conv3D(4, (3, 3, 2), strides=(1, 2, 2), padding="same", activation="relu")(x)
    y = layers.BatchNormalization()(y)
    y = layers.Conv3D(4, 2, dilation_rate=(1, 2, 1), groups=2)(y)
    z = layers.MaxPooling3D(2, padding="same")(y)
    y = layers.AveragePooling3D((1, 2, 2), padding="same")(y)
    y = layers.Concatenate()([layers.GlobalAveragePooling3D()(y), layers.GlobalMaxPooling3D()(z)])
    graph = _agree(keras.Model(x, layers.Dense(3)(y)), (5, 7, 7, 3))
    ops = {n.op for n in graph.nodes}
    assert {"conv3d", "max_pool3d", "avg_pool3d", "global_max_pool"} <= ops
    conv = next(n for n in graph.nodes if n.op == "conv3d")
    # D: 5 at stride 1 needs 2 cells; H: 4 windows of 3 at stride 2 over 7 need 2; W: 4
    # windows of 2 over 7 need 1, after (TensorFlow's odd cell)
    assert conv.attrs["kernel"] == (3, 3, 2) and conv.attrs["padding"] == ((1, 1), (1, 1), (0, 1))


def test_every_unsupported_layer_is_listed():
    x = keras.Input((6, 6, 6, 2))
    y = layers.Conv3DTranspose(2, 3)(x)
    z = layers.Conv3DTranspose(2, 1, name="second")(x)
    with pytest.raises(UnsupportedModelError) as err:
        from_keras(keras.Model(x, [y, z]))
    assert len(err.value.problems) == 2
    assert "second" in str(err.value) and "Conv3DTranspose" in str(err.value)


def test_hostile_inputs_are_netir_errors(tmp_path):
    from netir.ir.errors import ArgumentError, FileError, SerializationError

    with pytest.raises(FileError) as err:
        from_keras(tmp_path / "missing.keras")
    assert "missing.keras" in str(err.value)
    bad = tmp_path / "bad.keras"
    bad.write_bytes(b"PK\x03\x04 not a zip at all")
    with pytest.raises(SerializationError) as err:
        from_keras(bad)
    assert "bad.keras" in str(err.value)
    with pytest.raises(ArgumentError):
        from_keras(object())

    class Subclassed(keras.Model):
        def __init__(self):
            super().__init__()
            self.fc = layers.Dense(2)

        def call(self, x):
            return self.fc(x)

    model = Subclassed()
    model(np.ones((1, 3), "float32"))
    with pytest.raises(UnsupportedModelError, match="subclassed"):
        from_keras(model)


def test_a_saved_keras_file_imports_like_the_model(tmp_path):
    x = keras.Input((6, 6, 2))
    model = keras.Model(x, layers.Dense(3)(layers.GlobalAveragePooling2D()(
        layers.Conv2D(4, 3, padding="same", activation="relu")(x))))
    path = tmp_path / "m.keras"
    model.save(path)
    g1, w1 = from_keras(model)
    g2, w2 = from_keras(path)
    assert g1.to_json() == g2.to_json()
    assert all(np.array_equal(w1[n][p], w2[n][p]) for n in w1 for p in w1[n])


def test_cropping_and_scaled_residuals():
    from keras.src.applications.inception_resnet_v2 import CustomScaleLayer

    x = keras.Input((9, 8, 3))
    y = layers.Conv2D(4, 3, padding="same")(x)
    z = layers.Cropping2D(((2, 1), (0, 3)))(y)
    w = layers.Cropping2D(((1, 2), (3, 0)))(y)
    out = CustomScaleLayer(0.17)([z, w])
    graph = _agree(keras.Model(x, out), (9, 8, 3))
    assert graph.outputs[0].shape == (4, 6, 5)
