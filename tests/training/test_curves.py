"""``netir train``: the same network, weights and batches in PyTorch and Keras; the
curves coincide in float64 and stay within the stated band in float32."""

import json

import numpy as np
import pytest
from click.testing import CliRunner

from netir.cli import main
from netir.ir.errors import NetIRError
from netir.training.curves import FLOAT32_BAND, FLOAT64_BAND, train_curves
from netir.training.data import load_dataset
from netir.training.plot import plot_curves

pytest.importorskip("sklearn")
pytest.importorskip("matplotlib")


def test_digits_are_lenet_sized_standardised_and_batched_reproducibly():
    data = load_dataset("digits")
    assert data.x_train.shape[1:] == (1, 32, 32) and data.x_test.shape[1:] == (1, 32, 32)
    assert len(data.y_train) + len(data.y_test) == 1797
    assert sorted(set(data.y_train.tolist())) == list(range(10))
    assert abs(data.x_train.mean()) < 1e-12 and abs(data.x_train.std() - 1) < 1e-12
    assert np.all(data.x_train[:, :, :2] == data.x_train[0, 0, 0, 0])  # 2-pixel border
    first = [y for _, y in data.batches(64, epoch=0)]
    again = [y for _, y in data.batches(64, epoch=0)]
    other = [y for _, y in data.batches(64, epoch=1)]
    assert all(np.array_equal(a, b) for a, b in zip(first, again))
    assert not np.array_equal(first[0], other[0])
    assert sorted(np.concatenate(first).tolist()) == sorted(data.y_train.tolist())


def test_train_command_writes_coinciding_float64_curves(tmp_path):
    out = tmp_path / "run"
    result = CliRunner().invoke(main, ["train", "lenet5", "--data", "digits", "--epochs", "2",
                                       "--backends", "torch,keras", "--train-samples", "320",
                                       "-o", str(out)])
    assert result.exit_code == 0, result.output
    record = json.loads((out / "training.json").read_text())
    torch_run, keras_run = record["backends"]["torch"], record["backends"]["keras"]
    assert len(torch_run["train_loss"]) == 2 and record["train_samples"] == 320
    assert torch_run["train_loss"][1] < torch_run["train_loss"][0]  # it learns
    for key in ("train_loss", "test_loss"):
        np.testing.assert_allclose(keras_run[key], torch_run[key], rtol=0, atol=FLOAT64_BAND)
    assert keras_run["test_accuracy"] == torch_run["test_accuracy"]
    assert record["max_difference"]["train_loss"] <= FLOAT64_BAND
    svg = (out / "curves.svg").read_text()
    assert "PyTorch" in svg and "Keras" in svg or svg.count("<path") > 20
    assert (out / "curves.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # the picture is deterministic
    plot_curves(record, tmp_path / "again.svg")
    assert (tmp_path / "again.svg").read_bytes() == (out / "curves.svg").read_bytes()


def test_float32_curves_stay_within_the_band():
    record = train_curves("lenet5", epochs=2, dtype="float32", train_samples=320,
                          progress=False)
    diff = record["max_difference"]
    assert 0 < diff["train_loss"] <= FLOAT32_BAND  # float32 rounding shows, within the band
    assert diff["test_loss"] <= FLOAT32_BAND
    assert diff["test_accuracy"] <= FLOAT32_BAND


def test_unknown_backend_is_an_error(tmp_path):
    with pytest.raises(NetIRError, match="no trainer for this backend"):
        train_curves("lenet5", epochs=1, backends=("torch", "reference"), progress=False)
    result = CliRunner().invoke(main, ["train", "lenet5", "--backends", "torch,nope",
                                       "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output.strip().splitlines()[-1].startswith("error: lenet5 (train): no trainer")
