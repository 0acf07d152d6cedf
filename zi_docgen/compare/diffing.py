"""`zi-docgen diff OLD NEW`: what changed between two years, or between two .docx files.

Two years (data level). Both years are resolved for one office and the two
Decree models are compared item by item, aligned by id, never by position: an
item whose id is in both years is the same item, so a reworded item is
"changed", an item that went elsewhere is "moved" (another parent, or out of
order among its siblings), and an item whose text is the same but whose label
moved on because something before it was added or removed is "relabelled".
Legal bases (Mengingat, Dasar Hukum) are aligned by regulation id; a different
citation for the same id is "amended". Target table rows are aligned by id and
every changed cell (row × month) is its own change. Changed sentences carry a
word-level diff (docxdiff.word_diff).

Every text with "Tahun {{ year }}" changes from one year to the next. Those are
real changes of the document and are reported, but apart: each change is in
one of three groups,

* content     added, removed, moved, reworded items and changed cells;
* year        the text differs only by OLD's year becoming NEW's year;
* renumbered  same text, only the label moved on (an item before it came or went).

Two .docx files (document level): paragraphs and table cells compared in order
with docxdiff.diff_docx; a paragraph deleted in one place and inserted with
the same text elsewhere is reported as moved. The year group then holds
paragraphs that differ only by one four-digit year replacing another.

Output: text (coloured on a terminal; on a pipe the word diff is written
[-deleted-]{+inserted+}), a self-contained side-by-side HTML report, or JSON.
Exit status like diff(1): 0 identical, 1 different, 2 trouble (ZiError).

--redline FILE.docx writes NEW with Word tracked changes against OLD
(redline.write_redline; author "zi-docgen", a fixed date, so the bytes depend
on the inputs only). For two .docx files that is FILE.docx. For two years the
office's documents of both years are rendered and the decree is delivered as
the two documents it is signed as: FILE.docx is the Keputusan and
FILE-lampiran.docx the Lampiran, both with tracked changes. Both are written
or neither (each goes to a temporary file first).
"""
from __future__ import annotations

import dataclasses
import difflib
import html
import json
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from rich.console import Console
from rich.text import Text

from .docxdiff import BlockChange, WordOp, diff_docx, normalise, word_diff
from ..errors import OutputError, Src, ZiError, display_path

DEFAULT_OFFICE = "prov-kalbar"
REDLINE_AUTHOR = "zi-docgen"
REDLINE_DATE = "2000-01-01T00:00:00Z"

# Report sections, in the order a reader meets them in the decree.
SECTIONS: dict[str, str] = {
    "keputusan": "Keputusan: title, number, date, signatures",
    "menimbang": "Menimbang (considerations)",
    "mengingat": "Mengingat (legal bases of the Keputusan)",
    "diktum": "Diktum",
    "dasar_hukum": "Dasar Hukum (legal bases in the Lampiran)",
    "area": "Rencana Aksi per area (Bab III)",
    "targets": "Target table",
    "lampiran": "Lampiran, other text",
    "document": "Document",
}
LEGAL_BASES = ("mengingat", "dasar_hukum")
GROUPS = {
    "content": "Changes of content",
    "year": "Changed only by the year",
    "renumbered": "Renumbered only (an item before them was added, removed or moved)",
}

_ANY_YEAR = re.compile(r"(?:19|20)\d\d")


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


# ---------------------------------------------------------------- helpers

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


def _shown(text: str) -> str:
    """Text as the document shows it: without the *italics* markup."""
    from ..resolve.decree import plain

    return plain(text)


def _words(old: str, new: str) -> tuple[WordOp, ...]:
    a, b = _shown(old), _shown(new)
    if a == b:  # only the italics changed: show the markup so the change is visible
        a, b = old, new
    return word_diff(a, b)


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


# ---------------------------------------------------------------- data level

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


def _resolve_pair(data: Path, old: int, new: int, office_id: str | None):
    """Both years' decrees for one office (default prov-kalbar, else the registry's first)."""
    from ..load.dataset import load_dataset
    from ..resolve.decree import resolve

    ds = load_dataset(Path(data))
    oid = office_id or (DEFAULT_OFFICE if DEFAULT_OFFICE in ds.offices else next(iter(ds.offices)))
    ds.office(oid)  # an unknown --satker is a DataError with a suggestion
    return ds, resolve(ds, old, oid), resolve(ds, new, oid)


def _year_report(ds, d0, d1) -> Report:
    return Report("years", str(d0.year), str(d1.year), compare_decrees(d0, d1, set(ds.regulations)),
                  office=d1.office.id, office_name=d1.office.short_name)


def diff_years(data: Path, old: int, new: int, office_id: str | None) -> Report:
    return _year_report(*_resolve_pair(data, old, new, office_id))


