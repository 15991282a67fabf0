"""Per op, each registered backend's lowering against the IR's shape and the float64
reference (1e-5).

Cases cover every row of DESIGN.md's semantics table; a few also check a value
computed independently of both backends, so they cannot agree on a wrong answer.
"""

import numpy as np
import pytest

import netir
from netir.emitters.compare import OP_TOLERANCE, compare, run_backend
from netir.emitters.weights import random_weights
from netir.ir.registry import list_ops
from tests.backends import usable_backends

BACKENDS = usable_backends()


def single(op, shape, *args, inputs=1, layout=None, **attrs):
    g = netir.Graph(op)
    x = g.input(shape, name="x", layout=layout)
    ins = [x] * inputs if inputs > 1 else [x]
    getattr(g, op)(*ins, *args, name="y", **attrs)
    return g


CASES = {
    "conv same stride 2 even": single("conv2d", (3, 8, 8), 4, 3, stride=2, padding="same"),
    "conv same stride 2 odd": single("conv2d", (3, 9, 7), 4, 3, stride=2, padding="same"),
    "conv asymmetric explicit": single("conv2d", (2, 6, 5), 3, (2, 3), padding=((0, 2), (1, 0))),
    "conv groups": single("conv2d", (4, 7, 7), 6, 3, groups=2),
    "conv depthwise": single("conv2d", (4, 7, 7), 8, 3, groups=4, stride=2),
    "conv depthwise dilated": single("conv2d", (3, 9, 9), 6, 3, groups=3, dilation=2,
                                     stride=2, padding=2),
    "conv depthwise unequal strides": single("conv2d", (2, 8, 9), 2, (1, 3), groups=2,
                                             stride=(2, 1), padding=(0, 1)),
    "conv dilation stride": single("conv2d", (3, 11, 11), 2, 3, dilation=2, stride=2),
    "conv one channel stride to 1 col": single("conv2d", (1, 3, 3), 2, (1, 2), stride=2),
    "conv no bias": single("conv2d", (3, 5, 5), 2, 1, bias=False),
    "max pool padded": single("max_pool2d", (3, 6, 6), 3, 2, padding=1),
    "max pool asymmetric same": single("max_pool2d", (3, 8, 8), 3, 2, padding="same"),
    "max pool ceil": single("max_pool2d", (2, 6, 6), 3, 2, ceil_mode=True),
    "max pool ceil dropped": single("max_pool2d", (2, 5, 5), 2, 2, padding=1, ceil_mode=True),
    "avg pool include pad": single("avg_pool2d", (2, 6, 6), 3, 2, padding=1),
    "avg pool exclude pad": single("avg_pool2d", (2, 6, 6), 3, 2, padding=1,
                                   count_include_pad=False),
    "avg pool same exclude": single("avg_pool2d", (2, 7, 8), 3, 2, padding="same",
                                    count_include_pad=False),
    "avg pool ceil": single("avg_pool2d", (2, 7, 7), 2, 2, ceil_mode=True),
    "avg pool ceil padded": single("avg_pool2d", (1, 5, 5), 3, 2, padding=1, ceil_mode=True,
                                   count_include_pad=False),
    "batch norm 2d eps": single("batch_norm", (3, 4, 4), eps=1e-3, momentum=0.3),
    "batch norm 1d": single("batch_norm", (7,)),
    "lrn": single("local_response_norm", (7, 3, 3), 5, alpha=1e-2, beta=0.75, k=2.0),
    "lrn even size": single("local_response_norm", (6, 2, 2), 4, alpha=0.5),
    "relu": single("relu", (3, 4, 4)),
    "hardtanh": single("hardtanh", (3, 4, 4), -0.5, 0.25),
    "tanh": single("tanh", (3, 4, 4)),
    "sigmoid": single("sigmoid", (5,)),
    "softmax channels": single("softmax", (4, 3, 3)),
    "softmax width": single("softmax", (4, 3, 3), axis=2),
    "global avg pool": single("global_avg_pool", (3, 5, 4)),
    "adaptive divisible": single("adaptive_avg_pool2d", (3, 8, 8), 4),
    "adaptive upsample": single("adaptive_avg_pool2d", (3, 2, 3), (7, 5)),
    "adaptive uneven": single("adaptive_avg_pool2d", (3, 5, 7), 3),
    "flatten": single("flatten", (3, 4, 5)),
    "dropout": single("dropout", (3, 4, 4), 0.5),
    "add": single("add", (3, 4, 4), inputs=2),
    "concat": single("concat", (3, 4, 4), inputs=3),
    "zero pad": single("zero_pad2d", (2, 3, 3), ((1, 0), (2, 3))),
    "relu6": single("relu6", (3, 4, 4)),
    "clip both": single("clip", (3, 4, 4), -0.5, 0.25),
    "clip below only": single("clip", (6,), min=0.1),
    "clip above only": single("clip", (3, 4, 4), max=-0.2),
    "leaky relu": single("leaky_relu", (3, 4, 4), 0.2),
    "leaky relu steep": single("leaky_relu", (5,), 1.5),
    "elu": single("elu", (3, 4, 4), 0.7),
    "gelu erf": single("gelu", (3, 4, 4)),
    "gelu tanh": single("gelu", (3, 4, 4), "tanh"),
    "silu": single("silu", (3, 4, 4)),
    "hardswish": single("hardswish", (3, 4, 4)),
    "hardsigmoid": single("hardsigmoid", (3, 4, 4)),
    "mish": single("mish", (3, 4, 4)),
    "softplus": single("softplus", (3, 4, 4)),
    "prelu shared": single("prelu", (3, 4, 4)),
    "prelu per channel": single("prelu", (3, 4, 4), 3),
    "prelu features": single("prelu", (5,), 5),
    # layouts other than (C,) and (C, H, W): Keras holds CL, CDHW features last
    "softmax tokens features": single("softmax", (5, 4), axis=1, layout="TC"),
    "softmax tokens": single("softmax", (5, 4), axis=0, layout="TC"),
    "softmax sequence": single("softmax", (4, 6), axis=1),
    "softmax volume depth": single("softmax", (2, 3, 4, 5), axis=1),
    "concat tokens": single("concat", (5, 4), axis=0, inputs=2, layout="TC"),
    "concat token features": single("concat", (5, 4), inputs=2, layout="TC"),
    "concat sequence": single("concat", (3, 5), inputs=2),
    "concat map height": single("concat", (2, 3, 4), axis=1, inputs=2),
    "flatten tokens": single("flatten", (3, 4), layout="TC"),
    "flatten sequence": single("flatten", (3, 4)),
    "flatten volume": single("flatten", (2, 3, 2, 2)),
    "batch norm sequence": single("batch_norm", (3, 5), eps=1e-3),
    "batch norm volume": single("batch_norm", (2, 3, 2, 2)),
    "relu volume": single("relu", (2, 3, 2, 2)),
    "add tokens": single("add", (4, 3), inputs=2, layout="TC"),
    "layer norm tokens": single("layer_norm", (5, 6), layout="TC"),
    "layer norm map channels": single("layer_norm", (6, 3, 4), eps=1e-6),
    "layer norm sequence eps": single("layer_norm", (4, 5), eps=1e-3),
    "layer norm features": single("layer_norm", (7,)),
    "layer norm volume": single("layer_norm", (3, 2, 2, 3)),
    "to tokens": single("to_tokens", (4, 2, 3)),
    "from tokens": single("from_tokens", (6, 4), 3, 2, layout="TC"),
}


