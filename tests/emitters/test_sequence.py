"""conv1d on sequences (C, L) against plain PyTorch functional code on every backend
(1e-5, float32), and its rules: padding forms, output length, groups."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import netir  # noqa: E402
from netir.emitters.compare import OP_TOLERANCE, run_backend  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from netir.ir.errors import AttributeValueError, ShapeError  # noqa: E402
from tests.backends import usable_backends  # noqa: E402
from tests.emitters.test_ops_numeric import single  # noqa: E402

BACKENDS = usable_backends()

# case -> (input (C, L), out, kernel, IR attributes, F.conv1d keyword arguments, F.pad)
CASES = {
    "plain": ((3, 16), 4, 3, {}, {}, (0, 0)),
    "padded stride": ((3, 16), 4, 3, {"stride": 2, "padding": 1},
                      {"stride": 2, "padding": 1}, (0, 0)),
    "asymmetric padding": ((2, 10), 3, 2, {"padding": (0, 1)}, {}, (0, 1)),
    "same stride 2": ((3, 9), 2, 4, {"stride": 2, "padding": "same"}, {"stride": 2}, (1, 2)),
    "groups dilation stride": ((4, 17), 6, 3, {"stride": 2, "dilation": 2, "groups": 2,
                                               "padding": (2, 1)},
                               {"stride": 2, "dilation": 2, "groups": 2}, (2, 1)),
    "depthwise no bias": ((4, 9), 4, 3, {"groups": 4, "padding": 1, "bias": False},
                          {"groups": 4, "padding": 1}, (0, 0)),
    "one output, one channel": ((1, 5), 2, 3, {"stride": 3}, {"stride": 3}, (0, 0)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_backend_computes_the_pytorch_functional_expression(case):
    shape, out, kernel, attrs, functional, pad = CASES[case]
    graph = single("conv1d", shape, out, kernel, **attrs)
    weights = random_weights(graph, seed=3)["y"]
    x = (np.random.default_rng(7).standard_normal((2, *shape)) * 4).astype(np.float32)
    bias = torch.from_numpy(weights["bias"]) if "bias" in weights else None
    expected = F.conv1d(F.pad(torch.from_numpy(x), pad), torch.from_numpy(weights["weight"]),
                        bias, **functional).numpy()
    assert expected.shape[1:] == graph["y"].shape
    scale = max(1.0, float(np.abs(expected).max()))
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, graph, {"y": weights}, [x], ["y"])
        assert got.shape == expected.shape, backend
        assert float(np.abs(got - expected).max()) <= OP_TOLERANCE * scale, backend


def test_same_padding_puts_the_odd_cell_after():
    """TensorFlow's rule: total (⌈L/s⌉ − 1)·s + k − L, the odd cell after."""
    g = netir.Graph("t")
    y = g.conv1d(g.input((1, 9)), 1, 4, stride=2, padding="same")
    assert y.node.attrs["padding"] == (1, 2) and y.shape == (1, 5)
    y = g.conv1d(g.input((1, 10)), 1, 4, stride=2, padding="same")
    assert y.node.attrs["padding"] == (1, 1) and y.shape == (1, 5)


def test_conv1d_takes_sequences_only_and_names_bad_values():
    g = netir.Graph("t")
    with pytest.raises(ShapeError, match="layout CL"):
        g.conv1d(g.input((8, 4), layout="TC"), 4, 3, name="c")
    with pytest.raises(ShapeError, match="rank 2"):
        g.conv1d(g.input((3, 8, 8)), 4, 3, name="c")
    with pytest.raises(ShapeError, match="groups must divide") as e:
        g.conv1d(g.input((3, 8)), 4, 3, groups=2, name="grouped")
    assert "grouped (conv1d)" in str(e.value) and "in_channels=3" in str(e.value)
    with pytest.raises(ShapeError, match="larger than the padded input"):
        g.conv1d(g.input((3, 4)), 4, 3, dilation=3, name="wide")
    with pytest.raises(AttributeValueError, match="padding"):
        g.conv1d(g.input((3, 8)), 4, 3, padding=((1, 1), (1, 1)), name="pad")


def test_keras_conv1d_exact_layer_saves_and_loads(tmp_path):
    """Groups and a dilation with a stride use netir's Conv1DExact layer; it is
    registered, so a saved model loads with its weights and gives the same numbers."""
    keras = pytest.importorskip("keras")
    from netir.emitters.keras3 import import_weights, to_keras

    graph = single("conv1d", (4, 17), 6, 3, stride=2, dilation=2, groups=2)
    model = to_keras(graph)
    assert any(type(layer).__name__ == "Conv1DExact" for layer in model.layers)
    import_weights(model, random_weights(graph, seed=1))
    x = np.random.default_rng(0).standard_normal((2, 17, 4)).astype(np.float32)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(x)),
                                  keras.ops.convert_to_numpy(model(x)))