# ---------------------------------------------------------------- document level

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


def _check_docx(path: Path) -> None:
    import zipfile

    if not path.is_file():
        raise ZiError("file not found", Src.of(path), "give the path of a .docx file")
    if not zipfile.is_zipfile(path):
        raise ZiError("not a .docx file (not a zip package)", Src.of(path), "save it from Word as .docx")


def diff_documents(old: Path, new: Path) -> Report:
    for p in (old, new):
        _check_docx(p)
    try:
        blocks = diff_docx(old, new)
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise ZiError(f"cannot read the documents: {exc}", Src.of(old), "open and save them again in Word") from None
    return Report("documents", display_path(old), display_path(new), compare_documents(blocks))


# ---------------------------------------------------------------- redline

def lampiran_path(redline: Path) -> Path:
    """Where the Lampiran's redline goes when FILE.docx holds the Keputusan's."""
    return redline.with_name(f"{redline.stem}-lampiran{redline.suffix}")


def _write_redlines(pairs: list[tuple[Path, Path, Path]]) -> list[dict[str, Any]]:
    """(old, new, out) triples; every out is written, or none is."""
    from .redline import write_redline

    done: list[tuple[Path, Path, int]] = []
    try:
        for old, new, out in pairs:
            try:
                out.parent.mkdir(parents=True, exist_ok=True)
                fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
                os.close(fd)
            except OSError as exc:
                raise OutputError(f"cannot write: {exc.strerror or exc}", Src.of(out), "choose another --redline path") from None
            done.append((Path(tmp), out, 0))
            n = write_redline(old, new, Path(tmp), author=REDLINE_AUTHOR, date=REDLINE_DATE)
            done[-1] = (Path(tmp), out, n)
        for tmp, out, _ in done:
            try:
                os.replace(tmp, out)
            except OSError as exc:
                raise OutputError(f"cannot write: {exc.strerror or exc}", Src.of(out),
                                  "close the file in Word, or choose another --redline path") from None
    finally:
        for tmp, _, _ in done:
            if tmp.exists():
                tmp.unlink()
    return [{"file": display_path(out), "revisions": n} for _, out, n in done]


def redline_decrees(d0, d1, templates: Path, redline: Path) -> list[dict]:
    """Render one office's documents of both years; FILE.docx = Keputusan, FILE-lampiran.docx = Lampiran."""
    from ..render.renderer import Renderer

    renderer = Renderer(Path(templates))
    with tempfile.TemporaryDirectory(prefix="zi-docgen-redline-") as tmp:
        pairs = []
        for name, out in (("keputusan", redline), ("lampiran", lampiran_path(redline))):
            paths = []
            for side, d in (("old", d0), ("new", d1)):
                p = Path(tmp) / f"{name}-{side}.docx"
                p.write_bytes(renderer.render(d, name))
                paths.append(p)
            pairs.append((paths[0], paths[1], out))
        written = _write_redlines(pairs)
    for w, name in zip(written, ("keputusan", "lampiran")):
        w["document"] = name
    return written


# ---------------------------------------------------------------- output: text

_TRIM = 160     # equal stretches longer than this are shortened in the terminal
_KEEP = 60


def _trim(text: str) -> str:
    if len(text) <= _TRIM:
        return text
    return f"{text[:_KEEP]} … {text[-_KEEP:]}"


def _word_text(words: Iterable[WordOp], plain: bool, trim: bool = True) -> Text:
    t = Text()
    ops = list(words)
    for i, w in enumerate(ops):
        if w.op == "equal":
            s = w.text
            if trim and len(s) > _TRIM:
                s = (s[-_KEEP:] if i == 0 else s[:_KEEP] if i == len(ops) - 1 else _trim(s))
                s = ("…" + s) if i == 0 else (s + "…") if i == len(ops) - 1 else s
            t.append(s)
        elif w.op == "delete":
            t.append(f"[-{w.text}-]" if plain else w.text, style="red strike")
        else:
            t.append(f"{{+{w.text}+}}" if plain else w.text, style="green underline")
    return t


_MONTH_NAMES = dict(jan="Jan", feb="Feb", mar="Mar", apr="Apr", mei="Mei", jun="Jun", jul="Jul", agt="Agt",
                    sep="Sep", okt="Okt", nov="Nov", des="Des")


def _label(c: Change) -> str:
    if c.old_label and c.new_label and c.old_label != c.new_label:
        return f"{c.old_label}→{c.new_label}"
    return c.new_label or c.old_label


def _cells_text(cells: tuple[str, ...]) -> str:
    from ..load.model import MONTHS

    filled = [f"{_MONTH_NAMES[m]} {v}" for m, v in zip(MONTHS, cells) if v]
    return ", ".join(filled) if filled else "no values"


