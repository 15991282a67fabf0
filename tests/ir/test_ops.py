"""Each op's shape, parameter and MAC rules against hand-computed cases."""

import pytest

import netir
from netir.ir.attrs import REQUIRED
from netir.ir.registry import get_op, list_ops

# op -> (input shapes, attrs, output shape, (trainable, buffers), MACs), by hand; an
# input of a layout other than its rank's default is given as (shape, layout)
CASES = {
    "input": ([], {"shape": (3, 8, 8)}, (3, 8, 8), (0, 0), 0),
    "conv2d": ([(4, 9, 9)], {"out_channels": 6, "kernel": 3, "stride": 2, "padding": 1,
                             "groups": 2}, (6, 5, 5), (6 * 2 * 9 + 6, 0), 6 * 25 * 2 * 9),
    "conv3d": ([(4, 5, 9, 9)], {"out_channels": 6, "kernel": 3, "stride": (1, 2, 2),
                                "padding": 1, "groups": 2}, (6, 5, 5, 5),
               (6 * 2 * 27 + 6, 0), 6 * 125 * 2 * 27),
    "dense": ([(20,)], {"units": 5}, (5,), (105, 0), 100),
    "batch_norm": ([(7, 3, 3)], {}, (7, 3, 3), (14, 14), 0),
    "relu": ([(2, 3, 3)], {}, (2, 3, 3), (0, 0), 0),
    "tanh": ([(2,)], {}, (2,), (0, 0), 0),
    "hardtanh": ([(2, 3, 3)], {"min_val": -0.5, "max_val": 0.25}, (2, 3, 3), (0, 0), 0),
    "sigmoid": ([(2,)], {}, (2,), (0, 0), 0),
    "softmax": ([(10,)], {}, (10,), (0, 0), 0),
    "max_pool2d": ([(3, 7, 7)], {"kernel": 3, "stride": 2, "ceil_mode": True}, (3, 3, 3),
                   (0, 0), 0),
    "avg_pool2d": ([(3, 8, 8)], {"kernel": 2}, (3, 4, 4), (0, 0), 0),
    # D: windows at 0 and 2 (ceil keeps the one that starts inside 5); H, W: 0, 2, 4
    "max_pool3d": ([(3, 5, 7, 7)], {"kernel": 3, "stride": 2, "ceil_mode": True},
                   (3, 2, 3, 3), (0, 0), 0),
    "avg_pool3d": ([(3, 4, 8, 8)], {"kernel": 2}, (3, 2, 4, 4), (0, 0), 0),
    "adaptive_avg_pool3d": ([(5, 2, 2, 2)], {"output_size": 3}, (5, 3, 3, 3), (0, 0), 0),
    "global_avg_pool": ([(5, 4, 6)], {}, (5,), (0, 0), 0),
    "adaptive_avg_pool2d": ([(5, 2, 2)], {"output_size": 7}, (5, 7, 7), (0, 0), 0),
    "flatten": ([(3, 4, 5)], {}, (60,), (0, 0), 0),
    "dropout": ([(3,)], {"rate": 0.2}, (3,), (0, 0), 0),
    "add": ([(3, 4, 4), (3, 4, 4)], {}, (3, 4, 4), (0, 0), 0),
    "concat": ([(3, 4, 4), (5, 4, 4)], {}, (8, 4, 4), (0, 0), 0),
    "zero_pad2d": ([(3, 4, 4)], {"padding": ((1, 2), (0, 3))}, (3, 7, 7), (0, 0), 0),
    "local_response_norm": ([(8, 4, 4)], {"size": 5}, (8, 4, 4), (0, 0), 0),
    "relu6": ([(2, 3, 3)], {}, (2, 3, 3), (0, 0), 0),
    "clip": ([(2,)], {"max": 1.0}, (2,), (0, 0), 0),
    "leaky_relu": ([(2, 3, 3)], {}, (2, 3, 3), (0, 0), 0),
    "elu": ([(4,)], {}, (4,), (0, 0), 0),
    "gelu": ([(2, 3, 3)], {"approximate": "tanh"}, (2, 3, 3), (0, 0), 0),
    "silu": ([(2, 3, 3)], {}, (2, 3, 3), (0, 0), 0),
    "hardswish": ([(2, 3, 3)], {}, (2, 3, 3), (0, 0), 0),
    "hardsigmoid": ([(5,)], {}, (5,), (0, 0), 0),
    "mish": ([(2, 3, 3)], {}, (2, 3, 3), (0, 0), 0),
    "softplus": ([(2, 3, 3)], {}, (2, 3, 3), (0, 0), 0),
    "prelu": ([(6, 3, 3)], {"num_parameters": 6}, (6, 3, 3), (6, 0), 0),
    "mul": ([(6, 1, 1), (6, 3, 3)], {}, (6, 3, 3), (0, 0), 0),
    "sub": ([(2, 1, 4), (2, 3, 1)], {}, (2, 3, 4), (0, 0), 0),
    "div": ([(5,)], {"scalar": 2.0}, (5,), (0, 0), 0),
    "maximum": ([(1, 3, 3), (4, 3, 3)], {}, (4, 3, 3), (0, 0), 0),
    "minimum": ([(4,), (1,)], {}, (4,), (0, 0), 0),
    "mean": ([(6, 3, 4)], {"axes": (1, 2), "keepdims": True}, (6, 1, 1), (0, 0), 0),
    "sum": ([(6, 3, 4)], {"axes": (0, 2)}, (3,), (0, 0), 0),
    "max": ([(5,)], {"axes": 0, "keepdims": True}, (1,), (0, 0), 0),
    "global_max_pool": ([(5, 4, 6)], {}, (5,), (0, 0), 0),
    "channel_shuffle": ([(6, 2, 2)], {"groups": 3}, (6, 2, 2), (0, 0), 0),
    "slice": ([(6, 2, 2)], {"start": 1, "step": 2}, (3, 2, 2), (0, 0), 0),
    "group_norm": ([(6, 2, 2)], {"num_groups": 3}, (6, 2, 2), (12, 0), 0),
    "instance_norm": ([(6, 2, 2)], {"affine": True}, (6, 2, 2), (12, 0), 0),
    "stochastic_depth": ([(6, 2, 2)], {"p": 0.2}, (6, 2, 2), (0, 0), 0),
    # (4 - 1)·2 − 2·1 + 1·(3 − 1) + 1 + 1 = 8; weight (in 4, out/groups 3, 3, 3)
    "conv_transpose2d": ([(4, 4, 5)], {"out_channels": 6, "kernel": 3, "stride": 2,
                                       "padding": 1, "output_padding": 1, "groups": 2},
                         (6, 8, 10), (4 * 3 * 9 + 6, 0), 4 * 20 * 3 * 9),
    "upsample": ([(3, 4, 5)], {"scale_factor": (2, 3), "mode": "bilinear"}, (3, 8, 15),
                 (0, 0), 0),
    # ⌊(16 + 1 + 2 − 2·(3 − 1) − 1) / 2⌋ + 1 = 8; weight (6, 4/2, 3)
    "conv1d": ([(4, 16)], {"out_channels": 6, "kernel": 3, "stride": 2, "padding": (1, 2),
                           "dilation": 2, "groups": 2}, (6, 8), (6 * 2 * 3 + 6, 0),
               6 * 8 * 2 * 3),
    "layer_norm": ([(6, 3, 3)], {"eps": 1e-6}, (6, 3, 3), (12, 0), 0),
    "to_tokens": ([(4, 2, 3)], {}, (6, 4), (0, 0), 0),
    "from_tokens": ([((6, 4), "TC")], {"height": 2, "width": 3}, (4, 2, 3), (0, 0), 0),
    "reshape": ([(4, 3, 2)], {"shape": (6, -1)}, (6, 4), (0, 0), 0),
    "permute": ([(4, 3, 2)], {"dims": (0, 2, 1)}, (4, 2, 3), (0, 0), 0),
    "transpose": ([((5, 4), "TC")], {"dim0": 0, "dim1": 1}, (4, 5), (0, 0), 0),
    "select": ([((5, 4), "TC")], {"axis": 0, "index": 0}, (4,), (0, 0), 0),
    "parameter": ([((5, 4), "TC")], {"shape": (1, 4), "layout": "TC"}, (1, 4), (4, 0), 0),
    "layer_scale": ([(6, 3, 3)], {}, (6, 3, 3), (6, 0), 0),
    "matmul": ([((5, 4), "TC"), ((4, 3), "TC")], {}, (5, 3), (0, 0), 5 * 4 * 3),
    "scaled_dot_product_attention": ([((5, 4), "TC"), ((6, 4), "TC"), ((6, 3), "TC")], {},
                                     (5, 3), (0, 0), 5 * 6 * (4 + 3)),
    # in_proj (24, 8) + (24,), out_proj (8, 8) + (8,); projections 4 · 5 · 8 · 8 MACs,
    # scores and values 2 · 5 · 5 · 8
    "multi_head_attention": ([((5, 8), "TC")], {"num_heads": 2}, (5, 8), (288, 0),
                             4 * 5 * 64 + 2 * 5 * 5 * 8),
}


