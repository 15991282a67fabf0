"""The importer's round trip over the whole catalog: ``from_torch(to_torch(g))`` gives
back ``g`` for every network (byte-identical JSON, bit-identical weights).

    python scripts/round_trip_catalog.py [--only NAME ...] [--json FILE]

One line per network (exact, or what differs / the error), then the count that round-
trips. Every graph input gets an example tensor (batch 1). Networks run one at a time,
built with no initial weights (the tensors hold whatever memory they got: compared bit
for bit, any content will do). Exits 1 if any network does not round-trip.
"""

from __future__ import annotations

import argparse
import gc
import json
import sys
import time


def round_trip(name: str) -> str | None:
    """None where ``name`` round-trips exactly, else what differs."""
    import torch

    from netir import build, from_torch
    from netir.emitters.pytorch import to_torch
    from netir.emitters.pytorch.emit import no_initial_weights, weight_keys

    graph = build(name)
    with no_initial_weights():
        model = to_torch(graph)
    examples = [torch.zeros((1, *node.shape)) for node in graph.inputs]
    imported, weights = from_torch(model, examples, name=graph.name)
    want, got = graph.to_json(), imported.to_json()
    if got != want:
        at = next(i for i, (a, b) in enumerate(zip(want, got)) if a != b) \
            if any(a != b for a, b in zip(want, got)) else min(len(want), len(got))
        return f"JSON differs at character {at}: {want[at:at + 60]!r} vs {got[at:at + 60]!r}"
    state = model.state_dict()
    keys = weight_keys(model)
    expected = {(node, p) for node, p in keys.values()}
    found = {(node, p) for node, params in weights.items() for p in params}
    if found != expected:
        return (f"weights differ: missing {sorted(expected - found)[:5]}, "
                f"extra {sorted(found - expected)[:5]}")
    for key, (node, p) in keys.items():
        value, mine = state[key].detach().cpu().numpy(), weights[node][p]
        if (mine.dtype, mine.shape) != (value.dtype, value.shape) \
                or mine.tobytes() != value.tobytes():
            return f"weight {node}.{p} differs"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="*", help="these catalog networks (default: all)")
    parser.add_argument("--json", help="write {network: {exact, problem, seconds}} here")
    args = parser.parse_args(argv)
    from netir import list_architectures

    names = args.only or list_architectures()
    results = {}
    for name in names:
        start = time.perf_counter()
        try:
            problem = round_trip(name)
        except Exception as err:  # report it and go on to the next network
            problem = f"{type(err).__name__}: {str(err).splitlines()[0]}"
        seconds = time.perf_counter() - start
        results[name] = {"exact": problem is None, "problem": problem,
                         "seconds": round(seconds, 2)}
        print(f"{name}: {'exact' if problem is None else problem} ({seconds:.1f} s)",
              flush=True)
        gc.collect()
    exact = sum(r["exact"] for r in results.values())
    print(f"{exact} of {len(results)} catalog networks round-trip exactly "
          f"({sum(r['seconds'] for r in results.values()):.0f} s)")
    if args.json:
        from netir.ir.files import write_atomic

        write_atomic(args.json, json.dumps(results, indent=1, sort_keys=True) + "\n")
    return 0 if exact == len(results) else 1


if __name__ == "__main__":
    sys.exit(main())
