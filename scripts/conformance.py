"""Import torchvision's and timm's own models with ``netir.from_torch`` and prove them.

Needs torch, torchvision and timm beside netir, which the pinned environment lacks
(torchvision 0.29.1 needs torch 2.14.1); see docs/conformance.md for the environment
it was run in. Every model runs in a subprocess of its own, so a crash or a hang costs
one row, and each row is written to the JSON as it finishes: a partial run still gives
a table.

    python scripts/conformance.py run torchvision [--stop-at 10:25] [--timeout 420]
    python scripts/conformance.py run timm [--stop-at 10:25]
    python scripts/conformance.py doc          # docs/conformance.md from the JSON files

Per model: it imports (``from_torch``); for a torchvision classifier the imported
graph's ``to_json()`` text equals the catalog graph's (``netir.build(name,
input_size=...)``) byte for byte; every registered backend, loaded with the imported
weights, runs the same batch as the original module's forward: the largest difference
over the largest magnitude of the original's outputs, and whether torch's is bit for
bit. torchvision and timm are imported before netir's backends load TensorFlow (the
other order can crash).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

from conformance_doc import RESULTS, write_doc  # noqa: E402

# Constructor arguments that build torchvision's model as the catalog has it.
TV_KWARGS = {"googlenet": {"aux_logits": False, "init_weights": True},
             "inception_v3": {"aux_logits": False, "init_weights": True}}
TV_SEGMENTATION = ["lraspp_mobilenet_v3_large", "fcn_resnet50", "deeplabv3_resnet50"]
NOT_TORCHVISION = {"lenet5", "alexnet_2012"}  # catalog networks torchvision lacks
SIZES = (64, 96, 128, 224)  # the smallest input each model takes is used
TOLERANCE = {"torch": 1e-5}  # every other backend: 1e-4 (a network in float32)
BACKEND_PARAM_LIMIT = 350_000_000  # above: import and JSON only (memory of a shared box)
BATCH, SEED = 2, 0
ROW_MARK = "@@ROW "


# -- one model, in its own process ----------------------------------------------------------
def _portable(text: str) -> str:
    """``text`` with each installed file named from its package down (``timm/models/x.py``,
    not this machine's ``/.../site-packages/timm/models/x.py``): rows are committed."""
    return re.sub(r"[^\s\"']*[/\\]site-packages[/\\]", "", text)


def _first_line(err: BaseException) -> str:
    text = str(err).strip().splitlines()
    return _portable(f"{type(err).__name__}: {text[0] if text else ''}")[:300]


def _build_torchvision(name: str, size: int):
    import torchvision

    kwargs = dict(TV_KWARGS.get(name, {}))
    if name.startswith("vit_"):
        kwargs["image_size"] = size
    if name in TV_SEGMENTATION:
        kwargs["weights_backbone"] = None
    return torchvision.models.get_model(name, weights=None, **kwargs)


def _build_timm(name: str, size: int):
    import timm

    try:
        return timm.create_model(name, pretrained=False, img_size=size)
    except TypeError:  # a model whose size is not a constructor argument
        return timm.create_model(name, pretrained=False)


def _outputs(value) -> list:
    if isinstance(value, dict):
        return list(value.values())
    if isinstance(value, (tuple, list)):
        return [v for item in value for v in _outputs(item)]
    return [value]


def _renamed_input(graph, name: str):
    """``graph`` with its one input named ``name`` (torchvision's forward calls it ``x``,
    the catalog ``input``): the document's only rewrite before the byte comparison."""
    from netir.ir.graph import Graph

    document = json.loads(graph.to_json())
    old = graph.inputs[0].name
    for node in document["nodes"]:
        if node["name"] == old:
            node["name"] = name
        node["inputs"] = [name if i == old else i for i in node["inputs"]]
    document["outputs"] = [name if o == old else o for o in document.get("outputs", [])]
    return Graph.from_json(json.dumps(document))


def _structure(mine: str, theirs: str) -> dict:
    """How two graph documents differ: ``structure_equal`` when they are the same graph
    but for node names (node by node in document order: op, attributes, shape, layout,
    inputs under the renaming), with the renamed nodes (``renamed``: how many,
    ``renamed_examples``: the first few, imported -> catalog); else where they first
    differ (``json_difference``)."""
    a, b = json.loads(mine)["nodes"], json.loads(theirs)["nodes"]
    if len(a) != len(b):
        return {"structure_equal": False,
                "json_difference": f"{len(a)} nodes imported vs {len(b)} in the catalog"}
    names = {x["name"]: y["name"] for x, y in zip(a, b)}
    for x, y in zip(a, b):
        x = {**x, "name": y["name"], "inputs": [names.get(i, i) for i in x["inputs"]]}
        if x != y:
            keys = sorted(k for k in set(x) | set(y) if x.get(k) != y.get(k))
            return {"structure_equal": False, "json_difference": (
                f"catalog node {y['name']} ({y['op']}): imported ({x['op']}) differs in "
                f"{', '.join(keys)}")[:300]}
    renamed = [(k, v) for k, v in names.items() if k != v]
    return {"structure_equal": True, "renamed": len(renamed),
            "renamed_examples": [f"{k} -> {v}" for k, v in renamed[:4]]}


def _check_backends(graph, weights, x, expected, row: dict) -> None:
    import numpy as np

    from netir.emitters.registry import available, get_backend, list_backends
    from netir.ir.limits import release_memory

    scale = max(float(np.max(np.abs(e))) for e in expected) or 1.0
    for backend in list_backends():
        started = time.perf_counter()
        entry: dict = {}
        try:
            if not available(backend):
                raise RuntimeError("backend not installed")
            b = get_backend(backend)
            model = b.emit_loaded(graph, None, weights)
            got = b.run(model, [x])
            del model
            diffs = [float(np.max(np.abs(g.astype(np.float64) - e))) for g, e in
                     zip(got, expected)]
            if len(got) != len(expected) or any(g.shape != e.shape for g, e in
                                                zip(got, expected)):
                raise ValueError(f"outputs {[g.shape for g in got]} vs "
                                 f"{[e.shape for e in expected]}")
            entry["max_rel"] = max(diffs) / scale
            entry["bitwise"] = all(np.array_equal(g, e.astype(np.float32)) for g, e in
                                   zip(got, expected))
            entry["passed"] = entry["max_rel"] <= TOLERANCE.get(backend, 1e-4)
        except Exception as e:  # noqa: BLE001 - a row records whatever went wrong
            entry["error"] = _first_line(e)
            entry["passed"] = False
        entry["seconds"] = round(time.perf_counter() - started, 2)
        row["backends"][backend] = entry
        release_memory()


def check_one(source: str, name: str, size: int) -> dict:
    """The row of one model: build it, import it, compare it."""
    import torch

    if source == "timm":
        import timm  # noqa: F401 - before TensorFlow loads
    else:
        import torchvision  # noqa: F401

    import netir
    from netir.ir.errors import UnsupportedModelError

    started = time.perf_counter()
    row: dict = {"source": source, "name": name, "input": [3, size, size], "backends": {}}
    torch.manual_seed(SEED)
    module = (_build_timm if source == "timm" else _build_torchvision)(name, size).eval()
    row["params"] = sum(p.numel() for p in module.parameters())
    x = torch.randn(BATCH, 3, size, size, generator=torch.Generator().manual_seed(SEED))
    with torch.no_grad():
        expected = [t.detach().double().numpy() for t in _outputs(module(x))]
    catalog = source == "torchvision" and name in netir.list_architectures()
    t0 = time.perf_counter()
    try:
        graph, weights = netir.from_torch(module, x[:1], name=name)
    except UnsupportedModelError as e:
        row.update(imported=False, why_not=_first_line(e), missing=sorted(
            {_portable(f"{p.target}: {p.lacks}")[:200] for p in getattr(e, "problems", [])}))
    except Exception as e:  # noqa: BLE001
        row.update(imported=False, why_not=_first_line(e), missing=[])
    else:
        row.update(imported=True, import_s=round(time.perf_counter() - t0, 2))
        if catalog:
            reference = netir.build(name, input_size=size)
            row["input_name"] = graph.inputs[0].name
            mine = _renamed_input(graph, reference.inputs[0].name).to_json()
            theirs = reference.to_json()
            row["json_equal"] = mine == theirs
            row.update(_structure(mine, theirs) if mine != theirs else
                       {"structure_equal": True, "renamed": 0})
        del module
        if row["params"] <= BACKEND_PARAM_LIMIT:
            _check_backends(graph, weights, x.numpy(), expected, row)
        else:
            row["backends_skipped"] = f"over {BACKEND_PARAM_LIMIT:,} parameters"
    row["seconds"] = round(time.perf_counter() - started, 2)
    return row


def _smallest_size(source: str, name: str) -> int:
    """The smallest of SIZES at which the catalog builds (torchvision) or the model runs."""
    import torch

    import netir
    from netir.ir.errors import NetIRError

    for size in SIZES:
        if name.startswith("vit_") and size % int(name.rsplit("_", 1)[1]):
            continue  # torchvision's ViT takes whole patches only
        try:
            if source == "torchvision" and name in netir.list_architectures():
                netir.build(name, input_size=size)
            else:
                builder = _build_timm if source == "timm" else _build_torchvision
                with torch.no_grad():
                    builder(name, size).eval()(torch.zeros(1, 3, size, size))
            return size
        except (NetIRError, RuntimeError, ValueError, AssertionError, TypeError):
            continue
    return SIZES[-1]


def _child(source: str, name: str) -> None:
    try:
        if source == "timm":
            import timm  # noqa: F401
        else:
            import torchvision  # noqa: F401
        row = check_one(source, name, _smallest_size(source, name))
    except Exception as e:  # noqa: BLE001 - building the original failed
        row = {"source": source, "name": name, "imported": False, "backends": {},
               "why_not": "the original model: " + _first_line(e), "missing": []}
    print(ROW_MARK + json.dumps(row), flush=True)


# -- the sweep ------------------------------------------------------------------------------
def torchvision_names() -> list[tuple[str, str]]:
    """(name, family) of every torchvision classifier in the catalog, smallest first,
    then the segmentation models."""
    from netir.architectures.registry import get_architecture, list_architectures

    names = [n for n in list_architectures() if n not in NOT_TORCHVISION]
    names.sort(key=lambda n: get_architecture(n).params)
    return [(n, get_architecture(n).family) for n in names] + \
        [(n, "segmentation") for n in TV_SEGMENTATION]


_SMALL = ("test", "atto", "femto", "pico", "nano", "micro", "tiny", "xxs", "xs", "mini",
          "small", "s0", "b0", "m0", "050", "lite", "mobile", "t", "s", "18", "1")
CANDIDATES = 6  # per timm module, built on the meta device to count their parameters


def _meta_params(name: str) -> float:
    import timm
    import torch

    try:
        with torch.device("meta"):
            return sum(p.numel() for p in timm.create_model(name).parameters())
    except Exception:  # noqa: BLE001 - a model that cannot be built so is not chosen
        return float("inf")


def timm_names() -> list[tuple[str, str]]:
    """(name, module) for one model per timm module: of its few smallest-sounding
    names, the one with the fewest parameters."""
    import timm

    def rank(n: str):
        parts = n.replace("-", "_").split("_")
        hits = [i for i, k in enumerate(_SMALL) if any(p.startswith(k) for p in parts)]
        return (min(hits) if hits else len(_SMALL), len(n), n)

    picked = []
    for module in sorted(timm.list_modules()):
        names = sorted(timm.list_models(module=module), key=rank)[:CANDIDATES]
        if names:
            picked.append((min(names, key=lambda n: (_meta_params(n), rank(n))), module))
    return picked


def _load(path: Path) -> dict:
    return json.loads(path.read_text()) if path.exists() else {"meta": {}, "rows": []}


def _save(path: Path, data: dict) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    os.replace(tmp, path)


def _meta(source: str) -> dict:
    import platform

    import numpy
    import torch

    versions = {"python": platform.python_version(), "torch": torch.__version__,
                "numpy": numpy.__version__}
    if source == "timm":
        import timm
        versions["timm"] = timm.__version__
    else:
        import torchvision
        versions["torchvision"] = torchvision.__version__
    for package in ("tensorflow", "keras", "onnx", "onnxruntime"):
        from importlib.metadata import version
        versions[package] = version(package if package != "tensorflow" else "tensorflow-cpu")
    with open("/proc/cpuinfo", encoding="ascii") as f:
        cpu = next((line.split(":", 1)[1].strip() for line in f
                    if line.startswith("model name")), platform.processor())
    return {"versions": versions, "cpu": cpu, "cpus": os.cpu_count(), "batch": BATCH,
            "date": time.strftime("%Y-%m-%d", time.gmtime()),
            "seed": SEED, "tolerance": {"torch": 1e-5, "other": 1e-4}}


def model_row(name: str, memory: int | None = None, alone: bool = True, *, source: str,
              families: dict[str, str], timeout: float, stop_at: str | None) -> dict | None:
    """The row of model ``name`` (of family ``families[name]``), from a subprocess of its
    own (None: ``stop_at`` had passed). Called as netir's workers call a task
    (``memory`` and ``alone`` unused), so that a dask cluster can run the sweep."""
    if stop_at and time.strftime("%H:%M", time.gmtime()) >= stop_at:
        return None
    started = time.perf_counter()
    try:
        proc = subprocess.run([sys.executable, __file__, "one", source, name],
                              capture_output=True, text=True, timeout=timeout)
        marked = [line for line in proc.stdout.splitlines() if line.startswith(ROW_MARK)]
        if marked:
            row = json.loads(marked[-1][len(ROW_MARK):])
        else:
            tail = (proc.stderr.strip().splitlines() or ["(no output)"])[-1]
            row = {"imported": False, "backends": {}, "missing": [],
                   "why_not": f"the process ended with {proc.returncode}: {tail}"[:300]}
    except subprocess.TimeoutExpired:
        row = {"imported": False, "backends": {}, "missing": [],
               "why_not": f"timed out after {timeout:.0f} s"}
    row.update(source=source, name=name, family=families[name],
               wall_s=round(time.perf_counter() - started, 1))
    return row


def _rows(todo: list[tuple[str, str]], cluster: str | None, workers: int | None,
          **options):
    """``(name, row)`` of each model to do: one after another here, or as they finish on
    a dask cluster (``local`` or a scheduler address; ``workers``: a local one's)."""
    names, families = [n for n, _ in todo], dict(todo)
    if cluster is None:
        for name in names:
            yield name, model_row(name, families=families, **options)
        return
    from netir.cluster import connect, run_on_cluster

    with connect(cluster, workers) as client:
        yield from run_on_cluster(client, model_row, names, op="conformance",
                                  families=families, **options)


def run(source: str, stop_at: str | None, timeout: float, only: list[str],
        cluster: str | None = None, workers: int | None = None) -> None:
    path = ROOT / "benchmarks" / RESULTS.format(source)
    data = _load(path)
    data["meta"] = _meta(source)
    done = {r["name"] for r in data["rows"]}
    if source == "timm":  # the choice is kept: a resumed sweep takes the same models
        data["plan"] = data.get("plan") or [list(p) for p in timm_names()]
        _save(path, data)
    names = torchvision_names() if source == "torchvision" else data["plan"]
    todo = [(name, family) for name, family in names
            if (name in only if only else name not in done)]
    if only:  # in the order given: the rows that matter most first
        todo.sort(key=lambda item: only.index(item[0]))
    for name, row in _rows(todo, cluster, workers, source=source, timeout=timeout,
                           stop_at=stop_at):
        if row is None:  # on a cluster, each model not started says so
            print(f"stopping at {stop_at} UTC before {name}", flush=True)
            if cluster is None:
                break
            continue
        data["rows"] = [r for r in data["rows"] if r["name"] != name] + [row]
        _save(path, data)
        verdict = "imported" if row.get("imported") else row.get("why_not", "")[:100]
        print(f"{name}: {verdict} ({row['wall_s']} s)", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    one = sub.add_parser("one", help="check one model and print its row (internal)")
    one.add_argument("source", choices=["torchvision", "timm"])
    one.add_argument("name")
    sweep = sub.add_parser("run", help="sweep one source, appending to its JSON")
    sweep.add_argument("source", choices=["torchvision", "timm"])
    sweep.add_argument("--stop-at", help="UTC HH:MM after which no model is started")
    sweep.add_argument("--timeout", type=float, default=420, help="seconds per model")
    sweep.add_argument("--only", nargs="*", default=[],
                       help="these models, again, in this order")
    sweep.add_argument("--cluster", help="run the models on a dask.distributed cluster: "
                       "local (this machine) or a scheduler address tcp://HOST:PORT")
    sweep.add_argument("--workers", type=int, help="a local cluster's workers (default: "
                       "the CPUs)")
    sub.add_parser("doc", help="write docs/conformance.md from the JSON files")
    args = parser.parse_args(argv)
    if args.command == "one":
        _child(args.source, args.name)
    elif args.command == "run":
        run(args.source, args.stop_at, args.timeout, args.only, args.cluster, args.workers)
    else:
        write_doc(ROOT)


if __name__ == "__main__":
    main()
