import numpy as np
import pytest

from netir.ir.arithmetic import (
    adaptive_bins,
    avg_pool_divisor,
    same_padding,
    window_output_size,
)


@pytest.mark.parametrize(("size", "kernel", "stride", "expected"), [
    (224, 3, 2, (0, 1)),   # even size, stride 2: the odd pixel goes after
    (225, 3, 2, (1, 1)),   # odd size: symmetric
    (224, 7, 2, (2, 3)),
    (7, 1, 2, (0, 0)),
    (5, 3, 1, (1, 1)),
    (6, 2, 2, (0, 0)),
    (5, 2, 2, (0, 1)),
])
def test_same_padding_follows_tensorflow(size, kernel, stride, expected):
    assert same_padding(size, kernel, stride) == expected
    # and 'same' always gives ceil(size / stride) outputs
    assert window_output_size(size, kernel, stride, expected) == -(-size // stride)


def test_same_padding_with_dilation_uses_effective_kernel():
    assert same_padding(10, 3, 1, dilation=2) == (2, 2)  # effective kernel 5


@pytest.mark.parametrize(("size", "kernel", "stride", "pad", "ceil", "expected"), [
    (6, 3, 2, (0, 0), False, 2),
    (6, 3, 2, (0, 0), True, 3),    # partial last window kept
    (5, 2, 2, (0, 0), True, 3),
    (5, 3, 2, (1, 1), True, 3),    # (5+2-3)/2 = 2 -> ceil 2 -> +1 = 3
    (4, 2, 2, (1, 1), True, 3),    # the 4th window would start in the right padding: dropped
    (112, 3, 2, (1, 1), False, 56),
    (13, 3, 2, (0, 0), True, 6),
    (2, 3, 1, (0, 0), False, 0),   # does not fit
])
def test_window_output_size_pytorch_rule(size, kernel, stride, pad, ceil, expected):
    assert window_output_size(size, kernel, stride, pad, ceil_mode=ceil) == expected


def test_dilation_widens_the_window():
    assert window_output_size(10, 3, 1, (0, 0), dilation=2) == 6
    assert window_output_size(4, 3, 1, (0, 0), dilation=2) == 0


def test_avg_pool_divisor_count_include_pad_and_ceil():
    # 1-D view along H: size 5, kernel 3, stride 2, pad 1 each side, ceil_mode.
    # windows start at -1, 1, 3 -> clipped to the padded extent [-1, 6)
    incl = avg_pool_divisor((5, 3), (3, 3), (2, 3), ((1, 1), (0, 0)), True, True)
    excl = avg_pool_divisor((5, 3), (3, 3), (2, 3), ((1, 1), (0, 0)), True, False)
    assert incl[:, 0].tolist() == [9, 9, 9]
    assert excl[:, 0].tolist() == [6, 9, 6]


def test_avg_pool_divisor_ceil_window_clipped_at_padded_edge():
    # size 6, kernel 3, stride 2, no pad, ceil -> 3 windows, the last covers [4, 6)
    d = avg_pool_divisor((6, 1), (3, 1), (2, 1), ((0, 0), (0, 0)), True, True)
    assert d[:, 0].tolist() == [3, 3, 2]


def test_adaptive_bins_match_pytorch():
    assert adaptive_bins(5, 3) == [(0, 2), (1, 4), (3, 5)]
    assert adaptive_bins(2, 7) == [(0, 1), (0, 1), (0, 1), (0, 2), (1, 2), (1, 2), (1, 2)]
    assert np.all(np.array(adaptive_bins(14, 7)) == [(2 * i, 2 * i + 2) for i in range(7)])
