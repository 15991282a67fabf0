"""Keras layer names for node names.

Node names are Keras layer names as they are, except on Keras' torch backend, which
keeps variables in a ``torch.nn.ParameterDict`` whose keys may not contain dots: there a
dot becomes ``-`` (never part of a node name, so the mapping reverses exactly).
"""

from __future__ import annotations

import keras


def layer_name(node: str) -> str:
    return node.replace(".", "-") if keras.backend.backend() == "torch" else node


def node_name(layer: str) -> str:
    return layer.replace("-", ".")
