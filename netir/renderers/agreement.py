"""The cross-backend check as the gallery shows it: per backend pair and per node.

:class:`Agreement` is plain data (it round-trips through JSON for the gallery's
cache), generic over backend pairs: each pair has a maximum relative error and a
verdict, and each node a relative error per pair. :func:`agreement_dot` draws the
block-level diagram with every item filled by the worst error of its nodes.
"""

from __future__ import annotations

import html
from dataclasses import asdict, dataclass, field

from netir.ir.graph import Graph
from netir.renderers.styles import ERROR_BANDS, error_color


@dataclass
class PairResult:
    """One pair of backends: ``pair`` is ``"a/b"``."""

    pair: str
    max_rel: float
    passed: bool


@dataclass
class Agreement:
    """What one check found; ``nodes`` maps node -> pair -> relative error. ``reduced``:
    None, or the width factor the network was checked at (too large for the machine),
    with ``params`` the parameters it had then."""

    input_shape: tuple[int, ...]
    batch: int
    tolerance: float
    passed: bool
    pairs: list[PairResult]
    nodes: dict[str, dict[str, float]] = field(default_factory=dict)
    reduced: float | None = None
    params: int | None = None

    def worst(self, names) -> float | None:
        """The largest relative error over ``names`` and every pair (None: none compared)."""
        errs = [e for n in names for e in self.nodes.get(n, {}).values()]
        return max(errs) if errs else None

    def as_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict) -> Agreement:
        return cls(tuple(d["input_shape"]), d["batch"], d["tolerance"], d["passed"],
                   [PairResult(**p) for p in d["pairs"]], d["nodes"], d.get("reduced"),
                   d.get("params"))


def agreement_from_report(report) -> Agreement:
    """Convert a :class:`~netir.emitters.compare.CompareReport`: one pair per backend
    against the reference (``"torch/reference"``), each node's relative local error."""
    pairs = [PairResult(f"{r.backend}/reference", r.worst_rel, r.passed)
             for r in report.results]
    nodes = {n.name: {f"{b}/reference": n.relative(b) for b in n.local} for n in report.nodes}
    return Agreement(tuple(next(iter(report.inputs.values()))), report.batch,
                     report.tolerance, report.passed, pairs, nodes, report.reduced,
                     report.ir_params[0])


def run_agreement(name: str, memory: int | None = None, reduce: bool = True,
                  max_params: int | None = None) -> Agreement:
    """Check catalog network ``name`` node by node (64×64 or its smallest input), with
    ``reduce`` at a reduced width if it needs more than ``memory`` bytes, and at one
    within ``max_params`` parameters if it has more; ResourceError if it does not fit
    even so."""
    from netir.catalog_checks import check

    return agreement_from_report(check([name], memory=memory, reduce=reduce,
                                       max_params=max_params)[0])


def agreement_dot(graph: Graph, agreement: Agreement, fontname: str | None = None,
                  words: dict[str, str] | None = None) -> str:
    """Block-level DOT of ``graph``, each item filled by its worst per-node error;
    ``words`` are the label words of the page's language."""
    from netir.renderers.dot import LABEL_WORDS, to_dot

    def decorate(item) -> dict[str, str]:
        err = agreement.worst(n.name for n in item.nodes)
        tip = "not compared" if err is None else f"max relative error {err:.2e}"
        return {"fillcolor": error_color(err), "tooltip": f"{item.key}: {tip}"}

    return to_dot(graph, "block", decorate=decorate, fontname=fontname,
                  words=words or LABEL_WORDS)


def legend_html(title: str) -> str:
    """The colour key of :func:`agreement_dot` as an HTML strip."""
    cells, low = [], 0.0
    for bound, color in ERROR_BANDS:
        text = f"≤ {bound:.0e}" if bound != float("inf") else f"> {low:.0e}"
        cells.append(f'<span class="swatch" style="background:{color}">{text}</span>')
        low = bound
    return f'<p class="legend">{html.escape(title)}: {"".join(cells)}</p>'
