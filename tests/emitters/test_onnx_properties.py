"""The ONNX emitter over random valid graphs (netir.testing.strategies): ONNX's shape
inference equals the IR node by node, and onnxruntime agrees with PyTorch to 1e-5,
node by node and again on a model that returns only the graph's outputs (onnxruntime
fuses nodes whose values no output needs, and such fusions have been wrong)."""

import numpy as np
import pytest
from hypothesis import given, note, settings

onnx = pytest.importorskip("onnx")
pytest.importorskip("onnxruntime")

from netir.emitters.compare import OP_TOLERANCE  # noqa: E402
from netir.emitters.local_errors import magnitude, max_abs  # noqa: E402
from netir.emitters.onnx import run, to_onnx  # noqa: E402
from netir.emitters.registry import get_backend  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from netir.testing.strategies import graphs  # noqa: E402
from tests.emitters.test_onnx_ops import _inferred_shapes  # noqa: E402

EXAMPLES = settings().max_examples if settings().max_examples > 100 else 50


@settings(max_examples=EXAMPLES)
@given(graphs())
def test_onnx_shapes_and_outputs_agree_node_by_node(graph):
    note("netir.Graph.from_json(r'''" + graph.to_json() + "''')")
    names = [n.name for n in graph.nodes]
    weights = random_weights(graph, seed=1)
    model = to_onnx(graph, names, weights=weights)
    onnx.checker.check_model(model, full_check=True)
    shapes = _inferred_shapes(model)
    for node in graph.nodes:
        assert shapes[node.name] == ("batch", *node.shape), node.name
    rng = np.random.default_rng(0)
    xs = [rng.standard_normal((2, *n.shape)).astype(np.float32) for n in graph.inputs]
    torch_backend = get_backend("torch")
    reference = torch_backend.emit(graph, names)
    torch_backend.import_weights(reference, weights)
    for node, a, b in zip(graph.nodes, torch_backend.run(reference, xs), run(model, xs)):
        assert max_abs(a, b) <= OP_TOLERANCE * max(1.0, magnitude(a)), node.name
    outputs = [n.name for n in graph.outputs]
    final = run(to_onnx(graph, outputs, weights=weights), xs)
    want = torch_backend.run(reference, xs)
    for name, b in zip(outputs, final):
        a = want[names.index(name)]
        assert max_abs(a, b) <= OP_TOLERANCE * max(1.0, magnitude(a)), name
