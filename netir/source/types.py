"""Block types of a source file: instances whose rendered code differs only in literals.

Each block instance is rendered once with its literals as slots
(:class:`netir.source.common.Slots`) and a nested block's call as
``\\x02type:offset\\x02``. Instances with equal text share a type; a slot whose value
differs between them becomes a parameter of the type (slots that always hold equal
values share one), named from the argument it fills.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from netir.source.common import NO_DEFAULT, RESERVED, Slots, camel, fill, identifier, literal
from netir.source.loops import Loop, fill_loops

_CHILD = re.compile("\x02(\\d+):(\\d+)\x02")


def child_marker(type_index: int, offset: int) -> str:
    return f"\x02{type_index}:{offset}\x02"


@dataclass
class BlockType:
    text: str
    base: str
    instances: list[Slots] = field(default_factory=list)
    scopes: list[str] = field(default_factory=list)
    name: str = ""
    params: list[str] = field(default_factory=list)
    reps: list[int] = field(default_factory=list)  # the slot each parameter comes from
    code: list[str] = field(default_factory=list)  # per slot, as the class body writes it
    local: set[str] = field(default_factory=set)  # names the body binds, no parameter's


class Types:
    """Every block type of one file, in order of first appearance."""

    def __init__(self) -> None:
        self.types: list[BlockType] = []
        self._index: dict[str, int] = {}
        self.loops: list[Loop] = []  # the runs built by loops, their calls filled last

    def add(self, text: str, slots: Slots, scope: str, base: str) -> int:
        if text not in self._index:
            self._index[text] = len(self.types)
            self.types.append(BlockType(text, base))
        t = self._index[text]
        self.types[t].instances.append(slots)
        self.types[t].scopes.append(scope)
        return t

    def finish(self, taken: set[str], letter=lambda base, letters: base + letters) -> None:
        """Name every type (its base, with a letter where bases repeat: ``letter(base,
        "A")``) and its parameters; ``taken`` are the names the file uses otherwise."""
        bases: dict[str, int] = {}
        for t in self.types:
            bases[t.base] = bases.get(t.base, 0) + 1
        seen: dict[str, int] = {}
        for t in self.types:
            k = seen[t.base] = seen.get(t.base, -1) + 1
            name = t.base
            if bases[t.base] > 1:
                name = letter(t.base, chr(65 + k % 26) * (1 + k // 26))
            while name in taken:
                name += "_"
            taken.add(name)
            t.name = name
        names = {t.name for t in self.types}
        for t in self.types:
            _parameters(t, names)

    def body(self, t: BlockType) -> str:
        """The class text of ``t`` (its code filled in)."""
        return self.fill(t.text, t.code)

    def fill(self, text: str, code: list[str]) -> str:
        """Nested block calls and slots of ``text`` as code."""
        def call(m):
            inner, offset = self.types[int(m.group(1))], int(m.group(2))
            args = ", ".join(code[offset + r] for r in inner.reps)
            return f"{inner.name}({args})"

        return fill(_CHILD.sub(call, self.fill_loops(text)), code)

    def fill_loops(self, text: str) -> str:
        """The loops' calls of ``text``: ``Type(first + step * i, ...)``."""
        def call(k):
            loop = self.loops[k]
            inner = self.types[loop.type_index]
            return loop.call(inner.name, inner.reps)

        return fill_loops(text, call)


def constant_code(slots: Slots) -> list[str]:
    """The code of slots that hold constants (the model's own class)."""
    return [_kwarg(slots, k, literal(v), v) for k, v in enumerate(slots.values)]


def _kwarg(slots: Slots, k: int, code: str, value=NO_DEFAULT) -> str:
    default = slots.defaults[k]
    if default is NO_DEFAULT:
        return code
    if value is not NO_DEFAULT and _same(value, default):
        return ""
    return f", {slots.hints[k][1]}={code}"


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b


def _parameters(t: BlockType, taken: set[str]) -> None:
    first = t.instances[0]
    columns = list(zip(*(s.values for s in t.instances))) if first.values else []
    groups: dict[tuple, int] = {}
    varying = []
    for k, column in enumerate(columns):
        if any(not _same(v, column[0]) for v in column):
            key = tuple((type(v).__name__, repr(v)) for v in column)
            if key not in groups:
                groups[key] = len(varying)
                varying.append(k)
    hints = [first.hints[k] for k in varying]
    count: dict[str, int] = {}
    for _, name in hints:
        count[name] = count.get(name, 0) + 1
    used = set(RESERVED) | {"self"} | taken | t.local
    t.params = []
    for where, name in hints:
        wanted = name if count[name] == 1 else f"{where}_{name}"
        param = identifier(wanted, used)
        used.add(param)
        t.params.append(param)
    t.reps = varying
    t.code = []
    for k, column in enumerate(columns):
        if any(not _same(v, column[0]) for v in column):
            key = tuple((type(v).__name__, repr(v)) for v in column)
            t.code.append(_kwarg(first, k, t.params[groups[key]]))
        else:
            t.code.append(_kwarg(first, k, literal(column[0]), column[0]))


def base_name(scope: str, taken=RESERVED) -> str:
    """A class name from a block's scope: its last segment without trailing digits
    (``denselayer``), else its parent's (``layer`` for ``layer1.0``), CamelCase."""
    parts = scope.split(".")
    for part in reversed(parts):
        word = camel(part.rstrip("0123456789_-"))
        if word and not word[0].isdigit():
            break
    else:
        word = "Block"
    return word if word not in taken else word + "Block"
