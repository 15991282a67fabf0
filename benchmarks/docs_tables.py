"""The tables and figures of docs/benchmarks.md, the README's costs and the docs' build
times, written from the committed results files, so that every number they show is a
number a results file holds (a test compares each page with them).

    python benchmarks/docs_tables.py docs/benchmarks.md     # rewrite the tables in place
    python benchmarks/docs_tables.py                        # every page in PAGES

Each table sits between ``<!-- benchmark table NAME ... -->`` and
``<!-- end of benchmark table NAME -->``; NAME picks the results file and the layout.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
NAMES = {"resnet50": "ResNet-50", "densenet121": "DenseNet-121", "vgg19": "VGG-19"}
KERAS_NAMES = {"resnet50": "ResNet50", "densenet121": "DenseNet121", "vgg19": "VGG19"}
TORCH_COLUMNS = (("netir", "emitted"), ("netir_optimized", "optimised, contiguous"),
                 ("netir_channels_last", "emitted, channels_last"),
                 ("netir_optimized_channels_last",
                  "optimised, channels_last (the `optimize=True` default)"))
SCALING_KEYS = ("build_infer_s", "build_infer_gc_paused_s", "json_round_trip_s", "dot_s")
GRAPHS = {"chain": "chain of ReLUs", "dag": "scoped residual blocks (conv, BN, ReLU, add)"}


def _rows(lines: list[str]) -> str:
    return "\n".join(lines) + "\n"


def torch_variants(result: dict) -> str:
    """Every PyTorch pair: the reference's time and each emitted variant's ratio to it."""
    lines = ["| network | batch | reference | " + " | ".join(c for _, c in TORCH_COLUMNS)
             + " |", "|---|---|---:|" + "---:|" * len(TORCH_COLUMNS)]
    for r in result["torch_vs_reference"]:
        ratios = " | ".join(f"{r['ratios'][k]:.3f}" for k, _ in TORCH_COLUMNS)
        lines.append(f"| {NAMES[r['network']]} | {r['batch']} | "
                     f"{r['reference_s'] * 1e3:.1f} ms | {ratios} |")
    return _rows(lines)


def _by_batch(rows: list[dict], key: str) -> dict[str, dict[int, float]]:
    out: dict[str, dict[int, float]] = {}
    for r in rows:
        out.setdefault(r["network"], {})[r["batch"]] = r[key]
    return out


def keras_and_onnx(result: dict) -> str:
    """Keras, emitted and optimised, against keras.applications; netir's ONNX against
    torch.onnx.export of the same module."""
    lines = ["| comparison | batch 1 | batch 8 |", "|---|---:|---:|"]
    keras = result["keras_vs_applications"]
    for label, key in (("emitted", "ratio"), ("optimised", "optimized_ratio")):
        for network, by in _by_batch(keras, key).items():
            lines.append(f"| {label} Keras / {KERAS_NAMES[network]} | {by[1]:.3f} | "
                         f"{by[8]:.3f} |")
    for network, by in _by_batch(result["onnx_vs_export"], "ratio").items():
        lines.append(f"| netir ONNX / `torch.onnx.export`, {NAMES[network]} | {by[1]:.3f} | "
                     f"{by[8]:.3f} |")
    return _rows(lines)


def full_run(result: dict) -> str:
    """The emitted models of one full run against their references, with the targets."""
    lines = ["| comparison | batch 1 | batch 8 | target | page faults per call at batch 8 "
             "(emitted / reference) |", "|---|---:|---:|---:|---:|"]
    torch_rows = result["torch_vs_reference"]
    faults = _by_batch(torch_rows, "page_faults_per_call")
    for network, by in _by_batch(torch_rows, "ratio").items():
        f = faults[network][8]
        lines.append(f"| emitted PyTorch / torchvision-style {NAMES[network]} | {by[1]:.3f} | "
                     f"{by[8]:.3f} | ≤ 1.02 | {f['netir']:,.0f} / {f['reference']:,.0f} |")
    for network, by in _by_batch(result["keras_vs_applications"], "ratio").items():
        lines.append(f"| emitted Keras / `keras.applications.{KERAS_NAMES[network]}"
                     f"(weights=None)` | {by[1]:.3f} | {by[8]:.3f} | ≤ 1.05 | |")
    return _rows(lines)


def ir_cost(result: dict) -> str:
    """Per network: nodes, the IR's build and counts, and emitting each live model."""
    lines = ["| network | nodes | build + counts | emit PyTorch | emit Keras |",
             "|---|---:|---:|---:|---:|"]
    for r in result["ir_cost"]:
        keras = "" if r["keras_build_s"] is None else f"{r['keras_build_s']:.2f} s"
        lines.append(f"| `{r['network']}` | {r['nodes']} | {r['ir_s'] * 1e3:.1f} ms | "
                     f"{r['torch_build_s']:.2f} s | {keras} |")
    return _rows(lines)


