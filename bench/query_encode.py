"""Where a query's embedding goes (issue #20, in-process latency, fourth pass).

    PYTHONPATH=src python bench/query_encode.py profile --queries Q.json [--min-tokens 20]
    PYTHONPATH=src python bench/query_encode.py options --queries Q.json [--rounds 4]
    PYTHONPATH=src python bench/query_encode.py chains --queries Q.json [--rounds 4]

``profile``: onnxruntime's own profile (``enable_profiling``) of the query encoder's
graph, one thread, over the queries of at least ``--min-tokens`` tokens: time and
nodes per operator type and run. ``options``: the same graph under session options
(optimisation level, arena, memory pattern, denormals), each query run by every
variant in turn, p50/p95 ms and the largest difference from today's vector.
``chains``: today's graph against one whose per-row quantisation chains are cut to a
single ``QuantizeLinear`` at a constant scale — wrong vectors, timing only: what those
~390 small nodes cost at most. The model is ``--model`` from the models folder
(``RAADSGRAF_MODELS``). Timed runs belong under the bench lock.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from raadsgraf import config
from raadsgraf.index.encoders import QUERY_PREFIX, OnnxEncoder, get_encoder, session
from raadsgraf.index.encoders.split import BODY, EMBEDS_INPUT


def _encoder(model: str) -> OnnxEncoder:
    settings = config.load({"model": model})
    encoder = get_encoder(model, 1, settings.models)
    if not isinstance(encoder, OnnxEncoder) or encoder._split is None:
        raise SystemExit(f"{model}: not a split ONNX encoder")
    return encoder


def _feeds(encoder: OnnxEncoder, queries: list[str], min_tokens: int = 0) -> list[dict[str, Any]]:
    """Each query's session input, as ``OnnxEncoder`` builds it for one query."""
    assert encoder._embeddings is not None
    feeds = []
    for q in queries:
        ids = np.array([encoder._ids([QUERY_PREFIX + q], True)[0]], dtype=np.int64)
        if ids.shape[1] >= min_tokens:
            embeds = np.ascontiguousarray(encoder._embeddings[ids])
            feeds.append(
                {"input_ids": ids, "attention_mask": np.ones_like(ids), EMBEDS_INPUT: embeds}
            )
    return feeds


def _options(**kw: Any) -> Any:
    """``encoders.session``'s options (one thread, sequential, no spinning), changed by ``kw``."""
    import onnxruntime as ort

    o = ort.SessionOptions()
    o.intra_op_num_threads = 1
    o.inter_op_num_threads = 1
    o.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    o.graph_optimization_level = kw.pop("level", ort.GraphOptimizationLevel.ORT_ENABLE_ALL)
    o.add_session_config_entry("session.intra_op.allow_spinning", "0")
    for key, value in kw.pop("entries", {}).items():
        o.add_session_config_entry(key, value)
    for key, value in kw.items():
        setattr(o, key, value)
    return o


def _alternate(
    sessions: dict[str, Any], feeds: list[dict[str, Any]], rounds: int
) -> dict[str, Any]:
    """p50/p95 ms per session, each feed run by every session in turn (order flipped
    each round), and each one's largest difference from the first session's output."""
    times: dict[str, list[float]] = {k: [] for k in sessions}
    for r in range(rounds):
        names = list(sessions) if r % 2 == 0 else list(reversed(sessions))
        for feed in feeds:
            for name in names:
                t = time.perf_counter()
                sessions[name].run(None, feed)
                times[name].append(time.perf_counter() - t)
    first = next(iter(sessions.values()))
    reference = [first.run(None, f)[0] for f in feeds]
    out = {}
    for name, s in sessions.items():
        ms = np.array(times[name]) * 1000
        diff = max(
            float(np.abs(s.run(None, f)[0] - ref).max())
            for f, ref in zip(feeds, reference, strict=True)
        )
        out[name] = {
            "p50_ms": round(float(np.median(ms)), 3),
            "p95_ms": round(float(np.percentile(ms, 95)), 3),
            "max_abs_diff": diff,
        }
    return out


