"""The 3-D windows in source code: conv3d, max_pool3d, avg_pool3d and adaptive_avg_pool3d
through both source emitters, each file run where netir is not importable. The PyTorch
file equals ``to_torch`` bit for bit and the Keras file ``to_keras`` within 1e-6, over
every lowering branch: stock layers, asymmetric padding, groups, a dilation with a
stride, a single output, ceil mode and per-cell divisors, uneven adaptive bins."""

from __future__ import annotations

import numpy as np
import pytest

import netir


def _graphs() -> dict[str, netir.Graph]:
    graphs = {}

    def case(name, build, shape=(4, 5, 7, 6)):
        g = netir.Graph(name)
        build(g, g.input(shape, name="x"))
        graphs[name] = g

    case("conv_stock", lambda g, x: g.conv3d(x, 6, (3, 3, 2), stride=(1, 2, 2), padding=1))
    case("conv_asymmetric", lambda g, x: g.conv3d(x, 4, 2, padding=((0, 1), (1, 0), (1, 1)),
                                                  bias=False))
    case("conv_groups_dilated_strided",
         lambda g, x: g.conv3d(x, 6, 2, groups=2, dilation=(1, 2, 1), stride=(1, 1, 2)))
    case("conv_one_output", lambda g, x: g.conv3d(x, 3, (2, 3, 3), stride=(1, 4, 4)),
         shape=(1, 3, 5, 5))
    case("max_native_and_ceil", lambda g, x: g.max_pool3d(
        g.max_pool3d(x, 3, 1, padding=1), 2, 2, ceil_mode=True))
    case("max_asymmetric", lambda g, x: g.max_pool3d(x, 3, 2,
                                                     padding=((0, 1), (1, 2), (1, 0))))
    case("avg_native_and_divisors", lambda g, x: g.avg_pool3d(
        g.avg_pool3d(x, 3, 1, padding=1, count_include_pad=False), 3, 2, padding="same",
        count_include_pad=False))
    case("adaptive", lambda g, x: g.adaptive_avg_pool3d(
        g.adaptive_avg_pool3d(x, (1, 7, 3)), (1, 3, 2)))
    return graphs


GRAPHS = _graphs()


def test_the_cases_reach_the_exact_branches():
    torch_text = "".join(netir.to_source(g, "torch") for g in GRAPHS.values())
    keras_text = "".join(netir.to_source(g, "keras") for g in GRAPHS.values())
    for helper in ("PaddedConv3d", "MaxPool3dExact", "AvgPool3dExact", "nn.Conv3d",
                   "nn.MaxPool3d", "nn.AvgPool3d", "nn.AdaptiveAvgPool3d"):
        assert helper in torch_text, helper
    for helper in ("Conv3DExact", "ConstantPad", "ScaleMap", "AdaptiveAvgPool3D",
                   "layers.Cropping3D", "layers.ZeroPadding3D", "layers.MaxPooling3D",
                   "layers.AveragePooling3D"):
        assert helper in keras_text, helper


def test_torch_files_equal_to_torch_bit_for_bit(tmp_path):
    pytest.importorskip("torch")
    from tests.source.test_torch_source import assert_same, run_isolated

    cases = {name: (g, netir.to_source(g, "torch")) for name, g in GRAPHS.items()}
    result = run_isolated(cases, tmp_path)
    assert_same(result)
    for name, (outputs, _, ref_outputs, _) in result.items():
        assert all(np.array_equal(a, b) for a, b in zip(outputs, ref_outputs)), name


def test_keras_files_match_to_keras(tmp_path):
    pytest.importorskip("keras")
    from tests.source.test_keras_source import assert_same, run_isolated

    cases = {name: (g, netir.to_source(g, "keras")) for name, g in GRAPHS.items()}
    assert_same(run_isolated(cases, tmp_path), tolerance=1e-6)