def _build(op, in_shapes, attrs):
    g = netir.Graph("t")
    ins = [g.input(s[0], layout=s[1], name=f"in{i}") if isinstance(s[-1], str)
           else g.input(s, name=f"in{i}")
           for i, s in enumerate(in_shapes)]
    return g, g.add_node(op, ins, name="x", attrs=attrs)


def test_every_registered_op_has_a_case():
    assert sorted(CASES) == list_ops()


@pytest.mark.parametrize("op", sorted(CASES))
def test_shape_params_macs(op):
    in_shapes, attrs, out, params, macs = CASES[op]
    if op == "input":
        g = netir.Graph("t")
        t = g.input(attrs["shape"])
    else:
        g, t = _build(op, in_shapes, attrs)
    assert t.shape == out
    assert g.node_params(t.name) == params
    assert g.node_macs(t.name) == macs


@pytest.mark.parametrize("op", list_ops())
def test_declaration_is_complete(op):
    spec = get_op(op)
    assert spec.doc and spec.category
    for a in spec.attrs:
        assert a.doc, f"{op}.{a.name} has no doc"
        if a.default is not REQUIRED and a.default is not None:
            a.type(a.name, a.default)  # every default passes its own check
    for p in spec.positional:
        assert p in spec.attr_index


def test_defaults_are_filled():
    g = netir.Graph("t")
    x = g.conv2d(g.input((3, 8, 8)), 4)
    assert dict(x.node.attrs) == {"out_channels": 4, "kernel": (3, 3), "stride": (1, 1),
                                  "padding": ((0, 0), (0, 0)), "dilation": (1, 1),
                                  "groups": 1, "bias": True}


