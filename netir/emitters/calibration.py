"""Calibrated random weights: random kernels in the state of a trained network.

Random weights alone let activations grow layer after layer: at 64×64 a random
ResNet-152's logits reach 1e12, and a relative tolerance on such an output cannot see
an error in an early layer. A trained network keeps every activation of order 1,
because its batch-norm statistics match its data. :func:`calibrated_weights` puts
random weights in that state, framework-free, with the NumPy reference backend:

1. draw the weights as :func:`~netir.emitters.weights.random_weights` does;
2. run one pass over a calibration batch in topological order (float32, batch norm in
   training mode). Each layer whose output scales with its weights per output channel
   (the ops that declare ``absorb_channel_affine``, the batch-norm fold: convolutions
   and dense layers, not matmul, attention or a bare parameter) is rescaled, weight and
   bias together, so that its output has unit variance over the batch (LSUV, Mishkin &
   Matas 2016);
   each batch norm then normalises with the batch's statistics;
3. set every batch norm's running mean and variance to the statistics it saw, except in
   channels that were constant over the batch (see ``DEAD``), which keep the drawn ones.

In inference mode every node then computes on the calibration batch what it computed
in that pass, so activations are of order 1 at every depth. The result is ordinary
neutral weights: every backend imports the same values.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from netir.emitters.weights import Weights, random_weights
from netir.ir.graph import Graph
from netir.ir.limits import check_memory, check_weights_memory

# A channel that is constant over the calibration batch (variance below DEAD · mean²)
# would get running variance 0, and its batch norm becomes x·s + t with s = γ/√ε ≈ 300γ
# and t ≈ −mean·s: the frameworks' float32 cancellation then leaves errors of
# 1e-7·|mean·s| on an output of size |β|, which no semantic difference causes. Such a
# channel keeps its drawn statistics (mean ≈ 0, variance in [0.5, 1.5]).
DEAD = 1e-6


def rescalable(spec) -> bool:
    """Whether dividing the op's parameters by s divides its output by s, channel by
    channel: what its batch-norm fold rule (``rewrites.absorb_channel_affine``) states."""
    return spec.rewrites.absorb_channel_affine is not None


CALIBRATION_BATCH = 4


def calibration_inputs(graph: Graph, batch: int = CALIBRATION_BATCH,
                       seed: int = 0) -> list[np.ndarray]:
    """One standard-normal float32 batch per graph input, ``(batch, *shape)``."""
    rng = np.random.default_rng([seed, 0xCA11])
    return [rng.standard_normal((batch, *n.shape)).astype(np.float32) for n in graph.inputs]


def calibrated_weights(graph: Graph, seed: int = 0,
                       inputs: Sequence[np.ndarray] | None = None) -> Weights:
    """Neutral weights for ``graph``: :func:`random_weights` (``seed``) calibrated on
    ``inputs`` (one channels-first array per graph input; by default
    :func:`calibration_inputs`).

    A check calibrates on its own inputs followed by a few more samples (see
    :func:`check_calibration`): its inputs then lie inside the calibration data, so
    their activations are of order 1 even where a layer has few cells per channel,
    and the batch statistics still differ from those of the check's batch alone, so a
    backend that normalises with batch statistics at inference is caught.

    Raises NetIRError when ``inputs`` do not fit the graph.
    """
    from netir.emitters.reference import Run, execute, to_reference

    if inputs is None:  # the guard before the batch is drawn, not after
        check_weights_memory(graph)
        check_memory(graph, CALIBRATION_BATCH)
        inputs = calibration_inputs(graph, seed=seed)
    check_memory(graph, max((np.shape(x)[0] for x in inputs if np.ndim(x)), default=1))
    model = to_reference(graph, outputs=[], dtype=np.float32,
                         weights=random_weights(graph, seed))

    def unit_variance(node, value):
        if not rescalable(node.spec):
            return value
        std = float(value.std())
        if not np.isfinite(std) or std == 0.0:
            return value
        for array in model.weights.get(node.name, {}).values():
            array /= std  # in place: the drawn arrays are this model's own
        return value / std

    drawn = {name: dict(params) for name, params in model.weights.items()}
    run = Run(training=True)
    execute(model, inputs, run=run, visit=unit_variance)
    for name, stats in run.batch_stats.items():
        dead = stats["var"] <= DEAD * np.square(stats["mean"])
        for param, observed in (("running_mean", stats["mean"]), ("running_var", stats["var"])):
            model.weights[name][param] = np.where(dead, drawn[name][param], observed)
    # the model's own arrays, not export_weights' copies: nothing else holds them
    return {n: {p: np.asarray(v, dtype=np.float32) for p, v in params.items()}
            for n, params in model.weights.items()}


def check_calibration(inputs: Sequence[np.ndarray], extra: int = 2,
                      seed: int = 0) -> list[np.ndarray]:
    """The calibration batch of a check on ``inputs``: each input followed by ``extra``
    standard-normal samples of its shape."""
    rng = np.random.default_rng([seed, 0xCA11])
    return [np.concatenate([x, rng.standard_normal((extra, *x.shape[1:])).astype(x.dtype)])
            for x in inputs]


def make_weights(graph: Graph, kind: str = "calibrated", seed: int = 0,
                 inputs: Sequence[np.ndarray] | None = None) -> Weights:
    """``"calibrated"`` (:func:`calibrated_weights` on :func:`check_calibration` of
    ``inputs`` when given) or ``"random"`` (:func:`random_weights`) neutral weights;
    AttributeValueError for another kind."""
    from netir.ir.errors import AttributeValueError

    if kind not in WEIGHT_KINDS:
        raise AttributeValueError("weights must be 'calibrated' or 'random'", repr(kind),
                                  node=graph.name, op="weights")
    return WEIGHT_KINDS[kind](graph, seed, inputs)


#: The kinds of weights a check may run with, ``kind -> (graph, seed, inputs) -> Weights``.
WEIGHT_KINDS = {
    "calibrated": lambda graph, seed, inputs: calibrated_weights(
        graph, seed, None if inputs is None else check_calibration(inputs)),
    "random": lambda graph, seed, inputs: random_weights(graph, seed),
}
