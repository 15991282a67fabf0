"""What a reference lowering computes from: :class:`Inputs` (the node's input arrays,
its weights and the :class:`Run` in progress) and the run itself."""

from __future__ import annotations

from collections.abc import Iterable, MutableMapping
from dataclasses import dataclass, field

import numpy as np


@dataclass
class Run:
    """One pass: whether it trains, and the batch statistics train-mode batch norm saw
    (``{node: {"mean": array, "var": biased array}}``)."""

    training: bool = False
    batch_stats: dict[str, dict[str, np.ndarray]] = field(default_factory=dict)


class Inputs(tuple):
    """A node's input arrays, in the order of its inputs (channels first, batch in
    front), as every backend's lowering receives its own values: ``inputs[0]`` is the
    first. The reference model is nothing but a graph and its weights, so what another
    backend keeps in a layer travels here with the arrays:

    - ``params``: the node's neutral weights (PyTorch layout), by parameter name, in
      the model's dtype; a train-mode batch norm writes its running statistics back;
    - ``run``: the :class:`Run` in progress;
    - ``dtype``: the dtype the model computes in (float32 or float64), its arrays'.
    """

    params: MutableMapping[str, np.ndarray]
    run: Run

    def __new__(cls, arrays: Iterable[np.ndarray],
                params: MutableMapping[str, np.ndarray] | None = None,
                run: Run | None = None) -> Inputs:
        self = super().__new__(cls, arrays)
        self.params = {} if params is None else params
        self.run = Run() if run is None else run
        return self

    @property
    def dtype(self) -> np.dtype:
        return self[0].dtype
