"""The one exception hierarchy of netir.

Every error reads ``<node name> (<op>): <what is wrong>. Got: <values>.`` A rule that
runs before a node has a name (a shape rule, an attribute check) raises the error
without a location; the graph fills in the node and the op before it reaches the user.
"""

from __future__ import annotations

from typing import Any


class NetIRError(Exception):
    """Base of every error netir raises on purpose."""

    def __init__(self, what: str, got: Any = None, *, node: str | None = None,
                 op: str | None = None) -> None:
        super().__init__(what)
        self.what = what
        self.got = got
        self.node = node
        self.op = op

    def locate(self, node: str, op: str) -> NetIRError:
        """Fill in the node and op (keeps any location already set); returns self."""
        self.node = self.node or node
        self.op = self.op or op
        return self

    def __str__(self) -> str:
        where = f"{self.node or '<graph>'} ({self.op or '?'}): "
        got = "" if self.got is None else f" Got: {self.got}."
        return f"{where}{self.what.rstrip('.')}.{got}"


class UnknownOpError(NetIRError, LookupError, AttributeError):
    """An op name that is not in the registry (also an AttributeError for ``g.<op>``)."""

    __str__ = NetIRError.__str__


class AttributeValueError(NetIRError, ValueError):
    """An attribute of the wrong type or out of range, or one the op does not have."""


class ArityError(NetIRError, ValueError):
    """A node given the wrong number of inputs."""


class ShapeError(NetIRError, ValueError):
    """Input shapes an op cannot take (kernel larger than the input, channel mismatch...)."""


class GraphError(NetIRError, ValueError):
    """A malformed graph: duplicate names, inputs from another graph, cycles."""


class SerializationError(NetIRError, ValueError):
    """A JSON document that is not a valid netir graph."""


class UnsupportedOpError(NetIRError, NotImplementedError):
    """An emitter with no lowering for an op."""


class ArchitectureError(NetIRError, KeyError):
    """An unknown catalog name or a duplicate registration."""

    __str__ = NetIRError.__str__


class RenderError(NetIRError, RuntimeError):
    """A diagram that cannot be produced (no `dot` program, a raster too large to read)."""


class FileError(NetIRError, OSError):
    """A path netir cannot read or write: missing, not a regular file, too large, not
    writable. Also an OSError, so code that catches file errors keeps working."""

    __str__ = NetIRError.__str__


class WeightsError(NetIRError, ValueError):
    """Weights that do not fit a model: unknown, missing or extra tensors, wrong shapes,
    dtypes outside the policy (float32; float16, bfloat16 and float64 converted)."""


class ResourceError(NetIRError, MemoryError):
    """A model or its activations would need more memory than is available."""


class ArgumentError(NetIRError, ValueError):
    """An argument of a netir function of the wrong type or out of range
    (``compare(g, batch=0)``); the message names the argument and the value."""


class UnsupportedModelError(NetIRError, NotImplementedError):
    """A framework model the IR cannot express (``netir.from_torch``): the message lists
    every unsupported node at once, each with the framework target, the module path, the
    source line and what the IR lacks. Not named ``ImportError``, which would shadow
    Python's built-in of that name wherever this module is star-imported or caught."""

    #: what the importer found, one entry per node or layer (set by :meth:`listing`)
    problems: list

    @classmethod
    def listing(cls, problems: list, kind: str, *, node: str, op: str) -> UnsupportedModelError:
        """The error of an importer that found ``problems`` (each printed on a line of
        its own): ``"<count> <kind> the IR cannot express:"`` then the list."""
        listed = "\n".join(f"  - {p}" for p in problems)
        err = cls(f"{len(problems)} {kind} the IR cannot express:\n{listed}", node=node, op=op)
        err.problems = list(problems)
        return err
