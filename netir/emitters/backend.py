"""The backend protocol: everything netir does with a framework goes through one object.

A backend (``torch``, ``keras``, a NumPy reference, a plugin's) is an instance of a
:class:`Backend` subclass, registered once by name (:mod:`netir.emitters.registry`).
Code that needs a framework asks the registry for a backend and calls these methods;
nothing else branches on the framework.

``name``
    What users type: ``emit(graph, "torch")``, ``netir emit --backend torch``.
``lowerings``
    Its :class:`Lowerings` table, op name -> lowering. Every backend's lowerings have
    ONE signature::

        lowering(plan: NodePlan, inputs: list) -> value

    ``plan`` is the node's :class:`~netir.ir.plan.NodePlan` (an emitter gets every
    node's at once from :func:`~netir.ir.plan.graph_plan`); ``inputs`` holds the
    backend's values for the node's inputs in order (Keras tensors, torch.fx nodes,
    NumPy arrays...); the return value is whatever that backend's ``emit`` builds from
    (a Keras tensor, an ``nn.Module``, a NumPy function...). Attributes are read from
    ``plan.attrs`` (defaults already filled), input and output types from
    ``plan.inputs`` and ``plan.output``, and the facts the IR derives from the plan:
    batch-first axes (``plan.axes``, ``plan.feature_axis``, ``plan.positions``), the
    window's declared and exact padding (``plan.window``), the operands an op reads
    (``plan.operands``), parameter shapes (``plan.params``, ``plan.buffers``) and the
    nodes reading the output (``plan.consumers``): a lowering never re-derives them.
    A backend's table is merged from one table per IR family
    (:meth:`Lowerings.merged`), as the op registry is.
``emit(graph, outputs=None, **options) -> model``
    A live model computing ``graph`` (``outputs``: node names it returns instead of
    the graph's outputs). The built-in backends take ``optimize=True`` and
    ``weights=`` (neutral) as options; a backend refuses options it does not know.
``export_weights(model)`` / ``import_weights(model, weights)``
    Weights as ``{node name: {param: array}}`` in the neutral (PyTorch/ONNX) layout.
    ``import_weights`` is not abstract: it checks the weights once, alike on every
    backend (:func:`netir.emitters.tensorfile.validate_weights`: every declared
    parameter, exact shapes, nothing extra, the float32 dtype policy; WeightsError
    otherwise), then calls the backend's two hooks:
``weights_graph(model) -> Graph or {node: {param: shape}}``
    What the model declares (its graph, or for a model that holds none, its tensors).
``assign_weights(model, weights)``
    Only assigns: the weights are already checked, float32 and grouped by node.
``run(model, inputs) -> outputs``
    Inference on a list of NumPy arrays, channels first (N, C, H, W) or (N, features),
    in the order of ``graph.inputs``; returns a list of NumPy arrays, channels first,
    in the order of the model's outputs.
``count(model) -> (trainable, buffers)``
    Element counts as the framework reports them.
``save(model, directory) -> path`` / ``load(directory) -> model``
    One model file in ``directory`` (``model_file``).
``owns(model) -> bool``
    Whether ``model`` is one of this backend's models; used to dispatch
    ``export_weights(model)`` and friends. It must not import a framework that is not
    already imported (a model of that framework cannot exist yet).
``emit_loaded(graph, outputs, weights) -> model``
    Not abstract: ``emit`` then ``import_weights``, what a check runs. The ONNX and
    reference backends override it to emit with the weights at once.
``narrow(model, nodes, outputs) -> model or None``
    Not abstract: a model emitted for ``nodes``, reduced to return only ``outputs``
    over its own layers, or None (the default: a check then emits the model as users
    run it anew). The Keras and ONNX backends override it (see :meth:`Backend.narrow`).
``trainer``
    ``"module:Class"`` of its trainer (:mod:`netir.training`), or None (the default)
    when it does not train: torch and Keras train, the ONNX and reference backends do not.

A new backend subclasses :class:`Backend`, fills its ``lowerings`` with
``@lowerings.register("op")`` (or merges family modules of its own with
:meth:`Lowerings.merged`) and registers an instance with
:func:`netir.emitters.registry.register_backend` or the ``netir.backends`` entry point.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from netir.emitters.tensorfile import validate_weights
from netir.ir.errors import NetIRError, UnsupportedOpError
from netir.ir.node import Node
from netir.ir.plan import NodePlan

#: ``lowering(plan, inputs) -> value``: see the module docstring.
Lowering = Callable[[NodePlan, list], Any]
Weights = dict[str, dict[str, np.ndarray]]


class Lowerings(dict):
    """One backend's lowering table: op name -> ``lowering(plan, inputs)``."""

    def __init__(self, backend: str) -> None:
        super().__init__()
        self.backend = backend

    @classmethod
    def merged(cls, backend: str, families) -> Lowerings:
        """One table of every family module's ``LOWERINGS`` dict, the way
        ``netir/ir/ops/__init__.py`` merges the families' specs; an op lowered by two
        families is an error (``register`` refuses it)."""
        table = cls(backend)
        for family in families:
            for op, lowering in family.LOWERINGS.items():
                table.register(op)(lowering)
        return table

    def register(self, op: str, *, replace: bool = False) -> Callable[[Lowering], Lowering]:
        """Decorator: the function lowers ``op``. A second lowering is an error."""

        def wrap(fn: Lowering) -> Lowering:
            if op in self and not replace:
                raise NetIRError("a lowering is already registered", f"{op} for {self.backend}",
                                 node="<lowerings>", op=op)
            self[op] = fn
            return fn

        return wrap

    def lookup(self, node: Node) -> Lowering:
        """The lowering of ``node.op``; UnsupportedOpError names node, op and backend."""
        try:
            return self[node.op]
        except KeyError:
            raise UnsupportedOpError(f"the {self.backend} emitter has no lowering for this op",
                                     f"op {node.op!r}, emitter {self.backend!r}",
                                     node=node.name, op=node.op) from None


