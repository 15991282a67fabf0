"""from_keras over every keras.applications model: the importer's conformance sweep.

    PYTHONPATH=. python scripts/conformance_keras.py run [NAME ...]   # the sweep
    PYTHONPATH=. python scripts/conformance_keras.py doc              # the document only

Per model (``weights=None``, logits where the constructor allows, random batch-norm
statistics, a batch of 2 pixel images in [0, 255] at the smallest input of 64, 75, 96,
139, 224 that it takes): it imports (``netir.from_keras``); every registered backend,
loaded with the imported weights, runs the batch, and its logits are compared with the
Keras model's (``max |backend - keras| / max |keras|``; it agrees at 1e-4). Each model
runs in a subprocess of its own, rows written as they finish, to
``benchmarks/results-conformance-keras.json``; ``docs/conformance-keras.md`` is rendered
from that file alone (same JSON, same bytes).
"""
from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results-conformance-keras.json"
DOC = ROOT / "docs" / "conformance-keras.md"
SIZES = (64, 75, 96, 139, 224)
TOLERANCE = 1e-4


def _portable(text: str) -> str:
    import re

    return re.sub(r"[^\s\"']*[/\\]site-packages[/\\]", "", text)


def check_one(name: str) -> dict:
    """The row of one keras.applications model."""
    import keras
    import numpy as np

    from netir import from_keras
    from netir.emitters.compare import available_backends
    from netir.emitters.registry import get_backend

    build = getattr(keras.applications, name)
    row: dict = {"name": name}
    for size in SIZES:
        try:
            keras.utils.set_random_seed(0)
            try:
                model = build(weights=None, input_shape=(size, size, 3),
                              classifier_activation=None)
            except TypeError:
                model = build(weights=None, input_shape=(size, size, 3))
            break
        except ValueError:
            continue
    else:
        return {**row, "imported": False, "why_not": "no input size of " + str(SIZES)}
    row["input"] = size
    rng = np.random.default_rng(0)
    for layer in model._flatten_layers():
        if isinstance(layer, keras.layers.BatchNormalization):
            c = layer.moving_mean.shape
            layer.moving_mean.assign(rng.normal(0, 0.2, c).astype("float32"))
            layer.moving_variance.assign(rng.uniform(0.5, 1.5, c).astype("float32"))
    x = rng.uniform(0, 255, (2, size, size, 3)).astype("float32")
    want = keras.ops.convert_to_numpy(model(x, training=False))
    t0 = time.perf_counter()
    try:
        graph, weights = from_keras(model)
    except Exception as e:  # noqa: BLE001 - a row records whatever went wrong
        lines = str(e).strip().splitlines()
        return {**row, "imported": False,
                "why_not": _portable(f"{type(e).__name__}: {lines[0] if lines else ''}")[:300],
                "missing": sorted({_portable(str(p))[:200] for p in getattr(e, "problems", [])})}
    row.update(imported=True, import_s=round(time.perf_counter() - t0, 2), nodes=len(graph),
               params=int(model.count_params()), backends={})
    chw = np.ascontiguousarray(x.transpose(0, 3, 1, 2))
    for backend in available_backends():
        try:
            chosen = get_backend(backend)
            got = chosen.run(chosen.emit_loaded(graph, None, weights), [chw])[0]
            rel = float(np.abs(got - want).max() / np.abs(want).max())
            row["backends"][backend] = {"max_rel": rel, "passed": rel <= TOLERANCE}
        except Exception as e:  # noqa: BLE001
            row["backends"][backend] = {"error": _portable(f"{type(e).__name__}: {e}")[:300],
                                        "passed": False}
    if not all(e["passed"] for e in row["backends"].values()):
        # apart from the Keras model: is every node right on its own inputs (netir's
        # check, standard-normal inputs), so that what parts is float32 drift?
        import netir

        report = netir.compare(graph, weights=weights, batch=2)
        row["per_node"] = {"passed": bool(report.passed),
                           "worst_rel": {r.backend: r.worst_rel for r in report.results}}
    return row


