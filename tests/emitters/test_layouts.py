"""Keras' physical layouts: features last, transposes only where the order matters."""

import numpy as np
import pytest

import netir
from netir.emitters.keras3 import to_keras
from netir.emitters.keras3.layouts import (
    count_transposes,
    keras_axis,
    keras_batch_axis,
    keras_order,
    keras_shape,
)
from netir.emitters.keras3.weights import keras_layout, to_keras_layout, to_neutral_layout


def test_keras_holds_features_last_and_maps_logical_axes():
    assert keras_shape((3, 8, 9), "CHW") == (8, 9, 3)
    assert keras_shape((3, 7), "CL") == (7, 3)
    assert keras_shape((7, 3), "TC") == (7, 3)
    assert keras_shape((2, 4, 5, 6), "CDHW") == (4, 5, 6, 2)
    assert [keras_axis(a, "CHW") for a in range(3)] == [-1, 1, 2]
    assert [keras_axis(a, "TC") for a in range(2)] == [1, -1]
    assert [keras_axis(a, "CL") for a in range(2)] == [-1, 1]


def test_batch_first_axes_map_to_keras_axes():
    """A plan's axes count the batch as 0: a map is held (N, H, W, C), so Keras axis 1
    holds logical axis 2 (H), and the features (logical 1) are Keras' -1."""
    assert keras_order("CHW") == (0, 2, 3, 1)
    assert keras_order("TC") == (0, 1, 2)
    assert keras_order("CDHW") == (0, 2, 3, 4, 1)
    assert [keras_batch_axis(a, "CHW") for a in range(4)] == [0, -1, 1, 2]
    assert [keras_batch_axis(a, "TC") for a in range(3)] == [0, 1, -1]
    assert [keras_batch_axis(a, "CL") for a in range(3)] == [0, -1, 1]


def _graph(shape, layout, body):
    g = netir.Graph("g")
    body(g, g.input(shape, layout=layout))
    return g


@pytest.mark.parametrize(("shape", "layout", "body", "transposes"), [
    # a map flattened for a dense head: one transpose back to C, H, W order
    ((3, 4, 4), None, lambda g, x: g.dense(g.flatten(g.conv2d(x, 4, 3)), 2), 1),
    # global pooling first: the flatten sees one position, no transpose
    ((3, 4, 4), None, lambda g, x: g.dense(g.flatten(g.global_avg_pool(x)), 2), 0),
    # tokens are held as they are: flatten, softmax and concat need none
    ((5, 4), "TC", lambda g, x: g.flatten(g.concat(g.softmax(x, axis=0), x, axis=0)), 0),
    # a sequence is held (L, C): flattening it in C, L order takes one
    ((4, 5), None, lambda g, x: g.flatten(g.relu(x)), 1),
])
def test_transposes_are_counted_where_the_logical_order_matters(shape, layout, body,
                                                                transposes):
    assert count_transposes(to_keras(_graph(shape, layout, body))) == transposes


def test_lenet_holds_no_transpose():
    """LeNet-5 flattens a 120×1×1 map: one position, so the order is moot."""
    assert count_transposes(to_keras(netir.build("lenet5"))) == 0


def test_run_takes_and_returns_the_logical_order_for_every_layout():
    g = netir.Graph("g")
    t, s = g.input((5, 3), layout="TC"), g.input((3, 5))
    g.output(g.softmax(t, axis=0), g.relu(s))
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((2, 5, 3)).astype(np.float32),
          rng.standard_normal((2, 3, 5)).astype(np.float32)]
    backend = netir.emitters.registry.get_backend("keras")
    outs = backend.run(backend.emit(g), xs)
    e = np.exp(xs[0] - xs[0].max(axis=1, keepdims=True))
    np.testing.assert_allclose(outs[0], e / e.sum(axis=1, keepdims=True), rtol=1e-5)
    np.testing.assert_array_equal(outs[1], np.maximum(xs[1], 0))


def test_patch_tokens_need_no_transpose_in_keras_and_agree_on_every_backend():
    """The README's patch embedding: conv, to_tokens, layer_norm over the token features,
    from_tokens; Keras' (H, W, C) is already the token order."""
    from netir.emitters.compare import OP_TOLERANCE, compare
    from tests.backends import usable_backends

    g = netir.Graph("patches")
    x = g.conv2d(g.input((3, 8, 8)), 6, 4, stride=4)
    g.from_tokens(g.layer_norm(g.to_tokens(x), eps=1e-6), 2, 2)
    assert count_transposes(to_keras(g)) == 0
    report = compare(g, tolerance=OP_TOLERANCE, backends=usable_backends())
    assert [r.backend for r in report.results] == usable_backends()
    assert report.passed, str(report)


@pytest.mark.parametrize(("neutral", "expected"), [
    ("OIL", "LIO"), ("OIHW", "HWIO"), ("OIDHW", "DHWIO"),
    ("IOL", "LOI"), ("IOHW", "HWOI"), ("IODHW", "DHWOI"),
    ("OI", "IO"), ("O", "O"), ("C", "C"),
])
def test_kernel_layouts_follow_the_rank(neutral, expected):
    assert keras_layout(neutral) == expected


def test_a_neutral_conv3d_kernel_computes_torch_conv3d_in_keras():
    """Neutral OIDHW weights converted to Keras' layout give torch's conv3d."""
    import keras
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    x = rng.standard_normal((2, 3, 5, 6, 7)).astype(np.float32)  # N, C, D, H, W
    weight = rng.standard_normal((4, 3, 2, 3, 2)).astype(np.float32)  # O, I, D, H, W
    bias = rng.standard_normal(4).astype(np.float32)
    conv = keras.layers.Conv3D(4, (2, 3, 2))
    conv.build((None, 5, 6, 7, 3))
    conv.set_weights([to_keras_layout(weight, "OIDHW"), bias])
    got = keras.ops.convert_to_numpy(conv(np.transpose(x, (0, 2, 3, 4, 1))))
    expected = F.conv3d(torch.from_numpy(x), torch.from_numpy(weight),
                        torch.from_numpy(bias)).numpy()
    np.testing.assert_allclose(np.transpose(got, (0, 4, 1, 2, 3)), expected,
                               rtol=1e-5, atol=1e-5)
    back = to_neutral_layout(to_keras_layout(weight, "OIDHW"), "OIDHW")
    assert np.array_equal(back, weight)