def scaling(result: dict) -> str:
    """Time per node at 10k and 100k nodes and t(100k)/t(10k) for each operation, and the
    collector's full passes while building 100k nodes."""
    lines = ["| synthetic graph, 10k → 100k nodes | build + shape inference | same, collector "
             "paused | JSON round trip | DOT (layer level) | full collector passes at 100k |",
             "|---|---|---|---|---|---|"]
    rows = result["scaling"]
    for big in (r for r in rows if r["nodes"] == 100_000):
        small = next(r for r in rows if r["graph"] == big["graph"] and r["nodes"] == 10_000)
        cells = [f"{small['us_per_node'][k]:.1f} → {big['us_per_node'][k]:.1f} µs "
                 f"({10 * big['us_per_node'][k] / small['us_per_node'][k]:.1f}×)"
                 for k in SCALING_KEYS]
        passes = (f"{big['build_gc_full_passes']} ({big['build_gc_full_passes_s']:.2f} s of "
                  f"{big['build_infer_s']:.2f} s)")
        lines.append(f"| {GRAPHS[big['graph']]} | " + " | ".join(cells) + f" | {passes} |")
    return _rows(lines)


def rendering(result: dict) -> str:
    """SVG through dot, per network and level."""
    by: dict[str, dict[str, float]] = {}
    for r in result["rendering"]:
        by.setdefault(r["network"], {})[r["level"]] = r["svg_s"]
    lines = ["| network | block level | layer level |", "|---|---:|---:|"]
    lines += [f"| `{n}` | {t['block']:.2f} s | {t['layer']:.2f} s |" for n, t in by.items()]
    return _rows(lines)


def _minutes(seconds: float) -> str:
    m, s = divmod(round(seconds), 60)
    return f"{m} min {s} s" if m else f"{s} s"


def _measured(row: dict) -> str:
    m = row["machine"]
    return (f"measured {row['date']} at commit {row['commit']} on {m['cpu']}, {m['cpus']} "
            f"CPUs, {m['memory_gib']:.0f} GiB, Python {m['python']}")


def _setup(row: dict) -> str:
    return (f"about {row['venv_gib']:.1f} GB of disk in `.venv`, almost all of it TensorFlow "
            f"and torch; {_minutes(row['wall_s'])} from a warm pip cache (a fresh machine "
            "downloads the frameworks first)")


def _gallery(row: dict) -> str:
    verdict = (f"all {row['pass']} network–backend pairs pass" if not row["fail"]
               else f"{row['pass']} pairs pass, {row['fail']} fail")
    return (f"{_minutes(row['wall_s'])} from scratch ({verdict}; {row['cpu_percent']}% CPU, "
            f"at most {row['max_rss_gib']:.1f} GB in one process); "
            f"{_minutes(row['again']['wall_s'])} again with nothing changed")


def _tests(row: dict) -> str:
    counts = ", ".join(f"{row[k]:,} {k}" for k in ("passed", "failed", "xfailed", "skipped")
                       if row.get(k))
    return f"{_minutes(row['wall_s'])} for the suite ({counts})"


def costs(result: dict) -> str:
    """The README's cost bullets: setup, the gallery, the tests, each with its commit."""
    s = result["sections"]
    m = s["tests"]["machine"]
    at = {k: f", commit {row['commit']}, {row['date']}" for k, row in s.items()}
    return _rows([f"**What they cost** (on {m['cpu']}, {m['cpus']} CPUs, "
                  f"{m['memory_gib']:.0f} GiB, Python {m['python']}; `python "
                  "benchmarks/costs.py` measures them in a fresh clone):", "",
                  f"- setup: {_setup(s['setup'])} ([docs/install.md](docs/install.md)"
                  f"{at['setup']});",
                  f"- the gallery, every catalog network checked on every backend: "
                  f"{_gallery(s['gallery'])} ([docs/gallery.md](docs/gallery.md#build-times)"
                  f"{at['gallery']});",
                  f"- the tests: {_tests(s['tests'])} ([docs/testing.md](docs/testing.md)"
                  f"{at['tests']})."])


