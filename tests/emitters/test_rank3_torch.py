"""What the torch backend's conv3d is as a module: nn.Conv3d itself for symmetric padding,
a padded convolution with nn.Conv3d's parameters otherwise (its numbers are held to
torch.nn.functional with every backend's in test_rank3.py)."""

import numpy as np
import pytest

from netir.emitters.registry import get_backend
from netir.emitters.weights import random_weights
from tests.emitters.test_rank3 import CASES, _single

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("case", ["conv", "conv asymmetric"])
def test_conv3d_holds_torch_conv3d_parameters(case):
    """Symmetric padding lowers to nn.Conv3d itself; asymmetric padding to a padded
    convolution with nn.Conv3d's parameters: state_dict keys ``y.weight``, ``y.bias``
    of the neutral (out, in/groups, d, h, w) shapes, either way."""
    op, shape, attrs = CASES[case]
    g = _single(op, shape, attrs)
    weights = random_weights(g, seed=1)["y"]
    model = get_backend("torch").emit(g, weights={"y": weights})
    layer = model.get_submodule("y")
    assert isinstance(layer, torch.nn.Conv3d) == (case == "conv")
    state = model.state_dict()
    assert sorted(state) == ["y.bias", "y.weight"]
    assert state["y.weight"].shape == weights["weight"].shape == (
        attrs["out_channels"], shape[0], *(attrs["kernel"],) * 3)
    np.testing.assert_array_equal(state["y.weight"].numpy(), weights["weight"])
