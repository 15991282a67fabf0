"""MACs with their magnitude: millions below a billion, billions above, never 0.000."""

import pytest

from netir.renderers.units import format_macs, macs_tick


@pytest.mark.parametrize("macs, shown", [
    (416_520, "0.42 M"),          # LeNet-5: 0.41652 M, two significant digits
    (4_089_184_256, "4.1 G"),     # ResNet-50: 4.089 G
    (714_188_480, "714 M"),       # AlexNet: 714.2 M, a hundred or more: no decimals
    (15_470_264_320, "15.5 G"),   # VGG-16: 15.47 G, one decimal below a hundred
    (56_000_000, "56.0 M"),
    (1_500, "0.0015 M"),          # far below a million, still two significant digits
    (999_999_999, "1000 M"),      # 999.999999 M rounds to 1000 at no decimals
    (1_000_000_000, "1.0 G"),
    (0, "0"),
])
def test_macs_are_shown_with_their_magnitude(macs, shown):
    assert format_macs(macs) == shown


@pytest.mark.parametrize("value, shown", [(1e5, "0.1 M"), (2e6, "2 M"), (5e8, "500 M"),
                                          (1e9, "1 G"), (2e10, "20 G")])
def test_axis_ticks_name_their_unit(value, shown):
    assert macs_tick(value) == shown
