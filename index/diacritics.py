"""Restore Vietnamese diacritics on questions typed without them.

A syllable trigram model (interpolated Kneser-Ney, trigrams pruned) is learned from the indexed
corpus, running everyday text (``general_sentences``) and a small built-in list of question and
Party phrases; ``restore`` picks the most likely accented form of every plain syllable by beam
search over the candidates seen in training. The everyday text is a data file of the
``underthesea`` package, read without importing it: it teaches words the Party documents never
use («rượu bia», «mấy lần»). Syllables the user typed with marks, numbers, document numbers like
``05-CT/TW``, acronyms and punctuation are kept as typed and serve as context.
"""

from __future__ import annotations

import importlib.util
import json
import logging
import math
import re
import zlib
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from knowledge.text import fold, has_diacritics, nfc

_log = logging.getLogger(__name__)
_FORMAT = "chibo-diacritics-1"
_BOS, _EOS, _NUM, _UNK = "<s>", "</s>", "<num>", "<unk>"

# A segment is a run of syllables not interrupted by punctuation or a line break.
_SEGMENT_SPLIT = re.compile(r"[^\w\s]+|\n")
_WORD = re.compile(r"\w+")
_TOKEN = re.compile(r"\w+|\S")
_CHUNK = re.compile(r"\S+")
_DIGIT = re.compile(r"\d")
_DOC_NUMBER = re.compile(r"\d.*[/\-]|[/\-].*\d|@|://")

# Everyday words that statutes rarely contain but members' questions do (question words,
# particles, Party vocabulary), learned as extra training phrases so that they restore even
# when the indexed corpus lacks them.
_COMMON_PHRASES = """
nói về gì; là gì; gì; làm gì; để làm gì; cái gì; những gì; điều gì; việc gì
như thế nào; thế nào; ra sao; thế nào là; như nào; bằng cách nào
bao nhiêu; bao nhiêu lần; bao nhiêu ngày; bao nhiêu tháng; bao nhiêu năm; mấy; mấy lần
bao giờ; khi nào; lúc nào; ngày nào; tháng mấy; năm nào; thời gian nào; thời hạn bao lâu
ở đâu; đâu; tại đâu; nơi nào; cấp nào; cơ quan nào; ai; những ai; người nào; ai có quyền
tại sao; vì sao; do đâu; để làm gì; nhằm mục đích gì
có phải; có phải là; phải không; có không; có được không; được không; không; chưa; có; còn
có bắt buộc không; có cần không; có được phép không; có thể; có thể không; cần; phải
nào; các; những; mọi; mỗi; từng; của; và; với; cho; về; theo; trong; ngoài; trên; dưới
được; bị; đã; đang; sẽ; vẫn; cũng; thì; là; mà; nếu; khi; vì; nên; nhưng; hay; hoặc
tôi; em; anh; chị; bạn; mình; chúng tôi; chúng ta; đồng chí; các đồng chí
xin hỏi; cho hỏi; cho tôi hỏi; em muốn hỏi; tôi muốn biết; hãy cho biết; giải thích
nội dung; nội dung chính; tóm tắt; quy định; hướng dẫn; văn bản; điều; khoản; mục
chỉ thị; nghị quyết; quyết định; kết luận; thông tri; quy chế; điều lệ; điều lệ đảng
chỉ thị số; nghị quyết số; quy định số; hướng dẫn số; kết luận số; quyết định số
đảng; đảng viên; đảng viên dự bị; đảng viên chính thức; đảng bộ; đảng ủy; đảng phí
chi bộ; chi ủy; bí thư; phó bí thư; bí thư chi bộ; cấp ủy; cấp ủy viên; ban chấp hành
sinh hoạt; sinh hoạt chi bộ; sinh hoạt thường kỳ; sinh hoạt chuyên đề; họp chi bộ
kết nạp; kết nạp đảng viên; chuyển đảng chính thức; chuyển sinh hoạt đảng; thẻ đảng viên
kỷ luật; khiển trách; cảnh cáo; cách chức; khai trừ; xóa tên; miễn sinh hoạt
kiểm tra; giám sát; ủy ban kiểm tra; tự phê bình và phê bình; đánh giá; xếp loại
hoàn thành tốt nhiệm vụ; hoàn thành xuất sắc nhiệm vụ; không hoàn thành nhiệm vụ
trung ương; bộ chính trị; ban bí thư; ban tổ chức trung ương; tỉnh ủy; huyện ủy
đại hội; nhiệm kỳ; bầu cử; học tập; làm theo; tư tưởng; đạo đức; phong cách
tư tưởng hồ chí minh; học tập và làm theo tư tưởng, đạo đức, phong cách hồ chí minh
xây dựng đảng; chỉnh đốn đảng; nêu gương; trách nhiệm; quyền; nghĩa vụ; nhiệm vụ
thủ tục; hồ sơ; điều kiện; tiêu chuẩn; đối tượng; thời hạn; mức; tiền; đóng
""".strip()

