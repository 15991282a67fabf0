"""Saved and compiled models load and run where users load and run them:
``torch.load(weights_only=True)``, ``keras.models.load_model`` in a fresh process after
one import, ``torch.jit.script``, ``torch.export`` and ``torch.compile``."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
import torch

import netir
from netir.emitters.keras3 import import_weights as keras_import
from netir.emitters.keras3 import to_keras
from netir.emitters.pytorch import import_weights as torch_import
from netir.emitters.pytorch import to_torch
from netir.emitters.weights import random_weights


def _every_module():
    """Every custom torch module and Keras layer, a three-way add and concat, batch norm."""
    g = netir.Graph("every_module")
    x = g.input((4, 9, 8))
    x = g.conv2d(x, 4, 3, groups=2, padding=((0, 1), (1, 0)), name="grouped")
    x = g.batch_norm(g.conv2d(x, 4, 3, dilation=2, stride=2, name="dilated"), name="bn")
    a = g.conv2d(x, 4, 1, name="a")
    x = g.add(x, a, g.relu(x, name="r"), name="sum")
    x = g.concat(x, a, x, name="cat")
    x = g.local_response_norm(x, 3, name="lrn")
    x = g.max_pool2d(x, 3, 2, padding=((1, 0), (0, 1)), name="maxpool")
    x = g.avg_pool2d(x, 2, 1, padding=1, count_include_pad=False, name="avgpool")
    x = g.adaptive_avg_pool2d(x, 3, name="adaptive")                  # (12, 3, 3)
    x = g.conv_transpose2d(x, 12, 3, stride=2, padding=1, output_padding=1, groups=2,
                           name="deconv")                              # (12, 6, 6)
    x = g.upsample(x, size=(3, 3), mode="bilinear", name="resize")     # (12, 3, 3)
    gate = g.hardsigmoid(g.mean(x, (1, 2), keepdims=True, name="squeeze"), name="gate")
    x = g.add(g.mul(x, gate, name="excite"), gate, name="lift")        # broadcast add
    x = g.sub(x, g.max(x, 0, keepdims=True, name="peak"), name="centre")
    x = g.clip(g.div(x, scalar=2.0, name="halved"), -3.0, None, name="clip")
    x = g.minimum(g.maximum(x, scalar=-1.0, name="floor"),
                  g.sum(x, 0, keepdims=True, name="total"), name="cap")
    x = g.leaky_relu(g.gelu(g.prelu(x, 12, name="prelu"), name="gelu"), 0.2, name="leaky")
    x = g.group_norm(g.slice(x, 0, 0, 8, name="first8"), 4, name="gn")
    x = g.stochastic_depth(x, 0.2, name="sd")
    x = g.dense(g.flatten(x, name="flat"), 5, name="fc")
    g.dropout(g.batch_norm(x, name="bn1d"), 0.5, name="drop")
    return g


def test_emitted_torch_module_is_in_eval_mode():
    m = to_torch(_every_module())
    assert not m.training
    assert not any(child.training for child in m.modules())
    x = torch.randn(2, 4, 9, 8)
    torch.testing.assert_close(m(x), m(x), rtol=0, atol=0)  # no dropout, no stat update


def test_state_dict_loads_with_weights_only(tmp_path):
    g = _every_module()
    m = to_torch(g)
    torch_import(m, random_weights(g))
    torch.save(m.state_dict(), tmp_path / "w.pt")
    state = torch.load(tmp_path / "w.pt", weights_only=True)
    fresh = to_torch(g)
    fresh.load_state_dict(state, strict=True)
    x = torch.randn(2, 4, 9, 8)
    with torch.no_grad():
        torch.testing.assert_close(fresh(x), m(x), rtol=0, atol=0)


def test_scripted_module_matches_eager_in_both_modes():
    g = _every_module()
    m = to_torch(g)
    torch_import(m, random_weights(g))
    m.drop.p = m.sd.p = 0.0  # constants once scripted; masks differ between the two anyway
    scripted = torch.jit.script(m)
    x = torch.randn(3, 4, 9, 8)
    with torch.no_grad():
        torch.testing.assert_close(scripted(x), m(x), rtol=0, atol=0)
    scripted.train()
    m.train()
    torch.testing.assert_close(scripted(x), m(x), rtol=1e-6, atol=1e-6)
    torch.testing.assert_close(scripted.bn.running_var, m.bn.running_var, rtol=1e-6, atol=0)


def test_keras_file_loads_in_a_fresh_process_after_one_import(tmp_path):
    """README: ``import netir.emitters.keras3`` registers netir's layers; then
    ``keras.models.load_model(path)`` loads with ``safe_mode=True`` (the default)."""
    g = _every_module()
    model = to_keras(g)
    keras_import(model, random_weights(g))
    x = np.random.default_rng(0).standard_normal((2, 9, 8, 4)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", model(x, training=False))
    model.save(tmp_path / "m.keras")
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import keras
        import netir.emitters.keras3  # the one documented import
        d = sys.argv[1]
        model = keras.models.load_model(d + "/m.keras", safe_mode=True)
        y = model(np.load(d + "/x.npy"), training=False)
        np.testing.assert_array_equal(keras.ops.convert_to_numpy(y), np.load(d + "/y.npy"))
        print(sorted({type(layer).__module__ for layer in model.layers
                      if type(layer).__module__.startswith("netir")}))
    """)
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], env=env,
                         capture_output=True, text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert "netir.emitters.keras3.batchnorm" in out.stdout
    assert "netir.emitters.keras3.layers" in out.stdout


