"""The gallery page "The tutorial's code, checked" (教程代码核对), in English and Chinese.

For each of the seed tutorial's networks it sets the tutorial's version (the catalog's
``*_tutorial`` entry, which the tests hold to the tutorial's Keras code) beside the
reference version, with parameters, buffers and MACs counted from both graphs, and says
what differs. It closes with the tutorial's LeNet-5, the error netir gives for it and
the fix. Every figure on the page is counted when the page is written.
"""

from __future__ import annotations

import html
from pathlib import Path

from netir.architectures import build, get_architecture, list_architectures
from netir.ir.errors import RenderError, ShapeError
from netir.ir.files import write_atomic
from netir.ir.summary import MAC_CONVENTION
from netir.renderers.site import SELF_CHECK
from netir.renderers.tutorial_code import code_section
from netir.renderers.units import format_macs

PAGE = "tutorial.html"
TITLE = "The tutorial's code, checked · 教程代码核对"
LEFT = 'style="text-align:left"'     # prose cells, in tables whose figures align right


def _m(n: int) -> str:
    return f"{n / 1e6:.2f} M"


def _wan(n: int) -> str:
    return f"{n / 1e4:,.0f} 万"


def _g(macs: int) -> str:
    return format_macs(macs)


# What differs, per family: (English, Chinese), formatted with the counted figures
# t = tutorial, r = reference: *_p parameters, *_m MACs; d = parameter difference.
DIFFERENCES = {
    "AlexNet": (
        "One tower of 96-256-384-384-256 filters where torchvision has 64-192-384-256-256. "
        "Every convolution is unpadded (54×54 after the first at 224; torchvision pads to "
        "55×55), there is no local response normalisation (the 2012 paper has it) and no "
        "adaptive pool, so the first dense layer sees 256×1×1 instead of 256×6×6: "
        "{t_pm} parameters instead of {r_pm}.",
        "单路结构，各卷积层卷积核个数为 96-256-384-384-256（torchvision 为 "
        "64-192-384-256-256）。所有卷积都不补零（224 输入时第一层输出 54×54，torchvision "
        "补零后为 55×55），没有局部响应归一化（LRN，2012 年原论文中有），也没有自适应池化，"
        "第一个全连接层的输入因此是 256×1×1 而不是 256×6×6：参数量为 {t_pw}，而非 {r_pw}。"),
    "VGG": (
        "It builds VGG-16, not VGG-19: 13 convolutions in blocks of 2-2-3-3-3 where VGG-19 "
        "has 16 (2-2-4-4-4). Its {t_p:,} parameters are exactly those of "
        "keras.applications.VGG16 and torchvision's vgg16; it also has no dropout between "
        "the dense layers.",
        "它搭建的其实是 VGG-16，而不是 VGG-19：共 13 个卷积层，按 2-2-3-3-3 分块，而 VGG-19 "
        "有 16 个（2-2-4-4-4）。其 {t_p:,} 个参数与 keras.applications.VGG16 及 torchvision "
        "的 vgg16 完全一致；此外，全连接层之间没有 Dropout。"),
    "ResNet": (
        "Keras-applications-style ResNet v1, not torchvision's v1.5: a stage's stride 2 sits "
        "on the first 1×1 convolution instead of the 3×3 ({t_g} vs {r_g} MACs), every "
        "convolution has a bias ({d:+,} parameters), the stem max pool has no padding "
        "(55×55 instead of 56×56 at 224), and batch norm uses Keras' eps 1e-3.",
        "这是 Keras applications 风格的 ResNet v1，而不是 torchvision 的 v1.5：每个阶段的"
        "步长 2 放在第一个 1×1 卷积上，而不是 3×3 卷积上（计算量 {t_g} 对 {r_g} MACs）；"
        "所有卷积都带偏置（参数多 {d:,} 个）；主干的最大池化不补零（224 输入时为 55×55，"
        "而非 56×56）；批归一化使用 Keras 的默认 eps=1e-3。"),
    "DenseNet": (
        "Its bottlenecks are 32 channels wide where the paper and torchvision use "
        "4 × growth rate = 128, so it has {t_pm} parameters instead of {r_pm} and "
        "{t_g} instead of {r_g} MACs. Its convolutions carry biases, there is no batch "
        "norm and ReLU after the last dense block, and the stem pads 'same' (2 before, "
        "3 after) with an unpadded max pool.",
        "瓶颈层只有 32 个通道，而原论文和 torchvision 用的是 4 × 增长率 = 128，因此参数量"
        "为 {t_pw}（而非 {r_pw}），计算量为 {t_g} MACs（而非 {r_g}）。它的卷积都带偏置，"
        "最后一个密集块之后没有 BN 和 ReLU，主干卷积按 'same' 补零（前 2 后 3），"
        "最大池化不补零。"),
}


def tutorial_variant(name: str) -> str | None:
    """The tutorial variant of catalog network ``name``, if the tutorial has one."""
    return next((t for t in list_architectures(tutorial=True)
                 if get_architecture(t).tutorial_of == name), None)


def tutorial_link(name: str) -> str:
    """A paragraph linking a network page to its tutorial variant ('' if it has none)."""
    variant = tutorial_variant(name)
    if variant is None:
        return ""
    return (f'<p>The seed tutorial\'s version: <a href="{PAGE}#{variant}">{variant}</a> · '
            f'<span lang="zh">教程中的版本</span></p>')


def _link(name: str, pages: set[str] | None) -> str:
    return name if pages is not None and name not in pages else f'<a href="{name}.html">{name}</a>'


