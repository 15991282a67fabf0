"""How long :func:`netir.from_torch` takes on catalog networks emitted for PyTorch.

    python benchmarks/import_speed.py [--json FILE] [--repeat 5]

For resnet50 and vit_b_16 (``to_torch(build(name))``, batch 1 at the default input),
the median of ``--repeat`` imports, with the machine's CPU model and the Python and torch
versions, written to ``--json`` (default benchmarks/results-import-speed.json). The
targets are 1 s for resnet50 and 2 s for vit_b_16. A shared machine makes the numbers
noisy: the median, not the mean, and every run is recorded.
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import time
from pathlib import Path

NETWORKS = {"resnet50": 1.0, "vit_b_16": 2.0}  # name -> target median in seconds


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo ("unknown" where there is none)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown"


def time_import(name: str, repeat: int) -> list[float]:
    """Seconds of each of ``repeat`` imports of ``name`` emitted for PyTorch."""
    import torch

    from netir import build, from_torch
    from netir.emitters.pytorch import to_torch
    from netir.emitters.pytorch.emit import no_initial_weights

    graph = build(name)
    with no_initial_weights():
        model = to_torch(graph)
    examples = [torch.zeros((1, *node.shape)) for node in graph.inputs]
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        from_torch(model, examples, name=graph.name)
        runs.append(time.perf_counter() - start)
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", default=str(Path(__file__).with_name(
        "results-import-speed.json")))
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    import torch

    from netir.ir.files import write_atomic

    record = {"cpu": cpu_model(), "python": platform.python_version(),
              "torch": torch.__version__, "threads": torch.get_num_threads(),
              "repeat": args.repeat, "networks": {}}
    for name, target in NETWORKS.items():
        runs = time_import(name, args.repeat)
        median = statistics.median(runs)
        record["networks"][name] = {"median_s": round(median, 3), "target_s": target,
                                    "runs_s": [round(r, 3) for r in runs],
                                    "within_target": median <= target}
        print(f"{name}: median {median:.3f} s of {args.repeat} (target {target:g} s)",
              flush=True)
    write_atomic(args.json, json.dumps(record, indent=1, sort_keys=True) + "\n")
    print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
