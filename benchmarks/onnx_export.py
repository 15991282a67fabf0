"""ONNX Runtime forward: netir's ONNX (lowered from the IR) against ``torch.onnx.export``
of the same emitted PyTorch module, both run by the same onnxruntime session settings.

ResNet-50 and DenseNet-121 at 224x224, batches 1 and 8; same weights on both sides;
ratio = netir time / torch.onnx.export time (below 1: netir's model is faster).
"""

from __future__ import annotations

import io
import statistics

import numpy as np
from timing import interleaved_times

from netir.architectures import build

NETWORKS = ("resnet50", "densenet121")
THREADS = 2  # as torch.set_num_threads(2) in the PyTorch sections
TORCH_EXPORT_OPSET = 20  # the newest the TorchScript exporter writes


def torch_export(graph, weights):
    """``torch.onnx.export`` of netir's emitted module (TorchScript exporter, eval mode,
    constant folding, batch dimension dynamic)."""
    import torch

    from netir.emitters.pytorch import import_weights, to_torch

    module = to_torch(graph).eval()
    import_weights(module, weights)
    out = io.BytesIO()
    x = torch.zeros(1, *graph.inputs[0].shape)
    with torch.no_grad():
        torch.onnx.export(module, (x,), out, dynamo=False, opset_version=TORCH_EXPORT_OPSET,
                          input_names=["x"], output_names=["y"], do_constant_folding=True,
                          dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    import onnx

    return onnx.load_from_string(out.getvalue())


def onnx_vs_export(quick: bool) -> list[dict]:
    from netir.emitters.onnx import session, to_onnx
    from netir.emitters.weights import random_weights

    rows = []
    for name in NETWORKS:
        g = build(name)
        weights = random_weights(g)
        models = {"netir": to_onnx(g, weights=weights), "torch_export": torch_export(g, weights)}
        sessions = {k: session(m, threads=THREADS) for k, m in models.items()}
        nodes = {k: len(m.graph.node) for k, m in models.items()}
        sizes = {k: m.ByteSize() for k, m in models.items()}
        for batch in (1, 8):
            x = np.random.default_rng(batch).standard_normal(
                (batch, *g.inputs[0].shape)).astype(np.float32)
            feeds = {k: {s.get_inputs()[0].name: x} for k, s in sessions.items()}
            outs = {k: s.run(None, feeds[k])[0] for k, s in sessions.items()}
            reps = 3 if quick else (15 if batch == 1 else 9)
            times, _ = interleaved_times(
                {k: (lambda s=s, f=feeds[k]: s.run(None, f)) for k, s in sessions.items()},
                reps)
            t = {k: statistics.median(v) for k, v in times.items()}
            row = {"network": name, "batch": batch, "netir_s": t["netir"],
                   "torch_export_s": t["torch_export"],
                   "ratio": t["netir"] / t["torch_export"],
                   "max_abs_diff": float(np.abs(outs["netir"] - outs["torch_export"]).max()),
                   "max_abs_output": float(np.abs(outs["torch_export"]).max()),
                   "onnx_nodes": nodes, "model_bytes": sizes,
                   "repetitions": reps}
            rows.append(row)
            print(f"  {name:12s} batch {batch}: netir {t['netir'] * 1e3:8.1f} ms  "
                  f"torch.onnx.export {t['torch_export'] * 1e3:8.1f} ms  ratio "
                  f"{row['ratio']:.3f}  (nodes {nodes['netir']} vs {nodes['torch_export']}, "
                  f"max |diff| {row['max_abs_diff']:.1e} of {row['max_abs_output']:.1e})",
                  flush=True)
    return rows
