"""What the graph strategy reaches: every op, every attribute, every structure.

The report lists per op how often it was drawn and the values each attribute took;
the test fails when an op, an attribute value range or a structure is never reached,
so an op added without ``draw_attrs`` (or one the strategy cannot feed) is caught.
"""

from collections import Counter, defaultdict

from hypothesis import given, settings

from netir.ir.layout import LAYOUTS
from netir.ir.registry import get_op, list_ops
from netir.testing.strategies import drawn_graphs

# each op is drawn uniformly, so the examples needed to reach every attribute value and
# padding form grow with the number of ops
EXAMPLES = max(500, 60 * len(list_ops()))
MERGES = ("add", "concat")


def _padding_form(value) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return "int"
    return "pair" if isinstance(value[0], int) else "explicit"


def _collect():
    ops, values, padding, structure = Counter(), defaultdict(set), defaultdict(set), Counter()

    @settings(max_examples=EXAMPLES, database=None)
    @given(drawn_graphs())
    def collect(pair):
        graph, drawn = pair
        position = {n.name: i for i, n in enumerate(graph.nodes)}
        for node in graph.nodes:
            ops[node.op] += 1
            for key, value in node.attrs.items():
                values[node.op, key].add(repr(value))
            if len(node.inputs) > 2:
                structure["fan-in > 2"] += 1
            if any(position[node.name] - position[i] >= 3 for i in node.inputs):
                structure["skip over 3+ nodes"] += 1
            if node.op in MERGES and any(graph[i].op in MERGES for i in node.inputs):
                structure["merge of a merge"] += 1
            if node.op == "softmax":
                structure[f"softmax axis {node.attrs['axis']} of rank {len(node.shape)}"] += 1
        for name, attrs in drawn:
            if "padding" in attrs:
                padding[graph[name].op].add(_padding_form(attrs["padding"]))
        structure["several inputs"] += len(graph.inputs) > 1
        structure["several outputs"] += len(graph.outputs) > 1
        structure["rank-1 input"] += any(len(n.shape) == 1 for n in graph.inputs)
        for node in graph.nodes:
            structure[f"{node.layout} tensor"] += 1

    collect()
    return ops, values, padding, structure


def test_strategy_reaches_every_op_attribute_and_structure():
    ops, values, padding, structure = _collect()
    print("ops:", dict(sorted(ops.items())))
    print("structures:", dict(sorted(structure.items())))
    print("padding forms:", {k: sorted(v) for k, v in sorted(padding.items())})
    assert sorted(ops) == list_ops()
    for op in list_ops():
        for attr in get_op(op).attrs:
            assert len(values[op, attr.name]) >= 2, (op, attr.name, values[op, attr.name])
    for op in ("conv2d", "max_pool2d", "avg_pool2d"):
        assert padding[op] == {"int", "pair", "explicit", "same", "valid"}, op
    assert padding["zero_pad2d"] == {"int", "pair", "explicit"}
    wanted = ["fan-in > 2", "skip over 3+ nodes", "merge of a merge", "several inputs",
              "several outputs", "rank-1 input", "softmax axis 0 of rank 1",
              *(f"softmax axis {a} of rank 3" for a in range(3)),
              *(f"{layout} tensor" for layout in LAYOUTS)]
    assert [w for w in wanted if not structure[w]] == []
