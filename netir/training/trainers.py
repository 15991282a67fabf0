"""Train an emitted model the framework's own way, seen through the neutral layout.

A trainer wraps one emitted model of a graph and exposes what training agreement needs:
a train-mode forward, per-parameter gradients, an SGD step (the framework's optimizer),
the weights and an inference forward. Arrays go in and come out channels first
(N, C, H, W) and weights and gradients in the neutral (PyTorch/ONNX) layout, so two
trainers of the same graph can be compared value by value.

Every backend that trains declares its trainer (:mod:`netir.training.backends`): here,
``torch``'s and ``keras``' (on whichever Keras backend is active: TensorFlow or torch).
A backend that only computes inference (a NumPy reference) does not train and has none.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

import numpy as np

from netir.ir.graph import Graph

Weights = dict[str, dict[str, np.ndarray]]

LOSSES = ("mse", "cross_entropy")
"""Losses every trainer knows: ``mse`` (mean over every element, against a target of the
output's shape) and ``cross_entropy`` (mean over the batch, from logits, integer labels)."""


def trainable_names(graph: Graph) -> set[tuple[str, str]]:
    """``(node, param)`` of every trainable parameter, from the ops' parameter rules."""
    return {(n.name, p) for n in graph.nodes for p in graph.param_shapes(n)[0]}


class TorchTrainer:
    """The emitted ``nn.Module`` in ``dtype``, trained with ``torch.optim.SGD``."""

    name = "torch"

    def __init__(self, graph: Graph, weights: Weights, dtype: str = "float64",
                 dropout: bool = True) -> None:
        import torch

        from netir.emitters.pytorch import import_weights, to_torch

        self.graph, self.torch = graph, torch
        self.dtype = getattr(torch, dtype)
        self.model = to_torch(graph, [graph.outputs[0].name]).to(self.dtype)
        import_weights(self.model, weights)
        if not dropout:
            for m in self.model.modules():
                if isinstance(m, torch.nn.Dropout):
                    m.p = 0.0
        self.optimizer = None
        functional = torch.nn.functional
        self.losses = {"mse": functional.mse_loss, "cross_entropy": functional.cross_entropy}

    def _tensor(self, a: np.ndarray):
        a = np.asarray(a)
        t = self.torch.from_numpy(a)
        return t if a.dtype.kind in "iu" else t.to(self.dtype)

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        self.model.train(training)
        with self.torch.no_grad():
            return self.model(self._tensor(x)).numpy()

    def _loss(self, x, target, loss: str):
        self.model.train()
        return self.losses[loss](self.model(self._tensor(x)), self._tensor(target))

    def gradients(self, x: np.ndarray, target: np.ndarray,
                  loss: str = "mse") -> Weights:
        from netir.emitters.pytorch.emit import weight_keys

        self.model.zero_grad(set_to_none=True)
        value = self._loss(x, target, loss)
        if value.requires_grad:  # a graph without parameters has nothing to differentiate
            value.backward()
        out: Weights = {}
        keys = weight_keys(self.model)
        for key, p in self.model.named_parameters():
            node, param = keys.get(key) or key.rpartition(".")[::2]
            g = p.grad if p.grad is not None else self.torch.zeros_like(p)
            out.setdefault(node, {})[param] = g.detach().numpy().copy()
        return out

    def sgd_step(self, x: np.ndarray, target: np.ndarray, lr: float,
                 loss: str = "mse") -> float:
        params = list(self.model.parameters())
        if self.optimizer is None and params:
            self.optimizer = self.torch.optim.SGD(params, lr=lr)
        value = self._loss(x, target, loss)
        if self.optimizer is not None:
            self.optimizer.zero_grad(set_to_none=True)
            value.backward()
            self.optimizer.step()
        return float(value.detach())

    def weights(self) -> Weights:
        from netir.emitters.pytorch import export_weights

        return export_weights(self.model)


class RoundedTorchTrainer(TorchTrainer):
    """The torch model computed with rounding moved: every parameter, and every leaf
    module's output in the forward (hence every gradient it passes back), is multiplied
    by ``1 ± ε`` with a seeded random sign (ε the dtype's machine epsilon, 2⁻⁵² in
    float64): one unit in the last place.

    It is as valid a float64 computation of the network as the plain one, so the gap
    between the two is what rounding alone does to this network, these weights and
    batches: its float64 sensitivity, against which another framework's gap is judged.
    Not a backend's: no backend declares it.
    """

    name = "torch (rounding moved)"

    def __init__(self, graph: Graph, weights: Weights, dtype: str = "float64",
                 dropout: bool = True, seed: int = 0) -> None:
        super().__init__(graph, weights, dtype, dropout)
        torch = self.torch
        generator = torch.Generator().manual_seed(seed)
        eps = torch.finfo(self.dtype).eps

        def moved(t):
            sign = torch.randint(0, 2, t.shape, generator=generator, dtype=t.dtype) * 2 - 1
            return t * (1 + eps * sign)

        with torch.no_grad():
            for p in self.model.parameters():
                p.copy_(moved(p))
        for module in self.model.modules():
            if next(module.children(), None) is None:
                module.register_forward_hook(lambda _module, _inputs, out: moved(out))


@contextlib.contextmanager
def keras_floatx(dtype: str) -> Iterator[None]:
    """Build Keras layers, inputs and optimizers in ``dtype`` (floatx and the global
    dtype policy, which wins over floatx once set), then restore both settings."""
    import netir.emitters.keras3.quiet  # noqa: F401, I001  (TF log level before keras)
    import keras

    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    keras.config.set_floatx(dtype)
    keras.config.set_dtype_policy(dtype)
    try:
        yield
    finally:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(policy)


def _tensorflow_gradients(model, x, target, loss):
    import netir.emitters.keras3.quiet  # noqa: F401, I001  (TF log level before keras)
    import tensorflow as tf

    with tf.GradientTape() as tape:
        value = loss(model(x, training=True), target)
    return value, tape.gradient(value, model.trainable_variables)


def _torch_gradients(model, x, target, loss):
    import torch

    value = loss(model(x, training=True), target)
    variables = [v.value for v in model.trainable_variables]
    if not variables:
        return value, []
    return value, torch.autograd.grad(value, variables, allow_unused=True)


# Keras computes gradients with its backend's own autodiff.
_GRADIENTS = {"tensorflow": _tensorflow_gradients, "torch": _torch_gradients}


def _size(t) -> int:
    return int(np.prod(t.shape))


class KerasTrainer:
    """The emitted ``keras.Model`` in ``dtype``, trained with ``keras.optimizers.SGD``
    on the active Keras backend."""

    name = "keras"

    def __init__(self, graph: Graph, weights: Weights, dtype: str = "float64",
                 dropout: bool = True) -> None:
        import netir.emitters.keras3.quiet  # noqa: F401, I001  (TF log level before keras)
        import keras

        from netir.emitters.keras3 import import_weights, to_keras

        self.graph, self.keras, self.dtype = graph, keras, dtype
        with keras_floatx(dtype):
            self.model = to_keras(graph, [graph.outputs[0].name])
        import_weights(self.model, weights)
        if not dropout:
            for layer in self.model.layers:
                if isinstance(layer, keras.layers.Dropout):
                    layer.rate = 0.0
        self.optimizer = None
        self._grad = _GRADIENTS[keras.backend.backend()]
        # sum / count, not keras.losses or ops.mean: on Keras' torch backend (3.15) both
        # reduce float64 values in float32, and gradients then part from PyTorch's by 1e-8
        ops = keras.ops
        self.losses = {"mse": lambda out, t: ops.sum(ops.square(out - t)) / _size(out),
                       "cross_entropy": lambda out, t: ops.sum(ops.sparse_categorical_crossentropy(
                           t, out, from_logits=True)) / out.shape[0]}

    def _in(self, a: np.ndarray, layout: str):
        """A batch in the logical order as Keras takes it (features last); class labels
        as they are."""
        from netir.emitters.keras3.layouts import to_keras

        a = np.asarray(a)
        if a.dtype.kind in "iu":
            return self.keras.ops.convert_to_tensor(a)
        return self.keras.ops.convert_to_tensor(to_keras(a, layout), self.dtype)

    def _out(self, t) -> np.ndarray:
        from netir.emitters.keras3.layouts import to_logical

        return to_logical(self.keras.ops.convert_to_numpy(t), self.graph.outputs[0].layout)

    def forward(self, x: np.ndarray, training: bool) -> np.ndarray:
        return self._out(self.model(self._in(x, self.graph.inputs[0].layout),
                                    training=training))

    def _gradients(self, x, target, loss):
        value, grads = self._grad(self.model, self._in(x, self.graph.inputs[0].layout),
                                  self._in(target, self.graph.outputs[0].layout),
                                  self.losses[loss])
        grads = [self.keras.ops.zeros(v.shape, v.dtype) if g is None else g
                 for g, v in zip(grads, self.model.trainable_variables)]
        return value, grads

    def gradients(self, x: np.ndarray, target: np.ndarray,
                  loss: str = "mse") -> Weights:
        """Gradients in the neutral layout: the exporter's own layout mapping, applied to
        gradients assigned in place of the weights (then restored)."""
        from netir.emitters.keras3 import export_weights

        _, grads = self._gradients(x, target, loss)
        variables = self.model.trainable_variables
        saved = [self.keras.ops.convert_to_numpy(v) for v in variables]
        for v, g in zip(variables, grads):
            v.assign(g)
        try:
            exported = export_weights(self.model)
        finally:
            for v, s in zip(variables, saved):
                v.assign(s)
        keep = trainable_names(self.graph)
        out: Weights = {}
        for node, params in exported.items():
            for param, value in params.items():
                if (node, param) in keep:
                    out.setdefault(node, {})[param] = value
        return out

    def sgd_step(self, x: np.ndarray, target: np.ndarray, lr: float,
                 loss: str = "mse") -> float:
        if self.optimizer is None:
            with keras_floatx(self.dtype):
                self.optimizer = self.keras.optimizers.SGD(learning_rate=lr)
        value, grads = self._gradients(x, target, loss)
        if grads:
            self.optimizer.apply_gradients(zip(grads, self.model.trainable_variables))
        return float(self.keras.ops.convert_to_numpy(value))

    def weights(self) -> Weights:
        from netir.emitters.keras3 import export_weights

        return export_weights(self.model)
