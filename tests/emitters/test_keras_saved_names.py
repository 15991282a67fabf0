"""Keras models saved before the window layers took every rank hold ``netir>ConvExact``,
``netir>Conv1DExact``, ``netir>ConstantPad2D`` and ``netir>AdaptiveAvgPool2D`` with their
old configurations: each still deserializes and computes what PyTorch does."""

import numpy as np
import pytest

keras = pytest.importorskip("keras")
torch = pytest.importorskip("torch")
F = torch.nn.functional

import netir.emitters.keras3.lowerings  # noqa: E402, F401 - registers netir's layers


def _layer(name, config):
    cls = keras.saving.get_registered_object(f"netir>{name}")
    assert cls is not None, name
    return cls.from_config(config)


def _nhwc(x):
    return np.transpose(x, (0, 2, 3, 1))


def test_old_adaptive_pool_and_constant_pad_configurations_load():
    x = np.random.default_rng(0).standard_normal((2, 3, 5, 7)).astype(np.float32)
    pool = _layer("AdaptiveAvgPool2D", {"name": "p", "input_hw": [5, 7], "output_size": [2, 3]})
    got = keras.ops.convert_to_numpy(pool(_nhwc(x)))
    want = F.adaptive_avg_pool2d(torch.from_numpy(x), (2, 3)).numpy()
    np.testing.assert_allclose(got, _nhwc(want), rtol=1e-5, atol=1e-6)
    pad = _layer("ConstantPad2D", {"name": "q", "padding": [[1, 0], [0, 2]], "value": -1.5})
    got = keras.ops.convert_to_numpy(pad(_nhwc(x)))
    want = F.pad(torch.from_numpy(x), [0, 2, 1, 0], value=-1.5).numpy()
    np.testing.assert_array_equal(got, _nhwc(want))


def test_old_exact_convolution_configurations_load():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((2, 4, 9)).astype(np.float32)
    conv = _layer("Conv1DExact", {"name": "c", "filters": 6, "kernel_size": [3], "groups": 2,
                                  "dilation_rate": [2], "subsample": 2, "padding": "valid",
                                  "use_bias": False})
    out = conv(np.transpose(x, (0, 2, 1)))
    kernel = keras.ops.convert_to_numpy(conv.kernel)  # (k, in/groups, out)
    want = F.conv1d(torch.from_numpy(x), torch.from_numpy(kernel.transpose(2, 1, 0).copy()),
                    stride=2, dilation=2, groups=2).numpy()
    np.testing.assert_allclose(keras.ops.convert_to_numpy(out), want.transpose(0, 2, 1),
                               rtol=1e-5, atol=1e-5)
    assert type(_layer("ConvExact", {"name": "d", "filters": 4, "kernel_size": [3, 3],
                                     "groups": 2, "subsample": [1, 1]})).__name__ == "ConvExact"
