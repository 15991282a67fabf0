"""Training agreement in float64 between PyTorch and Keras on TensorFlow: train-mode
forward, gradients through the neutral layouts, running statistics and weights after
SGD steps, inference after training. Random graphs and every catalog network.

Keras on its torch backend is checked the same way in a subprocess
(``test_keras_torch_backend.py``). The reference backend computes inference only and
does not train.
"""

import numpy as np
import pytest
from hypothesis import given, note, settings

import netir
from netir.testing.strategies import graphs
from netir.training.agreement import TRAINING_TOLERANCE, training_agreement

pytest.importorskip("torch")
pytest.importorskip("keras")

EXAMPLES = settings().max_examples if settings().max_examples > 100 else 12


def _assert_agree(report):
    assert report.forward <= TRAINING_TOLERANCE, report
    assert report.gradients <= TRAINING_TOLERANCE, report
    assert report.running_stats <= TRAINING_TOLERANCE, report
    assert report.weights <= TRAINING_TOLERANCE, report
    assert report.inference <= TRAINING_TOLERANCE, report


@settings(max_examples=EXAMPLES)
@given(graphs(max_nodes=6, max_inputs=1, chain=True).filter(
        lambda g: g.count_params()[0] > 0))
def test_random_graphs_train_alike(graph):
    note("netir.Graph.from_json(r'''" + graph.to_json() + "''')")
    (report,) = training_agreement(graph, steps=2, batch=8)
    note(str(report))
    _assert_agree(report)


def _bn_graph():
    g = netir.Graph("bn_train")
    x = g.input((3, 6, 5))
    x = g.relu(g.batch_norm(g.conv2d(x, 4, 3, padding=1), momentum=0.3))
    x = g.concat(x, g.add(x, g.conv2d(x, 4, 1)), x)
    x = g.adaptive_avg_pool2d(g.max_pool2d(x, 2, ceil_mode=True), 2)
    x = g.batch_norm(g.dense(g.flatten(x), 5))
    g.dropout(x, 0.5)
    return g


def test_batch_norm_graph_trains_alike_and_the_stock_layer_would_not(monkeypatch):
    g = _bn_graph()
    (report,) = training_agreement(g, steps=3, batch=4)
    _assert_agree(report)
    # with Keras' own moving-variance update the running statistics part
    import keras

    from netir.emitters.keras3.lowerings import norm

    monkeypatch.setattr(norm, "BatchNorm", keras.layers.BatchNormalization)
    (stock,) = training_agreement(g, steps=3, batch=4)
    assert stock.running_stats > 1e-3
    assert stock.inference > 1e-3


def test_dropout_scales_survivors_in_training():
    """Dropout masks differ between frameworks (each its own generator); what must agree
    is that survivors are scaled by 1/(1 - rate) and inference is the identity."""
    from netir.training.backends import trainer_class, training_backends

    g = netir.Graph("drop")
    g.dropout(g.input((2000,)), 0.25)
    x = np.full((2, 2000), 3.0)
    for name in training_backends():
        side = trainer_class(name)(g, {}, "float64")
        y = side.forward(x, training=True)
        kept = y != 0
        np.testing.assert_allclose(y[kept], 4.0, rtol=1e-12, err_msg=name)
        assert 0.2 < 1 - kept.mean() < 0.3, name
        np.testing.assert_array_equal(side.forward(x, training=False), x)


def test_rounding_moved_torch_parts_by_rounding_only():
    """The trainer that measures a network's float64 sensitivity really moves rounding
    (else every tolerance would fall back to 1e-10 unnoticed), and by no more than a few
    units in the last place on a shallow graph; the tolerance it gives is 100 times its
    gap, never under 1e-10."""
    from netir.training.agreement import FIELDS, rounding_tolerances
    from netir.training.trainers import RoundedTorchTrainer

    (rounded,) = training_agreement(_bn_graph(), (RoundedTorchTrainer,), steps=3, batch=4)
    assert 0 < rounded.worst_value() < 1e-13, rounded
    assert rounded.forward > 0 and rounded.running_stats > 0, rounded
    tolerances = rounding_tolerances(rounded)
    assert tolerances == dict.fromkeys(FIELDS, TRAINING_TOLERANCE)
    rounded.running_stats = 3e-9
    assert rounding_tolerances(rounded)["running_stats"] == pytest.approx(3e-7)
