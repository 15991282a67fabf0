"""A toy netir backend, installed only inside the test session (see test_plugin_backend).

It runs a handful of ops in NumPy. It knows nothing of netir beyond the public
backend protocol, as a third-party plugin would: each lowering is
``lowering(plan, inputs)``, ``plan`` the node's NodePlan (netir.ir.plan).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import netir
from netir.emitters.backend import Backend, Lowerings
from netir.ir.plan import graph_plan

LOWERINGS = Lowerings("toy")


@LOWERINGS.register("input")
def _input(plan, inputs):
    return None  # filled from the caller's arrays


@LOWERINGS.register("flatten")
def _flatten(plan, inputs):
    return lambda params, x: x.reshape(len(x), -1)


@LOWERINGS.register("relu")
def _relu(plan, inputs):
    return lambda params, x: np.maximum(x, 0)


@LOWERINGS.register("add")
def _add(plan, inputs):
    return lambda params, *xs: sum(xs[1:], xs[0])


@LOWERINGS.register("dense")
def _dense(plan, inputs):
    def dense(params, x):
        y = x @ params["weight"].T
        return y + params["bias"] if "bias" in params else y

    return dense


class ToyModel:
    def __init__(self, graph, steps, outputs, params):
        self.graph, self.steps, self.outputs, self.params = graph, steps, outputs, params


class ToyBackend(Backend):
    name = "toy"
    model_file = "model.toy.json"
    lowerings = LOWERINGS

    def emit(self, graph, outputs=None):
        steps = [(name, LOWERINGS.lookup(plan.node)(plan, list(plan.node.inputs)),
                  list(plan.node.inputs)) for name, plan in graph_plan(graph).items()]
        params = netir.random_weights(graph, seed=1)
        names = list(outputs) if outputs else [n.name for n in graph.outputs]
        return ToyModel(graph, steps, names, params)

    def export_weights(self, model):
        return {n: {k: v.copy() for k, v in ps.items()} for n, ps in model.params.items()}

    def weights_graph(self, model):
        return model.graph

    def assign_weights(self, model, weights):  # checked by Backend.import_weights
        model.params = {n: {k: v.copy() for k, v in ps.items()} for n, ps in weights.items()}

    def run(self, model, inputs):
        env = dict(zip((n.name for n in model.graph.inputs), inputs))
        for name, fn, ins in model.steps:
            if fn is not None:
                env[name] = fn(model.params.get(name, {}), *(env[i] for i in ins))
        return [env[n] for n in model.outputs]

    def count(self, model):
        trainable = buffers = 0
        for node in model.graph.nodes:
            t, b = model.graph.param_shapes(node)
            trainable += sum(int(np.prod(s)) for s in t.values())
            buffers += sum(int(np.prod(s)) for s in b.values())
        return trainable, buffers

    def save(self, model, directory):
        path = Path(directory) / self.model_file
        weights = {n: {k: v.tolist() for k, v in ps.items()} for n, ps in model.params.items()}
        path.write_text(json.dumps({"graph": model.graph.to_json(), "outputs": model.outputs,
                                    "weights": weights}))
        return path

    def load(self, directory):
        doc = json.loads((Path(directory) / self.model_file).read_text())
        model = self.emit(netir.Graph.from_json(doc["graph"]), doc["outputs"])
        self.import_weights(model, {n: {k: np.asarray(v, np.float32) for k, v in ps.items()}
                                    for n, ps in doc["weights"].items()})
        return model

    def owns(self, model):
        return isinstance(model, ToyModel)


BACKEND = ToyBackend()
