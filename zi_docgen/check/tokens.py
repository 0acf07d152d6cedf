"""Tokenising text for the spell checker: which stretches are words, and where they are."""
from __future__ import annotations

import re
from typing import Iterator

_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2019": "'", "\u02bc": "'"})
_SPAN_RE = re.compile(r"\S+")
_TOKEN_RE = re.compile(r"\w+(?:[-\u2010\u2011'\u2019]\w+)*")
_URL_RE = re.compile(r"(?:^|[(\[<\"'])(?:[a-z][a-z0-9+.\-]*://|www\.)|\w@\w", re.IGNORECASE)
_ID_SEPARATORS = re.compile(r"[/.:_#\\]")
_EDGE_PUNCT = "()[]{}<>\"'“”‘’«»,;:!?.…*"
# PUEBI: a prefix before a capitalised word takes a hyphen (se-Indonesia)
_CAPITAL_PREFIX_RE = re.compile(r"(?i:se|non|pan|pra|pro|anti|pasca|antar)-(?=[^\W\d_])")
_ROMAN_RE = re.compile(r"M{0,4}(?:CM|CD|D?C{0,3})(?:XC|XL|L?X{0,3})(?:IX|IV|V?I{0,3})")


def _is_title(word: str) -> bool:
    return word[:1].isupper() and (len(word) == 1 or word[1:].islower())


def _is_roman(token: str) -> bool:
    if token.isupper():
        return bool(_ROMAN_RE.fullmatch(token))
    if token.islower() and len(token) <= 4:  # list markers i, ii, iv, ...
        return bool(_ROMAN_RE.fullmatch(token.upper()))
    return False


def _is_dotted_abbreviation(span: str) -> bool:
    """S.H., M.Si., Tk.I, a.n., u.p., S.Kom -- but not 'berlaku.Dengan'."""
    pieces = span.rstrip(".").split(".")
    if len(pieces) < 2 or not all(p.isalpha() and len(p) <= 4 for p in pieces):
        return False
    return all(p[0].isupper() for p in pieces) or all(len(p) <= 2 for p in pieces)


def iter_words(text: str) -> Iterator[tuple[str, int]]:
    """Words of ``text`` to spell-check, with their offsets.

    Skipped: URLs, e-mail addresses, identifiers such as decree numbers
    (``3/PP.01.2-Kpt/05/Prov/2024``), dotted abbreviations (``S.H.``,
    ``M.Si.``), numbers, words containing digits or underscores, single
    letters and roman numerals.  Slashes separate words (``Kabupaten/Kota``);
    hyphens and apostrophes inside a word keep it together (``Undang-Undang``).
    """
    for span_match in _SPAN_RE.finditer(text):
        span = span_match.group()
        core = span.strip(_EDGE_PUNCT)
        if not core:
            continue
        if _URL_RE.search(span):
            continue
        has_digit = any(c.isdigit() for c in core)
        if has_digit and _ID_SEPARATORS.search(core) and any(c.isalpha() for c in core):
            continue
        if "." in core and _is_dotted_abbreviation(core):
            continue
        base = span_match.start()
        for m in _TOKEN_RE.finditer(span):
            token = m.group()
            if len(token) < 2 or "_" in token or any(c.isdigit() for c in token):
                continue
            if _is_roman(token):
                continue
            yield token, base + m.start()
