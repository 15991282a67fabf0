"""A tiny Vision Transformer (Dosovitskiy et al. 2021), as torchvision's
VisionTransformer computes it: patches by a strided convolution, a learned class token
and position embedding, pre-norm encoder blocks (layer norm, multi-head attention,
an MLP with GELU), the class token's features into the head.

Node names are torchvision's module paths, so the emitted PyTorch model's state_dict
has torchvision's keys (``class_token``, ``encoder.pos_embedding``, ...).

    python examples/tiny_vit.py     # prints the summary and the agreement
"""

import netir


def tiny_vit(image_size: int = 16, patch_size: int = 4, num_layers: int = 2,
             num_heads: int = 2, hidden_dim: int = 16, mlp_dim: int = 32,
             num_classes: int = 10) -> netir.Graph:
    """(3, image_size, image_size) -> (num_classes,); torchvision's
    ``VisionTransformer(image_size, patch_size, num_layers, num_heads, hidden_dim,
    mlp_dim, num_classes=num_classes)`` at inference."""
    g = netir.Graph("tiny_vit")
    x = g.input((3, image_size, image_size))
    x = g.conv2d(x, hidden_dim, patch_size, stride=patch_size, name="conv_proj")
    x = g.to_tokens(x, name="patches")                                  # (T, D)
    token = g.parameter(x, (1, hidden_dim), layout="TC", name="class_token")
    x = g.concat(token, x, axis=0, name="with_class_token")             # (T + 1, D)
    position = g.parameter(x, x.shape, layout="TC", name="encoder.pos_embedding")
    x = g.add(x, position, name="encoder.add_position")
    for i in range(num_layers):
        block = f"encoder.layers.encoder_layer_{i}"
        y = g.layer_norm(x, eps=1e-6, name=f"{block}.ln_1")
        y = g.multi_head_attention(y, num_heads, name=f"{block}.self_attention")
        x = g.add(y, x, name=f"{block}.add_attention")
        y = g.layer_norm(x, eps=1e-6, name=f"{block}.ln_2")
        y = g.dense(y, mlp_dim, name=f"{block}.mlp.0")
        y = g.gelu(y, name=f"{block}.mlp.1")
        y = g.dense(y, hidden_dim, name=f"{block}.mlp.3")
        x = g.add(x, y, name=f"{block}.add_mlp")
    x = g.layer_norm(x, eps=1e-6, name="encoder.ln")
    x = g.select(x, 0, 0, name="class_features")                       # (D,)
    g.dense(x, num_classes, name="heads.head")
    return g


if __name__ == "__main__":
    graph = tiny_vit()
    graph.summary()
    print(netir.compare(graph))
