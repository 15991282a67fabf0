"""Compute as the gallery shows it: MACs with their magnitude, ``0.42 M`` or ``4.1 G``.

A count in GMACs with fixed decimals reads ``0.000`` for a small network; in millions
below a billion and billions above, with at least two significant digits, every
network of the catalog reads at a glance and sorts by eye.
"""

from __future__ import annotations

import math

UNITS = (("G", 1e9), ("M", 1e6))


def format_macs(macs: float) -> str:
    """``416520`` -> ``0.42 M``, ``4089184256`` -> ``4.1 G``, ``15470264320`` ->
    ``15.5 G``, ``714188480`` -> ``714 M``: millions below a billion, two decimals
    below one unit, one below a hundred, none above; ``0`` for none."""
    if macs <= 0:
        return "0"
    unit, div = next(((u, d) for u, d in UNITS if macs >= d), UNITS[-1])
    value = macs / div
    if value < 1:  # two significant digits, however small
        decimals = max(2, 1 - math.floor(math.log10(value)))
    else:
        decimals = 1 if value < 100 else 0
    return f"{value:.{decimals}f} {unit}"


def macs_tick(value: float) -> str:
    """An axis tick at 1, 2 or 5 times a power of ten: ``1 M``, ``200 M``, ``2 G``."""
    unit, div = next(((u, d) for u, d in UNITS if value >= d), UNITS[-1])
    return f"{value / div:g} {unit}"
