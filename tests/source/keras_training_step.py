"""One float64 train-mode step of a catalog network's Keras source model and of
``to_keras`` on the same weights (dropout off: its masks are random draws): prints the
variables compared, the largest relative gradient difference, the largest difference of
the batch norms' moving statistics after the step and how many of them the step moved.
Run as a script (``keras.config.set_floatx`` is process-wide)."""

import ast
import os
import pathlib
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

keras.config.set_floatx("float64")

import netir  # noqa: E402
from netir.emitters.keras3.emit import to_keras  # noqa: E402
from netir.source.keras.weights import save_weights  # noqa: E402


def step(model, x):
    for layer in model.layers:  # dropout's masks are each model's own random draws
        if isinstance(layer, keras.layers.Dropout):
            layer.rate = 0.0
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(tf.square(model(x, training=True)))
    grads = tape.gradient(loss, model.trainable_weights)
    named = {f"{v.path.split('/')[0]}/{v.name}": g.numpy()
             for v, g in zip(model.trainable_weights, grads)}
    stats = {f"{layer.name}/{v.name}": np.asarray(v) for layer in model.layers
             for v in layer.non_trainable_weights}
    return named, stats


def main(name: str) -> None:
    g = netir.build(name, input_size=32, num_classes=5)
    weights = netir.random_weights(g, seed=2)
    reference = to_keras(g, weights=weights)
    source = netir.to_source(g, "keras")
    namespace: dict = {}
    exec(compile(source, "model.py", "exec"), namespace)
    build = [n.name for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)][-1]
    model = namespace[build]()
    path = pathlib.Path(tempfile.mkdtemp()) / "model.weights.h5"
    save_weights(g, weights, path, source)
    model.load_weights(path)
    assert {v.dtype for v in model.weights} == {"float64"}
    x = np.random.default_rng(0).standard_normal((2, 32, 32, 3))
    before = {f"{layer.name}/{v.name}": np.asarray(v).copy() for layer in reference.layers
              for v in layer.non_trainable_weights}
    (grads, stats), (want_grads, want_stats) = step(model, x), step(reference, x)
    assert sorted(grads) == sorted(want_grads) and sorted(stats) == sorted(want_stats)
    gap = max(float(np.max(np.abs(grads[k] - want_grads[k]))) /
              max(float(np.max(np.abs(want_grads[k]))), 1e-300) for k in grads)
    drift = max((float(np.max(np.abs(stats[k] - want_stats[k]))) for k in stats), default=0.0)
    moved = sum(not np.array_equal(want_stats[k], before[k]) for k in want_stats)
    print(f"{len(grads)} {gap!r} {drift!r} {moved}")


if __name__ == "__main__":
    main(sys.argv[1])
