"""The PyTorch source of the attention ops (``netir/ir/ops/attention.py``):
``(node, graph) -> Layer | Expr | Bare``."""

from __future__ import annotations

from netir.emitters.backend import Lowerings
from netir.ir.ops.attention import attention_scale
from netir.source.common import literal
from netir.source.torch.lowerings.base import Expr, build, input_of

LOWERINGS = Lowerings("torch source")
_lower = LOWERINGS.register


@_lower("multi_head_attention")
def _multi_head_attention(node, graph):
    k = "{1}" if len(node.inputs) > 1 else "{0}"
    v = "{2}" if len(node.inputs) > 2 else k
    return build("nn.MultiheadAttention", ("embed_dim", node.shape[-1]),
              ("num_heads", node.attrs["num_heads"]), bias=node.attrs["bias"],
              batch_first=True, call="{m}({0}, %s, %s, need_weights=False)[0]" % (k, v))


_lower("matmul")(lambda node, graph: Expr("torch.matmul({0}, {1})"))


@_lower("scaled_dot_product_attention")
def _attention(node, graph):
    scale = attention_scale(node.attrs, input_of(graph, node)[-1])
    return Expr(f"F.scaled_dot_product_attention({{0}}, {{1}}, {{2}}, scale={literal(scale)})")
