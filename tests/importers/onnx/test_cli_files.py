"""``.onnx`` and ``.keras`` files on the command line: ``netir import FILE -o DIR`` writes
the saved form, and compare and summary take the file with its own weights; a model
file with ``--input``, or a file that is not a model, is one line (exit 2 and 1)."""

from __future__ import annotations

import numpy as np
import pytest
from click.testing import CliRunner

import netir
from netir.cli import main
from netir.emitters.onnx import to_onnx
from netir.emitters.weights import load_weights, random_weights

keras = pytest.importorskip("keras")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def _tiny():
    g = netir.Graph("tiny")
    y = g.relu(g.batch_norm(g.conv2d(g.input((3, 8, 8), name="x"), 4, 3, padding=1,
                                     name="conv"), name="bn"), name="relu")
    g.dense(g.global_avg_pool(y), 5, name="fc")
    return g


@pytest.fixture(scope="module")
def onnx_file(tmp_path_factory):
    g = _tiny()
    weights = random_weights(g, seed=4)
    path = tmp_path_factory.mktemp("onnx") / "tiny.onnx"
    path.write_bytes(to_onnx(g, weights=weights).SerializeToString())
    return g, weights, path


def test_import_writes_the_saved_form_of_an_onnx_file(onnx_file, tmp_path):
    g, weights, path = onnx_file
    r = run("import", path, "-o", tmp_path / "net")
    assert r.exit_code == 0, r.output
    assert (tmp_path / "net" / "graph.json").read_text() == g.to_json()
    got = load_weights(tmp_path / "net" / "weights.safetensors")
    assert np.array_equal(got["conv"]["weight"], weights["conv"]["weight"])
    r = run("compare", path, "--backends", "torch,reference")
    assert r.exit_code == 0 and "PASS" in r.output and "given weights" in r.output, r.output


def test_summary_of_a_keras_file_counts_its_parameters(tmp_path):
    x = keras.Input((6, 6, 2))
    y = keras.layers.Dense(3)(keras.layers.Flatten()(keras.layers.Conv2D(4, 3)(x)))
    model = keras.Model(x, y, name="kt")
    path = tmp_path / "kt.keras"
    model.save(path)
    r = run("summary", path)
    assert r.exit_code == 0, r.output
    # Conv2D 3·3·2·4 + 4 = 76, Dense 4·4·4·3 + 3 = 195
    assert f"{76 + 195:,}" in r.output and model.count_params() == 271


def test_a_model_file_takes_no_input_and_a_bad_file_is_one_line(onnx_file, tmp_path):
    _, _, path = onnx_file
    r = run("summary", path, "--input", "3x8x8")
    assert r.exit_code == 2 and "not model files" in r.output
    bad = tmp_path / "bad.onnx"
    bad.write_bytes(b"\x08\x07garbage")
    r = run("import", bad, "-o", tmp_path / "out")
    assert r.exit_code == 1 and len(r.output.strip().splitlines()) == 1, r.output
    assert not (tmp_path / "out").exists()
    r = run("import", "resnet18", "-o", tmp_path / "x")
    assert r.exit_code == 2 and ".onnx" in r.output
