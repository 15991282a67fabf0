"""Every graph the IR accepts emits on every backend, or the emitter says why in a
NetIRError; weights are refused the same way everywhere, naming the tensor."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import netir
from netir.emitters.registry import get_backend
from netir.emitters.weights import export_weights, import_weights, random_weights
from netir.ir.errors import GraphError, ResourceError, WeightsError
from netir.ir.graph import Graph
from netir.ir.limits import check_memory
from tests.adversarial.guards import outcome
from tests.backends import backends, usable_backends

torch = pytest.importorskip("torch")

SPECIAL = ["forward", "training", "to", "eval", "state_dict", "cuda", "type", "parameters",
           "__init__", "graph", "meta", "code", "_code", "None", "class", "lambda", "self",
           "netir_graph", "_n_forward", "1", "block1-0", "p__pad", "p__divisor"]


def _named_graph() -> Graph:
    """Each special name as a top-level layer and as a scope segment, an input named
    '0', and a pool whose Keras helpers would once have collided with 'p__pad'."""
    g = Graph("names")
    x = g.input((3, 8, 8), name="0")
    for i, name in enumerate(SPECIAL):
        path = name if i % 2 else f"s.{name}.{name}"
        x = g.conv2d(x, 3, 3, padding=1, name=path)
    g.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True, count_include_pad=False, name="p")
    g.add_node("conv2d", ["s.forward.forward"], name="trunk_output.block1.block1-0.f.a.0",
               attrs={"out_channels": 2, "kernel": 1})
    g.output("p", "trunk_output.block1.block1-0.f.a.0")
    return g


def test_every_special_name_emits_with_exact_keys_and_agrees_across_backends():
    g = _named_graph()
    weights = random_weights(g, seed=1)
    names = usable_backends()
    models = {b: netir.emit(g, b) for b in names}
    x = np.random.default_rng(0).standard_normal((2, 3, 8, 8)).astype(np.float32)
    results = {}
    for backend, model in models.items():
        import_weights(model, weights)
        exported = export_weights(model)
        assert sorted(exported) == sorted(weights), backend
        results[backend] = get_backend(backend).run(model, [x])
    for backend in names:
        for a, b in zip(results["torch"], results[backend]):
            assert np.max(np.abs(a - b)) <= 1e-4 * max(1.0, float(np.max(np.abs(a)))), backend
    # PyTorch's own names: one state_dict key per parameter, spelled as the node
    keys = set(models["torch"].state_dict())
    assert keys == {f"{n}.{p}" for n, ps in weights.items() for p in ps}
    assert {"trunk_output.block1.block1-0.f.a.0.weight", "training.weight",
            "s.forward.forward.bias", "None.weight", "s.__init__.__init__.weight"} <= keys
    tm = models["torch"]
    tm.train()
    tm.eval()  # torch sets 'training' beside a child named 'training'
    assert tm.training is False and isinstance(tm._modules["training"], torch.nn.Conv2d)


@settings(max_examples=12)
@given(st.lists(st.from_regex(r"[A-Za-z0-9_-]{1,6}", fullmatch=True), min_size=1,
                max_size=4, unique=True))
def test_fuzzed_names_emit_on_every_backend(segments):
    g = Graph("fuzz")
    x = g.input((2,), name=segments[0])
    for i, segment in enumerate(segments):
        x = g.dense(x, 2, name=f"scope{i}.{segment}")
    weights = random_weights(g)
    for backend in usable_backends():
        model = outcome(lambda b=backend: netir.emit(g, b))
        import_weights(model, weights)
        assert sorted(export_weights(model)) == sorted(weights)


@pytest.mark.parametrize("backend", backends())
def test_a_graph_without_outputs_is_refused(backend):
    with pytest.raises(GraphError, match="at least one output"):
        netir.emit(Graph("empty"), backend)
    g = Graph("g")
    g.relu(g.input((3,)))
    # an explicit empty list: refused by a backend whose models return values, or (the
    # reference, which calibration runs for its side effects) a model returning nothing
    try:
        model = netir.emit(g, backend, outputs=[])
    except GraphError as refused:
        assert "at least one" in str(refused)
    else:
        assert get_backend(backend).run(model, [np.ones((1, 3), np.float32)]) == []


# -- resources -----------------------------------------------------------------------------
@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("make, node", [
    (lambda g, x: g.dense(g.flatten(x), 10**9, name="huge"), "huge"),
    (lambda g, x: g.conv2d(x, 2**30, 3, name="wide"), "wide"),
])
def test_models_beyond_memory_are_refused_before_allocation(backend, make, node):
    g = Graph("big")
    make(g, g.input((64, 64, 64)))
    refused = outcome(lambda: netir.emit(g, backend), seconds=60)
    assert isinstance(refused, ResourceError) and "GiB" in str(refused)
    assert refused.node == node


def test_an_exact_average_pool_on_a_huge_input_is_refused_naming_it():
    g = Graph("pool")
    x = g.input((16, 100_000, 100_000))
    g.avg_pool2d(x, 3, 2, padding=1, ceil_mode=True, count_include_pad=False, name="pool")
    with pytest.raises(ResourceError) as err:
        check_memory(g)
    assert err.value.node in ("pool", "input")


def test_check_memory_names_the_largest_node_and_the_sizes():
    g = Graph("g")
    x = g.input((8,))
    g.dense(x, 1000, name="fc")
    check_memory(g, available=10**6)
    with pytest.raises(ResourceError, match="more than the 0.00 GiB available") as err:
        check_memory(g, available=1000)
    assert err.value.node == "fc" and "fc alone needs" in str(err.value)


# -- depth ---------------------------------------------------------------------------------
def test_a_ten_thousand_node_chain_emits_in_torch_and_draws():
    from netir.ir.bulk import collector_paused
    from netir.renderers.dot import to_dot

    g = Graph("chain")
    x = g.input((4,))
    with collector_paused():
        for _ in range(10_000):
            x = g.relu(x)
    model = outcome(lambda: netir.to_torch(g), seconds=300)
    assert model(torch.full((1, 4), -1.0)).tolist() == [[0.0] * 4]
    assert to_dot(g, "layer").count("->") == 10_000


def test_a_long_chain_emits_in_keras():
    pytest.importorskip("keras")
    g = Graph("chain")
    x = g.input((4,))
    for _ in range(1_100):  # 1,000 once raised RecursionError
        x = g.relu(x)
    model = outcome(lambda: netir.to_keras(g), seconds=300)
    assert np.asarray(model(np.array([[-1.0, 2.0, -3.0, 4.0]], np.float32))).tolist() == [
        [0.0, 2.0, 0.0, 4.0]]


def test_a_thousand_nested_scopes_emit_and_draw(tmp_path):
    from netir.renderers.dot import to_dot

    g = Graph("nest")
    x = g.input((4,), name="x")
    deep = ".".join(f"s{i}" for i in range(1_000))
    g.relu(g.dense(x, 3, name=f"{deep}.fc"), name=f"{deep}.act")
    model = outcome(lambda: netir.to_torch(g), seconds=120)
    assert f"{deep}.fc.weight" in model.eval().state_dict()
    pytest.importorskip("keras")
    k = outcome(lambda: netir.to_keras(g), seconds=120)
    import_weights(k, export_weights(model))
    x = np.ones((2, 4), np.float32)
    with torch.no_grad():
        np.testing.assert_allclose(np.asarray(k(x)), model(torch.from_numpy(x)).numpy(),
                                   rtol=1e-5, atol=1e-6)
    assert to_dot(g, "layer").count("subgraph") == 1_000


# -- weights -------------------------------------------------------------------------------
def _small() -> Graph:
    g = Graph("small")
    x = g.input((2, 5, 5))
    x = g.batch_norm(g.conv2d(x, 3, 3, name="conv"), name="bn")
    g.dense(g.flatten(x), 2, name="fc")
    return g


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("dtype", ["int64", "uint8", "bool", "complex64", "object"])
def test_weights_outside_the_dtype_policy_are_refused_naming_the_tensor(backend, dtype):
    g = _small()
    weights = random_weights(g)
    weights["conv"]["weight"] = weights["conv"]["weight"].astype(dtype)
    with pytest.raises(WeightsError, match="'weight'") as err:
        import_weights(netir.emit(g, backend), weights)
    assert err.value.node == "conv"


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("dtype", ["float16", "float64"])
def test_float16_and_float64_weights_are_converted(backend, dtype):
    g = _small()
    weights = random_weights(g)
    converted = {n: {p: v.astype(dtype) for p, v in ps.items()} for n, ps in weights.items()}
    model = netir.emit(g, backend)
    import_weights(model, converted)
    back = export_weights(model)
    expected = converted["conv"]["weight"].astype(np.float32)
    assert back["conv"]["weight"].dtype == np.float32
    np.testing.assert_array_equal(back["conv"]["weight"], expected)


@pytest.mark.parametrize("backend", backends())
def test_torch_bfloat16_weights_are_converted(backend):
    g = _small()
    weights = random_weights(g)
    weights["fc"]["weight"] = torch.from_numpy(weights["fc"]["weight"]).bfloat16()
    model = netir.emit(g, backend)
    import_weights(model, weights)
    np.testing.assert_array_equal(export_weights(model)["fc"]["weight"],
                                  weights["fc"]["weight"].float().numpy())


@pytest.mark.parametrize("backend", backends())
@pytest.mark.parametrize("change, node, match", [
    (lambda w: w["fc"].update(extra=np.zeros(2, np.float32)), "fc", "no such parameter"),
    (lambda w: w["bn"].pop("running_var"), "bn", "lack"),
    (lambda w: w.update(ghost={"weight": np.zeros(2, np.float32)}), "ghost", "no"),
    (lambda w: w["conv"].update(weight=np.zeros((3, 2, 2, 2), np.float32)), "conv", "shape"),
    (lambda w: w["conv"].update(weight=np.zeros((3, 2, 3), np.float32)), "conv", "shape"),
    (lambda w: w["conv"].update(weight="abc"), "conv", "weight"),
])
def test_mismatched_weights_are_refused_alike_on_every_backend(backend, change, node, match):
    g = _small()
    weights = random_weights(g)
    change(weights)
    with pytest.raises(WeightsError, match=match) as err:
        import_weights(netir.emit(g, backend), weights)
    assert err.value.node == node


def test_a_comparison_too_large_for_the_machine_is_refused_before_any_work(monkeypatch):
    """compare holds several copies of the parameters at once (measured peak: 8.6 for
    ViT-L/16 with memory trimmed between backends); it refuses up front, naming the
    sizes, and `netir check` reports the network as not checked, not as passed."""
    import re

    from click.testing import CliRunner

    from netir.cli import main
    from netir.emitters.compare import compare
    from netir.ir import limits

    g = Graph("wide")
    g.dense(g.input((8,)), 1000, name="fc")  # 8 × 1000 + 1000 = 9,000 parameters
    parameter_bytes = 4 * 9000  # float32
    # the measured peak: 8.6 copies of the parameters; with less, it cannot be done
    peak = int(8.6 * parameter_bytes)
    with pytest.raises(ResourceError, match=r"(\d+) copies of its parameters") as err:
        compare(g, backends=["reference"], memory=peak)
    assert err.value.node == "wide" and "9,000 parameters" in str(err.value)
    copies = int(re.search(r"(\d+) copies", str(err.value)).group(1))
    assert 8.6 < copies <= 12  # what it says it holds: above the peak, little to spare
    assert err.value.need > err.value.available == peak
    # twelve copies and room for the values (2 × 1,008 elements, float64 too) suffice
    assert compare(g, backends=["reference"], memory=12 * parameter_bytes + 10**5).passed

    monkeypatch.setattr(limits, "available_memory", lambda: 10**5)
    r = CliRunner().invoke(main, ["check", "lenet5", "--backends", "reference"])
    assert r.exit_code == 1 and "Traceback" not in r.output
    assert "not checked: lenet5:" in r.output and "0 passed, 0 failed, 1 not checked" in r.output


def test_a_network_too_large_for_the_machine_is_checked_narrower_where_it_can_be(monkeypatch):
    """A catalog network with a width knob (RegNet, ViT, EfficientNet, MobileNet) that
    cannot be compared on this machine is checked at the first of 1/2, 1/4, 1/8 of its
    width that fits, and the table says so; one without a knob stays "not checked"."""
    from click.testing import CliRunner

    from netir.architectures import build
    from netir.catalog_checks import check
    from netir.cli import main
    from netir.emitters.compare_memory import compare_bytes
    from netir.ir import limits

    def need(width):  # what comparing it in one backend needs at that width
        g = build("regnet_x_400mf", input_size=64, width_mult=width)
        values = 2 * sum(int(np.prod(n.shape)) for n in g.nodes)
        return g.count_params(), compare_bytes(sum(g.count_params()), values, 1)

    (full, full_need), (half, half_need), (_, quarter_need) = map(need, (1.0, 0.5, 0.25))
    assert quarter_need < half_need < full_need
    (report,) = check(["regnet_x_400mf"], backends=["reference"], memory=half_need - 1)
    assert report.reduced == 0.25 and report.passed
    (report,) = check(["regnet_x_400mf"], backends=["reference"], memory=half_need)
    assert report.reduced == 0.5 and report.ir_params == half != full
    with pytest.raises(ResourceError):
        check(["regnet_x_400mf"], backends=["reference"], memory=half_need, reduce=False)

    monkeypatch.setattr(limits, "available_memory", lambda: half_need)
    r = CliRunner().invoke(main, ["check", "regnet_x_400mf", "lenet5", "--backends",
                                  "reference", "--jobs", "1"])
    assert r.exit_code == 0, r.output
    assert "regnet_x_400mf (1/2 width)" in r.output and "lenet5 " in r.output
    assert "2 passed, 0 failed (" in r.output
    monkeypatch.setattr(limits, "available_memory", lambda: 10**5)
    r = CliRunner().invoke(main, ["check", "regnet_x_400mf", "--backends", "reference"])
    assert r.exit_code == 1 and "not checked: regnet_x_400mf:" in r.output
