"""Document-level report: two .docx files compared paragraph by paragraph (docxdiff).

A paragraph deleted in one place and inserted with the same text elsewhere is
reported as moved; the year group holds paragraphs that differ only by one
four-digit year replacing another.
"""
from __future__ import annotations

from pathlib import Path

from ..errors import display_path
from .align import coalesce, is_year_only, normalise
from .docxdiff import BlockChange, diff_docx
from .report import Change, Report


def compare_documents(blocks: list[BlockChange]) -> list[Change]:
    """docxdiff changes → report changes; a paragraph deleted here and inserted there is a move."""
    deleted: dict[str, list[int]] = {}
    for i, bc in enumerate(blocks):
        if bc.kind == "deleted":
            deleted.setdefault(normalise(bc.old.text), []).append(i)
    pair: dict[int, int] = {}           # inserted index → deleted index
    for j, bc in enumerate(blocks):
        if bc.kind == "inserted":
            key = normalise(bc.new.text)
            if deleted.get(key):
                pair[j] = deleted[key].pop(0)
    paired_deleted = set(pair.values())
    out: list[Change] = []
    for j, bc in enumerate(blocks):
        if j in paired_deleted:
            continue
        if j in pair:
            old = blocks[pair[j]].old
            out.append(Change("document", "moved", bc.new.key, old_label=old.key, new_label=bc.new.key,
                              old_text=old.text, new_text=bc.new.text))
        elif bc.kind == "changed":
            out.append(Change("document", "changed", bc.new.key, old_label=bc.old.key, new_label=bc.new.key,
                              old_text=bc.old.text, new_text=bc.new.text, words=coalesce(bc.words),
                              year_only=is_year_only(bc.words)))
        elif bc.kind == "inserted":
            out.append(Change("document", "added", bc.new.key, new_label=bc.new.key, new_text=bc.new.text))
        else:
            out.append(Change("document", "removed", bc.old.key, old_label=bc.old.key, old_text=bc.old.text))
    return out


def diff_documents(old: Path, new: Path) -> Report:
    return Report("documents", display_path(old), display_path(new), compare_documents(diff_docx(old, new)))
