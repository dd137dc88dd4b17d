"""Tests for decoding text files in Unicode, Windows-1258 and the TCVN3/VNI font encodings."""

from __future__ import annotations

import random
import unicodedata
from collections.abc import Callable

import pytest

from knowledge.encoding import (
    Decoded,
    UndecodableError,
    decode_bytes,
    tcvn3_to_unicode,
    unicode_to_tcvn3,
    unicode_to_vni,
    vni_to_unicode,
)
from knowledge.text import nfc

PARTY = (
    "Chỉ thị số 05-CT/TW ngày 15/5/2016 của Bộ Chính trị về đẩy mạnh học tập và làm theo "
    "tư tưởng, đạo đức, phong cách Hồ Chí Minh. Đảng viên phải gương mẫu, "
    "Ư Ơ Ă Â Ê Ô Đ ữ ỡ ặ ậ ẹ ỵ"
)
HEADING = "CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập – Tự do – Hạnh phúc\n"

TONES = ("", "\u0301", "\u0300", "\u0309", "\u0303", "\u0323")
VOWELS = "aăâeêioôơuưy"
LOWER_LETTERS = [nfc(v + t) for v in VOWELS for t in TONES] + ["đ"]
UPPER_LETTERS = [letter.upper() for letter in LOWER_LETTERS]

# Every lower-case letter in the order of LOWER_LETTERS, space-separated, as glibc's
# TCVN5712-1 converter writes it: an independent check of our TCVN3 table.
TCVN3_LOWER_HEX = (
    "6120b820b520b620b720b920a820be20bb20bc20bd20c620a920ca20c720c820c920cb206520d020cc20ce"
    "20cf20d120aa20d520d220d320d420d6206920dd20d720d820dc20de206f20e320df20e120e220e420ab20e8"
    "20e520e620e720e920ac20ed20ea20eb20ec20ee207520f320ef20f120f220f420ad20f820f520f620f720f9"
    "207920fd20fa20fb20fc20fe20ae"
)
# The same letters in VNI-Windows, transcribed from xvnkb's vni.h (rows: no tone, sắc, huyền,
# hỏi, ngã, nặng): an independent check of our VNI rules.
VNI_LOWER = (
    "a aù aø aû aõ aï aê aé aè aú aü aë aâ aá aà aå aã aä e eù eø eû eõ eï eâ eá eà eå eã eä "
    "i í ì æ ó ò o où oø oû oõ oï oâ oá oà oå oã oä ô ôù ôø ôû ôõ ôï u uù uø uû uõ uï "
    "ö öù öø öû öõ öï y yù yø yû yõ î ñ"
)


def to_cp1258(text: str) -> bytes:
    """Encode as Windows-1258 the way Windows does: base letter plus a combining tone byte."""
    out = bytearray()
    for ch in nfc(text):
        try:
            out += ch.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", ch)
            tone = next(c for c in parts if c in TONES)
            out += nfc(parts.replace(tone, "")).encode("cp1258") + tone.encode("cp1258")
    return bytes(out)


def test_party_text_round_trips_through_tcvn3_with_detection() -> None:
    assert decode_bytes(unicode_to_tcvn3(HEADING + PARTY)) == Decoded(HEADING + PARTY, "tcvn3")


def test_party_text_round_trips_through_vni_with_detection() -> None:
    assert decode_bytes(unicode_to_vni(HEADING + PARTY)) == Decoded(HEADING + PARTY, "vni")


def test_legacy_tables_match_independent_references() -> None:
    letters = " ".join(LOWER_LETTERS)
    assert unicode_to_tcvn3(letters) == bytes.fromhex(TCVN3_LOWER_HEX)
    assert unicode_to_vni(letters) == VNI_LOWER.encode("latin-1")
    assert unicode_to_vni(letters.upper()) == VNI_LOWER.upper().encode("latin-1")
    assert tcvn3_to_unicode(bytes.fromhex(TCVN3_LOWER_HEX).decode("latin-1")) == letters
    assert vni_to_unicode(VNI_LOWER) == letters
    assert vni_to_unicode(VNI_LOWER.upper()) == letters.upper()


