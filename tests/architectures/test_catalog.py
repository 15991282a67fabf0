"""Parametrized over the registry: every entry is held to the reference numbers."""

import math
import time

import pytest

import netir
from netir import ArchitectureError, ShapeError
from netir.architectures import build, get_architecture, list_architectures, register

NAMES = list_architectures()
LINEAGE = ["lenet5", "alexnet", "alexnet_2012", "vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn",
           "vgg13_bn", "vgg16_bn", "vgg19_bn", "resnet18", "resnet34", "resnet50", "resnet101",
           "resnet152", "densenet121", "densenet161", "densenet169", "densenet201",
           "googlenet", "inception_v3", "squeezenet1_0", "squeezenet1_1", "resnext50_32x4d",
           "resnext101_32x8d", "resnext101_64x4d", "wide_resnet50_2", "wide_resnet101_2",
           "mnasnet0_5", "mnasnet0_75", "mnasnet1_0", "mnasnet1_3", "regnet_x_400mf",
           "regnet_x_800mf", "regnet_x_1_6gf", "regnet_x_3_2gf", "regnet_x_8gf",
           "regnet_x_16gf", "regnet_x_32gf", "mobilenet_v2", "mobilenet_v3_large",
           "mobilenet_v3_small", "shufflenet_v2_x0_5", "shufflenet_v2_x1_0", "shufflenet_v2_x1_5",
           "shufflenet_v2_x2_0", "efficientnet_b0", "efficientnet_b1", "efficientnet_b2",
           "efficientnet_b3", "efficientnet_b4", "efficientnet_b5", "efficientnet_b6",
           "efficientnet_b7", "efficientnet_v2_s", "efficientnet_v2_m", "efficientnet_v2_l",
           "regnet_y_400mf", "regnet_y_800mf", "regnet_y_1_6gf", "regnet_y_3_2gf", "regnet_y_8gf",
           "regnet_y_16gf", "regnet_y_32gf", "regnet_y_128gf", "convnext_tiny",
           "convnext_small", "convnext_base", "convnext_large", "vit_b_16",
           "vit_b_32", "vit_l_16", "vit_l_32", "vit_h_14"]
# DESIGN.md's table, for the entries torchvision does not have
DESIGN = {"lenet5": (61_706, 416_520), "alexnet_2012": (60_965_224, 0.724e9)}


def test_catalog_holds_the_lineage_in_order():
    assert sorted(NAMES) == sorted(LINEAGE)
    years = [get_architecture(n).year for n in NAMES]
    assert years == sorted(years)


@pytest.mark.parametrize("name", NAMES)
def test_counts_match_reference(name, torchvision_reference):
    g = build(name)
    info = get_architecture(name)
    trainable, buffers = g.count_params()
    if name in torchvision_reference:
        ref = torchvision_reference[name]
        assert trainable == ref["trainable_params"]
        assert buffers == ref["float_buffers"]
        # FlopCounterMode counts nothing for nn.MultiheadAttention at inference (its fused
        # kernel has no rule; test_transformer_families.py shows it): the reference is the
        # network's MACs less its attention's
        uncounted = sum(g.node_macs(n) for n in g.nodes if n.op == "multi_head_attention")
        assert g.count_macs() - uncounted == ref["macs"]
        assert [1, *g.outputs[0].shape] == ref["output_shape"]
    else:
        params, macs = DESIGN[name]
        assert trainable == params
        assert round(g.count_macs() / 1e9, 3) == round(macs / 1e9, 3)
    assert (info.params, info.macs) == (trainable, g.count_macs())


@pytest.mark.parametrize("name", NAMES)
def test_metadata_is_complete(name):
    info = get_architecture(name)
    assert info.paper.title and info.paper.authors and info.paper.venue
    assert len(info.note) > 80
    assert info.family.lower()[:3] in name


@pytest.mark.parametrize("name", [n for n in NAMES if get_architecture(n).torchvision])
def test_weighted_nodes_map_to_state_dict_keys(name, torchvision_reference):
    g = build(name)
    expected = {k: tuple(v) for k, v in torchvision_reference[name]["state_dict"].items()
                if not k.endswith("num_batches_tracked")}
    ours = {}
    for node in g.nodes:
        trainable, buffers = g.param_shapes(node)
        bare = trainable and _torch_holds_bare(g, node)
        for key, shape in {**trainable, **buffers}.items():
            ours[node.name if bare else f"{node.name}.{key}"] = shape
    assert ours == expected