def binary(op, a, b, layout=None, **attrs):
    """``op`` on two graph inputs of shapes ``a`` and ``b`` (both of ``layout``)."""
    g = netir.Graph(op)
    getattr(g, op)(g.input(a, name="a", layout=layout), g.input(b, name="b", layout=layout),
                   name="y", **attrs)
    return g


CASES.update({
    "mul squeeze-excitation gate": binary("mul", (4, 3, 5), (4, 1, 1)),
    "add broadcast": binary("add", (4, 1, 1), (4, 3, 5)),
    "add broadcast features": binary("add", (2,), (1,)),
    "mul gate first": binary("mul", (4, 1, 1), (4, 3, 5)),
    "mul features": binary("mul", (5,), (1,)),
    "mul scalar": single("mul", (3, 4, 4), scalar=-1.5),
    "sub both broadcast": binary("sub", (2, 1, 4), (2, 3, 1)),
    "sub scalar": single("sub", (6,), scalar=0.25),
    "div per row": binary("div", (3, 4, 5), (1, 4, 1)),
    "div scalar": single("div", (3, 4, 4), scalar=3.0),
    "maximum channels": binary("maximum", (1, 3, 3), (4, 3, 3)),
    "maximum scalar": single("maximum", (3, 4, 4), scalar=0.1),
    "minimum": binary("minimum", (3, 4, 4), (3, 4, 4)),
    "minimum scalar": single("minimum", (5,), scalar=-0.2),
    "mean keepdims": single("mean", (4, 3, 5), (1, 2), keepdims=True),
    "mean channels keepdims": single("mean", (4, 3, 5), 0, keepdims=True),
    "sum to width": single("sum", (4, 3, 5), (0, 1)),
    "sum features": single("sum", (6,), 0, keepdims=True),
    "max to height": single("max", (4, 3, 5), (0, 2)),
    "max spatial keepdims": single("max", (4, 3, 5), (1, 2), keepdims=True),
    "global max pool": single("global_max_pool", (3, 5, 4)),
    "channel shuffle": single("channel_shuffle", (6, 2, 3), 3),
    "slice channels": single("slice", (6, 3, 3), 0, 3),
    "slice width step": single("slice", (3, 4, 7), 2, 1, 6, 2),
    "slice features": single("slice", (8,), 0, 5, 20),
    "group norm": single("group_norm", (6, 3, 4), 2),
    "group norm features": single("group_norm", (6,), 3, eps=1e-3),
    "group norm no affine": single("group_norm", (4, 3, 3), 4, affine=False),
    "instance norm": single("instance_norm", (3, 4, 5)),
    "instance norm affine": single("instance_norm", (3, 4, 5), eps=1e-3, affine=True),
    "stochastic depth": single("stochastic_depth", (3, 4, 4), 0.5),
    "conv transpose padded": single("conv_transpose2d", (3, 4, 5), 4, 3, stride=2, padding=1,
                                    output_padding=1),
    "conv transpose valid": single("conv_transpose2d", (3, 4, 5), 2, 2, stride=2),
    "conv transpose groups dilation": single("conv_transpose2d", (4, 4, 5), 6, 3, stride=2,
                                             padding=(1, 2), output_padding=1, dilation=2,
                                             groups=2),
    "conv transpose output padding past padding": single(
        "conv_transpose2d", (3, 4, 5), 2, (3, 2), stride=(3, 2), padding=(0, 1),
        output_padding=(2, 1)),
    "conv transpose no bias": single("conv_transpose2d", (3, 4, 5), 2, 3, bias=False),
    "upsample nearest": single("upsample", (3, 4, 5), 2),
    "upsample nearest size": single("upsample", (3, 4, 5), size=(7, 13)),
    "upsample bilinear": single("upsample", (3, 4, 5), 2, mode="bilinear"),
    "upsample bilinear 3x": single("upsample", (3, 4, 5), (3, 2), mode="bilinear"),
    "upsample align corners": single("upsample", (3, 4, 5), size=(9, 7), mode="bilinear",
                                     align_corners=True),
    "upsample bilinear down": single("upsample", (3, 9, 8), size=(4, 3), mode="bilinear"),
    "conv1d": single("conv1d", (3, 16), 4, 3),
    "conv1d padded stride": single("conv1d", (3, 16), 4, 3, stride=2, padding=1),
    "conv1d groups dilation stride": single("conv1d", (4, 17), 6, 3, stride=2, dilation=2,
                                            groups=2, padding=(2, 1)),
    "conv1d one output": single("conv1d", (1, 5), 2, 3, stride=3),
    "conv1d depthwise same": single("conv1d", (4, 9), 4, 3, groups=4, padding="same",
                                    bias=False),
})

