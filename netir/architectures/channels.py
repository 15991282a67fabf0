"""Channel-count rounding shared by the families that scale widths (MobileNet, MnasNet,
EfficientNet, RegNet).

torchvision rounds scaled widths to a multiple of 8 with one rule under two names
(``mnasnet._round_to_multiple_of``, ``_utils._make_divisible``): round to the nearest
multiple, then go up one multiple if that lost more than 10%.
"""

from __future__ import annotations


def round_to_multiple(value: float, divisor: int) -> int:
    """The multiple of ``divisor`` nearest ``value`` (at least ``divisor``), one multiple
    higher if rounding went below 90% of ``value``: (83, 8) -> 80, (84, 8) -> 88."""
    rounded = max(divisor, int(value + divisor / 2) // divisor * divisor)
    return rounded if rounded >= 0.9 * value else rounded + divisor
