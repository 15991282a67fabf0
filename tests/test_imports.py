"""Importing netir must not import a framework or graphviz."""

import subprocess
import sys

HEAVY = ("torch", "tensorflow", "keras", "graphviz", "hypothesis")


def test_import_netir_is_light():
    code = ("import sys, netir, netir.architectures, netir.cli; "
            "g = netir.architectures.build('resnet18'); g.summary(print_fn=None); "
            "g.to_json(); print(sorted(m for m in sys.modules if m.split('.')[0] in %r))"
            % (HEAVY,))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"
