"""ONNX lowering of dense (netir/ir/ops/dense.py): the neutral weight is (out, in)."""

from __future__ import annotations

from netir.emitters.onnx.axes import features_last
from netir.emitters.onnx.protos import op, param


def dense(plan, inputs):
    """Gemm with ``transB`` on features; at other layouts ``MatMul`` by the transposed
    weight on the features moved last."""
    bias = [param(plan, "bias")] if plan.attrs["bias"] else []
    if len(plan.output) == 1:
        return [op("Gemm", [inputs[0], param(plan, "weight"), *bias], plan.name, transB=1)]
    name, rank, axis = plan.name, len(plan.output) + 1, plan.feature_axis
    last, back = features_last(rank, axis)
    x, protos = inputs[0], [op("Transpose", [param(plan, "weight")], f"{name}/weight_t",
                               perm=[1, 0])]
    if axis != rank - 1:
        protos.append(op("Transpose", [x], f"{name}/features_last", perm=last))
        x = f"{name}/features_last"
    out = name if axis == rank - 1 else f"{name}/out"
    product = f"{name}/product" if bias else out
    protos.append(op("MatMul", [x, f"{name}/weight_t"], product))
    if bias:
        protos.append(op("Add", [product, *bias], out))
    if axis != rank - 1:
        protos.append(op("Transpose", [out], name, perm=back))
    return protos


LOWERINGS = {"dense": dense}
