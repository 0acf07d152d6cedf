"""Document-level diff of two DOCX files (paragraph and table-cell text).

The inputs may be hand-typed in Word rather than produced by this tool, so the
comparison works on the text Word shows (runs, tabs, breaks) and ignores run
boundaries, proofing marks and bookmarks, which Word scatters arbitrarily.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator, Sequence

from docx import Document
from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
MC_NS = "http://schemas.openxmlformats.org/markup-compatibility/2006"


def w(tag: str) -> str:
    return f"{{{W_NS}}}{tag}"


# Pairing threshold for blocks in a replaced region: below it, a reworded
# paragraph reads better as a delete plus an insert than as a word soup.
SIMILARITY = 0.5

# Upper bound on ratio() calls per replaced region; a wholesale rewrite of a
# 600-paragraph decree must not turn pairing quadratic.
_PAIRING_BUDGET = 4000


@dataclass(frozen=True)
class Block:
    """One paragraph, or one paragraph of a table cell."""

    key: str  # position-based address, e.g. "p17" or "t2.r3.c4.p0"
    text: str


@dataclass(frozen=True)
class WordOp:
    op: str  # "equal" | "insert" | "delete"
    text: str


@dataclass(frozen=True)
class BlockChange:
    kind: str  # "changed" | "inserted" | "deleted"
    old: Block | None
    new: Block | None
    words: tuple[WordOp, ...] = ()


# --------------------------------------------------------------------------
# Text extraction

# Content under these belongs to a different story (text boxes, VML fallbacks)
# or to an existing deletion, so it is not part of the paragraph's visible text.
_SKIP_SUBTREES = frozenset(
    {w("del"), w("moveFrom"), w("drawing"), w("pict"), w("object"), w("txbxContent"),
     f"{{{MC_NS}}}AlternateContent", w("pPr"), w("rPr")}
)


def run_child_text(el: etree._Element) -> str:
    """Text Word shows for one run child, following python-docx's Run.text rules."""
    tag = el.tag
    if tag == w("t"):
        return el.text or ""
    if tag in (w("tab"), w("ptab")):
        return "\t"
    if tag == w("br"):
        # Page and column breaks do not break the line of text itself.
        return "" if el.get(w("type")) in ("page", "column") else "\n"
    if tag == w("cr"):
        return "\n"
    if tag == w("noBreakHyphen"):
        return "-"
    return ""


def paragraph_text(p: etree._Element) -> str:
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        for child in el:
            if not isinstance(child.tag, str) or child.tag in _SKIP_SUBTREES:
                continue
            if el.tag == w("r"):
                parts.append(run_child_text(child))
            else:
                walk(child)

    walk(p)
    return "".join(parts)


def block_children(container: etree._Element) -> Iterator[etree._Element]:
    """Paragraphs and tables of a body or cell, looking through content controls.

    Word wraps whole sections in w:sdt (cover pages, form fields); their content
    is still part of the document flow.
    """
    for child in container:
        if child.tag in (w("p"), w("tbl")):
            yield child
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                yield from block_children(content)
        elif child.tag in (w("customXml"), w("ins"), w("moveTo")):
            yield from block_children(child)


def table_rows(tbl: etree._Element) -> list[etree._Element]:
    rows: list[etree._Element] = []
    for child in tbl:
        if child.tag == w("tr"):
            rows.append(child)
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                rows.extend(c for c in content if c.tag == w("tr"))
    return rows


def row_cells(tr: etree._Element) -> list[etree._Element]:
    cells: list[etree._Element] = []
    for child in tr:
        if child.tag == w("tc"):
            cells.append(child)
        elif child.tag == w("sdt"):
            content = child.find(w("sdtContent"))
            if content is not None:
                cells.extend(c for c in content if c.tag == w("tc"))
    return cells


def container_blocks(container: etree._Element, prefix: str = "") -> list[Block]:
    blocks: list[Block] = []
    n_p = n_t = 0
    for el in block_children(container):
        if el.tag == w("p"):
            blocks.append(Block(f"{prefix}p{n_p}", paragraph_text(el)))
            n_p += 1
        else:
            blocks.extend(table_blocks(el, f"{prefix}t{n_t}"))
            n_t += 1
    return blocks


def table_blocks(tbl: etree._Element, key: str) -> list[Block]:
    blocks: list[Block] = []
    for r, tr in enumerate(table_rows(tbl)):
        for c, tc in enumerate(row_cells(tr)):
            blocks.extend(container_blocks(tc, f"{key}.r{r}.c{c}."))
    return blocks


def load_body(path: Path) -> etree._Element:
    return Document(str(path)).element.body


def docx_blocks(path: Path) -> list[Block]:
    """All paragraphs in body order, tables expanded cell by cell (nested too)."""
    return container_blocks(load_body(Path(path)))


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


# --------------------------------------------------------------------------
# Document diff


def diff_blocks(old_blocks: Sequence[Block], new_blocks: Sequence[Block]) -> list[BlockChange]:
    # Whitespace-only paragraphs are layout (spacing between clauses), not content.
    a = [b for b in old_blocks if b.text.strip()]
    b = [b for b in new_blocks if b.text.strip()]
    changes: list[BlockChange] = []
    for op, i, j in align([normalise(x.text) for x in a], [normalise(x.text) for x in b]):
        if op == "changed":
            changes.append(BlockChange("changed", a[i], b[j], word_diff(a[i].text, b[j].text)))
        elif op == "delete":
            changes.append(BlockChange("deleted", a[i], None, ()))
        elif op == "insert":
            changes.append(BlockChange("inserted", None, b[j], ()))
    return changes


def diff_docx(old: Path, new: Path) -> list[BlockChange]:
    return diff_blocks(docx_blocks(Path(old)), docx_blocks(Path(new)))
