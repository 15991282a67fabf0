"""Run generated Keras files in a process where netir cannot be imported.

Usage: ``python keras_runner.py DIR``; DIR holds per case ``<case>.py`` (the source),
``<case>.weights.h5`` (its model's weights) and ``<case>.npz`` (``input.<k>`` arrays in
Keras' order); writes ``<case>.out.npz`` (``output.<k>``) and ``<case>.layers.txt`` (the
model's layer names). Prints ``netir blocked``.
"""

import ast
import importlib.util
import sys
from pathlib import Path

sys.path = [p for p in sys.path if not (Path(p) / "netir").is_dir()]
sys.modules["netir"] = None  # an import of netir now raises ImportError
try:
    import netir  # noqa: F401
except ImportError:
    print("netir blocked", flush=True)
else:
    raise SystemExit("netir is importable")

import keras  # noqa: E402
import numpy as np  # noqa: E402

directory = Path(sys.argv[1])
for source in sorted(directory.glob("*.py")):
    case = source.stem
    text = source.read_text()
    function = [n.name for n in ast.parse(text).body if isinstance(n, ast.FunctionDef)][-1]
    spec = importlib.util.spec_from_file_location(f"generated_{case}", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, function)()
    model.load_weights(directory / f"{case}.weights.h5")
    data = np.load(directory / f"{case}.npz")
    inputs = [data[f"input.{k}"] for k in range(len(data.files))]
    out = model(inputs[0] if len(inputs) == 1 else inputs, training=False)
    out = out if isinstance(out, (list, tuple)) else [out]
    np.savez(directory / f"{case}.out.npz",
             **{f"output.{k}": keras.ops.convert_to_numpy(o) for k, o in enumerate(out)})
    (directory / f"{case}.layers.txt").write_text("\n".join(la.name for la in model.layers))