def _torch_holds_bare(g, node) -> bool:
    """Whether PyTorch holds the node's weight as a bare nn.Parameter at the node's path
    (layer_scale, parameter): its lowering, run on the meta device, says so."""
    import torch

    from netir.emitters.pytorch.lowered import BareParameter
    from netir.emitters.pytorch.lowerings import LOWERINGS
    from netir.ir.plan import plan_of
    with torch.device("meta"):
        return isinstance(LOWERINGS.lookup(node)(plan_of(g, node), []), BareParameter)


@pytest.mark.parametrize("name", NAMES)
def test_builds_fast(name):
    start = time.perf_counter()
    build(name)
    assert time.perf_counter() - start < 1.0


@pytest.mark.parametrize("name", NAMES)
def test_num_classes_and_in_channels_change_counts_by_the_arithmetic(name):
    base = build(name)
    g = build(name, num_classes=10, in_channels=1)
    # the classifier: the last layer with weights (a dense layer, or SqueezeNet's 1×1 conv)
    head = next(n for n in reversed(base.nodes) if base.param_shapes(n)[0])
    first = next(n for n in base.nodes if n.op == "conv2d")
    per_class = sum(math.prod(s) for s in base.param_shapes(head)[0].values()) // head.shape[0]
    kh, kw = first.attrs["kernel"]
    old_in = base.input_shapes(first)[0][0]
    expected = (base.count_params()[0] - (head.shape[0] - 10) * per_class
                - first.attrs["out_channels"] * (old_in - 1) * kh * kw)
    assert g.count_params()[0] == expected
    assert g.outputs[0].shape == (10,)


def test_input_size_override_changes_shapes_not_params():
    g = build("resnet50", num_classes=10, in_channels=1, input_size=64)
    assert g.inputs[0].shape == (1, 64, 64)
    assert g["layer4.2.relu3"].shape == (2048, 2, 2)
    assert build("resnet50", input_size=(64, 96))["layer4.2.relu3"].shape == (2048, 2, 3)


def test_vgg_at_64_uses_adaptive_pool_to_7x7():
    g = build("vgg16", input_size=64)
    assert g["avgpool"].shape == (512, 7, 7)
    assert g.count_params() == build("vgg16").count_params()


def test_too_small_input_names_the_node():
    with pytest.raises(ShapeError) as e:
        build("alexnet", input_size=32)
    assert str(e.value).startswith("features.")
    assert "Got: input" in str(e.value)


def test_resnet_block_structure():
    g = build("resnet50")
    assert g["layer2.0.conv2"].attrs["stride"] == (2, 2)  # v1.5: stride on the 3×3
    assert g["layer2.0.conv1"].attrs["stride"] == (1, 1)
    assert "layer2.1.downsample.0" not in g
    assert g["layer3.4.conv2"].shape == (256, 14, 14)


def test_alexnet_2012_uses_lrn_and_groups():
    g = build("alexnet_2012")
    assert [n.attrs["groups"] for n in g.nodes if n.op == "conv2d"] == [1, 2, 1, 2, 2]
    lrn = [n for n in g.nodes if n.op == "local_response_norm"]
    assert len(lrn) == 2 and lrn[0].attrs["k"] == 2.0
    assert g.inputs[0].shape == (3, 227, 227)


def test_densenet_uses_four_times_growth_bottlenecks():
    g = build("densenet121")
    assert g["features.denseblock1.denselayer1.conv1"].shape[0] == 128
    assert g["features.denseblock4.denselayer16.concat"].shape == (1024, 7, 7)


def test_registry_rejects_duplicates_and_suggests_names():
    with pytest.raises(ArchitectureError, match="already registered"):
        register("resnet18", family="ResNet", paper=get_architecture("resnet18").paper,
                 params=0, macs=0, note="")(lambda: netir.Graph())
    with pytest.raises(ArchitectureError, match="did you mean 'resnet50'"):
        build("resnet05")
    assert list_architectures("resnet1*") == ["resnet18", "resnet101", "resnet152"]


@pytest.mark.parametrize("name", list_architectures())
def test_every_entry_is_an_importable_builder_with_checked_overrides(name):
    import importlib
    import inspect

    builder = get_architecture(name).builder
    module = importlib.import_module(builder.__module__)
    assert getattr(module, name) is builder
    assert {"num_classes", "in_channels", "input_size"} <= set(
        inspect.signature(builder).parameters)
    with pytest.raises(netir.ArchitectureError, match="unknown override .foo.") as err:
        netir.build(name, foo=1)
    assert "foo=1" in str(err.value) and err.value.node == name


def test_public_builder_equals_build():
    from netir.architectures.resnet import resnet50

    assert resnet50(num_classes=10, input_size=64) == netir.build("resnet50", num_classes=10,
                                                                  input_size=64)
