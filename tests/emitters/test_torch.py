"""The PyTorch emitter: torchvision's module tree, and a module that behaves as one."""

import numpy as np
import pytest
import torch

import netir
from netir.architectures import build, get_architecture, list_architectures
from netir.emitters.pytorch import to_torch

TORCHVISION = [n for n in list_architectures() if get_architecture(n).torchvision]


@pytest.mark.parametrize("name", TORCHVISION)
def test_state_dict_matches_torchvision(name, torchvision_reference):
    with torch.device("meta"):  # the module tree and shapes, without allocating weights
        model = to_torch(build(name))
    ours = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert ours == torchvision_reference[name]["state_dict"]
    del model


def test_module_tree_follows_node_names():
    g = build("resnet50", input_size=64)
    m = to_torch(g)
    assert isinstance(m.layer3[4].conv2, torch.nn.Conv2d)
    assert m.layer3[4].conv2.stride == (1, 1)
    assert isinstance(m.layer2[0].downsample[0], torch.nn.Conv2d)
    assert len(m.layer3) == 6
    # a generated forward (no interpreter) calling one module per non-input node
    assert type(m).forward.__code__.co_filename.startswith("<eval_with_key")
    called = [n.target for n in m.graph.nodes if n.op == "call_module"]
    assert called == [n.name for n in g.nodes if n.op != "input"]


def _small():
    g = netir.Graph("small")
    x = g.input((3, 16, 16))
    x = g.relu(g.batch_norm(g.conv2d(x, 8, 3, stride=2, padding="same"), name="bn"))
    y = g.conv2d(x, 8, 3, padding=1, groups=2)
    x = g.max_pool2d(g.add(x, y), 3, 2, padding="same")
    x = g.local_response_norm(x, 3)
    g.dense(g.dropout(g.flatten(x), 0.5), 4, name="fc")
    return g


def test_channels_last_and_eval():
    m = to_torch(_small()).eval()
    x = torch.randn(2, 3, 16, 16)
    with torch.no_grad():
        ref = m(x)
        cl = m.to(memory_format=torch.channels_last)(x.to(memory_format=torch.channels_last))
    torch.testing.assert_close(ref, cl, rtol=1e-5, atol=1e-5)


def test_training_reaches_every_parameter_and_updates_statistics():
    m = to_torch(_small()).train()
    before = m.bn.running_mean.clone()
    loss = m(torch.randn(4, 3, 16, 16)).square().mean()
    loss.backward()
    for name, p in m.named_parameters():
        assert p.grad is not None and torch.any(p.grad != 0), name
    assert not torch.equal(before, m.bn.running_mean)


def test_multiple_outputs_and_pickling(tmp_path):
    g = _small()
    m = to_torch(g, outputs=["bn", "fc"])
    a, b = m(torch.randn(1, 3, 16, 16))
    assert tuple(a.shape[1:]) == g["bn"].shape and tuple(b.shape[1:]) == (4,)
    full = to_torch(g).eval()
    torch.save(full, tmp_path / "m.pt")
    back = torch.load(tmp_path / "m.pt", weights_only=False).eval()
    x = torch.randn(1, 3, 16, 16)
    with torch.no_grad():
        np.testing.assert_array_equal(back(x).numpy(), full(x).numpy())


def _without_inplace(model):
    for module in model.modules():
        if isinstance(module, torch.nn.ReLU):
            module.inplace = False
        if hasattr(module, "inplace_index"):
            module.inplace_index = None
    return model


def test_relu_and_residual_add_run_in_place_as_torchvision_does():
    m = to_torch(build("resnet18", input_size=64))
    relus = [mod for mod in m.modules() if isinstance(mod, torch.nn.ReLU)]
    adds = [mod for mod in m.modules() if hasattr(mod, "inplace_index")]
    assert len(relus) == 17 and all(r.inplace for r in relus)
    assert len(adds) == 8 and all(a.inplace_index is not None for a in adds)


def test_in_place_plan_changes_neither_outputs_nor_gradients():
    g = build("resnet18", input_size=64)
    x = torch.randn(2, 3, 64, 64)
    torch.manual_seed(0)
    planned = to_torch(g).train()
    plain = _without_inplace(to_torch(g).train())
    plain.load_state_dict(planned.state_dict())
    out_a, out_b = planned(x), plain(x)
    torch.testing.assert_close(out_a, out_b, rtol=0, atol=0)
    out_a.square().mean().backward()
    out_b.square().mean().backward()
    for (name, p), q in zip(planned.named_parameters(), plain.parameters()):
        torch.testing.assert_close(p.grad, q.grad, rtol=1e-6, atol=1e-7, msg=name)


