"""Run an ONNX model with onnxruntime on the CPU (imports onnxruntime)."""

from __future__ import annotations

import tempfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import onnx

from netir.emitters.onnx.files import PROTOBUF_LIMIT, model_bytes, save

#: A model's metadata key naming the optimization level its sessions use
#: (``"basic"``); set by the ONNX backend on a check's per-node model.
LEVEL_KEY = "netir.optimization_level"


def session_options(threads: int = 0, level: str = "all"):
    """Deterministic CPU settings: deterministic kernels, one inter-op thread, graph
    optimisation at ``level`` ("all", onnxruntime's default, or "basic"), warnings
    only. ``threads`` = 0: the worker's share of the CPUs
    (:func:`netir.workers.thread_limit`), or onnxruntime's choice outside a worker."""
    import onnxruntime as ort

    from netir.workers import thread_limit

    options = ort.SessionOptions()
    options.use_deterministic_compute = True
    options.inter_op_num_threads = 1
    options.intra_op_num_threads = threads or thread_limit()
    options.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    options.graph_optimization_level = {
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC}[level]
    options.log_severity_level = 3
    return options


def session(model: onnx.ModelProto | str | Path, threads: int = 0):
    """An ``onnxruntime.InferenceSession`` on the CPU for a model or a ``model.onnx``
    path. A model past protobuf's 2 GB limit goes through a temporary file with
    external data."""
    import onnxruntime as ort

    if isinstance(model, (str, Path)):
        return ort.InferenceSession(str(model), sess_options=session_options(threads),
                                    providers=["CPUExecutionProvider"])
    level = {p.key: p.value for p in model.metadata_props}.get(LEVEL_KEY, "all")

    def open_(source):
        return ort.InferenceSession(source, sess_options=session_options(threads, level),
                                    providers=["CPUExecutionProvider"])

    if model_bytes(model) <= PROTOBUF_LIMIT:
        return open_(model.SerializeToString())
    with tempfile.TemporaryDirectory(prefix="netir-onnx-") as tmp:
        path = Path(tmp) / "model.onnx"
        save(model, path)
        return open_(str(path))


def run(model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
    """Inference in onnxruntime: ``inputs`` in graph-input order, channels first
    (N, C, H, W) or (N, features), float32; returns the outputs in graph-output order.

    ``model`` is a ``ModelProto``, a path, or an ``InferenceSession`` to reuse.
    """
    sess = model if hasattr(model, "run") and hasattr(model, "get_inputs") else session(model)
    names = [i.name for i in sess.get_inputs()]
    feeds = {n: np.ascontiguousarray(x, dtype=np.float32) for n, x in zip(names, inputs)}
    return sess.run(None, feeds)
