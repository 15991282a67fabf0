"""Open netir's ONNX files in Netron, in headless Chromium, and check the graph it draws.

    .venv/bin/pip install -c constraints.txt 'netir[netron]'
    .venv/bin/python scripts/netron_check.py [NETWORK ...]      (default: lenet5 resnet18)

For each catalog network: write ``model.onnx`` as ``netir emit --backend onnx`` does,
serve it with Netron's own server, load the page in Chromium (Debian's ``chromium``), and
read the DOM after the page settles. It passes when Netron drew a node for every node of
the IR, under the IR's name (``id="node-name-<name>"``), and showed no error. Netron asks
for cookie consent before opening a model; a page on the same host sets that cookie first.
Prints one line per network; exits 1 if any failed. Not part of the test suite (Netron is
an optional viewer, and a browser run takes seconds per network).
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

CONSENT = ('<html><body><script>document.cookie = "consent=" + Date.now() + '
           '"; path=/; max-age=86400"; location.href = "{url}";</script></body></html>')


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def _dom(url: str, profile: Path) -> str:
    flags = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--disable-background-networking", f"--user-data-dir={profile}",
             "--virtual-time-budget=60000", "--dump-dom", url]
    return subprocess.run(flags, capture_output=True, text=True, timeout=600).stdout


def check(name: str, tmp: Path, port: int) -> tuple[bool, str]:
    import netron

    from netir.architectures import build
    from netir.emitters.onnx import to_onnx
    from netir.emitters.onnx.files import save

    graph = build(name)
    path = tmp / f"{name}.onnx"
    save(to_onnx(graph), path)
    netron.start(str(path), address=("127.0.0.1", port), browse=False)
    site = tmp / f"consent-{port}"
    site.mkdir()
    (site / "index.html").write_text(CONSENT.format(url=f"http://127.0.0.1:{port}/"))
    handler = functools.partial(_Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port + 1), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        dom = _dom(f"http://127.0.0.1:{port + 1}/index.html", tmp / f"profile-{port}")
    finally:
        server.shutdown()
        netron.stop(("127.0.0.1", port))
    drawn = set(re.findall(r'id="node-name-([^"]+)"', dom))
    missing = [n.name for n in graph.nodes if n.op != "input" and n.name not in drawn]
    error = re.search(r'class="[^"]*\berror\b', dom)
    ok = not missing and error is None and bool(drawn)
    detail = (f"{len(drawn)} nodes drawn, {len(graph) - len(graph.inputs)} IR nodes, "
              f"{path.stat().st_size / 1e6:.1f} MB")
    if missing:
        detail += f"; missing {missing[:5]}"
    if error:
        detail += "; Netron showed an error"
    return ok, detail


def main() -> int:
    import netron

    if shutil.which("chromium") is None:
        print("error: Debian's chromium is needed (scripts/setup.sh chromium)")
        return 2
    names = sys.argv[1:] or ["lenet5", "resnet18"]
    failed = 0
    with tempfile.TemporaryDirectory(prefix="netir-netron-") as tmp:
        for i, name in enumerate(names):
            ok, detail = check(name, Path(tmp), 18100 + 2 * i)
            failed += not ok
            print(f"{'PASS' if ok else 'FAIL'}  {name:16s} Netron {netron.__version__}: {detail}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
