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

import difflib
from dataclasses import dataclass

from ..errors import Src
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
    parent: str                  # container, for telling moves from shifts
    id: str
    label: str
    text: str
    src: Src | None
    cells: tuple[str, ...] | None = None


def _flatten(decree, regulation_ids: set[str]) -> dict[str, _Entry]:
    """Every item of the resolved decree, keyed by id, in reading order."""
    out: dict[str, _Entry] = {}
    area_ids = {a.id for a in decree.areas}

    def add(part: str, section: str, parent: str, iid: str, label: str, text: str, src: Src | None,
            group: str = "", group_title: str = "", cells: tuple[str, ...] | None = None) -> None:
        key = f"{part}:{iid}"
        if key in out:  # ids are unique per document; generated ones could still meet
            key = f"{part}:{parent}/{iid}"
        out[key] = _Entry(section, group, group_title, f"{part}:{parent}", iid, label, text, src, cells)

    s = decree.srcs
    add("k", "keputusan", "", "title", "", decree.title, s.get("title"))
    add("k", "keputusan", "", "nomor", "", decree.number, s.get("number"))
    add("k", "keputusan", "", "tanggal", "", decree.date_text, s.get("date"))
    add("k", "keputusan", "", "penandatangan-jabatan", "", decree.signer_jabatan, s.get("ketua"))
    add("k", "keputusan", "", "penandatangan", "", decree.signer_name, s.get("ketua"))
    add("k", "keputusan", "", "salinan-jabatan", "", decree.salinan_jabatan, s.get("salinan"))
    add("k", "keputusan", "", "salinan-nama", "", decree.salinan_name, s.get("salinan"))
    for section, items in (("menimbang", decree.menimbang), ("mengingat", decree.mengingat),
                           ("diktum", decree.diktum)):
        for it in items:
            add("k", section, section, it.id, it.label, it.text, it.src)

    for i, line in enumerate(decree.cover):
        add("l", "lampiran", "cover", f"cover-{i + 1}", "", line, s.get("cover"))

    def items(parent: str, its, section: str, group: str, title: str) -> None:
        for it in its:
            add("l", section, parent, it.id, it.label, it.full_text, it.src, group, title)
            items(it.id, it.items, section, group, title)

    def blocks(parent: str, bs, section: str, group: str = "", title: str = "") -> None:
        for b in bs:
            sec = section
            if b.generated == "dasar_hukum":
                sec = "dasar_hukum"
            text = b.text if b.kind in ("para", "heading") else ("[figure]" if b.kind == "figure" else "")
            add("l", sec, parent, b.id, "", text, b.src, group, title)
            items(b.id, b.items, sec, group, title)

    blocks("kata-pengantar", decree.kata_pengantar, "lampiran")
    for ch in (*decree.chapters, decree.penutup):
        add("l", "lampiran", "chapters", ch.id, f"BAB {ch.label}", ch.title, ch.src)
        blocks(ch.id, ch.blocks, "lampiran")
        for sec in ch.sections:
            if sec.id in area_ids:
                title = sec.title
                add("l", "area", ch.id, sec.id, sec.label, sec.title, sec.src, sec.id, title)
                blocks(sec.id, sec.blocks, "area", sec.id, title)
            else:
                add("l", "lampiran", ch.id, sec.id, sec.label, sec.title, sec.src)
                blocks(sec.id, sec.blocks, "lampiran")

    add("l", "targets", "targets", "targets-title", "", decree.targets_title, s.get("targets_title"))
    for g in decree.targets:
        title = f"{g.label} {g.name}"
        add("l", "targets", "targets", f"targets-{g.area_id}", g.label, g.name, g.src, g.area_id, title)
        for r in g.rows:
            add("l", "targets", f"targets-{g.area_id}", r.id, r.no, r.label, r.src, g.area_id, title, r.cells)
    return out


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
        return f"from {o.group_title or SECTIONS[o.section]}"
    return "from another list" if o.parent != n.parent else "within its list"


def _src_text(src: Src | None) -> str:
    return str(src) if src else ""


def compare_decrees(old, new, regulation_ids: set[str]) -> list[Change]:
    """Changes from one resolved Decree to another, aligned by item id, in reading order."""
    from ..load.model import MONTHS

    a, b = _flatten(old, regulation_ids), _flatten(new, regulation_ids)
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
        changes.append(Change(e.section, "removed", e.id, e.group, e.group_title, old_label=e.label,
                              old_text=_shown(e.text), row=_shown(e.text) if e.cells is not None else "",
                              cells=e.cells or (), old_src=_src_text(e.src)))

    for k in removed_after.get(None, []):
        removed(k)
    for k, n in b.items():
        o = a.get(k)
        if o is None:
            changes.append(Change(n.section, "added", n.id, n.group, n.group_title, new_label=n.label,
                                  new_text=_shown(n.text), row=_shown(n.text) if n.cells is not None else "",
                                  cells=n.cells or (), new_src=_src_text(n.src)))
        else:
            common = dict(section=n.section, id=n.id, group=n.group, group_title=n.group_title,
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
