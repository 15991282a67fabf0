"""docs/conformance-keras.md is the render of the committed sweep results, and the sweep
covers every keras.applications model."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import keras

ROOT = Path(__file__).resolve().parents[3]


def _script():
    spec = importlib.util.spec_from_file_location("conformance_keras",
                                                  ROOT / "scripts" / "conformance_keras.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_document_is_the_render_of_the_results():
    script = _script()
    data = json.loads(script.RESULTS.read_text())
    assert script.DOC.read_text() == script.render(data), \
        "stale: run PYTHONPATH=. python scripts/conformance_keras.py doc"


def test_every_application_has_a_row_and_the_imported_ones_are_right():
    data = json.loads(_script().RESULTS.read_text())
    rows = {r["name"]: r for r in data["rows"]}
    assert set(rows) == {n for n in dir(keras.applications) if n[0].isupper()}
    for name, row in rows.items():
        if not row.get("imported"):
            continue
        agrees = all(e.get("passed") for e in row["backends"].values())
        # a backend that parts from the Keras model does so by drift, not by a wrong node
        assert agrees or max(row["per_node"]["worst_rel"].values()) <= 1e-4, name
