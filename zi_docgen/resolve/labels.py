"""Labels and cross-references, computed from positions: never typed in data."""
from __future__ import annotations

from ..load.model import Numbering


def letter(n: int) -> str:
    """1 → a, 26 → z, 27 → aa, 28 → bb: drafting practice doubles the letter after z."""
    if n < 1:
        raise ValueError(n)
    q, r = divmod(n - 1, 26)
    return chr(ord("a") + r) * (q + 1)


def roman(n: int) -> str:
    if not 0 < n < 4000:
        raise ValueError(n)
    out = []
    for value, sym in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                       (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        while n >= value:
            out.append(sym)
            n -= value
    return "".join(out)


def upper_letter(n: int) -> str:
    return letter(n).upper()


_ONES = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan")


def cardinal(n: int) -> str:
    """Indonesian cardinal words, 1 ≤ n < 1,000,000: 11 → sebelas, 125 → seratus dua puluh lima.

    Written here rather than with num2words, whose import (every language it
    knows) cost more start-up than the rest of resolve; tests/test_labels.py
    checks it against num2words.
    """
    if not 0 < n < 1_000_000:
        raise ValueError(n)
    thousands, rest = divmod(n, 1000)
    words = []
    if thousands:
        words.append("seribu" if thousands == 1 else f"{cardinal(thousands)} ribu")
    hundreds, rest = divmod(rest, 100)
    if hundreds:
        words.append("seratus" if hundreds == 1 else f"{_ONES[hundreds]} ratus")
    tens, ones = divmod(rest, 10)
    if tens == 1:
        words.append("sepuluh" if ones == 0 else "sebelas" if ones == 1 else f"{_ONES[ones]} belas")
    else:
        if tens:
            words.append(f"{_ONES[tens]} puluh")
        if ones:
            words.append(_ONES[ones])
    return " ".join(words)


def diktum(n: int) -> str:
    """1 → KESATU, 2 → KEDUA, 11 → KESEBELAS, 12 → KEDUA BELAS.

    A diktum is numbered with "ke-" + the cardinal (not the ordinal "pertama").
    """
    if n < 1:
        raise ValueError(n)
    return "KE" + cardinal(n).upper()


def item_label(numbering: Numbering, n: int) -> str:
    if numbering == "letter":
        return f"{letter(n)}."
    if numbering == "number":
        return f"{n}."
    if numbering == "paren":
        return f"{n})"
    raise ValueError(numbering)


def ref_kind(numbering: Numbering) -> str:
    return "huruf" if numbering == "letter" else "angka"


def join_refs(refs: list[str]) -> str:
    """['huruf a', 'huruf b', 'huruf c'] → 'huruf a, huruf b, dan huruf c'."""
    if not refs:
        return ""
    if len(refs) == 1:
        return refs[0]
    if len(refs) == 2:
        return f"{refs[0]} dan {refs[1]}"
    return ", ".join(refs[:-1]) + ", dan " + refs[-1]


def preceding_refs(numbering: Numbering, index: int) -> str:
    """The citation of all items before the one at 0-based `index`."""
    kind = ref_kind(numbering)
    return join_refs([f"{kind} {item_label(numbering, i).rstrip('.)')}" for i in range(1, index + 1)])


def join_list(words: list[str]) -> str:
    """['A', 'B', 'C'] → 'A, B, dan C' (running-text enumeration)."""
    if len(words) <= 2:
        return " dan ".join(words)
    return ", ".join(words[:-1]) + ", dan " + words[-1]
