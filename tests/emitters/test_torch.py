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
    model = to_torch(build(name))
    ours = {k: list(v.shape) for k, v in model.state_dict().items()}
    assert ours == torchvision_reference[name]["state_dict"]
    del model


def test_module_tree_follows_node_names():
    m = to_torch(build("resnet50", input_size=64))
    assert isinstance(m.layer3[4].conv2, torch.nn.Conv2d)
    assert m.layer3[4].conv2.stride == (1, 1)
    assert isinstance(m.layer2[0].downsample[0], torch.nn.Conv2d)
    assert len(m.layer3) == 6
    assert "getattr" in m.code or "layer3" in m.code  # generated forward, no interpreter


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


def test_torch_compile_matches_eager():
    m = to_torch(_small()).eval()
    x = torch.randn(2, 3, 16, 16)
    compiled = torch.compile(m, backend="aot_eager")
    with torch.no_grad():
        torch.testing.assert_close(compiled(x), m(x), rtol=1e-5, atol=1e-5)


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
