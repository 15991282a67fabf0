"""Every catalog network: both backends agree at a reduced input (DESIGN.md tolerances)."""

import pytest

from netir.architectures import build, list_architectures
from netir.emitters.check import check_input
from netir.emitters.compare import compare


@pytest.mark.parametrize("name", list_architectures())
def test_backends_agree_on_catalog_network(name):
    g = build(name, input_size=check_input(name))
    report = compare(g)
    assert report.ir_shape == report.torch_shape == report.keras_shape
    assert report.ir_params == report.torch_params == report.keras_params
    assert report.max_abs <= 1e-4 * max(1.0, report.max_abs / max(report.max_rel, 1e-30))
    assert report.passed, str(report)


def test_check_inputs():
    assert check_input("resnet50") == (64, 64)
    assert check_input("lenet5") == (32, 32)
    h, _ = check_input("alexnet_2012")
    assert h > 64
    with pytest.raises(Exception):  # noqa: B017 - one smaller must fail
        build("alexnet_2012", input_size=h - 1)
