"""netir benchmarks: one entry point, a printed table and benchmarks/results.json.

    .venv/bin/python benchmarks/run.py [--quick]

Ratios are taken in one run with interleaved repetitions; medians throughout.
"""

from __future__ import annotations

import argparse
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


def torch_pair(name: str, first: str = "netir") -> dict:
    """``{"netir": emitted model, "reference": hand-written model}`` in eval mode with the
    same random weights; ``first`` is built first."""
    import reference_models as ref

    from netir.emitters.pytorch import import_weights, to_torch
    from netir.emitters.weights import random_weights

    g = build(name)
    models = {}
    for side in (first, "reference" if first == "netir" else "netir"):
        models[side] = (to_torch(g) if side == "netir" else
                        getattr(ref, TORCH_NETWORKS[name])()).eval()
    import_weights(models["netir"], random_weights(g))
    models["reference"].load_state_dict(models["netir"].state_dict())
    return models


def torch_case(name: str, first: str, quick: bool) -> dict:
    """One network in this (fresh) process: build both models, ``first`` first, and time
    them interleaved at batch 1 and 8. Returns raw times, faults and the output error."""
    import torch

    torch.set_num_threads(2)
    torch.manual_seed(0)
    models = torch_pair(name, first)
    out = {}
    for batch in (1, 8):
        x = torch.randn(batch, 3, 224, 224)
        with torch.no_grad():
            err = float((models["netir"](x) - models["reference"](x)).abs().max())
            reps = 2 if quick else (5 if batch == 8 else 8)
            times, faults = interleaved_times(
                {k: (lambda m=m: m(x)) for k, m in models.items()}, reps)
        out[str(batch)] = {"times": times, "faults_per_call": faults, "max_abs_diff": err}
    return out


def torch_vs_reference(quick: bool) -> list[dict]:
    """Each network runs in two fresh processes, one building the emitted model first and
    one the reference first: where the weights and activations land in the heap moves
    either side by a few percent (glibc returns large blocks to the OS, and the page
    faults that follow differ by allocation order), so both orders are pooled."""
    import subprocess

    rows = []
    for name in TORCH_NETWORKS:
        pooled: dict[str, dict] = {}
        for first in ("netir", "reference"):
            cmd = [sys.executable, __file__, "--torch-case", f"{name}:{first}"]
            proc = subprocess.run(cmd + (["--quick"] if quick else []), capture_output=True,
                                  text=True, check=True)
            for batch, data in json.loads(proc.stdout.strip().splitlines()[-1]).items():
                entry = pooled.setdefault(batch, {"netir": [], "reference": [], "err": 0.0,
                                                  "faults": {"netir": [], "reference": []}})
                for side in ("netir", "reference"):
                    entry[side] += data["times"][side]
                    entry["faults"][side].append(data["faults_per_call"][side])
                entry["err"] = max(entry["err"], data["max_abs_diff"])
        for batch, entry in sorted(pooled.items(), key=lambda kv: int(kv[0])):
            t = {k: statistics.median(entry[k]) for k in ("netir", "reference")}
            rows.append({"network": name, "batch": int(batch), "netir_s": t["netir"],
                         "reference_s": t["reference"], "ratio": t["netir"] / t["reference"],
                         "rounds": len(entry["netir"]), "max_abs_diff": entry["err"],
                         "page_faults_per_call": {k: statistics.mean(v) for k, v in
                                                  entry["faults"].items()}})
            f = rows[-1]["page_faults_per_call"]
            print(f"  {name:12s} batch {batch}: netir {t['netir'] * 1e3:8.1f} ms  reference "
                  f"{t['reference'] * 1e3:8.1f} ms  ratio {rows[-1]['ratio']:.3f}  "
                  f"(page faults/call {f['netir']:.0f} vs {f['reference']:.0f})", flush=True)
    return rows


def keras_vs_applications(quick: bool) -> list[dict]:
    import keras
    import tensorflow as tf

    from netir.emitters.keras3 import to_keras

    rows = []
    for name, app in (("vgg19", keras.applications.VGG19),
                      ("densenet121", keras.applications.DenseNet121)):
        ours = to_keras(build(name))
        theirs = app(weights=None)
        f_ours, f_theirs = tf.function(ours), tf.function(theirs)
        for batch in (1, 8):
            x = tf.random.normal((batch, 224, 224, 3))
            reps = 3 if quick else (9 if batch == 8 else 15)
            t = interleaved({"netir": lambda: f_ours(x, training=False).numpy(),
                             "keras.applications": lambda: f_theirs(x, training=False).numpy()},
                            reps)
            rows.append({"network": name, "batch": batch, "netir_s": t["netir"],
                         "applications_s": t["keras.applications"],
                         "ratio": t["netir"] / t["keras.applications"]})
            print(f"  {name:12s} batch {batch}: netir {t['netir'] * 1e3:8.1f} ms  applications "
                  f"{t['keras.applications'] * 1e3:8.1f} ms  ratio {rows[-1]['ratio']:.3f}",
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
                          "cpu_model": _cpu_model()},
              "method": "forward passes: medians of interleaved repetitions (order "
                        "alternating each round) after one warm-up; Keras 15 at batch 1 and 9 "
                        "at batch 8 (3 with --quick); PyTorch pooled from two fresh processes "
                        "(emitted model built first / reference built first), 8+8 at batch 1 "
                        "and 5+5 at batch 8 (2+2 with --quick); float32, eval/inference "
                        "mode, 224x224 inputs, torch.set_num_threads(2), same weights on both "
                        "sides; "
                        "ratio = netir time / reference time. IR and scaling: medians of 5 "
                        "(3 with --quick), garbage collected before each repetition."}
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
    print(f"wrote {output} in {result['total_s']:.0f} s")


if __name__ == "__main__":
    main()
