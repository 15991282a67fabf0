"""The families added after DenseNet: what each block must be, checked against
torchvision's documented shapes, the committed reference and PyTorch itself."""

import re

import pytest

from netir import ArchitectureError
from netir.architectures import build
from netir.architectures.channels import round_to_multiple
from netir.architectures.regnet import block_params
from netir.architectures.resnet import basic_block, resnet


def test_resnext_splits_the_3x3_and_wide_resnet_doubles_it():
    g = build("resnext50_32x4d")
    conv = g["layer1.0.conv2"]
    assert (conv.attrs["groups"], conv.shape[0]) == (32, 128)  # 32 paths × 4 channels
    assert g["layer4.2.conv2"].attrs["groups"] == 32
    assert build("resnext101_64x4d")["layer1.0.conv2"].attrs["groups"] == 64
    # torchvision's docstring: the last block is 2048-512-2048 in ResNet-50,
    # 2048-1024-2048 in Wide ResNet-50-2
    for name, inner in (("resnet50", 512), ("wide_resnet50_2", 1024)):
        g = build(name)
        assert [g[f"layer4.2.conv{i}"].shape[0] for i in (1, 2, 3)] == [inner, inner, 2048]
        assert g["layer4.2.conv2"].attrs["groups"] == 1


def test_basic_blocks_refuse_groups_and_width():
    with pytest.raises(ArchitectureError, match="groups=32, width_per_group=4"):
        resnet("r", basic_block, [2, 2, 2, 2], 32, 4)


def test_squeezenet_pools_keep_the_partial_window_as_pytorch_does():
    torch = pytest.importorskip("torch")
    for name in ("squeezenet1_0", "squeezenet1_1"):
        g = build(name, input_size=64)
        pools = [n for n in g.nodes if n.op == "max_pool2d"]
        assert len(pools) == 3 and all(n.attrs["ceil_mode"] for n in pools)
        for node in pools:
            x = torch.zeros(1, *g.input_shapes(node)[0])
            out = torch.nn.MaxPool2d(3, 2, ceil_mode=True)(x)
            assert tuple(out.shape[1:]) == node.shape
        assert g["classifier.1"].op == "conv2d"  # classified by a 1×1 convolution
        assert g.outputs[0].shape == (1000,)


def test_inception_shapes_follow_torchvision_comments():
    g = build("googlenet")
    assert g["inception3b.cat"].shape == (480, 28, 28)
    assert g["maxpool3"].shape == (480, 14, 14)
    assert g["inception4e.cat"].shape == (832, 14, 14)
    assert g["maxpool4"].shape == (832, 7, 7)
    assert g["inception5b.cat"].shape == (1024, 7, 7)
    g = build("inception_v3")
    assert g["maxpool2"].shape == (192, 35, 35)
    assert g["Mixed_5d.cat"].shape == (288, 35, 35)
    assert g["Mixed_6a.cat"].shape == (768, 17, 17)
    assert g["Mixed_7a.cat"].shape == (1280, 8, 8)
    assert g["Mixed_7c.cat"].shape == (2048, 8, 8)


@pytest.mark.parametrize("name", ["googlenet", "inception_v3"])
def test_inception_batch_norm_eps_and_no_auxiliary_heads(name, torchvision_reference):
    g = build(name)
    assert {n.attrs["eps"] for n in g.nodes if n.op == "batch_norm"} == {0.001}
    assert not [n.name for n in g.nodes if "aux" in n.name.lower()]
    # the reference was made with aux_logits=False too: its figures hold no aux head
    ref = torchvision_reference[name]
    assert ref["kwargs"]["aux_logits"] is False
    assert not [k for k in ref["state_dict"] if "aux" in k.lower()]


def test_mnasnet_momentum_and_residuals():
    g = build("mnasnet1_0")
    assert {n.attrs["momentum"] for n in g.nodes if n.op == "batch_norm"} == {1 - 0.9997}
    # stacks of 3, 3, 3, 2, 4, 1 blocks: each but the first adds its input back
    assert sum(n.op == "add" for n in g.nodes) == 2 + 2 + 2 + 1 + 3 + 0
    depthwise = [n for n in g.nodes if n.op == "conv2d" and n.attrs["groups"] > 1]
    assert all(n.attrs["groups"] == n.shape[0] for n in depthwise)


def test_round_to_multiple_as_torchvision_documents_it():
    assert round_to_multiple(83, 8) == 80  # within 10% below: rounds down
    assert round_to_multiple(84, 8) == 88
    assert round_to_multiple(3, 8) == 8  # never below the divisor
    assert round_to_multiple(24 * 0.5, 8) == 16


# torchvision's (depth, w_0, w_a, w_m, group width): X sizes and, for the rule alone, Y sizes
@pytest.mark.parametrize("name, design", [
    ("regnet_x_400mf", (22, 24, 24.48, 2.54, 16)), ("regnet_x_32gf", (23, 320, 69.86, 2.0, 168)),
    ("regnet_y_400mf", (16, 48, 27.89, 2.09, 8)), ("regnet_y_3_2gf", (21, 80, 42.63, 2.66, 24)),
    ("regnet_y_128gf", (27, 456, 160.83, 2.52, 264)),
])
def test_regnet_stages_match_the_reference_state_dict(name, design, torchvision_reference):
    """Stage widths, depths and group widths read off the reference's keys and shapes."""
    stages = {}
    for key, shape in torchvision_reference[name]["state_dict"].items():
        m = re.fullmatch(r"trunk_output\.block(\d+)\.block\d+-\d+\.f\.b\.0\.weight", key)
        if m:
            stages.setdefault(int(m[1]), []).append(shape)
    expected = [(shapes[0][0], len(shapes), shapes[0][1]) for _, shapes in sorted(stages.items())]
    assert block_params(*design) == expected
