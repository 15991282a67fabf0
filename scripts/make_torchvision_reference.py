"""Regenerate the torchvision reference figures that the tests hold the catalog to.

Writes two files under ``tests/data/``:

- ``torchvision_summary.json`` — for every torchvision classification model: the input
  shape and constructor arguments used, trainable parameters, floating-point buffers,
  MACs and the output shape. Plain, sorted JSON, small enough to review in a diff.
- ``torchvision_state_dicts.json.gz`` — for the same models: every ``state_dict`` key with
  its shape, in ``state_dict`` order. Gzipped (deterministically: no timestamp, no name).

Two ways to run it:

    # measure: needs torch and torchvision (not netir's pinned environment)
    python scripts/make_torchvision_reference.py measure

    # derive the committed files from a previously measured full JSON
    # ({"source", "macs_convention", "models": {name: {..., "state_dict": {...}}}})
    python scripts/make_torchvision_reference.py derive FULL.json

The committed files were derived from a full measurement made with torchvision 0.29.1
(+cu130) and torch 2.14.1 (+cu130), ``weights=None``, on 80 models; each file's
``source`` field records the versions that produced it.
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "tests" / "data"
SUMMARY = "torchvision_summary.json"
STATE_DICTS = "torchvision_state_dicts.json.gz"
SUMMARY_FIELDS = ("input_shape", "kwargs", "trainable_params", "float_buffers", "macs",
                  "output_shape")
MACS_CONVENTION = "FlopCounterMode total flops / 2 at batch 1 (conv, linear, matmul, attention)"
# Constructor arguments that make a model build with weights=None as the others do.
KWARGS = {"googlenet": {"aux_logits": False, "init_weights": True},
          "inception_v3": {"aux_logits": False, "init_weights": True}}
INPUT_SHAPES = {"inception_v3": [3, 299, 299]}


def measure_model(name: str) -> dict:
    """Build torchvision's ``name`` with ``weights=None`` and measure it at batch 1."""
    import torch
    import torchvision
    from torch.utils.flop_counter import FlopCounterMode

    kwargs = KWARGS.get(name, {})
    input_shape = INPUT_SHAPES.get(name, [3, 224, 224])
    model = torchvision.models.get_model(name, weights=None, **kwargs).eval()
    x = torch.zeros(1, *input_shape)
    with torch.no_grad(), FlopCounterMode(display=False) as counter:
        y = model(x)
    return {
        "input_shape": input_shape,
        "kwargs": kwargs,
        "trainable_params": sum(p.numel() for p in model.parameters() if p.requires_grad),
        "float_buffers": sum(b.numel() for b in model.buffers() if b.is_floating_point()),
        "macs": counter.get_total_flops() // 2,
        "output_shape": list(y.shape),
        "state_dict": {k: list(v.shape) for k, v in model.state_dict().items()},
    }


def measure_all() -> dict:
    """Every classification model torchvision lists, measured; with the versions used."""
    import torch
    import torchvision

    names = sorted(torchvision.models.list_models(module=torchvision.models))
    return {
        "source": f"torchvision {torchvision.__version__}, torch {torch.__version__}, "
                  "weights=None",
        "macs_convention": MACS_CONVENTION,
        "models": {name: measure_model(name) for name in names},
    }


def summary_text(summary: dict) -> str:
    """JSON with one model per line, so that a diff shows which model changed."""
    rows = [f"  {json.dumps(name)}: {json.dumps(entry)}"
            for name, entry in summary["models"].items()]
    header = "".join(f"{json.dumps(k)}: {json.dumps(v)},\n "
                     for k, v in summary.items() if k != "models")
    return "{" + header + '"models": {\n' + ",\n".join(rows) + "\n}}\n"


def write_reference(full: dict, directory: Path = DATA) -> None:
    """Split a full measurement into the reviewable summary and the gzipped state dicts."""
    directory.mkdir(parents=True, exist_ok=True)
    header = {"source": full["source"], "macs_convention": full["macs_convention"]}
    models = dict(sorted(full["models"].items()))
    summary = {**header, "models": {name: {field: entry[field] for field in SUMMARY_FIELDS}
                                    for name, entry in models.items()}}
    state_dicts = {**header, "models": {name: entry["state_dict"]
                                        for name, entry in models.items()}}
    (directory / SUMMARY).write_text(summary_text(summary))
    # state_dict order is meaningful, so keys are not sorted inside a model
    raw = json.dumps(state_dicts, separators=(",", ":")).encode()
    (directory / STATE_DICTS).write_bytes(gzip.compress(raw, compresslevel=9, mtime=0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("measure", help="measure every torchvision model (needs torchvision)")
    derive = sub.add_parser("derive", help="write the committed files from a full JSON")
    derive.add_argument("full_json", type=Path)
    parser.add_argument("--out", type=Path, default=DATA, help="directory (tests/data)")
    args = parser.parse_args()
    if args.command == "measure":
        full = measure_all()
    else:
        full = json.loads(args.full_json.read_text())
    write_reference(full, args.out)
    print(f"wrote {len(full['models'])} models to {args.out} ({full['source']})")


if __name__ == "__main__":
    main()
