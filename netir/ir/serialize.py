"""JSON documents for graphs: versioned, deterministic, safe on untrusted text.

A document lists the nodes in topological order with their op, inputs and
normalised attributes (plus the inferred shape, checked on load). Loading rebuilds
the graph through the validating builder, so a document can never produce a graph
the builder would refuse. Only JSON is parsed: no code runs, the size and nesting
depth are bounded, and every failure is a :class:`SerializationError` or another
:class:`NetIRError`.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from netir.ir.bulk import collector_paused
from netir.ir.errors import NetIRError, SerializationError
from netir.ir.files import read_bytes, write_atomic
from netir.ir.graph import Graph

FORMAT = "netir.graph"
VERSION = 2
"""Version 2 added each node's ``layout`` (checked on load like ``shape``) and the
input op's ``layout`` attribute. A version-1 document is read as it stands: its inputs
take the default layout of their rank, which is what version 1 meant."""
MAX_BYTES = 64 * 1024 * 1024
MAX_DEPTH = 16
MAX_NUMBER_DIGITS = 40  # no attribute needs more; longer numbers are refused unparsed
_DOC = "<document>"


def _plain(value: Any) -> Any:
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    return value


def graph_to_document(graph: Graph) -> dict[str, Any]:
    """The graph as a JSON-ready dict."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "name": graph.name,
        "nodes": [{"name": n.name, "op": n.op, "inputs": list(n.inputs),
                   "attrs": {k: _plain(v) for k, v in n.attrs.items()},
                   "shape": list(n.shape), "layout": n.layout} for n in graph.nodes],
        "outputs": [n.name for n in graph.outputs],
    }


@collector_paused()
def graph_to_json(graph: Graph) -> str:
    """Deterministic JSON text (sorted keys, fixed indentation, trailing newline)."""
    return json.dumps(graph_to_document(graph), indent=1, sort_keys=True,
                      ensure_ascii=True, allow_nan=False) + "\n"


def _check_depth(text: str) -> None:
    """Refuse nesting deeper than MAX_DEPTH before json.loads recurses into it.

    Escaped backslashes and quotes are dropped first, so every remaining quote opens or
    closes a string; brackets inside strings do not count. The depth is then a running
    sum computed by NumPy, not a Python loop over characters.
    """
    plain = text.replace("\\\\", "").replace('\\"', "").encode("utf-8")
    b = np.frombuffer(plain, dtype=np.uint8)
    outside = (np.cumsum(b == ord('"')) & 1) == 0
    step = ((b == ord("[")) | (b == ord("{"))).astype(np.int32) - (
        (b == ord("]")) | (b == ord("}")))
    if b.size and int(np.cumsum(step * outside).max()) > MAX_DEPTH:
        raise SerializationError(f"document nests deeper than {MAX_DEPTH} levels",
                                 f"depth > {MAX_DEPTH}", node=_DOC, op="json")


def _reject_constant(name: str) -> None:
    raise SerializationError("NaN and Infinity are not valid JSON", name, node=_DOC, op="json")


def _parse_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_NUMBER_DIGITS:
        raise SerializationError(f"numbers have at most {MAX_NUMBER_DIGITS} digits",
                                 f"an integer of {len(text)} characters", node=_DOC, op="json")
    return int(text)


def _parse_float(text: str) -> float:
    value = float(text)
    if len(text) > 4 * MAX_NUMBER_DIGITS or value in (float("inf"), float("-inf")):
        raise SerializationError("numbers must be finite and of reasonable length",
                                 text[:60], node=_DOC, op="json")
    return value


def _expect(cond: bool, what: str, got: Any, node: Any = _DOC) -> None:
    if not cond:
        try:
            text = repr(got)[:200]
        except Exception:  # noqa: BLE001 (the value is only described)
            text = type(got).__name__
        where = node if isinstance(node, str) and len(node) <= 300 else _DOC
        raise SerializationError(what, text, node=where, op="json")