def test_shared_values_inputs_and_requested_outputs_are_never_overwritten():
    g = netir.Graph("shared")
    x = g.input((2, 5, 5))
    a = g.conv2d(x, 2, 1, name="a")
    r = g.relu(a, name="r")
    g.add(a, r, name="s")  # 'a' is read twice: neither consumer may write into it
    g.relu(x, name="rx")  # the caller's tensor is never written
    g.output("s", "rx")
    m = to_torch(g).eval()
    assert not m.r.inplace and m.s.inplace_index is None and not m.rx.inplace
    inp = torch.randn(1, 2, 5, 5)
    keep = inp.clone()
    with torch.no_grad():
        s, rx = m(inp)
        conv = m.a(inp)
    torch.testing.assert_close(s, conv + torch.relu(conv))
    torch.testing.assert_close(rx, torch.relu(keep))
    assert torch.equal(inp, keep)
    # a requested intermediate output keeps its own value (negatives before the ReLU)
    bn, _ = to_torch(_small(), outputs=["bn", "fc"]).eval()(torch.randn(2, 3, 16, 16))
    assert (bn < 0).any()


def test_outputs_read_by_their_own_backward_are_not_overwritten():
    g = netir.Graph("tanh_relu")
    x = g.input((4,))
    g.relu(g.tanh(g.dense(x, 3, name="fc"), name="t"), name="r")
    m = to_torch(g).train()
    assert not m.r.inplace
    m(torch.randn(2, 4)).sum().backward()
    assert m.fc.weight.grad is not None


def _scoped():
    g = netir.Graph("scoped")
    x = g.input((3, 8, 8))
    for i in range(2):
        with g.scope("stage"), g.scope(str(i)):
            y = g.relu(g.batch_norm(g.conv2d(x, 3, 3, padding=1, name="conv"), name="bn"))
            x = g.add(x, y, name="add")
    g.dense(g.flatten(g.global_avg_pool(x)), 2, name="fc")
    return g


def test_replacing_a_scoped_layer_changes_the_forward_and_the_state_dict(tmp_path):
    m = to_torch(_scoped()).eval()
    # children are mirrored in the instance dict (under an identifier), so the
    # forward's chains are fast
    assert m.stage.__dict__["1"] is m.stage[1] and m.stage[0].__dict__["bn"] is m.stage[0].bn
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        before = m(x)
        m.stage[1].conv = torch.nn.Conv2d(3, 3, 3, padding=1, bias=False)  # attribute
        after_attr = m(x)
        m.stage[1] = m.stage[1]  # item assignment keeps the same scope
        m.stage[0].add_module("bn", torch.nn.Identity())  # add_module
        after_add = m(x)
    assert not torch.equal(before, after_attr) and not torch.equal(after_attr, after_add)
    keys = m.state_dict().keys()
    assert "stage.1.conv.weight" in keys and "stage.1.conv.bias" not in keys
    assert "stage.0.bn.running_mean" not in keys
    del m.stage[0].bn
    assert not hasattr(m.stage[0], "bn") and "bn" not in m.stage[0]._modules
    m.stage[0].bn = torch.nn.Identity()
    torch.save(m, tmp_path / "m.pt")
    back = torch.load(tmp_path / "m.pt", weights_only=False)
    assert back.stage[1].conv is back.stage[1]._modules["conv"]
    with torch.no_grad():
        torch.testing.assert_close(back(x), m(x), rtol=0, atol=0)


@pytest.mark.parametrize("make, size", [("_small", 16), ("_scoped", 8)])
def test_torch_compile_matches_eager(make, size):
    m = to_torch(globals()[make]()).eval()  # scoped layers are reached through mirrors
    x = torch.randn(2, 3, size, size)
    compiled = torch.compile(m, backend="aot_eager")
    with torch.no_grad():
        torch.testing.assert_close(compiled(x), m(x), rtol=1e-5, atol=1e-5)


def test_emitting_with_weights_draws_none_and_loads_every_one_exactly():
    from netir.emitters.weights import random_weights

    g = build("mobilenet_v3_small", input_size=32)
    weights = random_weights(g, seed=5)
    before = {name: getattr(torch.nn.init, name) for name in ("uniform_", "kaiming_uniform_")}
    torch.manual_seed(0)
    drawn = torch.rand(3)
    model = to_torch(g, weights=weights)
    torch.manual_seed(0)
    np.testing.assert_array_equal(torch.rand(3), drawn)  # no random draw in between
    assert {name: getattr(torch.nn.init, name) for name in before} == before  # restored
    got = netir.export_weights(model)
    assert got.keys() == weights.keys()
    for node, params in weights.items():
        for param, value in params.items():
            np.testing.assert_array_equal(got[node][param], value, err_msg=f"{node}.{param}")
    # without weights, modules draw their own as torch does
    plain = to_torch(g)
    assert not np.array_equal(netir.export_weights(plain)["features.0.0"]["weight"],
                              weights["features.0.0"]["weight"])
