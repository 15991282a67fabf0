"""Long lines of a generated file wrapped as a person would: a call whose line runs past
:data:`WIDTH` and whose arguments are calls (``nn.Sequential`` of blocks) puts each on a
line of its own, one level deeper, and so on for an argument still too long; a call of
plain arguments packs them on lines aligned after its parenthesis."""

from __future__ import annotations

WIDTH = 100


def _closing(line: str, start: int) -> int | None:
    """The index of the bracket closing the one at ``start`` (strings skipped)."""
    depth, quote, k = 0, None, start
    while k < len(line):
        ch = line[k]
        if quote:
            if ch == "\\":
                k += 1
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
            if depth == 0:
                return k
        k += 1
    return None


def _arguments(text: str) -> list[str]:
    """``text`` split at its top-level commas (strings and brackets kept whole)."""
    parts, depth, quote, current = [], 0, None, ""
    skip = False
    for ch in text:
        current += ch
        if skip:
            skip = False
        elif quote:
            if ch == "\\":
                skip = True
            elif ch == quote:
                quote = None
        elif ch in "\"'":
            quote = ch
        elif ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(current[:-1].strip())
            current = ""
    if current.strip():
        parts.append(current.strip())
    return parts


def _call_start(line: str) -> int | None:
    """Where the argument list opens of the call that ends ``line`` (None: none does)."""
    body = line.rstrip()
    if not body.endswith(")"):
        return None
    for k, ch in enumerate(body):
        if ch == "(":
            end = _closing(body, k)
            if end == len(body) - 1:
                return k
            if end is None:
                return None
        elif ch in "\"'":
            return None
    return None


def wrap_line(line: str, width: int = WIDTH) -> list[str]:
    """``line`` as it is when short enough or no call ends it, else wrapped."""
    if len(line) <= width:
        return [line]
    if line.endswith(","):  # an argument of a call wrapped already
        out = wrap_line(line[:-1], width - 1)
        return [*out[:-1], out[-1] + ","]
    start = _call_start(line)
    if start is None:
        return [line]
    args = _arguments(line[start + 1:-1])
    if len(args) < 2 and not (args and _call_start(args[0]) is not None):
        return [line]
    if sum(_call_start(a) is not None for a in args) < 2:  # pack, aligned after "("
        out, current, hang = [], line[:start + 1], " " * (start + 1)
        for k, arg in enumerate(args):
            piece = arg + (", " if k < len(args) - 1 else ")")
            if len(current) + len(piece.rstrip()) > width and current.strip() != line[
                    :start + 1].strip():
                out.append(current.rstrip())
                current = hang
            current += piece
        return [*out, current]
    indent = " " * (len(line) - len(line.lstrip()) + 4)  # a list of calls: one a line
    out = [line[:start + 1]]
    for arg in args:
        out += wrap_line(f"{indent}{arg},", width)
    out.append(" " * (len(indent) - 4) + ")")
    return out


def wrap(text: str, width: int = WIDTH) -> str:
    """Every line of ``text`` wrapped (see :func:`wrap_line`)."""
    lines: list[str] = []
    for line in text.split("\n"):
        lines += wrap_line(line, width)
    return "\n".join(lines)
