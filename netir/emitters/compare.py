"""Run one graph in both backends with shared weights and compare what they compute."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field

import numpy as np

from netir.ir.graph import Graph
from netir.ir.summary import format_shape as shp

CATALOG_TOLERANCE = 1e-4  # DESIGN.md: max|a - b| <= 1e-4 · max(1, max|a|) for networks
OP_TOLERANCE = 1e-5       # and 1e-5 for single ops


@dataclass
class NodeDiff:
    name: str
    op: str
    max_abs: float
    scale: float
    passed: bool


@dataclass
class CompareReport:
    """What :func:`compare` found. ``passed`` holds when shapes, counts and outputs agree."""

    network: str
    input_shape: tuple[int, ...]
    batch: int
    ir_shape: tuple[int, ...]
    torch_shape: tuple[int, ...]
    keras_shape: tuple[int, ...]
    ir_params: tuple[int, int]
    torch_params: tuple[int, int]
    keras_params: tuple[int, int]
    max_abs: float
    max_rel: float
    tolerance: float
    passed: bool
    seconds: float
    first_divergent: str | None = None
    nodes: list[NodeDiff] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)

    def __str__(self) -> str:
        lines = [
            f"{self.network}: {'PASS' if self.passed else 'FAIL'}  (batch {self.batch}, "
            f"input {shp(self.input_shape)}, {self.seconds:.1f} s)",
            f"  output shape  IR {shp(self.ir_shape)}  torch {shp(self.torch_shape)}  "
            f"keras {shp(self.keras_shape)}  (channels first)",
            f"  params        IR {self.ir_params[0]:,} + {self.ir_params[1]:,} buffers  "
            f"torch {self.torch_params[0]:,} + {self.torch_params[1]:,}  "
            f"keras {self.keras_params[0]:,} + {self.keras_params[1]:,}",
            f"  max |torch - keras| = {self.max_abs:.3e}  (relative {self.max_rel:.3e}, "
            f"tolerance {self.tolerance:g} · max(1, max|torch|))",
        ]
        if self.first_divergent:
            lines.append(f"  first divergent node: {self.first_divergent}")
        return "\n".join(lines)


def _channels_first(a: np.ndarray) -> np.ndarray:
    return np.transpose(a, (0, 3, 1, 2)) if a.ndim == 4 else a


def run_both(graph: Graph, x: np.ndarray, weights, outputs: list[str]):
    """Emit both backends, load ``weights`` and run ``x`` (NCHW) in inference mode.
    Returns (torch outputs, keras outputs as channels first, torch model, keras model)."""
    import torch

    from netir.emitters.keras3 import import_weights as keras_import
    from netir.emitters.keras3 import to_keras
    from netir.emitters.pytorch import import_weights as torch_import
    from netir.emitters.pytorch import to_torch

    tm, km = to_torch(graph, outputs), to_keras(graph, outputs)
    torch_import(tm, weights)
    keras_import(km, weights)
    tm.eval()
    with torch.no_grad():
        t_out = tm(torch.from_numpy(x))
    k_in = np.transpose(x, (0, 2, 3, 1)) if x.ndim == 4 else x
    k_out = km(k_in, training=False)
    t_list = list(t_out) if isinstance(t_out, tuple) else [t_out]
    k_list = k_out if isinstance(k_out, (list, tuple)) else [k_out]
    import keras

    t_np = [t.numpy() for t in t_list]
    k_np = [_channels_first(keras.ops.convert_to_numpy(k)) for k in k_list]
    return t_np, k_np, tm, km


def compare(graph: Graph | str, input_shape: tuple[int, ...] | None = None, batch: int = 2,
            seed: int = 0, per_node: bool = False, tolerance: float = CATALOG_TOLERANCE,
            ) -> CompareReport:
    """Build both backends with shared random weights and compare them.

    ``graph`` may be a catalog name, built at ``input_shape`` (C, H, W) when given.
    Weights are random with non-trivial batch-norm statistics; inputs are normal, so
    negatives occur. Everything runs float32 in inference mode on CPU. With
    ``per_node`` every node's output is compared and the first to part is named.
    """
    from netir.emitters.keras3 import count_params as keras_count
    from netir.emitters.pytorch import count_params as torch_count
    from netir.emitters.weights import random_weights

    if isinstance(graph, str):
        from netir.architectures import build

        overrides = {}
        if input_shape is not None:
            overrides = {"in_channels": input_shape[0], "input_size": tuple(input_shape[1:])}
        graph = build(graph, **overrides)
    start = time.perf_counter()
    (inp,) = graph.inputs
    rng = np.random.default_rng(seed + 1)
    x = rng.standard_normal((batch, *inp.shape)).astype(np.float32)
    weights = random_weights(graph, seed)
    out_name = graph.outputs[0].name
    names = [n.name for n in graph.nodes] if per_node else [out_name]
    t_np, k_np, tm, km = run_both(graph, x, weights, names)
    diffs = []
    for name, a, b in zip(names, t_np, k_np):
        scale = max(1.0, float(np.max(np.abs(a)))) if a.size else 1.0
        err = float(np.max(np.abs(a - b))) if a.shape == b.shape else float("inf")
        diffs.append(NodeDiff(name, graph[name].op, err, scale, err <= tolerance * scale))
    final = diffs[names.index(out_name)]
    t, k = t_np[names.index(out_name)], k_np[names.index(out_name)]
    ir_params = graph.count_params()
    report = CompareReport(
        network=graph.name, input_shape=inp.shape, batch=batch,
        ir_shape=graph[out_name].shape, torch_shape=tuple(t.shape[1:]),
        keras_shape=tuple(k.shape[1:]), ir_params=ir_params,
        torch_params=torch_count(tm), keras_params=keras_count(km),
        max_abs=final.max_abs, max_rel=final.max_abs / final.scale, tolerance=tolerance,
        passed=False, seconds=0.0,
        first_divergent=next((d.name for d in diffs if not d.passed), None),
        nodes=diffs if per_node else [])
    report.passed = (report.ir_shape == report.torch_shape == report.keras_shape
                     and ir_params == report.torch_params == report.keras_params
                     and all(d.passed for d in diffs))
    report.seconds = time.perf_counter() - start
    return report
