"""The NumPy reference backend against PyTorch and Keras, op by op (1e-5, float32), and
against values computed by hand for every semantic trap."""

import subprocess
import sys

import numpy as np
import pytest

import netir
from netir.emitters.compare import OP_TOLERANCE, run_backend
from netir.emitters.reference import Run, count_params, execute, export_weights, to_reference
from netir.emitters.weights import random_weights
from tests.emitters.test_ops_numeric import CASES, single


def _x(graph, batch=2, seed=1):
    return np.random.default_rng(seed).standard_normal(
        (batch, *graph.inputs[0].shape)).astype(np.float32)


def _xs(graph, batch=2, seed=1):
    """One array per graph input."""
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((batch, *n.shape)).astype(np.float32) for n in graph.inputs]


def _close(a, b, tolerance=OP_TOLERANCE):
    assert a.shape == b.shape
    err = float(np.max(np.abs(a - b))) if a.size else 0.0
    assert err <= tolerance * max(1.0, float(np.max(np.abs(a)))), err


@pytest.mark.parametrize("case", sorted(CASES))
def test_reference_agrees_with_torch_and_keras(case):
    graph = CASES[case]
    weights, xs = random_weights(graph, seed=3), _xs(graph)
    names = [n.name for n in graph.nodes]
    t_np, _ = run_backend("torch", graph, weights, xs, names)
    k_np, _ = run_backend("keras", graph, weights, xs, names)
    r_np = execute(to_reference(graph, names, weights=weights), xs)
    for name, r, t, k in zip(names, r_np, t_np, k_np):
        assert r.dtype == np.float32, name
        _close(t, r)
        _close(k, r)


def _run(graph, x, weights=None, dtype=np.float32):
    return execute(to_reference(graph, dtype=dtype,
                                weights=weights or random_weights(graph)), [x])[0]


def test_max_pool_padding_never_wins():
    g = single("max_pool2d", (1, 4, 4), 3, 2, padding=1)
    x = -np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
    # windows rows/cols [-1, 2) and [1, 4): the max is each window's top-left real cell
    # (cells (0, 0), (0, 1), (1, 0), (1, 1)); zero padding would give 0 at the borders
    assert _run(g, x)[0, 0].tolist() == [[-1.0, -2.0], [-5.0, -6.0]]


@pytest.mark.parametrize("include, corner, edge", [(True, 4 / 9, 6 / 9), (False, 1.0, 1.0)])
def test_avg_pool_divisor(include, corner, edge):
    g = single("avg_pool2d", (1, 5, 5), 3, 2, padding=1, count_include_pad=include)
    out = _run(g, np.ones((1, 1, 5, 5), np.float32))[0, 0]
    assert out[0, 0] == pytest.approx(corner) and out[0, 1] == pytest.approx(edge)
    assert out[1, 1] == pytest.approx(1.0)


def test_ceil_mode_window_beyond_the_padding_does_not_count():
    # 5 wide, kernel 2, stride 2, ceil: the last window holds one real cell and one cell
    # past the input that is not padding, so it divides by 1 even with count_include_pad
    g = single("avg_pool2d", (1, 1, 5), (1, 2), (1, 2), ceil_mode=True,
               count_include_pad=True)
    x = np.array([[[[1.0, 3.0, 5.0, 7.0, 9.0]]]], np.float32)
    assert _run(g, x)[0, 0, 0].tolist() == [2.0, 6.0, 9.0]


def test_ceil_mode_drops_a_window_starting_in_the_padding():
    g = single("max_pool2d", (1, 5, 5), 2, 2, padding=1, ceil_mode=True)
    assert _run(g, np.zeros((1, 1, 5, 5), np.float32)).shape == (1, 1, 3, 3)


def test_same_padding_puts_the_odd_pixel_after():
    g = single("conv2d", (1, 4, 4), 1, 3, stride=2, padding="same", bias=False)
    w = np.zeros((1, 1, 3, 3), np.float32)
    w[0, 0, 0, 0] = 1.0  # picks the top-left cell of each window
    x = np.arange(1, 17, dtype=np.float32).reshape(1, 1, 4, 4)
    assert _run(g, x, {"y": {"weight": w}})[0, 0].tolist() == [[1.0, 3.0], [9.0, 11.0]]


def test_groups_see_only_their_channels():
    g = single("conv2d", (2, 1, 1), 2, 1, groups=2, bias=False)
    w = np.array([[[[2.0]]], [[[3.0]]]], np.float32)
    x = np.array([5.0, 7.0], np.float32).reshape(1, 2, 1, 1)
    assert _run(g, x, {"y": {"weight": w}}).ravel().tolist() == [10.0, 21.0]


def test_lrn_formula():
    g = single("local_response_norm", (5, 1, 1), 4, alpha=0.3, beta=0.75, k=2.0)
    a = np.arange(1, 6, dtype=np.float64)
    # n = 4: channels c - 2 .. c + 1
    expected = [a[c] / (2.0 + 0.3 / 4 * sum(a[j] ** 2 for j in range(max(0, c - 2),
                                                                      min(5, c + 2)))) ** 0.75
                for c in range(5)]
    out = _run(g, a.reshape(1, 5, 1, 1), dtype=np.float64)
    np.testing.assert_allclose(out.ravel(), expected, rtol=1e-12)


