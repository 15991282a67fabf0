"""Training agreement: one graph, the same weights and batches, every trainer.

:func:`training_agreement` trains the torch model and each other trainer side by side
and reports, for each, the largest relative difference from torch in

- the train-mode forward (batch statistics, dropout off);
- the per-parameter gradients, mapped through the neutral layouts;
- the running statistics (batch-norm buffers) after ``steps`` SGD steps;
- the weights after ``steps`` SGD steps;
- the inference outputs after training.

Dropout masks come from each framework's own random generator and cannot be shared,
so dropout is switched off here (rate 0); its train-mode scaling is tested apart.

How close is close enough? Rounding alone parts two float64 computations of a deep
network by far more than 1e-16. Each train-mode batch norm passes a rounding difference
on amplified, the more so the fewer values a channel has in the batch: one train-mode
forward through ResNet-50 at 8×8 (8 values per channel from its second stage on) turns
one unit in the last place into 1e-12, and two SGD steps chain four passes. Torch against
torch with every operation's rounding moved by one unit in the last place
(:class:`~netir.training.trainers.RoundedTorchTrainer`) then parts by 1.9e-9 in the
running statistics, Keras by 1.6e-9; with 32 values per channel, 200 times less.
Trained beside the other frameworks, that trainer measures the gap for the network at
hand, and :func:`rounding_tolerances` allows :data:`ROUNDING_MARGIN` times it (never
less than :data:`TRAINING_TOLERANCE`): a framework must agree with torch as closely as
torch agrees with itself, up to that margin. A defect is no rounding difference: a
biased variance or a momentum off by one part in a million moves the statistics by far
more, however deep the network.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np

from netir.emitters.local_errors import magnitude, max_abs
from netir.ir.errors import NetIRError
from netir.ir.graph import Graph
from netir.training.backends import REFERENCE, trainer_class, training_backends
from netir.training.trainers import trainable_names

TRAINING_TOLERANCE = 1e-10  # float64: max|a - b| <= 1e-10 · max(1, max|a|)
LEARNING_RATE = 2.0 ** -4  # exact in every float type, so optimizers agree to the bit
ROUNDING_MARGIN = 100.0
"""How many times its own float64 sensitivity a network may part from torch. Measured
(Keras gap / rounding-moved gap, per compared quantity, LeNet-5 to ResNet-101): 0.5 to
7.3; the sensitivity of ResNet-50 moves 5× between two rounding seeds."""
RESOLUTION = 1e-6
"""The largest tolerance that still makes a check: past it, rounding alone hides
differences a defect could make; check such a network at a larger input or fewer steps."""
FIELDS = ("forward", "gradients", "running_stats", "weights", "inference")


@dataclass
class TrainingReport:
    """Largest relative differences from torch (``max|a - b| / max(1, max|a|)``), and
    where the largest parameter difference sits."""

    backend: str
    forward: float
    gradients: float
    running_stats: float
    weights: float
    inference: float
    worst: str

    def as_dict(self) -> dict:
        return asdict(self)

    def worst_value(self) -> float:
        return max(getattr(self, f) for f in FIELDS)

    def exceeding(self, tolerances: dict[str, float]) -> dict[str, float]:
        """The compared quantities above their tolerance, with their values."""
        return {f: getattr(self, f) for f in FIELDS if getattr(self, f) > tolerances[f]}


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    """``max |a - b|`` over ``max(1, max |a|)``, judged as the inference check judges
    (:func:`netir.emitters.local_errors.max_abs`): equal infinities and NaNs in the same
    place agree, one on one side only is an infinite error."""
    return max_abs(a, b) / max(1.0, magnitude(a)) if a.size or b.size else 0.0


def _compare(a: dict, b: dict, keys) -> tuple[float, str]:
    worst, where = 0.0, ""
    for node, param in sorted(keys):
        d = _rel(np.asarray(a[node][param]), np.asarray(b[node][param]))
        if d >= worst:
            worst, where = d, f"{node}.{param}"
    return worst, where


def training_agreement(graph: Graph, backends: tuple | None = None, steps: int = 3,
                       batch: int = 4, seed: int = 0, dtype: str = "float64",
                       weights=None) -> list[TrainingReport]:
    """Train ``graph`` in torch (:data:`~netir.training.backends.REFERENCE`) and in
    each of ``backends`` (names of backends that train, or trainer classes; default:
    every other backend that trains) and compare (see module doc).

    Inputs and regression targets are normal in ``dtype``; the loss is the mean squared
    error of the first output; SGD with learning rate 1/16. With ``n`` values per
    batch-norm channel in a batch (batch × H × W), ``n`` = 1 is refused by PyTorch and
    ``n`` = 2 is ill-conditioned (every output is ±1; rounding differences of 1e-16
    grow to 1e-5 in ResNet-18 at 8×8, batch 2): compare with ``n`` ≥ 8 (at ``n`` = 4
    ResNet-18 still parts by 3e-10 after two steps; at 8, by 5e-13).
    Returns one report per backend.
    """
    from netir.emitters.weights import random_weights

    rng = np.random.default_rng(seed + 1)
    weights = random_weights(graph, seed) if weights is None else weights
    if len(graph.inputs) != 1:
        raise NetIRError("training agreement takes a graph with one input",
                         f"{len(graph.inputs)} inputs", node=graph.name, op="train")
    (inp,), out = graph.inputs, graph.outputs[0]
    xs = [rng.standard_normal((batch, *inp.shape)).astype(dtype) for _ in range(steps + 1)]
    ts = [rng.standard_normal((batch, *out.shape)).astype(dtype) for _ in range(steps)]
    if backends is None:
        backends = tuple(b for b in training_backends() if b != REFERENCE)
    reference_kind = trainer_class(REFERENCE, graph.name)
    torch_side = reference_kind(graph, weights, dtype, dropout=False)
    kinds = [trainer_class(b, graph.name) if isinstance(b, str) else b for b in backends]
    others = [kind(graph, weights, dtype, dropout=False) for kind in kinds]
    params = trainable_names(graph)
    buffers = {(n.name, p) for n in graph.nodes for p in graph.param_shapes(n)[1]}

    reference = {"forward": torch_side.forward(xs[0], training=True),
                 "gradients": torch_side.gradients(xs[0], ts[0])}
    torch_side = reference_kind(graph, weights, dtype, dropout=False)  # fresh stats
    for x, t in zip(xs, ts):
        torch_side.sgd_step(x, t, LEARNING_RATE)
    reference["weights"] = torch_side.weights()
    reference["inference"] = torch_side.forward(xs[-1], training=False)

    reports = []
    for side in others:
        forward = _rel(reference["forward"], side.forward(xs[0], training=True))
        grads, _ = _compare(reference["gradients"], side.gradients(xs[0], ts[0]), params)
        side = type(side)(graph, weights, dtype, dropout=False)
        for x, t in zip(xs, ts):
            side.sgd_step(x, t, LEARNING_RATE)
        trained = side.weights()
        stats, _ = _compare(reference["weights"], trained, buffers)
        final, worst = _compare(reference["weights"], trained, params | buffers)
        inference = _rel(reference["inference"], side.forward(xs[-1], training=False))
        reports.append(TrainingReport(side.name, forward, grads, stats, final, inference,
                                      worst))
    return reports


def rounding_tolerances(rounded: TrainingReport) -> dict[str, float]:
    """Per compared quantity, how far a framework may part from torch: :data:`ROUNDING_MARGIN`
    times ``rounded``, the report of :class:`~netir.training.trainers.RoundedTorchTrainer`
    from the same :func:`training_agreement` call, and at least :data:`TRAINING_TOLERANCE`.

    For example::

        keras, rounded = training_agreement(graph, ("keras", RoundedTorchTrainer))
        assert not keras.exceeding(rounding_tolerances(rounded))
    """
    return {f: max(TRAINING_TOLERANCE, ROUNDING_MARGIN * getattr(rounded, f))
            for f in FIELDS}
