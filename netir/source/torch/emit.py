"""A PyTorch module file for a graph: one class per block type, submodules at the
graph's scopes, ``nn.Sequential`` where a scope is a numbered chain."""

from __future__ import annotations

import re

from netir.emitters.registry import returned_names
from netir.ir.graph import Graph
from netir.source.common import (
    RESERVED,
    Slots,
    camel,
    identifier,
    is_plain,
    literal,
    render,
    used_names,
)
from netir.source.structure import Unit, build_tree, needed, ordered_calls, variables
from netir.source.torch.helpers import HELPERS
from netir.source.torch.lowerings import LOWERINGS, Bare, Expr, Layer
from netir.source.types import Types, base_name, child_marker, constant_code

OPAQUE = ("leaf", "block", "sequential")

#: torch's own defaults: a keyword argument equal to one everywhere is left out.
DEFAULTS = {
    "nn.Conv2d": {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True},
    "nn.Conv1d": {"stride": 1, "padding": 0, "dilation": 1, "groups": 1, "bias": True},
    "PaddedConv2d": {"stride": 1, "dilation": 1, "groups": 1, "bias": True},
    "PaddedConv1d": {"stride": 1, "dilation": 1, "groups": 1, "bias": True},
    "nn.ConvTranspose2d": {"stride": 1, "padding": 0, "output_padding": 0, "groups": 1,
                           "bias": True, "dilation": 1},
    "nn.Linear": {"bias": True}, "FeatureLinear": {"bias": True},
    "nn.BatchNorm1d": {"eps": 1e-05, "momentum": 0.1},
    "nn.BatchNorm2d": {"eps": 1e-05, "momentum": 0.1},
    "nn.BatchNorm3d": {"eps": 1e-05, "momentum": 0.1},
    "nn.LayerNorm": {"eps": 1e-05}, "FeatureLayerNorm": {"eps": 1e-05},
    "nn.GroupNorm": {"eps": 1e-05, "affine": True},
    "nn.MaxPool2d": {"ceil_mode": False},
    "nn.AvgPool2d": {"ceil_mode": False, "count_include_pad": True},
    "nn.MultiheadAttention": {"bias": True},
}
_SQUARE = ("kernel_size", "stride", "padding", "dilation", "output_padding")


def _taken() -> frozenset[str]:
    from torch import nn

    return frozenset(dir(nn.Sequential())) | frozenset(dir(nn.Module()))


def _square(ctor):
    """``(3, 3)`` as ``3`` in an ``nn.`` constructor, which takes either."""
    if not ctor.callee.startswith("nn."):
        return ctor

    def one(k, v):
        return v[0] if k in _SQUARE and isinstance(v, tuple) and len(set(v)) == 1 else v

    return type(ctor)(ctor.callee, tuple((h, one(h, v)) for h, v in ctor.args),
                      tuple((k, one(k, v)) for k, v in ctor.kwargs))


