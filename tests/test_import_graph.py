"""netir's import graph, read from the source (``ast``, nothing imported): no module
imports itself round a cycle, and ``netir/ir/`` imports no framework.

Only imports that run when a module is imported count: those at module level, in
top-level ``if``/``try``/``with`` blocks and in class bodies. They are what makes a
cycle bite at import time (a partly initialised module, an ImportError, a table half
filled by side effect). An import inside a function runs on the first call, after every
module is loaded; it is how a module reaches a heavy or optional dependency lazily, and
it is not checked. Imports under ``if TYPE_CHECKING:`` never run and are not checked.

An edge goes to the module an import names: ``import netir.a.b`` and ``from netir.a
import b`` (``b`` a submodule) lead to ``netir.a.b``; ``from netir.a import name`` (a
name defined in ``netir/a/__init__.py``) leads to ``netir.a``. The packages Python
initialises on the way (``netir``, ``netir.a``) are not edges: a package's
``__init__`` importing its own submodules is no cycle.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "netir"
FRAMEWORKS = ("torch", "keras", "tensorflow", "onnx", "onnxruntime", "graphviz", "jax")



def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def import_time_nodes(body: list[ast.stmt]):
    """The import statements of ``body`` that run when the module is imported."""
    for stmt in body:
        if isinstance(stmt, (ast.Import, ast.ImportFrom)):
            yield stmt
        elif isinstance(stmt, ast.ClassDef):
            yield from import_time_nodes(stmt.body)
        elif isinstance(stmt, ast.If):
            if not _is_type_checking(stmt.test):
                yield from import_time_nodes(stmt.body)
            yield from import_time_nodes(stmt.orelse)
        elif isinstance(stmt, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            for block in (stmt.body, stmt.orelse, stmt.finalbody,
                          *(h.body for h in stmt.handlers)):
                yield from import_time_nodes(block)
        elif isinstance(stmt, (ast.With, ast.For, ast.While)):
            yield from import_time_nodes(stmt.body)


def _base(module: str, node: ast.ImportFrom) -> str:
    """The absolute module a ``from ... import`` names (relative ones resolved)."""
    if not node.level:
        return node.module or ""
    is_package = (ROOT / module.replace(".", "/")).is_dir()
    package = module if is_package else module.rpartition(".")[0]
    for _ in range(node.level - 1):
        package = package.rpartition(".")[0]
    return f"{package}.{node.module}" if node.module else package


def imported(module: str) -> list[tuple[str, int]]:
    """``(absolute module name, line)`` of every import that runs when ``module`` is
    imported, netir's and others'."""
    tree = ast.parse(MODULES[module].read_text(), str(MODULES[module]))
    found = []
    for node in import_time_nodes(tree.body):
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
            continue
        base = _base(module, node)
        for alias in node.names:
            sub = f"{base}.{alias.name}"
            found.append((sub if sub in MODULES else base, node.lineno))
    return found


def import_graph() -> dict[str, set[str]]:
    """netir module -> the netir modules it imports at import time."""
    return {m: {name for name, _ in imported(m) if name in MODULES and name != m}
            for m in MODULES}


def strongly_connected(graph: dict[str, set[str]]) -> list[list[str]]:
    """Tarjan's components of more than one module (or a module importing itself)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(v: str) -> None:  # depth is bounded by netir's module count
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1 or v in graph[v]:
                components.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return sorted(components)


def a_cycle(graph: dict[str, set[str]], component: list[str]) -> list[str]:
    """One cycle through the component's first module, as ``[a, b, ..., a]``."""
    start, members = component[0], set(component)
    paths = {start: [start]}
    frontier = [start]
    while frontier:  # breadth first: the shortest way back to ``start``
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & members):
                if w == start:
                    return paths[v] + [start]
                if w not in paths:
                    paths[w] = paths[v] + [w]
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"{component} is not a cycle")


def _describe(graph, component) -> str:
    return " -> ".join(a_cycle(graph, component)) + f"  (component: {', '.join(component)})"


GRAPH = import_graph()
CYCLES = strongly_connected(GRAPH)


def test_the_graph_is_read_from_every_module():
    assert "netir" in MODULES and "netir.ir.graph" in MODULES
    assert "netir.ir.errors" in GRAPH["netir.ir.graph"]  # an import the graph must see


def test_the_cycle_finder_finds_a_cycle_and_names_it():
    toy = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": {"e"}}
    assert strongly_connected(toy) == [["a", "b", "c"], ["e"]]
    assert a_cycle(toy, ["a", "b", "c"]) == ["a", "b", "c", "a"]


def test_relative_imports_resolve_to_modules():
    # pretend sources: resolution only, on real module names
    sample = "netir.emitters.registry"  # a module of a package without __init__.py
    node = ast.parse("from .backend import Backend").body[0]
    assert _base(sample, node) == "netir.emitters.backend"
    node = ast.parse("from ..ir import errors").body[0]
    assert _base(sample, node) == "netir.ir"
    node = ast.parse("from . import registry").body[0]
    assert _base("netir.emitters", node) == "netir.emitters"
    node = ast.parse("from .errors import GraphError").body[0]
    assert _base("netir.ir", node) == "netir.ir.errors"  # netir/ir/__init__.py


def test_imports_that_never_run_at_import_time_are_not_edges():
    tree = ast.parse(
        "import a\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    import b\n"
        "try:\n    import c\nexcept ImportError:\n    import d\n"
        "class K:\n    import e\n"
        "def f():\n    import g\n")
    names = sorted(alias.name for node in import_time_nodes(tree.body)
                   for alias in node.names)
    assert names == ["TYPE_CHECKING", "a", "c", "d", "e"]


@pytest.mark.parametrize("cycle", CYCLES or [None],
                         ids=lambda c: "none" if c is None else "|".join(c))
def test_no_import_cycle(cycle):
    """No module of netir imports, at import time, one that imports it back."""
    assert cycle is None, "an import cycle: " + _describe(GRAPH, cycle)


def framework_imports(start: str) -> list[str]:
    """Every framework import that importing ``start`` runs, through netir's own
    import-time imports, each as ``a -> b -> path:line imports torch``."""
    found, seen, todo = [], {start}, [[start]]
    while todo:
        chain = todo.pop()
        for name, line in imported(chain[-1]):
            if name.partition(".")[0] in FRAMEWORKS:
                where = f"{MODULES[chain[-1]].relative_to(ROOT)}:{line}"
                found.append(" -> ".join(chain[:-1] + [f"{where} imports {name}"]))
            elif name in GRAPH and name not in seen:
                seen.add(name)
                todo.append(chain + [name])
    return sorted(found)


def test_the_framework_finder_follows_netir_imports():
    assert any(f.endswith("imports torch") for f in framework_imports(
        "netir.emitters.pytorch"))


def test_the_ir_imports_no_framework_at_import_time():
    found = [f for m in MODULES if m == "netir.ir" or m.startswith("netir.ir.")
             for f in framework_imports(m)]
    assert not found, "\n".join(found)
