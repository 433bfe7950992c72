"""Issue #20, part 2: where per-token int8 (recipe 2) loses accuracy, product by product.

    PYTHONPATH=src nice -n 19 python bench/int8_products.py sample --fp32 FP32  # Greve passages
    PYTHONPATH=src nice -n 19 python bench/int8_products.py reference --fp32 FP32  # float32 vectors (cached)
    PYTHONPATH=src nice -n 19 python bench/int8_products.py variant NAME --fp32 FP32 [--float GROUP ...]
        [--smooth ALPHA] [--passages N]

``sample`` draws distinct passages of all of Greve (``--store``'s chunk table): a
random sample, the longest ones and ``lean.py``'s 300; ``reference`` embeds them with
the float32 graph (``--fp32``, the fused graph a recipe starts from) and keeps the
vectors in ``--work``; ``variant`` builds an int8 graph from that float32 graph with
some products left float32 (``--float``: ``qkv``, ``attn-out``, ``ffn-in``,
``ffn-out``, ``layerN`` or ``layerN:kind``) and/or SmoothQuant-style per-channel
migration (``--smooth ALPHA``, :func:`recipe.smooth` calibrated on other Greve
passages than the sample's), or exactly as a build does (``--recipe``:
``recipe.quantise_int8``, calibrated on the seeds; ``--smooth-only GROUP …`` to
smooth fewer products), embeds the passages bucketed by length (as an ingest does)
and prints the cosine to the float32 vectors (min, mean, the worst passages) and the
CPU milliseconds per passage (niced: CPU time, not wall; the wall figure is
``lean.py encode``'s, under the bench lock).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
KINDS = {
    "qkv": "Attention",
    "attn-out": "/attention/output/dense/",
    "ffn-in": "/intermediate/dense/",
    "ffn-out": "/output/dense/",
}


def sample(args: argparse.Namespace) -> dict[str, Any]:
    from raadsgraf import generations
    from raadsgraf.index.storage import index_dir
    from raadsgraf.index.table import ChunkTable

    sys.path.insert(0, str(ROOT / "bench"))
    from lean import greve_passages

    table = ChunkTable(index_dir(generations.resolve(args.store)) / "chunks.jsonl")
    distinct = sorted({c.passage for c in table})
    rng = np.random.default_rng(args.seed)
    picked = [distinct[i] for i in rng.choice(len(distinct), args.random, replace=False)]
    longest = sorted(distinct, key=len)[-args.longest :]
    lean = greve_passages(300)
    passages = list(dict.fromkeys(lean + longest + picked))
    rest = [p for p in distinct if p not in set(passages)]
    calibration = [rest[i] for i in rng.choice(len(rest), args.calibration, replace=False)]
    args.work.mkdir(parents=True, exist_ok=True)
    (args.work / "passages.json").write_text(
        json.dumps({"passages": passages, "calibration": calibration}, ensure_ascii=False)
    )
    return {"passages": len(passages), "distinct_in_greve": len(distinct),
            "calibration": len(calibration)}  # fmt: skip


class Runner:
    """One ONNX graph over token ids, batches of 16 bucketed by length (as
    ``OnnxEncoder`` feeds an unsplit graph)."""

    def __init__(self, path: Path, threads: int) -> None:
        from raadsgraf.index.encoders import session

        self.session = session(path, threads)

    def run(self, ids: list[list[int]]) -> Any:
        from raadsgraf.index.encoders import PAD_ID, length_batches

        out = np.zeros((len(ids), 384), np.float32)
        for rows in length_batches([len(e) for e in ids], 16):
            width = max(len(ids[i]) for i in rows)
            x = np.full((len(rows), width), PAD_ID, np.int64)
            m = np.zeros((len(rows), width), np.int64)
            for r, i in enumerate(rows):
                x[r, : len(ids[i])] = ids[i]
                m[r, : len(ids[i])] = 1
            out[rows] = self.session.run(None, {"input_ids": x, "attention_mask": m})[0]
        return out


def token_ids(args: argparse.Namespace, key: str = "passages") -> list[list[int]]:
    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(args.tokenizer))
    tok.enable_truncation(max_length=512)
    texts = json.loads((args.work / "passages.json").read_text())[key]
    return [e.ids for e in tok.encode_batch(["passage: " + t for t in texts])]


def reference(args: argparse.Namespace) -> dict[str, Any]:
    ids = token_ids(args)
    start = time.process_time()
    vectors = Runner(args.fp32, args.threads).run(ids)
    np.save(args.work / "reference.npy", vectors)
    return {"passages": len(ids), "cpu_ms_per_passage": _ms(start, len(ids))}


def _ms(start: float, n: int) -> float:
    return round(1000 * (time.process_time() - start) / n, 1)


def kept_products(fp32: Path, groups: list[str]) -> list[str]:
    """Names of the products (``MatMul`` / fused ``Attention``) that ``groups`` keep float."""
    import onnx

    graph = onnx.load(str(fp32), load_external_data=False).graph
    names = []
    for n in graph.node:
        if n.op_type not in ("MatMul", "Attention"):
            continue
        layer = (
            int(n.name.rsplit("_", 1)[1]) if n.op_type == "Attention"
            else int(n.name.split("layer.")[1].split("/")[0])
        )  # fmt: skip
        kind = next(k for k, pat in KINDS.items() if pat in n.name or pat == n.op_type)
        for g in groups:
            g_layer, _, g_kind = g.partition(":")
            if (g in KINDS and kind == g) or (g_layer == f"layer{layer}" and g_kind in ("", kind)):
                names.append(n.name)
    return names


def variant(args: argparse.Namespace) -> dict[str, Any]:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from raadsgraf.index.encoders.recipe import (
        _quiet,
        activation_peaks,
        per_row,
        quantise_int8,
        smooth,
    )

    folder = args.models / f"var-{args.name}"
    model = folder / "onnx" / "model_int8.onnx"
    keep = kept_products(args.fp32, args.float)
    if not model.is_file() and args.recipe:  # what a build does (recipe.py)
        (folder / "onnx").mkdir(parents=True, exist_ok=True)
        only = frozenset(kept_products(args.fp32, args.smooth_only)) if args.smooth_only else None
        quantise_int8(args.fp32, model, args.tokenizer, only)
    if not model.is_file():
        (folder / "onnx").mkdir(parents=True, exist_ok=True)
        src = args.fp32
        if args.smooth:
            src = folder / "smoothed.onnx"
            # calibrated on Greve passages outside the sample (the recipe: other towns')
            peaks = activation_peaks(args.fp32, token_ids(args, "calibration"))
            smooth(args.fp32, src, peaks, alpha=args.smooth)
        graph = onnx.load(str(src), load_external_data=False).graph
        gathers = [n.name for n in graph.node if n.op_type == "Gather"]
        tmp = folder / "dynamic.onnx"
        with _quiet():
            quantize_dynamic(str(src), str(tmp), per_channel=True, weight_type=QuantType.QInt8,
                             nodes_to_exclude=gathers + keep,
                             extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT})  # fmt: skip
        per_row(tmp, model, frozenset(keep))
        tmp.unlink()
        if src != args.fp32:
            src.unlink()
    ids = token_ids(args)[: args.passages]
    ref = np.load(args.work / "reference.npy")[: args.passages]
    runner = Runner(model, args.threads)
    runner.run(ids[:8])
    start = time.process_time()
    vectors = runner.run(ids)
    ms = _ms(start, len(ids))
    cos = (vectors * ref).sum(axis=1)
    worst = np.argsort(cos)[:5]
    np.save(folder / "vectors.npy", vectors)
    return {
        "variant": args.name, "float": args.float, "smooth": args.smooth,
        "float_products": len(keep), "passages": len(ids),
        "min": round(float(cos.min()), 5), "mean": round(float(cos.mean()), 5),
        "below_0.999": int((cos < 0.999).sum()),
        "worst": [(int(i), round(float(cos[i]), 5), len(ids[i])) for i in worst],
        "cpu_ms_per_passage": ms,
    }  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("command", choices=["sample", "reference", "variant"])
    ap.add_argument("name", nargs="?", default="all-int8")
    ap.add_argument("--work", type=Path, default=Path("/tmp/e1-work"))
    ap.add_argument("--models", type=Path, default=Path("/tmp/e1-models"))
    ap.add_argument("--store", type=Path, default=Path("/work/cache/greve-store"))
    ap.add_argument("--fp32", type=Path, required=True,
                    help="a float32 e5-small build's onnx/model.onnx "
                    "(RAADSGRAF_MODEL=e5-small raadsgraf model build)")  # fmt: skip
    ap.add_argument("--random", type=int, default=1500)
    ap.add_argument("--longest", type=int, default=50)
    ap.add_argument("--calibration", type=int, default=200)
    ap.add_argument("--seed", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--passages", type=int, default=100_000)
    ap.add_argument("--float", nargs="*", default=[])
    ap.add_argument("--smooth", type=float, default=0.0)
    ap.add_argument("--recipe", action="store_true", help="build with recipe.quantise_int8")
    ap.add_argument("--smooth-only", nargs="*", default=[], help="with --recipe: groups to smooth")
    args = ap.parse_args()
    args.tokenizer = args.fp32.parent.parent / "tokenizer.json"
    result = {"sample": sample, "reference": reference, "variant": variant}[args.command](args)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