_ONSET = r"(?:ngh|ng|nh|ch|gh|gi|kh|ph|th|tr|qu|b|c|d|g|h|k|l|m|n|p|r|s|t|v|x)?"
_SHAPE = re.compile(rf"({_ONSET})([aeiouy]+)(ch|nh|ng|c|m|n|p|t)?")
# Vowel clusters of open syllables and of syllables with a final consonant (folded spelling).
_OPEN_VOWELS = re.compile(
    r"[aeiouy]|o[aeio]|u[aeiouy]|i[au]|a[iouy]|e[ou]|oa[iy]|uay|uo[iu]|uy[au]|[iy]eu|oeo"
)
_CLOSED_VOWELS = re.compile(r"[aeiouy]|[iy]e|u[aeoy]|o[aeo]|uye")
# Plain spellings no standard syllable has: stop codas need a sắc or nặng tone, and these
# vowel clusters only exist as iê, yê, uô/ươ, ưu, êu and so on.
_STOP_CODAS = frozenset({"c", "ch", "p", "t"})
_HAT_VOWELS = re.compile(r"[iy]e|uo|uu|eu|uo[iu]|[iy]eu|uye")
# Chance that a syllable of properly typed Vietnamese carries no mark at all (13 % in the
# statutes; questions have more unmarked function words).
_PLAIN_SHARE_TYPED = 0.2


