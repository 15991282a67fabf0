"""Neutral weights on disk (safetensors) and the dtype policy every backend applies.

Reading is done here, not by a library that trusts the file: the header size, its
JSON, every dtype, shape and byte range are checked, so a truncated, empty, text or
hostile file is a :class:`WeightsError`, never an exception from a parser.

Dtype policy: weights are float32. float16, bfloat16 and float64 are converted to
float32 explicitly; any other dtype (integers, bool, complex, float8...) is refused
naming the tensor, on every backend alike.
"""

from __future__ import annotations

import json
import struct
from collections.abc import Mapping
from math import prod
from typing import Any

import numpy as np

from netir.ir.errors import WeightsError

MAX_HEADER_BYTES = 100 * 1024 * 1024
_CONVERTED = {"F32": "<f4", "F16": "<f2", "F64": "<f8"}  # plus BF16, decoded by hand
_ITEMSIZE = {"F32": 4, "F16": 2, "F64": 8, "BF16": 2}


def _bad(what: str, got: Any, where: str = "<weights>") -> WeightsError:
    return WeightsError(what, str(got)[:200], node=where, op="weights")


def encode(flat: Mapping[str, np.ndarray], metadata: Mapping[str, str]) -> bytes:
    """safetensors bytes of float32 tensors (keys sorted, so output is deterministic)."""
    from safetensors.numpy import save

    return save({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in sorted(flat.items())},
                metadata=dict(metadata))