def _where(c: Change) -> str:
    return " ".join(x for x in (_label(c), f"({c.id})") if x)


def _change_line(c: Change, plain: bool) -> Text:
    marks = {"added": ("+ added", "green"), "removed": ("- removed", "red"), "changed": ("~ changed", "yellow"),
             "amended": ("~ amended", "yellow"), "moved": ("> moved", "cyan"), "relabelled": ("# relabelled", "dim"),
             "cell": ("~ cell", "yellow")}
    head, style = marks[c.kind]
    t = Text("  ")
    t.append(f"{head:<12}", style=style)
    if c.kind == "cell":
        t.append(f"{c.row} ({c.id}) × {_MONTH_NAMES.get(c.month, c.month)}: ")
        t.append(c.old_text or "blank", style="red")
        t.append(" → ")
        t.append(c.new_text or "blank", style="green")
        return t
    t.append(_where(c) + ": ")
    if c.kind == "added":
        t.append(c.new_text, style="green")
    elif c.kind == "removed":
        t.append(c.old_text, style="red")
    elif c.words:
        t.append_text(_word_text(c.words, plain))
    else:
        t.append(_trim(c.new_text))
    if c.cells and c.kind in ("added", "removed"):
        t.append(f" [{_cells_text(c.cells)}]")
    if c.kind == "moved" and c.moved_from:
        t.append(f"  (moved {c.moved_from})", style="dim")
    return t


def _heading(c: Change) -> str:
    title = SECTIONS[c.section]
    return f"{title}: {c.group_title}" if c.group_title and c.section in ("area", "targets") else title


def print_text(report: Report, console: Console) -> None:
    plain = console.color_system is None
    if report.mode == "years":
        head = f"zi-docgen diff {report.old} → {report.new}, {report.office_name} ({report.office})"
    else:
        head = f"zi-docgen diff {report.old} → {report.new}"
    console.print(Text(head, style="bold"))
    counts = report.counts()
    if report.identical:
        console.print(Text("No differences."))
    else:
        yr = f" ({report.old} → {report.new})" if report.mode == "years" else ""
        console.print(Text(f"Summary: {counts['content']} change(s) of content, {counts['year']} changed only by "
                           f"the year{yr}, {counts['renumbered']} renumbered only."))
    content = [c for c in report.changes if c.category == "content"]
    if content:
        console.print()
        console.print(Text(GROUPS["content"], style="bold underline"))
        last = None
        for c in content:
            h = _heading(c)
            if h != last:
                console.print(Text(h, style="bold"))
                last = h
            console.print(_change_line(c, plain), soft_wrap=True)
    for cat in ("year", "renumbered"):
        items = [c for c in report.changes if c.category == cat]
        if not items:
            continue
        console.print()
        console.print(Text(f"{GROUPS[cat]}: {len(items)}", style="bold underline"))
        by_heading: dict[str, list[str]] = {}
        for c in items:
            by_heading.setdefault(_heading(c), []).append(_where(c))
        for h, where in by_heading.items():
            line = Text("  ")
            line.append(f"{h}: ", style="bold")
            line.append(", ".join(where))
            console.print(line, soft_wrap=True)
    for r in report.redlines:
        console.print(Text(f"redline: wrote {r['file']} ({r['revisions']} tracked change(s))"))


# ---------------------------------------------------------------- output: HTML

_CSS = """
body{font-family:"Bookman Old Style",Georgia,serif;margin:2em;color:#222}
h1{font-size:1.3em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #999}
h3{font-size:1em;margin:1.2em 0 .3em}
table{border-collapse:collapse;width:100%;table-layout:fixed}
td,th{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left;overflow-wrap:anywhere}
th.w,td.w{width:18%}th.k,td.k{width:8%}
del{background:#fdd;color:#900}ins{background:#dfd;color:#060;text-decoration:none;border-bottom:1px solid #060}
.added{background:#f3fff3}.removed{background:#fff3f3}.src{color:#777;font-size:.8em}
summary{cursor:pointer;font-weight:bold}
"""


def _e(s: str) -> str:
    return html.escape(s, quote=True)


def _html_sides(c: Change) -> tuple[str, str]:
    if c.kind == "cell":
        return _e(c.old_text or "blank"), _e(c.new_text or "blank")
    if c.kind == "added":
        return "", f"<ins>{_e(c.new_text)}</ins>"
    if c.kind == "removed":
        return f"<del>{_e(c.old_text)}</del>", ""
    if not c.words:
        return _e(c.old_text), _e(c.new_text)
    old = "".join(_e(w.text) if w.op == "equal" else f"<del>{_e(w.text)}</del>" for w in c.words if w.op != "insert")
    new = "".join(_e(w.text) if w.op == "equal" else f"<ins>{_e(w.text)}</ins>" for w in c.words if w.op != "delete")
    return old, new


