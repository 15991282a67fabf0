"""The ONNX emitter, op by op: checker, shape inference, onnxruntime against PyTorch
(1e-5), and values computed independently of every backend."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from onnx import shape_inference  # noqa: E402

import netir  # noqa: E402
from netir.emitters.compare import OP_TOLERANCE  # noqa: E402
from netir.emitters.onnx import DEFAULT_OPSET, MIN_OPSET, run, to_onnx  # noqa: E402
from netir.emitters.onnx.lowerings import LOWERINGS  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from netir.ir.registry import list_ops  # noqa: E402
from tests.emitters.test_ops_numeric import CASES, single  # noqa: E402

ONNX_CASES = {
    **CASES,
    # a ceil-mode window that reaches past the padded input, padding counted
    "avg pool ceil overhang include": single("avg_pool2d", (1, 6, 6), 3, 2, padding=1,
                                             ceil_mode=True),
    "avg pool ceil overhang asymmetric": single("avg_pool2d", (2, 6, 7), (3, 2), (2, 3),
                                                padding=((0, 2), (1, 0)), ceil_mode=True),
    "max pool ceil asymmetric": single("max_pool2d", (2, 6, 7), (3, 2), (2, 3),
                                       padding=((0, 2), (1, 0)), ceil_mode=True),
    "lrn even size 2": single("local_response_norm", (5, 2, 3), 2, alpha=0.3, k=1.5),
    "add of three": single("add", (3, 2, 2), inputs=3),
}


def _run_torch(graph, xs, weights, names):
    import torch

    from netir.emitters.pytorch import import_weights, to_torch

    model = to_torch(graph, names)
    import_weights(model, weights)
    model.eval()
    with torch.no_grad():
        out = model(*map(torch.from_numpy, xs))
    return [t.numpy() for t in (out if isinstance(out, tuple) else (out,))]


def _inferred_shapes(model) -> dict[str, tuple]:
    inferred = shape_inference.infer_shapes(model, check_type=True, strict_mode=True,
                                            data_prop=True)
    infos = [*inferred.graph.input, *inferred.graph.value_info, *inferred.graph.output]
    return {v.name: tuple(d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim)
            for v in infos}


@pytest.mark.parametrize("op", list_ops())
def test_every_builtin_op_has_an_onnx_lowering(op):
    assert op in LOWERINGS


def test_every_op_is_covered():
    assert {n.op for g in ONNX_CASES.values() for n in g.nodes} == set(list_ops())


@pytest.mark.parametrize("case", sorted(ONNX_CASES))
def test_checker_shape_inference_and_numbers(case):
    graph = ONNX_CASES[case]
    weights = random_weights(graph, seed=3)
    model = to_onnx(graph, weights=weights)
    onnx.checker.check_model(model, full_check=True)
    # (a) ONNX's own shape inference gives every IR node the IR's shape, batch symbolic
    shapes = _inferred_shapes(model)
    for node in graph.nodes:
        assert shapes[node.name] == ("batch", *node.shape), node.name
    # (b) every node's output agrees with PyTorch to 1e-5 relative
    names = [n.name for n in graph.nodes]
    rng = np.random.default_rng(4)
    xs = [rng.standard_normal((2, *n.shape)).astype(np.float32) for n in graph.inputs]
    ours = run(to_onnx(graph, names, weights=weights), xs)
    for name, a, b in zip(names, _run_torch(graph, xs, weights, names), ours):
        assert a.shape == b.shape, name
        scale = max(1.0, float(np.max(np.abs(a))))
        assert float(np.max(np.abs(a - b))) <= OP_TOLERANCE * scale, name


def _outputs(graph, x):
    return run(to_onnx(graph), [x])[0]


def test_max_pool_padding_never_wins_on_negative_inputs():
    g = single("max_pool2d", (2, 5, 5), 2, 2, padding=1, ceil_mode=True)
    x = -np.random.default_rng(0).uniform(1.0, 2.0, (1, 2, 5, 5)).astype(np.float32)
    out = _outputs(g, x)
    assert out.shape == (1, 2, 3, 3)  # the window starting in the padding is dropped
    assert (out < 0).all()            # zero padding would give 0 at the borders
    assert out[0, 0, 0, 0] == x[0, 0, 0, 0]  # corner window: the one real cell


def _padded_then_pooled(pool: str, pad: int, kernel: int):
    g = netir.Graph("padded_pool")
    x = g.zero_pad2d(g.input((2, 5, 5)), pad, name="pad")
    getattr(g, pool)(x, kernel, 1, name="pool")
    return g


def test_zero_padding_before_max_pool_stays_zero():
    """Zeros padded explicitly win a max over negative values; onnxruntime's Pad
    fusion would turn them into -inf padding of the pool."""
    x = -np.random.default_rng(0).uniform(1.0, 2.0, (1, 2, 5, 5)).astype(np.float32)
    out = _outputs(_padded_then_pooled("max_pool2d", 1, 3), x)
    assert out.shape == (1, 2, 5, 5)
    assert (out[..., 0, :] == 0).all() and (out[..., -1] == 0).all()
    assert out[0, 0, 2, 2] == x[0, 0, 1:4, 1:4].max()


@pytest.mark.parametrize("pad, kernel", [(1, 1), (2, 3)])
def test_zero_padding_wider_than_the_pool_window_loads(pad, kernel):
    """Padding at least the kernel's size before an average pool: a model that
    onnxruntime refused to load once it fused the Pad into the pool."""
    x = np.random.default_rng(1).standard_normal((1, 2, 5, 5)).astype(np.float32)
    out = _outputs(_padded_then_pooled("avg_pool2d", pad, kernel), x)
    padded = np.pad(x, ((0, 0), (0, 0), (pad, pad), (pad, pad)))
    k, n = kernel, 5 + 2 * pad - kernel + 1
    want = np.mean([padded[..., i:i + n, j:j + n] for i in range(k) for j in range(k)], axis=0)
    np.testing.assert_allclose(out, want, rtol=0, atol=1e-6)


@pytest.mark.parametrize("include, ceil, size, corner, last", [
    (True, False, 5, 4 / 9, 6 / 9),
    (False, False, 5, 1.0, 1.0),
    # 6 wide, ceil: windows at -1, 1, 3, 5; the last covers 5, 6(pad), 7(overhang):
    # the IR counts the cells inside the padded input (2), not the overhang
    (True, True, 6, 4 / 9, 1 / 2),
    (False, True, 6, 1.0, 1.0),
])
def test_avg_pool_divisor_on_ones(include, ceil, size, corner, last):
    g = single("avg_pool2d", (1, size, size), 3, 2, padding=1, count_include_pad=include,
               ceil_mode=ceil)
    out = _outputs(g, np.ones((1, 1, size, size), np.float32))
    assert out[0, 0, 0, 0] == pytest.approx(corner, abs=1e-6)
    assert out[0, 0, 1, 1] == pytest.approx(1.0, abs=1e-6)
    assert out[0, 0, 1, -1] == pytest.approx(last, abs=1e-6)


@pytest.mark.parametrize("n", [2, 3, 4, 5])
def test_lrn_matches_the_formula(n):
    """b_c = a_c / (k + alpha/n * sum of a_j^2, j in [c - n//2, c + (n-1)//2])^beta."""
    g = single("local_response_norm", (6, 1, 1), n, alpha=0.3, beta=0.75, k=2.0)
    a = np.arange(1, 7, dtype=np.float32).reshape(1, 6, 1, 1)
    v = a[0, :, 0, 0].astype(np.float64)
    expected = [v[c] / (2.0 + 0.3 / n * sum(v[j] ** 2 for j in range(
        max(0, c - n // 2), min(6, c + (n - 1) // 2 + 1)))) ** 0.75 for c in range(6)]
    np.testing.assert_allclose(_outputs(g, a)[0, :, 0, 0], expected, rtol=1e-5)


def test_adaptive_pool_averages_pytorch_bins():
    g = single("adaptive_avg_pool2d", (1, 1, 5), (1, 3))
    x = np.array([1, 2, 4, 8, 16], np.float32).reshape(1, 1, 1, 5)
    # bins [0, 2), [1, 4), [3, 5)
    np.testing.assert_allclose(_outputs(g, x)[0, 0, 0], [1.5, 14 / 3, 12.0], rtol=1e-6)


def test_same_padding_puts_the_odd_pixel_after():
    g = single("conv2d", (1, 4, 4), 1, 3, stride=2, padding="same", bias=False)
    w = np.zeros((1, 1, 3, 3), np.float32)
    w[0, 0, 0, 0] = 1.0  # picks the top-left cell of each window
    x = np.arange(16, dtype=np.float32).reshape(1, 1, 4, 4) + 1
    out = run(to_onnx(g, weights={"y": {"weight": w}}), [x])[0]
    assert out[0, 0].tolist() == [[1.0, 3.0], [9.0, 11.0]]


@pytest.mark.parametrize("case", ["max pool ceil dropped", "avg pool ceil overhang include",
                                  "lrn even size", "adaptive uneven", "global avg pool",
                                  "dropout", "zero pad", "softmax width", "gelu erf",
                                  "gelu tanh", "mish", "hardswish", "prelu per channel",
                                  "group norm", "instance norm affine", "slice width step",
                                  "channel shuffle", "mean keepdims", "mul squeeze-excitation gate",
                                  "stochastic depth"])
def test_oldest_supported_opset_gives_the_same_numbers(case):
    graph = ONNX_CASES[case]
    old = to_onnx(graph, opset=MIN_OPSET)
    onnx.checker.check_model(old, full_check=True)
    rng = np.random.default_rng(5)
    xs = [rng.standard_normal((2, *n.shape)).astype(np.float32) for n in graph.inputs]
    new = run(to_onnx(graph), xs)[0]
    np.testing.assert_allclose(run(old, xs)[0], new, rtol=0, atol=OP_TOLERANCE)


def test_windows_have_explicit_pads_and_floor_mode():
    for graph in ONNX_CASES.values():
        for node in to_onnx(graph).graph.node:
            attrs = {a.name: a for a in node.attribute}
            assert "auto_pad" not in attrs, node.name
            if node.op_type in ("Conv", "MaxPool", "AveragePool"):
                assert "pads" in attrs, node.name
                assert attrs.get("ceil_mode") is None or attrs["ceil_mode"].i == 0


def test_only_standard_onnx_ops_at_the_declared_opset():
    model = to_onnx(ONNX_CASES["lrn even size"])
    assert [(o.domain, o.version) for o in model.opset_import] == [("", DEFAULT_OPSET)]
    for graph in ONNX_CASES.values():
        for node in to_onnx(graph).graph.node:
            assert node.domain == ""
            assert onnx.defs.has(node.op_type, DEFAULT_OPSET), node.op_type


def test_an_op_without_lowering_is_named(monkeypatch):
    g = single("relu", (3,))
    monkeypatch.delitem(LOWERINGS, "relu")
    with pytest.raises(netir.UnsupportedOpError, match=r"^y \(relu\): the onnx emitter"):
        to_onnx(g)


def test_opset_out_of_range_is_refused():
    g = single("relu", (3,))
    with pytest.raises(netir.NetIRError, match="opsets 18..26") as err:
        to_onnx(g, opset=13)
    assert err.value.got == 13