@pytest.mark.parametrize(("size", "pads", "out"), [(224, ((0, 1), (0, 1)), 112),
                                                   (225, ((1, 1), (1, 1)), 113)])
def test_same_at_stride_2_resolves_to_explicit_pairs(size, pads, out):
    g = netir.Graph("t")
    x = g.conv2d(g.input((3, size, size)), 8, 3, stride=2, padding="same")
    assert x.node.attrs["padding"] == pads
    assert x.shape == (8, out, out)


def test_pool_stride_defaults_to_kernel_and_ceil_drops_last_window():
    g = netir.Graph("t")
    x = g.input((1, 4, 4))
    assert g.max_pool2d(x, 2).node.attrs["stride"] == (2, 2)
    y = g.max_pool2d(x, 2, 2, padding=1, ceil_mode=True)
    assert y.shape == (1, 3, 3)  # a 4th window would start in the right padding


def test_dilated_conv_shape_and_macs():
    g = netir.Graph("t")
    x = g.conv2d(g.input((2, 10, 10)), 4, 3, dilation=2)
    assert x.shape == (4, 6, 6)
    assert g.node_macs(x.name) == 4 * 36 * 2 * 9


def test_depthwise_conv_params():
    g = netir.Graph("t")
    x = g.conv2d(g.input((8, 5, 5)), 16, 3, groups=8, bias=False)
    assert g.param_shapes(x.name) == ({"weight": (16, 1, 3, 3)}, {})


def test_labels_carry_key_attributes():
    g = netir.Graph("t")
    x = g.conv2d(g.input((3, 8, 8)), 64, 3, stride=2)
    assert g[x.name].spec.label(x.node.attrs) == "conv 3×3 /2, 64"


