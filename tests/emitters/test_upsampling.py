"""conv_transpose2d and upsample against plain PyTorch functional code on every backend
(1e-5, float32), and the rules behind them: the transposed output size, output_padding's
bound, PyTorch's nearest source index and its float32 bilinear coordinates."""

import numpy as np
import pytest

torch = pytest.importorskip("torch")
F = torch.nn.functional

import netir  # noqa: E402
from netir.emitters.compare import OP_TOLERANCE, run_backend  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from netir.ir import arithmetic  # noqa: E402
from netir.ir.errors import AttributeValueError, ShapeError  # noqa: E402
from tests.backends import usable_backends  # noqa: E402
from tests.emitters.test_ops_numeric import single  # noqa: E402

BACKENDS = usable_backends()


def _transpose(shape, out, kernel, bias=True, **attrs):
    def functional(x, w):
        b = torch.from_numpy(w["bias"]) if bias else None
        return F.conv_transpose2d(x, torch.from_numpy(w["weight"]), b, **attrs)

    return single("conv_transpose2d", shape, out, kernel, bias=bias, **attrs), functional


def _resize(shape, mode="nearest", align_corners=None, **attrs):
    graph = single("upsample", shape, mode=mode, align_corners=bool(align_corners), **attrs)
    return graph, lambda x, w: F.interpolate(x, mode=mode, align_corners=align_corners, **attrs)


