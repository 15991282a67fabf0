"""The ONNX model as a whole: names, initializers, symbolic batch, weights, files,
determinism, the opset, and the catalog networks."""

import numpy as np
import pytest

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")

from onnx import helper  # noqa: E402
from onnxruntime.capi.onnxruntime_pybind11_state import Fail  # noqa: E402

import netir  # noqa: E402
from netir.architectures import build, list_architectures  # noqa: E402
from netir.catalog_checks import check_input  # noqa: E402
from netir.emitters.compare import CATALOG_TOLERANCE  # noqa: E402
from netir.emitters.onnx import (  # noqa: E402
    DEFAULT_OPSET,
    count_params,
    export_weights,
    import_weights,
    load,
    run,
    runtime,  # noqa: E402
    save,
    to_onnx,
)
from netir.emitters.onnx import files as onnx_files  # noqa: E402
from netir.emitters.weights import random_weights  # noqa: E402
from tests.emitters.test_onnx_ops import _inferred_shapes, _run_torch  # noqa: E402


def small_net():
    """Conv, batch norm, a residual add, pooling and a dense head: every weight kind."""
    g = netir.Graph("small")
    x = g.input((3, 12, 12), name="x")
    with g.scope("stem"):
        y = g.relu(g.batch_norm(g.conv2d(x, 4, 3, padding=1, name="conv"), name="bn"),
                   name="relu")
    with g.scope("layer1.0"):
        z = g.batch_norm(g.conv2d(y, 4, 3, padding=1, bias=False, name="conv1"), name="bn1")
        y = g.relu(g.add(z, y, name="add"), name="relu")
    y = g.max_pool2d(y, 3, 2, ceil_mode=True, name="pool")
    g.dense(g.flatten(y, name="flat"), 5, name="fc")
    return g


def test_node_names_are_the_irs_and_helpers_live_under_them():
    g = small_net()
    model = to_onnx(g)
    by_name = {n.name: n for n in model.graph.node}
    for node in g.nodes[1:]:
        assert list(by_name[node.name].output) == [node.name]
    ir_names = {n.name for n in g.nodes}
    for name in by_name:
        assert name in ir_names or name.split("/")[0] in ir_names
    assert [i.name for i in model.graph.input] == ["x"]
    assert [o.name for o in model.graph.output] == ["fc"]


def test_initializers_are_the_neutral_weights_stored_once():
    g = small_net()
    weights = random_weights(g, seed=2)
    model = to_onnx(g, weights=weights)
    names = [t.name for t in model.graph.initializer]
    expected = [f"{n}.{p}" for n, ps in weights.items() for p in ps]
    assert sorted(names) == sorted(expected) and len(set(names)) == len(names)
    consumed = [i for n in model.graph.node for i in n.input]
    for name in names:
        assert consumed.count(name) == 1, name
    assert count_params(model) == g.count_params()
    back = export_weights(model)
    for node, params in weights.items():
        for p, value in params.items():
            np.testing.assert_array_equal(back[node][p], value)


def test_import_weights_changes_outputs_and_is_strict():
    g = small_net()
    model = to_onnx(g, weights=random_weights(g, seed=0))
    x = np.random.default_rng(0).standard_normal((2, 3, 12, 12)).astype(np.float32)
    other = random_weights(g, seed=1)
    before = run(model, [x])[0]
    import_weights(model, other)
    after = run(model, [x])[0]
    assert not np.allclose(before, after)
    np.testing.assert_array_equal(after, run(to_onnx(g, weights=other), [x])[0])
    wrong = {**other, "fc": {**other["fc"], "weight": np.zeros((5, 3), np.float32)}}
    with pytest.raises(netir.NetIRError, match=r"^fc \(weights\): shape of 'weight'"):
        import_weights(model, wrong)
    missing = {k: v for k, v in other.items() if k != "stem.bn"}
    with pytest.raises(netir.NetIRError, match="lack a parameter") as err:
        import_weights(model, missing)
    assert err.value.node == "stem.bn"
    with pytest.raises(netir.NetIRError, match="no such parameter"):
        import_weights(model, {**other, "fc": {**other["fc"], "gamma": np.zeros(5)}})


def test_emit_refuses_weights_that_do_not_fit():
    g = small_net()
    weights = random_weights(g)
    weights["stem.conv"] = {**weights["stem.conv"], "bias": np.zeros(3, np.float32)}
    with pytest.raises(netir.NetIRError, match=r"^stem\.conv \(conv2d\): shape of 'bias'"):
        to_onnx(g, weights=weights)


