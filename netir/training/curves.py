"""A training run people can watch: one network, the same initial weights and the same
batches in every framework; loss and accuracy per epoch as JSON and one picture.

    record = train_curves("lenet5", epochs=10, out_dir="runs/lenet5")
    # runs/lenet5/training.json, curves.svg, curves.png

In float64 the frameworks' curves coincide (differences ~1e-12); in float32 they stay
within :data:`FLOAT32_BAND` of each other.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from netir.ir.files import write_atomic
from netir.training.backends import trainer_class, training_backends
from netir.training.data import Dataset, load_dataset

LEARNING_RATE = 2.0 ** -3  # exact in every float type
FLOAT64_BAND = 1e-9  # measured: 0 in training loss, 2e-17 in test loss (3 epochs)
FLOAT32_BAND = 2e-2  # the bound held (2 epochs on 320 samples in the tests)


def _cross_entropy(logits: np.ndarray, labels: np.ndarray) -> float:
    z = logits - logits.max(axis=1, keepdims=True)
    log_p = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-log_p[np.arange(len(labels)), labels].mean())


def _evaluate(trainer, data: Dataset) -> tuple[float, float]:
    logits = trainer.forward(data.x_test, training=False).astype(np.float64)
    return _cross_entropy(logits, data.y_test), float((logits.argmax(1) == data.y_test).mean())


def _build(name: str, data: Dataset):
    from netir.architectures import build

    c, h, w = data.input_shape
    return build(name, in_channels=c, input_size=(h, w), num_classes=data.num_classes)


def train_curves(network: str = "lenet5", data: str = "digits", epochs: int = 10,
                 backends: Sequence[str] | None = None, dtype: str = "float64",
                 batch_size: int = 32, learning_rate: float = LEARNING_RATE, seed: int = 0,
                 out_dir: str | os.PathLike | None = None, progress: bool = True,
                 train_samples: int | None = None) -> dict:
    """Train catalog ``network`` on ``data`` in each of ``backends`` (default: every
    backend that trains, :func:`~netir.training.backends.training_backends`) and return
    the record.

    Every backend starts from the same random weights (seed ``seed``) and sees the same
    shuffled batches; plain SGD, cross-entropy from logits. The record holds, per
    backend and epoch, the mean training loss and the test loss and accuracy, and the
    largest difference between the backends. With ``out_dir`` it is written as
    ``training.json`` with the picture (``curves.svg``, ``curves.png``). ``progress``
    shows a bar on a terminal (nothing when output is not a TTY). ``train_samples``
    keeps only the first that many training samples (quick runs); the test split stays.
    Raises NetIRError for an unknown data set or backend.
    """
    from netir.emitters.weights import random_weights

    backends = training_backends() if backends is None else list(backends)
    kinds = {b: trainer_class(b, network) for b in backends}  # NetIRError: does not train
    dataset = load_dataset(data).head(train_samples)
    graph = _build(network, dataset)
    weights = random_weights(graph, seed)
    steps = math.ceil(len(dataset.y_train) / batch_size)
    runs: dict[str, dict] = {}
    with _progress(progress) as bar:
        for backend in backends:
            task = bar.add_task(f"{network} · {backend}", total=epochs * steps)
            trainer = kinds[backend](graph, weights, dtype)
            run = runs[backend] = {"train_loss": [], "test_loss": [], "test_accuracy": []}
            for epoch in range(epochs):
                losses = []
                for x, y in dataset.batches(batch_size, epoch, seed):
                    losses.append(trainer.sgd_step(x.astype(dtype), y, learning_rate,
                                                   loss="cross_entropy"))
                    bar.advance(task)
                test_loss, accuracy = _evaluate(trainer, dataset)
                run["train_loss"].append(float(np.mean(losses)))
                run["test_loss"].append(test_loss)
                run["test_accuracy"].append(accuracy)
    record = {"network": network, "data": data, "dtype": dtype, "epochs": epochs,
              "batch_size": batch_size, "learning_rate": learning_rate, "seed": seed,
              "train_samples": len(dataset.y_train), "optimizer": "SGD",
              "loss": "cross_entropy", "backends": runs,
              "max_difference": _differences(runs),
              "band": FLOAT64_BAND if dtype == "float64" else FLOAT32_BAND}
    if out_dir is not None:
        out = Path(out_dir)
        write_atomic(out / "training.json", json.dumps(record, indent=1, sort_keys=True)
                     + "\n")
        from netir.training.plot import plot_curves

        plot_curves(record, out / "curves.svg")
        plot_curves(record, out / "curves.png")
    return record


def _differences(runs: dict[str, dict]) -> dict[str, float]:
    """Largest difference between any two backends, per curve, over all epochs."""
    out = {}
    for key in ("train_loss", "test_loss", "test_accuracy"):
        curves = np.array([run[key] for run in runs.values()])
        out[key] = float(np.max(curves.max(0) - curves.min(0))) if len(curves) else 0.0
    return out


def _progress(enabled: bool):
    """A rich progress bar on a terminal; silent otherwise."""
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    console = Console(stderr=True)
    return Progress("{task.description}", BarColumn(), MofNCompleteColumn(),
                    TimeRemainingColumn(), console=console,
                    disable=not (enabled and console.is_terminal))
