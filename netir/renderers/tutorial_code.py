"""The tutorial page's code: each tutorial variant's own Keras code beside netir's Keras
source of the same network.

The tutorial's code is held in the repository as the tests' fixture
``tests/architectures/tutorial_keras.py`` (transcribed from the tutorial; the tests run it
in Keras and hold the catalog's ``*_tutorial`` entries to it). It is read as text, never
imported (that would import TensorFlow): a variant's code is the functions its call in the
fixture's ``TUTORIAL`` table reaches, in file order. An installed netir has no ``tests/``;
the page then says the tutorial's code is not available. netir's side is
``netir.to_source(graph, "keras")`` when a Keras source emitter is registered.
"""

from __future__ import annotations

import ast
import html
from pathlib import Path

import netir
from netir.architectures import build
from netir.ir.errors import NetIRError
from netir.renderers.code_blocks import COPY_SCRIPT, listing_html
from netir.source import list_sources, to_source

FIXTURE = (Path(netir.__file__).resolve().parents[1] / "tests" / "architectures"
           / "tutorial_keras.py")
BACKEND = "keras"
UI = {"copy": "Copy · 复制", "copied": "Copied · 已复制"}


def _called(node: ast.AST) -> set[str]:
    return {n.func.id for n in ast.walk(node)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}


def tutorial_code(variant: str, fixture: Path = FIXTURE) -> str | None:
    """The tutorial's Keras code of ``variant`` (its call, then the functions it reaches),
    or None when the fixture is absent or does not hold the variant."""
    if not fixture.is_file():
        return None
    text = fixture.read_text(encoding="utf-8")
    tree = ast.parse(text)
    functions = {n.name: n for n in tree.body if isinstance(n, ast.FunctionDef)}
    table = next((n.value for n in tree.body if isinstance(n, ast.Assign)
                  and any(isinstance(t, ast.Name) and t.id == "TUTORIAL" for t in n.targets)),
                 None)
    if not isinstance(table, ast.Dict):
        return None
    call = next((v for k, v in zip(table.keys, table.values)
                 if isinstance(k, ast.Constant) and k.value == variant), None)
    if call is None:
        return None
    reached, todo = set(), _called(call)
    while todo:
        name = todo.pop()
        if name in functions and name not in reached:
            reached.add(name)
            todo |= _called(functions[name])
    segments = [ast.get_source_segment(text, functions[n]) for n in functions if n in reached]
    imports = [ast.get_source_segment(text, n) for n in tree.body
               if isinstance(n, ast.Import | ast.ImportFrom)]
    head = f"# {variant}: {ast.get_source_segment(text, call)}\n" + "\n".join(imports) + "\n\n\n"
    return head + "\n\n\n".join(segments) + "\n"


def side_by_side(variant: str) -> str:
    """The tutorial's code and netir's Keras source of ``variant``, side by side."""
    ours: str | NetIRError | None = None
    if BACKEND in list_sources():
        try:
            ours = to_source(build(variant), BACKEND)
        except NetIRError as e:
            ours = e
    theirs = tutorial_code(variant)
    left = (listing_html("The tutorial's Keras code · 教程的 Keras 代码", theirs, UI,
                         f"tutorial-{variant}") if theirs is not None else
            "<p>The tutorial's code is held in the repository's tests "
            "(<code>tests/architectures/tutorial_keras.py</code>), which this installation "
            "lacks. · 教程代码保存在仓库的测试目录中，当前安装中没有。</p>")
    if isinstance(ours, str):
        right = listing_html("netir's Keras source · netir 生成的 Keras 源代码", ours, UI,
                             f"netir-{variant}")
    else:
        why = html.escape(str(ours)) if ours is not None else (
            "no Keras source emitter is registered · 尚未注册 Keras 源代码生成器")
        right = f"<p>netir's Keras source · netir 生成的 Keras 源代码: {why}</p>"
    return (f'<h3 id="code-{variant}">{variant}</h3>'
            f'<div class="pair"><div>{left}</div><div>{right}</div></div>')


def code_section(variants: list[str]) -> str:
    """The page's code section over every tutorial variant."""
    return ('<h2 id="code">The code, side by side · <span lang="zh">代码对照</span></h2>'
            "<p>Each variant's code as the tutorial wrote it, beside the Keras model file "
            'netir generates from the variant\'s graph.</p><p lang="zh">左侧为教程原本的代码，'
            "右侧为 netir 根据同一网络生成的 Keras 模型文件。</p>"
            + "".join(side_by_side(v) for v in variants) + COPY_SCRIPT)
