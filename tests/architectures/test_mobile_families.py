"""MobileNet, ShuffleNet, EfficientNet and RegNet Y: what each block must be, checked
against the committed torchvision reference and torchvision's published tables.

Counts, MACs and state_dict keys of every network are held to the reference by
test_catalog.py; these tests check what those numbers cannot see: activations, batch-norm
settings, where residuals and squeeze-excitation sit, and the width and depth knobs."""

import inspect
import re

import pytest

from netir import ArchitectureError, AttributeValueError
from netir.architectures import build, get_architecture, list_architectures
from netir.architectures.efficientnet import efficientnet
from netir.architectures.registry import family_builder


def _ops(g, prefix: str) -> set[str]:
    return {n.op for n in g.nodes if n.name.startswith(prefix)}


def _norm(g, attr: str) -> set[float]:
    return {n.attrs[attr] for n in g.nodes if n.op == "batch_norm"}


def test_mobilenet_v2_residuals_relu6_and_width():
    g = build("mobilenet_v2")
    # torchvision's table (t, c, n, s): a block adds its input when stride 1 and the width
    # is kept, i.e. all but the first of each stage: 0 + 1 + 2 + 3 + 2 + 2 + 0
    assert sum(n.op == "add" for n in g.nodes) == 10
    assert "relu" not in _ops(g, "") and "relu6" in _ops(g, "")
    assert "features.1.conv.0.0" in g and g["features.1.conv.0.0"].attrs["groups"] == 32
    assert g["features.2.conv.0.0"].shape[0] == 16 * 6  # expansion 6 from 16 channels
    assert g["features.18.0"].shape == (1280, 7, 7)
    half = build("mobilenet_v2", width_mult=0.5)
    assert g.count_params()[0] > half.count_params()[0]
    assert half["features.0.0"].shape[0] == 16
    assert half["features.17.conv.2"].shape[0] == 160
    assert half["features.18.0"].shape[0] == 1280  # the last width only grows


@pytest.mark.parametrize("name, hardswish_from", [("mobilenet_v3_large", 7),
                                                  ("mobilenet_v3_small", 4)])
def test_mobilenet_v3_squeeze_excitation_and_activations(name, hardswish_from,
                                                         torchvision_reference):
    g = build(name)
    keys = torchvision_reference[name]["state_dict"]
    with_se = {int(m[1]) for k in keys if (m := re.fullmatch(r"features\.(\d+)\..*fc1\.weight",
                                                             k))}
    assert {int(n.name.split(".")[1]) for n in g.nodes if n.op == "mul"} == with_se
    assert {n.op for n in g.nodes if n.name.endswith("scale_activation")} == {"hardsigmoid"}
    assert (_norm(g, "eps"), _norm(g, "momentum")) == ({0.001}, {0.01})
    blocks = len({n.name.split(".")[1] for n in g.nodes if ".block." in n.name})
    for i in range(1, blocks + 1):
        activations = {n.op for n in g.nodes  # each Conv2dNormActivation's "2"
                       if n.name.startswith(f"features.{i}.block.") and n.name.endswith(".2")}
        assert activations == {"hardswish" if i >= hardswish_from else "relu"}, i
    assert g["classifier.1"].op == "hardswish"


def test_shufflenet_splits_concatenates_and_shuffles():
    g = build("shufflenet_v2_x1_0")
    assert g["stage2.1.chunk0"].shape == g["stage2.1.chunk1"].shape == (58, 28, 28)
    assert g["stage2.1.cat"].shape == (116, 28, 28)
    assert "stage2.1.branch1.0" not in g and "stage2.0.branch1.0" in g  # only downsampling
    shuffles = [n for n in g.nodes if n.op == "channel_shuffle"]
    assert len(shuffles) == 4 + 8 + 4 and {n.attrs["groups"] for n in shuffles} == {2}
    assert g["conv5.0"].shape == (1024, 7, 7)


def test_shufflenet_knobs_are_checked():
    g = build("shufflenet_v2_x0_5", stages_out_channels=(24, 116, 232, 464, 1024))
    assert g.count_params() == build("shufflenet_v2_x1_0").count_params()
    short = build("shufflenet_v2_x1_0", stages_repeats=(1, 1, 1))
    assert sum(n.op == "channel_shuffle" for n in short.nodes) == 3
    with pytest.raises(AttributeValueError, match="even") as e:
        build("shufflenet_v2_x1_0", stages_out_channels=(24, 115, 232, 464, 1024))
    assert "115" in str(e.value)
    with pytest.raises(AttributeValueError, match="3 positive ints"):
        build("shufflenet_v2_x1_0", stages_repeats=(4, 8))


@pytest.mark.parametrize("target", ["efficientnet_b1", "efficientnet_b3"])
def test_efficientnet_b0_scaled_by_the_knobs_is_the_larger_network(target,
                                                                   torchvision_reference):
    knobs = {k: inspect.signature(get_architecture(target).builder).parameters[k].default
             for k in ("width_mult", "depth_mult")}
    g = build("efficientnet_b0", **knobs)
    ref = torchvision_reference[target]
    assert (*g.count_params(), g.count_macs()) == (ref["trainable_params"],
                                                   ref["float_buffers"], ref["macs"])


def test_efficientnet_batch_norm_per_size():
    assert (_norm(build("efficientnet_b0"), "eps"), _norm(build("efficientnet_b0"),
                                                          "momentum")) == ({1e-5}, {0.1})
    b5 = build("efficientnet_b5")
    assert (_norm(b5, "eps"), _norm(b5, "momentum")) == ({0.001}, {0.01})
    v2 = build("efficientnet_v2_s")
    assert (_norm(v2, "eps"), _norm(v2, "momentum")) == ({0.001}, {0.1})