# case -> (graph, functional(x, weights of node "y") -> tensor)
CASES = {
    "transpose k3 s2 p1 op1": _transpose((3, 4, 5), 4, 3, stride=2, padding=1,
                                         output_padding=1),
    "transpose k2 s2 (U-Net)": _transpose((3, 4, 5), 2, 2, stride=2),
    "transpose groups dilation": _transpose((4, 4, 5), 6, 3, stride=2, padding=(1, 2),
                                            output_padding=1, dilation=2, groups=2),
    "transpose depthwise": _transpose((3, 3, 4), 3, 3, stride=2, groups=3),
    "transpose output_padding past padding": _transpose(
        (3, 4, 5), 2, (3, 2), stride=(3, 2), padding=(0, 1), output_padding=(2, 1)),
    "transpose padding past the kernel": _transpose((2, 6, 6), 3, 2, stride=3, padding=2),
    "transpose output_padding from dilation": _transpose((2, 4, 4), 3, 3, dilation=3,
                                                         output_padding=2),
    "transpose stride 1 no bias": _transpose((3, 4, 5), 2, 3, bias=False),
    "nearest x2": _resize((3, 4, 5), scale_factor=2),
    "nearest x(3, 2)": _resize((3, 4, 5), scale_factor=(3, 2)),
    "nearest to size": _resize((3, 4, 5), size=(7, 13)),
    "nearest down": _resize((3, 9, 8), size=(4, 3)),
    "bilinear x2": _resize((3, 4, 5), "bilinear", False, scale_factor=2),
    "bilinear x3": _resize((3, 4, 5), "bilinear", False, scale_factor=3),
    "bilinear to size": _resize((3, 4, 5), "bilinear", False, size=(9, 7)),
    "bilinear down": _resize((3, 9, 8), "bilinear", False, size=(4, 3)),
    "bilinear align corners x2": _resize((3, 4, 5), "bilinear", True, scale_factor=2),
    "bilinear align corners to size": _resize((3, 4, 5), "bilinear", True, size=(9, 13)),
    "bilinear align corners to one": _resize((3, 4, 5), "bilinear", True, size=(1, 3)),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_backend_computes_the_pytorch_functional_expression(case):
    graph, functional = CASES[case]
    weights = random_weights(graph, seed=3)
    x = (np.random.default_rng(7).standard_normal((2, *graph.inputs[0].shape)) * 4
         ).astype(np.float32)
    expected = functional(torch.from_numpy(x), weights.get("y", {})).numpy()
    assert expected.shape[1:] == graph["y"].shape
    scale = max(1.0, float(np.abs(expected).max()))
    for backend in BACKENDS:
        (got,), _ = run_backend(backend, graph, weights, [x], ["y"])
        assert got.shape == expected.shape, backend
        assert float(np.abs(got - expected).max()) <= OP_TOLERANCE * scale, backend


@pytest.mark.parametrize(("size", "k", "s", "p", "op", "d", "out"), [
    (4, 3, 2, 1, 1, 1, 8), (4, 2, 2, 0, 0, 1, 8), (5, 3, 1, 1, 0, 1, 5),
    (4, 3, 2, 0, 1, 2, 12), (1, 1, 3, 0, 2, 1, 3)])
def test_transposed_output_size_is_pytorchs(size, k, s, p, op, d, out):
    """(n − 1)·s − 2p + d·(k − 1) + output_padding + 1, and torch's shape agrees."""
    assert arithmetic.transposed_output_size(size, k, s, p, op, d) == out
    y = F.conv_transpose2d(torch.zeros(1, 1, size, size), torch.zeros(1, 1, k, k), stride=s,
                           padding=p, output_padding=op, dilation=d)
    assert tuple(y.shape[2:]) == (out, out)


def test_output_padding_must_stay_below_stride_or_dilation():
    g = netir.Graph("t")
    x = g.input((2, 4, 4))
    g.conv_transpose2d(x, 2, 3, stride=2, output_padding=1)
    g.conv_transpose2d(x, 2, 3, dilation=2, output_padding=1)  # the dilation allows it
    with pytest.raises(AttributeValueError) as e:
        g.conv_transpose2d(x, 2, 3, stride=2, output_padding=(0, 2), name="up")
    assert "up (conv_transpose2d)" in str(e.value) and "output_padding=(0, 2)" in str(e.value)
    with pytest.raises(RuntimeError):  # PyTorch refuses the same
        F.conv_transpose2d(torch.zeros(1, 2, 4, 4), torch.zeros(2, 2, 3, 3), stride=2,
                           output_padding=2)


def test_padding_that_removes_the_output_is_refused():
    g = netir.Graph("t")
    with pytest.raises(ShapeError, match="removes the whole output"):
        g.conv_transpose2d(g.input((1, 1, 1)), 1, 1, padding=1, name="up")


def test_resize_takes_one_of_scale_and_size_and_corners_only_for_bilinear():
    g = netir.Graph("t")
    x = g.input((1, 4, 4))
    for attrs in ({}, {"scale_factor": 2, "size": (8, 8)}):
        with pytest.raises(AttributeValueError, match="exactly one of scale_factor and size"):
            g.upsample(x, **attrs)
    with pytest.raises(AttributeValueError, match="bilinear resizing only"):
        g.upsample(x, 2, align_corners=True)


def test_nearest_source_is_pytorchs_for_every_size_up_to_40():
    """PyTorch's ⌊dst · float32(in/out)⌋ in float32, for every pair of sizes up to 40
    in and 96 out (downscales and non-integer ratios included)."""
    for n in range(1, 41):
        x = torch.arange(n, dtype=torch.float32).reshape(1, 1, n, 1)
        for out in range(1, 97):
            got = F.interpolate(x, size=(out, 1), mode="nearest")[0, 0, :, 0]
            assert got.long().tolist() == arithmetic.nearest_source(n, out).tolist(), (n, out)


@pytest.mark.parametrize("align_corners", [False, True])
@pytest.mark.parametrize(("n", "out"), [(4, 8), (5, 7), (9, 4), (100, 300), (257, 513), (7, 1)])
def test_linear_weights_are_pytorchs_float32_weights(n, out, align_corners):
    """Resizing the identity gives PyTorch's interpolation matrix; the IR's equals it to
    the bit, half-pixel centres (clamped at 0) and align_corners alike. At 100 -> 300 the
    real-number coordinates would be 4e-6 off."""
    eye = torch.eye(n, dtype=torch.float32).reshape(1, n, n, 1)
    torch_matrix = F.interpolate(eye, size=(out, 1), mode="bilinear",
                                 align_corners=align_corners)[0, :, :, 0].numpy().T
    ours = arithmetic.linear_matrix(n, out, align_corners)
    np.testing.assert_array_equal(ours.astype(np.float32), torch_matrix)


def test_half_pixel_and_align_corners_sample_different_points():
    """Upscaling [0, 1] to 4 values: half-pixel centres give 0, 0.25, 0.75, 1;
    align_corners gives 0, 1/3, 2/3, 1; every backend computes the one stated."""
    x = np.array([0.0, 1.0], np.float32).reshape(1, 1, 1, 2)
    for corners, expected in ((False, [0, 0.25, 0.75, 1]), (True, [0, 1 / 3, 2 / 3, 1])):
        graph = single("upsample", (1, 1, 2), size=(1, 4), mode="bilinear",
                       align_corners=corners)
        for backend in BACKENDS:
            (got,), _ = run_backend(backend, graph, {}, [x], ["y"])
            np.testing.assert_allclose(got[0, 0, 0], expected, atol=1e-7, err_msg=backend)


def test_onnx_uses_resize_where_exact_and_conv_transpose_with_explicit_pads():
    onnx = pytest.importorskip("onnx")
    from netir.emitters.onnx import to_onnx

    def types(graph):
        return [n.op_type for n in to_onnx(graph).graph.node]

    assert "Resize" in types(CASES["bilinear x2"][0])
    assert "Resize" in types(CASES["nearest x(3, 2)"][0])
    assert "Resize" not in types(CASES["bilinear x3"][0])  # 1/3 is inexact in float
    assert "Resize" not in types(CASES["nearest to size"][0])
    model = to_onnx(CASES["transpose k3 s2 p1 op1"][0])
    (node,) = [n for n in model.graph.node if n.op_type == "ConvTranspose"]
    attrs = {a.name: onnx.helper.get_attribute_value(a) for a in node.attribute}
    assert attrs["pads"] == [1, 1, 0, 0]  # output_padding 1 taken off the end padding 1
    assert not {"auto_pad", "output_shape", "output_padding"} & set(attrs)


@pytest.mark.parametrize("align_corners", [False, True])
def test_bilinear_and_transposed_convolution_train_alike_in_float64(align_corners):
    """In float64 PyTorch computes the bilinear coordinate in float64: the IR's weights
    follow the dtype (float32 weights parted Keras from torch by 2e-7 in training)."""
    pytest.importorskip("keras")
    from netir.training import training_agreement
    from netir.training.agreement import TRAINING_TOLERANCE

    g = netir.Graph("t")
    x = g.conv2d(g.input((2, 5, 6)), 3, 3, padding=1)
    x = g.upsample(x, size=(7, 13), mode="bilinear", align_corners=align_corners)
    x = g.conv_transpose2d(x, 2, 3, stride=2, padding=1, output_padding=1)
    g.dense(g.flatten(x), 3)
    (report,) = training_agreement(g, steps=2, batch=8)
    for quantity in (report.forward, report.gradients, report.weights, report.inference):
        assert quantity <= TRAINING_TOLERANCE, report
