"""An ONNX file read with bounded work: the bytes read are bounded, external data must
lie inside the model's folder and within its file, tensor sizes must match their
bytes, and the opset must be ai.onnx 9..26; every refusal is a NetIRError naming the
tensor or node."""

from __future__ import annotations

import os
from math import prod
from pathlib import Path

import onnx
from google.protobuf.message import DecodeError

from netir.ir.errors import ArgumentError, FileError, SerializationError, UnsupportedModelError
from netir.ir.files import read_bytes

#: protobuf cannot hold a larger ModelProto: what a model file may be.
MAX_MODEL_BYTES = 2**31 - 1
#: what all of a model's external data may be.
MAX_EXTERNAL_BYTES = 16 * 2**30
#: the most elements a declared tensor may have.
MAX_ELEMENTS = 2**34
_WHO = "<from_onnx>"


def load(model_or_path) -> tuple[onnx.ModelProto, Path | None]:
    """(model, its folder or None) of a ModelProto, serialized bytes or a path."""
    if isinstance(model_or_path, onnx.ModelProto):
        return model_or_path, None
    if isinstance(model_or_path, (bytes, bytearray)):
        return parse(bytes(model_or_path), "<bytes>"), None
    if isinstance(model_or_path, (str, os.PathLike)):
        path = Path(os.fspath(model_or_path))
        data = read_bytes(path, MAX_MODEL_BYTES, "ONNX model file")
        return parse(data, str(path)), path.resolve().parent
    raise ArgumentError("from_onnx takes an onnx.ModelProto, its bytes or the path of a "
                        ".onnx file", type(model_or_path).__name__, node=_WHO,
                        op="from_onnx")


def parse(data: bytes, where: str) -> onnx.ModelProto:
    model = onnx.ModelProto()
    try:
        model.ParseFromString(data)
    except (DecodeError, RuntimeError, ValueError) as e:
        raise SerializationError(f"not an ONNX model (protobuf cannot parse it: "
                                 f"{str(e)[:120]})", where, node=_WHO, op="from_onnx") from None
    if not model.HasField("graph") or not (model.graph.node or model.graph.output):
        raise SerializationError("not an ONNX model (no graph in it)", where, node=_WHO,
                                 op="from_onnx")
    return model


def opset(model: onnx.ModelProto, low: int, high: int) -> int:
    versions = {o.domain: o.version for o in model.opset_import}
    version = versions.get("", versions.get("ai.onnx"))
    if version is None or not low <= version <= high:
        raise UnsupportedModelError(f"the importer reads ai.onnx opsets {low}..{high}",
                                    version, node=model.graph.name or _WHO, op="from_onnx")
    return int(version)


def check_tensors(model: onnx.ModelProto, folder: Path | None) -> None:
    """Each initializer's declared size against its data; external data loaded from
    inside ``folder`` only (in place, so the model then holds its data)."""
    budget = MAX_EXTERNAL_BYTES
    for tensor in model.graph.initializer:
        n = prod(tensor.dims)
        if any(d < 0 for d in tensor.dims) or n > MAX_ELEMENTS:
            raise SerializationError(f"the initializer declares {n:,} elements, over the "
                                     f"limit of {MAX_ELEMENTS:,}", list(tensor.dims),
                                     node=tensor.name, op="initializer")
        if tensor.data_location == onnx.TensorProto.EXTERNAL:
            budget -= _load_external(tensor, folder, budget)
        if tensor.HasField("raw_data"):
            try:
                size = onnx.helper.tensor_dtype_to_np_dtype(tensor.data_type).itemsize
            except (KeyError, TypeError, ValueError):
                raise SerializationError("an initializer of an unknown data type",
                                         tensor.data_type, node=tensor.name,
                                         op="initializer") from None
            if len(tensor.raw_data) != n * size:
                raise SerializationError(f"the initializer's data holds "
                                         f"{len(tensor.raw_data):,} bytes for {n:,} "
                                         f"elements of {size} bytes", list(tensor.dims),
                                         node=tensor.name, op="initializer")


def _load_external(tensor: onnx.TensorProto, folder: Path | None, budget: int) -> int:
    info = {e.key: e.value for e in tensor.external_data}
    location = info.get("location", "")
    if folder is None:
        raise FileError("external data needs the model's folder: pass the path of the "
                        ".onnx file", location, node=tensor.name, op="initializer")
    target = (folder / location).resolve()
    if not location or os.path.isabs(location) or folder not in target.parents:
        raise FileError("external data outside the model's folder", location,
                        node=tensor.name, op="initializer")
    try:
        offset, length = int(info.get("offset", 0)), info.get("length")
        length = None if length is None else int(length)
    except ValueError:
        raise SerializationError("external data with a malformed offset or length",
                                 info, node=tensor.name, op="initializer") from None
    size = target.stat().st_size if target.is_file() else -1
    if size < 0:
        raise FileError("no such external data file", location, node=tensor.name,
                        op="initializer")
    length = size - offset if length is None else length
    if offset < 0 or length < 0 or offset + length > size or length > budget:
        raise SerializationError(f"external data bytes {offset}..{offset + length} of a "
                                 f"{size:,}-byte file (or over the "
                                 f"{MAX_EXTERNAL_BYTES:,}-byte budget)", location,
                                 node=tensor.name, op="initializer")
    with open(target, "rb") as f:
        f.seek(offset)
        tensor.raw_data = f.read(length)
    del tensor.external_data[:]
    tensor.data_location = onnx.TensorProto.DEFAULT
    return length
