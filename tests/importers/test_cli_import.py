"""A PyTorch model named on the command line (``package.module:callable``): imported by
``netir import`` into the saved form, and taken by compare and summary with its own
weights; a bad spec is a usage error, a failing one exit 1, each one line."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

from netir.cli import main
from netir.emitters.weights import load_weights
from netir.ir.graph import Graph

SPEC = "tests.importers.refused_modules:small_convnet"


def run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


def test_import_writes_the_saved_form_with_the_modules_weights(tmp_path):
    r = run("import", SPEC, "--input", "3x16x16", "-o", str(tmp_path / "net"))
    assert r.exit_code == 0, r.output
    graph = Graph.load(tmp_path / "net" / "graph.json")
    assert graph.name == "small_convnet"
    assert [n.op for n in graph.nodes][:2] == ["input", "conv2d"]
    assert graph.inputs[0].shape == (3, 16, 16)
    weights = load_weights(tmp_path / "net" / "weights.safetensors")
    assert set(weights) == {n.name for n in graph.nodes if any(graph.param_shapes(n))}
    assert weights["0"]["weight"].shape == (8, 3, 3, 3)
    assert all(np.isfinite(p).all() for ps in weights.values() for p in ps.values())


def test_compare_takes_a_spec_and_its_weights(tmp_path):
    r = run("compare", SPEC, "--input", "3x16x16", "--backends", "torch,reference")
    assert r.exit_code == 0, r.output
    assert "small_convnet: PASS" in r.output and "given weights" in r.output
    saved = tmp_path / "net"
    run("import", SPEC, "--input", "3x16x16", "-o", str(saved))
    r = run("compare", str(saved), "--backends", "torch,reference")
    assert r.exit_code == 0 and "given weights" in r.output
    r = run("compare", str(saved), "--backends", "reference", "--weights", "random")
    assert r.exit_code == 0 and "random weights" in r.output


def test_summary_takes_a_spec():
    r = run("summary", "tests.importers.plain_modules:Residual", "--input", "8x8x8")
    assert r.exit_code == 0, r.output
    assert "conv1" in r.output and "bn2" in r.output


@pytest.mark.parametrize("args, message", [
    (("summary", "tests.importers.plain_modules:"), "package.module:callable"),
    (("summary", "tests.importers.plain_modules:Residual"), "needs --input"),
    (("summary", "tests.importers.plain_modules:Residual", "--input", "8xa"), "--input"),
    (("import", "resnet18", "--input", "3x8x8", "-o", "x"), "expected a model spec"),
])
def test_a_bad_spec_is_a_one_line_usage_error(args, message):
    r = CliRunner().invoke(main, list(args))
    assert r.exit_code == 2, r.output
    assert message in r.output


@pytest.mark.parametrize("spec, message", [
    ("no_such_module_here:net", "cannot import Python module 'no_such_module_here'"),
    ("tests.importers.plain_modules:missing", "has no attribute 'missing'"),
    ("tests.importers.plain_modules:PLAIN", "nn.Module or a callable"),
    ("tests.importers.refused_modules:ThreeUnsupported",
     "3 node(s) the IR cannot express: <top>: torch.cumsum"),
])
def test_a_spec_that_fails_is_one_line_exit_1(spec, message):
    r = CliRunner().invoke(main, ["summary", spec, "--input", "3x8x8"])
    assert r.exit_code == 1, r.output
    errors = [line for line in r.output.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and message in errors[0], r.output


def test_diff_takes_two_specs_and_counts_their_parameters():
    # by hand: conv 3*8*9+8 = 224, bn 2*8, linear 8*5+5 = 45 -> 285; small_cnn adds a
    # bias-free 8->16 3x3 conv (1,152), its bn (32) and a 16->10 linear (170) -> 1,594
    r = run("diff", SPEC, "tests.importers.plain_modules:small_cnn", "--input", "3x16x16")
    assert r.exit_code == 0, r.output
    assert "parameters 285 → 1,594" in r.output
    assert "10 (dense)" in r.output and "3: op adaptive_avg_pool2d → max_pool2d" in r.output


def test_diff_of_a_spec_and_its_saved_form_is_empty(tmp_path):
    run("import", SPEC, "--input", "3x16x16", "-o", str(tmp_path / "net"))
    r = run("diff", SPEC, str(tmp_path / "net"), "--input", "3x16x16", "--format", "json")
    assert r.exit_code == 0, r.output
    import json

    found = json.loads(r.output)
    assert not any(found[k] for k in ("added", "removed", "renamed", "changed")), found


def test_model_explorer_files_of_a_spec(tmp_path):
    r = run("render", SPEC, "--input", "3x16x16", "--format", "model-explorer",
            "-o", str(tmp_path / "me"))
    assert r.exit_code == 0, r.output
    import json

    files = sorted(p.name for p in (tmp_path / "me").iterdir())
    graph_file = next(p for p in (tmp_path / "me").iterdir() if "graph" in p.name)
    text = graph_file.read_text()
    assert json.loads(text) and '"0"' in text and "conv2d" in text, files
