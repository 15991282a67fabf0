"""The transformer vocabulary against plain PyTorch functional code (1e-5, float32):
dense on the feature axis of any layout, reshape / permute / transpose / select,
learned tensors (parameter, layer_scale), matmul and attention.

As in test_ops_functional.py, each expression is written here, independently of the
lowerings, and every backend must give its numbers on the same weights.
"""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import netir  # noqa: E402
from netir.emitters.compare import run_backend  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from tests.backends import usable_backends  # noqa: E402
from tests.emitters.test_ops_functional import assert_backends_compute  # noqa: E402
from tests.emitters.test_ops_numeric import binary, single  # noqa: E402

BACKENDS = usable_backends()


def _w(weights, param="weight", node="y"):
    return torch.from_numpy(weights[node][param]) if param in weights[node] else None


def tokens(op, shape, *args, **attrs):
    return single(op, shape, *args, layout="TC", **attrs)


def reshaped(shape, target, layout):
    """A map reshaped to ``target`` of ``layout``."""
    g = netir.Graph("reshape")
    g.reshape(g.input(shape, name="x"), target, layout=layout, name="y")
    return g


def ternary(op, shapes, **attrs):
    g = netir.Graph(op)
    ins = [g.input(s, name=n, layout="TC") for n, s in zip("qkv", shapes)]
    getattr(g, op)(*ins, name="y", **attrs)
    return g


def class_token():
    g = netir.Graph("class_token")
    g.parameter(g.input((5, 4), layout="TC", name="x"), (1, 4), layout="TC", name="y")
    return g


def _mha(q, k, v, w, heads):
    """torch's own functional multi-head attention with the neutral weights."""
    d = q.shape[-1]
    out = F.multi_head_attention_forward(
        q.transpose(0, 1), k.transpose(0, 1), v.transpose(0, 1), d, heads,
        _w(w, "in_proj_weight"), _w(w, "in_proj_bias"), None, None, False, 0.0,
        _w(w, "out_proj.weight"), _w(w, "out_proj.bias"), training=False,
        need_weights=False)[0]
    return out.transpose(0, 1)


# case -> (graph, functional(*inputs, weights) -> tensor)
CASES = {
    "dense on a map (ConvNeXt's per-position Linear)": (
        single("dense", (6, 3, 4), 5),
        lambda x, w: F.linear(x.permute(0, 2, 3, 1), _w(w), _w(w, "bias")).permute(0, 3, 1, 2)),
    "dense on tokens": (tokens("dense", (5, 6), 4),
                        lambda x, w: F.linear(x, _w(w), _w(w, "bias"))),
    "dense on a sequence, no bias": (
        single("dense", (6, 5), 3, bias=False),
        lambda x, w: F.linear(x.transpose(1, 2), _w(w)).transpose(1, 2)),
    "reshape": (single("reshape", (4, 3, 2), (6, -1)), lambda x, w: x.reshape(2, 6, 4)),
    "reshape map to tokens": (reshaped((4, 3, 2), (6, 4), "TC"),
                              lambda x, w: x.reshape(2, 6, 4)),
    "reshape tokens to a volume": (tokens("reshape", (6, 4), (2, 3, 2, 2)),
                                   lambda x, w: x.reshape(2, 2, 3, 2, 2)),
    "permute a map": (single("permute", (4, 3, 2), (0, 2, 1)),
                      lambda x, w: x.permute(0, 1, 3, 2)),
    "permute a volume": (single("permute", (2, 3, 4, 5), (0, 3, 1, 2)),
                         lambda x, w: x.permute(0, 1, 4, 2, 3)),
    "transpose tokens to a sequence": (tokens("transpose", (5, 4), 0, 1),
                                       lambda x, w: x.transpose(1, 2)),
    "transpose a sequence to tokens": (single("transpose", (4, 5), 1, 0),
                                       lambda x, w: x.transpose(1, 2)),
    "select the class token": (tokens("select", (5, 4), 0, 0), lambda x, w: x[:, 0]),
    "select the last token": (tokens("select", (5, 4), 0, -1), lambda x, w: x[:, -1]),
    "select a feature of tokens": (tokens("select", (5, 4), 1, 2), lambda x, w: x[:, :, 2]),
    "select a depth of a volume": (single("select", (2, 3, 4, 5), 1, 2),
                                   lambda x, w: x[:, :, 2]),
    "layer scale on a map": (single("layer_scale", (4, 3, 3)), lambda x, w: _w(w) * x),
    "layer scale on tokens": (tokens("layer_scale", (5, 4)), lambda x, w: _w(w) * x),
    "parameter (class token)": (class_token(), lambda x, w: _w(w).expand(2, -1, -1)),
    "matmul": (binary("matmul", (5, 4), (4, 3), layout="TC"), lambda a, b, w: a @ b),
    "matmul of sequences": (binary("matmul", (5, 4), (4, 3)), lambda a, b, w: a @ b),
    "attention": (ternary("scaled_dot_product_attention", [(5, 4), (6, 4), (6, 3)]),
                  lambda q, k, v, w: F.scaled_dot_product_attention(q, k, v)),
    "attention scaled": (ternary("scaled_dot_product_attention", [(5, 4), (6, 4), (6, 3)],
                                 scale=0.3),
                         lambda q, k, v, w: F.scaled_dot_product_attention(q, k, v, scale=0.3)),
    "multi-head self-attention": (tokens("multi_head_attention", (5, 8), 2),
                                  lambda x, w: _mha(x, x, x, w, 2)),
    "multi-head attention, query and memory, no bias": (
        ternary("multi_head_attention", [(5, 8), (3, 8)], num_heads=4, bias=False),
        lambda q, kv, w: _mha(q, kv, kv, w, 4)),
    "multi-head attention, query, key, value": (
        ternary("multi_head_attention", [(5, 8), (3, 8), (3, 8)], num_heads=2),
        lambda q, k, v, w: _mha(q, k, v, w, 2)),
}


