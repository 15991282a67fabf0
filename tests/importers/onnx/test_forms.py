"""from_onnx on models written as other exporters write them: each imported graph,
emitted to every registered backend with the imported weights, computes what
onnxruntime computes on the ONNX model (float32, 1e-5); the folds are checked on the
graph; what the IR cannot express is refused, every node at once."""

from __future__ import annotations

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import helper  # noqa: E402

from netir import from_onnx  # noqa: E402
from netir.emitters.registry import get_backend, list_backends  # noqa: E402
from netir.ir.errors import UnsupportedModelError  # noqa: E402
from tests.importers.onnx import models  # noqa: E402


def _expected(model, x):
    session = ort.InferenceSession(model.SerializeToString(),
                                   providers=["CPUExecutionProvider"])
    return session.run(None, {session.get_inputs()[0].name: x})[0]


@pytest.mark.parametrize("backend", list_backends())
@pytest.mark.parametrize("form", sorted(models.FORMS))
def test_imported_form_computes_what_onnxruntime_computes(form, backend):
    model = models.FORMS[form]()
    graph, weights = from_onnx(model)
    x = np.random.default_rng(3).standard_normal(
        (1, *graph.inputs[0].shape)).astype(np.float32)
    want = _expected(model, x)
    b = get_backend(backend)
    got = b.run(b.emit_loaded(graph, None, weights), [x])[0]
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-5)


def test_folds_make_one_ir_op():
    graph, _ = from_onnx(models.pad_then_conv())
    assert [n.op for n in graph.nodes] == ["input", "conv2d"]
    assert graph["conv"].attrs["padding"] == ((1, 1), (2, 0))
    graph, weights = from_onnx(models.matmul_add_tokens())
    assert [n.op for n in graph.nodes] == ["input", "dense"]
    assert graph["proj_bias"].layout == "TC" or graph["proj_bias"].shape == (5, 6)
    assert weights["proj_bias"]["weight"].shape == (6, 4)


def test_scale_shift_and_shuffle_reshapes_fold_to_one_ir_op():
    graph, weights = from_onnx(models.scale_shift())
    assert [n.op for n in graph.nodes] == ["input", "batch_norm"]
    assert weights["shift"]["weight"].shape == (3,)
    graph, _ = from_onnx(models.shuffle_reshapes())
    assert [(n.op, dict(n.attrs)) for n in graph.nodes][1:] == [("channel_shuffle",
                                                                  {"groups": 2})]


def test_names_come_from_the_onnx_nodes_and_initializers_become_parameters():
    graph, weights = from_onnx(models.classifier_opset9())
    assert [n.name for n in graph.nodes] == ["x", "conv", "bn", "relu", "pool", "gap",
                                             "flatten", "fc", "softmax"]
    assert sorted(weights) == ["bn", "conv", "fc"]
    assert sorted(weights["bn"]) == ["bias", "running_mean", "running_var", "weight"]
    node = helper.make_node("Relu", ["x"], ["y"], name="/features/0/Relu")
    graph, _ = from_onnx(models.model([node], {"x": ["N", 3]}, "y"))
    assert [n.name for n in graph.nodes] == ["x", "_features_0_Relu"]


def test_matmul_then_add_of_tensors_stays_two_ops():
    nodes = [helper.make_node("MatMul", ["x", "k"], ["s"], name="scores"),
             helper.make_node("Add", ["s", "m"], ["y"], name="masked")]
    model = models.model(nodes, {"x": ["N", 3, 4], "k": ["N", 4, 3], "m": ["N", 3, 3]}, "y")
    graph, _ = from_onnx(model)
    assert [n.op for n in graph.nodes] == ["input", "input", "input", "matmul", "add"]


def test_older_forms_become_their_ir_ops():
    graph, _ = from_onnx(models.sum_dropout_upsample())
    ops = {n.name: (n.op, dict(n.attrs)) for n in graph.nodes}
    assert ops["sum"][0] == "add" and len(graph["sum"].inputs) == 3
    assert ops["drop"] == ("dropout", {"rate": 0.25})
    assert ops["up"][0] == "upsample" and ops["up"][1]["scale_factor"] == (2, 2)
    graph, _ = from_onnx(models.classifier_opset9())
    assert graph["conv"].attrs["padding"] == ((1, 1), (1, 1))  # SAME_UPPER, 9 -> 5
    assert graph["bn"].attrs["eps"] == 1e-3
    graph, _ = from_onnx(models.ceil_pool_opset10())
    assert graph["pool"].attrs["ceil_mode"] is True


def _one(op_type, opset=13, **attrs):
    node = helper.make_node(op_type, ["x"], ["y"], name=f"the_{op_type.lower()}", **attrs)
    return models.model([node], {"x": ["N", 3, 4]}, "y", opset=opset)


def test_an_op_over_the_batch_axis_is_refused_naming_the_node():
    with pytest.raises(UnsupportedModelError, match=r"the_softmax: Softmax: .*batch axis"):
        from_onnx(_one("Softmax", axis=0))


def test_every_unsupported_node_is_listed_at_once():
    nodes = [helper.make_node("Relu", ["x"], ["a"], name="fine"),
             helper.make_node("Hardmax", ["a"], ["b"], name="first_bad"),
             helper.make_node("Relu", ["x"], ["c"], name="also_fine"),
             helper.make_node("LpNormalization", ["c"], ["d"], name="second_bad"),
             helper.make_node("Add", ["b", "d"], ["y"], name="after")]
    with pytest.raises(UnsupportedModelError) as err:
        from_onnx(models.model(nodes, {"x": ["N", 3, 4]}, "y"))
    text = str(err.value)
    assert "2 node(s)" in text
    assert "first_bad: Hardmax" in text and "second_bad: LpNormalization" in text
    assert [p.name for p in err.value.problems] == ["first_bad", "second_bad"]


def test_a_fixed_batch_above_one_is_refused_naming_the_input():
    node = helper.make_node("Relu", ["x"], ["y"], name="r")
    with pytest.raises(UnsupportedModelError, match=r"x: input: .*batch"):
        from_onnx(models.model([node], {"x": [2, 3, 4]}, "y"))


def test_an_ir_shape_unlike_onnx_shape_inference_is_an_importer_defect(monkeypatch):
    """An entry that builds the wrong op is caught at its node, not downstream."""
    from netir.importers.onnx.table import TABLE, Entry
    from netir.ir.errors import ShapeError

    def wrong(ctx, unit):
        return ctx.add("slice", [ctx.x(unit.head.input[0])], {"axis": 0, "start": 1})

    monkeypatch.setitem(TABLE.entries, ("Relu", ()), [Entry("Relu", wrong)])
    with pytest.raises(ShapeError, match=r"^the_relu \(slice\): importer defect: .*\(3, 4\)"):
        from_onnx(_one("Relu"))
