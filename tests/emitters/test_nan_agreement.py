"""A value that is NaN on every backend (``0 / 0``) is the function's value there: the
check agrees where all backends give NaN in the same place, and a NaN on one side only
is an infinite error, never a silent pass."""

import numpy as np

import netir
from netir.emitters.compare import OP_TOLERANCE, compare, run_backend
from netir.emitters.local_errors import magnitude, max_abs
from netir.emitters.registry import list_backends


def test_nan_in_the_same_place_agrees_and_on_one_side_fails():
    a = np.array([1.0, np.nan, np.inf, -2.0], dtype=np.float32)
    assert max_abs(a, a.copy()) == 0.0
    assert max_abs(a, np.array([1.0, 3.0, np.inf, -2.0])) == float("inf")
    assert max_abs(a, np.array([1.0, np.nan, -np.inf, -2.0])) == float("inf")
    assert max_abs(a, np.array([1.5, np.nan, np.inf, -2.0])) == 0.5
    assert magnitude(a) == 2.0 and magnitude(np.array([np.nan])) == 0.0


def test_a_zero_padded_column_divided_by_itself_is_nan_on_every_backend_and_agrees():
    """conv3d without bias over a zero-padded column gives exact zeros there; the node
    divides them by themselves (a graph the property tests drew)."""
    g = netir.Graph("nan")
    y = g.conv3d(g.input((2, 2, 2, 2)), 1, 1, padding=((0, 0), (0, 0), (0, 1)), bias=False)
    g.div(y, y, name="ratio")
    x = np.random.default_rng(0).standard_normal((2, 2, 2, 2, 2)).astype(np.float32)
    (ratio,), _ = run_backend("reference", g, {"conv3d": {"weight": np.ones((1, 2, 1, 1, 1),
                                                                   np.float32)}}, [x], ["ratio"])
    assert np.isnan(ratio[..., -1]).all() and np.isfinite(ratio[..., :-1]).all()
    report = compare(g, tolerance=OP_TOLERANCE, batch=2, backends=list_backends())
    assert [r.backend for r in report.results] == list_backends()
    assert report.passed, [(r.backend, r.first_divergent) for r in report.results]
