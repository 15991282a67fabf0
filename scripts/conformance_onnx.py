"""from_onnx over ONNX's own backend test data, and the catalog's ONNX round trip.

    PYTHONPATH=. python scripts/conformance_onnx.py [--timeout S] [SUITE ...]
    PYTHONPATH=. python scripts/conformance_onnx.py --round-trip [NAME ...]

The sweep reads each case of the onnx wheel's ``onnx/backend/test/data/<suite>``
(suites ``node``, ``simple``, ``pytorch-converted``, ``pytorch-operator``, ``light``):
``model.onnx`` and its ``test_data_set_*/input_*.pb``, ``output_*.pb`` (the ``light``
models, the model zoo's, take ONNX's own dummy input, ``arange(n) / n``, and
``light_<name>_output_0.pb``). It imports the model (``netir.from_onnx``), runs the
imported graph on every registered backend with the imported weights, and compares
each output with the expected one at rtol 1e-4, atol 1e-5. Cases run in a worker
process, each under a timeout (a worker that hangs or dies is replaced, the case
recorded as such); ``docs/conformance-onnx.md`` is rewritten after every case.

``--round-trip`` checks ``from_onnx(to_onnx(g, weights=w)) == g`` (JSON bytes, weight
bits) for every catalog network at input 64 where its builder takes that (else its
default), and prints one line per network.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "conformance-onnx.md"
SUITES = ("node", "simple", "pytorch-converted", "pytorch-operator", "light")
RTOL, ATOL = 1e-4, 1e-5
#: What a failing case's numbers were found to mean (measured when it was written).
NOTES = {
    "light_squeezenet": "its weights are constants (a 'light' model), so its logits are "
                        "about 9.5e9, where float32 values lie 1024 apart: the reference "
                        "and Keras backends' logits agree with torch's to 1e-5 relative "
                        "but differ from each other by one such step, which the softmax "
                        "after them turns into 0.0033 against 0.001.",
}


def data_root() -> Path:
    import onnx

    return Path(onnx.__file__).parent / "backend" / "test" / "data"


def cases(suites) -> list[tuple[str, str]]:
    root, out = data_root(), []
    for suite in suites:
        folder = root / suite
        if not folder.is_dir():
            continue
        if suite == "light":
            out += [(suite, p.stem) for p in sorted(folder.glob("light_*.onnx"))]
        else:
            out += [(suite, p.name) for p in sorted(folder.iterdir())
                    if (p / "model.onnx").is_file()]
    return out


def _data(suite: str, case: str, model):
    """[(inputs, outputs)] of the case, each a list of arrays."""
    import numpy as np
    import onnx
    from onnx import numpy_helper

    def read(path):
        t = onnx.TensorProto()
        t.ParseFromString(path.read_bytes())
        return numpy_helper.to_array(t)

    root = data_root() / suite
    if suite == "light":
        inits = {t.name for t in model.graph.initializer}
        xs = []
        for v in model.graph.input:
            if v.name in inits:
                continue
            shape = tuple(d.dim_value if d.HasField("dim_value") else 1
                          for d in v.type.tensor_type.shape.dim)
            n = int(np.prod(shape))
            xs.append((np.arange(n).reshape(shape) / n).astype(np.float32))
        return [(xs, [read(root / f"{case}_output_0.pb")])]
    sets = []
    for folder in sorted((root / case).glob("test_data_set_*")):
        n_in, n_out = (len(list(folder.glob(f"{kind}_*.pb"))) for kind in ("input", "output"))
        sets.append(([read(folder / f"input_{i}.pb") for i in range(n_in)],
                     [read(folder / f"output_{i}.pb") for i in range(n_out)]))
    return sets


def check_one(suite: str, case: str) -> dict:
    """The row of one case: imported or why not, and per backend pass or why not."""
    import numpy as np
    import onnx

    import netir
    from netir.emitters.registry import get_backend, list_backends

    path = data_root() / suite / (f"{case}.onnx" if suite == "light" else f"{case}/model.onnx")
    row = {"suite": suite, "case": case, "imported": False, "why": "", "backends": {}}
    model = onnx.load(str(path), load_external_data=False)
    try:
        graph, weights = netir.from_onnx(path)
    except Exception as e:  # noqa: BLE001 - the reason is the row
        row["why"] = _why(e)
        return row
    row["imported"] = True
    sets = _data(suite, case, model)
    inits = {t.name for t in model.graph.initializer}
    names = [v.name for v in model.graph.input if v.name not in inits]
    if not sets:
        row["why"] = "no test data"
        return row
    for name in list_backends():
        backend = get_backend(name)
        try:
            emitted = backend.emit_loaded(graph, None, weights)
            worst = 0.0
            for xs, want in sets:
                if len(xs) != len(graph.inputs) or len(names) != len(xs):
                    raise ValueError(f"{len(xs)} inputs for {len(graph.inputs)}")
                got = backend.run(emitted, [np.asarray(x, np.float32) for x in xs])
                for g, w in zip(got, want):
                    g = np.asarray(g).reshape(np.shape(w))
                    excess = np.abs(g - w) - (ATOL + RTOL * np.abs(w))
                    worst = max(worst, float(np.max(excess, initial=-1.0)))
            row["backends"][name] = "pass" if worst <= 0 else f"differs by {worst:.2g} " \
                                                              f"past the tolerance"
        except Exception as e:  # noqa: BLE001 - the reason is the row
            row["backends"][name] = f"error: {_why(e)}"
    return row


def _why(err: Exception) -> str:
    import re

    text = str(err).strip().splitlines()
    lines = [ln.strip(" -") for ln in text[1:]] if len(text) > 1 else text
    short = "; ".join(lines[:3])[:300]
    short = re.sub(r"[^\s\"']*[/\\]site-packages[/\\]", "", short)
    return f"{type(err).__name__}: {short}".replace("|", "/")


def worker(start: int, suites, out: Path) -> None:
    """Check the cases from ``start`` on, one JSON line each (a "begin" line first)."""
    todo = cases(suites)
    with out.open("a") as f:
        for suite, case in todo[start:]:
            print(json.dumps({"begin": [suite, case]}), file=f, flush=True)
            print(json.dumps(check_one(suite, case)), file=f, flush=True)


def sweep(suites, timeout: float) -> None:
    todo = cases(suites)
    rows: list[dict] = []
    log = ROOT / "build" / "conformance-onnx.jsonl"
    log.parent.mkdir(exist_ok=True)
    log.write_text("")
    while len(rows) < len(todo):
        env = {**os.environ, "PYTHONPATH": str(ROOT)}
        proc = subprocess.Popen([sys.executable, __file__, "--worker", str(len(rows)),
                                 *suites], env=env, cwd=ROOT)
        seen, last = 0, time.monotonic()
        while proc.poll() is None:
            time.sleep(1)
            lines = [json.loads(s) for s in log.read_text().splitlines()]
            done = [r for r in lines if "begin" not in r]
            if len(done) > seen:
                seen, last = len(done), time.monotonic()
                rows[:] = done
                write_doc(rows, len(todo))
            elif time.monotonic() - last > timeout:
                proc.kill()
                proc.wait()
        lines = [json.loads(s) for s in log.read_text().splitlines()]
        rows[:] = [r for r in lines if "begin" not in r]
        if len(rows) < len(todo):  # the case begun last hung or crashed its worker
            suite, case = todo[len(rows)]
            why = "timed out" if proc.returncode in (-9, 137) else \
                f"the worker died (exit {proc.returncode})"
            row = {"suite": suite, "case": case, "imported": False,
                   "why": f"{why} after {timeout:.0f} s", "backends": {}}
            with log.open("a") as f:
                print(json.dumps(row), file=f)
            rows.append(row)
        write_doc(rows, len(todo))


def write_doc(rows: list[dict], total: int) -> None:
    from netir.emitters.registry import list_backends

    backends = list_backends()
    imported = [r for r in rows if r["imported"]]
    everywhere = [r for r in imported if r["backends"] and
                  all(v == "pass" for v in r["backends"].values())]
    root = data_root()
    present = {s: (root / s).is_dir() for s in SUITES}
    lines = ["# from_onnx over ONNX's own backend test data", "",
             "Written by `scripts/conformance_onnx.py` (do not edit). Each case of the onnx "
             "wheel's `onnx/backend/test/data/<suite>` is imported with `netir.from_onnx`, "
             "run on every registered backend with the imported weights, and compared with "
             f"its expected outputs at rtol {RTOL:g}, atol {ATOL:g}.", "",
             f"- cases: {len(rows)} of {total} checked",
             f"- imported: {len(imported)}",
             f"- pass on every backend: {len(everywhere)}"]
    lines += [f"- pass on {b}: {sum(r['backends'].get(b) == 'pass' for r in rows)}"
              for b in backends]
    missing = [s for s, here in present.items() if not here]
    if missing:
        lines.append(f"- suites absent from this onnx wheel: {', '.join(missing)}")
    lines += ["", "| suite | case | imported | " + " | ".join(backends) + " | why not |",
              "|---|---|---|" + "---|" * len(backends) + "---|"]
    for r in rows:
        marks = [("pass" if r["backends"].get(b) == "pass" else
                  "fail" if b in r["backends"] else "-") for b in backends]
        why = r["why"] or "; ".join(f"{b}: {v}" for b, v in r["backends"].items()
                                    if v != "pass")
        lines.append(f"| {r['suite']} | {r['case']} | {'yes' if r['imported'] else 'no'} | "
                     + " | ".join(marks) + f" | {why.replace('|', '/')} |")
    noted = [f"- {r['case']}: {NOTES[r['case']]}" for r in rows if r["case"] in NOTES]
    if noted:
        lines += ["", "Notes:", "", *noted]
    from netir.ir.files import write_atomic

    write_atomic(DOC, "\n".join(lines) + "\n")


def round_trip(names) -> int:
    import numpy as np

    import netir
    from netir.emitters.onnx import to_onnx
    from netir.emitters.weights import random_weights

    failed = 0
    for name in names or netir.list_architectures():
        start = time.perf_counter()
        try:
            try:
                graph = netir.build(name, input_size=64)
            except netir.NetIRError:
                graph = netir.build(name)
            weights = random_weights(graph)
            imported, got = netir.from_onnx(to_onnx(graph, weights=weights))
            same = imported.to_json() == graph.to_json()
            held = {n: p for n, p in weights.items() if p}
            bits = sorted(got) == sorted(held) and all(
                sorted(got[n]) == sorted(p) and all(
                    got[n][k].tobytes() == np.asarray(v).tobytes() for k, v in p.items())
                for n, p in held.items())
            status = "exact" if same and bits else f"json {same}, weights {bits}"
        except Exception as e:  # noqa: BLE001 - reported per network
            status = _why(e)
        failed += status != "exact"
        print(f"{name}: {status} ({time.perf_counter() - start:.1f} s)", flush=True)
    return failed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*")
    parser.add_argument("--round-trip", action="store_true")
    parser.add_argument("--timeout", type=float, default=180.0)
    parser.add_argument("--worker", type=int, default=None, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.round_trip:
        return 1 if round_trip(args.names) else 0
    suites = args.names or list(SUITES)
    if args.worker is not None:
        worker(args.worker, suites, ROOT / "build" / "conformance-onnx.jsonl")
        return 0
    sweep(suites, args.timeout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
