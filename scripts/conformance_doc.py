"""docs/conformance.md from the conformance sweep's JSON files (scripts/conformance.py).

Plain Python: no framework is imported, so the table's test runs in the pinned
environment. The document is a function of the JSON alone (same JSON, same bytes).
"""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

RESULTS = "results-conformance-{}.json"
SOURCES = ("torchvision", "timm")
BACKENDS = ("torch", "keras", "onnx", "reference")  # the columns; others are listed after
DOC = Path("docs") / "conformance.md"


def load(root: Path) -> dict[str, dict]:
    """``{source: {"meta": ..., "rows": [...]}}`` for each JSON file present."""
    import json

    found = {}
    for source in SOURCES:
        path = root / "benchmarks" / RESULTS.format(source)
        if path.exists():
            found[source] = json.loads(path.read_text())
    return found


def backends_of(rows: list[dict]) -> list[str]:
    seen = {b for r in rows for b in r.get("backends", {})}
    return [b for b in BACKENDS if b in seen] + sorted(seen - set(BACKENDS))


def cell(entry: dict | None) -> str:
    """One backend's result: ``bitwise``, the max relative difference, or why not."""
    if not entry:
        return "-"
    if "error" in entry:
        return "error"
    if entry.get("bitwise"):
        return "bitwise"
    text = f"{entry['max_rel']:.1e}"
    return text if entry.get("passed") else f"**FAIL {text}**"


def json_cell(row: dict) -> str:
    if "json_equal" not in row:
        return "-" if row.get("imported") else ""
    if row["json_equal"]:
        return "equal"
    if row.get("structure_equal"):
        return f"names ({row['renamed']})"
    return "**differs**"


def counts(rows: list[dict], backends: list[str]) -> list[str]:
    imported = [r for r in rows if r.get("imported")]
    lines = [f"- models: {len(rows)}; imported: {len(imported)}; "
             f"not imported: {len(rows) - len(imported)}"]
    catalog = [r for r in imported if "json_equal" in r]
    if catalog:
        equal = sum(r["json_equal"] for r in catalog)
        same = sum(bool(r.get("structure_equal")) for r in catalog)
        lines.append(f"- catalog graph (of {len(catalog)} imported catalog networks): JSON "
                     f"byte-equal {equal}; equal but for node names {same - equal}; "
                     f"different {len(catalog) - same}")
    checked = [r for r in imported if r.get("backends")]
    for b in backends:
        ran = [r["backends"][b] for r in checked if b in r["backends"]]
        passed = sum(bool(e.get("passed")) for e in ran)
        bitwise = sum(bool(e.get("bitwise")) for e in ran)
        errors = sum("error" in e for e in ran)
        lines.append(f"- {b}: agrees {passed} of {len(ran)} (bit for bit {bitwise}); "
                     f"failed to run {errors}")
    skipped = [r["name"] for r in imported if r.get("backends_skipped")]
    if skipped:
        lines.append(f"- imported only, backends not run (size): {', '.join(skipped)}")
    return lines


def rows_table(rows: list[dict], backends: list[str]) -> list[str]:
    head = ["model", "family", "input", "params (M)", "imported", "catalog JSON",
            *backends, "s", "why not"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        size = "x".join(str(d) for d in r["input"]) if r.get("input") else ""
        params = f"{r['params'] / 1e6:.1f}" if r.get("params") is not None else ""
        why = "" if r.get("imported") else _why(r)
        cells = [r["name"], r.get("family", ""), size, params,
                 "yes" if r.get("imported") else "no", json_cell(r),
                 *(cell(r.get("backends", {}).get(b)) for b in backends),
                 f"{r.get('wall_s', r.get('seconds', 0)):.0f}", why]
        lines.append("| " + " | ".join(str(c).replace("|", "\\|") for c in cells) + " |")
    return lines


def _why(row: dict) -> str:
    targets = sorted({m.split(":", 1)[0] for m in row.get("missing", [])})
    return ", ".join(f"`{t}`" for t in targets) if targets else row.get("why_not", "")


def worklist(rows: list[dict]) -> list[str]:
    """Not imported, grouped by what the IR or the importer lacked."""
    by_target: dict[str, set[str]] = defaultdict(set)
    example: dict[str, str] = {}
    for r in rows:
        if r.get("imported"):
            continue
        for m in r.get("missing", []) or [r.get("why_not", "unknown")]:
            target, _, lacks = m.partition(": ")
            by_target[target].add(r["name"])
            example.setdefault(target, lacks)
    lines = ["| missing (torch target, or the error) | models | what the IR lacks (first seen) |",
             "|---|---|---|"]
    for target in sorted(by_target, key=lambda t: (-len(by_target[t]), t)):
        names = sorted(by_target[target])
        listed = ", ".join(names[:8]) + (f" (+{len(names) - 8})" if len(names) > 8 else "")
        lines.append(f"| `{target}` | {len(names)}: {listed} | "
                     f"{example[target][:160].replace('|', '/')} |")
    return lines


def render(found: dict[str, dict]) -> str:
    out = ["# Conformance: torchvision's and timm's own models through `netir.from_torch`",
           "",
           "Written by `scripts/conformance.py doc` from "
           + ", ".join(f"`benchmarks/{RESULTS.format(s)}`" for s in found)
           + "; do not edit by hand.", "",
           "Each model is built by its library with random weights (torchvision "
           "`weights=None`, timm `pretrained=False`), in eval mode, and imported with "
           "`netir.from_torch`. **catalog JSON**: for a torchvision classifier, the "
           "imported graph's `to_json()` text against `netir.build(name, input_size=...)`'s, "
           "byte for byte after naming the graph input as the catalog does (torchvision's "
           "forward calls it `x`); `names (k)`: the same graph (ops, attributes, shapes, "
           "layouts, wiring, node by node) but for k node names. **Backends**: each "
           "registered backend, loaded with the imported weights, runs the same batch as "
           "the library's forward: `max |backend - torch module| / max |torch module|` over "
           "the outputs, `bitwise` when equal bit for bit; it agrees at 1e-5 for torch, "
           "1e-4 for the others (float32). Each model runs in a subprocess of its own "
           "(a crash or a timeout costs one row) at the smallest input of 64, 96, 128, 224 "
           "that it takes. **s**: that subprocess's wall time.", ""]
    for source, data in found.items():
        rows, meta = data["rows"], data.get("meta", {})
        backends = backends_of(rows)
        versions = ", ".join(f"{k} {v}" for k, v in sorted(meta.get("versions", {}).items()))
        total = sum(r.get("wall_s", 0) for r in rows)
        out += [f"## {source}", "",
                f"Run on {meta.get('date', '?')}: {meta.get('cpu', '?')}, "
                f"{meta.get('cpus', '?')} CPUs (shared), batch {meta.get('batch', '?')}, "
                f"seed {meta.get('seed', '?')}; {versions}. Sweep wall time "
                f"{total / 60:.0f} min.", "",
                "```", f"PYTHONPATH=. python scripts/conformance.py run {source}", "```", "",
                *counts(rows, backends), "", *rows_table(rows, backends), "",
                f"### {source}: why not (the vocabulary worklist)", "", *worklist(rows), ""]
    return "\n".join(out)


def write_doc(root: Path) -> Path:
    path = root / DOC
    tmp = path.with_suffix(".tmp")
    tmp.write_text(render(load(root)))
    tmp.replace(path)
    return path