def test_efficientnet_stochastic_depth_grows_over_the_residual_blocks():
    g = build("efficientnet_b0")
    drops = [n for n in g.nodes if n.op == "stochastic_depth"]
    # B0's 16 blocks in stages of 1, 2, 2, 3, 3, 4, 1: a block adds its input unless it
    # opens a stage (block 8 opens stage 5 at stride 1, but widens 80 to 112)
    residual = [2, 4, 6, 7, 9, 10, 12, 13, 14]
    assert [n.attrs["p"] for n in drops] == [0.2 * k / 16 for k in residual]
    assert all(n.attrs["mode"] == "row" for n in drops)
    added = {name for n in g.nodes if n.op == "add" for name in n.inputs}
    assert all(n.name in added for n in drops)


def test_efficientnet_v2_fused_stages_have_no_depthwise_or_squeeze():
    g = build("efficientnet_v2_s")
    for stage in (1, 2, 3):
        assert "mul" not in _ops(g, f"features.{stage}.")
        convs = [n for n in g.nodes if n.op == "conv2d" and n.name.startswith(
            f"features.{stage}.")]
        assert all(n.attrs["groups"] == 1 for n in convs)
    # stage 1 keeps 24 channels at expansion 1: one 3×3 per block, and every block adds
    assert [n.name for n in g.nodes if n.op == "conv2d" and n.name.startswith(
        "features.1.")] == ["features.1.0.block.0.0", "features.1.1.block.0.0"]
    assert "features.1.0.add" in g
    assert "mul" in _ops(g, "features.4.") and g["features.6.14.block.2.fc1"].shape[0] == 64


def test_regnet_y_squeezes_each_block_to_a_quarter_of_its_input():
    g = build("regnet_y_400mf")
    blocks = {n.name.rsplit(".f.", 1)[0] for n in g.nodes if ".f." in n.name}
    assert {n.name.rsplit(".f.", 1)[0] for n in g.nodes if n.op == "mul"} == blocks
    assert g["trunk_output.block1.block1-0.f.se.fc1"].shape[0] == 8  # round(0.25 * 32)
    assert "mul" not in _ops(build("regnet_x_400mf"), "")
    x_with_se = build("regnet_x_400mf", se_ratio=0.25)
    assert sum(n.op == "mul" for n in x_with_se.nodes) == 22


def test_regnet_and_vit_width_knob_keeps_depth_names_and_head_width():
    """``width_mult`` (the check's fallback on small machines) narrows every layer and
    keeps the network's depth, node names and a ViT head's width; 1.0 is the catalog's."""
    for name in ("regnet_y_400mf", "vit_b_32"):
        full, half = build(name), build(name, width_mult=0.5)
        assert build(name, width_mult=1.0).to_json() == full.to_json()
        assert [n.name for n in half.nodes] == [n.name for n in full.nodes]
        assert 0.2 < half.count_params()[0] / full.count_params()[0] < 0.3
    stage = "trunk_output.block4.block4-0.f.b.0"
    regnet, narrow = build("regnet_y_400mf"), build("regnet_y_400mf", width_mult=0.5)
    width = narrow[stage].shape[0]
    assert regnet[stage].shape[0] == 440 and 200 <= width <= 240 and width % 8 == 0
    assert narrow[stage].attrs["groups"] == width // 4  # group width 8 -> 4
    vit = build("vit_b_32", width_mult=0.5)
    attention = vit["encoder.layers.encoder_layer_0.self_attention"]
    assert attention.attrs["num_heads"] == 6 and attention.shape[-1] == 384  # 64 per head


@pytest.mark.parametrize("name, knob, value", [
    ("regnet_x_400mf", "width_mult", 0.0), ("vit_b_16", "width_mult", -1),
    ("mobilenet_v2", "width_mult", 0), ("mobilenet_v3_small", "width_mult", "wide"),
    ("efficientnet_b0", "depth_mult", -1.0), ("efficientnet_b0", "dropout", 1.5),
    ("regnet_y_400mf", "se_ratio", 2.0),
])
def test_bad_knobs_name_the_knob_and_the_value(name, knob, value):
    with pytest.raises(AttributeValueError) as e:
        build(name, **{knob: value})
    assert e.value.node == "<build>"
    assert knob in str(e.value) and str(value) in str(e.value)


def test_entry_knobs_are_defaults_of_the_public_builder():
    params = inspect.signature(get_architecture("efficientnet_b3").builder).parameters
    assert (params["width_mult"].default, params["depth_mult"].default,
            params["dropout"].default) == (1.2, 1.4, 0.3)
    with pytest.raises(ArchitectureError, match="no keyword parameter 'widthmult'"):
        family_builder("x", efficientnet, (), None, {}, knobs={"widthmult": 2.0})


def test_knobs_follow_the_common_parameters_in_every_lineage_builder():
    """``resnet50(10)`` and ``regnet_y_400mf(10)`` both mean ten classes: a family's knobs
    come after num_classes, in_channels and input_size."""
    for name in list_architectures():
        params = list(inspect.signature(get_architecture(name).builder).parameters)
        assert params[:3] == ["num_classes", "in_channels", "input_size"], name
    assert get_architecture("efficientnet_b0").builder(10).outputs[0].shape == (10,)