def _inputs(graph, seed=7):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal((2, *n.shape)).astype(np.float32) for n in graph.inputs]


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_backend_computes_the_pytorch_functional_expression(case):
    graph, functional = CASES[case]
    assert_backends_compute(graph, functional, _inputs(graph))


def test_attention_scale_head_split_and_bias_layout_are_torchs():
    """Written out in NumPy from the documented rule: head h reads features
    [h·d, (h+1)·d) of the query, key and value rows of in_proj (in that order), scores
    are scaled by 1/sqrt(d), d = D/H, the heads are joined in order before out_proj.
    Swapping two heads' rows changes the answer, so the order is what is tested."""
    graph = tokens("multi_head_attention", (4, 6), 3)
    w = random_weights(graph, seed=5)["y"]
    x = _inputs(graph, seed=2)[0].astype(np.float64)
    d, heads = 2, 3
    rows = np.split(w["in_proj_weight"], 3)
    biases = np.split(w["in_proj_bias"], 3)
    q, k, v = (x @ r.T + b for r, b in zip(rows, biases))
    joined = []
    for h in range(heads):
        part = slice(h * d, (h + 1) * d)
        s = q[..., part] @ np.swapaxes(k[..., part], -1, -2) / np.sqrt(d)
        e = np.exp(s - s.max(-1, keepdims=True))
        joined.append((e / e.sum(-1, keepdims=True)) @ v[..., part])
    expected = np.concatenate(joined, -1) @ w["out_proj.weight"].T + w["out_proj.bias"]
    swapped = dict(w, in_proj_weight=np.concatenate(
        [np.roll(r.reshape(heads, d, -1), 1, axis=0).reshape(6, -1) for r in rows]))
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, graph, {"y": w}, [x.astype(np.float32)], ["y"])
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5, err_msg=backend)
        (other,), _ = run_backend(backend, graph, {"y": swapped}, [x.astype(np.float32)],
                                  ["y"])
        assert np.abs(other - expected).max() > 1e-3, backend


def test_keras_holds_per_head_kernels_read_from_the_packed_rows():
    from netir.emitters.keras3 import export_weights, import_weights, to_keras

    graph = tokens("multi_head_attention", (4, 6), 3)
    w = random_weights(graph, seed=5)
    model = to_keras(graph)
    import_weights(model, w)
    layer = model.get_layer("y")
    query = np.asarray(layer._query_dense.kernel)  # (D, heads, d)
    value_bias = np.asarray(layer._value_dense.bias)  # (heads, d)
    output = np.asarray(layer._output_dense.kernel)  # (heads, d, D)
    for h in range(3):
        np.testing.assert_array_equal(query[:, h, :], w["y"]["in_proj_weight"][2 * h:2 * h + 2].T)
        np.testing.assert_array_equal(value_bias[h], w["y"]["in_proj_bias"][12 + 2 * h:14 + 2 * h])
        np.testing.assert_array_equal(output[h], w["y"]["out_proj.weight"][:, 2 * h:2 * h + 2].T)
    back = export_weights(model)
    for name, value in w["y"].items():
        np.testing.assert_array_equal(back["y"][name], value)


