"""Data sets for training runs: small, bundled with a package, never downloaded.

``digits`` is scikit-learn's bundled copy of the UCI handwritten digits: 1,797 images
of 8×8 pixels (values 0..16), ten classes. For LeNet-5 each image is resized bilinearly
to 28×28 and padded by 2 to 32×32, as MNIST was for the paper, then standardised with
the training split's mean and standard deviation.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

import numpy as np

from netir.ir.errors import NetIRError


@dataclass(frozen=True)
class Dataset:
    """A train/test split, channels first: ``x`` (N, C, H, W) float64, ``y`` (N,) int64."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    num_classes: int

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    def head(self, n: int | None) -> Dataset:
        """The same data set with only the first ``n`` training samples (all if None)."""
        if n is None:
            return self
        return replace(self, x_train=self.x_train[:n], y_train=self.y_train[:n])

    def batches(self, batch_size: int, epoch: int, seed: int = 0
                ) -> Iterator[tuple[np.ndarray, np.ndarray]]:
        """The training split in a shuffled order fixed by ``(seed, epoch)``; the last
        batch may be smaller."""
        order = np.random.default_rng([seed, epoch]).permutation(len(self.y_train))
        for start in range(0, len(order), batch_size):
            idx = order[start:start + batch_size]
            yield self.x_train[idx], self.y_train[idx]


def _resize_bilinear(images: np.ndarray, size: int) -> np.ndarray:
    """(N, h, w) -> (N, size, size), bilinear with aligned corners."""
    n, h, w = images.shape
    ys, xs = np.linspace(0, h - 1, size), np.linspace(0, w - 1, size)
    y0, x0 = np.floor(ys).astype(int), np.floor(xs).astype(int)
    y1, x1 = np.minimum(y0 + 1, h - 1), np.minimum(x0 + 1, w - 1)
    fy, fx = (ys - y0)[None, :, None], (xs - x0)[None, None, :]
    top = images[:, y0][:, :, x0] * (1 - fx) + images[:, y0][:, :, x1] * fx
    bottom = images[:, y1][:, :, x0] * (1 - fx) + images[:, y1][:, :, x1] * fx
    return top * (1 - fy) + bottom * fy


def digits(test_fraction: float = 0.2, seed: int = 0) -> Dataset:
    """scikit-learn's 8×8 digits at 1×32×32 (see module doc); a stratified split."""
    try:
        from sklearn.datasets import load_digits
        from sklearn.model_selection import train_test_split
    except ImportError:
        raise NetIRError("the digits data needs scikit-learn (pip install 'netir[train]')",
                         "sklearn not installed", node="digits", op="train") from None
    raw = load_digits()
    images = np.pad(_resize_bilinear(raw.images / 16.0, 28), ((0, 0), (2, 2), (2, 2)))
    x = images[:, None].astype(np.float64)
    y = raw.target.astype(np.int64)
    x_train, x_test, y_train, y_test = train_test_split(
        x, y, test_size=test_fraction, random_state=seed, stratify=y)
    mean, std = x_train.mean(), x_train.std()
    return Dataset("digits", (x_train - mean) / std, y_train, (x_test - mean) / std, y_test,
                   num_classes=10)


DATASETS: dict[str, Callable[[], Dataset]] = {"digits": digits}


def load_dataset(name: str) -> Dataset:
    """A data set by name (:data:`DATASETS`); NetIRError for an unknown one."""
    if name not in DATASETS:
        raise NetIRError(f"unknown data set; known: {sorted(DATASETS)}", repr(name),
                         node=name, op="train")
    return DATASETS[name]()
