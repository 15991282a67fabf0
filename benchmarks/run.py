"""netir benchmarks: one entry point, a printed table and benchmarks/results.json.

    .venv/bin/python benchmarks/run.py [--quick]

Ratios are taken in one run with interleaved repetitions; medians throughout.
"""

from __future__ import annotations

import argparse
import copy
import gc
import json
import os
import platform
import statistics
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
sys.path.insert(0, str(Path(__file__).resolve().parent))

from allocator import describe as describe_allocator  # noqa: E402
from allocator import fix_allocator  # noqa: E402
from markdown import tables  # noqa: E402
from onnx_export import onnx_vs_export  # noqa: E402
from scaling import scaling  # noqa: E402
from timing import interleaved, interleaved_times, median_time  # noqa: E402

import netir  # noqa: E402
from netir.architectures import build, list_architectures  # noqa: E402
from netir.ir.files import write_atomic  # noqa: E402


def ir_cost(quick: bool) -> list[dict]:
    from netir.emitters.keras3 import to_keras
    from netir.emitters.pytorch import to_torch

    rows = []
    for name in list_architectures():
        g = build(name)
        t_ir = median_time(lambda n=name: (lambda g: (g.count_params(), g.count_macs()))(
            build(n)), 5)
        t_torch = median_time(lambda: to_torch(g), 1)
        t_keras = None if quick and "vgg" in name else median_time(lambda: to_keras(g), 1)
        rows.append({"network": name, "nodes": len(g), "ir_s": t_ir, "torch_build_s": t_torch,
                     "keras_build_s": t_keras})
        print(f"  {name:13s} IR {t_ir * 1e3:7.1f} ms   torch {t_torch:6.2f} s   keras "
              f"{'-' if t_keras is None else f'{t_keras:6.2f} s'}", flush=True)
    return rows


# catalog name -> class in reference_models
TORCH_NETWORKS = {"resnet50": "ResNet50", "densenet121": "DenseNet121", "vgg19": "VGG19"}


def torch_pair(name: str, first: str = "netir", optimized: bool = False) -> dict:
    """``{"netir": emitted model, "reference": hand-written model}`` in eval mode with the
    same random weights; ``first`` is built first. With ``optimized``, also
    ``"netir_optimized"``: the emitted ``netir.optimize`` graph with the folded weights."""
    import reference_models as ref

    from netir.emitters.pytorch import import_weights, to_torch
    from netir.emitters.weights import random_weights

    g = build(name)
    weights = random_weights(g)
    models = {}
    for side in (first, "reference" if first == "netir" else "netir"):
        models[side] = (to_torch(g) if side == "netir" else
                        getattr(ref, TORCH_NETWORKS[name])()).eval()
    import_weights(models["netir"], weights)
    models["reference"].load_state_dict(models["netir"].state_dict())
    if optimized:
        models["netir_optimized"] = to_torch(g, optimize=True, weights=weights,
                                             memory_format="contiguous").eval()
    return models


# torch_case sides beyond the pair: (side, model it runs, input in channels_last)
TORCH_VARIANTS = (("netir_optimized", "netir_optimized", False),
                  ("netir_channels_last", "netir", True),
                  ("netir_optimized_channels_last", "netir_optimized", True))


def torch_case(name: str, first: str, quick: bool) -> dict:
    """One network in this (fresh) process: build both models, ``first`` first, and time
    them interleaved at batch 1 and 8. Returns raw times, faults and the output error."""
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(0)
    models = torch_pair(name, first, optimized=True)
    channels_last = {k: copy.deepcopy(models[k]).to(memory_format=torch.channels_last)
                     for k in ("netir", "netir_optimized")}
    out = {}
    for batch in (1, 8):
        x = torch.randn(batch, 3, 224, 224)
        x_cl = x.contiguous(memory_format=torch.channels_last)
        calls = {k: (lambda m=models[k]: m(x)) for k in ("netir", "reference")}
        for side, model, cl in TORCH_VARIANTS:
            calls[side] = (lambda m=channels_last[model]: m(x_cl)) if cl else (
                lambda m=models[model]: m(x))
        with torch.no_grad():
            want = models["reference"](x)
            err = {k: float((fn() - want).abs().max()) for k, fn in calls.items()}
            reps = 2 if quick else (5 if batch == 8 else 8)
            times, faults = interleaved_times(calls, reps)
        out[str(batch)] = {"times": times, "faults_per_call": faults, "max_abs_diff": err}
    return out


