"""The ONNX emitter: a graph lowered to an ``onnx.ModelProto`` straight from the IR and
run by onnxruntime on the CPU (imports onnx; onnxruntime only to run).

Opset 26 by default, the newest onnxruntime 1.31 runs; node names are the IR's,
weights are initializers ``<node>.<param>``, the batch dimension is symbolic.
"""

from netir.emitters.onnx.backend import BACKEND, OnnxBackend
from netir.emitters.onnx.emit import DEFAULT_OPSET, MIN_OPSET, to_onnx
from netir.emitters.onnx.files import load, save
from netir.emitters.onnx.runtime import run, session
from netir.emitters.onnx.weights import count_params, export_weights, import_weights

emit = to_onnx

__all__ = ["BACKEND", "DEFAULT_OPSET", "MIN_OPSET", "OnnxBackend", "count_params", "emit",
           "export_weights", "import_weights", "load", "run", "save", "session", "to_onnx"]
