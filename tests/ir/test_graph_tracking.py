"""Building stays linear with the collector running: each node adds one or two objects
the cyclic garbage collector tracks (its Node, and an attribute mapping when it has
attributes), and the DiGraph view is rebuilt after every change."""

import gc

import netir


def _tracked_per_node(build, n):
    gc.collect()
    before = len(gc.get_objects())
    g = build(n)
    gc.collect()
    return (len(gc.get_objects()) - before) / len(g), g


def _chain(n):
    g = netir.Graph("chain")
    x = g.input((4, 4, 4))
    for _ in range(n - 1):
        x = g.relu(x)
    return g


def _convs(n):
    g = netir.Graph("convs")
    x = g.input((4, 4, 4))
    for _ in range(n - 1):
        x = g.conv2d(x, 4, 3, padding=1)
    return g


def test_each_node_adds_at_most_two_tracked_objects():
    per_node, g = _tracked_per_node(_chain, 2000)
    assert per_node < 1.05
    per_node, g = _tracked_per_node(_convs, 2000)
    assert per_node < 2.05


def test_networkx_view_follows_changes():
    g = netir.Graph("t")
    x = g.input((3,))
    y = g.relu(x)
    assert list(g.nx.successors(x.name)) == [y.name]
    z = g.add(x, y)
    assert sorted(g.nx.successors(x.name)) == sorted([y.name, z.name])
    assert g.nx.edges[x.name, z.name]["ports"] == (0,)
    assert g.nx.nodes[z.name]["node"] is g[z.name]
    assert [n.name for n in g.outputs] == [z.name]
