"""Danish hybrid search: chunks → e5 embeddings in FAISS + BM25 → fused hits.

Public entry points::

    report = raadsgraf.index.update(store_dir, documents, settings)
    idx = raadsgraf.index.open_index(store_dir, settings)
    hits = idx.search("boligsocial helhedsplan", top_k=5)
"""

from raadsgraf.index.chunking import Chunk, ChunkParams, chunk_document
from raadsgraf.index.encoders import Encoder, get_encoder, register_encoder
from raadsgraf.index.search import Filters, Hit, SearchIndex, open_index, search
from raadsgraf.index.storage import IndexReport, update

__all__ = [
    "Chunk",
    "ChunkParams",
    "Encoder",
    "Filters",
    "Hit",
    "IndexReport",
    "SearchIndex",
    "chunk_document",
    "get_encoder",
    "open_index",
    "register_encoder",
    "search",
    "update",
]
