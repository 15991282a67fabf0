"""Worker programs for the scale-out tests, run in fresh processes.

``python -m tests.training.distributed_workers ddp OUT``: the emitted LeNet-5 under
DistributedDataParallel, 2 CPU processes over gloo on 127.0.0.1; each rank trains on its
half of every global batch and saves its weights to ``OUT/rank<r>.pt``.

``python -m tests.training.distributed_workers mirrored OUT``: the emitted Keras LeNet-5
under tf.distribute.MirroredStrategy over 2 logical CPU devices, and the same model on
one device; both weights saved to ``OUT/keras.npz``.
"""

from __future__ import annotations

import os
import socket
import sys

import numpy as np

GLOBAL_BATCH, STEPS, LR = 8, 3, 2.0 ** -4


def data(graph):
    """The global batches and class labels every run sees."""
    rng = np.random.default_rng(7)
    xs = rng.standard_normal((STEPS, GLOBAL_BATCH, *graph.inputs[0].shape))
    ys = rng.integers(0, graph.outputs[0].shape[0], (STEPS, GLOBAL_BATCH))
    return xs, ys


def lenet():
    import netir

    return netir.build("lenet5")


def _ddp_rank(rank: int, world: int, port: int, out: str) -> None:
    import torch
    import torch.distributed as dist
    from torch.nn.parallel import DistributedDataParallel

    from netir.emitters.pytorch import import_weights, to_torch
    from netir.emitters.weights import random_weights

    os.environ.update(MASTER_ADDR="127.0.0.1", MASTER_PORT=str(port))
    dist.init_process_group("gloo", rank=rank, world_size=world)
    torch.manual_seed(rank)  # must not matter: DDP broadcasts rank 0's weights
    graph = lenet()
    model = to_torch(graph).double()
    import_weights(model, random_weights(graph, seed=1))
    model.train()
    ddp = DistributedDataParallel(model)
    opt = torch.optim.SGD(ddp.parameters(), lr=LR)
    xs, ys = data(graph)
    part = GLOBAL_BATCH // world
    for x, y in zip(xs, ys):
        mine = slice(rank * part, (rank + 1) * part)
        opt.zero_grad()
        loss = torch.nn.functional.cross_entropy(ddp(torch.from_numpy(x[mine])),
                                                 torch.from_numpy(y[mine]))
        loss.backward()
        opt.step()
    torch.save(model.state_dict(), os.path.join(out, f"rank{rank}.pt"))
    dist.destroy_process_group()


def ddp(out: str) -> None:
    import torch.multiprocessing as mp

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    mp.spawn(_ddp_rank, args=(2, port, out), nprocs=2, join=True)


def mirrored(out: str) -> None:
    import tensorflow as tf

    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration(), tf.config.LogicalDeviceConfiguration()])
    import keras

    from netir.emitters.keras3 import export_weights, import_weights, to_keras
    from netir.emitters.weights import random_weights

    keras.config.set_floatx("float64")
    graph = lenet()
    xs, ys = data(graph)
    x = np.transpose(xs.reshape(-1, *xs.shape[2:]), (0, 2, 3, 1))
    y = ys.reshape(-1)

    def fit(model):
        import_weights(model, random_weights(graph, seed=1))
        model.compile(optimizer=keras.optimizers.SGD(LR), jit_compile=False,
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
        model.fit(x, y, batch_size=GLOBAL_BATCH, epochs=1, shuffle=False, verbose=0)
        return export_weights(model)

    strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
    with strategy.scope():
        replicated = to_keras(graph)
    assert replicated.distribute_strategy.num_replicas_in_sync == 2
    both = {"mirrored": fit(replicated), "single": fit(to_keras(graph))}
    np.savez(os.path.join(out, "keras.npz"),
             **{f"{run}/{node}/{param}": value for run, weights in both.items()
                for node, params in weights.items() for param, value in params.items()})


if __name__ == "__main__":
    {"ddp": ddp, "mirrored": mirrored}[sys.argv[1]](sys.argv[2])