def profile(args: argparse.Namespace) -> dict[str, Any]:
    import onnxruntime as ort

    encoder = _encoder(args.model)
    assert encoder._split is not None
    feeds = _feeds(encoder, json.loads(args.queries.read_text()), args.min_tokens)
    options = _options()
    options.enable_profiling = True
    options.profile_file_prefix = os.path.join(tempfile.mkdtemp(), "ort")
    s = ort.InferenceSession(
        str(encoder._split / BODY), options, providers=["CPUExecutionProvider"]
    )
    for feed in feeds:
        s.run(None, feed)
    path = s.end_profiling()
    events = json.loads(Path(path).read_text())
    Path(path).unlink()
    by: collections.Counter[str] = collections.Counter()
    nodes: collections.Counter[str] = collections.Counter()
    runs = total = 0
    for e in events:
        if e.get("cat") == "Node" and e["name"].endswith("_kernel_time"):
            by[e["args"]["op_name"]] += e["dur"]
            nodes[e["args"]["op_name"]] += 1
        elif e.get("name") == "model_run":
            runs, total = runs + 1, total + e["dur"]
    return {
        "queries": len(feeds),
        "run_us": round(total / runs, 1),
        "kernels_us": round(sum(by.values()) / runs, 1),
        "per_op": {
            op: {"us_per_run": round(d / runs, 1), "nodes_per_run": nodes[op] // runs}
            for op, d in by.most_common()
        },
    }


def options(args: argparse.Namespace) -> dict[str, Any]:
    import onnxruntime as ort

    encoder = _encoder(args.model)
    assert encoder._split is not None
    body = str(encoder._split / BODY)
    level = ort.GraphOptimizationLevel
    variants = {
        "today": {},
        "extended": {"level": level.ORT_ENABLE_EXTENDED},
        "basic": {"level": level.ORT_ENABLE_BASIC},
        "no-arena": {"enable_cpu_mem_arena": False},
        "no-mem-pattern": {"enable_mem_pattern": False},
        "denormal-as-zero": {"entries": {"session.set_denormal_as_zero": "1"}},
    }
    sessions = {
        name: ort.InferenceSession(body, _options(**kw), providers=["CPUExecutionProvider"])
        for name, kw in variants.items()
    }
    feeds = _feeds(encoder, json.loads(args.queries.read_text()))
    return {"onnxruntime": ort.__version__, **_alternate(sessions, feeds, args.rounds)}


def chains(args: argparse.Namespace) -> dict[str, Any]:
    import onnx
    from onnx import helper, numpy_helper

    encoder = _encoder(args.model)
    assert encoder._split is not None
    body = encoder._split / BODY
    model = onnx.load(str(body))
    graph = model.graph
    nodes = list(graph.node)
    by_name = {n.name: n for n in nodes}
    graph.initializer.append(numpy_helper.from_array(np.array(0.05, np.float32), "cut_scale"))
    drop: set[str] = set()
    added = []
    for n in nodes:  # recipe.per_row's chain p_abs … p_q, and p_scale
        if n.op_type == "QuantizeLinear" and n.name.endswith("_q"):
            p = n.name[: -len("_q")]
            chain = ("_abs", "_absmax", "_absmax_pos", "_inverse", "_scaled", "_q", "_scale")
            drop.update(p + s for s in chain)
            x = by_name[f"{p}_abs"].input[0]
            added.append(helper.make_node("QuantizeLinear", [x, "cut_scale", "rowq_zero"],
                                          [n.output[0]], name=f"{p}_cut"))  # fmt: skip
            added.append(helper.make_node("Identity", ["cut_scale"],
                                          [by_name[f"{p}_scale"].output[0]], name=f"{p}_cut_scale"))  # fmt: skip
    kept = [n for n in nodes if n.name not in drop]
    del graph.node[:]
    graph.node.extend(kept + added)
    cut = Path(tempfile.mkdtemp()) / "chains-cut.onnx"
    onnx.save(model, str(cut))
    sessions = {"today": session(body, 1), "chains cut": session(cut, 1)}
    feeds = _feeds(encoder, json.loads(args.queries.read_text()))
    out = _alternate(sessions, feeds, args.rounds)
    cut.unlink()
    return {"nodes": {"today": len(nodes), "chains cut": len(graph.node)}, **out}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("what", choices=("profile", "options", "chains"))
    ap.add_argument("--queries", type=Path, required=True, help="a JSON list of query texts")
    ap.add_argument("--model", default="e5-small-int8")
    ap.add_argument("--min-tokens", type=int, default=20, help="profile: queries this long")
    ap.add_argument("--rounds", type=int, default=4, help="options, chains: runs per query")
    args = ap.parse_args()
    result = {"profile": profile, "options": options, "chains": chains}[args.what](args)
    print(json.dumps({args.what: result}, indent=1))


if __name__ == "__main__":
    main()