def _html_rows(changes: list[Change]) -> list[str]:
    out: list[str] = []
    last = None
    for c in changes:
        h = _heading(c)
        if h != last:
            if last is not None:
                out.append("</table>")
            out.append(f"<h3>{_e(h)}</h3>")
            out.append('<table><tr><th class="k">change</th><th class="w">where</th><th>old</th><th>new</th></tr>')
            last = h
        old, new = _html_sides(c)
        where = f"{c.row} × {_MONTH_NAMES.get(c.month, c.month)}" if c.kind == "cell" else _where(c)
        if c.moved_from:
            where += f" (moved {c.moved_from})"
        if c.cells and c.kind in ("added", "removed"):
            cells = f'<div class="src">{_e(_cells_text(c.cells))}</div>'
            old, new = (old + cells, new) if c.kind == "removed" else (old, new + cells)
        src = " → ".join(dict.fromkeys(s for s in (c.old_src, c.new_src) if s))
        out.append(f'<tr class="{_e(c.kind)}"><td class="k">{_e(c.kind)}</td><td class="w">{_e(where)}'
                   f'{f"<div class=src>{_e(src)}</div>" if src else ""}</td><td>{old}</td><td>{new}</td></tr>')
    if last is not None:
        out.append("</table>")
    return out


def to_html(report: Report) -> str:
    title = f"zi-docgen diff {report.old} → {report.new}"
    if report.office:
        title += f", {report.office_name} ({report.office})"
    counts = report.counts()
    parts = ["<!DOCTYPE html>", '<html lang="id"><head><meta charset="utf-8">',
             f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>", f"<h1>{_e(title)}</h1>"]
    if report.identical:
        parts.append("<p>No differences.</p>")
    else:
        parts.append(f"<p>{counts['content']} change(s) of content, {counts['year']} changed only by the year, "
                     f"{counts['renumbered']} renumbered only.</p>")
    for r in report.redlines:
        parts.append(f"<p>Redline written: {_e(r['file'])} ({r['revisions']} tracked change(s)).</p>")
    for cat in GROUPS:
        items = [c for c in report.changes if c.category == cat]
        if not items:
            continue
        if cat == "content":
            parts.append(f"<h2>{_e(GROUPS[cat])}</h2>")
            parts += _html_rows(items)
        else:
            # Collapsed: real changes of the document, but not what a reviewer looks for first.
            parts.append(f"<details><summary>{_e(GROUPS[cat])}: {len(items)}</summary>")
            parts += _html_rows(items)
            parts.append("</details>")
    parts.append("</body></html>")
    return "\n".join(parts) + "\n"


# ---------------------------------------------------------------- entry point

_YEAR_ARG = re.compile(r"^\d{4}$")


def _arg_kind(arg: str) -> str:
    if arg.lower().endswith(".docx"):
        return "docx"
    if _YEAR_ARG.match(arg):
        return "year"
    raise ZiError(f"'{arg}' is neither a year nor a .docx file", None,
                  "e.g. zi-docgen diff 2026 2027, or zi-docgen diff old.docx new.docx")


def run_diff(old: str, new: str, *, data: Path, satker: str | None, fmt: str, redline: Path | None,
             templates: Path, console: Console) -> int:
    """Compare two years or two .docx files; print the report in `fmt`; 0 identical, 1 different."""
    kinds = {_arg_kind(old), _arg_kind(new)}
    if len(kinds) != 1:
        raise ZiError(f"cannot compare '{old}' with '{new}'", None, "give two years or two .docx files")
    if fmt not in ("text", "html", "json"):
        raise ZiError(f"unknown format '{fmt}'", None, "use text, html or json")
    if redline is not None and redline.suffix.lower() != ".docx":
        raise ZiError("the redline file must end in .docx", Src.of(redline), "e.g. --redline perubahan.docx")
    if kinds == {"year"}:
        ds, d0, d1 = _resolve_pair(data, int(old), int(new), satker)
        report = _year_report(ds, d0, d1)
        if redline is not None:
            report.redlines = redline_decrees(d0, d1, templates, redline)
    else:
        report = diff_documents(Path(old), Path(new))
        if redline is not None:
            report.redlines = _write_redlines([(Path(old), Path(new), redline)])
            report.redlines[0]["document"] = "document"
    if fmt == "json":
        _emit(console, json.dumps(report.to_json(), ensure_ascii=False, indent=2))
    elif fmt == "html":
        _emit(console, to_html(report))
    else:
        print_text(report, console)
    return 0 if report.identical else 1


def _emit(console: Console, text: str) -> None:
    # As a Text with soft wrap: no markup, no emoji codes, no line breaks added inside JSON strings.
    console.print(Text(text.rstrip("\n")), soft_wrap=True, highlight=False)
