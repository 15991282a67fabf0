"""What a refusal of ``from_torch`` says about a node: what it calls, the line of the
user's code that made it, and what its arguments stand for."""

from __future__ import annotations

import os

import torch.fx as fx
from torch import nn

from netir.importers.pytorch.capture import fetch
from netir.importers.pytorch.values import Param
from netir.ir.node import Tensor


def describe(n: fx.Node, root: nn.Module) -> str:
    if n.op == "call_module":
        t = type(fetch(root, n.target))
        return f"{t.__module__}.{t.__qualname__}"
    if n.op == "call_method":
        return f"Tensor.{n.target}"
    if n.op == "call_function":
        where = getattr(n.target, "__module__", None) or ""
        return f"{where}.{getattr(n.target, '__name__', n.target)}".lstrip(".")
    return f"{n.op} {n.target}"


def source_line(n: fx.Node, root: nn.Module) -> str:
    """The line of the user's code that made ``n``: the last frame of its stack trace,
    or the forward of its module."""
    trace = n.meta.get("stack_trace")
    if trace:
        lines = [line.strip() for line in trace.strip().splitlines() if line.strip()]
        frames = [i for i, line in enumerate(lines) if line.startswith("File ")
                  and f"{os.sep}torch{os.sep}" not in line]
        if frames:
            last = frames[-1]
            code = lines[last + 1] if last + 1 < len(lines) else ""
            return f"{lines[last]}: {code}".rstrip(": ")
    if n.op == "call_module":
        import inspect

        forward = type(fetch(root, n.target)).forward
        try:
            _, line = inspect.getsourcelines(forward)
            return f"{inspect.getsourcefile(forward)}:{line}"
        except (OSError, TypeError):
            return "<no source>"
    return "<no source>"


def argument_kinds(args, kwargs) -> str:
    """What each argument stands for, for a message: ``Tensor, Param 'blocks.0.bias', 2``."""
    def one(v):
        if isinstance(v, Tensor):
            return f"tensor {v.name} {v.layout} {tuple(v.shape)}"
        if isinstance(v, Param):
            return f"learned tensor {v.path!r}"
        if isinstance(v, (list, tuple)):
            return "(" + ", ".join(one(x) for x in v) + ")"
        return type(v).__name__ if not isinstance(v, (int, float, str, type(None))) else repr(v)
    return ", ".join([one(a) for a in args] + [f"{k}={one(v)}" for k, v in kwargs.items()])
