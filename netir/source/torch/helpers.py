'''The small plain-torch modules a generated file defines when it uses them: what
netir's torch lowering does beyond ``torch.nn`` (asymmetric padding, exact pooling
windows, features-first layers), written out so that the file needs no netir.'''

from __future__ import annotations

HELPERS: dict[str, str] = {}


def _helper(name: str, text: str) -> None:
    HELPERS[name] = text.strip("\n") + "\n"


_helper("scalar", '''
def scalar(x, value):
    """``value`` as a 0-d tensor of x's dtype and device."""
    return torch.full((), value, dtype=x.dtype, device=x.device)
''')
_helper("PaddedConv2d", '''
class PaddedConv2d(nn.Conv2d):
    """Conv2d after explicit, possibly asymmetric zero padding ``pad=(l, r, t, b)``."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, padding=0, **kwargs)
        self.pad = tuple(pad)

    def forward(self, x):
        return self._conv_forward(F.pad(x, self.pad), self.weight, self.bias)
''')
_helper("PaddedConv1d", '''
class PaddedConv1d(nn.Conv1d):
    """Conv1d after explicit, possibly asymmetric zero padding ``pad=(left, right)``."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, padding=0, **kwargs)
        self.pad = tuple(pad)

    def forward(self, x):
        return self._conv_forward(F.pad(x, self.pad), self.weight, self.bias)
''')
_helper("MaxPoolExact", '''
class MaxPoolExact(nn.Module):
    """Max pool after padding with -inf by ``pad=(l, r, t, b)`` (padding never wins)."""

    def __init__(self, kernel, stride, pad):
        super().__init__()
        self.kernel, self.stride, self.pad = kernel, stride, pad

    def forward(self, x):
        x = F.pad(x, self.pad, value=float("-inf"))
        return F.max_pool2d(x, self.kernel, self.stride)
''')
_helper("AvgPoolExact", '''
class AvgPoolExact(nn.Module):
    """Average pool over zero padding ``pad=(l, r, t, b)``, each window's sum divided by
    ``divisor`` (a constant, or one per output cell)."""

    def __init__(self, kernel, stride, pad, divisor):
        super().__init__()
        self.kernel, self.stride, self.pad = kernel, stride, pad
        scale = torch.as_tensor(kernel[0] * kernel[1] / torch.as_tensor(divisor,
                                dtype=torch.float64), dtype=torch.float32)
        self.register_buffer("scale", scale, persistent=False)

    def forward(self, x):
        x = F.avg_pool2d(F.pad(x, self.pad), self.kernel, self.stride)
        return x * self.scale.to(x.dtype)
''')
_helper("PaddedConv3d", '''
class PaddedConv3d(nn.Conv3d):
    """Conv3d after explicit, possibly asymmetric zero padding ``pad=(l, r, t, b, f, k)``."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, padding=0, **kwargs)
        self.pad = tuple(pad)

    def forward(self, x):
        return self._conv_forward(F.pad(x, self.pad), self.weight, self.bias)
''')
_helper("MaxPool3dExact", '''
class MaxPool3dExact(nn.Module):
    """3-D max pool after padding with -inf by ``pad=(l, r, t, b, f, k)``."""

    def __init__(self, kernel, stride, pad):
        super().__init__()
        self.kernel, self.stride, self.pad = kernel, stride, pad

    def forward(self, x):
        return F.max_pool3d(F.pad(x, self.pad, value=float("-inf")), self.kernel, self.stride)
''')
_helper("AvgPool3dExact", '''
class AvgPool3dExact(nn.Module):
    """3-D average pool over zero padding ``pad``, each window's sum divided by
    ``divisor`` (a constant, or one per output cell)."""

    def __init__(self, kernel, stride, pad, divisor):
        super().__init__()
        self.kernel, self.stride, self.pad = kernel, stride, pad
        scale = torch.as_tensor(kernel[0] * kernel[1] * kernel[2] / torch.as_tensor(
            divisor, dtype=torch.float64), dtype=torch.float32)
        self.register_buffer("scale", scale, persistent=False)

    def forward(self, x):
        x = F.avg_pool3d(F.pad(x, self.pad), self.kernel, self.stride)
        return x * self.scale.to(x.dtype)
''')
_helper("GlobalAvgPool", '''
class GlobalAvgPool(nn.Module):
    """The mean over the position axes ``dims`` (batch first)."""

    def __init__(self, dims):
        super().__init__()
        self.dims = list(dims)

    def forward(self, x):
        return x.mean(dim=self.dims)
''')
_helper("Clip", '''
class Clip(nn.Module):
    """``torch.clamp(x, low, high)``; a bound of None is left out."""

    def __init__(self, low, high):
        super().__init__()
        self.low, self.high = low, high

    def forward(self, x):
        return torch.clamp(x, self.low, self.high)
''')
for _name, _function in (("Mean", "mean"), ("Sum", "sum"), ("Amax", "amax")):
    _helper(_name, f'''
class {_name}(nn.Module):
    """``torch.{_function}`` over ``dims`` (batch first)."""

    def __init__(self, dims, keepdim):
        super().__init__()
        self.dims, self.keepdim = list(dims), keepdim

    def forward(self, x):
        return torch.{_function}(x, dim=self.dims, keepdim=self.keepdim)
''')
_helper("Take", '''
class Take(nn.Module):
    """The positions ``index`` along ``dim`` (a slice)."""

    def __init__(self, dim, index):
        super().__init__()
        self.dim = dim
        self.register_buffer("index", torch.tensor(index, dtype=torch.long), persistent=False)

    def forward(self, x):
        return torch.index_select(x, self.dim, self.index)
''')
_helper("StochasticDepth", '''
class StochasticDepth(nn.Dropout):
    """torchvision's stochastic depth: identity in eval mode; in training each sample
    (``mode="row"``) or the whole batch is dropped with probability ``p``."""

    def __init__(self, p, mode):
        super().__init__(p)
        self.mode = mode

    def forward(self, x):
        if not self.training or self.p == 0.0:
            return x
        survival = 1.0 - self.p
        shape = [x.shape[0]] + [1] * (x.ndim - 1) if self.mode == "row" else [1] * x.ndim
        noise = torch.empty(shape, dtype=x.dtype, device=x.device).bernoulli_(survival)
        if survival > 0.0:
            noise.div_(survival)
        return x * noise
''')
_helper("HardSigmoid", '''
class HardSigmoid(nn.Module):
    """``relu6(x + 3) / 6`` (exact in float64 backward too)."""

    def forward(self, x):
        return F.relu6(x + 3.0) / 6.0
''')
for _name, _base, _doc in (
        ("FeatureLayerNorm", "LayerNorm", "LayerNorm over the features of (N, C, ...)"),
        ("FeatureLinear", "Linear", "Linear on the features of (N, C, ...)")):
    _helper(_name, f'''
class {_name}(nn.{_base}):
    """{_doc}: the feature axis moved last and back."""

    def forward(self, x):
        return super().forward(x.movedim(1, -1)).movedim(-1, 1)
''')
_helper("FeaturePReLU", '''
class FeaturePReLU(nn.PReLU):
    """PReLU with one slope per feature of (N, T, C): the features moved to dim 1."""

    def forward(self, x):
        return super().forward(x.movedim(-1, 1)).movedim(1, -1)
''')
_helper("ToTokens", '''
class ToTokens(nn.Module):
    """(N, C, H, W) -> (N, H*W, C)."""

    def forward(self, x):
        return x.flatten(2).transpose(1, 2)
''')
_helper("FromTokens", '''
class FromTokens(nn.Module):
    """(N, H*W, C) -> (N, C, H, W)."""

    def __init__(self, height, width):
        super().__init__()
        self.height, self.width = height, width

    def forward(self, x):
        return x.transpose(1, 2).unflatten(2, (self.height, self.width))
''')
_helper("Reshape", '''
class Reshape(nn.Module):
    """``x.reshape(n, *shape)``."""

    def __init__(self, shape):
        super().__init__()
        self.shape = list(shape)

    def forward(self, x):
        return x.reshape([x.shape[0]] + self.shape)
''')
_helper("Permute", '''
class Permute(nn.Module):
    """``x.permute(0, *dims)``, ``dims`` counted after the batch."""

    def __init__(self, dims):
        super().__init__()
        self.dims = [0] + [d + 1 for d in dims]

    def forward(self, x):
        return x.permute(self.dims)
''')
_helper("Select", '''
class Select(nn.Module):
    """``x.select(dim, index)``."""

    def __init__(self, dim, index):
        super().__init__()
        self.dim, self.index = dim, index

    def forward(self, x):
        return x.select(self.dim, self.index)
''')