def test_flatten_order_is_channel_height_width():
    x = np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3)
    np.testing.assert_array_equal(_run(single("flatten", (2, 2, 3)), x)[0], np.arange(12))


def test_dropout_is_identity_in_both_modes():
    g = single("dropout", (3,), 0.9)
    x = _x(g)
    model = to_reference(g)
    for training in (False, True):
        np.testing.assert_array_equal(execute(model, [x], run=Run(training))[0], x)


def test_batch_norm_inference_uses_eps_and_running_statistics():
    g = single("batch_norm", (1,), eps=0.5)
    w = {"y": {"weight": np.array([2.0]), "bias": np.array([1.0]),
               "running_mean": np.array([3.0]), "running_var": np.array([1.5])}}
    out = _run(g, np.array([[5.0]]), w, dtype=np.float64)
    assert out.item() == pytest.approx(2.0 * (5.0 - 3.0) / np.sqrt(2.0) + 1.0)


@pytest.mark.parametrize("shape", [(3, 4, 5), (6,)])
def test_batch_norm_training_pass_matches_torch(shape):
    import torch

    from netir.emitters.pytorch import export_weights as torch_export
    from netir.emitters.pytorch import import_weights as torch_import
    from netir.emitters.pytorch import to_torch

    g = single("batch_norm", shape, momentum=0.3, eps=1e-3)
    weights = random_weights(g, seed=2)
    x = np.random.default_rng(4).standard_normal((3, *shape)) * 2 + 1
    tm = to_torch(g).double()
    torch_import(tm, weights)
    tm.train()
    with torch.no_grad():
        expected = tm(torch.from_numpy(x)).numpy()
    model = to_reference(g, dtype=np.float64, weights=weights)
    run = Run(training=True)
    np.testing.assert_allclose(execute(model, [x], run=run)[0], expected, rtol=1e-12,
                               atol=1e-12)
    for param, value in torch_export(tm)["y"].items():  # unbiased running variance
        np.testing.assert_allclose(export_weights(model)["y"][param], value, rtol=1e-6)
    np.testing.assert_allclose(run.batch_stats["y"]["var"],
                               x.var(axis=(0, *range(2, x.ndim))), rtol=1e-12)


def test_float64_is_float32_to_float32_precision():
    from netir.architectures import build

    g = build("resnet18", input_size=32)
    x = _x(g, batch=1)
    out32, out64 = _run(g, x), _run(g, x, dtype=np.float64)
    assert out32.dtype == np.float32 and out64.dtype == np.float64
    _close(out64, out32, 1e-4)


def test_several_inputs_and_outputs():
    g = netir.Graph("two")
    a, b = g.input((3,), name="a"), g.input((3,), name="b")
    s = g.add(a, b, name="s")
    g.output(g.relu(s, name="r"), s)
    x, y = np.array([[1.0, -2.0, 3.0]]), np.array([[-4.0, 1.0, 1.0]])
    r, s = execute(to_reference(g, dtype=np.float64), [x, y])
    assert r.tolist() == [[0.0, 0.0, 4.0]] and s.tolist() == [[-3.0, -1.0, 4.0]]


def test_bad_inputs_name_the_input_node():
    g = single("relu", (3, 4, 4))
    model = to_reference(g)
    with pytest.raises(netir.NetIRError, match=r"x \(input\): input must be \(batch, 3, 4, 4\)"):
        execute(model, [np.zeros((1, 4, 4, 3), np.float32)])
    with pytest.raises(netir.NetIRError, match="list of 1 input"):
        execute(model, np.zeros((1, 3, 4, 4), np.float32))


def test_weights_are_checked_strictly():
    g = single("dense", (4,), 3)
    with pytest.raises(netir.NetIRError, match=r"y \(dense\): shape of 'weight'"):
        to_reference(g, weights={"y": {"weight": np.zeros((4, 3)), "bias": np.zeros(3)}})
    with pytest.raises(netir.NetIRError, match="weights lack 'bias'"):
        to_reference(g, weights={"y": {"weight": np.zeros((3, 4))}})
    with pytest.raises(netir.NetIRError, match="no weighted node"):
        to_reference(g, weights={**random_weights(g), "z": {"weight": np.zeros(1)}})
    with pytest.raises(netir.NetIRError, match="float32 or float64"):
        to_reference(g, dtype=np.float16)


def test_counts_match_the_ir():
    from netir.architectures import build

    g = build("densenet121", input_size=32)
    assert count_params(to_reference(g)) == g.count_params()


def test_needs_numpy_only():
    code = ("import sys, numpy as np; import netir; from netir.architectures import build; "
            "from netir.emitters.reference import to_reference, execute; "
            "g = build('lenet5'); "
            "execute(to_reference(g), [np.zeros((1, 1, 32, 32), np.float32)]); "
            "print(sorted(m for m in ('torch', 'tensorflow', 'keras', 'jax') "
            "if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