def decode(data: bytes, source: str = "<weights>") -> dict[str, np.ndarray]:
    """``{key: float32 array}`` from safetensors bytes; WeightsError for anything else."""
    if len(data) < 8:
        raise _bad("not a safetensors file: shorter than its 8-byte header size",
                   f"{len(data)} bytes", source)
    (size,) = struct.unpack("<Q", data[:8])
    if size > min(MAX_HEADER_BYTES, len(data) - 8):
        raise _bad("not a safetensors file: the header size exceeds the file",
                   f"header {size} bytes, file {len(data)} bytes", source)
    try:
        header = json.loads(data[8:8 + size].decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        raise _bad("not a safetensors file: the header is not JSON", data[8:40], source) from None
    if not isinstance(header, dict):
        raise _bad("not a safetensors file: the header is not an object", type(header), source)
    body = memoryview(data)[8 + size:]
    out: dict[str, np.ndarray] = {}
    for key, entry in header.items():
        if key == "__metadata__":
            continue
        out[key] = _tensor(key, entry, body)
    return out


def _tensor(key: str, entry: Any, body: memoryview) -> np.ndarray:
    if not isinstance(entry, dict):
        raise _bad("a tensor entry is not an object", entry, key)
    dtype, shape, offsets = entry.get("dtype"), entry.get("shape"), entry.get("data_offsets")
    if dtype not in _ITEMSIZE:
        raise _bad("dtype outside the policy (float32; float16, bfloat16 and float64 are "
                   "converted)", dtype, key)
    if not (isinstance(shape, list) and all(type(d) is int and 0 <= d < 2**40 for d in shape)):
        raise _bad("shape must be a list of non-negative ints", shape, key)
    if not (isinstance(offsets, list) and len(offsets) == 2 and all(
            type(o) is int for o in offsets) and 0 <= offsets[0] <= offsets[1] <= len(body)):
        raise _bad("data offsets must lie inside the file", offsets, key)
    begin, end = offsets
    if end - begin != prod(shape) * _ITEMSIZE[dtype]:
        raise _bad(f"{end - begin} bytes do not hold a {dtype} tensor of shape {shape}",
                   offsets, key)
    raw = body[begin:end]
    if dtype == "BF16":
        bits = np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16
        return bits.view(np.float32).reshape(shape)
    return np.frombuffer(raw, dtype=_CONVERTED[dtype]).astype(np.float32).reshape(shape)


def as_float32(value: Any, node: str, param: str) -> np.ndarray:
    """One weight as a float32 array under the dtype policy; WeightsError otherwise."""
    dtype = str(getattr(value, "dtype", "")).rpartition(".")[2]
    if hasattr(value, "detach"):  # a torch tensor: bfloat16 has no NumPy counterpart
        value = value.detach().cpu()
        if dtype in ("bfloat16", "float16", "float64"):
            value = value.float()
    try:
        array = np.asarray(value)
    except Exception as e:  # noqa: BLE001 (any value that is not an array is refused)
        raise _bad(f"weight '{param}' is not an array", f"{type(value).__name__}: {e}",
                   node) from None
    if array.dtype.kind != "f" or array.dtype.itemsize not in (2, 4, 8):
        raise _bad(f"weight '{param}' has dtype {array.dtype}; weights are float32 "
                   "(float16, bfloat16 and float64 are converted, others refused)",
                   f"{array.dtype} {array.shape}", node)
    return np.ascontiguousarray(array, dtype=np.float32)


def normalise_weights(weights: Any) -> dict[str, dict[str, np.ndarray]]:
    """``{node: {param: float32 array}}`` from any mapping of that form; WeightsError
    for another structure or a dtype outside the policy."""
    if not isinstance(weights, Mapping):
        raise _bad("weights are a mapping {node: {param: array}}", type(weights).__name__)
    out: dict[str, dict[str, np.ndarray]] = {}
    for node, params in weights.items():
        if not isinstance(node, str) or not isinstance(params, Mapping) or not all(
                isinstance(p, str) for p in params):
            raise _bad("weights are a mapping {node: {param: array}}",
                       f"{node!r}: {type(params).__name__}")
        if params:  # an empty entry carries nothing, on every backend alike
            out[node] = {p: as_float32(v, node, p) for p, v in params.items()}
    return out


def regroup_weights(weights: Mapping, graph) -> dict[str, dict]:
    """``weights`` grouped by the nodes of ``graph``: a parameter name may hold a dot
    (attention's ``out_proj.weight``), so a file's key ``<node>.<param>`` split at its
    last dot may name the wrong node; each key is matched to the (node, param) the graph
    declares, and a key the graph does not declare is left as given."""
    declared = {f"{node.name}.{p}": (node.name, p) for node in graph.nodes
                for group in graph.param_shapes(node) for p in group}
    out: dict[str, dict] = {}
    for node, params in weights.items():
        for param, value in params.items():
            n, p = declared.get(f"{node}.{param}", (node, param))
            out.setdefault(n, {})[p] = value
    return out


Declared = Mapping[str, Mapping[str, tuple]]
"""``{node: {param: shape}}``: the weights a model holds (trainable and buffers)."""


def declared_weights(graph) -> dict[str, dict[str, tuple]]:
    """``{node: {param: shape}}`` of every weight the graph's op specs declare (counters
    are no weights); nodes without any are left out."""
    out = {}
    for node in graph.nodes:
        trainable, buffers = graph.param_shapes(node)
        if trainable or buffers:
            out[node.name] = {p: tuple(s) for p, s in {**trainable, **buffers}.items()}
    return out


def validate_weights(graph, weights: Any) -> dict[str, dict[str, np.ndarray]]:
    """``weights`` checked strictly against ``graph`` (a Graph, or a :data:`Declared`
    mapping for a model that holds no graph) and returned as float32 arrays grouped by
    node: every declared parameter present with exactly its shape, nothing the graph
    does not declare, and the dtype policy (:func:`as_float32`). What every backend's
    ``import_weights`` runs before it assigns.

    Raises WeightsError naming the node (and its op when ``graph`` is a Graph), the
    parameter, the expected and the received value.
    """
    is_graph = not isinstance(graph, Mapping)
    declared = declared_weights(graph) if is_graph else graph
    weights = normalise_weights(weights)
    keys = {f"{n}.{p}": (n, p) for n, ps in declared.items() for p in ps}
    grouped: dict[str, dict[str, np.ndarray]] = {}
    for node, params in weights.items():
        for param, value in params.items():
            n, p = keys.get(f"{node}.{param}", (node, param))
            grouped.setdefault(n, {})[p] = value

    def refuse(what: str, got: Any, node: str) -> WeightsError:
        op = graph[node].op if is_graph and node in graph else "weights"
        return WeightsError(what, str(got)[:200], node=node, op=op)

    for node, params in declared.items():
        given = grouped.get(node, {})
        for param, shape in params.items():
            if param not in given:
                raise refuse(f"weights lack '{param}' of shape {tuple(shape)} (no weights "
                             "may lack a parameter the model has)",
                             f"given {sorted(given)}", node)
            if tuple(given[param].shape) != tuple(shape):
                raise refuse(f"shape of '{param}' differs from the model's {tuple(shape)}",
                             tuple(given[param].shape), node)
        extra = sorted(set(given) - set(params))
        if extra:
            raise refuse(f"the model has no such parameter '{extra[0]}'",
                         f"{extra[0]}; declared {sorted(params)}", node)
    unknown = sorted(set(grouped) - set(declared))
    if unknown:
        raise refuse("the model has no weighted node of this name",
                     f"{unknown[0]} ({sorted(grouped[unknown[0]])})", unknown[0])
    return grouped
