"""The Keras emitter: save/load round trip, and the torch backend of Keras."""

import os
import subprocess
import sys
import textwrap

import keras
import numpy as np

import netir
from netir.emitters.keras3 import import_weights, to_keras
from netir.emitters.weights import random_weights


def _every_custom_layer():
    g = netir.Graph("customs")
    x = g.input((4, 9, 9))
    x = g.conv2d(x, 4, 3, groups=2, padding="same", name="grouped")
    x = g.conv2d(x, 4, 3, dilation=2, stride=2, name="dilated")
    x = g.local_response_norm(x, 3, name="lrn")
    x = g.max_pool2d(x, 2, 2, padding=1, name="maxpool")
    x = g.avg_pool2d(x, 2, 1, padding=1, count_include_pad=False, name="avgpool")
    x = g.adaptive_avg_pool2d(x, 3, name="adaptive")
    g.dense(g.flatten(x, name="flat"), 5, name="fc")
    return g


def test_save_and_load_round_trip(tmp_path):
    g = _every_custom_layer()
    model = to_keras(g)
    import_weights(model, random_weights(g))
    x = np.random.default_rng(0).standard_normal((2, 9, 9, 4)).astype(np.float32)
    model.save(tmp_path / "m.keras")
    back = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(back(x, training=False), model(x, training=False))
    assert [type(layer).__name__ for layer in back.layers] == \
        [type(layer).__name__ for layer in model.layers]


def test_alexnet_2012_runs_on_keras_torch_backend():
    """The Keras model is written with keras.ops, so Keras' torch backend runs it too."""
    code = textwrap.dedent("""
        import numpy as np, torch, netir
        from netir.emitters.compare import run_backend
        from netir.catalog_checks import check_input
        from netir.emitters.weights import random_weights
        g = netir.build("alexnet_2012", input_size=check_input("alexnet_2012"))
        x = np.random.default_rng(0).standard_normal((1, *g.inputs[0].shape)).astype("float32")
        w, out = random_weights(g), [g.outputs[0].name]
        t, k = (run_backend(b, g, w, [x], out)[0] for b in ("torch", "keras"))
        tm, km = netir.to_torch(g), netir.to_keras(g)
        netir.import_weights(tm, w)
        netir.import_weights(km, w)
        import keras
        assert keras.backend.backend() == "torch"
        # a Keras model is a torch.nn.Module here; the Keras backend must still own it
        from netir.emitters.registry import backend_of
        from netir.emitters.weights import export_weights
        assert isinstance(km, torch.nn.Module) and backend_of(km).name == "keras"
        tw, kw = export_weights(tm), export_weights(km)
        assert sorted(tw) == sorted(kw)
        assert all(np.array_equal(tw[n][p], kw[n][p]) for n in tw for p in tw[n])
        err = np.abs(t[0] - k[0]).max() / max(1.0, np.abs(t[0]).max())
        print("ERR", err)
        assert err < 1e-4
    """)
    env = {**os.environ, "KERAS_BACKEND": "torch"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "ERR" in out.stdout


def _every_helper_layer():
    """A graph whose Keras model has each helper role: crop (one output, stride 2),
    zero pad, -inf pad and divisor map."""
    g = netir.Graph("helpers")
    x = g.input((1, 4, 4))
    x = g.conv2d(x, 4, 3, stride=2, name="cropped")
    x = g.conv2d(x, 4, 3, padding=1, name="padded")
    x = g.avg_pool2d(x, 2, 1, padding=1, count_include_pad=False, name="avgpool")
    x = g.max_pool2d(x, 2, 1, padding=1, name="maxpool")
    g.dense(g.flatten(x, name="flat"), 3, name="fc")
    return g


def test_helper_layers_work_inside_tensorflow_graphs():
    """``predict``, ``fit`` and ``tf.function`` open a TensorFlow name scope per layer,
    and TensorFlow refuses scope names outside ``[A-Za-z0-9_.\\/>-]``."""
    import re

    import tensorflow as tf

    g = _every_helper_layer()
    model = to_keras(g)
    import_weights(model, random_weights(g))
    roles = {layer.name.rpartition(">")[2] for layer in model.layers if ">" in layer.name}
    assert roles == {"crop", "pad", "divisor"}
    assert all(re.fullmatch(r"[A-Za-z0-9_.\\/>-]*", layer.name) for layer in model.layers)
    x = np.random.default_rng(1).standard_normal((4, 4, 4, 1)).astype(np.float32)
    eager = np.asarray(model(x, training=False))
    np.testing.assert_allclose(model.predict(x, verbose=0), eager, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(tf.function(model)(x, training=False), eager,
                               rtol=1e-6, atol=1e-6)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    history = model.fit(x, np.ones((4, 3), np.float32), epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    assert any(not np.array_equal(a, b) for a, b in zip(before, model.get_weights()))


def test_a_narrowed_model_is_the_emitted_model_over_the_per_node_layers():
    # A check runs Keras' per-node model and, for the model users run, the same layers
    # with fewer outputs: it must compute what a fresh to_keras(graph, outputs) does.
    from netir.emitters.registry import get_backend

    g = _every_custom_layer()
    names, outs = [n.name for n in g.nodes], ["fc", "lrn"]
    weights = random_weights(g, seed=3)
    keras_backend = get_backend("keras")
    per_node = keras_backend.emit_loaded(g, names, weights)
    narrowed = keras_backend.narrow(per_node, names, outs)
    fresh = keras_backend.emit_loaded(g, outs, weights)
    x = np.random.default_rng(0).standard_normal((2, 4, 9, 9)).astype(np.float32)
    got, expected = keras_backend.run(narrowed, [x]), keras_backend.run(fresh, [x])
    assert [a.shape for a in got] == [(2, 5), (2, 4, 3, 3)]  # logical layouts kept
    for a, b in zip(got, expected):
        np.testing.assert_array_equal(a, b)
    assert {id(layer) for layer in narrowed.layers} <= {id(layer) for layer in per_node.layers}
    assert keras_backend.export_weights(narrowed).keys() == {"grouped", "dilated", "fc"}
    # a backend that cannot say so leaves it to the check to emit anew
    assert get_backend("torch").narrow(object(), names, outs) is None


def test_a_model_emitted_for_loaded_weights_draws_none_and_holds_exactly_them():
    from netir.emitters.keras3.emit import no_initial_weights
    from netir.emitters.registry import get_backend

    with no_initial_weights():
        assert not np.any(keras.ops.convert_to_numpy(keras.initializers.HeNormal()((4, 4))))
    assert np.any(keras.ops.convert_to_numpy(keras.initializers.HeNormal()((4, 4))))  # restored
    g = _every_custom_layer()
    weights = random_weights(g, seed=9)
    keras_backend = get_backend("keras")
    got = keras_backend.export_weights(keras_backend.emit_loaded(g, None, weights))
    assert got.keys() == weights.keys()
    for node, params in weights.items():
        for param, value in params.items():
            np.testing.assert_array_equal(got[node][param], value, err_msg=f"{node}.{param}")
