"""Backends and their lowering tables: complete for built-ins, open to plugins."""

import numpy as np
import pytest

import netir
from netir import UnsupportedOpError
from netir.emitters.compare import compare
from netir.emitters.registry import emit, get_backend, list_backends
from netir.ir import registry as op_registry
from netir.ir.attrs import Attr, real
from netir.ir.registry import OpSpec, list_ops
from tests.backends import backends, usable_backends


@pytest.mark.parametrize("backend", backends())
def test_every_registered_op_has_a_lowering_in_every_backend(backend):
    lowerings = get_backend(backend).lowerings
    assert lowerings.backend == backend
    assert [op for op in list_ops() if op not in lowerings] == []


def test_unknown_backend_is_refused_naming_every_registered_one():
    with pytest.raises(UnsupportedOpError, match="unknown backend") as err:
        emit(netir.Graph("g"), "no-such-backend")
    assert f"known: {list_backends()}" in str(err.value)
    assert {"torch", "keras", "reference", "onnx"} <= set(list_backends())  # the built-ins


@pytest.mark.parametrize("backend", backends())
def test_requested_outputs_must_be_nodes(backend):
    g = netir.Graph("g")
    g.relu(g.input((3,)), name="r")
    with pytest.raises(netir.GraphError, match="no node of this name") as err:
        emit(g, backend, outputs=["r", "nope"])
    assert err.value.node == "nope"


@pytest.fixture
def scale_op(monkeypatch):
    """A plugin op, registered for one test only."""
    spec = OpSpec(name="test_scale", category="activation", doc="x * factor.",
                  attrs=(Attr("factor", real(), 2.0, "multiplier"),))
    monkeypatch.setitem(op_registry._REGISTRY, spec.name, spec)
    yield spec
    for backend in usable_backends():
        get_backend(backend).lowerings.pop(spec.name, None)


def _scaled_graph():
    g = netir.Graph("plugin")
    x = g.conv2d(g.input((2, 5, 5)), 3, 3, name="conv")
    x = g.test_scale(x, name="scale")
    g.relu(x, name="out")
    return g


@pytest.mark.parametrize("backend", backends())
def test_missing_lowering_names_op_node_and_backend(scale_op, backend):
    with pytest.raises(UnsupportedOpError) as e:
        emit(_scaled_graph(), backend)
    msg = str(e.value)
    assert msg.startswith("scale (test_scale)") and f"{backend!r}" in msg


def test_plugin_lowerings_and_per_node_localisation(scale_op):
    import keras
    import torch
    from torch import nn

    from netir.emitters.registry import register_lowering

    class Scale(nn.Module):
        def __init__(self, f):
            super().__init__()
            self.f = f

        def forward(self, x):
            return x * self.f

    register_lowering("test_scale", "torch")(
        lambda plan, inputs: Scale(plan.attrs["factor"]))
    # a deliberately wrong Keras lowering: compare must name this node first
    register_lowering("test_scale", "keras")(
        lambda plan, inputs: keras.layers.Lambda(
            lambda t: t * (plan.attrs["factor"] + 0.5), name=plan.name)(inputs[0]))
    # the reference lowering defines what the op means
    register_lowering("test_scale", "reference")(
        lambda plan, inputs: inputs[0] * plan.attrs["factor"])
    report = compare(_scaled_graph(), backends=["torch", "keras"])
    assert not report.passed
    assert report.result("torch").passed
    assert report.result("keras").first_divergent == "scale"
    # judged on its own inputs, only the wrong node fails; its error drifts downstream
    assert [n.relative("keras") <= report.tolerance for n in report.nodes] == \
        [True, True, False, True]
    assert report.nodes[-1].drift("keras") > report.tolerance
    assert isinstance(emit(_scaled_graph(), "torch"), torch.nn.Module)
    assert np.isfinite(report.result("keras").output_abs)
