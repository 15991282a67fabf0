"""A results file from the lines that ``benchmarks/run.py`` printed, for a run whose own
JSON was lost (it stopped before writing it, or wrote it outside the repository).

    python benchmarks/from_log.py benchmarks/logs/2026-11-28-cpu.log torch_vs_reference \
        benchmarks/results-2026-11-28-torch.json
    python benchmarks/from_log.py benchmarks/logs/2026-11-28-scaling.log scaling \
        benchmarks/results-2026-11-28-scaling.json

Only what the lines print is kept (ratios and times as rounded there), with the log's
``#`` header lines as the run's description. The file is byte-for-byte what this script
writes from the committed log (a test checks it).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

TORCH = re.compile(r"^\s+(?P<network>\w+)\s+batch (?P<batch>\d+): reference\s+(?P<ms>[\d.]+) ms; "
                   r"ratio (?P<ratios>.*?)\s+\(page faults/call netir (?P<f_netir>\d+), "
                   r"optimized (?P<f_opt>\d+), reference (?P<f_ref>\d+)\)$")
SCALING = re.compile(r"^\s+(?P<graph>\w+)\s+(?P<nodes>[\d,]+) nodes: build\s+(?P<build>[\d.]+) s "
                     r"\((?P<us_build>[\d.]+) µs/node; (?P<us_paused>[\d.]+) with the collector "
                     r"paused\)\s+json\s+(?P<json>[\d.]+) s \((?P<us_json>[\d.]+)\)\s+dot\s+"
                     r"(?P<dot>[\d.]+) s \((?P<us_dot>[\d.]+)\)\s+\[(?P<passes>\d+) full "
                     r"collections, (?P<passes_s>[\d.]+) s\]$")


def _torch_row(m: re.Match) -> dict:
    words = m["ratios"].split()
    ratios = {k: float(v) for k, v in zip(words[::2], words[1::2])}
    return {"network": m["network"], "batch": int(m["batch"]),
            "reference_s": float(m["ms"]) / 1e3, "ratios": ratios,
            "page_faults_per_call": {"netir": int(m["f_netir"]),
                                     "netir_optimized": int(m["f_opt"]),
                                     "reference": int(m["f_ref"])}}


def _scaling_row(m: re.Match) -> dict:
    return {"graph": m["graph"], "nodes": int(m["nodes"].replace(",", "")),
            "build_infer_s": float(m["build"]), "json_round_trip_s": float(m["json"]),
            "dot_s": float(m["dot"]),
            "us_per_node": {"build_infer_s": float(m["us_build"]),
                            "build_infer_gc_paused_s": float(m["us_paused"]),
                            "json_round_trip_s": float(m["us_json"]),
                            "dot_s": float(m["us_dot"])},
            "build_gc_full_passes": int(m["passes"]),
            "build_gc_full_passes_s": float(m["passes_s"])}


PARSERS = {"torch_vs_reference": (TORCH, _torch_row), "scaling": (SCALING, _scaling_row)}


def from_log(text: str, section: str) -> dict:
    """The ``section`` of a results file, from the first block of ``section:`` lines in a
    run.py log; ValueError when the log holds no such line."""
    pattern, row = PARSERS[section]
    header, rows, inside = [], [], False
    for line in text.splitlines():
        if line.startswith("#"):
            if not rows:                  # the description of the run that printed them
                header.append(line.lstrip("# "))
        elif line.rstrip(":") == section and line.endswith(":"):
            inside = not rows
        elif line.endswith(":") and not line.startswith(" "):
            inside = False
        elif inside and (m := pattern.match(line)):
            rows.append(row(m))
    if not rows:
        raise ValueError(f"no {section} lines in the log")
    return {"source": "the lines benchmarks/run.py printed; its JSON was not kept",
            "run": header, section: rows}


def main(argv: list[str]) -> int:
    if len(argv) != 4 or argv[2] not in PARSERS:
        print(f"usage: python benchmarks/from_log.py LOG {{{','.join(PARSERS)}}} OUT.json",
              file=sys.stderr)
        return 2
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from netir.ir.files import write_atomic

    result = from_log(Path(argv[1]).read_text(encoding="utf-8"), argv[2])
    write_atomic(argv[3], json.dumps(result, indent=1, sort_keys=True, ensure_ascii=False)
                 + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
