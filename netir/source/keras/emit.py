"""A Keras functional-API script for a graph: one function per block type, each layer
named after its node (helpers ``<node>>role``), the model built by the last function."""

from __future__ import annotations

import re

from netir.emitters.registry import returned_names
from netir.ir.graph import Graph
from netir.ir.layout import features_last
from netir.source.common import RESERVED, Slots, fill, identifier, literal, render, used_names
from netir.source.keras.helpers import HELPERS
from netir.source.keras.lowerings import LOWERINGS, Step
from netir.source.loops import Loop, find_runs, loop_marker, split_name
from netir.source.structure import Unit, build_tree, needed, ordered_calls, variables
from netir.source.types import Types, base_name, constant_code
from netir.source.wrap import wrap

#: Keras' own defaults: a keyword argument equal to one everywhere is left out.
_CONV = {"strides": 1, "dilation_rate": 1, "use_bias": True, "groups": 1,
         "subsample": (1, 1)}
DEFAULTS = {
    "layers.Conv2D": _CONV, "ConvExact": _CONV, "layers.Conv1D": _CONV,
    "Conv1DExact": {**_CONV, "subsample": 1}, "layers.Conv2DTranspose": _CONV,
    "layers.Conv3D": _CONV, "Conv3DExact": {**_CONV, "subsample": (1, 1, 1)},
    "layers.Dense": {"use_bias": True}, "layers.Softmax": {"axis": -1},
    "layers.Concatenate": {"axis": -1}, "layers.MultiHeadAttention": {"use_bias": True},
    "layers.GroupNormalization": {"center": True, "scale": True},
}
_SQUARE = ("kernel_size", "strides", "dilation_rate", "pool_size")
#: Names no variable, parameter or function of the file takes.
TAKEN = RESERVED | frozenset(HELPERS) | {"name", "t", "i"}
_CALL = re.compile("\x02(\\d+):(\\d+):([^\x02]*)\x02")
#: Keras builds a functional model by a recursive walk of its layer graph (a Python frame
#: or so per layer along the deepest path): a model whose deepest path passes more layers
#: than this gets a file that raises Python's recursion limit (1000 by default) first.
DEEP = 800


