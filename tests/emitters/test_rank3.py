"""conv3d, max_pool3d, avg_pool3d and adaptive_avg_pool3d (the rank-generic declarations
at rank 3) on every registered backend that lowers them, against torch.nn.functional at
1e-5 on random float32 inputs: named cases for each semantic trap (ceil mode,
count_include_pad, asymmetric padding, groups, dilation), then attributes drawn by each
op's own ``draw_attrs``; and the reference's N-d kernel, one for every rank."""

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import netir
from netir.emitters.compare import OP_TOLERANCE, available_backends, run_backend
from netir.emitters.reference import execute, to_reference
from netir.emitters.registry import get_backend
from netir.emitters.weights import random_weights
from netir.ir import registry
from netir.ir.layout import TensorType
from netir.ir.ops import conv, pool

torch = pytest.importorskip("torch")
F = torch.nn.functional

RANK3 = {spec.name: spec for spec in (conv.CONV3D, pool.MAX_POOL3D, pool.AVG_POOL3D,
                                      pool.ADAPTIVE_AVG_POOL3D)}
#: every registered backend: each lowers what the registry holds
BACKENDS = available_backends()


def test_the_3d_ops_are_registered_and_lowered_everywhere():
    assert set(RANK3) <= set(registry.list_ops())
    for backend in BACKENDS:
        assert set(RANK3) <= set(get_backend(backend).lowerings), backend


def _single(op, shape, attrs):
    g = netir.Graph(op)
    g.add_node(op, [g.input(shape, name="x")], name="y", attrs=attrs)
    return g


def _run(graph, backend, seed=0):
    """``backend``'s output, the input and the weights it ran on."""
    x = np.random.default_rng(seed).standard_normal((2, *graph.inputs[0].shape)
                                                    ).astype(np.float32)
    weights = random_weights(graph, seed=seed + 1)
    (out,), _ = run_backend(backend, graph, weights, [x], ["y"])
    return out, x, weights.get("y", {})


def _torch_pads(padding, value=0.0):
    """``F.pad``'s arguments for ``((front, back), (top, bottom), (left, right))``."""
    return lambda x: F.pad(x, [p for pair in reversed(padding) for p in pair], value=value)


def _native(attrs) -> bool:
    """Whether torch's pools take the padding themselves: symmetric, at most half the
    kernel."""
    return all(b == e and 2 * b <= k for (b, e), k in zip(attrs["padding"], attrs["kernel"]))


def _expressible(graph) -> bool:
    """Whether :func:`_expected` can write the node: ceil mode's rule (drop a window
    that starts in the padding) needs torch's own padding."""
    a = graph["y"].attrs
    return "ceil_mode" not in a or not a["ceil_mode"] or _native(a)


def _expected(graph, x, weights):
    """The node as torch.nn.functional computes it, from its resolved attributes."""
    node, t = graph["y"], torch.from_numpy(x)
    a = node.attrs
    if node.op == "conv3d":
        bias = torch.from_numpy(weights["bias"]) if a["bias"] else None
        return F.conv3d(_torch_pads(a["padding"])(t), torch.from_numpy(weights["weight"]),
                        bias, a["stride"], 0, a["dilation"], a["groups"])
    if node.op == "adaptive_avg_pool3d":
        return F.adaptive_avg_pool3d(t, a["output_size"])
    kernel, stride, padding, ceil = a["kernel"], a["stride"], a["padding"], a["ceil_mode"]
    native = _native(a)
    before = tuple(b for b, _ in padding)
    if node.op == "max_pool3d":
        if native:
            return F.max_pool3d(t, kernel, stride, before, ceil_mode=ceil)
        return F.max_pool3d(_torch_pads(padding, -np.inf)(t), kernel, stride)
    include = a["count_include_pad"]
    if native:
        return F.avg_pool3d(t, kernel, stride, before, ceil_mode=ceil,
                            count_include_pad=include)
    # the mean of the zero-padded input over the mean of the cells that count
    counted = _torch_pads(padding, 1.0 if include else 0.0)(torch.ones_like(t))
    return F.avg_pool3d(_torch_pads(padding)(t), kernel, stride) / \
        F.avg_pool3d(counted, kernel, stride)


def _agree(graph, backend, seed=0):
    assert _expressible(graph)
    got, x, weights = _run(graph, backend, seed)
    expected = _expected(graph, x, weights).numpy()
    assert got.shape == expected.shape == (2, *graph["y"].shape)
    scale = max(1.0, float(np.max(np.abs(expected))))
    assert float(np.max(np.abs(got - expected))) <= OP_TOLERANCE * scale