# The ops above on the other layouts: element-wise at any rank, reductions and norms on
# the layout's own feature and position axes (Keras holds every one features last).
CASES.update({
    "gelu tokens": single("gelu", (5, 4), layout="TC"),
    "silu sequence": single("silu", (3, 6)),
    "hardswish volume": single("hardswish", (2, 3, 2, 2)),
    "clip tokens": single("clip", (5, 4), -0.5, 0.25, layout="TC"),
    "prelu tokens per feature": single("prelu", (5, 4), 4, layout="TC"),
    "prelu sequence": single("prelu", (3, 6), 3),
    "prelu volume": single("prelu", (2, 3, 2, 2), 2),
    "mul tokens gate": binary("mul", (5, 4), (1, 4), layout="TC"),
    "add tokens broadcast": binary("add", (1, 4), (5, 4), layout="TC"),
    "sub volume broadcast": binary("sub", (2, 3, 2, 2), (2, 1, 1, 1)),
    "div tokens scalar": single("div", (5, 4), scalar=2.0, layout="TC"),
    "mean over tokens": single("mean", (5, 4), 0, layout="TC"),
    "mean token features keepdims": single("mean", (5, 4), 1, keepdims=True, layout="TC"),
    "sum volume depth": single("sum", (2, 3, 2, 2), 1),
    "max map rows": single("max", (4, 3, 5), 2),
    "mean volume positions keepdims": single("mean", (2, 3, 2, 2), (1, 2, 3), keepdims=True),
    "global avg pool tokens": single("global_avg_pool", (5, 4), layout="TC"),
    "global avg pool sequence": single("global_avg_pool", (3, 7)),
    "global max pool volume": single("global_max_pool", (2, 3, 2, 2)),
    "global max pool tokens": single("global_max_pool", (5, 4), layout="TC"),
    "channel shuffle sequence": single("channel_shuffle", (6, 5), 2),
    "channel shuffle volume": single("channel_shuffle", (6, 2, 2, 2), 3),
    "slice tokens": single("slice", (6, 4), 0, 1, layout="TC"),
    "slice token features": single("slice", (6, 4), 1, 0, 4, 2, layout="TC"),
    "slice volume depth": single("slice", (2, 4, 2, 2), 1, 1, 3),
    "group norm sequence": single("group_norm", (6, 5), 3),
    "group norm volume": single("group_norm", (4, 2, 3, 2), 2),
    "instance norm sequence": single("instance_norm", (3, 6), affine=True),
    "instance norm volume": single("instance_norm", (2, 3, 2, 2)),
    "stochastic depth tokens": single("stochastic_depth", (5, 4), 0.2, layout="TC"),
    # the 3-D windows (tests/emitters/test_rank3.py holds them to torch.nn.functional)
    "conv3d grouped strided": single("conv3d", (4, 3, 6, 5), 6, (2, 3, 3), stride=(1, 2, 2),
                                     padding="same", groups=2),
    "max pool 3d ceil": single("max_pool3d", (2, 3, 5, 5), 2, 2, ceil_mode=True),
    "avg pool 3d exclude pad": single("avg_pool3d", (2, 4, 5, 5), 3, 2, padding=1,
                                      count_include_pad=False),
    "adaptive avg pool 3d": single("adaptive_avg_pool3d", (3, 3, 5, 4), (2, 2, 3)),
})


