"""from_keras on keras.applications (weights=None, random batch-norm statistics): every
registered backend, loaded with the imported weights, computes the Keras model's logits
(float32, 1e-4 relative), so the importer's layouts, padding rules and preprocessing
layers are right where it matters: on the networks people have."""

from __future__ import annotations

import keras
import numpy as np
import pytest

from netir import from_keras
from netir.emitters.compare import available_backends
from netir.emitters.registry import get_backend

#: name -> input (H, W, C); small inputs, each at least what the network takes
APPLICATIONS = {"ResNet50": (64, 64, 3), "MobileNetV3Small": (64, 64, 3),
                "EfficientNetB0": (64, 64, 3), "ConvNeXtTiny": (64, 64, 3)}


def _random_statistics(model, rng) -> None:
    """Batch norms whose statistics and affine terms are not the identity."""
    for layer in model._flatten_layers():
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.moving_mean.shape
            layer.moving_mean.assign(rng.normal(0, 0.2, c).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
            if layer.gamma is not None:
                layer.gamma.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
            if layer.beta is not None:
                layer.beta.assign(rng.normal(0, 0.2, c).astype("float32"))


@pytest.fixture(scope="module", params=sorted(APPLICATIONS))
def imported(request):
    name, shape = request.param, APPLICATIONS[request.param]
    keras.utils.set_random_seed(0)
    kwargs = {} if name.startswith("DenseNet") else {"classifier_activation": None}
    model = getattr(keras.applications, name)(weights=None, input_shape=shape, **kwargs)
    rng = np.random.default_rng(0)
    _random_statistics(model, rng)
    x = rng.uniform(0, 255, (2, *shape)).astype("float32")  # the pixels they expect
    want = keras.ops.convert_to_numpy(model(x, training=False))
    graph, weights = from_keras(model)
    return name, model, graph, weights, np.ascontiguousarray(x.transpose(0, 3, 1, 2)), want


@pytest.mark.parametrize("backend", available_backends())
def test_every_backend_computes_the_keras_model(imported, backend):
    name, _, graph, weights, x, want = imported
    chosen = get_backend(backend)
    got = chosen.run(chosen.emit_loaded(graph, None, weights), [x])[0]
    assert got.shape == want.shape
    rel = float(np.abs(got - want).max() / np.abs(want).max())
    assert rel <= 1e-4, f"{name} on {backend}: {rel:.2e}"


def test_names_and_parameters_are_the_keras_models(imported):
    name, model, graph, weights, *_ = imported
    layer_names = {layer.name for layer in model._flatten_layers()}
    weighted = [n.name for n in graph.nodes if any(graph.param_shapes(n))]
    # every weighted node is a Keras layer (SeparableConv2D's depthwise half aside)
    assert all(n in layer_names or n.endswith("_depthwise") for n in weighted), name
    trainable, _ = graph.count_params()
    keras_trainable = sum(int(np.prod(w.shape)) for w in model.trainable_weights)
    # a Normalization layer (fixed mean and variance) is imported as a batch norm of
    # weight 1 and bias 0, whose two per-channel vectors the IR counts as trainable
    normalization = sum(2 * int(np.prod(layer.mean.shape)) for layer in model._flatten_layers()
                        if isinstance(layer, keras.layers.Normalization))
    assert trainable == keras_trainable + normalization, name