def torch_vs_reference(quick: bool) -> list[dict]:
    """Each network runs in two fresh processes, one building the emitted model first and
    one the reference first: where the weights and activations land in the heap moves
    either side by a few percent (glibc returns large blocks to the OS, and the page
    faults that follow differ by allocation order), so both orders are pooled."""
    import subprocess

    sides = ("netir", "reference", *(v[0] for v in TORCH_VARIANTS))
    rows = []
    for name in TORCH_NETWORKS:
        pooled: dict[str, dict] = {}
        for first in ("netir", "reference"):
            cmd = [sys.executable, __file__, "--torch-case", f"{name}:{first}"]
            proc = subprocess.run(cmd + (["--quick"] if quick else []), capture_output=True,
                                  text=True, check=True)
            for batch, data in json.loads(proc.stdout.strip().splitlines()[-1]).items():
                entry = pooled.setdefault(batch, {"times": {k: [] for k in sides},
                                                  "faults": {k: [] for k in sides},
                                                  "err": dict.fromkeys(sides, 0.0)})
                for side in sides:
                    entry["times"][side] += data["times"][side]
                    entry["faults"][side].append(data["faults_per_call"][side])
                    entry["err"][side] = max(entry["err"][side], data["max_abs_diff"][side])
        for batch, entry in sorted(pooled.items(), key=lambda kv: int(kv[0])):
            t = {k: statistics.median(v) for k, v in entry["times"].items()}
            rows.append({"network": name, "batch": int(batch), "netir_s": t["netir"],
                         "reference_s": t["reference"], "ratio": t["netir"] / t["reference"],
                         "seconds": t, "ratios": {k: t[k] / t["reference"] for k in sides},
                         "rounds": len(entry["times"]["netir"]),
                         "max_abs_diff": entry["err"],
                         "page_faults_per_call": {k: statistics.mean(v) for k, v in
                                                  entry["faults"].items()}})
            r, f = rows[-1]["ratios"], rows[-1]["page_faults_per_call"]
            print(f"  {name:12s} batch {batch}: reference {t['reference'] * 1e3:7.1f} ms; "
                  "ratio " + "  ".join(f"{k} {r[k]:.3f}" for k in sides if k != "reference") +
                  f"  (page faults/call netir {f['netir']:.0f}, optimized "
                  f"{f['netir_optimized']:.0f}, reference {f['reference']:.0f})", flush=True)
    return rows


def keras_vs_applications(quick: bool) -> list[dict]:
    import keras
    import tensorflow as tf

    from netir.emitters.keras3 import to_keras

    rows = []
    for name, app in (("vgg19", keras.applications.VGG19),
                      ("resnet50", keras.applications.ResNet50),
                      ("densenet121", keras.applications.DenseNet121)):
        g = build(name)
        functions = {"netir": tf.function(to_keras(g)),
                     "netir_optimized": tf.function(to_keras(g, optimize=True)),
                     "keras.applications": tf.function(app(weights=None))}
        for batch in (1, 8):
            x = tf.random.normal((batch, 224, 224, 3))
            reps = 3 if quick else (9 if batch == 8 else 15)
            t = interleaved({k: (lambda f=f: f(x, training=False).numpy())
                             for k, f in functions.items()}, reps)
            ref = t["keras.applications"]
            rows.append({"network": name, "batch": batch, "netir_s": t["netir"],
                         "netir_optimized_s": t["netir_optimized"], "applications_s": ref,
                         "ratio": t["netir"] / ref,
                         "optimized_ratio": t["netir_optimized"] / ref})
            print(f"  {name:12s} batch {batch}: applications {ref * 1e3:8.1f} ms  ratio netir "
                  f"{rows[-1]['ratio']:.3f}  optimized {rows[-1]['optimized_ratio']:.3f}",
                  flush=True)
    return rows


def rendering() -> list[dict]:
    import tempfile

    from netir.renderers.diagram import render

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for name in ("resnet152", "densenet201"):
            g = build(name)
            for level in ("block", "layer"):
                t = median_time(lambda: render(g, Path(tmp) / f"{name}.{level}.svg", level), 3)
                rows.append({"network": name, "level": level, "svg_s": t})
                print(f"  {name:12s} {level:5s} SVG {t:6.2f} s", flush=True)
    return rows


def gpu() -> list[dict]:
    """Emitted ResNet-50 vs the reference on CUDA: batch 1 latency (eager, fp32, TF32 off
    for the numerics check) and batch 256 throughput (bf16 autocast, channels_last,
    TF32 on), eager and torch.compile."""
    import torch

    def timed(fn, reps=20):
        for _ in range(3):
            fn()
        torch.cuda.synchronize()
        times = []
        for _ in range(reps):
            t = time.perf_counter()
            fn()
            torch.cuda.synchronize()
            times.append(time.perf_counter() - t)
        return statistics.median(times)

    pair = torch_pair("resnet50")
    ours, theirs = pair["netir"].cuda(), pair["reference"].cuda()
    rows = []
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = False
    x = torch.randn(1, 3, 224, 224, device="cuda")
    with torch.no_grad():
        err = float((ours(x) - theirs(x)).abs().max())
        t = {k: timed(lambda m=m: m(x)) for k, m in (("netir", ours), ("reference", theirs))}
    rows.append({"case": "batch 1 eager fp32", **t, "ratio": t["netir"] / t["reference"],
                 "max_abs_diff": err})
    torch.backends.cuda.matmul.allow_tf32 = torch.backends.cudnn.allow_tf32 = True
    x = torch.randn(256, 3, 224, 224, device="cuda").to(memory_format=torch.channels_last)
    for mode in ("eager", "compile"):
        models = {k: m.to(memory_format=torch.channels_last) for k, m in
                  (("netir", ours), ("reference", theirs))}
        if mode == "compile":
            models = {k: torch.compile(m) for k, m in models.items()}
        with torch.no_grad(), torch.autocast("cuda", dtype=torch.bfloat16):
            t = {k: timed(lambda m=m: m(x), 10) for k, m in models.items()}
        rows.append({"case": f"batch 256 bf16 channels_last {mode}", **t,
                     "ratio": t["netir"] / t["reference"],
                     "images_per_s_netir": 256 / t["netir"]})
    for r in rows:
        print(f"  {r['case']:38s} ratio {r['ratio']:.3f}", flush=True)
    return rows