def _flatten_dense():
    g = netir.Graph("flatten_dense")
    x = g.conv2d(g.input((3, 5, 4)), 4, 3, padding=1)
    g.dense(g.flatten(x), 6, name="y")
    return g


CASES["flatten then dense"] = _flatten_dense()


def _three(op, shapes, **attrs):
    g = netir.Graph(op)
    ins = [g.input(s, name=n, layout="TC") for n, s in zip("qkv", shapes)]
    getattr(g, op)(*ins, name="y", **attrs)
    return g


def _reshaped(shape, target, layout):
    g = netir.Graph("reshape")
    g.reshape(g.input(shape, name="x"), target, layout=layout, name="y")
    return g


def _parameter(shape, layout):
    g = netir.Graph("parameter")
    g.parameter(g.input((3, 4), name="x"), shape, layout=layout, name="y")
    return g


# The transformer vocabulary (tests/emitters/test_transformer_ops.py holds the functional
# PyTorch expressions)
CASES.update({
    "dense on a map": single("dense", (6, 3, 4), 5),
    "dense on tokens": single("dense", (5, 6), 4, layout="TC"),
    "reshape map to tokens": _reshaped((4, 3, 2), (6, -1), "TC"),
    "reshape sequence": single("reshape", (4, 6), (2, 3, 4)),
    "permute volume": single("permute", (2, 3, 4, 5), (0, 3, 1, 2)),
    "transpose tokens": single("transpose", (5, 4), 0, 1, layout="TC"),
    "transpose map": single("transpose", (3, 4, 5), 1, 2),
    "select class token": single("select", (5, 4), 0, 0, layout="TC"),
    "select map column": single("select", (3, 4, 5), 2, -1),
    "parameter tokens": _parameter((2, 4), "TC"),
    "parameter map": _parameter((3, 2, 2), None),
    "layer scale map": single("layer_scale", (4, 3, 3)),
    "layer scale tokens": single("layer_scale", (5, 4), layout="TC"),
    "matmul tokens": binary("matmul", (5, 4), (4, 3), layout="TC"),
    "matmul maps": binary("matmul", (2, 5, 4), (2, 4, 3)),
    "attention": _three("scaled_dot_product_attention", [(5, 4), (6, 4), (6, 3)]),
    "multi-head attention": single("multi_head_attention", (5, 8), 2, layout="TC"),
    "multi-head cross-attention": _three("multi_head_attention", [(5, 8), (3, 8)],
                                         num_heads=4, bias=False),
})


