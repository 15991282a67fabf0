"""Every built-in backend's lowerings are laid out as the IR's ops are: one module per IR
family, named as ``netir/ir/ops/<family>.py``, whose ``LOWERINGS`` lowers exactly the ops
that family declares; the backend's table is their union and nothing else."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import netir.ir.ops as ir_ops
from netir.emitters.registry import get_backend, list_backends

IR_FAMILIES = {
    info.name: importlib.import_module(f"netir.ir.ops.{info.name}")
    for info in pkgutil.iter_modules(ir_ops.__path__)
}
IR_FAMILIES = {name: m for name, m in IR_FAMILIES.items() if hasattr(m, "OPS")}


def declared(family) -> set[str]:
    """The ops a family declares."""
    return {spec.name for spec in family.OPS}


def _builtin(name: str) -> bool:
    return type(get_backend(name)).__module__.startswith("netir.emitters.")


BUILTIN = [b for b in list_backends() if _builtin(b)]


def _package(backend: str) -> str:
    return type(get_backend(backend)).__module__.rpartition(".")[0] + ".lowerings"


def test_the_ir_families_are_what_the_op_registry_merges():
    assert {spec.name for spec in ir_ops.BUILTIN_OPS} <= set().union(
        *(declared(f) for f in IR_FAMILIES.values()))
    assert "window" not in IR_FAMILIES  # shared window attributes, no ops


@pytest.mark.parametrize("backend", BUILTIN)
def test_one_lowering_module_per_ir_family(backend):
    package = importlib.import_module(_package(backend))
    modules = {info.name for info in pkgutil.iter_modules(package.__path__)}
    assert modules == set(IR_FAMILIES), f"{package.__name__} is not laid out as netir/ir/ops/"


def _cases():
    for backend in BUILTIN:
        for family in sorted(IR_FAMILIES):
            yield pytest.param(backend, family, id=f"{family}-{backend}")


@pytest.mark.parametrize("backend, family", list(_cases()))
def test_each_family_module_lowers_exactly_its_family(backend, family):
    module = importlib.import_module(f"{_package(backend)}.{family}")
    assert set(module.LOWERINGS) == declared(IR_FAMILIES[family])


@pytest.mark.parametrize("backend", BUILTIN)
def test_the_backend_table_is_the_union_of_its_families(backend):
    package = _package(backend)
    union = {}
    for family in IR_FAMILIES:
        union.update(importlib.import_module(f"{package}.{family}").LOWERINGS)
    table = get_backend(backend).lowerings
    assert dict(table) == {op: union[op] for op in table}
    assert set(table) == set(union)