class TorchFile:
    """The source of one graph; ``text()`` is the file."""

    def __init__(self, graph: Graph, outputs=None) -> None:
        self.graph, self.names = graph, returned_names(graph, outputs)
        self.index = {n.name: k for k, n in enumerate(graph.nodes)}
        self.lowered = {n.name: LOWERINGS.lookup(n)(n, graph) for n in graph.nodes
                        if n.op != "input"}
        self.attrs = _taken()
        self.helpers: set[str] = set()
        for low in self.lowered.values():
            self.helpers.update(getattr(low, "helpers", ()))
        self.root = build_tree(graph, self.names)
        self.root.outputs = list(self.names)
        self._sequential(self.root)
        self.types = Types()
        self.type_of: dict[int, int] = {}

    # -- structure -------------------------------------------------------------------
    def _chain_link(self, unit: Unit) -> bool:
        if unit.kind == "leaf":
            low = self.lowered[unit.name]
            return isinstance(low, Layer) and low.call is None and len(unit.inputs) == 1
        return unit.kind in ("block", "sequential") and len(unit.inputs) == 1

    def _sequential(self, unit: Unit) -> None:
        """Mark numbered chains: containers become ``sequential``, blocks ``seq``."""
        for child in unit.children:
            self._sequential(child)
        kids = unit.children
        unit.seq = bool(kids) and (
            [c.segment for c in kids] == [str(i) for i in range(len(kids))]
            and all(self._chain_link(c) and len(c.outputs) == 1 for c in kids)
            and all(b.inputs == a.outputs for a, b in zip(kids, kids[1:]))
            and unit.outputs == kids[-1].outputs and len(unit.inputs) == 1)
        if unit.seq and unit.kind == "container" and unit is not self.root:
            unit.kind = "sequential"

    def _access(self, owner: str, segment: str, table: str = "_modules") -> str:
        if is_plain(segment, self.attrs):
            return f"{owner}.{segment}"
        return f"{owner}.{table}[{literal(segment)}]"

    # -- construction ----------------------------------------------------------------
    def _expression(self, unit: Unit, slots: Slots, scope: str) -> str:
        """Code building a leaf, block or sequential unit."""
        where = identifier(unit.name[len(scope):].lstrip(".").replace(".", "_"))
        if unit.kind == "leaf":
            low = self.lowered[unit.name]
            ctor = _square(low.ctor)
            return render(ctor, slots, where, DEFAULTS.get(ctor.callee))
        if unit.kind == "block":
            inner = self._class(unit)
            text, offset = slots.absorb("", self.types.types[inner].instances[-1], where)
            return child_marker(inner, offset)
        return "nn.Sequential(" + ", ".join(
            self._expression(c, slots, scope) for c in unit.children) + ")"

    def _holds_state(self, unit: Unit) -> bool:
        if unit.kind == "leaf":
            return not isinstance(self.lowered[unit.name], Expr)
        return any(self._holds_state(c) for c in unit.children)

    def _assign(self, owner: str, unit: Unit, slots: Slots, scope: str, out: list[str]) -> None:
        if not self._holds_state(unit):
            return
        low = self.lowered.get(unit.name) if unit.kind == "leaf" else None
        if isinstance(low, Bare):
            where = identifier(unit.name[len(scope):].lstrip(".").replace(".", "_"))
            target = self._access(owner, unit.segment, "_parameters")
            shape = slots.mark(where, "shape", low.shape)
            out.append(f"{target} = nn.Parameter(torch.zeros({shape}))")
            return
        target = self._access(owner, unit.segment)
        if unit.kind == "container":
            out.append(f"{target} = nn.Module()")
            for child in unit.children:
                self._assign(target, child, slots, scope, out)
            return
        out.append(f"{target} = {self._expression(unit, slots, scope)}")

    # -- forward -----------------------------------------------------------------------
    def _path(self, unit: Unit, scope: str) -> str:
        """``self.a.b`` for the unit ``<scope>.a.b``."""
        owner = "self"
        rest = unit.name[len(scope):].lstrip(".").split(".")
        for k, segment in enumerate(rest):
            last_bare = k == len(rest) - 1 and isinstance(self.lowered.get(unit.name), Bare)
            owner = self._access(owner, segment, "_parameters" if last_bare else "_modules")
        return owner

    def _forward(self, unit: Unit, arguments: list[str]) -> list[str]:
        scope = unit.name
        units = needed(ordered_calls(unit, self.index, OPAQUE), unit.outputs)
        args = {}
        if len(arguments) == 1:
            args[arguments[0]] = "x"
        else:
            used: set[str] = set(RESERVED)
            for k, name in enumerate(arguments):
                args[name] = identifier(name.rpartition(".")[2] if scope == "" else f"x{k}", used)
                used.add(args[name])
        names = variables(units, args, unit.outputs)
        var = dict(args)
        lines = [f"def forward(self, {', '.join(args.values())}):"]
        for k, u in enumerate(units):
            inputs = [var[i] for i in u.inputs]
            path = self._path(u, scope)
            low = self.lowered.get(u.name) if u.kind == "leaf" else None
            if isinstance(low, Expr):
                call = _format(low.template, inputs)
            elif isinstance(low, Bare):
                call = _format(low.template, inputs, p=path)
            elif isinstance(low, Layer) and low.call is not None:
                call = _format(low.call, inputs, m=path)
            else:
                call = f"{path}({', '.join(inputs)})"
            lines.append(f"    {', '.join(names[k])} = {call}")
            var.update(zip(u.outputs, names[k]))
        lines.append(f"    return {', '.join(var[o] for o in unit.outputs)}")
        return lines

    # -- classes -----------------------------------------------------------------------
    def _class(self, unit: Unit) -> int:
        """The type of a block unit (its class text found, its slots recorded)."""
        slots = Slots()
        text = self._class_text(unit, slots, "\x01")
        t = self.types.add(text, slots, unit.name, base_name(unit.name))
        return t

    def _class_text(self, unit: Unit, slots: Slots, name: str) -> str:
        scope = unit.name
        if unit.seq:
            parts = [self._expression(c, slots, scope) for c in unit.children]
            body = ["def __init__(self\x03):", "    super().__init__(",
                    *(f"        {p}," for p in parts), "    )"]
            base = "nn.Sequential"
        else:
            init: list[str] = []
            for child in unit.children:
                self._assign("self", child, slots, scope, init)
            body = ["def __init__(self\x03):", "    super().__init__()",
                    *(f"    {line}" for line in init), ""]
            inputs = [n.name for n in self.graph.inputs] if unit is self.root else unit.inputs
            body += self._forward(unit, inputs)
            base = "nn.Module"
        return "\n".join([f"class {name}({base}):", *(f"    {b}" if b else "" for b in body)])

    def text(self) -> str:
        slots = Slots()
        model = self._class_text(self.root, slots, "\x01")
        taken = set(RESERVED) | set(HELPERS) | {"Model"}
        model_name = camel(self.graph.name.replace(".", "_"))
        if not model_name or model_name[0].isdigit() or model_name in taken:
            model_name = "Model" + model_name
        taken.add(model_name)
        self.types.finish(taken)
        parts = []
        for t in self.types.types:
            params = "".join(f", {p}" for p in t.params)
            parts.append(self.types.body(t).replace("\x01", t.name).replace("\x03", params))
        code = self.types.fill(model, constant_code(slots))
        if any("training" in n.name.split(".") for n in self.graph.nodes):
            code += _TRAIN
        parts.append(code.replace("\x01", model_name).replace("\x03", ""))
        body = "\n\n\n".join(parts)
        helpers = [HELPERS[h] for h in HELPERS if h in self.helpers]
        used = used_names("\n\n".join([*helpers, body]))
        imports = ["import torch"] if "torch" in used else []
        if "F" in used:
            imports.append("import torch.nn.functional as F")
        imports.append("from torch import nn")
        doc = '"""A PyTorch model written by netir from its graph; it needs only torch."""'
        return "\n\n\n".join([doc + "\n\n" + "\n".join(imports), *helpers, body]).rstrip() + "\n"


#: ``train()`` for a model with a child named ``training``, which nn.Module's own
#: ``self.training = mode`` would refuse to overwrite with a bool.
_TRAIN = '''

    def train(self, mode=True):
        """Each module's mode set in its own dict: a child here is named ``training``."""
        for module in self.modules():
            module.__dict__["training"] = mode
        return self'''


def _format(template: str, inputs: list[str], **named: str) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: named[m.group(1)] if m.group(1) in named
                  else inputs[int(m.group(1))], template)


def to_source(graph: Graph, outputs=None) -> str:
    return TorchFile(graph, outputs).text()