def test_every_op_is_covered():
    used = {n.op for g in CASES.values() for n in g.nodes}
    assert used == set(list_ops())


@pytest.mark.parametrize("case", sorted(CASES))
def test_backends_agree_per_op(case):
    r = compare(CASES[case], tolerance=OP_TOLERANCE, seed=3, backends=BACKENDS)
    assert [b.backend for b in r.results] == BACKENDS
    for b in r.results:
        assert b.shapes == r.outputs, b.backend
        assert b.params == r.ir_params, b.backend
    assert r.passed, str(r)


def _outputs(graph, x):
    """The graph's first output in every backend: ``{backend: array}``."""
    out = [graph.outputs[0].name]
    return {b: run_backend(b, graph, random_weights(graph), [x], out)[0][0]
            for b in BACKENDS}


def test_max_pool_padding_never_wins_on_negative_inputs():
    g = single("max_pool2d", (2, 4, 4), 3, 2, padding=1)
    x = -np.random.default_rng(0).uniform(1.0, 2.0, (1, 2, 4, 4)).astype(np.float32)
    for backend, out in _outputs(g, x).items():
        assert (out < 0).all(), backend  # zero padding would give 0 at the borders


@pytest.mark.parametrize("include", [True, False])
def test_avg_pool_divisor_on_ones(include):
    g = single("avg_pool2d", (1, 5, 5), 3, 2, padding=1, count_include_pad=include)
    corner = 4 / 9 if include else 1.0  # a corner window holds 4 real cells of 9
    for backend, out in _outputs(g, np.ones((1, 1, 5, 5), np.float32)).items():
        assert out[0, 0, 0, 0] == pytest.approx(corner, abs=1e-6), backend
        assert out[0, 0, 1, 1] == pytest.approx(1.0, abs=1e-6), backend


def test_lrn_matches_the_formula():
    g = single("local_response_norm", (5, 1, 1), 3, alpha=0.3, beta=0.75, k=2.0)
    a = np.arange(1, 6, dtype=np.float32).reshape(1, 5, 1, 1)
    v = a[0, :, 0, 0].astype(np.float64)
    expected = [v[c] / (2.0 + 0.3 / 3 * sum(v[j] ** 2 for j in range(max(0, c - 1),
                                                                     min(5, c + 2)))) ** 0.75
                for c in range(5)]
    for backend, out in _outputs(g, a).items():
        np.testing.assert_allclose(out[0, :, 0, 0], expected, rtol=1e-5, err_msg=backend)


