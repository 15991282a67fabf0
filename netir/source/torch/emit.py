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
from netir.source.loops import Loop, find_runs, loop_marker, name_code, split_name
from netir.source.structure import Unit, build_tree, needed, ordered_calls, variables
from netir.source.torch.defaults import DEFAULTS, module_attributes, square
from netir.source.torch.helpers import HELPERS
from netir.source.torch.lowerings import LOWERINGS, Bare, Expr, Layer
from netir.source.types import Types, base_name, child_marker, constant_code
from netir.source.wrap import wrap

OPAQUE = ("leaf", "block", "sequential")

class TorchFile:
    """The source of one graph; ``text()`` is the file."""

    def __init__(self, graph: Graph, outputs=None) -> None:
        self.graph, self.names = graph, returned_names(graph, outputs)
        self.index = {n.name: k for k, n in enumerate(graph.nodes)}
        self.lowered = {n.name: LOWERINGS.lookup(n)(n, graph) for n in graph.nodes
                        if n.op != "input"}
        self.attrs = module_attributes()
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
        """Mark chains (each unit reads the one before): containers become
        ``sequential``, blocks ``seq`` (the model's own class only where numbered)."""
        for child in unit.children:
            self._sequential(child)
        kids = unit.children
        unit.numbered = [c.segment for c in kids] == [str(i) for i in range(len(kids))]
        unit.seq = bool(kids) and (
            all(self._chain_link(c) and len(c.outputs) == 1 for c in kids)
            and all(b.inputs == a.outputs for a, b in zip(kids, kids[1:]))
            and unit.outputs == kids[-1].outputs and len(unit.inputs) == 1
            and (unit.numbered or unit is not self.root))
        if unit.seq and unit.kind == "container" and unit is not self.root:
            unit.kind = "sequential"

    def _inline(self, unit: Unit) -> bool:
        """Whether one expression builds the unit (a sequential: numbered, of such)."""
        if unit.kind == "sequential":
            return unit.numbered and all(self._inline(c) for c in unit.children)
        return unit.kind in ("leaf", "block")

    def _access(self, owner: str, segment: str, table: str = "_modules") -> str:
        if is_plain(segment, self.attrs):
            return f"{owner}.{segment}"
        return f"{owner}.{table}[{literal(segment)}]"

    # -- construction ----------------------------------------------------------------
    def _expression(self, unit: Unit, slots: Slots, scope: str, block=None) -> str:
        """Code building a leaf, block or inline sequential unit (``block``: the
        block's type, already found)."""
        where = identifier(unit.name[len(scope):].lstrip(".").replace(".", "_"))
        if unit.kind == "leaf":
            low = self.lowered[unit.name]
            ctor = square(low.ctor)
            return render(ctor, slots, where, DEFAULTS.get(ctor.callee))
        if unit.kind == "block":
            inner, instance = self._instance(unit) if block is None else block
            text, offset = slots.absorb("", instance, where)
            return child_marker(inner, offset)
        return "nn.Sequential(" + ", ".join(self._items(unit, slots, scope)) + ")"

    def _items(self, unit: Unit, slots: Slots, scope: str) -> list[str]:
        """The expressions of an inline sequential's children, a run of one block type
        as ``*(Type(...) for i in range(count))``."""
        kids = unit.children
        found = [self._instance(c) if c.kind == "block" else None for c in kids]
        runs = dict(find_runs([(c.segment, f[0] if f else None, f[1].values if f else [])
                               for c, f in zip(kids, found)]))
        items, k = [], 0
        while k < len(kids):
            if k in runs:
                stop = runs[k]
                self.types.loops.append(Loop(found[k][0], [f[1].values for f in found[k:stop]]))
                call = loop_marker(len(self.types.loops) - 1)
                items.append(f"*({call} for i in range({stop - k}))")
                k = stop
                continue
            items.append(self._expression(kids[k], slots, scope, found[k]))
            k += 1
        return items

    def _holds_state(self, unit: Unit) -> bool:
        if unit.kind == "leaf":
            return not isinstance(self.lowered[unit.name], Expr)
        return any(self._holds_state(c) for c in unit.children)

    def _assign_children(self, owner: str, unit: Unit, slots: Slots, scope: str,
                         out: list[str]) -> None:
        """The statements building ``unit``'s children on ``owner``: a run of one block
        type as a loop, a numbered sequential's children appended."""
        appended = unit.kind == "sequential" or (unit.seq and unit.kind == "block")
        appended = appended and unit.numbered
        kids = unit.children if unit.seq else [c for c in unit.children if self._holds_state(c)]
        found = [self._instance(c) if c.kind == "block" else None for c in kids]
        types = [f[0] if f else None for f in found]
        instances = [f[1].values if f else [] for f in found]
        runs = dict(find_runs([(c.segment, t, v) for c, t, v in zip(kids, types, instances)]))
        k = 0
        while k < len(kids):
            if k in runs:
                stop = runs[k]
                self.types.loops.append(Loop(types[k], instances[k:stop]))
                call = loop_marker(len(self.types.loops) - 1)
                prefix, start = split_name(kids[k].segment)
                name = name_code(prefix, start)
                if appended:
                    line = f"{owner}.append({call})"
                elif all(c.segment not in self.attrs for c in kids[k:stop]):
                    line = f"{owner}.add_module({name}, {call})"
                else:
                    line = f"{owner}._modules[{name}] = {call}"
                out += [f"for i in range({stop - k}):", f"    {line}"]
                k = stop
                continue
            self._assign(owner, kids[k], slots, scope, out, k if appended else None, found[k])
            k += 1

    def _assign(self, owner: str, unit: Unit, slots: Slots, scope: str, out: list[str],
                position: int | None = None, block=None) -> None:
        """The statements building ``unit`` at ``owner``'s attribute of its name, or
        appended to ``owner`` at ``position``."""
        if not self._holds_state(unit) and position is None:
            return
        low = self.lowered.get(unit.name) if unit.kind == "leaf" else None
        if isinstance(low, Bare):
            where = identifier(unit.name[len(scope):].lstrip(".").replace(".", "_"))
            target = self._access(owner, unit.segment, "_parameters")
            shape = slots.mark(where, "shape", low.shape)
            out.append(f"{target} = nn.Parameter(torch.zeros({shape}))")
            return
        if position is None:
            target = self._access(owner, unit.segment)
            prefix = f"{target} = "
        else:
            target, prefix = f"{owner}[{position}]", None
        if unit.kind in ("container", "sequential") and not self._inline(unit):
            empty = "nn.Module()" if unit.kind == "container" else "nn.Sequential()"
            out.append(f"{prefix}{empty}" if prefix else f"{owner}.append({empty})")
            self._assign_children(target, unit, slots, scope, out)
            return
        code = self._expression(unit, slots, scope, block)
        if prefix and not is_plain(unit.segment, self.attrs) and unit.segment not in self.attrs:
            out.append(f"{owner}.add_module({literal(unit.segment)}, {code})")
        else:
            out.append(f"{prefix}{code}" if prefix else f"{owner}.append({code})")

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
    def _instance(self, unit: Unit) -> tuple[int, Slots]:
        """A block unit's type and its instance's slots."""
        t = self._class(unit)
        return t, self.types.types[t].instances[-1]

    def _class(self, unit: Unit) -> int:
        """The type of a block unit (its class text found, its slots recorded)."""
        slots = Slots()
        text = self._class_text(unit, slots, "\x01")
        t = self.types.add(text, slots, unit.name, base_name(unit.name))
        if "\x04" in text:
            self.types.types[t].local.add("i")  # a loop's variable
        return t

    def _class_text(self, unit: Unit, slots: Slots, name: str) -> str:
        scope = unit.name
        if unit.seq and unit.numbered and all(self._inline(c) for c in unit.children):
            parts = self._items(unit, slots, scope)
            body = ["def __init__(self\x03):", "    super().__init__(",
                    *(f"        {p}," for p in parts), "    )"]
            base = "nn.Sequential"
        elif unit.seq:
            init: list[str] = []
            self._assign_children("self", unit, slots, scope, init)
            body = ["def __init__(self\x03):", "    super().__init__()",
                    *(f"    {line}" for line in init)]
            base = "nn.Sequential"
        else:
            init = []
            self._assign_children("self", unit, slots, scope, init)
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
        text = "\n\n\n".join([doc + "\n\n" + "\n".join(imports), *helpers, body])
        return wrap(text).rstrip() + "\n"


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
