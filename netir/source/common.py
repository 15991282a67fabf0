"""What every source emitter shares: literals, identifiers and constructor calls.

No graph name or attribute value ever becomes code by itself. Values become Python
literals through :func:`literal` (numbers, booleans, None, strings through ``repr``,
tuples and lists of these; anything else is refused), names become string literals or
identifiers checked by :func:`is_plain` / :func:`identifier`.
"""

from __future__ import annotations

import builtins
import io
import keyword
import math
import re
import tokenize
from dataclasses import dataclass, field

from netir.ir.errors import GraphError

#: Names a generated file may use for its own purposes; no variable takes them.
RESERVED = frozenset(keyword.kwlist) | frozenset(keyword.softkwlist) | frozenset(dir(builtins)) | {
    "self", "torch", "nn", "F", "np", "keras", "ops", "layers", "math", "l", "O", "I",
    "OrderedDict", "scalar", "sys"}


def literal(value) -> str:
    """``value`` as Python source that evaluates to an equal value."""
    if value is None or isinstance(value, bool):
        return repr(value)
    if isinstance(value, int):
        return repr(int(value))
    if isinstance(value, float):
        if math.isfinite(value):
            return repr(float(value))
        return f'float("{"nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}")'
    if isinstance(value, str):
        text = str(value)
        if text.isascii() and text.isprintable() and '"' not in text and "\\" not in text:
            return f'"{text}"'
        return repr(text)
    if isinstance(value, tuple):
        items = ", ".join(literal(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, list):
        if _is_range(value):  # [0, 1, ..., 115] as list(range(116))
            step = value[1] - value[0]
            bounds = [value[0], value[-1] + step] if value[0] or step != 1 else [value[-1] + 1]
            return f"list(range({', '.join(map(str, bounds + ([step] if step != 1 else [])))}))"
        return "[" + ", ".join(literal(v) for v in value) + "]"
    raise GraphError("a source file holds numbers, booleans, strings and tuples of them",
                     f"{type(value).__name__} {value!r:.80}", node="<source>", op="to_source")


def _is_range(value: list) -> bool:
    """Whether ``value`` is eight or more integers in steps of one nonzero size."""
    if len(value) < 8 or not all(type(v) is int for v in value):
        return False
    step = value[1] - value[0]
    return step != 0 and all(b - a == step for a, b in zip(value, value[1:]))


def is_plain(name: str, taken: frozenset[str] | set[str] = frozenset()) -> bool:
    """An ASCII identifier, no keyword, not starting with ``_`` and not in ``taken``."""
    return (name.isascii() and name.isidentifier() and not keyword.iskeyword(name)
            and not name.startswith("_") and name not in taken)


def identifier(name: str, taken=RESERVED) -> str:
    """A Python identifier made from ``name``: other characters as ``_``, a leading
    digit prefixed with ``v``, a reserved word suffixed with ``_``."""
    text = re.sub(r"[^0-9A-Za-z_]", "_", name) or "v"
    if text[0].isdigit():
        text = "v" + text
    while text in taken or keyword.iskeyword(text):
        text += "_"
    return text


def used_names(code: str) -> set[str]:
    """The names ``code`` reads as ``name.attribute`` (not inside strings, not an
    attribute themselves): the modules a file must import."""
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(code).readline)
              if t.type not in (tokenize.NL, tokenize.NEWLINE, tokenize.INDENT,
                                tokenize.DEDENT, tokenize.COMMENT)]
    return {t.string for k, t in enumerate(tokens[:-1])
            if t.type == tokenize.NAME and tokens[k + 1].string == "."
            and (k == 0 or tokens[k - 1].string != ".")}


def camel(name: str) -> str:
    """``denselayer`` -> ``Denselayer``, ``conv_bn-act`` -> ``ConvBnAct``."""
    return "".join(p[:1].upper() + p[1:] for p in re.split(r"[^0-9A-Za-z]", name) if p)


@dataclass(frozen=True)
class Ctor:
    """A constructor call: ``callee(*args, **kwargs)``; ``args`` are (hint, value) pairs,
    the hint naming the value if it becomes a block's parameter; a value is a literal
    or another Ctor."""

    callee: str
    args: tuple = ()
    kwargs: tuple = ()


@dataclass(frozen=True)
class Code:
    """Code a lowering writes as it is (its own text: never a name or an attribute)."""

    text: str


NO_DEFAULT = object()
_MARK = re.compile("\x00(\\d+)\x00")


@dataclass
class Slots:
    """Literals pulled out of rendered code, so that instances of one block type differ
    only in them: the code holds ``\\x00k\\x00`` for the k-th. A slot with a default
    is a keyword argument, written ``, key=value`` or left out when it is the default
    everywhere."""

    values: list = field(default_factory=list)
    hints: list = field(default_factory=list)  # (where, name)
    defaults: list = field(default_factory=list)

    def mark(self, where: str, hint: str, value, default=NO_DEFAULT) -> str:
        self.values.append(value)
        self.hints.append((where, hint))
        self.defaults.append(default)
        return f"\x00{len(self.values) - 1}\x00"

    def absorb(self, text: str, other: Slots, where: str) -> tuple[str, int]:
        """``other``'s slots appended to these (their hints now ``where``'s), ``text``'s
        markers renumbered; returns the text and the offset."""
        offset = len(self.values)
        self.values += other.values
        self.hints += [(where, name) for _, name in other.hints]
        self.defaults += [NO_DEFAULT] * len(other.values)  # plain arguments here
        return _MARK.sub(lambda m: f"\x00{int(m.group(1)) + offset}\x00", text), offset


def render(ctor: Ctor, slots: Slots, where: str, defaults: dict | None = None) -> str:
    """``ctor`` as code, each literal a slot; a keyword in ``defaults`` may be dropped."""
    defaults = defaults or {}

    def value(hint, v):
        if isinstance(v, Code):
            return v.text
        return render(v, slots, where) if isinstance(v, Ctor) else slots.mark(where, hint, v)

    parts = ", ".join(value(h, v) for h, v in ctor.args)
    for k, v in ctor.kwargs:
        if k in defaults and parts:
            parts += slots.mark(where, k, v, defaults[k])
        else:
            parts += f"{', ' if parts else ''}{k}={value(k, v)}"
    return f"{ctor.callee}({parts})"


def fill(text: str, code: list[str]) -> str:
    """``text`` with its k-th marker replaced by ``code[k]``."""
    return _MARK.sub(lambda m: code[int(m.group(1))], text)
