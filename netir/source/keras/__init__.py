"""The Keras source emitter: ``netir.to_source(graph, "keras")``."""

from netir.source.keras.emit import to_source

__all__ = ["to_source"]
