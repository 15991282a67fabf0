"""The catalog's check table for docs/checks.md, from ``netir check --all --json FILE``.

    netir check --all --jobs 2 --json check.json
    python scripts/check_table.py check.json > table.md

One row per network: its input, parameters, the largest output magnitude, the worst
node over every backend with its relative and absolute error, the largest output
error, each backend's worst relative error, the seconds it took and the verdict; then
a line of totals. Reads only the JSON, so the table is the run's own numbers.
"""

from __future__ import annotations

import json
import sys


def _shape(shape) -> str:
    return "×".join(str(d) for d in shape)


def table(reports: list[dict]) -> str:
    backends = list(dict.fromkeys(r["backend"] for rep in reports for r in rep["results"]))
    head = ["network", "input", "params", "max \\|out\\|", "worst node", "rel", "\\|Δ\\|",
            "out \\|Δ\\|", *(f"{b} rel" for b in backends), "s", "result"]
    lines = ["| " + " | ".join(head) + " |",
             "|" + "|".join("---" if i in (0, 1, 4) else "---:" for i in range(len(head)))
             + "|"]
    for rep in reports:
        worst = max(rep["results"], key=lambda r: r["worst_rel"])
        by = {r["backend"]: r for r in rep["results"]}
        name = rep["network"]
        if rep.get("reduced"):
            name += f" (1/{round(1 / rep['reduced'])} width)"
        row = [name, ", ".join(_shape(s) for s in rep["inputs"].values()),
               f"{rep['ir_params'][0]:,}", f"{rep['output_scale']:.3g}",
               f"`{worst['worst_node']}` ({worst['backend']})", f"{worst['worst_rel']:.1e}",
               f"{worst['worst_abs']:.1e}",
               f"{max(r['output_abs'] for r in rep['results']):.1e}",
               *(f"{by[b]['worst_rel']:.1e}" if b in by else "" for b in backends),
               f"{rep['seconds']:.0f}", "pass" if rep["passed"] else "**FAIL**"]
        lines.append("| " + " | ".join(row) + " |")
    scales = [rep["output_scale"] for rep in reports]
    worst_rel = max(r["worst_rel"] for rep in reports for r in rep["results"])
    passed = sum(rep["passed"] for rep in reports)
    lines.append("")
    lines.append(f"{passed} of {len(reports)} passed; max |out| from {min(scales):.3g} to "
                 f"{max(scales):.3g}; the worst node of any network and backend is "
                 f"{worst_rel:.1e} relative to its own scale (tolerance "
                 f"{reports[0]['tolerance']:g}); {sum(r['seconds'] for r in reports):.0f} s "
                 "of checking in all.")
    return "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python scripts/check_table.py CHECK.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as f:
        sys.stdout.write(table(json.load(f)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
