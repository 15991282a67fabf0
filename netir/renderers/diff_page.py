"""The gallery page "Networks compared, node by node" (逐节点对比网络), in English and
Chinese: ``netir diff`` run on three pairs whose differences teach something, each with its
report and its diagram (network B, the differences coloured).

Every line of each report is what :func:`netir.diff.diff` finds when the page is
written; the prose around it says what to look for.
"""

from __future__ import annotations

import html
from pathlib import Path

from netir.architectures import build
from netir.diff import diff
from netir.ir.files import write_atomic
from netir.renderers.site import SELF_CHECK

PAGE = "diff.html"
TITLE = "Networks compared, node by node · 逐节点对比网络"

#: (A, B, what to look for in English, in Chinese)
EXAMPLES: tuple[tuple[str, str, str, str], ...] = (
    ("resnet50", "resnext50_32x4d",
     "ResNeXt is ResNet-50 with grouped 3×3 convolutions (32 groups) in wider bottlenecks: "
     "the same nodes and wiring, so nothing is added, removed or renamed; only attributes "
     "and shapes change.",
     "ResNeXt 就是在更宽的瓶颈块中使用分组 3×3 卷积（32 组）的 ResNet-50：节点与连接完全"
     "相同，因此没有新增、删除或改名的节点，变化的只是属性和形状。"),
    ("resnet50", "resnet50_tutorial",
     "The tutorial's ResNet-50 is Keras-applications-style v1: every convolution has a "
     "bias, a stage's stride 2 sits on the first 1×1 convolution instead of the 3×3, and "
     "batch norm uses Keras' eps 1e-3. Its layers have the tutorial's names; the diff "
     "matches them by structure.",
     "教程中的 ResNet-50 是 Keras applications 风格的 v1：所有卷积都带偏置，每个阶段的"
     "步长 2 放在第一个 1×1 卷积上而不是 3×3 卷积上，批归一化使用 Keras 的 eps=1e-3。"
     "它的层沿用教程中的名字，diff 按结构把它们对应起来。"),
    ("vgg16", "vgg19_tutorial",
     "The tutorial's \"VGG19\" is VGG-16: after the renames every convolution matches one "
     "of vgg16's and the parameter count is equal; only the dropout layers and the "
     "adaptive pool are gone, and a softmax is added.",
     "教程中的 “VGG19” 其实是 VGG-16：改名之后，每个卷积都与 vgg16 的一一对应，参数量"
     "完全相同；只是少了 Dropout 和自适应池化，多了一个 softmax。"),
)


def diagram_file(a: str, b: str) -> str:
    return f"diff-{a}-{b}.svg"


def _section(a: str, b: str, en: str, zh: str, diagrams: bool) -> str:
    found = diff(build(a), build(b))
    link = (f' <a href="{diagram_file(a, b)}">diagram · 示意图</a>' if diagrams else "")
    head, sep, nodes = found.text().partition("\nchanged (")
    folded = (f"<details><summary>changed ({html.escape(nodes.split(')', 1)[0])}) · "
              f"改变的节点</summary><pre>{html.escape(sep.lstrip() + nodes)}</pre></details>"
              if sep else "")
    return (f'<h2 id="{a}-{b}"><code>netir diff {a} {b}</code></h2>'
            f"<p>{html.escape(en)}</p><p lang=\"zh\">{html.escape(zh)}</p>"
            f"<pre>{html.escape(head)}</pre>{folded}<p>{link}</p>")


def diff_body(diagrams: bool = True) -> str:
    """The page's HTML body; ``diagrams``: link each pair's SVG diagram."""
    sections = "".join(_section(*example, diagrams) for example in EXAMPLES)
    return (f'<p><a href="index.html">← lineage</a></p><h1>{html.escape(TITLE)}</h1>'
            "<p><code>netir diff A B</code> matches the nodes of two networks by name, then "
            "by structure, so renamed layers are found, and reports what was added, removed, "
            "renamed and changed (op, attributes, shapes, parameters). Each diagram draws B "
            "with the differences coloured and A's removed nodes dashed.</p>"
            '<p lang="zh"><code>netir diff A B</code> 先按名字、再按结构对应两个网络的节点，'
            "因此改了名的层也能找到；它报告新增、删除、改名和改变（算子、属性、形状、参数）的"
            "节点。每张示意图画出网络 B，差异用颜色标出，A 中被删除的节点画成虚线。</p>"
            + sections)


def page_html(body: str) -> str:
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{html.escape(TITLE)}</title><link rel="stylesheet" href="style.css">'
            f"</head><body>\n{body}\n{SELF_CHECK}\n</body></html>\n")


def write_page(out_dir: str | Path, lang: str = "en", primary: str = "en",
               diagrams: bool = True) -> tuple[str, str]:
    """Write ``diff.html`` (English and Chinese on one page) and, with ``diagrams``, each
    pair's SVG into the gallery at ``out_dir``; returns ``(file name, link text)``.
    ``lang`` and ``primary`` are accepted as for every extra site page; the page is the
    same in every language (written once per language, identically)."""
    out = Path(out_dir)
    if diagrams and lang == primary:  # once, not once per language
        from netir.renderers.diagram import run_dot
        from netir.renderers.diff import to_diff_dot

        for a, b, *_ in EXAMPLES:
            ga, gb = build(a), build(b)
            write_atomic(out / diagram_file(a, b), run_dot(to_diff_dot(ga, gb, diff(ga, gb)),
                                                           "svg"))
    write_atomic(out / PAGE, page_html(diff_body(diagrams)))
    return PAGE, TITLE
