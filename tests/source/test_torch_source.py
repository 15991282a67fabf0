"""``netir.to_source(g, "torch")``: a module file that runs with torch alone and computes
what ``netir.to_torch(g)`` computes, with the same state_dict."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import netir
from netir.architectures import list_architectures
from tests.conftest import load_torchvision_reference

torch = pytest.importorskip("torch")

RUNNER = Path(__file__).parent / "runner.py"

#: (case, catalog name, overrides): small inputs, the checks' reduced width for ViT.
NETWORKS = [
    ("lenet5", "lenet5", {}),
    ("resnet18", "resnet18", {"input_size": 32}),
    ("mobilenet_v2", "mobilenet_v2", {"input_size": 32}),
    ("densenet121", "densenet121", {"input_size": 32}),
    ("efficientnet_b0", "efficientnet_b0", {"input_size": 32}),
    ("shufflenet", "shufflenet_v2_x0_5", {"input_size": 32}),
    ("squeezenet", "squeezenet1_0", {"input_size": 48}),
    ("vit", "vit_b_32", {"input_size": 64, "width_mult": 0.125}),
    ("convnext", "convnext_tiny", {"input_size": 32}),
]


def model_class(source: str) -> str:
    """The last class the file defines: the model."""
    return [n.name for n in ast.parse(source).body if isinstance(n, ast.ClassDef)][-1]


def imported_modules(source: str) -> set[str]:
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom):
            out.add((node.module or "").split(".")[0])
    return out


def run_isolated(cases: dict[str, tuple[netir.Graph, str]], tmp_path: Path, seed: int = 0):
    """Each case's source run by :mod:`runner` (netir blocked) on netir's torch model's
    state_dict; returns ``{case: (outputs, keys, reference outputs, reference keys)}``."""
    expected = {}
    for case, (graph, source) in cases.items():
        reference = netir.to_torch(graph)
        netir.import_weights(reference, netir.random_weights(graph, seed=seed))
        state = reference.state_dict()
        rng = np.random.default_rng(seed)
        inputs = [rng.standard_normal((2, *n.shape)).astype(np.float32) for n in graph.inputs]
        with torch.no_grad():
            out = reference(*(torch.from_numpy(x) for x in inputs))
        out = out if isinstance(out, tuple) else (out,)
        expected[case] = ([o.numpy() for o in out], list(state))
        (tmp_path / f"{case}.py").write_text(source)
        (tmp_path / f"{case}.txt").write_text(model_class(source))
        np.savez(tmp_path / f"{case}.npz", **{f"state.{k}": v.numpy() for k, v in state.items()},
                 **{f"input.{k}": x for k, x in enumerate(inputs)})
    done = subprocess.run([sys.executable, str(RUNNER), str(tmp_path)], capture_output=True,
                          text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("netir blocked")
    result = {}
    for case in cases:
        data = np.load(tmp_path / f"{case}.out.npz")
        outputs = [data[f"output.{k}"] for k in range(len(data.files))]
        text = (tmp_path / f"{case}.keys.txt").read_text()
        keys = text.split("\n") if text else []  # a model without weights has no keys
        result[case] = (outputs, keys, *expected[case])
    return result


def assert_same(result) -> None:
    for case, (outputs, keys, ref_outputs, ref_keys) in result.items():
        assert keys == ref_keys, case
        assert len(outputs) == len(ref_outputs), case
        for got, want in zip(outputs, ref_outputs):
            assert got.shape == want.shape, case
            scale = float(np.abs(want).max()) or 1.0
            np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5 * scale, err_msg=case)


@pytest.fixture(scope="module")
def catalog_sources():
    return {case: (g, netir.to_source(g, "torch"))
            for case, name, kw in NETWORKS for g in [netir.build(name, num_classes=10, **kw)]}


def test_catalog_sources_run_without_netir_and_match_to_torch(catalog_sources, tmp_path):
    for case, (_, source) in catalog_sources.items():
        assert imported_modules(source) <= {"torch", "numpy"}, case
        assert "netir" not in re.sub(r'""".*?"""', "", source, flags=re.S), case
    assert_same(run_isolated(catalog_sources, tmp_path))


def test_source_model_equals_to_torch_bit_for_bit_in_this_process():
    g = netir.build("resnet18", input_size=32)
    namespace: dict = {}
    source = netir.to_source(g, "torch")
    exec(compile(source, "model.py", "exec"), namespace)
    model = namespace[model_class(source)]().eval()
    reference = netir.to_torch(g)
    netir.import_weights(reference, netir.random_weights(g, seed=1))
    model.load_state_dict(reference.state_dict(), strict=True)
    x = torch.randn(2, 3, 32, 32, generator=torch.Generator().manual_seed(0))
    with torch.no_grad():
        assert torch.equal(model(x), reference(x))


def test_float64_training_step_matches_to_torch():
    """Train mode (batch statistics, running averages) and gradients, in float64."""
    g = netir.build("resnet18", input_size=16, num_classes=5)
    namespace: dict = {}
    source = netir.to_source(g, "torch")
    exec(compile(source, "model.py", "exec"), namespace)
    model = namespace[model_class(source)]()
    reference = netir.to_torch(g)
    netir.import_weights(reference, netir.random_weights(g, seed=2))
    model.load_state_dict(reference.state_dict(), strict=True)
    model, reference = model.double().train(), reference.double().train()
    x = torch.randn(2, 3, 16, 16, dtype=torch.float64, generator=torch.Generator().manual_seed(0))
    for m in (model, reference):
        m(x).square().sum().backward()
    grads = dict(reference.named_parameters())
    for name, p in model.named_parameters():
        torch.testing.assert_close(p.grad, grads[name].grad, rtol=1e-10, atol=1e-12)
    for key, value in reference.state_dict().items():
        torch.testing.assert_close(model.state_dict()[key], value, rtol=1e-12, atol=0)


@pytest.mark.parametrize("name", sorted(set(list_architectures())
                                         & set(load_torchvision_reference())))
def test_state_dict_names_and_shapes_are_torchvisions(name, torchvision_reference):
    """Every catalog network torchvision has, at its default size, built on the meta
    device (no memory): the same state_dict keys, in order, and shapes."""
    g = netir.build(name)
    source = netir.to_source(g, "torch")
    namespace: dict = {}
    exec(compile(source, "model.py", "exec"), namespace)
    with torch.device("meta"):
        model = namespace[model_class(source)]()
    state = [(k, list(v.shape)) for k, v in model.state_dict().items()]
    want = [(k, list(v)) for k, v in torchvision_reference[name]["state_dict"].items()]
    assert state == want
