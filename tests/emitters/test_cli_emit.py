import json

import keras
import numpy as np
import torch
from click.testing import CliRunner

import netir
from netir.cli import main
from netir.emitters.registry import get_backend
from netir.emitters.weights import load_weights


def test_emit_torch_and_keras(tmp_path):
    for backend, extra in (("torch", ["model.pt"]), ("keras", ["model.keras"])):
        out = tmp_path / backend
        r = CliRunner().invoke(main, ["emit", "lenet5", "--backend", backend, "-o", str(out)])
        assert r.exit_code == 0, r.output
        assert sorted(p.name for p in out.iterdir()) == sorted(
            [*extra, "weights.safetensors", "graph.json"])
        assert netir.Graph.load(out / "graph.json") == netir.build("lenet5")
    w_t = load_weights(tmp_path / "torch" / "weights.safetensors")
    assert w_t["c1"]["weight"].shape == (6, 1, 5, 5)
    x = np.random.default_rng(0).standard_normal((2, 1, 32, 32)).astype(np.float32)
    model = netir.load(tmp_path / "torch", backend="torch").eval()
    with torch.no_grad():
        t = model(torch.from_numpy(x)).numpy()
    saved = load_weights(tmp_path / "keras" / "weights.safetensors")
    netir.import_weights(model, saved)  # the Keras run's weights, read into torch
    k = keras.models.load_model(tmp_path / "keras" / "model.keras")
    from_keras = np.asarray(k(np.transpose(x, (0, 2, 3, 1))))
    with torch.no_grad():
        assert np.abs(model(torch.from_numpy(x)).numpy() - from_keras).max() < 1e-4
    reloaded = netir.load(tmp_path / "keras", backend="keras")
    assert np.abs(np.asarray(reloaded(np.transpose(x, (0, 2, 3, 1)))) - from_keras).max() < 1e-5
    assert t.shape == (2, 10)
    content = torch.load(tmp_path / "torch" / "model.pt")  # torch's defaults: no pickle
    assert netir.Graph.from_json(content["graph"]) == netir.build("lenet5")
    live = get_backend("torch").load(tmp_path / "torch")
    with torch.no_grad():
        np.testing.assert_array_equal(live(torch.from_numpy(x)).numpy(), t)


def test_compare_prints_report_and_check_writes_json(tmp_path):
    r = CliRunner().invoke(main, ["compare", "resnet18", "--input", "3x64x64",
                                  "--backends", "torch,reference"])
    assert r.exit_code == 0, r.output
    assert "resnet18: PASS" in r.output and "11,689,512" in r.output
    assert "torch " in r.output and "reference " in r.output and "keras " not in r.output
    assert "pairwise max |Δ| on outputs: torch–reference" in r.output
    path = tmp_path / "g.json"
    netir.build("lenet5").save(path)
    r = CliRunner().invoke(main, ["check", "lenet5", str(path), "--json",
                                  str(tmp_path / "r.json")])
    assert r.exit_code == 0, r.output
    assert "2 passed, 0 failed" in r.output
    data = json.loads((tmp_path / "r.json").read_text())
    assert [d["passed"] for d in data] == [True, True]
    assert {b["backend"] for b in data[0]["results"]} >= {"torch", "keras", "reference"}
    assert len(data[0]["nodes"]) == len(netir.build("lenet5").nodes)


def test_compare_per_node_listing_and_bad_backends():
    r = CliRunner().invoke(main, ["compare", "lenet5", "--backends", "reference",
                                  "--per-node"])
    assert r.exit_code == 0, r.output
    for node in netir.build("lenet5").nodes:
        assert node.name in r.output
    assert "reference rel" in r.output
    r = CliRunner().invoke(main, ["compare", "lenet5", "--backends", "nope"])
    assert r.exit_code == 1 and "error: " in r.output and "unknown backend" in r.output
    r = CliRunner().invoke(main, ["compare", "lenet5", "--backends", ","])
    assert r.exit_code == 2


def test_re_emit_replaces_the_whole_set_and_refuses_a_folder_with_other_files(tmp_path):
    out = tmp_path / "out"
    for backend in ("torch", "reference"):
        r = CliRunner().invoke(main, ["emit", "lenet5", "--backend", backend, "-o", str(out)])
        assert r.exit_code == 0, r.output
    assert sorted(p.name for p in out.iterdir()) == [  # no model.pt left from the first
        "graph.json", "model.reference.npz", "weights.safetensors"]
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (out / "notes.txt").write_text("mine")
    r = CliRunner().invoke(main, ["emit", "lenet5", "--backend", "torch", "-o", str(out)])
    assert r.exit_code == 1 and r.output.count("\n") == 1, r.output
    assert "did not write (notes.txt)" in r.output
    assert {p.name: p.read_bytes() for p in out.iterdir()} == {**before, "notes.txt": b"mine"}
