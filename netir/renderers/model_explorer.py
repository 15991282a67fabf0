"""A network as Google's Model Explorer reads it: a graph JSON file and node-data files.

Model Explorer (``pip install ai-edge-model-explorer``; ``model-explorer graph.json
--node_data_paths=params.json,...``) draws a graph collection in its "JSON graph" format
(``model_explorer/graph_builder.py``): ``{"label", "graphs": [{"id", "nodes": [...]}]}``,
each node ``{"id", "label", "namespace", "attrs", "incomingEdges", "outputsMetadata"}``.
Here a node's id is its netir name, its label the last part of the name and its namespace
its scope with ``/`` for ``.``, so the network's blocks (``layer1/0``) are groups that
collapse and expand. Attributes hold the op, its description, every attribute, the
parameter shapes and the node's parameters and MACs; the output metadata holds the
output shape (``shape``, which Model Explorer can print on edges); each group lists the
parameters and MACs of what it holds.

Node data (``model_explorer/node_data_builder.py``) colours nodes by one number each:
one file per series, ``{graph id: {"name", "results": {node id: {"value"}}, ...}}``.
The series are the parameters and MACs of every node and, given a
:class:`~netir.emitters.compare.CompareReport`, each backend's local error at every
node (relative, as the check judges it), coloured by the bands diagrams use
(:data:`netir.renderers.styles.ERROR_BANDS`). Output is deterministic (sorted keys,
the graph's topological order).
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from netir.ir.errors import GraphError
from netir.ir.graph import Graph
from netir.ir.summary import format_count, format_shape
from netir.renderers.styles import ERROR_BANDS

if TYPE_CHECKING:
    from netir.emitters.compare import CompareReport

GRAPH_FILE = "graph.json"
#: A white-to-blue gradient for counts (Model Explorer spreads it from min to max).
COUNT_GRADIENT = [{"bgColor": "#ffffff", "stop": 0}, {"bgColor": "#3d85c6", "stop": 1}]
# Model Explorer colours a value above the last threshold not at all: the last band's
# bound (no bound) is the largest float JSON can hold.
_LARGEST = sys.float_info.max


def namespace(scope: str) -> str:
    """A netir scope as a Model Explorer namespace: ``layer1.0`` -> ``layer1/0``."""
    return scope.replace(".", "/")


def _value(value: Any) -> str:
    """An attribute value as the text Model Explorer shows (tuples as JSON lists)."""
    return json.dumps(value, sort_keys=True) if not isinstance(value, str) else value


def _node(graph: Graph, node) -> dict[str, Any]:
    trainable, buffers = graph.node_params(node)
    shapes = {**graph.param_shapes(node)[0], **graph.param_shapes(node)[1]}
    attrs = [("op", node.op), ("description", node.spec.label(node.attrs)),
             *((f"attr.{k}", _value(v)) for k, v in sorted(node.attrs.items())),
             *((f"param.{k}", format_shape(v)) for k, v in sorted(shapes.items())),
             ("params", str(trainable)), ("buffers", str(buffers)),
             ("macs", str(graph.node_macs(node)))]
    return {
        "id": node.name,
        "label": node.name.rpartition(".")[2],
        "namespace": namespace(node.scope),
        "attrs": [{"key": k, "value": v} for k, v in attrs],
        "incomingEdges": [{"sourceNodeId": src, "sourceNodeOutputId": "0",
                           "targetNodeInputId": str(port)}
                          for port, src in enumerate(node.inputs)],
        "outputsMetadata": [{"id": "0", "attrs": [
            {"key": "shape", "value": format_shape(node.shape)},
            {"key": "layout", "value": node.layout}]}],
    }


def _group_attributes(graph: Graph) -> dict[str, dict[str, str]]:
    """Per namespace ('' for the whole graph): the parameters and MACs it holds."""
    totals: dict[str, list[int]] = {"": [0, 0, 0]}
    for node in graph.nodes:
        (t, b), m = graph.node_params(node), graph.node_macs(node)
        scope = node.scope
        while True:
            acc = totals.setdefault(namespace(scope), [0, 0, 0])
            acc[0], acc[1], acc[2] = acc[0] + t, acc[1] + b, acc[2] + m
            if not scope:
                break
            scope = scope.rpartition(".")[0]
    return {ns: {"params": f"{t} ({format_count(t)})", "buffers": str(b),
                 "macs": f"{m} ({format_count(m)})"} for ns, (t, b, m) in totals.items()}


def to_graph_json(graph: Graph, label: str | None = None) -> dict[str, Any]:
    """The graph collection Model Explorer loads from a ``.json`` file: one graph whose
    id is the graph's name, one node per netir node (ids are node names), in
    topological order."""
    return {"label": label or graph.name, "graphs": [{
        "id": graph.name,
        "nodes": [_node(graph, n) for n in graph.nodes],
        "groupNodeAttributes": _group_attributes(graph),
    }]}


def node_data(graph: Graph, name: str, values: dict[str, float | int], *,
              gradient: list[dict] | None = None, thresholds: list[dict] | None = None,
              colors: dict[str, str] | None = None) -> dict[str, Any]:
    """One node-data series for ``graph`` (``{graph id: GraphNodeData}``): ``values``
    by node name, coloured by ``gradient`` or ``thresholds`` or per node ``colors``.
    Raises GraphError for a value on a node the graph lacks."""
    for key in values:
        if key not in graph:
            raise GraphError("node data names a node the graph does not have", repr(key),
                             node=key, op="model_explorer")
    order = [n.name for n in graph.nodes if n.name in values]
    results = {k: {"value": values[k], **({"bgColor": colors[k]} if colors and k in colors
                                           else {})} for k in order}
    data: dict[str, Any] = {"name": name, "results": results}
    if gradient:
        data["gradient"] = gradient
    if thresholds:
        data["thresholds"] = thresholds
    return {graph.name: data}


def error_thresholds() -> list[dict[str, Any]]:
    """The diagrams' relative-error bands as Model Explorer thresholds."""
    return [{"bgColor": color, "value": bound if bound != float("inf") else _LARGEST}
            for bound, color in ERROR_BANDS]


