"""The 3-D window ops, declared by the same rules as their 1-D and 2-D siblings: their
rules checked directly against hand-computed values (PyTorch's Conv3d, torchvision's
r3d_18)."""

import pytest

from netir.ir.errors import ShapeError
from netir.ir.layout import TensorType, default_layout
from netir.ir.ops import conv, pool
from netir.ir.ops.conv import CONV3D
from netir.ir.ops.pool import ADAPTIVE_AVG_POOL3D, AVG_POOL3D, MAX_POOL3D
from netir.ir.registry import get_op


def infer(spec, shape, **given):
    """(attrs, output shape, MACs, trainable parameter shapes) of one node."""
    inputs = [TensorType(shape, default_layout(len(shape)))]
    spec.check_inputs(inputs)
    attrs = spec.normalise_attrs(given)
    attrs = spec.resolve(attrs, inputs) if spec.resolve else attrs
    out = spec.shape(attrs, inputs)
    return attrs, out, spec.macs(attrs, inputs, out), spec.params(attrs, inputs)[0]


def test_r3d_18_stem():
    attrs, out, macs, params = infer(CONV3D, (3, 16, 112, 112), out_channels=64,
                                     kernel=(3, 7, 7), stride=(1, 2, 2), padding=(1, 3, 3),
                                     bias=False)
    assert out == (64, 16, 56, 56)
    assert params == {"weight": (64, 3, 3, 7, 7)}  # 28224 weights
    assert macs == 64 * 16 * 56 * 56 * 3 * 3 * 7 * 7
    assert attrs["padding"] == ((1, 1), (3, 3), (3, 3))
    assert CONV3D.parameters[0].layout == "OIDHW"
    assert CONV3D.label(attrs) == "conv3d 3×7×7 /1×2×2, 64"


def test_same_padding_per_axis_and_groups():
    # D: ceil(5 / 2) = 3 windows need 2 cells of padding, (1, 1); H, W: 4 need 1, (0, 1)
    attrs, out, macs, params = infer(CONV3D, (4, 5, 8, 8), out_channels=6, kernel=3,
                                     stride=2, padding="same", groups=2)
    assert attrs["padding"] == ((1, 1), (0, 1), (0, 1)) and out == (6, 3, 4, 4)
    assert params == {"weight": (6, 2, 3, 3, 3), "bias": (6,)}
    assert macs == 6 * 3 * 4 * 4 * 2 * 27


def test_refusals_name_the_values():
    with pytest.raises(ShapeError, match="groups must divide"):
        infer(CONV3D, (3, 4, 4, 4), out_channels=4, groups=2)
    with pytest.raises(ShapeError, match="kernel 5×5×5 is larger than the padded input"):
        infer(CONV3D, (3, 4, 4, 4), out_channels=4, kernel=5)
    with pytest.raises(ShapeError, match="rank 4"):
        infer(CONV3D, (3, 4, 4), out_channels=4)


def test_declared_like_the_2d_rank_and_registered():
    assert CONV3D.rewrites.absorb_channel_affine is not None
    assert CONV3D.rewrites.absorb_zero_padding is not None
    assert CONV3D.depth_layer and CONV3D.layouts == ("CDHW",)
    names = {"conv3d", "max_pool3d", "avg_pool3d", "adaptive_avg_pool3d"}
    assert names <= {spec.name for spec in conv.OPS + pool.OPS}
    assert {get_op(name) for name in names} == {CONV3D, MAX_POOL3D, AVG_POOL3D,
                                                ADAPTIVE_AVG_POOL3D}


def test_pools_in_three_dimensions():
    # I3D's spatial max pool: (1, 3, 3) windows, stride (1, 2, 2), padding (0, 1, 1)
    attrs, out, macs, params = infer(MAX_POOL3D, (64, 16, 56, 56), kernel=(1, 3, 3),
                                     stride=(1, 2, 2), padding=(0, 1, 1))
    assert out == (64, 16, 28, 28) and macs == 0 and params == {}
    assert attrs["padding"] == ((0, 0), (1, 1), (1, 1))
    # stride defaults to the kernel; ceil mode keeps a partial window that starts inside
    assert infer(AVG_POOL3D, (4, 5, 6, 7), kernel=2)[1] == (4, 2, 3, 3)
    assert infer(AVG_POOL3D, (4, 5, 6, 7), kernel=2, ceil_mode=True)[1] == (4, 3, 3, 4)
    assert infer(ADAPTIVE_AVG_POOL3D, (512, 2, 7, 7), output_size=1)[1] == (512, 1, 1, 1)
    assert MAX_POOL3D.rewrites.identity(infer(MAX_POOL3D, (2, 3, 3, 3), kernel=1)[0], None)
    with pytest.raises(ShapeError, match="smaller than the kernel"):
        infer(MAX_POOL3D, (2, 4, 4, 4), kernel=2, padding=(0, 2, 0))
