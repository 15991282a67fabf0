"""What a PyTorch lowering returns besides an ``nn.Module``: the mark of a graph input
and a bare parameter, which the emitter (:mod:`netir.emitters.pytorch.emit`) places."""

from __future__ import annotations

PLACEHOLDER = object()  # marks a graph input


class BareParameter:
    """What a lowering returns for an op whose weight PyTorch holds as a bare
    ``nn.Parameter`` at the node's path (torchvision's ``class_token``, ConvNeXt's
    ``layer_scale``), so that the state_dict key is the node name itself: the
    parameter's ``shape`` and ``function(parameter, *inputs)``, which the emitter calls."""

    def __init__(self, shape: tuple[int, ...], function) -> None:
        self.shape, self.function = tuple(shape), function
