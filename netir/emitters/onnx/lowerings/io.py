"""ONNX lowering of the graph input (netir/ir/ops/io.py): a graph input, batch symbolic."""

from __future__ import annotations

from netir.emitters.onnx.protos import graph_input

LOWERINGS = {"input": lambda plan, inputs: [graph_input(plan)]}
