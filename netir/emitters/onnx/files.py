"""``model.onnx`` on disk: one file, or, past protobuf's 2 GB limit, the graph plus one
external data file (``model.onnx.data``) holding the large initializers.

Both files are written atomically and byte-identically for the same model.
"""

from __future__ import annotations

import os
from math import prod
from pathlib import Path

import onnx
from google.protobuf.descriptor import FieldDescriptor

from netir.ir.files import write_atomic

PROTOBUF_LIMIT = 2**31 - 1  # bytes: a larger ModelProto cannot be serialized
EXTERNAL_MIN_BYTES = 1024   # initializers this large go to the data file, smaller stay inline
ALIGNMENT = 64              # each tensor in the data file starts at a multiple of this


def model_bytes(model: onnx.ModelProto) -> int:
    """Serialized size of ``model`` (an upper bound within a few bytes per initializer),
    summed per initializer so it works past 2 GB; a tensor's raw data is counted from
    its shape, as asking protobuf for the size of a large tensor costs about a second per
    400 MB."""
    skeleton = _copy_except(model, {"graph"})
    skeleton.graph.CopyFrom(_copy_except(model.graph, {"initializer"}))
    return skeleton.ByteSize() + sum(_tensor_bytes(t) for t in model.graph.initializer)


def _tensor_bytes(tensor: onnx.TensorProto) -> int:
    if not tensor.HasField("raw_data"):
        return tensor.ByteSize() + 8
    itemsize = onnx.helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize
    data = itemsize * prod(tensor.dims)
    # name, doc string, dims, data type: their bytes, with a tag and length of at most
    # 11 bytes each (as many for each dimension), and 8 for the list entry
    header = len(tensor.name.encode()) + len(tensor.doc_string.encode()) + 64
    return header + 11 * len(tensor.dims) + data + 11 + 8


def save(model: onnx.ModelProto, path: str | os.PathLike, *,
         external_threshold: int = PROTOBUF_LIMIT) -> list[Path]:
    """Write ``model`` to ``path``; returns the files written.

    A model larger than ``external_threshold`` bytes keeps its initializers of at
    least ``EXTERNAL_MIN_BYTES`` in ``<path>.data`` (ONNX external data, offsets
    relative to that file), which ``onnx.load`` and onnxruntime read from the same
    directory. ``model`` itself is not changed.
    """
    path = Path(path)
    if model_bytes(model) <= external_threshold:
        write_atomic(path, model.SerializeToString())
        return [path]
    data_path = path.with_name(path.name + ".data")
    graph, data = _externalize(model, data_path.name)
    write_atomic(data_path, data)
    write_atomic(path, graph.SerializeToString())
    return [path, data_path]


def load(path: str | os.PathLike) -> onnx.ModelProto:
    """Read a model written by :func:`save` (external data included)."""
    return onnx.load(os.fspath(path), load_external_data=True)


def _externalize(model: onnx.ModelProto, location: str) -> tuple[onnx.ModelProto, bytearray]:
    """A copy of ``model`` whose large initializers point into ``location``, and the
    bytes of that file."""
    out = _copy_except(model, {"graph"})
    out.graph.CopyFrom(_copy_except(model.graph, {"initializer"}))
    layout = []
    offset = 0
    for tensor in model.graph.initializer:
        size = len(tensor.raw_data) if tensor.HasField("raw_data") else 0
        if size < EXTERNAL_MIN_BYTES:
            out.graph.initializer.append(tensor)
            continue
        offset = -(-offset // ALIGNMENT) * ALIGNMENT
        stub = _copy_except(tensor, {"raw_data"})
        stub.data_location = onnx.TensorProto.EXTERNAL
        for key, value in (("location", location), ("offset", offset), ("length", size)):
            entry = stub.external_data.add()
            entry.key, entry.value = key, str(value)
        out.graph.initializer.append(stub)
        layout.append((offset, tensor))
        offset += size
    data = bytearray(offset)
    for start, tensor in layout:
        raw = tensor.raw_data
        data[start:start + len(raw)] = raw
    return out, data


def _copy_except(message, skip: set[str]):
    """A copy of a protobuf message without the fields named in ``skip`` (no deep copy
    of what is skipped: a large graph's initializers are never duplicated)."""
    out = type(message)()
    for field, value in message.ListFields():
        if field.name in skip:
            continue
        if field.is_repeated:
            getattr(out, field.name).extend(value)
        elif field.type == FieldDescriptor.TYPE_MESSAGE:
            getattr(out, field.name).CopyFrom(value)
        else:
            setattr(out, field.name, value)
    return out
