"""Run generated model files in a process where netir cannot be imported.

Usage: ``python runner.py DIR``; DIR holds per case ``<case>.py`` (the source),
``<case>.npz`` (``state.<key>`` tensors, ``input.<k>`` arrays) and the model class name
in ``<case>.txt``; writes ``<case>.out.npz`` (outputs ``output.<k>``) and
``<case>.keys.txt`` (the state_dict keys in order). Prints ``netir blocked``.
"""

import importlib.util
import sys
from pathlib import Path

sys.path = [p for p in sys.path if not (Path(p) / "netir").is_dir()]
sys.modules["netir"] = None  # an import of netir now raises ImportError
try:
    import netir  # noqa: F401
except ImportError:
    print("netir blocked")
else:
    raise SystemExit("netir is importable")

import numpy as np  # noqa: E402
import torch  # noqa: E402

directory = Path(sys.argv[1])
for source in sorted(directory.glob("*.py")):
    case = source.stem
    spec = importlib.util.spec_from_file_location(f"generated_{case}", source)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    model = getattr(module, (directory / f"{case}.txt").read_text())()
    data = np.load(directory / f"{case}.npz")
    state = {k[6:]: torch.from_numpy(data[k]) for k in data.files if k.startswith("state.")}
    model.load_state_dict(state, strict=True)
    inputs = [torch.from_numpy(data[f"input.{k}"])
              for k in range(sum(f.startswith("input.") for f in data.files))]
    with torch.no_grad():
        out = model.eval()(*inputs)
    out = out if isinstance(out, tuple) else (out,)
    np.savez(directory / f"{case}.out.npz", **{f"output.{k}": o.numpy() for k, o in enumerate(out)})
    (directory / f"{case}.keys.txt").write_text("\n".join(model.state_dict()))
