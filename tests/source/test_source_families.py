"""The source emitters' lowering tables are laid out as the backends' are
(tests/emitters/test_lowering_families.py): one module per IR family, named as
``netir/ir/ops/<family>.py``, lowering exactly the ops that family declares, the table
their union. ``io`` is no source lowering: a file takes the graph's inputs as arguments."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

from netir.source import get_source, list_sources
from tests.emitters.test_lowering_families import IR_FAMILIES, declared

LOWERED = sorted(set(IR_FAMILIES) - {"io"})


def _package(source: str) -> str:
    return get_source(source).__module__.rpartition(".")[0] + ".lowerings"


BUILTIN = [s for s in list_sources() if get_source(s).__module__.startswith("netir.source.")]


@pytest.mark.parametrize("source", BUILTIN)
def test_one_lowering_module_per_ir_family(source):
    package = importlib.import_module(_package(source))
    assert hasattr(package, "__path__"), f"{package.__name__} is one module"
    modules = {info.name for info in pkgutil.iter_modules(package.__path__)} - {"base"}
    assert modules == set(LOWERED)
    union = {}
    for family in LOWERED:
        module = importlib.import_module(f"{package.__name__}.{family}")
        assert set(module.LOWERINGS) == declared(IR_FAMILIES[family]), family
        assert not set(module.LOWERINGS) & set(union), family
        union.update(module.LOWERINGS)
    assert dict(package.LOWERINGS) == union
