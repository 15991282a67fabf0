"""Vision Transformers B/16, B/32, L/16, L/32 and H/14 (Dosovitskiy et al., 2021),
torchvision's ``VisionTransformer``.

The image is cut into patches by a strided convolution (``conv_proj``), the patches
become tokens, a learned class token is put in front and a learned position embedding
added; pre-norm encoder blocks (layer norm, multi-head self-attention, an MLP with GELU,
each added back) follow, and the class token's features go to the head. Node names are
torchvision's module paths, so the emitted ``state_dict`` has its keys.

The input size is a knob as torchvision's ``image_size`` is: only the position
embedding, one row per token, changes with it.
"""

from __future__ import annotations

from netir.architectures.registry import (
    Accuracy,
    Paper,
    check_knob,
    family_builder,
    input_hw,
    register,
)
from netir.ir.attrs import real
from netir.ir.graph import Graph
from netir.ir.node import Tensor

PAPER = Paper("An image is worth 16x16 words: transformers for image recognition at scale",
              "A. Dosovitskiy, L. Beyer, A. Kolesnikov, D. Weissenborn, X. Zhai, "
              "T. Unterthiner, M. Dehghani, M. Minderer, G. Heigold, S. Gelly, J. Uszkoreit, "
              "N. Houlsby", "ICLR 2021", 2021)
NOTE = ("Patches as tokens: the image is cut into 16×16 (or 32×32, 14×14) patches, each "
        "linearly embedded, and a plain transformer encoder with a learned class token and "
        "position embedding classifies them; with no convolutional prior beyond the patch "
        "embedding, it needs large pre-training data to beat CNNs.")

EPS = 1e-6  # torchvision's LayerNorm in ViT
PROBABILITY = real(0.0, 1.0)
WIDTH = real(0.0, low_open=True)  # the width multiplier's type


def encoder_block(g: Graph, x: Tensor, num_heads: int, mlp_dim: int, dropout: float) -> Tensor:
    """torchvision's ``EncoderBlock``: ``ln_1``, ``self_attention``, ``dropout``, the input
    added back; ``ln_2``, ``mlp`` (dense "0", GELU "1", dropout "2", dense "3", dropout
    "4"), added back."""
    y = g.layer_norm(x, eps=EPS, name="ln_1")
    y = g.multi_head_attention(y, num_heads, name="self_attention")
    x = g.add(g.dropout(y, dropout, name="dropout"), x, name="add_attention")
    y = g.layer_norm(x, eps=EPS, name="ln_2")
    with g.scope("mlp"):
        y = g.gelu(g.dense(y, mlp_dim, name="0"), name="1")
        y = g.dense(g.dropout(y, dropout, name="2"), x.shape[-1], name="3")
        y = g.dropout(y, dropout, name="4")
    return g.add(x, y, name="add_mlp")


def vision_transformer(name: str, patch_size: int, num_layers: int, num_heads: int,
                       hidden_dim: int, mlp_dim: int, num_classes: int = 1000,
                       in_channels: int = 3, input_size: int | tuple[int, int] = 224,
                       dropout: float = 0.0, width_mult: float = 1.0) -> Graph:
    """``conv_proj`` (patch_size × patch_size, stride patch_size) to tokens, ``class_token``
    in front, ``encoder.pos_embedding`` (one row per token) added, ``encoder.dropout``,
    ``num_layers`` blocks ``encoder.layers.encoder_layer_i``, ``encoder.ln``, token 0,
    ``heads.head``. ``width_mult`` (not torchvision's) scales the width, the MLP and the
    number of heads, keeping each head's width and the depth: the largest ViT is checked
    at half width on small machines."""
    dropout = check_knob("dropout", dropout, PROBABILITY)
    width_mult = check_knob("width_mult", width_mult, WIDTH)
    if width_mult != 1.0:
        head_dim = hidden_dim // num_heads
        num_heads = max(1, round(num_heads * width_mult))
        hidden_dim, mlp_dim = head_dim * num_heads, max(1, round(mlp_dim * width_mult))
    g = Graph(name)
    x = g.input((in_channels, *input_hw(input_size)))
    x = g.to_tokens(g.conv2d(x, hidden_dim, patch_size, stride=patch_size, name="conv_proj"),
                    name="patches")
    token = g.parameter(x, (1, hidden_dim), layout="TC", name="class_token")
    x = g.concat(token, x, axis=0, name="with_class_token")
    with g.scope("encoder"):
        x = g.add(x, g.parameter(x, x.shape, layout="TC", name="pos_embedding"),
                  name="add_position")
        x = g.dropout(x, dropout, name="dropout")
        for i in range(num_layers):
            with g.scope("layers"), g.scope(f"encoder_layer_{i}"):
                x = encoder_block(g, x, num_heads, mlp_dim, dropout)
        x = g.layer_norm(x, eps=EPS, name="ln")
    x = g.select(x, 0, 0, name="class_features")
    g.dense(x, num_classes, name="heads.head")
    return g


# name, patch, layers, heads, hidden, MLP, params, MACs at 224×224, top-1 (IMAGENET1K_V1;
# H/14 has no 224 weights). The MACs count the self-attention (projections and scores),
# which torchvision's FlopCounterMode figures leave out: under no_grad nn.MultiheadAttention
# runs one fused kernel (aten._native_multi_head_attention) that the counter has no rule
# for. They are the reference's MACs plus every encoder layer's attention.
_ENTRIES = (
    ("vit_b_16", 16, 12, 12, 768, 3072, 86_567_656, 17_563_828_224, 81.072),
    ("vit_b_32", 32, 12, 12, 768, 3072, 88_224_232, 4_409_186_304, 75.912),
    ("vit_l_16", 16, 24, 16, 1024, 4096, 304_326_632, 61_554_712_576, 79.662),
    ("vit_l_32", 32, 24, 16, 1024, 4096, 306_535_400, 15_377_539_072, 76.972),
    ("vit_h_14", 14, 32, 16, 1280, 5120, 632_045_800, 167_295_109_120, 88.552),
)


def _register(name: str, patch: int, layers: int, heads: int, hidden: int, mlp: int,
              params: int, macs: int | None, top1: float) -> None:
    size = (f"{patch}×{patch} patches, {layers} layers of {heads} heads, width {hidden}, "
            f"MLP {mlp}")
    builder = family_builder(name, vision_transformer, patch, layers, heads, hidden, mlp,
                             doc=f"{name}: {size}.")
    globals()[name] = builder  # declared in vit.pyi: python -m netir.architectures.stubs
    weights = "IMAGENET1K_SWAG_E2E_V1 weights at 518×518" if name == "vit_h_14" else \
        "IMAGENET1K_V1 weights"
    register(name, family="ViT", paper=PAPER, params=params, macs=macs,
             note=f"{NOTE} {name}: {size}.",
             accuracy=Accuracy(top1, f"torchvision {name} {weights}, acc@1"))(builder)


for _entry in _ENTRIES:
    _register(*_entry)
