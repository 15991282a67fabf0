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

import netir  # noqa: E402
from netir.architectures import build, list_architectures  # noqa: E402


def median_time(fn, repeat: int) -> float:
    """Median wall time of ``repeat`` calls; garbage is collected before each (outside the
    timing), so one call does not pay for the previous call's garbage."""
    times = []
    for _ in range(repeat):
        gc.collect()
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def interleaved(fns: dict, repeat: int, warmup: int = 1) -> dict[str, float]:
    for fn in fns.values():
        for _ in range(warmup):
            fn()
    times = {k: [] for k in fns}
    for _ in range(repeat):
        for k, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[k].append(time.perf_counter() - t)
    return {k: statistics.median(v) for k, v in times.items()}


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


def torch_vs_reference(quick: bool) -> list[dict]:
    import reference_models as ref
    import torch

    from netir.emitters.pytorch import import_weights, to_torch
    from netir.emitters.weights import random_weights

    torch.set_num_threads(2)
    rows = []
    for name, cls in (("resnet50", ref.ResNet50), ("densenet121", ref.DenseNet121),
                      ("vgg19", ref.VGG19)):
        g = build(name)
        w = random_weights(g)
        ours = to_torch(g).eval()
        import_weights(ours, w)
        theirs = cls().eval()
        theirs.load_state_dict(ours.state_dict())
        for batch in (1, 8):
            x = torch.randn(batch, 3, 224, 224)
            with torch.no_grad():
                err = float((ours(x) - theirs(x)).abs().max())
                reps = 3 if quick else (5 if batch == 8 else 10)
                t = interleaved({"netir": lambda: ours(x), "reference": lambda: theirs(x)}, reps)
            rows.append({"network": name, "batch": batch, "netir_s": t["netir"],
                         "reference_s": t["reference"], "ratio": t["netir"] / t["reference"],
                         "max_abs_diff": err})
            print(f"  {name:12s} batch {batch}: netir {t['netir'] * 1e3:8.1f} ms  reference "
                  f"{t['reference'] * 1e3:8.1f} ms  ratio {rows[-1]['ratio']:.3f}", flush=True)
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
            reps = 3 if quick else (5 if batch == 8 else 10)
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


def synthetic(n: int, dag: bool) -> netir.Graph:
    """``n`` nodes. A chain of ReLUs, or a DAG of scoped residual blocks (conv, batch
    norm, ReLU, add back onto the block input), 50 blocks per stage scope."""
    g = netir.Graph(f"{'dag' if dag else 'chain'}{n}")
    x = g.input((8, 8, 8))
    count, block = 1, 0
    while count < n:
        if dag and count + 4 <= n:
            with g.scope(f"stage{block // 50}"), g.scope(str(block % 50)):
                y = g.relu(g.batch_norm(g.conv2d(x, 8, 3, padding=1, bias=False)))
                x = g.add(x, y)
            count, block = count + 4, block + 1
        else:
            x = g.relu(x)
            count += 1
    return g


def scaling(quick: bool) -> list[dict]:
    from netir.ir.bulk import collector_paused
    from netir.renderers.dot import to_dot

    keys = ("build_infer_s", "build_infer_gc_paused_s", "json_round_trip_s", "dot_s")
    rows = []
    for dag in (False, True):
        kind = "dag" if dag else "chain"
        for n in (1_000, 10_000, 100_000):
            reps = 3 if quick and n == 100_000 else 5
            t_build = median_time(lambda: synthetic(n, dag), reps)
            t_paused = median_time(collector_paused()(lambda: synthetic(n, dag)), reps)
            g = synthetic(n, dag)
            text = g.to_json()
            t_json = median_time(lambda: netir.Graph.from_json(g.to_json()), reps)
            t_dot = median_time(lambda: to_dot(g, "layer"), reps)
            row = {"graph": kind, "nodes": len(g), "build_infer_s": t_build,
                   "build_infer_gc_paused_s": t_paused,
                   "json_round_trip_s": t_json, "dot_s": t_dot, "json_bytes": len(text)}
            row["us_per_node"] = {k: row[k] / len(g) * 1e6 for k in keys}
            if n == 100_000:
                small = next(r for r in rows if r["graph"] == kind and r["nodes"] == 10_000)
                row["ratio_100k_10k"] = {k: row[k] / small[k] for k in keys}
            rows.append(row)
            per = row["us_per_node"]
            print(f"  {kind:5s} {len(g):>7,} nodes: build {t_build:6.2f} s "
                  f"({per['build_infer_s']:4.1f} µs/node; {per['build_infer_gc_paused_s']:4.1f} "
                  f"with the collector paused)  json {t_json:6.2f} s "
                  f"({per['json_round_trip_s']:4.1f})  dot {t_dot:6.2f} s "
                  f"({per['dot_s']:4.1f})", flush=True)
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
    import reference_models as ref
    import torch

    from netir.emitters.pytorch import import_weights, to_torch
    from netir.emitters.weights import random_weights

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

    g = build("resnet50")
    ours = to_torch(g).eval().cuda()
    import_weights(ours, random_weights(g))
    theirs = ref.ResNet50().eval().cuda()
    theirs.load_state_dict(ours.state_dict())
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


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--quick", action="store_true", help="fewer repetitions")
    p.add_argument("--cpu-only", action="store_true", help="skip the CUDA section")
    p.add_argument("-o", "--output", default=str(Path(__file__).parent / "results.json"))
    args = p.parse_args()
    import keras
    import torch

    start = time.perf_counter()
    result = {"machine": {"platform": platform.platform(), "processor": platform.machine(),
                          "cpus": os.cpu_count(), "python": platform.python_version(),
                          "torch": torch.__version__, "keras": keras.__version__,
                          "netir": netir.__version__},
              "method": "medians of interleaved repetitions after one warm-up; float32, "
                        "eval/inference mode, 224×224 inputs, torch.set_num_threads(2); "
                        "ratio = netir time / reference time"}
    for key, fn in (("ir_cost", lambda: ir_cost(args.quick)),
                    ("torch_vs_reference", lambda: torch_vs_reference(args.quick)),
                    ("keras_vs_applications", lambda: keras_vs_applications(args.quick)),
                    ("scaling", lambda: scaling(args.quick)), ("rendering", rendering)):
        print(f"{key}:", flush=True)
        result[key] = fn()
    if torch.cuda.is_available() and not args.cpu_only:
        print("gpu:", flush=True)
        result["gpu"] = gpu()
    result["total_s"] = time.perf_counter() - start
    Path(args.output).write_text(json.dumps(result, indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.output} in {result['total_s']:.0f} s")


if __name__ == "__main__":
    main()
