"""Every lineage builder can be found by name: a ``def`` in its family's source, or a
declaration in the family's stub, which is current with the catalog. (The tutorial's
variants are built by name, ``build("resnet50_tutorial")``, and bound to no module name.)"""

import ast
import inspect
import sys
from pathlib import Path

import pytest

from netir.architectures import get_architecture, list_architectures
from netir.architectures.stubs import HERE, stubs


def test_every_stub_is_current():
    for path, text in stubs().items():
        assert path.read_text(encoding="utf-8") == text, "run: python -m netir.architectures.stubs"


def test_no_stub_is_left_for_a_family_that_no_longer_needs_one():
    assert set(HERE.glob("*.pyi")) == set(stubs())


@pytest.mark.parametrize("name", list_architectures())
def test_builder_is_found_by_name_in_source_or_stub(name):
    builder = get_architecture(name).builder
    module = sys.modules[builder.__module__]
    source = Path(inspect.getsourcefile(module))
    defined = {n.name for n in ast.walk(ast.parse(source.read_text(encoding="utf-8")))
               if isinstance(n, ast.FunctionDef)}
    stub = source.with_suffix(".pyi")
    declared = set()
    if stub.exists():
        declared = {n.name: n for n in ast.parse(stub.read_text(encoding="utf-8")).body
                    if isinstance(n, ast.FunctionDef)}
    assert name in defined or name in declared, f"{name}: no def in {source.name} or its stub"
    assert getattr(module, name) is builder
    if name in declared:  # the stub's parameters are the builder's
        args = declared[name].args
        assert [a.arg for a in args.args] == list(inspect.signature(builder).parameters)
        assert ast.unparse(declared[name].returns) == "Graph"