def _cpu() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def run(names: list[str]) -> None:
    import keras

    names = names or sorted(n for n in dir(keras.applications) if n[0].isupper())
    data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"rows": []}
    rows = {r["name"]: r for r in data["rows"]}
    data["meta"] = {"date": time.strftime("%Y-%m-%d"), "cpu": _cpu(),
                    "cpus": len(os.sched_getaffinity(0)), "keras": keras.__version__,
                    "python": platform.python_version(), "batch": 2, "seed": 0}
    for name in names:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, __file__, "one", name], capture_output=True,
                              text=True, timeout=1800, cwd=ROOT,
                              env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"})
        try:
            row = json.loads(proc.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
            row = {"name": name, "imported": False,
                   "why_not": _portable(f"the process failed: {tail}")[:300]}
        row["wall_s"] = round(time.perf_counter() - t0, 1)
        rows[name] = row
        data["rows"] = [rows[k] for k in sorted(rows)]
        tmp = RESULTS.with_suffix(".tmp")
        tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
        tmp.replace(RESULTS)
        print(name, row.get("backends") or row.get("why_not"), flush=True)
    write_doc()


def render(data: dict) -> str:
    rows, meta = data["rows"], data.get("meta", {})
    backends = sorted({b for r in rows for b in r.get("backends", {})})
    imported = [r for r in rows if r.get("imported")]
    agree = [r for r in imported if all(e.get("passed") for e in r["backends"].values())]
    out = ["# keras.applications through `from_keras`", "",
           "Generated by `scripts/conformance_keras.py` from "
           "`benchmarks/results-conformance-keras.json`; do not edit by hand.", "",
           "Each model is built with `weights=None` (logits where the constructor allows), "
           "its batch norms given random statistics, and imported with `netir.from_keras`; "
           "every registered backend, loaded with the imported weights, runs a batch of 2 "
           "images of pixels in [0, 255] at the smallest input of "
           f"{', '.join(map(str, SIZES))} that the model takes. Cells: "
           "`max |backend - keras| / max |keras|` over the logits; it agrees at 1e-4 "
           "(float32). Where a backend does not, **per node** is netir's own check of the "
           "imported graph (`netir.compare` with the imported weights, standard-normal "
           "inputs): `pass` when every node of every backend agrees with the float64 "
           "reference on its own inputs (1e-4), so that what parts from the Keras model is "
           "float32 rounding amplified through the network, not a wrong node. These are "
           "the EfficientNetV2 models, whose random batch-norm statistics make them "
           "chaotic: their backends part from each other as much as from Keras.", "",
           f"Run on {meta.get('date', '?')}: {meta.get('cpu', '?')}, {meta.get('cpus', '?')} "
           f"CPUs (shared), Keras {meta.get('keras', '?')}, Python {meta.get('python', '?')}.",
           "", "```", "PYTHONPATH=. python scripts/conformance_keras.py run", "```", "",
           f"**{len(imported)} of {len(rows)} import; {len(agree)} agree on every backend.**",
           "", "| model | input | nodes | " + " | ".join(backends) + " | per node | why not |",
           "|---|---:|---:|" + "---:|" * len(backends) + "---|---|"]
    for r in rows:
        cells = []
        for b in backends:
            e = r.get("backends", {}).get(b)
            cells.append("-" if not e else "error" if "error" in e else f"{e['max_rel']:.1e}")
        why = (r.get("why_not") or "").replace("|", "\\|").replace("\n", " ")
        per_node = r.get("per_node")
        judged = "-" if per_node is None else \
            "pass" if max(per_node["worst_rel"].values()) <= TOLERANCE else "fail"
        out.append(f"| {r['name']} | {r.get('input', '-')} | {r.get('nodes', '-')} | "
                   + " | ".join(cells) + f" | {judged} | {why} |")
    return "\n".join(out) + "\n"


def write_doc() -> Path:
    tmp = DOC.with_suffix(".tmp")
    tmp.write_text(render(json.loads(RESULTS.read_text())))
    tmp.replace(DOC)
    return DOC


if __name__ == "__main__":
    if sys.argv[1:2] == ["one"]:
        print(json.dumps(check_one(sys.argv[2]), sort_keys=True))
    elif sys.argv[1:2] == ["run"]:
        run(sys.argv[2:])
    elif sys.argv[1:2] == ["doc"]:
        print(write_doc())
    else:
        sys.exit(__doc__)