@pytest.mark.parametrize("keras_backend", ["tensorflow", "torch"])
def test_weights_dispatch_to_the_keras_side_on_every_keras_backend(keras_backend):
    """On Keras' torch backend a Keras model is also a torch.nn.Module: export, import
    and transfer must still treat it as a Keras model (channels last, HWIO kernels)."""
    code = textwrap.dedent("""
        import numpy as np, torch, keras, netir
        from tests.emitters.test_saved_models import _every_module
        from netir.emitters.weights import random_weights
        assert keras.backend.backend() == BACKEND
        g = _every_module()
        tm, km = netir.to_torch(g), netir.to_keras(g)
        w = random_weights(g, seed=3)
        netir.import_weights(km, w)
        back = netir.export_weights(km)
        assert sorted(back) == sorted(w)
        for n in w:
            for p in w[n]:
                np.testing.assert_array_equal(back[n][p], w[n][p])
        netir.transfer_weights(km, tm)
        x = np.random.default_rng(0).standard_normal((2, 4, 9, 8)).astype("float32")
        with torch.no_grad():
            t = tm(torch.from_numpy(x)).numpy()
        k = keras.ops.convert_to_numpy(km(np.transpose(x, (0, 2, 3, 1)), training=False))
        err = np.abs(t - k).max() / max(1.0, np.abs(t).max())
        assert err < 1e-5, err
        print("OK", isinstance(km, torch.nn.Module))
    """).replace("BACKEND", repr(keras_backend))
    env = {**os.environ, "KERAS_BACKEND": keras_backend, "TF_CPP_MIN_LOG_LEVEL": "3"}
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")])
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                         text=True, cwd=root)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split()[-2:] == ["OK", str(keras_backend == "torch")]


REPRESENTATIVE = ("lenet5", "alexnet_2012", "vgg11_bn", "resnet50", "densenet121")
EVERY = os.environ.get("NETIR_HYPOTHESIS_PROFILE") == "deep"
COMPILED = ("lenet5", "resnet18")


def _catalog_model(name):
    from netir.catalog_checks import check_input

    graph = netir.build(name, input_size=check_input(name, 8))
    return to_torch(graph), torch.randn(2, *graph.inputs[0].shape)


@pytest.mark.slow
@pytest.mark.parametrize("name", netir.list_architectures() if EVERY else REPRESENTATIVE)
def test_catalog_network_scripts_and_exports(name):
    """One network per family in the suite (every network under the deep profile)."""
    model, x = _catalog_model(name)
    with torch.no_grad():
        expected = model(x)
        torch.testing.assert_close(torch.jit.script(model)(x), expected, rtol=0, atol=0)
        exported = torch.export.export(model, (x,)).module()
        torch.testing.assert_close(exported(x), expected, rtol=1e-6, atol=1e-6)