CASES = {
    "conv": ("conv3d", (3, 5, 6, 6), {"out_channels": 4, "kernel": 3}),
    "conv stride padding": ("conv3d", (2, 6, 7, 5),
                            {"out_channels": 3, "kernel": (3, 2, 3), "stride": (2, 1, 2),
                             "padding": (1, 0, 1)}),
    "conv same stride 2": ("conv3d", (2, 5, 6, 7),
                           {"out_channels": 2, "kernel": 3, "stride": 2, "padding": "same"}),
    "conv asymmetric": ("conv3d", (2, 4, 5, 5),
                        {"out_channels": 2, "kernel": 2,
                         "padding": ((0, 1), (2, 0), (1, 2))}),
    "conv groups": ("conv3d", (4, 4, 5, 5), {"out_channels": 6, "kernel": 2, "groups": 2}),
    "conv depthwise dilated": ("conv3d", (3, 6, 7, 7),
                               {"out_channels": 6, "kernel": 2, "groups": 3,
                                "dilation": (1, 2, 3), "stride": (1, 2, 1), "bias": False}),
    "max pool padded": ("max_pool3d", (2, 5, 6, 6), {"kernel": 3, "stride": 2, "padding": 1}),
    "max pool ceil": ("max_pool3d", (2, 5, 6, 7), {"kernel": 2, "stride": 2,
                                                   "ceil_mode": True}),
    "max pool ceil padded": ("max_pool3d", (2, 5, 5, 5),
                             {"kernel": 2, "stride": 2, "padding": 1, "ceil_mode": True}),
    "max pool asymmetric": ("max_pool3d", (2, 4, 5, 6),
                            {"kernel": 3, "stride": (1, 2, 2),
                             "padding": ((0, 1), (1, 2), (2, 0))}),
    "avg pool include pad": ("avg_pool3d", (2, 5, 6, 6),
                             {"kernel": 3, "stride": 2, "padding": 1}),
    "avg pool exclude pad": ("avg_pool3d", (2, 5, 6, 6),
                             {"kernel": 3, "stride": 2, "padding": 1,
                              "count_include_pad": False}),
    "avg pool ceil": ("avg_pool3d", (2, 5, 7, 6), {"kernel": 2, "stride": 2,
                                                   "ceil_mode": True}),
    "avg pool ceil padded exclude": ("avg_pool3d", (1, 5, 5, 6),
                                     {"kernel": 3, "stride": 2, "padding": 1,
                                      "ceil_mode": True, "count_include_pad": False}),
    "avg pool asymmetric include": ("avg_pool3d", (2, 4, 6, 5),
                                    {"kernel": 3, "stride": 2,
                                     "padding": ((1, 2), (0, 1), (2, 1))}),
    "avg pool asymmetric exclude": ("avg_pool3d", (2, 4, 6, 5),
                                    {"kernel": 3, "stride": 2, "padding": "same",
                                     "count_include_pad": False}),
    "adaptive divisible": ("adaptive_avg_pool3d", (3, 4, 8, 6), {"output_size": (2, 4, 3)}),
    "adaptive uneven": ("adaptive_avg_pool3d", (2, 5, 7, 3), {"output_size": (3, 2, 2)}),
    "adaptive upsample": ("adaptive_avg_pool3d", (2, 2, 3, 1), {"output_size": (3, 5, 2)}),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("case", sorted(CASES))
def test_matches_torch_functional(case, backend):
    op, shape, attrs = CASES[case]
    _agree(_single(op, shape, attrs), backend)


def test_asymmetric_cases_are_asymmetric():
    """The cases named asymmetric reach the pre-padded branch, not torch's own padding."""
    for case in (c for c in CASES if "asymmetric" in c):
        op, shape, attrs = CASES[case]
        padding = _single(op, shape, attrs)["y"].attrs["padding"]
        assert any(before != after for before, after in padding), case


@pytest.mark.parametrize("backend", BACKENDS)
def test_max_pool_padding_never_wins_in_three_dimensions(backend):
    g = _single("max_pool3d", (1, 2, 2, 2), {"kernel": 2, "stride": 1, "padding": 1})
    x = -np.arange(1, 9, dtype=np.float32).reshape(1, 1, 2, 2, 2)
    (out,), _ = run_backend(backend, g, {}, [x], ["y"])
    # every window holds at least one real cell: the corner windows hold exactly one
    assert out[0, 0, 0, 0, 0] == -1.0 and out[0, 0, -1, -1, -1] == -8.0
    assert out.max() <= -1.0


def test_one_kernel_for_every_rank():
    """conv1d, conv2d and conv3d of one signal extended by axes of size 1 agree: the
    same N-d correlation at each rank."""
    rng = np.random.default_rng(5)
    x = rng.standard_normal((2, 3, 9)).astype(np.float64)
    w = rng.standard_normal((4, 3, 3)).astype(np.float32)  # weights are float32
    common = {"out_channels": 4, "bias": False}
    outs = []
    for op, extra in (("conv1d", ()), ("conv2d", (1,)), ("conv3d", (1, 1))):
        g = netir.Graph(op)
        g.add_node(op, [g.input((3, *extra, 9), name="x")], name="y",
                   attrs={**common, "kernel": (*extra, 3) if extra else 3,
                          "stride": (*extra, 2) if extra else 2,
                          "padding": ((0, 0),) * len(extra) + ((1, 2),) if extra
                          else (1, 2)})
        model = to_reference(g, dtype=np.float64,
                             weights={"y": {"weight": w.reshape(4, 3, *extra, 3)}})
        outs.append(execute(model, [x.reshape(2, 3, *extra, 9)])[0].reshape(2, 4, -1))
    expected = F.conv1d(F.pad(torch.from_numpy(x), [1, 2]), torch.from_numpy(w).double(),
                        stride=2).numpy()
    for out in outs:
        np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)


@st.composite
def _drawn(draw, op):
    """A node of ``op`` on a small volume, its attributes from the op's draw_attrs."""
    shape = (draw(st.integers(1, 4)), *(draw(st.integers(2, 5)) for _ in range(3)))
    spec = RANK3[op]
    return _single(op, shape, spec.draw_attrs(draw, st, [TensorType(shape, "CDHW")]))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("op", sorted(RANK3))
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_drawn_attributes_match_torch_functional(op, backend, data):
    try:
        graph = data.draw(_drawn(op))
    except netir.NetIRError:  # a drawn 'same' pool padding as wide as its kernel
        assume(False)
    assume(_expressible(graph))
    _agree(graph, backend, seed=data.draw(st.integers(0, 3)))