class Backend(ABC):
    """Base class of every backend; see the module docstring for the protocol.

    Every method but ``import_weights``, ``emit_loaded`` and ``narrow`` is abstract: a
    subclass that leaves one out cannot be instantiated.
    """

    name: str = ""
    model_file: str = "model"
    lowerings: Lowerings
    #: ``"module:Class"`` of the trainer that runs training steps on this backend's
    #: models (:mod:`netir.training`), or None for a backend that does not train; a
    #: string, so that declaring it imports nothing.
    trainer: str | None = None

    @abstractmethod
    def emit(self, graph, outputs: Sequence[str] | None = None, **options: Any) -> Any: ...

    @abstractmethod
    def export_weights(self, model: Any) -> Weights: ...

    def import_weights(self, model: Any, weights: Weights) -> None:
        """Set the model's weights from the neutral layout, strictly: one check for
        every backend (:func:`~netir.emitters.tensorfile.validate_weights`, WeightsError
        naming node, parameter, expected and received values), then
        :meth:`assign_weights`."""
        self.assign_weights(model, validate_weights(self.weights_graph(model), weights))

    @abstractmethod
    def weights_graph(self, model: Any) -> Any:
        """The graph whose declared parameters ``model`` holds, or ``{node: {param:
        shape}}`` for a model that holds no graph."""

    @abstractmethod
    def assign_weights(self, model: Any, weights: Weights) -> None:
        """Assign ``weights``, already checked against :meth:`weights_graph` (float32,
        grouped by node, every parameter, exact shapes): only assigns."""

    @abstractmethod
    def run(self, model: Any, inputs: Sequence[np.ndarray]) -> list[np.ndarray]: ...

    @abstractmethod
    def count(self, model: Any) -> tuple[int, int]: ...

    @abstractmethod
    def save(self, model: Any, directory: str | Path) -> Path: ...

    @abstractmethod
    def load(self, directory: str | Path) -> Any: ...

    @abstractmethod
    def owns(self, model: Any) -> bool: ...

    def emit_loaded(self, graph, outputs: Sequence[str] | None, weights: Weights) -> Any:
        """``emit`` then ``import_weights`` (what a check runs). A backend whose emitter
        takes the weights directly, instead of first drawing random ones that the import
        replaces, may override it to do both at once."""
        model = self.emit(graph, outputs)
        self.import_weights(model, weights)
        return model

    def narrow(self, model: Any, nodes: Sequence[str], outputs: Sequence[str]) -> Any:
        """``model``, emitted for ``nodes``, returning only ``outputs`` (node names among
        ``nodes``) over the same layers; None when this backend cannot say that such a
        model is the one ``emit(graph, outputs)`` gives. A check runs the model users
        run: from this when it is not None, else emitted anew, since a runtime may
        compute differently when fewer values are asked of it (ONNX Runtime fuses). A
        backend whose ``emit`` builds the same layers, wired the same way, whatever the
        outputs (a Keras functional model) overrides it and saves building them twice.
        """
        return None

    def __repr__(self) -> str:
        return f"<netir backend {self.name!r}>"