def _core(row: dict) -> str:
    names = ", ".join(p.split("==")[0] for p in row["packages"] if not p.startswith("netir=="))
    return (f"The core install, `pip install netir`, brings only {names} ("
            f"{row['venv_mib']} MiB of virtual environment with pip, {_minutes(row['wall_s'])} "
            f"from a warm pip cache; {_measured(row)})")


def _core_size(row: dict) -> str:
    names = ", ".join(p for p in row["packages"] if not p.startswith("netir=="))
    return f"{row['venv_mib']} MiB of virtual environment with pip, for {names}"


def core(result: dict) -> str:
    """The README's sentence on the core install."""
    return _rows([_core(result["sections"]["core"]) + ": the IR, shape inference, counts, "
                  "JSON, the catalog, and `netir list`, `summary` and `ops`. Emitting, "
                  "checking, drawing and the gallery need the extras (`'netir[torch]'`, "
                  "`'netir[keras]'`, `'netir[onnx]'`, `'netir[render]'`, or `'netir[all]'`)."])


def _cost_line(section: str, say) -> Callable[[dict], str]:
    def line(result: dict) -> str:
        row = result["sections"][section]
        return _rows([f"`{row['command']}`: {say(row)} ({_measured(row)}).", ])
    line.__doc__ = f"One line: the {section} cost and how it was measured."
    return line


# NAME -> (results file beside this script, table)
TABLES = {"torch-2026-11-28": ("results-2026-11-28-torch.json", torch_variants),
          "keras-onnx-2026-11-28": ("results-2026-11-28-keras-onnx.json", keras_and_onnx),
          "full-run": ("results.json", full_run),
          "ir-cost": ("results.json", ir_cost),
          "scaling": ("results.json", scaling),
          "scaling-2026-11-28": ("results-2026-11-28-scaling.json", scaling),
          "rendering": ("results.json", rendering),
          "costs": ("results-costs.json", costs),
          "costs-core": ("results-costs.json", core),
          "costs-setup": ("results-costs.json", _cost_line("setup", _setup)),
          "costs-core-size": ("results-costs.json", _cost_line("core", _core_size)),
          "costs-gallery": ("results-costs.json", _cost_line("gallery", _gallery)),
          "costs-tests": ("results-costs.json", _cost_line("tests", _tests))}
# page (from the repository root) -> the tables it shows
PAGES = {"docs/benchmarks.md": ("torch-2026-11-28", "keras-onnx-2026-11-28", "full-run",
                                "ir-cost", "scaling", "scaling-2026-11-28", "rendering"),
         "README.md": ("costs", "costs-core"),
         "docs/install.md": ("costs-setup", "costs-core-size"),
         "docs/gallery.md": ("costs-gallery",), "docs/testing.md": ("costs-tests",)}
BLOCK = re.compile(r"(<!-- benchmark table (?P<name>[\w.-]+):[^\n]*-->\n)(?P<body>.*?)"
                   r"(<!-- end of benchmark table (?P=name) -->)", re.S)


def start_marker(name: str) -> str:
    page = next(p for p, names in PAGES.items() if name in names)
    return (f"<!-- benchmark table {name}: generated from benchmarks/{TABLES[name][0]} by "
            f"`python benchmarks/docs_tables.py {page}` -->")


def table(name: str, results_dir: Path = HERE) -> str:
    file, fn = TABLES[name]
    return fn(json.loads((results_dir / file).read_text(encoding="utf-8")))


def with_tables(text: str, results_dir: Path = HERE) -> str:
    """``text`` with every marked table rewritten from its results file; ValueError for a
    table name this script does not know."""
    def replace(m: re.Match) -> str:
        if m["name"] not in TABLES:
            raise ValueError(f"unknown benchmark table {m['name']!r}; known: "
                             f"{', '.join(TABLES)}")
        return f"{start_marker(m['name'])}\n{table(m['name'], results_dir)}{m[4]}"

    return BLOCK.sub(replace, text)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent))
    from netir.ir.files import write_atomic

    for path in argv or [str(HERE.parent / page) for page in PAGES]:
        write_atomic(path, with_tables(Path(path).read_text(encoding="utf-8")))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
