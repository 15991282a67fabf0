"""The PyTorch backend object: emit, weights, inference, counts and files in one place."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import torch

from netir.emitters.backend import Backend
from netir.emitters.pytorch import emit as E
from netir.emitters.pytorch.lowerings import LOWERINGS

FORMAT = "netir.torch"
VERSION = 1


def _memory_format(model: torch.nn.Module) -> str:
    """How the model's 4-D weights are stored (:func:`netir.to_torch`'s option)."""
    for p in model.parameters():
        if p.dim() == 4 and not p.is_contiguous():
            return "channels_last"
    return "contiguous"


class TorchBackend(Backend):
    """Models are ``torch.fx.GraphModule`` s (NCHW, float32, CPU by default)."""

    name = "torch"
    model_file = "model.pt"
    lowerings = LOWERINGS
    trainer = "netir.training.trainers:TorchTrainer"

    def emit(self, graph, outputs: Sequence[str] | None = None, **options) -> torch.nn.Module:
        return E.to_torch(graph, outputs, **options)

    def emit_loaded(self, graph, outputs, weights) -> torch.nn.Module:
        # built without drawing initial weights, since the import replaces them all
        with E.no_initial_weights():
            model = self.emit(graph, outputs)
        self.import_weights(model, weights)
        return model

    def export_weights(self, model):
        return E.export_weights(model)

    def weights_graph(self, model):
        return E.declared_weights(model)

    def assign_weights(self, model, weights) -> None:
        E.assign_weights(model, weights)

    def run(self, model, inputs: Sequence[np.ndarray]) -> list[np.ndarray]:
        """Inference mode, no gradients; arrays in and out are NCHW (or N×features)."""
        model.eval()
        with torch.no_grad():
            out = model(*(torch.from_numpy(np.asarray(x)) for x in inputs))
        outs = list(out) if isinstance(out, (tuple, list)) else [out]
        return [t.detach().cpu().numpy() for t in outs]

    def count(self, model) -> tuple[int, int]:
        return E.count_params(model)

    def save(self, model, directory: str | Path) -> Path:
        """``model.pt``: a file that ``torch.load(path)`` reads with its defaults
        (``weights_only=True``), holding no pickled code: ``{"format": "netir.torch",
        "version": 1, "graph": the graph's JSON, "outputs": [node names],
        "memory_format", "training", "state_dict"}``.

        Why not the pickled module: an emitted model is a ``torch.fx.GraphModule`` of
        netir's own classes whose pickle rebuilds its forward from source, so
        ``torch.load`` refuses it unless unsafe unpickling is turned on, which runs
        whatever the file says. Why not a ``torch.export`` program: it would lose the
        module tree at the node names, train mode and the exact model ``load`` must give
        back, and export costs seconds for the large networks. Here the live model is
        one line, :meth:`load` (or ``netir.load(directory)`` from the canonical files
        beside it); the state dict alone loads into ``netir.to_torch(graph)``.
        Raises GraphError for a module netir did not emit, FileError when the file
        cannot be written (atomically, see :func:`netir.ir.files.write_atomic`).
        """
        from netir.ir.errors import GraphError
        from netir.ir.files import write_atomic

        graph = getattr(model, "netir_graph", None)
        if graph is None:
            raise GraphError("only a model emitted by netir can be saved as model.pt "
                             "(save its state_dict with torch.save)", type(model).__name__,
                             node=type(model).__name__, op="save")
        content = {"format": FORMAT, "version": VERSION, "graph": graph.to_json(),
                   "outputs": list(model.netir_outputs),
                   "memory_format": _memory_format(model), "training": bool(model.training),
                   "state_dict": model.state_dict()}
        path = Path(directory) / self.model_file
        write_atomic(path, lambda target: torch.save(content, target))
        return path

    def load(self, directory: str | Path):
        """The model :meth:`save` wrote to ``directory``, equal to it: the same graph,
        outputs, memory format, mode and weights bit for bit. The file is read with
        ``weights_only=True``, so nothing in it runs. Raises FileError (missing),
        SerializationError (not such a file; a bad graph), WeightsError."""
        from netir.ir.errors import FileError, SerializationError
        from netir.ir.graph import Graph

        path = Path(directory) / self.model_file
        try:
            content = torch.load(path, weights_only=True, map_location="cpu")
        except FileNotFoundError as e:
            raise FileError("cannot open the model file", f"{path}: {e.strerror}",
                            node=str(path), op="file") from None
        except Exception as e:  # torch raises UnpicklingError, RuntimeError, EOFError ...
            raise SerializationError("not a model.pt that netir saved (torch.load with "
                                     "weights_only=True refused it)",
                                     f"{path}: {str(e).splitlines()[0][:200]}",
                                     node=str(path), op="load") from None
        if not (isinstance(content, dict) and content.get("format") == FORMAT
                and content.get("version") == VERSION):
            raise SerializationError(f"not a {FORMAT} file of version {VERSION}", str(path),
                                     node=str(path), op="load")
        graph = Graph.from_json(content["graph"])
        with E.no_initial_weights():
            model = E.to_torch(graph, content["outputs"],
                               memory_format=content["memory_format"])
        try:
            model.load_state_dict(content["state_dict"], strict=True)
        except RuntimeError as e:
            from netir.ir.errors import WeightsError

            raise WeightsError("the state dict does not fit the graph's model",
                               str(e).splitlines()[0][:300], node=str(path),
                               op="load") from None
        return model.train(content["training"])

    def owns(self, model) -> bool:
        return isinstance(model, torch.nn.Module)


BACKEND = TorchBackend()
