"""A results file's tables, as run.py prints them at the end of a run.

    .venv/bin/python benchmarks/markdown.py [benchmarks/results.json]

This script prints them again from the file. The tables of docs/benchmarks.md are written
by benchmarks/docs_tables.py.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

TORCH_COLUMNS = (("netir", "emitted"), ("netir_optimized", "optimised"),
                 ("netir_channels_last", "emitted, channels_last"),
                 ("netir_optimized_channels_last", "optimised, channels_last"))


def torch_table(rows: list[dict]) -> str:
    head = "| network | batch | reference | " + " | ".join(c for _, c in TORCH_COLUMNS) + \
        " | page faults/call (emitted / optimised / reference) |"
    lines = [head, "|---" * (4 + len(TORCH_COLUMNS)) + "|"]
    for r in rows:
        f = r["page_faults_per_call"]
        ratios = " | ".join(f"{r['ratios'][k]:.3f}" for k, _ in TORCH_COLUMNS)
        lines.append(f"| {r['network']} | {r['batch']} | {r['reference_s'] * 1e3:.1f} ms | "
                     f"{ratios} | {f['netir']:.0f} / {f['netir_optimized']:.0f} / "
                     f"{f['reference']:.0f} |")
    return "\n".join(lines)


def keras_table(rows: list[dict]) -> str:
    lines = ["| network | batch | keras.applications | emitted | optimised |",
             "|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['network']} | {r['batch']} | {r['applications_s'] * 1e3:.1f} ms "
                     f"| {r['ratio']:.3f} | {r['optimized_ratio']:.3f} |")
    return "\n".join(lines)


def scaling_table(rows: list[dict]) -> str:
    keys = ("build_infer_s", "build_infer_gc_paused_s", "json_round_trip_s", "dot_s")
    lines = ["| synthetic graph | build + shape inference | same, collector paused | "
             "JSON round trip | DOT (layer level) |", "|---|---|---|---|---|"]
    for big in (r for r in rows if r["nodes"] >= 100_000):
        small = next(r for r in rows if r["graph"] == big["graph"] and r["nodes"] == 10_000)
        cells = [f"{small['us_per_node'][k]:.1f} → {big['us_per_node'][k]:.1f} µs "
                 f"({big['ratio_100k_10k'][k]:.1f}×)" for k in keys]
        lines.append(f"| {big['graph']}, 10k → 100k nodes | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def tables(result: dict) -> str:
    """Markdown for every section present in ``result`` that has a table."""
    parts = []
    for key, title, fn in (("torch_vs_reference", "PyTorch: ratio = time / reference",
                            torch_table),
                           ("keras_vs_applications", "Keras: ratio = time / "
                            "keras.applications", keras_table),
                           ("scaling", "Scaling: time per node, t(100k)/t(10k)",
                            scaling_table)):
        if result.get(key):
            parts.append(f"**{title}**\n\n{fn(result[key])}")
    return "\n\n".join(parts)


if __name__ == "__main__":
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).parent / "results.json")
    print(tables(json.loads(path.read_text())))
