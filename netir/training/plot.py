"""One picture of a training record: loss and accuracy per epoch, every backend.

Each backend is drawn with its own line style and marker, so curves that coincide
(float64) stay visible on top of each other. Files are deterministic (no dates, fixed
SVG ids).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

from netir.ir.files import write_atomic

_STYLE = {"torch": dict(color="#ee4c2c", linestyle="-", marker="o", markersize=5),
          "keras": dict(color="#1f4e9c", linestyle="--", marker="x", markersize=7)}
_LABEL = {"torch": "PyTorch", "keras": "Keras"}


def plot_curves(record: dict, path: str | os.PathLike) -> Path:
    """Draw ``record`` (from :func:`netir.training.curves.train_curves`) to an SVG or PNG
    file, chosen by the suffix. Left: mean training loss and test loss; right: test
    accuracy. Returns the path."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.figure import Figure

    path = Path(path)
    fmt = path.suffix.lstrip(".").lower()
    fig = Figure(figsize=(9, 3.6), layout="constrained")
    loss_ax, acc_ax = fig.subplots(1, 2)
    for backend, run in sorted(record["backends"].items()):  # JSON order: sorted
        style = _STYLE.get(backend, {})
        label = _LABEL.get(backend, backend)
        epochs = range(1, len(run["train_loss"]) + 1)
        loss_ax.plot(epochs, run["train_loss"], label=f"{label} train", **style)
        loss_ax.plot(epochs, run["test_loss"], label=f"{label} test", alpha=0.55, **style)
        acc_ax.plot(epochs, [100 * a for a in run["test_accuracy"]], label=label, **style)
    loss_ax.set(xlabel="epoch", ylabel="cross-entropy", title="loss")
    acc_ax.set(xlabel="epoch", ylabel="test accuracy (%)", title="accuracy")
    for ax in (loss_ax, acc_ax):
        ax.grid(alpha=0.3)
        ax.legend(fontsize=8)
    diff = record["max_difference"]
    fig.suptitle(f"{record['network']} on {record['data']}, {record['dtype']}, same weights "
                 f"and batches — largest loss difference {diff['train_loss']:.1e}",
                 fontsize=10)
    buf = io.BytesIO()
    with matplotlib.rc_context({"svg.hashsalt": "netir", "svg.fonttype": "path"}):
        metadata = {"Date": None} if fmt == "svg" else {"Software": None}
        fig.savefig(buf, format=fmt, metadata=metadata, dpi=110)
    write_atomic(path, buf.getvalue())
    return path
