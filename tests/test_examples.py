"""The examples in examples/ build, agree on every backend, and compute what their
plain PyTorch counterparts compute."""

import runpy
from pathlib import Path

import numpy as np
import pytest

from netir.emitters.compare import CATALOG_TOLERANCE, compare, run_backend
from netir.emitters.weights import random_weights

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def _example(name: str) -> dict:
    return runpy.run_path(str(EXAMPLES / f"{name}.py"))


@pytest.mark.parametrize("gate", ["sigmoid", "hardsigmoid"])
def test_squeeze_excitation_agrees_everywhere_and_is_torchvisions_block(gate):
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    graph = _example("squeeze_excitation")["squeeze_excitation"](6, 2, 5, gate=gate)
    report = compare(graph, tolerance=CATALOG_TOLERANCE, seed=1)
    assert report.passed, str(report)
    assert {r.backend for r in report.results} >= {"torch", "keras", "reference"}
    # torchvision.ops.SqueezeExcitation, written out in functional PyTorch
    w = random_weights(graph, seed=2)
    x = np.random.default_rng(0).standard_normal((2, 6, 5, 5)).astype(np.float32)
    t = {f"{n}.{p}": torch.from_numpy(a) for n in ("fc1", "fc2") for p, a in w[n].items()}
    xt = torch.from_numpy(x)
    s = functional.adaptive_avg_pool2d(xt, 1)
    s = functional.relu(functional.conv2d(s, t["fc1.weight"], t["fc1.bias"]))
    s = functional.conv2d(s, t["fc2.weight"], t["fc2.bias"])
    s = torch.sigmoid(s) if gate == "sigmoid" else functional.hardsigmoid(s)
    expected = (xt * s).numpy()
    for backend in ("torch", "keras", "onnx", "reference"):
        (got,), _ = run_backend(backend, graph, w, [x], ["scale"])
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5, err_msg=backend)


def _torch_unet(torch, in_channels, num_classes, width, depth, up):
    """The U-Net written as a plain PyTorch module whose module paths are the example's
    node names, so its state_dict takes the neutral weights as they are."""
    nn, functional = torch.nn, torch.nn.functional

    class Double(nn.Module):
        def __init__(self, cin, cout):
            super().__init__()
            self.conv1 = nn.Conv2d(cin, cout, 3, padding=1, bias=False)
            self.bn1 = nn.BatchNorm2d(cout)
            self.conv2 = nn.Conv2d(cout, cout, 3, padding=1, bias=False)
            self.bn2 = nn.BatchNorm2d(cout)

        def forward(self, x):
            x = functional.relu(self.bn1(self.conv1(x)))
            return functional.relu(self.bn2(self.conv2(x)))

    class Up(Double):
        def __init__(self, cin, cout):
            super().__init__(2 * cout, cout)
            self.up = (nn.ConvTranspose2d(cin, cout, 2, stride=2) if up == "transpose"
                       else nn.Conv2d(cin, cout, 1))

        def forward(self, x, skip):
            if up != "transpose":
                x = functional.interpolate(x, scale_factor=2, mode="bilinear",
                                           align_corners=True)
            return super().forward(torch.cat([skip, self.up(x)], 1))

    class UNet(nn.Module):
        def __init__(self):
            super().__init__()
            widths = [width * 2 ** i for i in range(depth + 1)]
            for i in range(depth):
                self.add_module(f"down{i + 1}", Double(([in_channels] + widths)[i], widths[i]))
                self.add_module(f"up{i + 1}", Up(widths[i + 1], widths[i]))
            self.bottleneck = Double(widths[depth - 1], widths[depth])
            self.head = nn.Conv2d(width, num_classes, 1)

        def forward(self, x):
            skips = []
            for i in range(depth):
                x = getattr(self, f"down{i + 1}")(x)
                skips.append(x)
                x = functional.max_pool2d(x, 2)
            x = self.bottleneck(x)
            for i in reversed(range(depth)):
                x = getattr(self, f"up{i + 1}")(x, skips[i])
            return self.head(x)

    return UNet()


@pytest.mark.parametrize("up", ["transpose", "bilinear"])
def test_unet_agrees_everywhere_and_is_the_plain_pytorch_unet(up):
    torch = pytest.importorskip("torch")
    graph = _example("unet")["unet"](3, 2, width=4, depth=2, size=16, up=up)
    assert graph.outputs[0].shape == (2, 16, 16)
    report = compare(graph, tolerance=CATALOG_TOLERANCE, seed=1)
    assert report.passed, str(report)
    assert {r.backend for r in report.results} >= {"torch", "keras", "onnx", "reference"}
    weights = random_weights(graph, seed=2)
    module = _torch_unet(torch, 3, 2, 4, 2, up).eval()
    state = {f"{n}.{p}": torch.from_numpy(a) for n, ps in weights.items() for p, a in ps.items()}
    missing, unexpected = module.load_state_dict(state, strict=False)
    assert unexpected == [] and all(k.endswith("num_batches_tracked") for k in missing)
    x = np.random.default_rng(0).standard_normal((2, 3, 16, 16)).astype(np.float32)
    with torch.no_grad():
        expected = module(torch.from_numpy(x)).numpy()
    scale = max(1.0, float(np.abs(expected).max()))
    for backend in ("torch", "keras", "onnx", "reference"):
        (got,), _ = run_backend(backend, graph, weights, [x], ["head"])
        assert float(np.abs(got - expected).max()) <= CATALOG_TOLERANCE * scale, backend