SECTIONS = ("ir_cost", "torch_vs_reference", "keras_vs_applications", "onnx_vs_export",
            "scaling", "rendering", "gpu")


def _version(dist: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(dist)
    except PackageNotFoundError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def main() -> None:
    fix_allocator()
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="fewer repetitions")
    p.add_argument("--cpu-only", action="store_true", help="skip the CUDA section")
    p.add_argument("--only", metavar="SECTIONS", default=None,
                   help=f"comma-separated sections to run (of {', '.join(SECTIONS)}), "
                        "e.g. --only gpu on a CUDA machine")
    p.add_argument("-o", "--output", default=None,
                   help="JSON path (default benchmarks/results.json, or "
                        "benchmarks/results-<sections>.json with --only)")
    p.add_argument("--torch-case", default=None, help=argparse.SUPPRESS)
    args = p.parse_args()
    if args.torch_case:  # a child process of torch_vs_reference
        name, first = args.torch_case.split(":")
        print(json.dumps(torch_case(name, first, args.quick)))
        return
    import keras
    import torch

    start = time.perf_counter()
    gc.collect()
    result = {"machine": {"gc_tracked_objects_at_start": len(gc.get_objects()),
                          "platform": platform.platform(), "processor": platform.machine(),
                          "cpus": os.cpu_count(), "python": platform.python_version(),
                          "torch": torch.__version__, "keras": keras.__version__,
                          "tensorflow": _version("tensorflow-cpu") or _version("tensorflow"),
                          "onnx": _version("onnx"), "onnxruntime": _version("onnxruntime"),
                          "netir": netir.__version__,
                          "cpu_model": _cpu_model(), "allocator": describe_allocator()},
              "method": "forward passes: medians of interleaved repetitions (order "
                        "alternating each round) after one warm-up; Keras 15 at batch 1 and 9 "
                        "at batch 8 (3 with --quick); PyTorch pooled from two fresh processes "
                        "(emitted model built first / reference built first), 8+8 at batch 1 "
                        "and 5+5 at batch 8 (2+2 with --quick); float32, eval/inference "
                        "mode, 224x224 inputs, torch.set_num_threads(2), same weights on both "
                        "sides; "
                        "ratio = netir time / reference time. IR and scaling: medians of 5 "
                        "(3 with --quick), garbage collected before each repetition. Every "
                        "process runs with glibc's thresholds fixed (" + describe_allocator() +
                        ") so freed activations stay in the heap whatever was allocated "
                        "before. netir_optimized: the emitted netir.optimize graph (batch "
                        "norm folded, dropout gone) with the same weights folded; "
                        "channels_last: the emitted model and its input in "
                        "torch.channels_last (the reference stays contiguous)."}
    sections = {"ir_cost": lambda: ir_cost(args.quick),
                "torch_vs_reference": lambda: torch_vs_reference(args.quick),
                "keras_vs_applications": lambda: keras_vs_applications(args.quick),
                "onnx_vs_export": lambda: onnx_vs_export(args.quick),
                "scaling": lambda: scaling(args.quick), "rendering": rendering, "gpu": gpu}
    wanted = SECTIONS if args.only is None else args.only.split(",")
    unknown = [w for w in wanted if w not in sections]
    if unknown:
        p.error(f"unknown section(s) {', '.join(unknown)}; choose from {', '.join(SECTIONS)}")
    for key in wanted:
        if key == "gpu" and (args.cpu_only or not torch.cuda.is_available()):
            if args.only is not None:
                print("gpu: skipped, CUDA is not available", flush=True)
            continue
        print(f"{key}:", flush=True)
        result[key] = sections[key]()
    result["total_s"] = time.perf_counter() - start
    output = args.output or str(Path(__file__).parent / (
        "results.json" if args.only is None else f"results-{'-'.join(wanted)}.json"))
    write_atomic(output, json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {output} in {result['total_s']:.0f} s\n\n{tables(result)}")


if __name__ == "__main__":
    main()