def test_flatten_order_is_channel_height_width():
    g = single("flatten", (2, 2, 3))
    x = np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3)
    for backend, out in _outputs(g, x).items():
        np.testing.assert_array_equal(out[0], np.arange(12), err_msg=backend)


@pytest.mark.parametrize("layout", ["TC", None])
def test_flatten_follows_the_logical_order_of_every_layout(layout):
    g = single("flatten", (3, 4), layout=layout)
    x = np.arange(12, dtype=np.float32).reshape(1, 3, 4)
    for backend, out in _outputs(g, x).items():
        np.testing.assert_array_equal(out[0], np.arange(12), err_msg=backend)


def test_layer_norm_matches_torch_functional_with_the_stated_eps():
    """Against torch.nn.functional.layer_norm over the channels of a map (ConvNeXt's
    LayerNorm2d), eps 1e-6: not Keras' default 1e-3, not PyTorch's 1e-5."""
    import torch

    g = single("layer_norm", (6, 2, 3), eps=1e-6)
    w = random_weights(g)["y"]
    # a tiny variance makes eps matter: 1e-3 or 1e-5 would be off by far more than 1e-5
    x = (1e-3 * np.random.default_rng(0).standard_normal((2, 6, 2, 3))).astype(np.float32)
    expected = torch.nn.functional.layer_norm(
        torch.from_numpy(x).movedim(1, -1), (6,), torch.from_numpy(w["weight"]),
        torch.from_numpy(w["bias"]), eps=1e-6).movedim(-1, 1).numpy()
    for backend in BACKENDS:
        out = run_backend(backend, g, random_weights(g), [x], ["y"])[0][0]
        np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5, err_msg=backend)


def test_tokens_are_row_major_over_height_then_width():
    """ViT's x.reshape(n, c, h * w).permute(0, 2, 1): token k is position (k // W, k % W)."""
    g = single("to_tokens", (2, 2, 3))
    x = np.arange(12, dtype=np.float32).reshape(1, 2, 2, 3)
    expected = x.reshape(1, 2, 6).transpose(0, 2, 1)
    for backend, out in _outputs(g, x).items():
        np.testing.assert_array_equal(out, expected, err_msg=backend)


def test_same_padding_puts_the_odd_pixel_after():
    g = single("conv2d", (1, 4, 4), 1, 3, stride=2, padding="same", bias=False)
    from netir.emitters.pytorch import import_weights, to_torch

    m = to_torch(g)
    w = np.zeros((1, 1, 3, 3), np.float32)
    w[0, 0, 0, 0] = 1.0  # picks the top-left cell of each window
    import_weights(m, {"y": {"weight": w}})
    import torch

    x = torch.arange(16, dtype=torch.float32).reshape(1, 1, 4, 4) + 1
    out = m(x)[0, 0]
    # TF rule: pad (0, 1) -> windows start at rows/cols 0 and 2, no zero row on top
    assert out.tolist() == [[1.0, 3.0], [9.0, 11.0]]


def test_batch_norm_conventions_in_keras():
    from netir.emitters.keras3 import to_keras

    m = to_keras(single("batch_norm", (3, 4, 4), eps=1e-5, momentum=0.1))
    bn = m.get_layer("y")
    assert bn.epsilon == pytest.approx(1e-5) and bn.momentum == pytest.approx(0.9)


def test_in_place_add_never_writes_into_a_broadcast_operand():
    """The smaller (C, 1, 1) operand is the only overwritable one: PyTorch must not add
    into it (``add_`` cannot grow a tensor), and every backend gives the broadcast sum."""
    g = netir.Graph("gate_add")
    x = g.input((3, 4, 4), name="x")
    gate = g.conv2d(g.adaptive_avg_pool2d(x, 1), 3, 1, name="gate")
    g.add(gate, x, name="y")
    r = compare(g, tolerance=OP_TOLERANCE, seed=3, backends=BACKENDS)
    assert r.passed, str(r)
    from netir.emitters.pytorch import to_torch

    assert to_torch(g).y.inplace_index is None