@pytest.mark.parametrize(("shapes", "scalar", "error", "match"), [
    ([(3,), (3, 4, 4)], None, netir.ShapeError, "one rank"),
    ([(3, 4, 4), (2, 4, 4)], None, netir.ShapeError, "be 1 on it"),
    ([(3, 4, 4)], None, netir.AttributeValueError, "needs the constant operand"),
    ([(3, 4, 4), (3, 1, 1)], 2.0, netir.AttributeValueError, "has two inputs"),
    ([(3, 4, 4), (3, 4, 1), (2, 1, 1)], None, netir.ShapeError, "be 1 on it"),
])
def test_broadcasting_refuses_what_numpy_would_misalign(shapes, scalar, error, match):
    g = netir.Graph("t")
    ins = [g.input(s, name=f"in{i}") for i, s in enumerate(shapes)]
    op = "add" if len(ins) > 2 else "mul"
    attrs = {} if op == "add" else {"scalar": scalar}
    with pytest.raises(error, match=match) as err:
        getattr(g, op)(*ins, **attrs, name="m")
    assert (err.value.node, err.value.op) == ("m", op)


def test_division_by_a_zero_constant_is_refused():
    g = netir.Graph("t")
    with pytest.raises(netir.AttributeValueError, match="constant 0"):
        g.div(g.input((3,)), scalar=0)


@pytest.mark.parametrize(("op", "shape", "attrs", "match"), [
    ("mean", (3, 4, 4), {"axes": ()}, "empty reduction"),
    ("sum", (3, 4, 4), {"axes": (0,)}, "rank 2"),
    ("max", (3, 4, 4), {"axes": (0, 1, 2)}, "rank 0"),
    ("mean", (3,), {"axes": (1,), "keepdims": True}, "out of range"),
    ("mean", (3, 4, 4), {"axes": (1, 1)}, "twice"),
    ("slice", (3, 4, 4), {"axis": 1, "start": 4}, "keeps nothing"),
    ("slice", (3, 4, 4), {"axis": 3}, "out of range"),
    ("channel_shuffle", (6, 2, 2), {"groups": 4}, "must divide"),
    ("group_norm", (6, 2, 2), {"num_groups": 4}, "must divide"),
    ("group_norm", (6,), {"num_groups": 6}, "single value"),
    ("instance_norm", (6, 1, 1), {}, "single value"),
])
def test_reductions_and_channel_ops_refuse_with_the_values(op, shape, attrs, match):
    g = netir.Graph("t")
    with pytest.raises(netir.NetIRError, match=match) as err:
        g.add_node(op, [g.input(shape)], name="n", attrs=attrs)
    assert (err.value.node, err.value.op) == ("n", op)


def test_chunk_in_two_is_two_slices_of_the_channels():
    g = netir.Graph("t")
    x = g.input((6, 4, 4))
    left, right = g.slice(x, 0, 0, 3), g.slice(x, 0, 3)
    assert left.shape == right.shape == (3, 4, 4)


def test_layer_norm_normalises_the_feature_axis_of_every_layout():
    g = netir.Graph("t")
    tokens = g.layer_norm(g.input((5, 8), layout="TC"))
    seq = g.layer_norm(g.input((8, 5)))
    assert g.param_shapes(tokens.name)[0] == {"weight": (8,), "bias": (8,)}
    assert g.param_shapes(seq.name)[0] == {"weight": (8,), "bias": (8,)}
    assert (tokens.layout, seq.layout) == ("TC", "CL")
    assert get_op("layer_norm").attr_index["eps"].default == 1e-5  # PyTorch's, not Keras'


def test_tokens_round_trip_between_map_and_tokens():
    g = netir.Graph("t")
    t = g.to_tokens(g.input((8, 2, 3)))
    assert (t.shape, t.layout) == ((6, 8), "TC")
    m = g.from_tokens(t, 3, 2)
    assert (m.shape, m.layout) == ((8, 3, 2), "CHW")
    with pytest.raises(netir.ShapeError, match=r"height \* width must equal.*tokens 6"):
        g.from_tokens(t, 4, 2)
    with pytest.raises(netir.ShapeError, match="takes inputs of layout TC"):
        g.from_tokens(g.input((6, 8)), 3, 2)
