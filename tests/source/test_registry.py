"""Source emitters register like backends: built-ins by name, plugins by call."""

from __future__ import annotations

import pytest

import netir
from netir import source
from netir.ir.errors import NetIRError, UnsupportedOpError


@pytest.fixture
def fresh(monkeypatch):
    monkeypatch.setattr(source, "_EMITTERS", dict(source._EMITTERS))


def _graph():
    g = netir.Graph("tiny")
    g.dense(g.input((4,), name="x"), 2, name="fc")
    return g


def test_builtins_are_listed_and_lazy_exported():
    assert {"keras", "torch"} <= set(source.list_sources())
    assert netir.to_source is source.to_source


def test_a_registered_emitter_is_used_by_to_source(fresh):
    seen = []

    def toy(graph, outputs):
        seen.append((graph.name, outputs))
        return "# toy\n"

    source.register_source("toy", toy)
    assert "toy" in source.list_sources()
    assert netir.to_source(_graph(), "toy", ["fc"]) == "# toy\n"
    assert seen == [("tiny", ["fc"])]


def test_a_second_emitter_of_one_name_is_refused_unless_replacing(fresh):
    source.register_source("toy", lambda g, o: "a")
    with pytest.raises(NetIRError, match="already registered"):
        source.register_source("toy", lambda g, o: "b")
    with pytest.raises(NetIRError, match="already registered"):
        source.register_source("torch", lambda g, o: "b")
    source.register_source("toy", lambda g, o: "b", replace=True)
    assert netir.to_source(_graph(), "toy") == "b"


def test_an_unknown_emitter_names_the_known_ones():
    with pytest.raises(UnsupportedOpError, match="torch"):
        netir.to_source(_graph(), "fortran")
