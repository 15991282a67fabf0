"""Keras layer names for node names.

Node names are Keras layer names as they are, except on Keras' torch backend, which
keeps variables in a ``torch.nn.ParameterDict`` whose keys may not contain dots: there a
dot becomes ``~`` (never part of a node name, so the mapping reverses exactly).
Helper layers that a lowering adds around a node are named ``<layer>>role``: ``>`` is
not part of any node name, so no user name can collide with a helper, and it is one of
the characters TensorFlow accepts in a name scope (``[A-Za-z0-9_.\\/>-]``), which
``model.predict``, ``model.fit`` and ``tf.function`` open for every layer.
"""

from __future__ import annotations

import keras

_DOT = "~"


def layer_name(node: str) -> str:
    return node.replace(".", _DOT) if keras.backend.backend() == "torch" else node


def node_name(layer: str) -> str:
    return layer.replace(_DOT, ".")


def helper_name(layer: str, role: str) -> str:
    """The name of a helper layer (padding, crop, divisor map) of ``layer``."""
    return f"{layer}>{role}"