def test_torch_keys_are_torchvisions_for_learned_tensors():
    """A bare nn.Parameter at the node's path: ``class_token``, ``encoder.pos_embedding``,
    ConvNeXt's ``features.1.0.layer_scale`` of shape (C, 1, 1); attention's keys are
    nn.MultiheadAttention's."""
    from netir.emitters.pytorch import to_torch

    g = netir.Graph("keys")
    t = g.input((4, 8), layout="TC")
    g.parameter(t, (1, 8), layout="TC", name="class_token")
    g.parameter(t, (4, 8), layout="TC", name="encoder.pos_embedding")
    g.multi_head_attention(t, 2, name="encoder.attention")
    g.layer_scale(g.input((6, 3, 3)), name="features.1.0.layer_scale")
    g.output("class_token", "encoder.pos_embedding", "encoder.attention",
             "features.1.0.layer_scale")
    shapes = {k: tuple(v.shape) for k, v in to_torch(g).state_dict().items()}
    assert shapes == {
        "class_token": (1, 1, 8), "encoder.pos_embedding": (1, 4, 8),
        "encoder.attention.in_proj_weight": (24, 8), "encoder.attention.in_proj_bias": (24,),
        "encoder.attention.out_proj.weight": (8, 8), "encoder.attention.out_proj.bias": (8,),
        "features.1.0.layer_scale": (6, 1, 1)}
    assert set(random_weights(g)) == {"class_token", "encoder.pos_embedding",
                                      "encoder.attention", "features.1.0.layer_scale"}


@pytest.mark.parametrize(("build", "transposes"), [
    # tokens: attention, dense, select need no transpose at all
    (lambda g, x: g.select(g.dense(g.multi_head_attention(x, 2), 4), 0, 0), 0),
    # a ConvNeXt block's per-position Linear and layer scale on a map: none either
    (lambda g, x: g.layer_scale(g.dense(g.input((8, 3, 3)), 8)), 0),
    # tokens transposed to a sequence: the same Keras order, no Permute
    (lambda g, x: g.transpose(x, 0, 1), 0),
    # a reshape reads the logical order: a map needs one Permute in, none out to tokens
    (lambda g, x: g.reshape(g.input((2, 3, 3)), (9, 2), layout="TC"), 1),
])
def test_keras_inserts_transposes_only_where_the_logical_order_matters(build, transposes):
    from netir.emitters.keras3 import to_keras
    from netir.emitters.keras3.layouts import count_transposes

    g = netir.Graph("g")
    build(g, g.input((5, 8), layout="TC"))
    assert count_transposes(to_keras(g)) == transposes


def test_shape_ops_state_their_layouts():
    g = netir.Graph("g")
    t = g.input((5, 4), layout="TC")
    assert g.transpose(t, 0, 1).layout == "CL"
    assert g.transpose(g.input((4, 5)), 0, 1).layout == "TC"
    assert g.permute(g.input((3, 4, 5)), (0, 2, 1)).layout == "CHW"
    assert (g.select(t, 0, 0).shape, g.select(t, 0, 0).layout) == ((4,), "C")
    assert g.reshape(t, (20,)).layout == "C"
    assert g.dense(g.input((6, 3, 3)), 4).shape == (4, 3, 3)
    with pytest.raises(netir.ShapeError, match=r"^p \(permute\): .*axes HWC"):
        g.permute(g.input((3, 4, 5)), (1, 2, 0), name="p")
    with pytest.raises(netir.ShapeError, match=r"^r \(reshape\): .*keep the number of values"):
        g.reshape(t, (3, 7), name="r")
    with pytest.raises(netir.AttributeValueError, match=r"^s \(select\): .*Got: index=5"):
        g.select(t, 0, 5, name="s")
    with pytest.raises(netir.ShapeError, match=r"^m \(multi_head_attention\): num_heads"):
        g.multi_head_attention(t, 3, name="m")