@pytest.mark.parametrize("batch", [1, 3])
def test_batch_is_symbolic(batch):
    g = small_net()
    model = to_onnx(g)
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and [d.dim_value for d in dims[1:]] == [3, 12, 12]
    x = np.random.default_rng(batch).standard_normal((batch, 3, 12, 12)).astype(np.float32)
    (out,) = run(model, [x])
    assert out.shape == (batch, 5)
    # each sample is computed on its own
    np.testing.assert_allclose(run(model, [x[:1]])[0], out[:1], rtol=1e-6, atol=1e-6)


def test_same_graph_gives_identical_bytes(tmp_path):
    first = to_onnx(build("resnet18", input_size=32)).SerializeToString()
    second = to_onnx(build("resnet18", input_size=32)).SerializeToString()
    assert first == second
    save(to_onnx(small_net()), tmp_path / "a.onnx")
    save(to_onnx(small_net()), tmp_path / "b.onnx")
    assert (tmp_path / "a.onnx").read_bytes() == (tmp_path / "b.onnx").read_bytes()


def test_save_and_load_round_trip(tmp_path):
    g = small_net()
    model = to_onnx(g)
    assert save(model, tmp_path / "model.onnx") == [tmp_path / "model.onnx"]
    assert load(tmp_path / "model.onnx") == model


def test_model_bytes_bounds_the_serialized_size_closely():
    """The 2 GB decision counts raw tensors from their shapes: never less than the real
    size, and at most a little more per initializer."""
    g = small_net()
    model = to_onnx(g, weights=random_weights(g, seed=4))
    real, counted = len(model.SerializeToString()), onnx_files.model_bytes(model)
    assert real <= counted <= real + 120 * len(model.graph.initializer)


def test_external_data_past_the_threshold(tmp_path):
    """A model larger than the threshold keeps its large weights in model.onnx.data."""
    g = small_net()
    weights = random_weights(g, seed=4)
    model = to_onnx(g, weights=weights)
    before = model.SerializeToString()
    written = save(model, tmp_path / "model.onnx", external_threshold=1000)
    assert written == [tmp_path / "model.onnx", tmp_path / "model.onnx.data"]
    assert model.SerializeToString() == before  # the model given is left as it was
    external = {t.name for t in onnx.load(tmp_path / "model.onnx", load_external_data=False)
                .graph.initializer if t.data_location == onnx.TensorProto.EXTERNAL}
    assert external == {"fc.weight"}  # the one initializer of at least 1 KiB (5 × 144 × 4)
    assert (tmp_path / "model.onnx.data").stat().st_size == 5 * 144 * 4
    assert (tmp_path / "model.onnx").stat().st_size < onnx_files.model_bytes(model) - 2880
    onnx.checker.check_model(str(tmp_path / "model.onnx"), full_check=True)
    loaded = load(tmp_path / "model.onnx")
    for node, params in export_weights(loaded).items():
        for p, value in params.items():
            np.testing.assert_array_equal(value, weights[node][p])
    x = np.random.default_rng(0).standard_normal((2, 3, 12, 12)).astype(np.float32)
    np.testing.assert_array_equal(run(tmp_path / "model.onnx", [x])[0], run(model, [x])[0])
    # deterministic: the same model writes the same two files
    save(model, tmp_path / "again.onnx", external_threshold=1000)
    assert (tmp_path / "again.onnx.data").read_bytes() == \
        (tmp_path / "model.onnx.data").read_bytes()


def test_run_goes_through_external_data_past_protobufs_limit(monkeypatch):
    g = small_net()
    model = to_onnx(g)
    x = np.random.default_rng(0).standard_normal((1, 3, 12, 12)).astype(np.float32)
    expected = run(model, [x])[0]
    saved = []
    monkeypatch.setattr(runtime, "PROTOBUF_LIMIT", 1000)
    monkeypatch.setattr(runtime, "save", lambda m, p: saved.append(
        onnx_files.save(m, p, external_threshold=1000)))
    np.testing.assert_array_equal(run(model, [x])[0], expected)
    assert [p.name for p in saved[0]] == ["model.onnx", "model.onnx.data"]


def _ort_loads(opset: int, ir_version: int) -> bool:
    g = helper.make_graph([helper.make_node("Relu", ["x"], ["y"])], "g",
                          [helper.make_tensor_value_info("x", onnx.TensorProto.FLOAT, [1])],
                          [helper.make_tensor_value_info("y", onnx.TensorProto.FLOAT, [1])])
    m = helper.make_model(g, opset_imports=[helper.make_opsetid("", opset)],
                          ir_version=ir_version)
    try:
        ort.InferenceSession(m.SerializeToString(), providers=["CPUExecutionProvider"])
    except Fail as e:
        assert "opset" in str(e) or "IR version" in str(e)
        return False
    return True


