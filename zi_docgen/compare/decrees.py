"""Data-level comparison of two resolved decrees (two years of one office).

Both Decree models are compared item by item, aligned by id, never by position:
an item whose id is in both years is the same item, so a reworded item is
"changed", an item that went elsewhere is "moved" (another parent, or out of
order among its siblings), and an item whose text is the same but whose label
moved on because something before it was added or removed is "relabelled".
Legal bases (Mengingat, Dasar Hukum) are aligned by regulation id; a different
citation for the same id is "amended". Target table rows are aligned by id and
every changed cell (row × month) is its own change. Changed sentences carry a
word-level diff (align.word_diff).
"""
from __future__ import annotations

import dataclasses
import difflib
from dataclasses import dataclass

from ..errors import Src
from ..i18n import _
from ..resolve.decree import plain
from .align import WordOp, coalesce, is_year_only, word_diff
from .report import LEGAL_BASES, SECTIONS, Change


def _shown(text: str) -> str:
    """Text as the document shows it: without the *italics* markup."""
    return plain(text)


def _words(old: str, new: str) -> tuple[WordOp, ...]:
    a, b = _shown(old), _shown(new)
    if a == b:  # only the italics changed: show the markup so the change is visible
        a, b = old, new
    return word_diff(a, b)


@dataclass(frozen=True)
class _Entry:
    section: str
    group: str
    group_title: str
    parent: str                  # the parent's path, for telling moves from shifts
    id: str
    path: str                    # the node's path in the document tree (resolve/document.py)
    label: str
    text: str
    src: Src | None
    cells: tuple[str, ...] | None = None


# Nodes that are containers only: their text is empty or repeated by their children.
_CONTAINERS = {"document", "part", "menimbang", "mengingat", "diktum", "cover", "kata-pengantar"}


def _entries(decree) -> dict[str, _Entry]:
    """Every node of the decree's tree that a reader sees, keyed by its path, in reading order."""
    out: dict[str, _Entry] = {}

    def visit(node, section: str, group: str, title: str) -> None:
        kind = node.kind
        if kind in ("menimbang", "mengingat", "diktum"):
            section = kind
        elif node.part == "lampiran" and section == "lampiran":
            if node.role == "area":
                section, group, title = "area", node.id, node.text
            elif node.role == "legal-bases":
                section = "dasar_hukum"
            elif kind == "targets":
                section = "targets"
        if kind == "target-group":
            group, title = node.id, f"{node.label} {node.text}"
        if kind not in _CONTAINERS:
            label = f"BAB {node.label}" if kind == "chapter" else node.label
            text = (_("[figure]") if kind == "figure" else "" if kind == "list" else
                    node.full_text if kind == "item" else node.text)
            out[node.path] = _Entry(section, group, title, node.parent_path, node.id, node.path, label, text,
                                    node.src, node.cells)
        for child in node.children:
            visit(child, section, group, title)

    for part in decree.tree.children:
        visit(part, "keputusan" if part.id == "keputusan" else "lampiran", "", "")
    return out


def _align_moves(a: dict[str, _Entry], b: dict[str, _Entry]) -> dict[str, _Entry]:
    """OLD's entries keyed by NEW's path where an item (same part and id) went to another parent."""
    gone = {(e.path.split("/", 1)[0], e.id): k for k, e in a.items() if k not in b}
    came = {(e.path.split("/", 1)[0], e.id): k for k, e in b.items() if k not in a}
    renamed = {gone[key]: came[key] for key in gone.keys() & came.keys()}
    if not renamed:
        return a
    # A moved container takes its children along: their parent is the one NEW knows.
    return {renamed.get(k, k): dataclasses.replace(e, parent=renamed.get(e.parent, e.parent)) for k, e in a.items()}


