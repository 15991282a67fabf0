"""Every name the builder accepts emits and runs on every backend, for a node whose value
feeds others: the generated code's variables never collide with Python's keywords or
builtins, with ``self`` or with the names the framework's own code uses."""

from __future__ import annotations

import keyword

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netir.emitters.registry import get_backend, list_backends
from netir.emitters.weights import random_weights
from netir.ir.errors import GraphError
from netir.ir.graph import Graph

HOSTILE = ["self", "Self", "SELF", "forward", "out", "x", "_tensor_constant0", "None",
           "class", "lambda", "def", "return", "input", "print", "len", "type", "getattr",
           "torch", "fx_pytree", "pytree", "device", "inf", "nan", "NoneType", "_vars",
           "0", "1", "4", "block1-0", "a.b", "a.c", "a.self.self", "self_", "self_1",
           "self-", "-", "_", "__init__", "__class__", "training", "graph", "_code",
           "netir_graph", "netir_bare", "netir_outputs", "_n_forward", "input_1", "tf",
           "keras", "np", "onnx", "ops",
           "layer", "inputs", "outputs", "model", "Model", "MODEL", "x_1", "x-1",
           *sorted(keyword.kwlist)]
#: the builder's name rule (netir/ir/graph.py ``_NAME``): dot-separated segments of
#: letters, digits, ``_`` and ``-``
SEGMENT = st.from_regex(r"[A-Za-z0-9_-]{1,8}", fullmatch=True)
NAME = st.lists(SEGMENT, min_size=1, max_size=3).map(".".join)


def _chain(names: list[str], input_name: str) -> Graph:
    """Each accepted name as a node that feeds the next, a dense layer or a two-input
    add (a list argument in torch); names the builder refuses (a scope taken as a
    layer, a repeat) are left out, as a user would have to."""
    g = Graph("names")
    previous = x = g.input((3,), name=input_name)
    for i, name in enumerate(names):
        try:
            y = g.add(x, previous, name=name) if i % 3 == 2 else g.dense(x, 3, name=name)
        except GraphError:
            continue
        previous, x = x, y
    g.dense(x, 2, name="head")
    return g


def _agree_with_reference(g: Graph, backend: str) -> None:
    weights = random_weights(g, seed=2)
    x = np.random.default_rng(0).standard_normal((2, 3)).astype(np.float32)
    reference = get_backend("reference")
    expected = reference.run(reference.emit_loaded(g, None, weights), [x])
    chosen = get_backend(backend)
    got = chosen.run(chosen.emit_loaded(g, None, weights), [x])
    assert len(got) == len(expected) == 1
    scale = max(1.0, float(np.abs(expected[0]).max()))
    assert np.abs(got[0] - expected[0]).max() <= 1e-5 * scale, backend


@pytest.mark.parametrize("backend", list_backends())
def test_hostile_names_feeding_other_nodes_emit_and_agree(backend):
    g = _chain(HOSTILE, input_name="self")
    assert {"self", "None", "a.self.self", "0", "block1-0", "Self"} <= {n.name for n in g.nodes}
    _agree_with_reference(g, backend)


@pytest.mark.parametrize("backend", list_backends())
@pytest.mark.parametrize("name", ["self", "input", "forward", "None", "0", "torch", "x"])
def test_a_hostile_name_as_the_only_hidden_node(backend, name):
    g = Graph("one")
    g.dense(g.relu(g.input((3,), name="x" if name != "x" else "inp"), name=name), 2,
            name="head")
    _agree_with_reference(g, backend)


@pytest.mark.parametrize("backend", list_backends())
@settings(max_examples=8, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(names=st.lists(st.one_of(NAME, st.sampled_from(HOSTILE)), min_size=1, max_size=6),
       input_name=st.one_of(NAME, st.sampled_from(HOSTILE)))
def test_drawn_names_emit_and_agree(backend, names, input_name):
    names = [n for n in names if n != input_name and not n.startswith(input_name + ".")]
    _agree_with_reference(_chain(names, input_name), backend)