def test_legacy_bytes_follow_the_font_layouts() -> None:
    assert unicode_to_tcvn3("Chỉ thị") == "ChØ thÞ".encode("latin-1")
    assert unicode_to_tcvn3("Ă Â Ê Ô Ơ Ư Đ ă â ê ô ơ ư đ") == bytes.fromhex(
        "a120a220a320a420a520a620a720a820a920aa20ab20ac20ad20ae"
    )
    assert unicode_to_vni("Chỉ thị") == "Chæ thò".encode("latin-1")
    assert unicode_to_vni("người Đảng ỵ ẳ Ỵ Ẳ") == "ngöôøi Ñaûng î aú Î AÚ".encode("latin-1")


def test_every_letter_with_every_tone_round_trips_through_vni() -> None:
    for letter in LOWER_LETTERS + UPPER_LETTERS:
        assert vni_to_unicode(unicode_to_vni(letter).decode("latin-1")) == letter


def test_every_letter_with_every_tone_round_trips_through_tcvn3() -> None:
    for letter in LOWER_LETTERS:
        assert tcvn3_to_unicode(unicode_to_tcvn3(letter).decode("latin-1")) == letter
    # TCVN3 has no byte for a capital toned letter (.VnTimeH drew the lower-case one as a
    # capital), so capitals come back inside words written in capitals.
    for letter in UPPER_LETTERS:
        word = f"NG{letter}N"
        assert tcvn3_to_unicode(unicode_to_tcvn3(word).decode("latin-1")) == word


def test_tcvn3_capitals_follow_their_words() -> None:
    text = (
        "ĐỂ THỰC HIỆN Ở HÀ NỘI. Để thực hiện, UBND ở Hà Nội.\n"
        "Số 27-QĐ/ĐU\nNGHỊ QUYẾT SỐ 05-NQ/TW\nđã được thông qua.\nĐỂ THỰC HIỆN"
    )
    assert tcvn3_to_unicode(unicode_to_tcvn3(text).decode("cp1252")) == text
    # The documented loss: an isolated capital toned letter has no case in TCVN3.
    assert tcvn3_to_unicode(unicode_to_tcvn3("Ấn Độ").decode("cp1252")) == "ấn Độ"


def test_short_legacy_files_are_detected() -> None:
    assert decode_bytes(unicode_to_tcvn3("Chỉ thị số 05")) == Decoded("Chỉ thị số 05", "tcvn3")
    assert decode_bytes(unicode_to_vni("Chỉ thị số 05")) == Decoded("Chỉ thị số 05", "vni")


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PARTY.encode("utf-8"), "utf-8"),
        (PARTY.encode("utf-8-sig"), "utf-8-sig"),
        (PARTY.encode("utf-16"), "utf-16"),
        (PARTY.encode("utf-16-be"), "utf-16"),
        (PARTY.encode("utf-16-le"), "utf-16"),
        (b"\xfe\xff" + PARTY.encode("utf-16-be"), "utf-16"),
        (unicodedata.normalize("NFD", PARTY).encode("utf-16-le"), "utf-16"),
        (to_cp1258(HEADING + PARTY), "cp1258"),
    ],
)
def test_unicode_and_windows_encodings_are_detected(data: bytes, encoding: str) -> None:
    expected = HEADING + PARTY if encoding == "cp1258" else PARTY
    assert decode_bytes(data) == Decoded(expected, encoding)


def test_cp1258_combining_tones_come_back_composed() -> None:
    decoded = decode_bytes(to_cp1258("Chỉ thị của Bộ Chính trị về đẩy mạnh học tập"))
    assert decoded.text == "Chỉ thị của Bộ Chính trị về đẩy mạnh học tập"
    assert unicodedata.is_normalized("NFC", decoded.text)


def test_decomposed_utf8_comes_back_composed() -> None:
    decoded = decode_bytes(unicodedata.normalize("NFD", PARTY).encode())
    assert decoded == Decoded(PARTY, "utf-8")


