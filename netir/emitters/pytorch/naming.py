"""Names in emitted torch modules: node names as attribute paths, exactly.

A node's dotted name becomes the module path ``model.layer3[4].conv2``; a segment
that Python or ``nn.Module`` would not take as an attribute keeps its exact name in
``_modules`` (:class:`ExactNames`), so the ``state_dict`` keys are the node names.
"""

from __future__ import annotations

import keyword
import re

from torch import nn


def _reserved() -> frozenset[str]:
    import torch.fx as fx

    names = set(dir(fx.GraphModule(nn.Module(), fx.Graph()))) | set(dir(Scope()))
    return frozenset(names | {"netir_graph", "netir_bare", "netir_outputs"})


_RESERVED: frozenset[str] | None = None


def attribute_name(segment: str) -> str:
    """The Python attribute through which generated code reaches the child ``segment``.

    A segment that is a plain identifier, not a keyword and not an attribute that
    nn.Module or fx.GraphModule already has, is its own attribute. Any other segment
    (``forward``, ``training``, ``None``, ``block1-0``, ``_code``) maps to
    ``_n_`` + the segment with ``_`` doubled and ``-`` as ``_d``: an identifier that no
    plain segment can be (those never start with ``_``) and that maps back exactly.
    A digit segment (``4``) is its own attribute name: torch.fx writes
    ``getattr(scope, "4")``, which ``torch.jit.script`` resolves. The child keeps its
    own name in ``_modules``, so ``state_dict`` keys are exact.
    """
    global _RESERVED
    if _RESERVED is None:
        _RESERVED = _reserved()
    if (segment.isidentifier() and not keyword.iskeyword(segment)
            and not segment.startswith("_") and segment not in _RESERVED):
        return segment
    if segment.isascii() and segment.isdigit():
        # torch.fx reaches digit children as getattr(scope, "4"), which TorchScript
        # resolves to the registered submodule; an alias attribute it cannot type
        return segment
    return "_n_" + segment.replace("_", "__").replace("-", "_d")


def value_name(node_name: str) -> str:
    """The candidate name of a node's value in the generated ``forward``.

    torch.fx makes any candidate an identifier (``a.b`` and ``block1-0`` as ``a_b``,
    ``block1_0``), distinct from every other value, and never a keyword or a builtin or
    one of the globals its code uses (``None``, ``input``, ``torch``, ``getattr`` get a
    ``_1``). The one name it does not keep apart is ``self``, forward's first parameter:
    a value named ``self`` would hide the module from every later line. ``self`` and
    what fx would turn into it therefore get a trailing ``_``.
    """
    candidate = re.sub(r"[^0-9A-Za-z_]", "_", node_name)
    return candidate + "_" if candidate == "self" else candidate


class ExactNames:
    """Mixin for a module whose children may be named like its attributes.

    torch assigns some attributes after construction (``training`` in ``train()``;
    GraphModule's ``graph`` and ``_code`` on recompile). nn.Module refuses a plain value
    under a name that is also a child's; here the value goes to the instance dict and
    the child stays in ``_modules``, reached through :func:`attribute_name`.
    """

    def __setattr__(self, name: str, value) -> None:
        modules = self.__dict__.get("_modules")
        if (modules is not None and name in modules and not isinstance(value, nn.Module)
                and value is not None):
            object.__setattr__(self, name, value)
            return
        super().__setattr__(name, value)


class Scope(ExactNames, nn.Module):
    """A container for one dotted scope; ``scope[4]`` finds the child named ``"4"``.

    Children are kept in ``_modules`` under their exact names (any node-name segment,
    also ``forward`` or ``0``), so ``state_dict`` keys are the node names. Generated
    code reaches a child through :func:`attribute_name`, mirrored in the instance dict:
    the chain ``self.features.denseblock1.denselayer1.norm1`` resolves at C speed
    (DenseNet-121 at 32x32: 7.5 -> 6.9 ms) and never meets a method of the same name.
    The mirror follows every way of setting or deleting a child; ``_modules`` stays
    the truth.
    """

    def __setattr__(self, name: str, value) -> None:
        super().__setattr__(name, value)
        self._mirror(name)

    def __delattr__(self, name: str) -> None:
        if name in self._modules:
            self.__dict__.pop(attribute_name(name), None)
        super().__delattr__(name)

    def add_module(self, name: str, module: nn.Module | None) -> None:
        """Register ``module`` under any segment name (nn.Module refuses names such as
        'forward' that are attributes; a Scope keeps them apart)."""
        if not isinstance(name, str) or not name or "." in name:
            super().add_module(name, module)  # nn.Module's own error
        self._modules[name] = module
        self._mirror(name)

    def _mirror(self, name: str) -> None:
        modules = self.__dict__.get("_modules")
        if modules is not None and name in modules:
            self.__dict__[attribute_name(name)] = modules[name]

    def __getitem__(self, key: int | str) -> nn.Module:
        return self._modules[str(key)]

    def __setitem__(self, key: int | str, module: nn.Module) -> None:
        self.add_module(str(key), module)

    def __len__(self) -> int:
        return len(self._modules)

    def __iter__(self):
        return iter(self._modules.values())
