"""ConvNeXt and ViT: the families that borrow from transformers, beyond the catalog's counts and
keys (test_catalog.py): block structure, stochastic depth, knobs, and the emitted PyTorch
model against torchvision's forward written in functional PyTorch."""

import numpy as np
import pytest
import torch
import torch.nn.functional as F

from netir import AttributeValueError
from netir.architectures import build
from netir.architectures.convnext import convnext
from netir.architectures.vit import vision_transformer
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


def test_vit_at_a_smaller_input_changes_only_the_position_embedding():
    full, small = build("vit_b_16"), build("vit_b_16", input_size=64)
    changed = {n.name for n in full.nodes
               if full.param_shapes(n) != small.param_shapes(small[n.name])}
    assert changed == {"encoder.pos_embedding"}
    assert small.param_shapes("encoder.pos_embedding")[0] == {"weight": (1, 17, 768)}
    assert full.param_shapes("encoder.pos_embedding")[0] == {"weight": (1, 197, 768)}


def _torchvision_vit(sd, x, patch, layers, heads):
    """torchvision's VisionTransformer.forward at inference, on a state_dict of its keys."""
    x = F.conv2d(x, sd["conv_proj.weight"], sd["conv_proj.bias"], stride=patch)
    n, d = x.shape[:2]
    x = x.reshape(n, d, -1).permute(0, 2, 1)
    x = torch.cat([sd["class_token"].expand(n, -1, -1), x], dim=1) + sd["encoder.pos_embedding"]
    for i in range(layers):
        p = f"encoder.layers.encoder_layer_{i}"
        attention = torch.nn.MultiheadAttention(d, heads, batch_first=True).eval()
        attention.load_state_dict({k[len(p) + 16:]: v for k, v in sd.items()
                                   if k.startswith(f"{p}.self_attention.")})
        y = F.layer_norm(x, (d,), sd[f"{p}.ln_1.weight"], sd[f"{p}.ln_1.bias"], 1e-6)
        x = attention(y, y, y, need_weights=False)[0] + x
        y = F.layer_norm(x, (d,), sd[f"{p}.ln_2.weight"], sd[f"{p}.ln_2.bias"], 1e-6)
        y = F.gelu(F.linear(y, sd[f"{p}.mlp.0.weight"], sd[f"{p}.mlp.0.bias"]))
        x = x + F.linear(y, sd[f"{p}.mlp.3.weight"], sd[f"{p}.mlp.3.bias"])
    x = F.layer_norm(x, (d,), sd["encoder.ln.weight"], sd["encoder.ln.bias"], 1e-6)
    return F.linear(x[:, 0], sd["heads.head.weight"], sd["heads.head.bias"])


def test_small_vit_computes_torchvisions_forward():
    g = vision_transformer("tiny_vit", 4, 2, 2, 16, 32, num_classes=5, input_size=16)
    torch.manual_seed(0)
    model = to_torch(g)
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        ours = model(x).numpy()
        expected = _torchvision_vit(model.state_dict(), x, 4, 2, 2).numpy()
    assert ours.shape == (2, 5)
    np.testing.assert_allclose(ours, expected, rtol=1e-4, atol=1e-4 * np.abs(expected).max())


def test_attention_macs_are_flop_counter_modes_for_its_parts():
    """multi_head_attention's MACs are what FlopCounterMode counts for its parts (in_proj,
    the two products of scaled dot-product attention, out_proj); on the module itself at
    inference the counter sees one fused kernel and counts nothing, which is why
    torchvision's ViT figures leave the attention out."""
    from torch.utils.flop_counter import FlopCounterMode

    tokens, features, heads = 10, 64, 4
    g = vision_transformer("one_layer", 4, 1, heads, features, 8, input_size=12)
    node = next(n for n in g.nodes if n.op == "multi_head_attention")
    assert g.input_shapes(node)[0] == (tokens, features)
    module = torch.nn.MultiheadAttention(features, heads, batch_first=True).eval()
    x = torch.randn(1, tokens, features)

    def parts():
        q, k, v = F.linear(x, module.in_proj_weight, module.in_proj_bias).chunk(3, dim=-1)
        split = [t.reshape(1, tokens, heads, -1).transpose(1, 2) for t in (q, k, v)]
        q, k, v = split  # scaled dot-product attention written out (the counter has no
        # rule for the CPU's fused kernel either)
        scores = torch.softmax(q @ k.transpose(-1, -2) / (features // heads) ** 0.5, dim=-1)
        y = (scores @ v).transpose(1, 2).reshape(1, tokens, -1)
        return F.linear(y, module.out_proj.weight, module.out_proj.bias)

    with torch.no_grad():
        counter = FlopCounterMode(display=False)
        with counter:
            expected = parts()
        fused = FlopCounterMode(display=False)
        with fused:
            ours = module(x, x, x, need_weights=False)[0]
    torch.testing.assert_close(ours, expected, rtol=1e-5, atol=1e-5)
    assert g.node_macs(node) == counter.get_total_flops() // 2
    assert fused.get_total_flops() == 0