def _row(variant: str, pages: set[str] | None) -> str:
    info = get_architecture(variant)
    tutorial, reference = build(variant), build(info.tutorial_of)
    (t_p, t_b), (r_p, r_b) = tutorial.count_params(), reference.count_params()
    t_m, r_m = tutorial.count_macs(), reference.count_macs()
    figures = {"t_p": t_p, "r_p": r_p, "d": t_p - r_p, "t_pm": _m(t_p), "r_pm": _m(r_p),
               "t_pw": _wan(t_p), "r_pw": _wan(r_p), "t_g": _g(t_m), "r_g": _g(r_m)}
    en, zh = (text.format(**figures) for text in DIFFERENCES[info.family])
    return (f'<tr id="{variant}"><td><strong>{variant}</strong><br>'
            f"vs {_link(info.tutorial_of, pages)}</td>"
            f"<td>{t_p:,}<br>+ {t_b:,} buffers</td><td>{r_p:,}<br>+ {r_b:,} buffers</td>"
            f'<td>{_g(t_m)}</td><td>{_g(r_m)}</td><td {LEFT}>{html.escape(en)}</td>'
            f'<td lang="zh" {LEFT}>{html.escape(zh)}</td></tr>')


def _lenet(pages: set[str] | None) -> str:
    try:
        build("lenet5", input_size=28)
        raise RenderError("the tutorial's LeNet-5 built, but C5 does not fit its 4×4 maps",
                          "input 1×28×28", node="lenet5", op="tutorial page")
    except ShapeError as e:
        error = str(e)
    fixed = build("lenet5")
    c5 = fixed["c5"].shape
    return (
        '<h2 id="lenet5">LeNet-5: the tutorial\'s version cannot be built · '
        '<span lang="zh">教程中的版本无法构建</span></h2>'
        "<p>The tutorial's LeNet-5 takes 28×28 images. After two 5×5 convolutions and two "
        "2×2 pools its maps are 4×4, so its third 5×5 convolution (C5) does not fit: Keras "
        "refuses to build the model, and netir refuses at the node that is wrong:</p>"
        '<p lang="zh">教程中的 LeNet-5 输入为 28×28。经过两次 5×5 卷积和两次 2×2 池化后，'
        "特征图只剩 4×4，第三个 5×5 卷积（C5）放不下：Keras 无法构建这个模型，netir 也拒绝"
        "构建，并指出出错的节点：</p>"
        f"<pre>{html.escape(error)}</pre>"
        f"<p>The fix is the 1998 paper's 32×32 input: C5 then sees 5×5 maps and gives "
        f"{'×'.join(map(str, c5))}, and the network has {fixed.count_params()[0]:,} "
        f"parameters: netir's {_link('lenet5', pages)}.</p>"
        '<p lang="zh">修正方法是采用 1998 年原论文的 32×32 输入：C5 的输入变为 5×5，输出 '
        f"{'×'.join(map(str, c5))}，整个网络共有 {fixed.count_params()[0]:,} 个参数，"
        "即 netir 的 lenet5。</p>")


def tutorial_body(pages: set[str] | None = None) -> str:
    """The page's HTML body (the gallery wraps it in its page template).

    ``pages``: the networks that have a gallery page, which the body links to (all when
    None).
    """
    rows = "".join(_row(v, pages) for v in list_architectures(tutorial=True))
    return (
        f'<p><a href="index.html">← lineage</a></p><h1>{html.escape(TITLE)}</h1>'
        "<p>netir's catalog started from a Chinese tutorial on the CNN lineage. Its Keras "
        "code is not always the network its titles name. Each <code>*_tutorial</code> "
        "entry below is that code authored in netir (<code>netir list --tutorial</code>); "
        "the tests build the tutorial's own code in Keras and check that parameters agree "
        "and that outputs agree once the weights are copied across. Beside each one is "
        "the reference network of the catalog.</p>"
        '<p lang="zh">netir 的模型目录源自一篇介绍 CNN 发展历程的中文教程。教程中的 Keras '
        "代码并不总是其标题所说的网络。下表中每个 <code>*_tutorial</code> 条目都是用 netir "
        "按教程代码原样搭建的（<code>netir list --tutorial</code>）；测试会在 Keras 中运行"
        "教程自己的代码，核对参数量一致，并在复制权重后核对输出一致。每一行旁边是目录中的"
        "参考网络。</p>"
        "<table><thead><tr><th>network · 网络</th><th>tutorial params · 教程参数量</th>"
        "<th>reference params · 参考参数量</th><th>tutorial MACs</th>"
        "<th>reference MACs</th><th>what differs</th><th>差异</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>"
        f'<p class="note">{html.escape(MAC_CONVENTION)} Buffers are batch-norm running '
        "statistics, which Keras counts as non-trainable parameters. · 缓冲区（buffers）指"
        "批归一化的滑动均值和方差，Keras 将其计为不可训练参数。</p>"
        + code_section(list_architectures(tutorial=True)) + _lenet(pages))


def page_html(body: str) -> str:
    """A whole page around ``body``, using the gallery's ``style.css``."""
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<title>{html.escape(TITLE)}</title><link rel="stylesheet" href="style.css">'
            f"</head><body>\n{body}\n{SELF_CHECK}\n</body></html>\n")


def write_page(out_dir: str | Path, lang: str = "en", primary: str = "en",
               pages: set[str] | None = None) -> tuple[str, str]:
    """Write ``tutorial.html`` (English and Chinese on one page) into the gallery at
    ``out_dir``; returns ``(file name, link text)``.

    ``pages``: the network pages to link to; by default the ``*.html`` files already in
    ``out_dir``. ``lang`` and ``primary`` are accepted so that the gallery can call this
    as one of its extra site pages; the page is the same in every language.
    """
    out = Path(out_dir)
    if pages is None:
        pages = {p.name.split(".")[0] for p in out.glob("*.html")}
    write_atomic(out / PAGE, page_html(tutorial_body(pages)))
    return PAGE, TITLE
