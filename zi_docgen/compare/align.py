"""Alignment of two sequences of texts, and the word-level diff of two texts.

Used by the document diff (docxdiff), the data-level decree comparison (decrees)
and the Word redline (redline), so the three never disagree on what changed.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable, Sequence

# Pairing threshold for blocks in a replaced region: below it, a reworded
# paragraph reads better as a delete plus an insert than as a word soup.
SIMILARITY = 0.5

# Upper bound on ratio() calls per replaced region; a wholesale rewrite of a
# 600-paragraph decree must not turn pairing quadratic.
_PAIRING_BUDGET = 4000

_ANY_YEAR = re.compile(r"(?:19|20)\d\d")


@dataclass(frozen=True)
class WordOp:
    op: str  # "equal" | "insert" | "delete"
    text: str


# --------------------------------------------------------------------------
# Alignment

_WS = re.compile(r"\s+")


def normalise(text: str) -> str:
    return _WS.sub(" ", text).strip()


def _ratio(a: str, b: str) -> float:
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # The cheap upper bounds reject most non-pairs without the full LCS.
    if sm.real_quick_ratio() < SIMILARITY or sm.quick_ratio() < SIMILARITY:
        return 0.0
    return sm.ratio()


def _pair_region(
    a: Sequence[str], b: Sequence[str], a_kinds: Sequence[str] | None, b_kinds: Sequence[str] | None
) -> list[tuple[int | None, int | None]]:
    """Order-preserving greedy pairing inside one replaced region.

    Returns (i, j) pairs, (i, None) deletions and (None, j) insertions, in
    document order with deletions placed before insertions at the same spot.
    """
    n, m = len(a), len(b)
    half = max(1, _PAIRING_BUDGET // max(n, 1)) // 2
    pairs: list[tuple[int, int]] = []
    next_j = 0
    for i in range(n):
        if n * m <= _PAIRING_BUDGET:
            lo, hi = next_j, m
        else:
            # Search near the proportional position so large regions stay linear.
            centre = i * m // n
            lo = max(next_j, centre - half)
            hi = min(m, max(centre + half, lo + 1))
        best_j, best = None, SIMILARITY
        for j in range(lo, hi):
            if a_kinds is not None and b_kinds is not None and a_kinds[i] != b_kinds[j]:
                continue
            r = _ratio(a[i], b[j])
            if r >= best and (best_j is None or r > best):
                best_j, best = j, r
        if best_j is not None:
            pairs.append((i, best_j))
            next_j = best_j + 1
    out: list[tuple[int | None, int | None]] = []
    pi = pj = 0
    for i, j in pairs + [(n, m)]:
        out.extend((k, None) for k in range(pi, i))
        out.extend((None, k) for k in range(pj, j))
        if i < n:
            out.append((i, j))
        pi, pj = i + 1, j + 1
    return out


def align(
    a: Sequence[str],
    b: Sequence[str],
    a_kinds: Sequence[str] | None = None,
    b_kinds: Sequence[str] | None = None,
) -> list[tuple[str, int | None, int | None]]:
    """Align two sequences of (already normalised) texts.

    Yields ("equal", i, j), ("changed", i, j), ("delete", i, None) and
    ("insert", None, j) in document order. Optional kinds keep e.g. paragraphs
    from being paired with tables.
    """
    keyed_a = [f"{a_kinds[i]}\x00{t}" if a_kinds else t for i, t in enumerate(a)]
    keyed_b = [f"{b_kinds[j]}\x00{t}" if b_kinds else t for j, t in enumerate(b)]
    sm = difflib.SequenceMatcher(None, keyed_a, keyed_b, autojunk=False)
    ops: list[tuple[str, int | None, int | None]] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            ops.extend(("equal", i1 + k, j1 + k) for k in range(i2 - i1))
            continue
        region = _pair_region(
            a[i1:i2], b[j1:j2],
            a_kinds[i1:i2] if a_kinds else None, b_kinds[j1:j2] if b_kinds else None,
        )
        for i, j in region:
            if i is not None and j is not None:
                ops.append(("changed", i1 + i, j1 + j))
            elif i is not None:
                ops.append(("delete", i1 + i, None))
            else:
                ops.append(("insert", None, j1 + j))
    return ops


# --------------------------------------------------------------------------
# Word-level diff

# Words (letters/digits incl. Indonesian "-nya" joins are split at "-" on
# purpose, so a changed suffix shows as a small edit), whitespace runs, and
# single punctuation characters.
_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def tokenise(text: str) -> list[str]:
    return _TOKEN.findall(text)


def word_diff(a: str, b: str) -> tuple[WordOp, ...]:
    """Word-level diff; concatenating equal+delete gives `a`, equal+insert gives `b`."""
    ta, tb = tokenise(a), tokenise(b)
    sm = difflib.SequenceMatcher(None, ta, tb, autojunk=False)
    raw: list[WordOp] = []
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            raw.append(WordOp("equal", "".join(ta[i1:i2])))
            continue
        if i2 > i1:
            raw.append(WordOp("delete", "".join(ta[i1:i2])))
        if j2 > j1:
            raw.append(WordOp("insert", "".join(tb[j1:j2])))
    return _merge(raw)


def _merge(ops: list[WordOp]) -> tuple[WordOp, ...]:
    out: list[WordOp] = []
    for op in ops:
        if not op.text:
            continue
        if out and out[-1].op == op.op:
            out[-1] = WordOp(op.op, out[-1].text + op.text)
        elif (
            len(out) >= 2
            and {op.op, out[-1].op} == {"insert", "delete"}
            and out[-2].op == op.op
        ):
            # delete/insert/delete collapses to delete/insert so each changed
            # stretch reads as one replacement.
            out[-2] = WordOp(op.op, out[-2].text + op.text)
        else:
            out.append(op)
    return tuple(out)




def is_year_only(words: Iterable[WordOp], old_year: int | None = None, new_year: int | None = None) -> bool:
    """True when every difference is one year replaced by another (OLD's by NEW's when given)."""
    changed = [w for w in words if w.op != "equal"]
    if not changed or len(changed) % 2:
        return False
    for a, b in zip(changed[::2], changed[1::2]):
        if {a.op, b.op} != {"delete", "insert"}:
            return False
        gone, came = (a.text, b.text) if a.op == "delete" else (b.text, a.text)
        if old_year is not None:
            if gone != str(old_year) or came != str(new_year):
                return False
        elif not (_ANY_YEAR.fullmatch(gone) and _ANY_YEAR.fullmatch(came)):
            return False
    return True


def coalesce(words: Iterable[WordOp]) -> tuple[WordOp, ...]:
    """Fold a lone space between two changed stretches into them.

    word_diff keeps spaces as equal tokens, so "5 Januari 2026" → "[Tanggal
    penetapan]" reads as three interleaved replacements; one replacement is
    what a reviewer sees. Concatenation is preserved (equal+delete = old,
    equal+insert = new).
    """
    out = list(words)
    # Gather runs of non-equal ops separated only by whitespace equal ops.
    merged: list[WordOp] = []
    j = 0
    while j < len(out):
        if out[j].op == "equal":
            merged.append(out[j])
            j += 1
            continue
        dels: list[str] = []
        inss: list[str] = []
        k = j
        while k < len(out):
            if out[k].op == "delete":
                dels.append(out[k].text)
            elif out[k].op == "insert":
                inss.append(out[k].text)
            elif (not out[k].text.strip() and k + 1 < len(out) and out[k + 1].op != "equal"
                  and any(o.op == "delete" for o in out[j:k]) and any(o.op == "insert" for o in out[j:k])):
                # A space inside a replacement belongs to both sides.
                dels.append(out[k].text)
                inss.append(out[k].text)
            else:
                break
            k += 1
        if dels:
            merged.append(WordOp("delete", "".join(dels)))
        if inss:
            merged.append(WordOp("insert", "".join(inss)))
        j = k
    return tuple(merged)
