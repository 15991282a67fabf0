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
from netir.emitters.registry import available  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from tests.emitters.test_ops_numeric import single  # noqa: E402

BACKENDS = [b for b in ("torch", "keras", "onnx", "reference") if available(b)]


def _w(weights, param="weight"):
    return torch.from_numpy(weights["y"][param])


# case -> (graph, functional(x, weights) -> tensor)
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
}


def _input(graph, seed=7):
    x = np.random.default_rng(seed).standard_normal((2, *graph.inputs[0].shape)) * 4
    return x.astype(np.float32)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_backend_computes_the_pytorch_functional_expression(case):
    graph, functional = CASES[case]
    weights = random_weights(graph, seed=3)
    x = _input(graph)
    expected = functional(torch.from_numpy(x), weights).numpy()
    scale = max(1.0, float(np.abs(expected).max()))
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, graph, weights, [x], ["y"])
        assert got.shape == expected.shape, backend
        assert float(np.abs(got - expected).max()) <= OP_TOLERANCE * scale, backend


@pytest.mark.parametrize("case", ["relu6", "hardtanh", "clip"])
def test_clipping_is_exact_in_every_backend(case):
    """Clipping computes no new value: every backend returns the input or a bound, to
    the bit (a shift-and-cap ReLU would round x - low + low)."""
    graph, functional = CASES[case]
    x = _input(graph, seed=11) / 7 + np.float32(0.1)
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
