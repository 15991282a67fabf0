"""ConvNeXt: the families that borrow from transformers, beyond the catalog's counts and
keys (test_catalog.py): block structure, stochastic depth, knobs, and the emitted PyTorch
model against torchvision's forward written in functional PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from netir import AttributeValueError
from netir.architectures import build
from netir.architectures.convnext import convnext
from netir.emitters.pytorch import to_torch


def test_convnext_block_is_depthwise_norm_mlp_scale_without_permutes():
    g = build("convnext_tiny")
    block = [n for n in g.nodes if n.name.startswith("features.1.0.")]
    assert [n.op for n in block] == ["conv2d", "layer_norm", "dense", "gelu", "dense",
                                     "layer_scale", "stochastic_depth", "add"]
    conv, norm, up, _, down = block[:5]
    assert (conv.attrs["kernel"], conv.attrs["groups"], conv.attrs["bias"]) == ((7, 7), 96, True)
    assert conv.shape == (96, 56, 56) and norm.attrs["eps"] == 1e-6
    assert (up.shape, down.shape) == ((384, 56, 56), (96, 56, 56))
    assert g.param_shapes(block[5])[0] == {"weight": (96, 1, 1)}
    assert not any(n.op == "permute" for n in g.nodes)


@pytest.mark.parametrize("name, top", [("convnext_tiny", 0.1), ("convnext_large", 0.5)])
def test_convnext_stochastic_depth_grows_linearly_over_every_block(name, top):
    g = build(name)
    drops = [n.attrs["p"] for n in g.nodes if n.op == "stochastic_depth"]
    assert drops == [top * k / (len(drops) - 1) for k in range(len(drops))]


def test_convnext_knob_is_checked():
    with pytest.raises(AttributeValueError) as e:
        build("convnext_tiny", stochastic_depth_prob=1.5)
    assert "stochastic_depth_prob" in str(e.value) and "1.5" in str(e.value)


def _layer_norm_2d(x, sd, key):
    """torchvision's LayerNorm2d: layer norm over the channels of every position."""
    x = F.layer_norm(x.permute(0, 2, 3, 1), x.shape[1:2], sd[f"{key}.weight"],
                     sd[f"{key}.bias"], 1e-6)
    return x.permute(0, 3, 1, 2)


def _torchvision_convnext(sd, x, depths):
    """torchvision's ConvNeXt.forward at inference, on a state_dict of its keys."""
    x = _layer_norm_2d(F.conv2d(x, sd["features.0.0.weight"], sd["features.0.0.bias"],
                                stride=4), sd, "features.0.1")
    for i, depth in enumerate(depths):
        for b in range(depth):
            p, c = f"features.{2 * i + 1}.{b}", x.shape[1]
            y = F.conv2d(x, sd[f"{p}.block.0.weight"], sd[f"{p}.block.0.bias"], padding=3,
                         groups=c).permute(0, 2, 3, 1)
            y = F.layer_norm(y, (c,), sd[f"{p}.block.2.weight"], sd[f"{p}.block.2.bias"], 1e-6)
            y = F.gelu(F.linear(y, sd[f"{p}.block.3.weight"], sd[f"{p}.block.3.bias"]))
            y = F.linear(y, sd[f"{p}.block.5.weight"], sd[f"{p}.block.5.bias"])
            x = sd[f"{p}.layer_scale"] * y.permute(0, 3, 1, 2) + x
        if i + 1 < len(depths):
            p = f"features.{2 * i + 2}"
            x = F.conv2d(_layer_norm_2d(x, sd, f"{p}.0"), sd[f"{p}.1.weight"],
                         sd[f"{p}.1.bias"], stride=2)
    x = _layer_norm_2d(F.adaptive_avg_pool2d(x, 1), sd, "classifier.0").flatten(1)
    return F.linear(x, sd["classifier.2.weight"], sd["classifier.2.bias"])


def test_small_convnext_computes_torchvisions_forward():
    g = convnext("tiny_convnext", (8, 16), (2, 1), num_classes=5, input_size=32)
    torch.manual_seed(0)
    model = to_torch(g)
    x = torch.randn(2, 3, 32, 32)
    with torch.no_grad():
        ours = model(x).numpy()
        expected = _torchvision_convnext(model.state_dict(), x, (2, 1)).numpy()
    assert ours.shape == (2, 5)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())

