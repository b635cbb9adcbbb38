"""A tiny, randomly initialised BERT saved as a sentence-transformers model, built in seconds.

It exercises the real sentence-transformers loading and encoding path of
``index.embedders.SentenceTransformerEmbedder`` without any download: the vocabulary is the
characters of the shipped plan plus ASCII letters and digits.
"""

from __future__ import annotations

import string
from pathlib import Path

from corpus import SHIPPED_PLAN

HIDDEN_SIZE = 32
_SPECIAL = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"]
_ASCII = string.ascii_lowercase + string.digits + string.punctuation


def tiny_vocab(text: str) -> list[str]:
    """Special tokens, every character of ``text`` and ASCII (also as ``##`` word pieces)."""
    chars = sorted({ch for ch in text.lower() if not ch.isspace()} | set(_ASCII))
    return list(dict.fromkeys([*_SPECIAL, *chars, *(f"##{ch}" for ch in _ASCII)]))


def build_tiny_model(directory: Path, seed: int = 0) -> Path:
    """Save a 2-layer, 32-dim BERT with mean pooling under ``directory / "model"``; return that path."""
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Pooling, Transformer
    from transformers import BertConfig, BertModel, BertTokenizer

    hf_dir = directory / "hf"
    hf_dir.mkdir(parents=True, exist_ok=True)
    vocab = tiny_vocab(SHIPPED_PLAN.read_text(encoding="utf-8"))
    vocab_file = hf_dir / "vocab.txt"
    vocab_file.write_text("\n".join(vocab) + "\n", encoding="utf-8")
    BertTokenizer(vocab=str(vocab_file), do_lower_case=True).save_pretrained(hf_dir)
    torch.manual_seed(seed)
    config = BertConfig(
        vocab_size=len(vocab), hidden_size=HIDDEN_SIZE, num_hidden_layers=2, num_attention_heads=2,
        intermediate_size=64, max_position_embeddings=512,
    )
    BertModel(config).save_pretrained(hf_dir)
    transformer = Transformer(str(hf_dir), max_seq_length=128)
    model = SentenceTransformer(modules=[transformer, Pooling(HIDDEN_SIZE, "mean")], device="cpu")
    model_dir = directory / "model"
    model.save(str(model_dir))
    return model_dir