def test_default_opset_is_the_newest_onnxruntime_runs():
    model = to_onnx(small_net())
    assert model.opset_import[0].version == DEFAULT_OPSET
    assert _ort_loads(DEFAULT_OPSET, model.ir_version)
    assert not _ort_loads(DEFAULT_OPSET + 1, model.ir_version)
    assert not _ort_loads(DEFAULT_OPSET, model.ir_version + 1)


def _weights_as_inputs(model):
    """The model with each initializer declared as a graph input of its type and shape
    instead: the same graph for the checker and shape inference, without the payload."""
    declared = [helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
                for t in model.graph.initializer]
    del model.graph.initializer[:]
    model.graph.input.extend(declared)
    return model


# Every catalog network: the checker passes and ONNX's shape inference gives each node
# the IR's shape (weight values do not matter here, their shapes do).
@pytest.mark.parametrize("name", list_architectures())
def test_catalog_checker_and_shape_inference_agree_with_the_ir(name):
    g = build(name, input_size=check_input(name))
    zeros = {n.name: {p: np.zeros(s, np.float32) for p, s in
                      {**g.param_shapes(n)[0], **g.param_shapes(n)[1]}.items()}
             for n in g.nodes if any(g.param_shapes(n))}
    model = _weights_as_inputs(to_onnx(g, weights=zeros))
    onnx.checker.check_model(model, full_check=True)
    shapes = _inferred_shapes(model)
    assert {n.name: shapes[n.name] for n in g.nodes} == \
        {n.name: ("batch", *n.shape) for n in g.nodes}


# A fast network per family runs in onnxruntime and agrees with PyTorch (1e-4).
@pytest.mark.parametrize("name", ["lenet5", "resnet18", "densenet121"])
def test_catalog_outputs_agree_with_torch(name):
    g = build(name, input_size=check_input(name))
    weights = random_weights(g)
    x = np.random.default_rng(1).standard_normal((2, *g.inputs[0].shape)).astype(np.float32)
    model = to_onnx(g, weights=weights)
    onnx.checker.check_model(model, full_check=True)
    (ours,) = run(model, [x])
    (theirs,) = _run_torch(g, [x], weights, [g.outputs[0].name])
    assert ours.shape == theirs.shape == (2, *g.outputs[0].shape)
    scale = max(1.0, float(np.abs(theirs).max()))
    assert float(np.abs(ours - theirs).max()) <= CATALOG_TOLERANCE * scale


def test_a_checks_per_node_model_opens_with_basic_optimizations_and_the_users_with_all():
    from netir.emitters.onnx.runtime import LEVEL_KEY
    from netir.emitters.registry import get_backend
    from netir.emitters.weights import random_weights

    g = netir.build("resnet18", input_size=32)
    weights = random_weights(g)
    backend = get_backend("onnx")
    names = [n.name for n in g.nodes]
    per_node = backend.emit_loaded(g, names, weights)
    users = backend.emit_loaded(g, ["fc"], weights)

    def level(model):
        return {p.key: p.value for p in model.metadata_props}.get(LEVEL_KEY)

    assert level(per_node) == "basic" and level(users) is None
    assert level(backend.emit(g)) is None  # what users emit is never marked
    x = np.random.default_rng(0).standard_normal((2, 3, 32, 32)).astype(np.float32)
    every, (out,) = backend.run(per_node, [x]), backend.run(users, [x])
    assert np.max(np.abs(every[names.index("fc")] - out)) <= 1e-5 * np.max(np.abs(out))


def test_a_narrowed_per_node_model_is_byte_for_byte_the_users_model():
    from netir.emitters.registry import get_backend
    from netir.emitters.weights import random_weights

    g = netir.build("googlenet", input_size=64)  # several outputs' worth of branches
    weights = random_weights(g, seed=2)
    backend = get_backend("onnx")
    names = [n.name for n in g.nodes]
    outs = ["fc", "inception4a.branch1.conv"]
    narrowed = backend.narrow(backend.emit_loaded(g, names, weights), names, outs)
    assert narrowed.SerializeToString() == \
        backend.emit(g, outs, weights=weights).SerializeToString()
    assert runtime.LEVEL_KEY not in {p.key for p in narrowed.metadata_props}
