"""docs/source.md from the source sweep's JSON (scripts/source_catalog.py).

Plain Python: no framework is imported, so the table's test runs anywhere. The
document is a function of the JSON alone (same JSON, same bytes).
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = "results-source.json"  # under benchmarks/
DOC = Path("docs") / "source.md"
KINDS = ("torch", "keras")
LABELS = {"torch": "PyTorch", "keras": "Keras"}
#: The issue's targets: the most lines of PyTorch source for these networks.
TARGETS = {"resnet50": 120, "densenet121": 120, "vit_b_16": 120, "efficientnet_b0": 150}


def load(root: Path) -> dict:
    return json.loads((root / "benchmarks" / RESULTS).read_text())


def ordered(data: dict) -> list[dict]:
    """The rows, smallest network first (the sweep's order)."""
    return sorted(data["rows"].values(), key=lambda r: (r.get("params", 0), r["name"]))


def lines_cell(counts: dict | None) -> str:
    return f"{counts['total']} ({counts['code']})" if counts else "-"


def agreement_cell(kind: str, entry: dict | None) -> str:
    """``bitwise``, the largest relative difference, or why not; **FAIL** when out of
    the sweep's tolerance."""
    if not entry:
        return "-"
    if entry.get("max_rel") is None:
        return f"**error**: {entry.get('error', '?')[:80]}".replace("|", "/")
    text = "bitwise" if entry["bitwise"] else f"{entry['max_rel']:.1e}"
    return text if entry.get("passed") else f"**FAIL {text}**"


def targets_table(data: dict) -> list[str]:
    lines = ["| network | target (PyTorch lines) | PyTorch lines | fx lines | met |",
             "|---|---|---|---|---|"]
    for name, limit in TARGETS.items():
        row = data["rows"].get(name)
        if row is None or "lines" not in row:
            lines.append(f"| `{name}` | ≤ {limit} | - | - | not measured |")
            continue
        total = row["lines"]["torch"]["total"]
        verdict = "met" if total <= limit else f"**not met** (+{total - limit})"
        lines.append(f"| `{name}` | ≤ {limit} | {total} | {row['fx_lines']['total']} | "
                     f"{verdict} |")
    return lines


def counts(rows: list[dict]) -> list[str]:
    measured = [r for r in rows if "lines" in r]
    out = [f"- networks: {len(rows)}; measured: {len(measured)}; failed to run: "
           f"{len(rows) - len(measured)}"]
    for kind in KINDS:
        entries = [r["agreement"][kind] for r in measured if kind in r.get("agreement", {})]
        passed = sum(bool(e.get("passed")) for e in entries)
        bitwise = sum(bool(e.get("bitwise")) for e in entries)
        errors = sum(e.get("max_rel") is None for e in entries)
        out.append(f"- {LABELS[kind]}: agrees {passed} of {len(entries)} (bit for bit "
                   f"{bitwise}); failed to run {errors}")
    not_run = [r["name"] for r in measured if r.get("not_run")]
    if not_run:
        out.append(f"- counted but not run (the sweep's time ran out): {len(not_run)}: "
                   + ", ".join(f"`{n}`" for n in not_run))
    for kind in KINDS:
        totals = sorted(r["lines"][kind]["total"] for r in measured)
        if totals:
            out.append(f"- {LABELS[kind]} lines: {totals[0]} to {totals[-1]}, median "
                       f"{totals[len(totals) // 2]}")
    fx = sorted(r["fx_lines"]["total"] for r in measured)
    if fx:
        out.append(f"- fx lines: {fx[0]} to {fx[-1]}, median {fx[len(fx) // 2]}")
    return out


def rows_table(rows: list[dict]) -> list[str]:
    head = ["network", "input", "params (M)", "PyTorch lines", "Keras lines", "fx lines",
            "PyTorch vs to_torch", "Keras vs to_keras", "s"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        if "lines" not in r:
            error = r.get("error", "?").replace("|", "/")
            lines.append(f"| `{r['name']}` | | | | | | **error**: {error[:120]} | | "
                         f"{r.get('wall_s', 0):.0f} |")
            continue
        name = f"`{r['name']}`"
        if r.get("width_mult") is not None:
            name += f" (checked at width {r['width_mult']:g})"
        agreement = r.get("agreement", {})
        cells = [name, "x".join(map(str, r["input"])), f"{r['params'] / 1e6:.1f}",
                 *(lines_cell(r["lines"].get(k)) for k in KINDS), lines_cell(r["fx_lines"]),
                 *(("not run" if r.get("not_run") else agreement_cell(k, agreement.get(k)))
                   for k in KINDS),
                 f"{r.get('wall_s', r.get('seconds', 0)):.0f}"]
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def render(data: dict) -> str:
    meta, rows = data.get("meta", {}), ordered(data)
    versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("versions", {}).items()))
    tolerance = meta.get("tolerance", {})
    total = sum(r.get("wall_s", 0) for r in rows)
    out = ["# Source code out: the length of every catalog network's model file", "",
           f"Written by `scripts/source_catalog.py doc` from `benchmarks/{RESULTS}`; do "
           "not edit by hand.", "",
           "`netir.to_source(g, \"torch\")` writes a PyTorch module file and "
           "`netir.to_source(g, \"keras\")` a Keras functional-API script; both run with "
           "their framework alone (`netir emit NAME --backend torch|keras --source -o DIR` "
           "writes `model.py` and the weights). Each network is built with "
           f"`num_classes={meta.get('num_classes', '?')}` at the smallest square input of "
           f"{meta.get('min_size', '?')} or more that it takes. **lines**: all lines of "
           "the file (in brackets: code lines, neither blank nor a comment nor a "
           "docstring); **fx lines**: the same counts of `netir.to_torch(g).code`, "
           "torch.fx's flat `forward`, for comparison. **params**: those of the graph "
           "measured (its classifier of 10 classes). **vs**: each file run in a process "
           "where netir cannot be imported, on the same random weights as netir's model, "
           f"on one batch of {meta.get('batch', '?')}: `max |source - netir| / "
           "max |netir|` over the outputs, `bitwise` when equal bit for bit; PyTorch must "
           "be bit for bit, Keras within "
           f"{tolerance.get('keras', 0):g}. A network of more than "
           f"{meta.get('param_limit', 0) / 1e6:.0f}M parameters is run at the reduced "
           "width named beside it (the same depth and wiring, narrower); its line counts "
           "are those of the catalog width. **s**: the network's wall time (one process "
           "each). A file's lines are at most 100 columns where a call can be wrapped (one "
           "block a line in an `nn.Sequential`), and repeated blocks are built in loops "
           "(`netir/source/loops.py`).", "",
           f"Run on {meta.get('date', '?')}: {meta.get('cpu', '?')}, "
           f"{meta.get('cpus', '?')} CPUs (shared); {versions}. Wall time summed over "
           f"the networks (a sweep may run in parts): {total / 60:.0f} min.", "",
           "```", "PYTHONPATH=. python scripts/source_catalog.py run", "```", "",
           "## The targets", "", *targets_table(data), "",
           "## Every network", "", *counts(rows), "", *rows_table(rows), ""]
    return "\n".join(out)


def write_doc(root: Path) -> Path:
    path = root / DOC
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render(load(root)))
    tmp.replace(path)
    return path