@collector_paused()
def graph_from_json(text: str | bytes) -> Graph:
    """Rebuild a graph from :func:`graph_to_json` text; raises SerializationError."""
    if isinstance(text, bytes):
        _expect(len(text) <= MAX_BYTES, f"document is larger than {MAX_BYTES} bytes",
                len(text))
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as e:
            raise SerializationError("document is not UTF-8", str(e), node=_DOC,
                                     op="json") from None
    _expect(isinstance(text, str), "document must be text", type(text).__name__)
    _expect(len(text) <= MAX_BYTES, f"document is larger than {MAX_BYTES} bytes", len(text))
    _check_depth(text)
    try:
        doc = json.loads(text, parse_constant=_reject_constant, parse_int=_parse_int,
                         parse_float=_parse_float)
    except json.JSONDecodeError as e:
        raise SerializationError("document is not valid JSON", str(e), node=_DOC,
                                 op="json") from None
    except (ValueError, RecursionError) as e:  # a literal Python will not convert
        if isinstance(e, NetIRError):
            raise
        raise SerializationError("document is not valid JSON", str(e)[:200], node=_DOC,
                                 op="json") from None
    return graph_from_document(doc)


@collector_paused()
def graph_from_document(doc: Any) -> Graph:
    """Rebuild a graph from a parsed document (see :func:`graph_to_document`)."""
    _expect(isinstance(doc, dict), "document must be a JSON object", type(doc).__name__)
    _expect(doc.get("format") == FORMAT, f"'format' must be '{FORMAT}'", doc.get("format"))
    version = doc.get("version")
    _expect(isinstance(version, int) and not isinstance(version, bool) and version >= 1,
            "'version' must be a positive integer", version)
    _expect(version <= VERSION, f"document version {version} is newer than this netir "
            f"reads ({VERSION}); upgrade netir", version)
    name, nodes, outputs = doc.get("name"), doc.get("nodes"), doc.get("outputs", None)
    _expect(isinstance(name, str), "'name' must be a string", name)
    _expect(isinstance(nodes, list), "'nodes' must be a list", type(nodes).__name__)
    graph = Graph(name)  # GraphError for a name outside the node-name rule
    for i, entry in enumerate(_migrate(version, nodes)):
        where = f"nodes[{i}]"
        _expect(isinstance(entry, dict), "each node must be an object", entry, where)
        nname, op = entry.get("name"), entry.get("op")
        inputs, attrs = entry.get("inputs", []), entry.get("attrs", {})
        _expect(isinstance(nname, str), "node 'name' must be a string", nname, where)
        _expect(isinstance(op, str), "node 'op' must be a string", op, nname)
        _expect(isinstance(inputs, list) and all(isinstance(s, str) for s in inputs),
                "node 'inputs' must be a list of names", inputs, nname)
        _expect(isinstance(attrs, dict), "node 'attrs' must be an object", attrs, nname)
        for src in inputs:
            _expect(src in graph, "input is not an earlier node (unknown name, forward "
                    "reference or cycle)", src, nname)
        try:
            t = graph.add_node(op, inputs, name=nname, attrs=attrs)
        except NetIRError:
            raise
        except (TypeError, ValueError, KeyError, OverflowError, IndexError,
                ZeroDivisionError) as e:  # safety net for odd values
            raise SerializationError("node could not be rebuilt", str(e), node=nname,
                                     op=op) from None
        if "shape" in entry:
            _expect(entry["shape"] == list(t.shape), "stored shape differs from the "
                    f"inferred shape {list(t.shape)}", entry["shape"], nname)
        if "layout" in entry:
            _expect(entry["layout"] == t.layout, "stored layout differs from the "
                    f"inferred layout {t.layout}", entry["layout"], nname)
    if outputs is not None:
        _expect(isinstance(outputs, list) and all(isinstance(s, str) and s in graph
                                                  for s in outputs),
                "'outputs' must list names of nodes", outputs)
        _expect(bool(outputs) or not len(graph), "'outputs' must name at least one node",
                outputs)
        sinks = [n.name for n in graph.outputs]
        if outputs != sinks or len(sinks) > 1:  # several outputs are declared ones
            graph.output(*outputs)
    return graph


def _migrate(version: int, nodes: list) -> list:
    """The nodes of a document of ``version`` as the current version reads them.

    Version 1 knew only (C,) and (C, H, W) tensors and stored no layouts; its inputs
    read with the default layout of their rank, which is what it meant, so its nodes
    need no change: the function states that rather than doing it by accident."""
    return nodes


def save_graph(graph: Graph, path: str | os.PathLike) -> None:
    """Write :func:`graph_to_json` to ``path`` atomically."""
    write_atomic(path, graph_to_json(graph))


def load_graph(path: str | os.PathLike) -> Graph:
    """Read a graph document from the regular file ``path`` (at most ``MAX_BYTES``).

    Raises FileError (missing, not a regular file, too large) or SerializationError.
    """
    return graph_from_json(read_bytes(Path(path), MAX_BYTES, "graph document"))