def snake(name: str) -> str:
    """``ConvBnAct`` -> ``conv_bn_act``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name).lower()


def _square(ctor):
    """``(3, 3)`` as ``3`` where Keras takes either (its own layers and theirs)."""
    if not ctor.callee.startswith(("layers.", "ConvExact", "Conv1DExact", "Conv3DExact")):
        return ctor

    def one(k, v):
        return v[0] if k in _SQUARE and isinstance(v, tuple) and len(set(v)) == 1 else v

    return type(ctor)(ctor.callee, tuple((h, one(h, v)) for h, v in ctor.args),
                      tuple((k, one(k, v)) for k, v in ctor.kwargs))


class KerasTypes(Types):
    """Block types whose nested calls are ``\\x02type:offset:arguments\\x02``."""

    def fill(self, text: str, code: list[str]) -> str:
        def call(m):
            inner, offset = self.types[int(m.group(1))], int(m.group(2))
            args = [m.group(3), *(code[offset + r] for r in inner.reps)]
            return f"{inner.name}({', '.join(args)})"

        return fill(_CALL.sub(call, self.fill_loops(text)), code)


def longest_path(graph: Graph, weight) -> int:
    """The most ``weight(node)`` summed along one path of ``graph`` (nodes in order, no
    recursion)."""
    depth: dict[str, int] = {}
    for node in graph.nodes:
        depth[node.name] = weight(node) + max((depth[i] for i in node.inputs), default=0)
    return max(depth.values(), default=0)


def _format(template: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], template)


class KerasFile:
    """The source of one graph; ``text()`` is the file."""

    def __init__(self, graph: Graph, outputs=None) -> None:
        self.graph, self.names = graph, returned_names(graph, outputs)
        self.index = {n.name: k for k, n in enumerate(graph.nodes)}
        self.lowered = {n.name: LOWERINGS.lookup(n)(n, graph) for n in graph.nodes
                        if n.op != "input"}
        self.root = build_tree(graph, self.names)
        self.root.outputs = list(self.names)
        self.types = KerasTypes()
        self.helpers: set[str] = set()
        self.variables: set[str] = set()  # every variable of every function

    @staticmethod
    def _name(node: str, scope: str, role: str | None) -> str:
        full = node + (f">{role}" if role else "")
        return literal(full) if not scope else f"name + {literal(full[len(scope):])}"

    def _leaf(self, unit: Unit, scope: str, inputs: list[str], target: str, slots: Slots,
              local: set[str]) -> list[str]:
        lowered = self.lowered[unit.name]
        self.helpers.update(lowered.helpers)
        where = identifier(unit.name[len(scope):].lstrip(".").replace(".", "_"))
        steps: tuple[Step, ...] = lowered.steps
        calls = [s.call or (("{0}" if len(inputs) == 1 else
                             "[" + ", ".join(f"{{{k}}}" for k in range(len(inputs))) + "]")
                            if j == 0 else "{p}") for j, s in enumerate(steps)]
        values = {str(k): v for k, v in enumerate(inputs)}
        lines = []
        for j, step in enumerate(steps):
            ctor = _square(step.ctor)
            code = render(ctor, slots, where, DEFAULTS.get(ctor.callee))
            name = self._name(unit.name, scope, step.role)
            code = code[:-1] + ("" if code.endswith("()") else ", ") + f"name={name})"
            later = [set(re.findall(r"\{(\w+)\}", c)) for c in calls[j + 1:]]
            reads_target = any(values.get(r) == target for refs in later for r in refs
                               if r.isdigit())
            used_once = sum(f"s{j}" in refs or (k == 0 and "p" in refs)
                            for k, refs in enumerate(later)) <= 1 and not any(
                f"s{j}" in refs for refs in later[1:])
            out = target
            if j < len(steps) - 1 and (reads_target or not used_once):
                out = identifier(f"{target}_{step.role or 'out'}", local | TAKEN)
            local.add(out)
            lines.append(f"{out} = {code}({_format(calls[j], values)})")
            values["p"] = values[f"s{j}"] = out
        return lines

    def _function(self, unit: Unit, slots: Slots) -> str:
        """The function of ``unit`` (the root: the model's), ``\\x01`` its name and
        ``\\x03`` where its parameters go."""
        scope, root = unit.name, unit is self.root
        units = needed(ordered_calls(unit, self.index), unit.outputs)
        arguments = [n.name for n in self.graph.inputs] if root else unit.inputs
        args: dict[str, str] = {}
        used: set[str] = set(TAKEN)
        for k, name in enumerate(arguments):
            wanted = "x" if len(arguments) == 1 else (name.rpartition(".")[2] if root
                                                      else f"x{k}")
            args[name] = identifier(wanted, used)
            used.add(args[name])
        # the model's inputs stay in their variables (keras.Model takes them at the end)
        names = variables(units, args, unit.outputs + (arguments if root else []), TAKEN)
        local = set(args.values()) | {v for vs in names.values() for v in vs}
        var = dict(args)
        if root:
            lines = ["def \x01():"]
            for node in self.graph.inputs:
                shape = tuple(node.shape[i] for i in features_last(node.layout))
                lines.append(f"    {args[node.name]} = keras.Input(shape="
                             f"{slots.mark('input', 'shape', shape)}, "
                             f"name={literal(node.name)})")
        else:
            lines = [f"def \x01({', '.join(args.values())}, name\x03):"]
        found = [self._instance(u) if u.kind == "block" else None for u in units]
        runs = dict(find_runs(
            [(u.segment, (f[0], u.name.rpartition(".")[0]) if f else None, f[1].values if f
              else []) for u, f in zip(units, found)],
            lambda k: self._continues(units[k - 1], units[k], names[k - 1], names[k])))
        k = 0
        while k < len(units):
            u = units[k]
            if k in runs and names[k] == [var[u.inputs[0]]]:
                stop = runs[k]
                v = var[u.inputs[0]]
                prefix, start = split_name(u.segment)
                base = u.name[:len(u.name) - len(u.segment)][len(scope):] + prefix
                index = "i" if start == 0 else f"i + {start}"
                code = f'f"{base}{{{index}}}"'
                self.types.loops.append(Loop(found[k][0], [f[1].values for f in found[k:stop]],
                                             (v, code if root else f"name + {code}")))
                lines += [f"    for i in range({stop - k}):",
                          f"        {v} = {loop_marker(len(self.types.loops) - 1)}"]
                var.update(zip(units[stop - 1].outputs, [v]))
                k = stop
                continue
            inputs = [var[i] for i in u.inputs]
            if u.kind == "leaf":
                lines += [f"    {line}" for line in
                          self._leaf(u, scope, inputs, names[k][0], slots, local)]
            else:
                where = identifier(u.name[len(scope):].lstrip(".").replace(".", "_"))
                inner, instance = found[k]
                _, offset = slots.absorb("", instance, where)
                rest = u.name[len(scope):]
                name = literal(u.name) if root else f"name + {literal(rest)}"
                call = f"\x02{inner}:{offset}:{', '.join([*inputs, name])}\x02"
                lines.append(f"    {', '.join(names[k])} = {call}")
            var.update(zip(u.outputs, names[k]))
            k += 1
        outs = [var[o] for o in unit.outputs]
        if root:
            layers = {name: len(low.steps) for name, low in self.lowered.items()}
            if longest_path(self.graph, lambda n: layers.get(n.name, 1)) > DEEP:
                frames = 4 * len(self.graph) + 1000  # as netir's Keras emitter asks
                lines.append("    # Keras walks the layer graph recursively to build the model")
                lines.append(f"    sys.setrecursionlimit(max(sys.getrecursionlimit(), {frames}))")
            ins = [args[n.name] for n in self.graph.inputs]
            ins_code = ins[0] if len(ins) == 1 else "[" + ", ".join(ins) + "]"
            outs_code = outs[0] if len(outs) == 1 else "[" + ", ".join(outs) + "]"
            lines.append(f"    return keras.Model({ins_code}, {outs_code}, "
                         f"name={literal(self.graph.name)})")
        else:
            lines.append(f"    return {', '.join(outs)}")
        self.variables |= local
        self._local = local
        return "\n".join(lines)

    @staticmethod
    def _continues(a: Unit, b: Unit, a_names: list[str], b_names: list[str]) -> bool:
        """Whether ``b`` reads ``a``'s one output and both keep one variable, whose name
        needs no quoting in an f-string."""
        return (len(a.outputs) == 1 and b.inputs == a.outputs and a_names == b_names
                and re.fullmatch(r"[A-Za-z0-9_.-]*", b.name) is not None)

    def _instance(self, unit: Unit) -> tuple[int, Slots]:
        t = self._block(unit)
        return t, self.types.types[t].instances[-1]

    def _block(self, unit: Unit) -> int:
        slots = Slots()
        text = self._function(unit, slots)
        t = self.types.add(text, slots, unit.name, base_name(unit.name))
        self.types.types[t].local |= self._local | {"name"}
        return t

    def text(self) -> str:
        slots = Slots()
        model = self._function(self.root, slots)
        taken = set(TAKEN) | self.variables
        model_name = identifier(snake(self.graph.name.replace(".", "_").replace("-", "_")),
                                taken)
        if model_name.startswith("_"):
            model_name = "model" + model_name
        taken.add(model_name)
        for t in self.types.types:
            t.base = snake(t.base)
        self.types.finish(taken, lambda base, letters: f"{base}_{letters.lower()}")
        parts = []
        for t in self.types.types:
            params = "".join(f", {p}" for p in t.params)
            parts.append(self.types.body(t).replace("\x01", t.name).replace("\x03", params))
        code = self.types.fill(model, constant_code(slots))
        parts.append(code.replace("\x01", model_name))
        helpers = [HELPERS[h].rstrip() for h in HELPERS if h in self.helpers]
        body = "\n\n\n".join([*helpers, *parts])
        used = used_names(body)
        imports = ["import keras"]
        if "np" in used:
            imports.append("import numpy as np")
        names = [m for m in ("layers", "ops") if m in used]
        if names:
            imports.append(f"from keras import {', '.join(names)}")
        doc = ('"""A Keras model written by netir from its graph; it needs only keras'
               + (' and numpy."""' if "import numpy as np" in imports else '."""'))
        stdlib = "import sys\n\n" if "sys" in used else ""
        return wrap(doc + "\n\n" + stdlib + "\n".join(imports) + "\n\n\n" + body.rstrip()
                    + "\n")


def to_source(graph: Graph, outputs=None) -> str:
    return KerasFile(graph, outputs).text()
