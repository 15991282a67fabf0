"""What the README's two commands cost, measured the way a newcomer runs them: a fresh
clone, ``scripts/setup.sh``, the core install alone (``pip install .`` without extras, in a
venv of its own), the gallery from scratch (and again, nothing changed), and the
test suite. Writes ``benchmarks/results-costs.json``; ``benchmarks/docs_tables.py`` prints
the README's and the docs' cost figures from it (a test holds the pages to the file).

    python benchmarks/costs.py [--only setup,core,gallery,tests] [--keep DIR]

Each section runs in the clone (default: a temporary folder, removed afterwards) as a
child process under ``/usr/bin/time -v`` (wall time, CPU share and the largest resident
process). Sections already in the results file and not re-measured are kept. Run it on
an otherwise idle machine: the figures are one measurement each, not medians.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results-costs.json"
SECTIONS = ("setup", "core", "gallery", "tests")
# pip's cache is warm on a machine that has installed netir once; setup on a fresh
# machine downloads TensorFlow and torch first (not measured here).
SETUP = ["scripts/setup.sh"]
GALLERY = [".venv/bin/netir", "gallery", "-o", "gallery"]
TESTS = [".venv/bin/python", "-m", "pytest", "-n", "2", "-q", "-p", "no:cacheprovider"]
# the core install alone (`pip install netir` without extras) in a venv of its own
CORE_VENV = "core-venv"
CORE = ["sh", "-c", f"python3 -m venv {CORE_VENV} && {CORE_VENV}/bin/python -m pip install "
        "-q -c constraints.txt ."]


def cpu_model() -> str:
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor() or "unknown"


def machine() -> dict:
    mem = next(line for line in Path("/proc/meminfo").read_text().splitlines()
               if line.startswith("MemTotal"))
    return {"cpu": cpu_model(), "cpus": len(os.sched_getaffinity(0)),
            "memory_gib": round(int(mem.split()[1]) / 2**20, 1),
            "python": platform.python_version(), "system": platform.platform()}


def timed(cmd: list[str], cwd: Path) -> dict:
    """``cmd`` under /usr/bin/time -v: wall seconds, CPU percent, peak RSS (GiB) of the
    largest process, the exit status and the last lines of its output."""
    t = time.perf_counter()
    proc = subprocess.run(["/usr/bin/time", "-v", *cmd], cwd=cwd, capture_output=True,
                          text=True)
    wall = time.perf_counter() - t
    err = proc.stderr

    def field(name: str) -> str:
        return re.search(rf"^\s*{re.escape(name)}: (.*)$", err, re.M)[1]

    return {"command": " ".join(cmd), "returncode": proc.returncode, "wall_s": round(wall, 1),
            "cpu_percent": int(field("Percent of CPU this job got").rstrip("%")),
            "max_rss_gib": round(int(field("Maximum resident set size (kbytes)")) / 2**20, 2),
            "tail": (proc.stdout + err.split("\tCommand being timed")[0]).strip()
            .splitlines()[-3:]}


def du_bytes(path: Path) -> int:
    out = subprocess.run(["du", "-sb", str(path)], capture_output=True, text=True, check=True)
    return int(out.stdout.split()[0])


def du_gib(path: Path) -> float:
    return round(du_bytes(path) / 2**30, 2)


def pytest_counts(lines: list[str]) -> dict:
    """'3363 passed, 2 xfailed in 496.12s' -> {'passed': 3363, 'xfailed': 2}."""
    summary = next((x for x in reversed(lines) if re.search(r"\d+ passed", x)), "")
    return {k: int(n) for n, k in re.findall(r"(\d+) (passed|failed|xfailed|skipped|error)",
                                              summary)}


def measure(section: str, clone: Path) -> dict:
    if section == "setup":
        if (clone / ".venv").exists():
            shutil.rmtree(clone / ".venv")
        row = timed(SETUP, clone)
        row["venv_gib"] = du_gib(clone / ".venv")
        return row
    if section == "core":
        shutil.rmtree(clone / CORE_VENV, ignore_errors=True)
        row = timed(CORE, clone)
        row["venv_mib"] = round(du_bytes(clone / CORE_VENV) / 2**20)
        row["packages"] = subprocess.run(
            [str(clone / CORE_VENV / "bin" / "python"), "-m", "pip", "list", "--format",
             "freeze", "--exclude", "pip", "--exclude", "setuptools"],
            capture_output=True, text=True).stdout.split()
        shutil.rmtree(clone / CORE_VENV, ignore_errors=True)
        return row
    if section == "gallery":
        shutil.rmtree(clone / "gallery", ignore_errors=True)
        row = timed(GALLERY, clone)
        row["again"] = timed(GALLERY, clone)
        index = (clone / "gallery" / "index.html").read_text(encoding="utf-8")
        row["pass"], row["fail"] = index.count('class="pass"'), index.count('class="fail"')
        return row
    row = timed(TESTS, clone)
    row.update(pytest_counts(row["tail"]))
    return row


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--only", default=",".join(SECTIONS),
                    help="comma-separated sections: " + ", ".join(SECTIONS))
    ap.add_argument("--keep", metavar="DIR", help="clone into DIR and keep it")
    args = ap.parse_args(argv)
    only = [s for s in args.only.split(",") if s]
    if unknown := sorted(set(only) - set(SECTIONS)):
        ap.error(f"unknown sections {unknown}; known: {', '.join(SECTIONS)}")
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                            capture_output=True, text=True, check=True).stdout.strip()
    clone = Path(args.keep or tempfile.mkdtemp(prefix="netir-costs-"))
    if not (clone / ".git").exists():
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    else:  # a kept clone (its .venv reused) is moved to the checkout's commit
        subprocess.run(["git", "fetch", "-q", str(ROOT), "HEAD"], cwd=clone, check=True)
        subprocess.run(["git", "checkout", "-q", "--detach", "FETCH_HEAD"], cwd=clone,
                       check=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results.setdefault("sections", {})
    try:
        if "setup" not in only and not (clone / ".venv").exists():
            timed(SETUP, clone)  # the other sections need the environment
        for section in only:
            print(f"costs: {section} ...", file=sys.stderr, flush=True)
            row = measure(section, clone)
            row.update(commit=commit, date=datetime.date.today().isoformat(),
                       machine=machine())
            results["sections"][section] = row
            print(f"costs: {section}: {row['wall_s']} s, exit {row['returncode']}",
                  file=sys.stderr, flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(clone, ignore_errors=True)
    results["method"] = ("benchmarks/costs.py: a fresh git clone of the checkout; each "
                         "section one run under /usr/bin/time -v; setup from a warm pip "
                         "cache")
    sys.path.insert(0, str(ROOT))
    from netir.ir.files import write_atomic

    write_atomic(RESULTS, json.dumps(results, indent=2, sort_keys=True) + "\n")
    return max(r["returncode"] for r in results["sections"].values())


if __name__ == "__main__":
    sys.exit(main())