def to_model_explorer(graph: Graph, report: CompareReport | None = None
                      ) -> tuple[dict[str, Any], dict[str, dict[str, Any]]]:
    """``(graph_json, node_data)`` for Model Explorer.

    ``node_data`` maps a file stem to one series: ``params`` (trainable parameters),
    ``macs`` and, with ``report`` (from :func:`netir.compare` or :func:`netir.check` on
    this graph), ``local_error.<backend>`` for each backend compared: the node's local
    error relative to its scale (:meth:`NodeAgreement.relative`). Raises GraphError when
    the report holds a node the graph lacks.
    """
    series = {
        "params": node_data(graph, "parameters",
                            {n.name: graph.node_params(n)[0] for n in graph.nodes},
                            gradient=COUNT_GRADIENT),
        "macs": node_data(graph, "MACs", {n.name: graph.node_macs(n) for n in graph.nodes},
                          gradient=COUNT_GRADIENT),
    }
    if report is not None:
        errors = {n.name: {r.backend: float(n.relative(r.backend)) for r in report.results}
                  for n in report.nodes}
        series.update(local_error_series(graph, errors, [r.backend for r in report.results]))
    return to_graph_json(graph), series


def local_error_series(graph: Graph, errors: dict[str, dict[str, float]],
                       backends: list[str], note: str = "") -> dict[str, dict[str, Any]]:
    """``{"local_error.<backend>": series}``: each backend's relative local error by node
    (``errors``: node -> backend -> error, from a check of ``graph`` or of the same
    network at another input or width; ``note`` says which, in each series' name),
    coloured by the diagrams' error bands. GraphError for a node ``graph`` lacks."""
    suffix = f", {note}" if note else ""
    return {f"local_error.{_stem(b)}": node_data(
        graph, f"{b} local error (relative{suffix})",
        {name: by[b] for name, by in errors.items() if b in by},
        thresholds=error_thresholds()) for b in backends}


def _stem(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]+", "_", text)


def dumps(document: Any) -> str:
    """Deterministic JSON text: sorted keys, compact (no indentation: the files are for
    Model Explorer, and JSON's C encoder writes them several times faster), trailing
    newline."""
    return json.dumps(document, sort_keys=True, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")) + "\n"


def write_model_explorer(graph: Graph, directory: str | os.PathLike,
                         report: CompareReport | None = None,
                         extra: dict[str, dict[str, Any]] | None = None) -> Path:
    """Write ``graph.json`` and one ``<series>.json`` per node-data series (plus
    ``extra`` series, such as a diff's) into ``directory``, all at once
    (:func:`netir.ir.files.write_tree`); an existing ``directory`` may hold only JSON
    files (an earlier export, whose series this one replaces). Open them with
    ``model-explorer DIR/graph.json --node_data_paths=DIR/params.json,...``.
    Returns the directory; FileError when it cannot be written."""
    from netir.ir.files import write_tree

    graph_json, series = to_model_explorer(graph, report)
    series.update(extra or {})
    files = {GRAPH_FILE: dumps(graph_json),
             **{f"{stem}.json": dumps(data) for stem, data in sorted(series.items())}}
    return write_tree(directory, files, replaceable=lambda name: name.endswith(".json"))


def node_data_files(directory: str | os.PathLike) -> list[Path]:
    """The node-data files :func:`write_model_explorer` wrote into ``directory``,
    sorted by name."""
    return sorted(p for p in Path(directory).glob("*.json") if p.name != GRAPH_FILE)


def model_explorer_files(graph: Graph, directory: Path, agreement=None) -> list[str]:
    """The gallery's export: :func:`write_model_explorer` into ``directory`` with, given
    the page's :class:`~netir.renderers.agreement.Agreement`, each backend's local error
    from its check (named with the input, and width, it was checked at). Returns the
    files written as paths relative to ``directory``'s parent, ``graph.json`` first."""
    extra = {}
    if agreement is not None:
        errors: dict[str, dict[str, float]] = {}
        for node, by_pair in agreement.nodes.items():
            if node in graph:
                errors[node] = {pair.split("/")[0]: e for pair, e in by_pair.items()}
        note = f"checked at {format_shape(agreement.input_shape)}"
        if agreement.reduced:
            note += f", width 1/{round(1 / agreement.reduced)}"
        extra = local_error_series(graph, errors,
                                   [p.pair.split("/")[0] for p in agreement.pairs], note)
    written = write_model_explorer(graph, directory, extra=extra)
    names = [GRAPH_FILE, *(p.name for p in node_data_files(written))]
    return [f"{directory.name}/{n}" for n in names]


def model_explorer_links(files: list[str]) -> str:
    """An HTML paragraph linking the files :func:`model_explorer_files` wrote, with the
    command that opens them."""
    import html

    graph, series = files[0], files[1:]
    links = " · ".join(f'<a href="{html.escape(f)}">{html.escape(f.rpartition("/")[2])}</a>'
                       for f in files)
    command = (f"model-explorer {graph} --node_data_paths={','.join(series)}")
    return (f'<p class="model-explorer">Model Explorer: {links}<br>'
            f"<code>{html.escape(command)}</code></p>")
