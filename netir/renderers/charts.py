"""Small, dependency-free SVG scatter charts for the gallery (value against year)."""

from __future__ import annotations

import html
import math

from netir.ir.summary import format_count

W, H, PAD_L, PAD_R, PAD_T, PAD_B = 560, 300, 70, 20, 30, 40


def scatter_svg(title: str, points: list[tuple[float, float, str]], y_label: str,
                log: bool = True) -> str:
    """``points`` are (year, value, label). Log scale on y when ``log``."""
    xs = [p[0] for p in points]
    ys = [math.log10(p[1]) if log else p[1] for p in points]
    x0, x1 = min(xs) - 1, max(xs) + 1
    y0, y1 = math.floor(min(ys)), math.ceil(max(ys))
    if y1 == y0:
        y1 += 1

    def px(x):
        return PAD_L + (x - x0) / (x1 - x0) * (W - PAD_L - PAD_R)

    def py(y):
        return H - PAD_B - (y - y0) / (y1 - y0) * (H - PAD_T - PAD_B)

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" '
             f'viewBox="0 0 {W} {H}" font-family="Helvetica, Arial, sans-serif" font-size="11">',
             f'<title>{html.escape(title)}</title>',
             f'<text x="{W / 2}" y="18" text-anchor="middle" font-size="13">'
             f'{html.escape(title)}</text>',
             f'<line x1="{PAD_L}" y1="{H - PAD_B}" x2="{W - PAD_R}" y2="{H - PAD_B}" '
             'stroke="#444"/>',
             f'<line x1="{PAD_L}" y1="{PAD_T}" x2="{PAD_L}" y2="{H - PAD_B}" stroke="#444"/>']
    for year in range(int(x0) + 1, int(x1) + 1, max(1, int(x1 - x0) // 8)):
        parts.append(f'<text x="{px(year):.1f}" y="{H - PAD_B + 16}" text-anchor="middle">'
                     f'{year}</text>')
    steps = range(y0, y1 + 1) if log else [y0 + i * (y1 - y0) / 4 for i in range(5)]
    for y in steps:
        text = format_count(10 ** y, "g") if log else f"{y:g}"
        parts.append(f'<line x1="{PAD_L - 4}" y1="{py(y):.1f}" x2="{W - PAD_R}" y2="{py(y):.1f}" '
                     'stroke="#ddd"/>')
        parts.append(f'<text x="{PAD_L - 6}" y="{py(y) + 4:.1f}" text-anchor="end">{text}</text>')
    parts.append(f'<text x="14" y="{H / 2}" transform="rotate(-90 14 {H / 2})" '
                 f'text-anchor="middle">{html.escape(y_label)}</text>')
    for (x, _, label), y in zip(points, ys):
        parts.append(f'<circle cx="{px(x):.1f}" cy="{py(y):.1f}" r="4" fill="#3d6fb6">'
                     f'<title>{html.escape(label)}</title></circle>')
    parts.append("</svg>")
    return "\n".join(parts) + "\n"
