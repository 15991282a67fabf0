"""JSON round trip (as a property) and a corpus of malformed documents."""

import json

import pytest
from hypothesis import given

import netir
from netir import NetIRError, SerializationError
from netir.ir.serialize import MAX_DEPTH
from netir.testing.strategies import graphs

from .test_graph import lenet


@given(graphs())
def test_round_trip_is_lossless_and_byte_stable(g):
    text = g.to_json()
    back = netir.Graph.from_json(text)
    assert back == g
    assert back.to_json() == text
    assert back.count_params() == g.count_params()


def test_file_round_trip(tmp_path):
    g = lenet()
    g.save(tmp_path / "lenet.json")
    assert netir.Graph.load(tmp_path / "lenet.json") == g
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_explicit_outputs_survive():
    g = netir.Graph("t")
    x = g.input((2, 4, 4))
    g.relu(x, name="a")
    g.output(g.tanh(x, name="b"))
    back = netir.Graph.from_json(g.to_json())
    assert [n.name for n in back.outputs] == ["b"]


def _doc(**changes):
    doc = json.loads(lenet().to_json())
    doc.update(changes)
    return json.dumps(doc)


def _node_change(index, **changes):
    doc = json.loads(lenet().to_json())
    doc["nodes"][index].update(changes)
    return json.dumps(doc)


def _cyclic():
    doc = json.loads(lenet().to_json())
    doc["nodes"][1]["inputs"] = ["c1_act" if "c1_act" in [n["name"] for n in doc["nodes"]]
                                 else doc["nodes"][2]["name"]]
    return json.dumps(doc)


def _duplicate():
    doc = json.loads(lenet().to_json())
    doc["nodes"][2]["name"] = doc["nodes"][1]["name"]
    return json.dumps(doc)


MALFORMED = {
    "truncated": lenet().to_json()[:200],
    "empty": "",
    "not an object": "[1, 2, 3]",
    "wrong format": _doc(format="onnx"),
    "future version": _doc(version=99),
    "version as text": _doc(version="1"),
    "nodes not a list": _doc(nodes={"a": 1}),
    "node not an object": _doc(nodes=[1]),
    "unknown op": _node_change(1, op="conv4d"),
    "mistyped attribute": _node_change(1, attrs={"out_channels": "six", "kernel": 5}),
    "mistyped inputs": _node_change(1, inputs="input"),
    "cyclic": _cyclic(),
    "duplicate names": _duplicate(),
    "shape tampered": _node_change(1, shape=[6, 27, 27]),
    "unknown output": _doc(outputs=["nowhere"]),
    "nan": _node_change(1, attrs={"out_channels": float("nan"), "kernel": 5}),
    "deeply nested": "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5),
    "very deeply nested": '{"a":' * 100000 + "1" + "}" * 100000,
    "not utf-8": b"\xff\xfe{}",
    "extra attribute": _node_change(1, attrs={"out_channels": 6, "kernel": 5, "evil": 1}),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
def test_malformed_documents_raise_netir_error(name):
    with pytest.raises(NetIRError) as e:
        netir.Graph.from_json(MALFORMED[name])
    assert "Got:" in str(e.value) or "(json)" in str(e.value)


def test_future_version_error_says_upgrade():
    with pytest.raises(SerializationError, match="upgrade netir"):
        netir.Graph.from_json(_doc(version=99))


def test_size_limit(monkeypatch):
    import netir.ir.serialize as ser

    monkeypatch.setattr(ser, "MAX_BYTES", 100)
    with pytest.raises(SerializationError, match="larger than"):
        netir.Graph.from_json(lenet().to_json())


def test_output_is_deterministic_key_order():
    text = lenet().to_json()
    doc = json.loads(text)
    assert list(doc) == sorted(doc)
    assert text == json.dumps(doc, indent=1, sort_keys=True) + "\n"


@pytest.mark.parametrize("text, deep", [
    ('{"x": "' + "[" * 40 + '"}', False),                 # brackets inside a string
    ('{"x": "\\\\", "y": ' + "[" * 17 + "]" * 17 + "}", True),  # escaped backslash ends
    ('{"x": "\\"' + "[" * 40 + '"}', False),              # escaped quote stays inside
])
def test_depth_limit_sees_through_strings_and_escapes(text, deep):
    with pytest.raises(SerializationError) as err:
        netir.Graph.from_json(text)
    assert ("nests deeper" in str(err.value)) is deep
