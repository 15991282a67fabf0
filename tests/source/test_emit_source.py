"""``netir emit NAME --backend torch|keras --source -o DIR``: ``model.py`` and the weights
in the framework's own format, loaded where netir cannot be imported, compute what
``to_torch`` (bit for bit) and ``to_keras`` (1e-6) compute with the same weights; the
README's snippet is the code that loads them."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

import netir
from netir.cli import main
from netir.emitters.registry import list_backends
from netir.emitters.weights import load_weights
from netir.source.files import WEIGHTS_FORMATS, source_backends

torch = pytest.importorskip("torch")

ROOT = Path(__file__).resolve().parents[2]
KERAS_RUNNER = Path(__file__).parent / "keras_runner.py"
#: The first lines of a script run without netir: as tests/source/runner.py does it.
BLOCK_NETIR = '''import sys
from pathlib import Path
sys.path = [p for p in sys.path if not (Path(p) / "netir").is_dir()]
sys.modules["netir"] = None
try:
    import netir  # noqa: F401
except ImportError:
    print("netir blocked", flush=True)
else:
    raise SystemExit("netir is importable")
'''


def emit(*args: str):
    r = CliRunner().invoke(main, ["emit", *args], catch_exceptions=False)
    return r


def readme_snippet() -> tuple[list[str], str]:
    """The README's source-out paragraph: its ``netir emit`` command (as argv) and the
    Python snippet after it."""
    text = (ROOT / "README.md").read_text()
    paragraph = text[text.index("**Source out**"):]
    code = paragraph.split("```python\n", 1)[1].split("```", 1)[0]
    command = re.search(r"netir emit [^\n`#(]*", paragraph).group(0).strip()
    return shlex.split(command)[1:], code


def run_without_netir(script: str, cwd: Path) -> str:
    done = subprocess.run([sys.executable, "-c", BLOCK_NETIR + script], cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("netir blocked")
    return done.stdout


def test_the_readme_snippet_loads_the_torch_folder_without_netir(tmp_path, monkeypatch):
    argv, snippet = readme_snippet()
    assert len(snippet.splitlines()) == 5
    assert argv[:2] == ["emit", "resnet18"] and "--source" in argv
    monkeypatch.chdir(tmp_path)
    r = CliRunner().invoke(main, argv, catch_exceptions=False)
    assert r.exit_code == 0, r.output
    out = Path(argv[argv.index("-o") + 1])
    assert sorted(p.name for p in out.iterdir()) == ["model.py", "weights.pt"]
    x = np.random.default_rng(0).standard_normal((2, 3, 224, 224)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    run_without_netir(snippet + "import numpy as np\nwith torch.no_grad():\n"
                      "    y = model(torch.from_numpy(np.load('x.npy')))\n"
                      "np.save('y.npy', y.numpy())\n", tmp_path)
    state = torch.load(out / "weights.pt")  # torch's defaults: weights_only
    reference = netir.to_torch(netir.build("resnet18"))
    reference.load_state_dict(state, strict=True)
    with torch.no_grad():
        want = reference(torch.from_numpy(x)).numpy()
    assert np.array_equal(np.load(tmp_path / "y.npy"), want)  # bit for bit


def test_a_saved_folder_gives_its_own_weights_to_both_sources(tmp_path):
    """The canonical folder's weights, written as PyTorch's state_dict and as the Keras
    model's .weights.h5; the Keras file runs without netir and agrees with to_keras."""
    from netir.emitters.keras3.emit import to_keras

    saved = tmp_path / "saved"
    assert emit("resnet18", "--input", "3x32x32", "--backend", "torch", "-o",
                str(saved)).exit_code == 0
    graph, weights = netir.Graph.load(saved / "graph.json"), load_weights(
        saved / "weights.safetensors")
    assert emit(str(saved), "--backend", "torch", "--source", "-o",
                str(tmp_path / "t")).exit_code == 0
    state = torch.load(tmp_path / "t" / "weights.pt")
    want = netir.to_torch(graph, weights=weights).state_dict()
    assert list(state) == list(want)
    assert all(torch.equal(state[k], v) for k, v in want.items())

    r = emit(str(saved), "--backend", "keras", "--source", "-o", str(tmp_path / "k"))
    assert r.exit_code == 0, r.output
    assert sorted(p.name for p in (tmp_path / "k").iterdir()) == ["model.py",
                                                                  "model.weights.h5"]
    cases = tmp_path / "cases"
    cases.mkdir()
    shutil.copy(tmp_path / "k" / "model.py", cases / "net.py")
    shutil.copy(tmp_path / "k" / "model.weights.h5", cases / "net.weights.h5")
    x = np.random.default_rng(1).standard_normal((2, 32, 32, 3)).astype(np.float32)
    np.savez(cases / "net.npz", **{"input.0": x})
    done = subprocess.run([sys.executable, str(KERAS_RUNNER), str(cases)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    assert done.stdout.startswith("netir blocked")
    got = np.load(cases / "net.out.npz")["output.0"]
    expected = np.asarray(to_keras(graph, weights=weights)(x, training=False))
    scale = float(np.abs(expected).max())
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-6 * scale)


def test_a_model_spec_keeps_the_modules_weights(tmp_path, monkeypatch):
    """A PyTorch module named by a spec: its own weights, and its own outputs from the
    source model run without netir."""
    from tests.importers.plain_modules import small_cnn

    monkeypatch.chdir(ROOT)  # the spec's module is found from the current folder
    torch.manual_seed(7)
    r = emit("tests.importers.plain_modules:small_cnn", "--input", "3x16x16",
             "--backend", "torch", "--source", "-o", str(tmp_path / "spec"))
    assert r.exit_code == 0, r.output
    torch.manual_seed(7)
    original = small_cnn().eval()
    state = torch.load(tmp_path / "spec" / "weights.pt")
    assert list(state) == list(original.state_dict())
    assert all(torch.equal(state[k], v) for k, v in original.state_dict().items())
    x = np.random.default_rng(2).standard_normal((2, 3, 16, 16)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    run_without_netir(
        "import ast, numpy as np, torch\nsys.path.insert(0, 'spec')\nimport model as m\n"
        "text = Path('spec/model.py').read_text()\n"
        "name = [n.name for n in ast.parse(text).body if isinstance(n, ast.ClassDef)][-1]\n"
        "net = getattr(m, name)().eval()\n"
        "net.load_state_dict(torch.load('spec/weights.pt'), strict=True)\n"
        "with torch.no_grad():\n    y = net(torch.from_numpy(np.load('x.npy')))\n"
        "np.save('y.npy', y.numpy())\n", tmp_path)
    with torch.no_grad():
        want = original(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(np.load(tmp_path / "y.npy"), want, rtol=1e-5,
                               atol=1e-5 * float(np.abs(want).max()))


@pytest.mark.parametrize("backend", source_backends())
def test_a_json_file_gives_the_same_bytes_every_run_and_replaces_a_saved_set(backend,
                                                                             tmp_path):
    path = tmp_path / "lenet.json"
    netir.build("lenet5").save(path)
    out = tmp_path / "out"
    assert emit("lenet5", "--backend", backend, "-o", str(out)).exit_code == 0
    names = sorted(["model.py", WEIGHTS_FORMATS[backend].file])
    first = {}
    for k in range(2):  # the second run replaces the first run's files
        r = emit(str(path), "--backend", backend, "--source", "-o", str(out))
        assert r.exit_code == 0, r.output
        files = {p.name: p.read_bytes() for p in out.iterdir()}
        assert sorted(files) == names  # the saved set is gone
        first = first or files
        assert files == first, k
    (out / "notes.txt").write_text("mine")
    r = emit(str(path), "--backend", backend, "--source", "-o", str(out))
    assert r.exit_code == 1 and "did not write (notes.txt)" in r.output
    assert (out / "notes.txt").read_text() == "mine"
    assert {p.name: p.read_bytes() for p in out.iterdir() if p.name != "notes.txt"} == first


@pytest.mark.parametrize("backend", list_backends())
def test_source_applies_to_a_backend_with_a_source_file_only(backend, tmp_path):
    from netir.source import list_sources

    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["emit", "lenet5", "--backend", backend, "--source", "-o",
                                  str(out)])
    if backend in list_sources():
        assert r.exit_code == 0, r.output
        assert (out / "model.py").read_text() == netir.to_source(netir.build("lenet5"),
                                                                 backend)
        return
    assert r.exit_code == 2
    errors = [line for line in r.output.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "--source" in errors[0] and backend in errors[0]
    assert not out.exists()
