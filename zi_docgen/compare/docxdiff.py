"""Document-level diff of two DOCX files (paragraph and table-cell text).

The inputs may be hand-typed in Word rather than produced by this tool, so the
comparison works on the text Word shows (runs, tabs, breaks; zi_docgen.ooxml.xml)
and ignores run boundaries, proofing marks and bookmarks, which Word scatters
arbitrarily. Files are opened through zi_docgen.ooxml.reading: bounded, and an
error names the file that is broken.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from lxml import etree

from ..ooxml.reading import open_document
from ..ooxml.xml import block_children, paragraph_text, row_cells, table_rows, w
from .align import WordOp, align, normalise, word_diff


@dataclass(frozen=True)
class Block:
    """One paragraph, or one paragraph of a table cell."""

    key: str  # position-based address, e.g. "p17" or "t2.r3.c4.p0"
    text: str


@dataclass(frozen=True)
class BlockChange:
    kind: str  # "changed" | "inserted" | "deleted"
    old: Block | None
    new: Block | None
    words: tuple[WordOp, ...] = ()


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
    return open_document(path).element.body


def docx_blocks(path: Path) -> list[Block]:
    """All paragraphs in body order, tables expanded cell by cell (nested too)."""
    return container_blocks(load_body(Path(path)))


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
    # Each file is read (and, if broken, blamed) on its own, OLD first.
    old_blocks = docx_blocks(Path(old))
    return diff_blocks(old_blocks, docx_blocks(Path(new)))