@pytest.mark.slow
@pytest.mark.parametrize("name", COMPILED)
def test_catalog_network_compiles(name):
    model, x = _catalog_model(name)
    compiled = torch.compile(model, backend="aot_eager")
    with torch.no_grad():
        torch.testing.assert_close(compiled(x), model(x), rtol=1e-5, atol=1e-5)


def test_saved_torch_model_loads_with_torch_load_defaults_without_netir(tmp_path):
    """``model.pt`` needs no unsafe unpickling and no netir class: plain ``torch.load``
    reads it in a process that has not imported netir; the backend's ``load`` then gives
    the emitted model back, outputs bit for bit."""
    from netir.emitters.registry import get_backend

    g = _every_module()
    model = to_torch(g)
    torch_import(model, random_weights(g, seed=5))
    path = get_backend("torch").save(model, tmp_path)
    assert path == tmp_path / "model.pt"
    x = torch.randn(2, 4, 9, 8)
    with torch.no_grad():
        np.save(tmp_path / "y.npy", model(x).numpy())
    torch.save(x, tmp_path / "x.pt")
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import torch
        d = sys.argv[1]
        content = torch.load(d + "/model.pt")  # the defaults: weights_only=True
        assert not any(m.split(".")[0] == "netir" for m in sys.modules), "netir imported"
        assert content["format"] == "netir.torch" and content["outputs"] == ["drop"]
        assert all(isinstance(v, torch.Tensor) for v in content["state_dict"].values())
        from netir.emitters.registry import get_backend
        back = get_backend("torch").load(d)
        with torch.no_grad():
            y = back(torch.load(d + "/x.pt")).numpy()
        np.testing.assert_array_equal(y, np.load(d + "/y.npy"))
        print("OK", len(content["state_dict"]))
    """)
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True,
                         text=True)
    assert out.returncode == 0, out.stderr[-3000:]
    assert out.stdout.split() == ["OK", str(len(model.state_dict()))]


@pytest.mark.parametrize("optimize", [False, True])
def test_torch_backend_load_gives_back_an_equal_model(tmp_path, optimize):
    from netir.emitters.registry import get_backend

    backend = get_backend("torch")
    g = _every_module()
    model = to_torch(g, outputs=["bn", "drop"], optimize=optimize,
                     weights=random_weights(g, seed=6))
    model.train()
    backend.save(model, tmp_path)
    back = backend.load(tmp_path)
    assert back.training and back.netir_graph == model.netir_graph
    assert back.netir_outputs == ("bn", "drop")
    state, again = model.state_dict(), back.state_dict()
    assert list(again) == list(state)
    for key, value in state.items():
        assert torch.equal(again[key], value) and again[key].stride() == value.stride(), key
    x = torch.randn(2, 4, 9, 8)
    model.eval()
    back.eval()
    with torch.no_grad():
        for a, b in zip(back(x), model(x)):
            torch.testing.assert_close(a, b, rtol=0, atol=0)


def test_torch_backend_refuses_files_it_did_not_write(tmp_path):
    from netir.emitters.registry import get_backend
    from netir.ir.errors import FileError, GraphError, SerializationError

    backend = get_backend("torch")
    with pytest.raises(FileError, match="model.pt"):
        backend.load(tmp_path)
    torch.save({"weight": torch.zeros(2)}, tmp_path / "model.pt")
    with pytest.raises(SerializationError, match="netir.torch"):
        backend.load(tmp_path)
    torch.save(torch.nn.Linear(2, 2), tmp_path / "model.pt")  # a pickled module
    with pytest.raises(SerializationError, match="weights_only"):
        backend.load(tmp_path)
    with pytest.raises(GraphError, match="emitted by netir"):
        backend.save(torch.nn.Linear(2, 2), tmp_path)
