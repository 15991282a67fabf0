"""Catalog networks (one per family; every one under NETIR_DEEP=1): every backend agrees
with the float64 reference at every node (DESIGN.md tolerances), on calibrated weights at
a reduced input."""

import pytest

from netir.architectures import build
from netir.catalog_checks import check_input
from netir.emitters.compare import CATALOG_TOLERANCE, compare
from netir.ir.errors import ShapeError
from tests.backends import usable_backends
from tests.catalog import catalog_sample

BACKENDS = usable_backends()


@pytest.mark.parametrize("name", catalog_sample())
def test_backends_agree_on_catalog_network(name):
    report = compare(build(name, input_size=check_input(name)), backends=BACKENDS)
    assert [r.backend for r in report.results] == BACKENDS
    for r in report.results:
        assert r.shapes == report.outputs, r.backend
        assert r.params == report.ir_params, r.backend
        assert r.worst_rel <= CATALOG_TOLERANCE, (r.backend, r.worst_node)
    assert 0.1 < report.output_scale < 100  # calibrated: outputs of order 1
    assert report.passed, str(report)


def test_check_inputs():
    assert check_input("resnet50") == (64, 64)
    assert check_input("lenet5") == (32, 32)
    h, _ = check_input("alexnet_2012")
    assert h > 64
    build("alexnet_2012", input_size=h)
    with pytest.raises(ShapeError, match="larger than the padded input"):  # one smaller fails
        build("alexnet_2012", input_size=h - 1)
