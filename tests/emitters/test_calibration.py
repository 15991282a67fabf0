"""Calibrated random weights: unit-variance layers, batch-norm statistics that match the
data, activations of order 1 at every depth."""

import numpy as np
import pytest

import netir
from netir.architectures import build
from netir.emitters.calibration import (
    calibrated_weights,
    calibration_inputs,
    check_calibration,
    make_weights,
)
from netir.emitters.reference import execute, to_reference
from netir.emitters.weights import random_weights


def _plain():
    g = netir.Graph("plain")
    x = g.relu(g.conv2d(g.input((3, 8, 8)), 6, 3, name="c1"))
    x = g.relu(g.conv2d(x, 5, 3, stride=2, name="c2"))
    g.dense(g.flatten(x), 4, name="fc")
    return g


def _values(graph, weights, inputs, names):
    return execute(to_reference(graph, names, np.float64, weights), inputs)


def test_conv_and_dense_outputs_have_unit_variance_on_the_calibration_batch():
    g = _plain()
    inputs = calibration_inputs(g)
    for value in _values(g, calibrated_weights(g), inputs, ["c1", "c2", "fc"]):
        assert value.std() == pytest.approx(1.0, rel=1e-5)
    raw = _values(g, random_weights(g), inputs, ["fc"])[0]
    assert abs(raw.std() - 1.0) > 0.05  # calibration did something


def test_weight_and_bias_scale_together():
    g = _plain()
    raw, cal = random_weights(g), calibrated_weights(g)
    ratio = cal["c2"]["weight"] / raw["c2"]["weight"]
    assert np.allclose(ratio, ratio.flat[0], rtol=1e-5)
    np.testing.assert_allclose(cal["c2"]["bias"] / raw["c2"]["bias"], ratio.flat[0], rtol=1e-5)


@pytest.mark.parametrize("shape", [(4, 6, 6), (9,)])
def test_inference_on_the_calibration_batch_equals_the_training_pass(shape):
    import torch

    from netir.emitters.pytorch import import_weights, to_torch

    g = netir.Graph("bn")
    x = g.input(shape)
    if len(shape) == 3:
        x = g.conv2d(x, 5, 3, name="conv")
    else:
        x = g.dense(x, 5, name="fc")
    g.relu(g.batch_norm(g.relu(g.batch_norm(x, name="bn1")), momentum=0.3, name="bn2"))
    inputs = calibration_inputs(g)
    model = to_torch(g).double()
    import_weights(model, calibrated_weights(g))
    batch = torch.from_numpy(inputs[0].astype(np.float64))
    with torch.no_grad():
        model.eval()
        inferred = model(batch).numpy()
        model.train()  # (this pass then moves the running statistics)
        trained = model(batch).numpy()
    np.testing.assert_allclose(inferred, trained, rtol=1e-5, atol=1e-6)


def test_deep_residual_activations_stay_of_order_one():
    g = build("resnet50", input_size=32)
    x = np.random.default_rng(7).standard_normal((2, 3, 32, 32)).astype(np.float32)
    names = [n.name for n in g.nodes]
    weights = make_weights(g, inputs=[x])
    calibrated = [float(np.abs(v).max()) for v in _values(g, weights, [x], names)]
    assert max(calibrated) < 50.0  # residual sums grow with depth, but not exponentially
    assert calibrated[-1] < 20.0
    raw_out = _values(g, random_weights(g), [x], [g.outputs[0].name])[0]
    assert float(np.abs(raw_out).max()) > 1e3  # what calibration prevents


def test_a_check_calibrates_on_its_own_inputs_and_more():
    x = np.ones((2, 3, 4, 4), np.float32)
    (batch,) = check_calibration([x], extra=3)
    assert batch.shape == (5, 3, 4, 4) and batch.dtype == np.float32
    np.testing.assert_array_equal(batch[:2], x)
    assert np.abs(batch[2:] - 1).min() > 0  # fresh samples, not copies


def test_calibration_is_deterministic_and_keeps_the_layout():
    g = _plain()
    a, b = calibrated_weights(g, seed=5), calibrated_weights(g, seed=5)
    raw = random_weights(g, seed=5)
    assert a.keys() == raw.keys()
    for node in a:
        assert a[node].keys() == raw[node].keys()
        for p in a[node]:
            assert a[node][p].dtype == np.float32 and a[node][p].shape == raw[node][p].shape
            np.testing.assert_array_equal(a[node][p], b[node][p])


def test_make_weights_kinds():
    g = _plain()
    for node, params in make_weights(g, "random", seed=2).items():
        for p, v in params.items():
            np.testing.assert_array_equal(v, random_weights(g, seed=2)[node][p])
    with pytest.raises(netir.NetIRError, match="'calibrated' or 'random'. Got: 'trained'"):
        make_weights(g, "trained")


def test_a_channel_constant_over_the_batch_keeps_its_drawn_statistics():
    """Variance 0 would make the batch norm x·300γ − mean·300γ: float32 cancellation, not
    semantics. Such a channel keeps the drawn statistics; a live one gets the observed."""
    g = netir.Graph("dead")
    x = g.input((2, 4, 4))
    constant = g.softmax(g.conv2d(x, 1, 1), axis=0)   # one channel: softmax is 1 everywhere
    g.batch_norm(g.concat(constant, g.conv2d(x, 1, 1)), name="bn")
    drawn = random_weights(g)["bn"]
    w = calibrated_weights(g)["bn"]
    assert w["running_var"][0] == drawn["running_var"][0] > 0.4
    assert w["running_mean"][0] == drawn["running_mean"][0]
    assert w["running_var"][1] != drawn["running_var"][1]
    assert w["running_var"][1] == pytest.approx(1.0, rel=1e-3)  # LSUV: unit variance


def test_ops_without_a_per_channel_weight_are_not_rescaled():
    g = netir.Graph("mm")
    x = g.input((6, 6), layout="CL")
    g.batch_norm(g.matmul(x, x, name="mm"), name="bn")
    inputs = calibration_inputs(g)
    mm, bn = _values(g, calibrated_weights(g), inputs, ["mm", "bn"])
    assert abs(mm.std() - 1.0) > 0.2  # the matmul's output is left as it is
    assert bn.std() == pytest.approx(1.0, rel=0.1)
