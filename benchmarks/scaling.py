"""Scaling: shape inference, JSON round trip and DOT text for synthetic graphs of 1k, 10k
and 100k nodes, per node and as t(100k)/t(10k)."""

from __future__ import annotations

from timing import full_collections, median_time

import netir


def synthetic(n: int, dag: bool) -> netir.Graph:
    """``n`` nodes. A chain of ReLUs, or a DAG of scoped residual blocks (conv, batch
    norm, ReLU, add back onto the block input), 50 blocks per stage scope."""
    g = netir.Graph(f"{'dag' if dag else 'chain'}{n}")
    x = g.input((8, 8, 8))
    count, block = 1, 0
    while count < n:
        if dag and count + 4 <= n:
            with g.scope(f"stage{block // 50}"), g.scope(str(block % 50)):
                y = g.relu(g.batch_norm(g.conv2d(x, 8, 3, padding=1, bias=False)))
                x = g.add(x, y)
            count, block = count + 4, block + 1
        else:
            x = g.relu(x)
            count += 1
    return g


def scaling(quick: bool) -> list[dict]:
    from netir.ir.bulk import collector_paused
    from netir.renderers.dot import to_dot

    keys = ("build_infer_s", "build_infer_gc_paused_s", "json_round_trip_s", "dot_s")
    rows = []
    for dag in (False, True):
        kind = "dag" if dag else "chain"
        for n in (1_000, 10_000, 100_000):
            reps = 3 if quick and n == 100_000 else 5
            t_build = median_time(lambda: synthetic(n, dag), reps)
            t_paused = median_time(collector_paused()(lambda: synthetic(n, dag)), reps)
            passes, t_passes = full_collections(lambda: synthetic(n, dag))
            g = synthetic(n, dag)
            text = g.to_json()
            t_json = median_time(lambda: netir.Graph.from_json(g.to_json()), reps)
            t_dot = median_time(lambda: to_dot(g, "layer"), reps)
            row = {"graph": kind, "nodes": len(g), "build_infer_s": t_build,
                   "build_infer_gc_paused_s": t_paused,
                   "build_gc_full_passes": passes, "build_gc_full_passes_s": t_passes,
                   "json_round_trip_s": t_json, "dot_s": t_dot, "json_bytes": len(text)}
            row["us_per_node"] = {k: row[k] / len(g) * 1e6 for k in keys}
            if n == 100_000:
                small = next(r for r in rows if r["graph"] == kind and r["nodes"] == 10_000)
                row["ratio_100k_10k"] = {k: row[k] / small[k] for k in keys}
            rows.append(row)
            per = row["us_per_node"]
            print(f"  {kind:5s} {len(g):>7,} nodes: build {t_build:6.2f} s "
                  f"({per['build_infer_s']:4.1f} µs/node; {per['build_infer_gc_paused_s']:4.1f} "
                  f"with the collector paused)  json {t_json:6.2f} s "
                  f"({per['json_round_trip_s']:4.1f})  dot {t_dot:6.2f} s "
                  f"({per['dot_s']:4.1f})  [{passes} full collections, {t_passes:.2f} s]",
                  flush=True)
    return rows