@dataclass
class DiacriticRestorer:
    """Syllable trigram model of lower-cased NFC text; build with ``fit`` or ``from_bytes``."""

    vocab: list[str] = field(repr=False)
    # Token counts per id; also each id's count as a context, since every token has a successor.
    unigrams: array = field(repr=False)
    bigrams: dict[int, int] = field(repr=False)  # u * V + w -> count
    # (u * V + v) * V + w -> count, without those below ``min_trigram_count``
    trigrams: dict[int, int] = field(repr=False)
    discount2: float
    discount3: float
    beam: int = 8
    max_candidates: int = 8
    keep_bonus: float = 2.0  # log-odds for the plain form when the user clearly types marks
    everyday: bool = False  # learned with ``general_sentences`` too (older models were not)
    _ids: dict[str, int] = field(init=False, repr=False)
    _candidates: dict[str, list[int]] = field(init=False, repr=False)
    _continuation: list[float] = field(init=False, repr=False)
    _backoff2: dict[int, float] = field(init=False, repr=False)
    _backoff3: dict[int, float] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        size = len(self.vocab)
        self._ids = {word: i for i, word in enumerate(self.vocab)}
        # Lowest order: Kneser-Ney continuation counts with an add-one floor (unknown tokens).
        distinct_left = Counter(key % size for key in self.bigrams)
        total = len(self.bigrams) + size
        self._continuation = [(distinct_left[i] + 1) / total for i in range(size)]
        # Share of a context's mass left to the lower order: 1 - sum over kept (c - D) / c.
        kept2: dict[int, float] = defaultdict(float)
        for key, count in self.bigrams.items():
            kept2[key // size] += count - self.discount2
        self._backoff2 = {
            u: 1.0 - kept / self.unigrams[u] for u, kept in kept2.items() if self.unigrams[u]
        }
        kept3: dict[int, float] = defaultdict(float)
        for key, count in self.trigrams.items():
            kept3[key // size] += count - self.discount3
        self._backoff3 = {
            ctx: 1.0 - kept / self.bigrams[ctx]
            for ctx, kept in kept3.items()
            if ctx in self.bigrams
        }
        groups: dict[str, list[int]] = {}
        for i, word in enumerate(self.vocab):
            if word[0] != "<":
                groups.setdefault(fold(word), []).append(i)
        self._candidates = {}
        for folded, ids in groups.items():
            ids.sort(key=lambda i: -self.unigrams[i])
            self._candidates[folded] = ids[: self.max_candidates]

    @classmethod
    def fit(
        cls,
        texts: Iterable[str],
        *,
        min_trigram_count: int = 1,
        common_weight: int = 3,
        everyday: bool = True,
    ) -> DiacriticRestorer:
        """Learn syllable n-gram counts from corpus texts, plus the built-in common phrases and
        (``everyday``) the running text of ``general_sentences``."""
        ids: dict[str, int] = {_BOS: 0, _EOS: 1, _NUM: 2, _UNK: 3}
        uni: Counter[int] = Counter()
        bi: Counter[tuple[int, int]] = Counter()
        tri: Counter[tuple[int, int, int]] = Counter()

        def add(text: str, weight: int) -> None:
            for segment in _training_segments(text):
                seq = [0, *(ids.setdefault(tok, len(ids)) for tok in segment), 1]
                tail = seq[1:]
                if weight == 1:
                    uni.update(seq[:-1])
                    bi.update(zip(seq, tail, strict=False))
                    tri.update(zip(seq, tail, seq[2:], strict=False))
                else:
                    for _ in range(weight):
                        uni.update(seq[:-1])
                        bi.update(zip(seq, tail, strict=False))
                        tri.update(zip(seq, tail, seq[2:], strict=False))

        for text in texts:
            add(text, 1)
        if common_weight:
            add(_COMMON_PHRASES, common_weight)
        general = general_sentences() if everyday else ()
        for sentence in general:
            add(sentence, 1)
        size = len(ids)
        unigrams = array("q", [0] * size)
        for i, count in uni.items():
            unigrams[i] = count
        vocab = sorted(ids, key=ids.__getitem__)
        return cls(
            vocab=vocab,
            unigrams=unigrams,
            bigrams={u * size + w: c for (u, w), c in bi.items()},
            trigrams={
                (u * size + v) * size + w: c
                for (u, v, w), c in tri.items()
                if c >= min_trigram_count
            },
            discount2=_discount(bi.values()),
            discount3=_discount(tri.values()),
            everyday=bool(general),
        )

    def restore(self, text: str) -> str:
        """Return ``text`` with diacritics restored on syllables typed without them."""
        text = nfc(text)
        protected = [m.span() for m in _CHUNK.finditer(text) if _DOC_NUMBER.search(m.group())]
        bonus = self.keep_bonus if has_diacritics(text) else 0.0
        replacements: list[tuple[int, int, str]] = []
        # (token, candidate (id, log bonus) pairs, whether the token may be rewritten)
        segment: list[tuple[re.Match[str], list[tuple[int, float]], bool]] = []

        def flush() -> None:
            if any(editable for _, _, editable in segment):
                chosen = self._decode([cands for _, cands, _ in segment])
                words = [self.vocab[wid] for wid in chosen]
                for (match, _, editable), word in zip(segment, words, strict=True):
                    if editable:
                        replacements.append(
                            (match.start(), match.end(), _match_case(word, match.group()))
                        )
            segment.clear()

        last = 0
        for match in _TOKEN.finditer(text):
            word = match.group()
            if not (word[0].isalnum() or word[0] == "_") or "\n" in text[last : match.start()]:
                flush()  # punctuation or a line break ends the segment
            if word[0].isalnum() or word[0] == "_":
                cands = self._token_candidates(word, match.start(), protected, bonus)
                segment.append((match, cands or [(self._lm_id(word), 0.0)], bool(cands)))
            last = match.end()
        flush()
        out: list[str] = []
        last = 0
        for start, end, word in replacements:
            out.append(text[last:start])
            out.append(word)
            last = end
        out.append(text[last:])
        return "".join(out)

    def _lm_id(self, word: str) -> int:
        return self._ids.get(_NUM if _DIGIT.search(word) else word.lower(), 3)

    def _token_candidates(
        self, word: str, start: int, protected: list[tuple[int, int]], bonus: float
    ) -> list[tuple[int, float]]:
        """Accented candidates for a plain syllable the user may have typed without marks."""
        if not (word.isascii() and word.isalpha()) or any(a <= start < b for a, b in protected):
            return []
        if not (word.islower() or (len(word) > 1 and word[0].isupper() and word[1:].islower())):
            return []  # acronyms such as CT, TW, UBND
        lower = word.lower()
        return [
            (i, bonus if self.vocab[i] == lower else 0.0) for i in self._candidates.get(lower, ())
        ]

    def _decode(self, positions: list[list[tuple[int, float]]]) -> list[int]:
        """Beam search over trigram states; returns the chosen id per position."""
        cache: dict[tuple[int, int, int], float] = {}
        logp = self._logp
        # state (u, v) -> (score, history as nested (previous, id) pairs)
        states: dict[tuple[int, int], tuple[float, tuple | None]] = {(0, 0): (0.0, None)}
        for cands in positions:
            new: dict[tuple[int, int], tuple[float, tuple | None]] = {}
            for (u, v), (score, hist) in states.items():
                for w, bonus in cands:
                    key = (u, v, w)
                    lp = cache.get(key)
                    if lp is None:
                        lp = cache[key] = logp(u, v, w)
                    total = score + lp + bonus
                    old = new.get((v, w))
                    if old is None or total > old[0]:
                        new[(v, w)] = (total, (hist, w))
            if len(new) > self.beam:
                best = sorted(new.items(), key=lambda kv: -kv[1][0])[: self.beam]
                states = dict(best)
            else:
                states = new
        _, hist = max((score + logp(u, v, 1), hist) for (u, v), (score, hist) in states.items())
        chosen: list[int] = []
        while hist is not None:
            hist, w = hist
            chosen.append(w)
        return chosen[::-1]

    def _logp(self, u: int, v: int, w: int) -> float:
        size = len(self.vocab)
        p = self._continuation[w]
        count_v = self.unigrams[v]
        if count_v:
            p = (
                max(self.bigrams.get(v * size + w, 0) - self.discount2, 0.0)
                + self._backoff2.get(v, 1.0) * count_v * p
            ) / count_v
            ctx = u * size + v
            count_uv = self.bigrams.get(ctx, 0)
            if count_uv:
                p = (
                    max(self.trigrams.get(ctx * size + w, 0) - self.discount3, 0.0)
                    + self._backoff3.get(ctx, 1.0) * count_uv * p
                ) / count_uv
        return math.log(p)

    def to_bytes(self) -> bytes:
        """Serialise the counts (zlib-compressed JSON header plus int64 arrays)."""
        header = {
            "format": _FORMAT,
            "vocab": self.vocab,
            "discount2": self.discount2,
            "discount3": self.discount3,
            "beam": self.beam,
            "max_candidates": self.max_candidates,
            "keep_bonus": self.keep_bonus,
            "everyday": self.everyday,
            "n_bigrams": len(self.bigrams),
            "n_trigrams": len(self.trigrams),
        }
        head = json.dumps(header, ensure_ascii=False).encode()
        body = array("q", self.unigrams)
        for table in (self.bigrams, self.trigrams):
            body.extend(table.keys())
            body.extend(table.values())
        return zlib.compress(len(head).to_bytes(4, "little") + head + body.tobytes(), 6)

    @classmethod
    def from_bytes(cls, data: bytes) -> DiacriticRestorer:
        """Load a model written by ``to_bytes``; raises ``ValueError`` on anything else."""
        try:
            raw = zlib.decompress(data)
            size = int.from_bytes(raw[:4], "little")
            header = json.loads(raw[4 : 4 + size])
            body = array("q")
            body.frombytes(raw[4 + size :])
        except (zlib.error, ValueError, TypeError) as exc:
            raise ValueError(f"not a diacritics model: {exc}") from exc
        if not isinstance(header, dict) or header.get("format") != _FORMAT:
            raise ValueError("not a diacritics model: unknown format")
        n_vocab, n2, n3 = len(header["vocab"]), header["n_bigrams"], header["n_trigrams"]
        b2, b3 = n_vocab, n_vocab + 2 * n2
        return cls(
            vocab=header["vocab"],
            unigrams=body[:n_vocab],
            bigrams=dict(zip(body[b2 : b2 + n2], body[b2 + n2 : b3], strict=True)),
            trigrams=dict(zip(body[b3 : b3 + n3], body[b3 + n3 : b3 + 2 * n3], strict=True)),
            discount2=header["discount2"],
            discount3=header["discount3"],
            beam=header["beam"],
            max_candidates=header["max_candidates"],
            keep_bonus=header["keep_bonus"],
            everyday=bool(header.get("everyday", False)),
        )


@cache
def general_sentences() -> tuple[str, ...]:
    """Running Vietnamese text for everyday word frequencies: the 2,119 sentences (96,000
    syllables of news and law) of the VLSP 2013 test set that ``underthesea`` ships with its
    part-of-speech model (one token per line, sentences separated by blank lines). Empty,
    with a warning, when the package is missing."""
    path = _underthesea_file("pipeline/pos_tag/models/pos_crf_vlsp2013_20230303/test_output.txt")
    if path is None:
        return ()
    sentences: list[str] = []
    words: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            words.append(line.split("\t", 1)[0])
        elif words:
            sentences.append(" ".join(words))
            words = []
    if words:
        sentences.append(" ".join(words))
    return tuple(sentences)


def _underthesea_file(relative: str) -> Path | None:
    """A data file of the installed ``underthesea`` package, found without importing it."""
    spec = importlib.util.find_spec("underthesea")
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    path = Path(folders[0]) / relative if folders else None
    if path is None or not path.is_file():
        _log.warning("underthesea's %s not found: diacritics from the corpus only", relative)
        return None
    return path


def _training_segments(text: str) -> Iterator[list[str]]:
    """Lower-cased syllable runs between punctuation marks; numbers become ``<num>``."""
    for part in _SEGMENT_SPLIT.split(nfc(text).lower()):
        words = _WORD.findall(part)
        if words:
            yield [_NUM if _DIGIT.search(w) else w for w in words]


def _discount(counts: Iterable[int]) -> float:
    """Absolute discount D = n1 / (n1 + 2 n2) from counts of counts."""
    n1 = n2 = 0
    for c in counts:
        if c == 1:
            n1 += 1
        elif c == 2:
            n2 += 1
    # Capped: on a small corpus the estimate approaches 1 and would discard phrases seen once.
    return min(n1 / (n1 + 2 * n2), 0.75) if n1 and n2 else 0.75


def _match_case(restored: str, typed: str) -> str:
    return restored[0].upper() + restored[1:] if typed[0].isupper() else restored


def _shape(syllable: str) -> tuple[str, str] | None:
    """(vowels, coda) when a plain lower-case syllable is spelled like a Vietnamese one."""
    m = _SHAPE.fullmatch(syllable)
    if m is None:
        return None
    _, vowels, coda = m.groups()
    if coda is None:
        return (vowels, "") if _OPEN_VOWELS.fullmatch(vowels) else None
    return (vowels, coda) if _CLOSED_VOWELS.fullmatch(vowels) else None


def missing_diacritics_ratio(text: str) -> float:
    """Estimated share of Vietnamese syllables in ``text`` typed without their marks.

    ~0 for a properly typed question, ~1 for ``chi thi 05 noi ve gi``; 0 when most words are
    not spelled like Vietnamese syllables (English, numbers, codes). Short English made of
    words that double as plain Vietnamese spellings ("I go to the bank") still scores high.
    """
    marked = certain = ambiguous = foreign = 0
    for word in _WORD.findall(nfc(text)):
        if not word.isalpha() or (word.isupper() and len(word) > 1):
            continue  # numbers, acronyms
        lower = word.lower()
        if has_diacritics(lower):
            marked += 1
            continue
        shape = _shape(lower) if lower.isascii() else None
        if shape is None:
            foreign += 1
        elif shape[1] in _STOP_CODAS or _HAT_VOWELS.fullmatch(shape[0]):
            certain += 1  # no standard syllable is spelled like this without marks
        else:
            ambiguous += 1
    vietnamese = marked + certain + ambiguous
    if not vietnamese or vietnamese < foreign:
        return 0.0
    if marked:
        # The user types marks. Properly typed text has far fewer unmarked syllables than
        # marked ones (13 % unmarked in the statutes), so plain syllables that are real words
        # only count as missing marks beyond one per marked syllable.
        return (certain + max(0, ambiguous - marked)) / vietnamese
    if certain:
        return (certain + ambiguous) / vietnamese
    # Nothing marked, nothing impossible: weigh "typed without marks" against "happens to be
    # all unmarked syllables" (each plain with probability _PLAIN_SHARE_TYPED), even odds.
    p_plain = 1.0 / (1.0 + _PLAIN_SHARE_TYPED**ambiguous)
    return p_plain * ambiguous / vietnamese
