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
