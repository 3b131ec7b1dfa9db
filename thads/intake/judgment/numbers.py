"""Amounts of money as judgments write them: in figures (``150.000.000 đồng``, ``150 triệu
đồng``, ``1,5 tỷ đồng``) or in words (``một trăm năm mươi triệu đồng``,
``hai tỷ không trăm linh năm triệu đồng``, ``ba trăm nghìn đồng``)."""
from __future__ import annotations

import re
import unicodedata

from thads.services.values import fold

DIGITS = {"khong": 0, "mot": 1, "mốt": 1, "hai": 2, "ba": 3, "bon": 4, "tu": 4, "nam": 5, "lam": 5, "sau": 6,
          "bay": 7, "tam": 8, "chin": 9}
SCALES = {"nghin": 1_000, "ngan": 1_000, "trieu": 1_000_000, "ty": 1_000_000_000, "ti": 1_000_000_000}
NUMBER_WORDS = set(DIGITS) | set(SCALES) | {"muoi", "tram", "linh", "le", "ruoi"}

_FIGURES = re.compile(
    r"(?<![\w.,])([0-9]{1,3}(?:[.][0-9]{3})+|[0-9]+)(?:,([0-9]{1,3}))?\s*"
    r"(tỷ|tỉ|triệu|nghìn|ngàn)?\s*(?:đồng|đ\b|VNĐ|VND)", re.IGNORECASE)


def words_to_number(text: str) -> int | None:
    """``một trăm năm mươi triệu`` → 150000000; None when the words are not a number.

    Split at the largest scale word (tỷ, then triệu, then nghìn): left × scale + right, so
    ``hai tỷ không trăm linh năm triệu`` is 2 × 10^9 + 5 × 10^6 and ``một nghìn tỷ`` 10^12;
    below a thousand: ``d trăm``, ``d mươi`` / ``mười``, ``linh``/``lẻ``, units (mốt, tư, lăm)."""
    words = [w for w in fold(unicodedata.normalize("NFC", text)).replace(",", " ").split()
             if w not in ("dong", "chan")]
    if not words or any(w not in NUMBER_WORDS for w in words):
        return None
    return _value(words)


def _value(words: list[str]) -> int | None:
    if not words:
        return 0
    scales = [(SCALES[w], i) for i, w in enumerate(words) if w in SCALES]
    if not scales:
        return _chunk(words)
    top = max(s for s, _ in scales)
    i = max(i for s, i in scales if s == top)
    left, right = words[:i], words[i + 1:]
    lv = _value(left) if left else 1
    if right == ["ruoi"]:
        rv = top // 2
    else:
        rv = _value(right)
    if lv is None or rv is None:
        return None
    return lv * top + rv


def _chunk(words: list[str]) -> int | None:
    n, i = 0, 0
    while i < len(words):
        w = words[i]
        nxt = words[i + 1] if i + 1 < len(words) else None
        if w in DIGITS:
            d = DIGITS[w]
            if nxt == "tram":
                n += d * 100
                i += 2
                continue
            if nxt == "muoi":
                n += d * 10
                i += 2
                continue
            n += d
        elif w == "muoi":
            n += 10
        elif w == "tram":
            n = (n or 1) * 100
        elif w in ("linh", "le"):
            pass
        else:
            return None
        i += 1
    return n


def _digits_value(intpart: str, frac: str | None, scale_word: str | None) -> int | None:
    number = int(intpart.replace(".", ""))
    scale = SCALES.get(fold(scale_word), 1) if scale_word else 1
    if frac:
        if scale == 1:
            return None  # "1.500,50 đồng": not whole đồng
        value = number * scale + int(frac.ljust(3, "0")[:3]) * scale // 1000
    else:
        value = number * scale
    return value


def find_amounts(text: str) -> list[tuple[int, int, int, str]]:
    """Every amount of money in ``text``: (value, start, end, how) with how ∈ figures, words.

    An amount in figures followed by the same amount in words in brackets counts once."""
    found: list[tuple[int, int, int, str]] = []
    for m in _FIGURES.finditer(text):
        value = _digits_value(m.group(1), m.group(2), m.group(3))
        if value is not None:
            found.append((value, m.start(), m.end(), "figures"))
    # Words: the longest run of number words just before "đồng".
    for m in re.finditer(r"đồng", text):
        before = text[max(0, m.start() - 160):m.start()]
        tokens = list(re.finditer(r"[^\W\d_]+", before))
        tail = []
        edge = len(before)
        for tok in reversed(tokens):
            # Only number words right before "đồng", with nothing but spaces or commas between them
            # ("… Âu Văn Bảy 25.000.000 đồng" is a name, then a figure).
            if fold(tok.group()) in NUMBER_WORDS and not before[tok.end():edge].strip(" ,"):
                tail.insert(0, tok)
                edge = tok.start()
            else:
                break
        if not tail:
            continue
        value = words_to_number(" ".join(t.group() for t in tail))
        if not value:
            continue
        start = max(0, m.start() - 160) + tail[0].start()
        if any(s <= start < e for _v, s, e, _h in found):
            continue
        # Words that repeat a figure just before them ("150.000.000 đồng (Một trăm … đồng)") count once.
        if any(v == value and 0 <= start - e <= 4 for v, _s, e, _h in found):
            continue
        found.append((value, start, m.end(), "words"))
    found.sort(key=lambda x: x[1])
    return found