def test_audio_cnn_1d_agrees_everywhere_and_is_the_plain_pytorch_network():
    torch = pytest.importorskip("torch")
    nn = torch.nn
    graph = _example("audio_cnn_1d")["audio_cnn_1d"](samples=400, num_classes=5, width=4,
                                                      stages=2)
    assert graph.outputs[0].shape == (5,)
    report = compare(graph, tolerance=CATALOG_TOLERANCE, seed=1)
    assert report.passed, str(report)
    assert {r.backend for r in report.results} >= {"torch", "keras", "onnx", "reference"}
    # the same network in plain PyTorch, its module names the example's node names
    module = nn.Module()
    module.conv0, module.bn0 = nn.Conv1d(1, 4, 80, stride=4, padding=38, bias=False), \
        nn.BatchNorm1d(4)
    for i, c in ((1, 8), (2, 16)):
        module.add_module(f"conv{i}", nn.Conv1d(c // 2, c, 3, stride=2, padding=1, bias=False))
        module.add_module(f"bn{i}", nn.BatchNorm1d(c))
    module.fc = nn.Linear(16, 5)
    weights = random_weights(graph, seed=2)
    state = {f"{n}.{p}": torch.from_numpy(a) for n, ps in weights.items() for p, a in ps.items()}
    missing, unexpected = module.load_state_dict(state, strict=False)
    assert unexpected == [] and all(k.endswith("num_batches_tracked") for k in missing)
    module.eval()
    x = np.random.default_rng(0).standard_normal((2, 1, 400)).astype(np.float32)
    with torch.no_grad():
        h = torch.from_numpy(x)
        for i in range(3):
            h = torch.relu(getattr(module, f"bn{i}")(getattr(module, f"conv{i}")(h)))
        expected = module.fc(h.mean(dim=2)).numpy()
    scale = max(1.0, float(np.abs(expected).max()))
    for backend in ("torch", "keras", "onnx", "reference"):
        (got,), _ = run_backend(backend, graph, weights, [x], ["fc"])
        assert float(np.abs(got - expected).max()) <= CATALOG_TOLERANCE * scale, backend


def test_tiny_vit_agrees_everywhere_and_is_torchvisions_vision_transformer():
    """torchvision's VisionTransformer forward, written out in functional PyTorch on
    the graph's weights (keys as torchvision's state_dict), against every backend."""
    torch = pytest.importorskip("torch")
    functional = torch.nn.functional
    graph = _example("tiny_vit")["tiny_vit"](image_size=8, patch_size=4, num_layers=2,
                                             num_heads=2, hidden_dim=8, mlp_dim=12,
                                             num_classes=3)
    report = compare(graph, tolerance=CATALOG_TOLERANCE, seed=1)
    assert report.passed, str(report)
    assert {r.backend for r in report.results} >= {"torch", "keras", "reference"}
    w = random_weights(graph, seed=2)
    t = {f"{n}.{p}": torch.from_numpy(a) for n, ps in w.items() for p, a in ps.items()}
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32)
    y = functional.conv2d(torch.from_numpy(x), t["conv_proj.weight"], t["conv_proj.bias"],
                          stride=4)
    y = y.reshape(2, 8, 4).permute(0, 2, 1)
    y = torch.cat([t["class_token.weight"].expand(2, -1, -1), y], dim=1)
    y = y + t["encoder.pos_embedding.weight"]
    for i in range(2):
        p = f"encoder.layers.encoder_layer_{i}"
        h = functional.layer_norm(y, (8,), t[f"{p}.ln_1.weight"], t[f"{p}.ln_1.bias"], 1e-6)
        h = functional.multi_head_attention_forward(
            h.transpose(0, 1), h.transpose(0, 1), h.transpose(0, 1), 8, 2,
            t[f"{p}.self_attention.in_proj_weight"], t[f"{p}.self_attention.in_proj_bias"],
            None, None, False, 0.0, t[f"{p}.self_attention.out_proj.weight"],
            t[f"{p}.self_attention.out_proj.bias"], training=False,
            need_weights=False)[0].transpose(0, 1)
        y = h + y
        h = functional.layer_norm(y, (8,), t[f"{p}.ln_2.weight"], t[f"{p}.ln_2.bias"], 1e-6)
        h = functional.linear(h, t[f"{p}.mlp.0.weight"], t[f"{p}.mlp.0.bias"])
        h = functional.linear(functional.gelu(h), t[f"{p}.mlp.3.weight"], t[f"{p}.mlp.3.bias"])
        y = y + h
    y = functional.layer_norm(y, (8,), t["encoder.ln.weight"], t["encoder.ln.bias"], 1e-6)
    expected = functional.linear(y[:, 0], t["heads.head.weight"], t["heads.head.bias"]).numpy()
    for backend in ("torch", "keras", "onnx", "reference"):
        (got,), _ = run_backend(backend, graph, w, [x], ["heads.head"])
        np.testing.assert_allclose(got, expected, rtol=0, atol=1e-5, err_msg=backend)