@pytest.mark.parametrize(
    "text",
    [
        PARTY,
        HEADING + PARTY,
        "Cá và cò là bà con, ô tô đi qua cầu. © 2024 Ban Tuyên giáo × 3",
        "Bé ngã. Cô giáo dỗ. Ở nhà bà.",
        "Copyright © 2024 ACME Corp. Size 3×4 cm, Ø 5 mm. Price: £12 ± 0.5 · naïve café.",
        "Søren Kierkegaard met Gödel in São Paulo; señor Müller said “déjà vu” — ÆØÅ © ® ×.",
        "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý ¡¢£¤¥¦§¨©ª«¬®µ¶·¸¹»¼½¾×÷Øþ",
    ],
)
def test_ordinary_unicode_text_comes_back_unchanged(text: str) -> None:
    assert decode_bytes(text.encode("utf-8")) == Decoded(text, "utf-8")
    assert decode_bytes(text.encode("utf-8-sig")) == Decoded(text, "utf-8-sig")


def test_plain_ascii_comes_back_unchanged() -> None:
    text = "Resolution No. 05-NQ/TW (2016): study and follow Ho Chi Minh's thought.\r\n"
    assert decode_bytes(text.encode("ascii")) == Decoded(text, "ascii")


def test_western_8bit_text_is_not_read_as_a_legacy_font() -> None:
    text = "Copyright © 2024 — café, naïve, Ø 5 mm, 3×4, “quoted”, Škoda, Žižek."
    assert decode_bytes(text.encode("cp1252")) == Decoded(text, "cp1258")


@pytest.mark.parametrize(("encode", "name"), [(unicode_to_tcvn3, "tcvn3"), (unicode_to_vni, "vni")])
def test_legacy_mojibake_saved_as_utf8_is_converted(
    encode: Callable[[str], bytes], name: str
) -> None:
    mojibake = encode(HEADING + PARTY).decode("cp1252")
    assert decode_bytes(mojibake.encode("utf-8-sig")) == Decoded(HEADING + PARTY, name)


def test_mojibake_pasted_below_unicode_text_converts_only_the_pasted_lines() -> None:
    # The second line is Unicode that uses only Latin-1 letters, so a TCVN3 reading of it
    # ("Cỏ và cũ") is possible but would spoil real words.
    unicode_part = "Ghi chú: văn bản dưới đây dán từ tệp cũ.\nCá và cò là bà con.\n"
    pasted = unicode_to_tcvn3(PARTY).decode("cp1252")
    decoded = decode_bytes((unicode_part + pasted).encode())
    assert decoded == Decoded(unicode_part + PARTY, "tcvn3")


def test_binary_data_is_rejected_in_plain_english() -> None:
    rng = random.Random(1)
    elf = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00\x01\x00\x00\x00" + bytes(48)
    samples = [
        rng.randbytes(4096),
        elf,
        bytes(b for b in rng.randbytes(4096) if b),  # NUL-free junk
        bytes(range(1, 32)) * 20,  # valid UTF-8, but nothing except control codes
        bytes(rng.choice(range(0xA0, 0x100)) for _ in range(2000)),  # printable high-byte junk
    ]
    for data in samples:
        with pytest.raises(UndecodableError, match="binary data, not text"):
            decode_bytes(data)


def test_dos_end_of_file_marker_is_dropped() -> None:
    data = unicode_to_tcvn3("Chỉ thị số 05\r\n") + b"\x1a"
    assert decode_bytes(data) == Decoded("Chỉ thị số 05\r\n", "tcvn3")


def test_bad_utf16_after_a_byte_order_mark_is_rejected() -> None:
    with pytest.raises(UndecodableError, match="not valid UTF-16"):
        decode_bytes(b"\xff\xfe\x00\xd8a")


def test_empty_input_is_empty_text() -> None:
    assert decode_bytes(b"") == Decoded("", "ascii")


def test_encoders_refuse_characters_the_legacy_file_would_misread() -> None:
    with pytest.raises(ValueError, match="TCVN3"):
        unicode_to_tcvn3("© 2024")  # 0xA9 is â in TCVN3
    with pytest.raises(ValueError, match="VNI"):
        unicode_to_vni("señor")  # ñ is đ in VNI
