"""Source code out over the whole catalog: the length of every network's PyTorch and
Keras file (``netir.to_source``) beside torch.fx's code for the same network, and each
file run where netir cannot be imported against ``to_torch`` / ``to_keras``.

    python scripts/source_catalog.py run [--stop-at 14:00] [--timeout 900] [--only NAME ...]
    python scripts/source_catalog.py run --lines-only   # the rest: their lines, not run
    python scripts/source_catalog.py run --lines-only --only NAME ...  # recount these
    python scripts/source_catalog.py doc        # docs/source.md from the JSON

Per network, in a subprocess of its own (a crash or a timeout costs one row; each row is
written to ``benchmarks/results-source.json`` as it finishes): the graph is built with
``num_classes=10`` at the smallest square input of 32 or more that it takes; both source
files are written and their lines counted (all lines, and code lines: neither blank, nor
a comment, nor a docstring), as are those of ``to_torch(g).code``; then each file runs in
a further process where netir is blocked (``tests/source/runner.py``,
``tests/source/keras_runner.py``) on the same random weights as netir's model, on one
batch: the largest difference over the largest magnitude of netir's outputs, and for
PyTorch whether they are equal bit for bit. A network of more than
:data:`PARAM_LIMIT` parameters runs at the first reduced width (its builder's
``width_mult``) within it; its line counts are those of the catalog width.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = "results-source.json"  # under benchmarks/
RUNNERS = {"torch": ROOT / "tests" / "source" / "runner.py",
           "keras": ROOT / "tests" / "source" / "keras_runner.py"}
MIN_SIZE = 32  # the smallest square input of at least this that a network takes is used
PARAM_LIMIT = 100_000_000  # above: the agreement runs at a reduced width
BATCH, SEED, NUM_CLASSES = 2, 0, 10
TOLERANCE = {"torch": 0.0, "keras": 1e-6}  # torch: bit for bit
ROW_MARK = "@@ROW "


# -- counting -------------------------------------------------------------------------------
def count_lines(text: str) -> dict[str, int]:
    """``{"total": every line, "code": lines with code}``: a code line holds a token that
    is not a comment and not part of a docstring (a string standing alone as a
    statement)."""
    import ast
    import io
    import tokenize

    docstrings: set[int] = set()
    for node in ast.walk(ast.parse(text)):
        if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) \
                and isinstance(node.value.value, str):
            docstrings.update(range(node.lineno, node.end_lineno + 1))
    layout = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
              tokenize.DEDENT, tokenize.ENDMARKER}
    code: set[int] = set()
    for token in tokenize.generate_tokens(io.StringIO(text).readline):
        if token.type not in layout:
            code.update(range(token.start[0], token.end[0] + 1))
    return {"total": len(text.splitlines()), "code": len(code - docstrings)}


# -- one network, in its own process --------------------------------------------------------
def smallest_size(name: str) -> int:
    """The smallest square input of at least MIN_SIZE that the network takes (ViTs take
    whole patches only; AlexNet-2012 needs more)."""
    from netir.architectures import build, get_architecture
    from netir.ir.errors import NetIRError

    default = get_architecture(name).defaults.get("input_size")
    if default is not None and default < MIN_SIZE:
        return default
    for size in range(MIN_SIZE, 512):
        try:
            build(name, num_classes=NUM_CLASSES, input_size=size)
            return size
        except NetIRError:
            continue
    raise SystemExit(f"{name}: no input size from {MIN_SIZE} to 511")


def checked_width(name: str, size: int) -> float | None:
    """None (the catalog's width) or the first reduced ``width_mult`` within PARAM_LIMIT."""
    from netir.architectures import build
    from netir.catalog_checks import REDUCED_WIDTHS, _default_width

    graph = build(name, num_classes=NUM_CLASSES, input_size=size)
    default = _default_width(name)
    if sum(graph.count_params()) <= PARAM_LIMIT or default is None:
        return None
    for factor in REDUCED_WIDTHS:
        width = default * factor
        reduced = build(name, num_classes=NUM_CLASSES, input_size=size, width_mult=width)
        if sum(reduced.count_params()) <= PARAM_LIMIT:
            return width
    return default * REDUCED_WIDTHS[-1]


def model_class(source: str) -> str:
    """The model: the last class the file defines."""
    import ast

    return [n.name for n in ast.parse(source).body if isinstance(n, ast.ClassDef)][-1]


def _isolated(kind: str, directory: Path, timeout: float) -> list:
    """Run ``kind``'s runner on ``directory`` with netir blocked; its outputs."""
    import numpy as np

    done = subprocess.run([sys.executable, str(RUNNERS[kind]), str(directory)],
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0 or not done.stdout.startswith("netir blocked"):
        tail = (done.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise RuntimeError(f"the netir-free run ended with {done.returncode}: {tail}")
    data = np.load(directory / "model.out.npz")
    return [data[f"output.{k}"] for k in range(len(data.files))]


def _agreement(got: list, want: list) -> dict:
    import numpy as np

    if len(got) != len(want) or any(a.shape != b.shape for a, b in zip(got, want)):
        return {"bitwise": False, "max_rel": None, "error": "outputs differ in shape"}
    scale = max(float(np.abs(w).max()) for w in want) or 1.0
    diff = max(float(np.abs(a.astype(np.float64) - b).max()) for a, b in zip(got, want))
    bitwise = all(a.tobytes() == b.tobytes() for a, b in zip(got, want))
    if not np.isfinite(diff / scale):
        return {"bitwise": bitwise, "max_rel": None, "error": "a non-finite output"}
    return {"bitwise": bitwise, "max_rel": diff / scale}


def check_torch(graph, source: str, weights, inputs, directory: Path, timeout: float) -> dict:
    import numpy as np
    import torch

    import netir

    reference = netir.to_torch(graph, weights=weights)
    with torch.no_grad():
        out = reference(*(torch.from_numpy(x) for x in inputs))
    want = [o.numpy() for o in (out if isinstance(out, tuple) else (out,))]
    state = {f"state.{k}": v.numpy() for k, v in reference.state_dict().items()}
    del reference
    directory.mkdir()
    (directory / "model.py").write_text(source)
    (directory / "model.txt").write_text(model_class(source))
    np.savez(directory / "model.npz", **state,
             **{f"input.{k}": x for k, x in enumerate(inputs)})
    del state
    return _agreement(_isolated("torch", directory, timeout), want)


def check_keras(graph, source: str, weights, inputs, directory: Path, timeout: float) -> dict:
    import numpy as np

    from netir.emitters.keras3.emit import to_keras
    from netir.emitters.keras3.layouts import to_keras as keras_order
    from netir.source.keras.weights import save_weights

    inputs = [keras_order(x, node.layout) for x, node in zip(inputs, graph.inputs)]
    reference = to_keras(graph, weights=weights)
    out = reference(inputs[0] if len(inputs) == 1 else inputs, training=False)
    want = [np.asarray(o) for o in (out if isinstance(out, (list, tuple)) else [out])]
    del reference
    directory.mkdir()
    (directory / "model.py").write_text(source)
    save_weights(graph, weights, directory / "model.weights.h5", source)
    np.savez(directory / "model.npz", **{f"input.{k}": x for k, x in enumerate(inputs)})
    return _agreement(_isolated("keras", directory, timeout), want)


def measure(name: str, timeout: float, agreement: bool = True) -> dict:
    """The row of catalog network ``name``; without ``agreement`` its line counts only
    (the files are not run)."""
    import gc

    import numpy as np

    import netir
    from netir.architectures import build
    from netir.emitters.pytorch.emit import no_initial_weights

    started = time.perf_counter()
    size = smallest_size(name)
    graph = build(name, num_classes=NUM_CLASSES, input_size=size)
    sources = {kind: netir.to_source(graph, kind) for kind in ("torch", "keras")}
    with no_initial_weights():
        fx_code = netir.to_torch(graph).code
    row = {"name": name, "input": list(graph.inputs[0].shape),
           "params": sum(graph.count_params()),
           "lines": {kind: count_lines(text) for kind, text in sources.items()},
           "fx_lines": count_lines(fx_code), "agreement": {}}
    if not agreement:
        row["not_run"] = "lines only: the sweep ran out of time before this network"
        row["seconds"] = round(time.perf_counter() - started, 1)
        return row
    width = checked_width(name, size)
    if width is not None:
        row["width_mult"] = width
        graph = build(name, num_classes=NUM_CLASSES, input_size=size, width_mult=width)
        sources = {kind: netir.to_source(graph, kind) for kind in ("torch", "keras")}
    weights = netir.random_weights(graph, seed=SEED)
    rng = np.random.default_rng(SEED)
    inputs = [rng.standard_normal((BATCH, *n.shape)).astype(np.float32) for n in graph.inputs]
    checks = {"torch": check_torch, "keras": check_keras}
    with tempfile.TemporaryDirectory(prefix="source-catalog-") as tmp:
        for kind, check in checks.items():
            try:
                entry = check(graph, sources[kind], weights, inputs, Path(tmp) / kind, timeout)
            except Exception as e:  # noqa: BLE001 - one backend's failure is its cell
                entry = {"bitwise": False, "max_rel": None,
                         "error": f"{type(e).__name__}: {str(e).strip()[:200]}"}
            entry["passed"] = entry.get("max_rel") is not None and \
                entry["max_rel"] <= TOLERANCE[kind] and (kind != "torch" or entry["bitwise"])
            row["agreement"][kind] = entry
            gc.collect()
    row["seconds"] = round(time.perf_counter() - started, 1)
    return row


# -- the sweep ------------------------------------------------------------------------------
def _meta() -> dict:
    import platform
    from importlib.metadata import version

    versions = {"python": platform.python_version()}
    for package in ("numpy", "torch", "keras", "tensorflow-cpu"):
        try:
            versions[package.removesuffix("-cpu")] = version(package)
        except Exception:  # noqa: BLE001 - a package not installed is left out
            continue
    with open("/proc/cpuinfo", encoding="ascii") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f
                    if line.startswith("model name")), platform.processor())
    return {"versions": versions, "cpu": cpu, "cpus": os.cpu_count(),
            "date": time.strftime("%Y-%m-%d", time.gmtime()), "batch": BATCH, "seed": SEED,
            "num_classes": NUM_CLASSES, "min_size": MIN_SIZE, "param_limit": PARAM_LIMIT,
            "tolerance": TOLERANCE}


def _save(path: Path, data: dict) -> None:
    from netir.ir.files import write_atomic

    write_atomic(path, json.dumps(data, indent=1, sort_keys=True, allow_nan=False) + "\n")


def run(stop_at: str | None, timeout: float, only: list[str], lines_only: bool = False) -> None:
    from netir.architectures.registry import get_architecture, list_architectures

    path = ROOT / "benchmarks" / RESULTS
    data = json.loads(path.read_text()) if path.exists() else {"rows": {}}
    data["meta"] = _meta()
    names = only or sorted(list_architectures(), key=lambda n: get_architecture(n).params)
    for name in names:
        if not only and name in data["rows"] and not data["rows"][name].get("not_run"):
            continue
        if lines_only and not only and name in data["rows"]:
            continue
        if stop_at and time.strftime("%H:%M", time.gmtime()) >= stop_at:
            print(f"stopping at {stop_at} UTC before {name}", flush=True)
            break
        started = time.perf_counter()
        if lines_only:  # counting needs no isolation: one process for them all
            row = measure(name, timeout, agreement=False)
            row["wall_s"] = round(time.perf_counter() - started, 1)
            data["rows"][name] = row
            _save(path, data)
            print(f"{name}: torch {row['lines']['torch']['total']} lines, counted", flush=True)
            continue
        try:
            proc = subprocess.run([sys.executable, __file__, "one", name, str(timeout),
                                   *(["--lines-only"] if lines_only else [])],
                                  capture_output=True, text=True, timeout=timeout * 3,
                                  env={**os.environ, "PYTHONPATH": str(ROOT)})
            marked = [line for line in proc.stdout.splitlines() if line.startswith(ROW_MARK)]
            if marked:
                row = json.loads(marked[-1][len(ROW_MARK):])
            else:
                tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
                row = {"name": name, "error": f"ended with {proc.returncode}: {tail}"[:300]}
        except subprocess.TimeoutExpired:
            row = {"name": name, "error": f"timed out after {timeout * 3:.0f} s"}
        row["wall_s"] = round(time.perf_counter() - started, 1)
        data["rows"][name] = row
        _save(path, data)
        lines = row.get("lines", {}).get("torch", {}).get("total", "?")
        agreed = {k: v.get("passed") for k, v in row.get("agreement", {}).items()}
        print(f"{name}: torch {lines} lines, {agreed or row.get('error')} "
              f"({row['wall_s']} s)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("one", help="measure one network and print its row (internal)")
    one.add_argument("name")
    one.add_argument("timeout", type=float)
    one.add_argument("--lines-only", action="store_true")
    sweep = sub.add_parser("run", help="every catalog network not yet in the JSON")
    sweep.add_argument("--stop-at", help="UTC HH:MM after which no network is started")
    sweep.add_argument("--timeout", type=float, default=900,
                       help="seconds per netir-free run (a network: three times this)")
    sweep.add_argument("--only", nargs="*", default=[], help="these networks, again")
    sweep.add_argument("--lines-only", action="store_true",
                       help="only count the lines of the networks not yet in the JSON "
                            "(with --only: of those, again)")
    sub.add_parser("doc", help="write docs/source.md from the JSON")
    args = parser.parse_args(argv)
    if args.command == "one":
        row = measure(args.name, args.timeout, agreement=not args.lines_only)
        print(ROW_MARK + json.dumps(row), flush=True)
    elif args.command == "run":
        run(args.stop_at, args.timeout, args.only, args.lines_only)
    else:
        sys.path.insert(0, str(ROOT / "scripts"))
        from source_doc import write_doc

        print(write_doc(ROOT))


if __name__ == "__main__":
    main()