def _moved(old: dict[str, _Entry], new: dict[str, _Entry]) -> set[str]:
    """Keys of items that moved: another parent, or out of order among the siblings both years share."""
    common = [k for k in new if k in old]
    moved = {k for k in common if old[k].parent != new[k].parent}
    stay = [k for k in common if k not in moved]
    by_parent_old: dict[str, list[str]] = {}
    by_parent_new: dict[str, list[str]] = {}
    stay_set = set(stay)
    for k in old:
        if k in stay_set:
            by_parent_old.setdefault(old[k].parent, []).append(k)
    for k in stay:
        by_parent_new.setdefault(new[k].parent, []).append(k)

    for parent, b in by_parent_new.items():
        a = by_parent_old.get(parent, [])
        if a == b:
            continue
        sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
        kept = {b[m.b + i] for m in sm.get_matching_blocks() for i in range(m.size)}
        moved |= set(b) - kept
    return moved


def _moved_from(o: _Entry, n: _Entry) -> str:
    if (o.section, o.group_title) != (n.section, n.group_title):
        return _("from {place}").format(place=o.group_title or _(SECTIONS[o.section]))
    return "from another list" if o.parent != n.parent else "within its list"


def _src_text(src: Src | None) -> str:
    return str(src) if src else ""


def compare_decrees(old, new) -> list[Change]:
    """Changes from one resolved Decree to another, aligned by item id, in reading order."""
    from ..load.model import MONTHS

    b = _entries(new)
    a = _align_moves(_entries(old), b)
    moved = _moved(a, b)
    y0, y1 = old.year, new.year

    # Removed items are reported where they stood: after the nearest earlier item that NEW still has.
    removed_after: dict[str | None, list[str]] = {}
    last_kept: str | None = None
    for k in a:
        if k in b:
            last_kept = k
        else:
            removed_after.setdefault(last_kept, []).append(k)

    changes: list[Change] = []

    def removed(k: str) -> None:
        e = a[k]
        changes.append(Change(e.section, "removed", e.id, e.group, e.group_title, address=old.address(e.path),
                              old_label=e.label,
                              old_text=_shown(e.text), row=_shown(e.text) if e.cells is not None else "",
                              cells=e.cells or (), old_src=_src_text(e.src)))

    for k in removed_after.get(None, []):
        removed(k)
    for k, n in b.items():
        o = a.get(k)
        if o is None:
            changes.append(Change(n.section, "added", n.id, n.group, n.group_title, address=new.address(n.path),
                                  new_label=n.label,
                                  new_text=_shown(n.text), row=_shown(n.text) if n.cells is not None else "",
                                  cells=n.cells or (), new_src=_src_text(n.src)))
        else:
            common = dict(section=n.section, id=n.id, group=n.group, group_title=n.group_title,
                          address=new.address(n.path),
                          old_label=o.label, new_label=n.label, old_src=_src_text(o.src), new_src=_src_text(n.src))
            text_changed = o.text != n.text
            raw = _words(o.text, n.text) if text_changed else ()
            words = coalesce(raw)
            if k in moved:
                changes.append(Change(kind="moved", old_text=_shown(o.text), new_text=_shown(n.text),
                                      words=words, moved_from=_moved_from(o, n), **common))
            elif text_changed:
                kind = "amended" if n.section in LEGAL_BASES else "changed"
                changes.append(Change(kind=kind, old_text=_shown(o.text), new_text=_shown(n.text), words=words,
                                      year_only=is_year_only(raw, y0, y1), **common))
            elif o.label != n.label:
                changes.append(Change(kind="relabelled", old_text=_shown(o.text), new_text=_shown(n.text),
                                      **common))
            if o.cells is not None and n.cells is not None:
                for month, c0, c1 in zip(MONTHS, o.cells, n.cells):
                    if c0 != c1:
                        changes.append(Change(n.section, "cell", n.id, n.group, n.group_title,
                                              address=new.address(n.path),
                                              old_label=o.label, new_label=n.label, old_text=c0, new_text=c1,
                                              month=month, row=_shown(n.text), old_src=_src_text(o.src),
                                              new_src=_src_text(n.src)))
        for r in removed_after.get(k, []):
            removed(r)

    order = list(SECTIONS)
    groups: list[str] = []
    for c in changes:
        if c.group and c.group not in groups:
            groups.append(c.group)
    # Stable: within a section (and area) the reading order above is kept.
    changes.sort(key=lambda c: (order.index(c.section), groups.index(c.group) if c.group else -1))
    return changes
