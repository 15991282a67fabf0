"""Training agreement in float64 (PyTorch against Keras on TensorFlow) for the ops of
modern networks: norms, learned slopes, a broadcasting gate, slices and shuffles, and
the activations whose stock kernels round in float64."""

import pytest

import netir
from netir.training.agreement import TRAINING_TOLERANCE, training_agreement

pytest.importorskip("torch")
pytest.importorskip("keras")


def _modern_ops_graph():
    g = netir.Graph("modern_train")
    x = g.prelu(g.group_norm(g.conv2d(g.input((4, 5, 5)), 8, 3, padding=1), 4), 8)
    gate = g.hardsigmoid(g.conv2d(g.mean(x, (1, 2), keepdims=True), 8, 1))
    x = g.gelu(g.mul(x, gate))
    x = g.concat(g.silu(g.slice(x, 0, 0, 4)), g.leaky_relu(g.slice(x, 0, 4), 0.2))
    x = g.instance_norm(g.channel_shuffle(x, 2), affine=True)
    x = g.stochastic_depth(g.elu(g.gelu(x, "tanh")), 0.3)
    x = g.sub(g.maximum(x, scalar=-0.5), scalar=0.1)
    g.dense(g.flatten(g.max(g.mish(g.softplus(x)), 0, keepdims=True)), 3)
    return g


def test_modern_ops_train_alike():
    """nn.Hardsigmoid's backward, TensorFlow's gelu and leaky_relu round in float64
    (a float32 1/6, slope and constants); the lowerings avoid them."""
    (report,) = training_agreement(_modern_ops_graph(), steps=2, batch=8)
    for part in ("forward", "gradients", "running_stats", "weights", "inference"):
        assert getattr(report, part) <= TRAINING_TOLERANCE, (part, report)
