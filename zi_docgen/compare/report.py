"""The report model of `zi-docgen diff`: changes, their sections and groups.

Every change is in one of three groups: content (added, removed, moved,
reworded items and changed cells); year (the text differs only by OLD's year
becoming NEW's year); renumbered (same text, only the label moved on because an
item before it came or went).
"""
from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..i18n import N_
from .align import WordOp

# Report sections, in the order a reader meets them in the decree (shown through _()).
SECTIONS: dict[str, str] = {
    "keputusan": N_("Keputusan: title, number, date, signatures"),
    "menimbang": N_("Menimbang (considerations)"),
    "mengingat": N_("Mengingat (legal bases of the Keputusan)"),
    "diktum": N_("Diktum"),
    "dasar_hukum": N_("Dasar Hukum (legal bases in the Lampiran)"),
    "area": N_("Rencana Aksi per area (Bab III)"),
    "targets": N_("Target table"),
    "lampiran": N_("Lampiran, other text"),
    "document": N_("Document"),
}
LEGAL_BASES = ("mengingat", "dasar_hukum")
GROUPS = {
    "content": N_("Changes of content"),
    "year": N_("Changed only by the year"),
    "renumbered": N_("Renumbered only (an item before them was added, removed or moved)"),
}

@dataclass(frozen=True)
class Change:
    section: str                 # a key of SECTIONS
    kind: str                    # added | removed | changed | amended | moved | relabelled | cell
    id: str                      # item id (data level) or block key (document level)
    group: str = ""              # area id within "area" and "targets"
    group_title: str = ""
    moved_from: str = ""         # "moved": where it was, in words
    old_label: str = ""
    new_label: str = ""
    old_text: str = ""
    new_text: str = ""
    words: tuple[WordOp, ...] = ()
    year_only: bool = False
    month: str = ""              # "cell": the month column
    row: str = ""                # "cell", rows: the row's label
    cells: tuple[str, ...] = ()  # added/removed target rows: their twelve cells
    old_src: str = ""
    new_src: str = ""
    # Data level: the node's address in the document tree, office:part/ids (resolve/document.py);
    # NEW's address, OLD's for a removed item.
    address: str = ""

    @property
    def category(self) -> str:
        if self.year_only:
            return "year"
        if self.kind == "relabelled":
            return "renumbered"
        return "content"

    def to_json(self) -> dict[str, Any]:
        d = dataclasses.asdict(self)
        d["words"] = [{"op": w.op, "text": w.text} for w in self.words]
        d["cells"] = list(self.cells)
        d["category"] = self.category
        return d


@dataclass
class Report:
    mode: str                    # "years" | "documents"
    old: str
    new: str
    changes: list[Change]
    office: str = ""
    office_name: str = ""
    redlines: list[dict[str, Any]] = field(default_factory=list)

    @property
    def identical(self) -> bool:
        return not self.changes

    def counts(self) -> dict[str, int]:
        out = {k: 0 for k in GROUPS}
        for c in self.changes:
            out[c.category] += 1
        out["total"] = len(self.changes)
        return out

    def to_json(self) -> dict[str, Any]:
        return {"mode": self.mode, "old": self.old, "new": self.new, "office": self.office or None,
                "identical": self.identical, "summary": self.counts(),
                "changes": [c.to_json() for c in self.changes], "redline": self.redlines}
