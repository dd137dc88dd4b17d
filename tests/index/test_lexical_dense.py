"""The two underlying indexes: folded BM25 and FAISS."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from index.dense import DenseIndex
from index.lexical import LexicalIndex, tokenize

TEXTS = {
    11: "Chỉ thị số 05-CT/TW về đẩy mạnh học tập và làm theo tư tưởng, đạo đức Hồ Chí Minh.",
    12: "Quy định những điều đảng viên không được làm.",
    13: "Chi bộ sinh hoạt thường kỳ mỗi tháng một lần.",
}


def lexical() -> LexicalIndex:
    index = LexicalIndex()
    index.add(list(TEXTS), list(TEXTS.values()))
    return index


def test_tokens_are_folded_with_bigrams() -> None:
    assert tokenize("Đảng viên, chi bộ") == ["dang", "vien", "dang_vien", "chi", "bo", "chi_bo"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("đảng viên không được làm gì", 12),
        ("dang vien khong duoc lam gi", 12),
        ("sinh hoat chi bo may lan", 13),
        ("CHỈ THỊ 05 học tập", 11),
    ],
)
def test_lexical_matches_with_or_without_diacritics(query: str, expected: int) -> None:
    assert lexical().search(query, 1)[0][0] == expected


def test_lexical_add_remove_and_reload(tmp_path: Path) -> None:
    index = lexical()
    index.remove([12])
    assert [pid for pid, _ in index.search("đảng viên không được làm", 3)] != [12]
    assert 12 not in {pid for pid, _ in index.search("đảng viên không được làm", 3)}
    index.add([14], ["Đảng viên dự bị được tham gia sinh hoạt chi bộ."])
    path = tmp_path / "lexical.npz"
    index.save(path)
    again = LexicalIndex.load(path)
    assert again.search("dang vien du bi", 1)[0][0] == 14
    assert set(again.ids.tolist()) == {11, 13, 14}


def test_lexical_no_match_returns_nothing() -> None:
    assert lexical().search("giá vàng quốc tế", 5) == []


@pytest.mark.parametrize("kind", ["flat", "hnsw"])
def test_dense_add_remove_search_reload(kind: str, tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    vectors = rng.normal(size=(50, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    ids = np.arange(1000, 1050)
    index = DenseIndex(16, kind)
    index.add(ids, vectors)
    assert index.search(vectors[7], 1)[0][0] == 1007
    index.remove([1007])
    assert 1007 not in {pid for pid, _ in index.search(vectors[7], 5)}
    path = tmp_path / "dense.faiss"
    index.save(path)
    loaded = DenseIndex.load(path)
    assert loaded.kind == kind
    assert loaded.ids() == set(range(1000, 1050)) - {1007}
    assert loaded.search(vectors[8], 1)[0][0] == 1008


def test_dense_refuses_wrong_dimension() -> None:
    with pytest.raises(ValueError, match="dimension"):
        DenseIndex(8).add(np.array([1]), np.ones((1, 4), dtype=np.float32))
