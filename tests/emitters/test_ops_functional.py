"""The ops of modern networks against plain PyTorch functional code (1e-5, float32).

Each case is one op built with the builder and the expression a PyTorch user would
write for it; every backend (PyTorch, Keras, ONNX, the NumPy reference) must give that
expression's numbers on the same weights. The functional expression is written here,
independently of the lowerings, so a backend cannot agree with a wrong lowering.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

from netir.emitters.compare import OP_TOLERANCE, run_backend  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from tests.backends import usable_backends  # noqa: E402
from tests.emitters.test_ops_numeric import binary, single  # noqa: E402

BACKENDS = usable_backends()


def _w(weights, param="weight"):
    return torch.from_numpy(weights["y"][param])


# case -> (graph, functional(*inputs, weights) -> tensor)
CASES = {
    "relu6": (single("relu6", (3, 4, 4)), lambda x, w: F.relu6(x)),
    "hardtanh": (single("hardtanh", (3, 4, 4), -0.5, 0.25), lambda x, w: F.hardtanh(x, -0.5, 0.25)),
    "clip": (single("clip", (3, 4, 4), -0.3, None), lambda x, w: torch.clamp(x, min=-0.3)),
    "leaky_relu": (single("leaky_relu", (3, 4, 4), 0.1), lambda x, w: F.leaky_relu(x, 0.1)),
    "elu": (single("elu", (3, 4, 4), 0.5), lambda x, w: F.elu(x, 0.5)),
    "gelu erf": (single("gelu", (3, 4, 4)), lambda x, w: F.gelu(x)),
    "gelu tanh": (single("gelu", (3, 4, 4), "tanh"), lambda x, w: F.gelu(x, approximate="tanh")),
    "silu": (single("silu", (3, 4, 4)), lambda x, w: F.silu(x)),
    "hardswish": (single("hardswish", (3, 4, 4)), lambda x, w: F.hardswish(x)),
    "hardsigmoid": (single("hardsigmoid", (8,)), lambda x, w: F.hardsigmoid(x)),
    "mish": (single("mish", (3, 4, 4)), lambda x, w: F.mish(x)),
    "softplus": (single("softplus", (3, 4, 4)), lambda x, w: F.softplus(x)),
    "prelu": (single("prelu", (3, 4, 4), 3), lambda x, w: F.prelu(x, _w(w))),
    "prelu features": (single("prelu", (5,)), lambda x, w: F.prelu(x, _w(w))),
    "mul squeeze-excitation": (binary("mul", (4, 3, 5), (4, 1, 1)), lambda a, b, w: a * b),
    "sub broadcast": (binary("sub", (2, 1, 4), (2, 3, 1)), lambda a, b, w: a - b),
    "div": (binary("div", (3, 4, 5), (1, 4, 1)), lambda a, b, w: a / b),
    "div scalar": (single("div", (3, 4, 4), scalar=3.0), lambda x, w: x / 3.0),
    "maximum": (binary("maximum", (1, 3, 3), (4, 3, 3)), lambda a, b, w: torch.maximum(a, b)),
    "minimum scalar": (single("minimum", (5,), scalar=-0.2),
                       lambda x, w: torch.clamp(x, max=-0.2)),
    "mean": (single("mean", (4, 3, 5), (1, 2), keepdims=True),
             lambda x, w: x.mean(dim=(2, 3), keepdim=True)),
    "sum": (single("sum", (4, 3, 5), (0, 1)), lambda x, w: x.sum(dim=(1, 2))),
    "max": (single("max", (4, 3, 5), 0, keepdims=True), lambda x, w: x.amax(1, keepdim=True)),
    "global max pool": (single("global_max_pool", (3, 5, 4)), lambda x, w: x.amax((2, 3))),
    "channel shuffle": (single("channel_shuffle", (6, 2, 3), 2),
                        lambda x, w: F.channel_shuffle(x, 2)),
    "chunk first half": (single("slice", (6, 3, 3), 0, 0, 3), lambda x, w: x.chunk(2, 1)[0]),
    "slice width": (single("slice", (3, 4, 7), 2, 1, 6, 2), lambda x, w: x[:, :, :, 1:6:2]),
    "group norm": (single("group_norm", (6, 3, 4), 3),
                   lambda x, w: F.group_norm(x, 3, _w(w), _w(w, "bias"))),
    "instance norm": (single("instance_norm", (3, 4, 5), affine=True, eps=1e-3),
                      lambda x, w: F.instance_norm(x, weight=_w(w), bias=_w(w, "bias"),
                                                   eps=1e-3)),
    "stochastic depth": (single("stochastic_depth", (3, 4, 4), 0.5), lambda x, w: x),
}


def _inputs(graph, seed=7):
    rng = np.random.default_rng(seed)
    return [(rng.standard_normal((2, *n.shape)) * 4).astype(np.float32) for n in graph.inputs]


def assert_backends_compute(graph, functional, xs) -> None:
    """Every available backend's output ``y`` equals ``functional(*inputs, weights)``
    (plain PyTorch) within OP_TOLERANCE of its scale, on the same random weights."""
    weights = random_weights(graph, seed=3)
    expected = functional(*map(torch.from_numpy, xs), weights).numpy()
    scale = max(1.0, float(np.abs(expected).max()))
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, graph, weights, xs, ["y"])
        assert got.shape == expected.shape, backend
        assert float(np.abs(got - expected).max()) <= OP_TOLERANCE * scale, backend


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_backend_computes_the_pytorch_functional_expression(case):
    graph, functional = CASES[case]
    assert_backends_compute(graph, functional, _inputs(graph))


@pytest.mark.parametrize("case", ["relu6", "hardtanh", "clip"])
def test_clipping_is_exact_in_every_backend(case):
    """Clipping computes no new value: every backend returns the input or a bound, to
    the bit (a shift-and-cap ReLU would round x - low + low)."""
    graph, functional = CASES[case]
    x = _inputs(graph, seed=11)[0] / 7 + np.float32(0.1)
    expected = functional(torch.from_numpy(x), None).numpy()
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, graph, {}, [x], ["y"])
        np.testing.assert_array_equal(got, expected, err_msg=backend)


def test_gelu_form_is_the_stated_one():
    """The erf and tanh forms differ by up to ~5e-4 near |x| = 2; each backend gives
    the form the node states (keras.ops.gelu alone would give tanh for both)."""
    x = np.linspace(-3, 3, 61, dtype=np.float32).reshape(1, 61)
    erf = F.gelu(torch.from_numpy(x)).numpy()
    tanh = F.gelu(torch.from_numpy(x), approximate="tanh").numpy()
    assert np.abs(erf - tanh).max() > 1e-4
    for form, expected in (("none", erf), ("tanh", tanh)):
        graph = single("gelu", (61,), form)
        for backend in BACKENDS:
            (got,), _ = run_backend(backend, graph, {}, [x], ["y"])
            np.testing.assert_allclose(got, expected, rtol=0, atol=1e-6, err_msg=backend)


def test_hardsigmoid_is_relu6_of_x_plus_3_over_6():
    """At x = 1: 4/6 (PyTorch, Keras 3), not Keras 2's 0.2 + 0.5 = 0.7; at 2.9 still
    below 1 (Keras 2 saturates from 2.5)."""
    x = np.array([[-4.0, -3.0, 0.0, 1.0, 2.9, 3.0, 5.0]], np.float32)
    expected = np.clip(x + 3, 0, 6) / 6
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, single("hardsigmoid", (7,)), {}, [x], ["y"])
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-7, err_msg=backend)
        assert got[0, 3] == pytest.approx(4 / 6, abs=1e-7), backend


def test_channel_shuffle_is_torchvisions_permutation():
    """torchvision: view(n, g, c/g, h, w).transpose(1, 2): with 6 channels and 3
    groups, output channels read inputs 0, 2, 4, 1, 3, 5."""
    graph = single("channel_shuffle", (6, 1, 1), 3)
    x = np.arange(6, dtype=np.float32).reshape(1, 6, 1, 1)
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, graph, {}, [x], ["y"])
        assert got[0, :, 0, 0].tolist() == [0, 2, 4, 1, 3, 5], backend


@pytest.mark.parametrize("mode", ["row", "batch"])
def test_stochastic_depth_drops_rows_in_training_and_nothing_in_eval(mode):
    """torchvision.ops.stochastic_depth: each sample (row) or the whole batch is zero
    or divided by 1 - p; eval is the identity. Run in train mode in PyTorch and Keras."""
    import keras

    from netir.emitters.keras3 import to_keras
    from netir.emitters.pytorch import to_torch

    graph = single("stochastic_depth", (2, 3, 3), 0.5, mode)
    x = np.random.default_rng(0).uniform(1, 2, (400, 2, 3, 3)).astype(np.float32)
    module = to_torch(graph)
    np.testing.assert_array_equal(module(torch.from_numpy(x)).numpy(), x)
    torch.manual_seed(0)
    trained = module.train()(torch.from_numpy(x)).numpy()
    keras_model = to_keras(graph)
    kept = keras.ops.convert_to_numpy(keras_model(np.transpose(x, (0, 2, 3, 1)),
                                                  training=True))
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(keras_model(
        np.transpose(x, (0, 2, 3, 1)))), np.transpose(x, (0, 2, 3, 1)))
    for out, data in ((trained, x), (kept, np.transpose(x, (0, 2, 3, 1)))):
        rows = out.reshape(len(out), -1) / data.reshape(len(data), -1)
        # every sample is dropped whole (0) or scaled whole by 1 / (1 - p) = 2
        assert set(np.unique(np.round(rows, 5))) <= {0.0, 2.0}
        assert np.all(rows.min(axis=1) == rows.max(axis=1))
        dropped = (rows[:, 0] == 0).mean()
        if mode == "row":
            assert 0.35 < dropped < 0.65  # about p of 400 rows
        else:
            assert dropped in (0.0, 1.0)
