"""Stage 2, resolve: validated data for one office and year → the decree as it will read.

Everything computed lives here: which items apply to the office's level, labels
(a., 1., 1), I, A., KESATU), cross-references, citations and their order, dates,
variables inside text, and the list of placeholders that make a draft.
The result is plain immutable data that render, check and diff all share.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Literal

from . import citations, labels
from .dates import long_date
from .document import BlockKind, Generated, Node, Role, address, build_tree, index, split_address
from ..errors import DataError, Src, did_you_mean
from ..i18n import _
from ..load.dataset import DataSet, build_common, legal_bases
from ..load.model import (Area, Block, Chapter, JdihInfo, ListItem, Numbering, Office, OfficeYear, Placeholder,
                          Regulation, TargetGroup, MONTHS)
from .textvars import expand
from .zona import HASIL_90_2021


@dataclass(frozen=True)
class RItem:
    id: str
    label: str
    text: str                      # final text; *words* are italics
    src: Src | None = None
    term: str = ""
    items: tuple["RItem", ...] = ()
    term_src: Src | None = None
    generated: Generated = ""      # what computed it (see document.Generated)
    role: Role = ""

    @property
    def full_text(self) -> str:
        return f"{self.term} {self.text}" if self.term else self.text


@dataclass(frozen=True)
class RBlock:
    id: str
    kind: BlockKind
    text: str = ""
    items: tuple[RItem, ...] = ()
    src: Src | None = None
    generated: Generated = ""      # what computed it (dasar_hukum, component_model, areas), if anything
    role: Role = ""                # what it is for (legal-bases, area-intro, …): rules read this


@dataclass(frozen=True)
class RSection:
    id: str
    label: str                     # "A."
    title: str
    blocks: tuple[RBlock, ...]
    src: Src | None = None
    generated: Generated = ""
    role: Role = ""


@dataclass(frozen=True)
class RChapter:
    id: str
    label: str                     # "I"
    title: str
    blocks: tuple[RBlock, ...]
    sections: tuple[RSection, ...]
    src: Src | None = None


@dataclass(frozen=True)
class RArea:
    id: str
    label: str                     # "I"
    name: str
    kind: Literal["pengungkit", "hasil"]
    src: Src | None = None
    name_src: Src | None = None


@dataclass(frozen=True)
class RTargetRow:
    id: str
    no: str
    label: str
    values: tuple[int | None, ...]  # 12 months, None = blank
    cumulative: bool
    src: Src | None = None
    month_srcs: tuple[Src | None, ...] = ()  # where each month's value is written (else the row)

    @property
    def cells(self) -> tuple[str, ...]:
        return tuple("" if v is None else f"{v}%" for v in self.values)


@dataclass(frozen=True)
class RTargetGroup:
    area_id: str
    label: str                     # "I."
    name: str
    rows: tuple[RTargetRow, ...]
    src: Src | None = None
    area_src: Src | None = None    # where the group names its area


@dataclass(frozen=True)
class PlaceholderUse:
    text: str
    src: Src | None
    # Where the value is written: the YAML key under src's file ("number", "team_decree.date",
    # "ketua.name"); "" when the placeholder sits in a text. file_missing: src's file does
    # not exist yet (an office without data/<year>/offices/<id>.yaml).
    field: str = ""
    file_missing: bool = False


@dataclass(frozen=True)
class Decree:
    office: Office
    year: int
    number: str
    date: dt.date | None
    date_text: str
    title: str
    menimbang: tuple[RItem, ...]
    mengingat: tuple[RItem, ...]
    diktum: tuple[RItem, ...]
    signer_name: str
    salinan_jabatan: str
    salinan_name: str
    cover: tuple[str, ...]
    kata_pengantar: tuple[RBlock, ...]
    chapters: tuple[RChapter, ...]
    penutup: RChapter
    areas: tuple[RArea, ...]
    hasil_names: tuple[str, ...]
    targets_title: str
    targets: tuple[RTargetGroup, ...]
    placeholders: tuple[PlaceholderUse, ...]
    srcs: dict[str, Src | None] = field(default_factory=dict, compare=False, repr=False)
    forced_draft: bool = False     # built with --draft despite check errors
    signer_jabatan: str = "Ketua"  # "Plh. Ketua" when someone signs for the ketua
    salinan_nip: str = ""
    tte: tuple[str, ...] = ()      # the electronic-signature statement, when the office signs with TTE
    logo: Path | None = None       # the heading's image, when the office has one
    jdih: JdihInfo | None = None   # what the JDIH record needs beyond the decree
    # Fields of the JDIH record nobody has written yet. They keep jdihn.json a draft, not the decree.
    jdih_missing: tuple[PlaceholderUse, ...] = ()

    @property
    def is_draft(self) -> bool:
        return bool(self.placeholders) or self.forced_draft

    @property
    def seat(self) -> str:
        return self.office.seat

    @property
    def number_line(self) -> str:
        """The number under the heading, in the office's style; the year is printed once."""
        if self.office.number_style == "naskah_dinas":
            return f"NOMOR: {self.number}"
        return f"NOMOR {self.number} TAHUN {self.year}"

    @property
    def heading_title(self) -> str:
        return f"KEPUTUSAN {self.office.name.upper()}"

    @property
    def jabatan(self) -> str:
        return f"{self.signer_jabatan.upper()} {self.office.name.upper()},"

    @property
    def menetapkan(self) -> str:
        return f"KEPUTUSAN {self.office.name.upper()} TENTANG {plain(self.title).upper()}."

    # ------------------------------------------------------------ the tree (see document.py)

    @functools.cached_property
    def tree(self) -> Node:
        """The decree as one tree of addressable nodes (built once, on first use)."""
        return build_tree(self)

    @functools.cached_property
    def _nodes(self) -> tuple[Node, ...]:
        return tuple(self.tree.walk())

    @functools.cached_property
    def _index(self) -> dict[str, Node]:
        return index(self._nodes)

    def walk(self) -> Iterator[Node]:
        """Every node in reading order (Keputusan, then Lampiran), the root first."""
        return iter(self._nodes)

    def find(self, addr: str) -> Node:
        """The node at an address ("office:part/id/…") or a path ("part/id/…"); KeyError if none."""
        office, path = split_address(addr)
        if office is not None and office != self.office.id:
            raise KeyError(f"{addr}: this decree is of '{self.office.id}'")
        return self._index[path]

    def get(self, addr: str) -> Node | None:
        try:
            return self.find(addr)
        except KeyError:
            return None

    def address(self, node: Node | str) -> str:
        """The full address of a node (or of a path) in this office's decree."""
        return address(self.office.id, node)


def plain(text: str) -> str:
    """Text without the *italics* markup."""
    from .markup import to_plain

    return to_plain(text)


# ---------------------------------------------------------------- resolving

class _Vars:
    """Attribute access for text variables (the sandbox reads attributes)."""

    def __init__(self, **kw: Any):
        self.__dict__.update(kw)

    def __str__(self) -> str:  # pragma: no cover - only reached by {{ decree }}
        raise DataError(_("a variable needs an attribute, e.g. {example}").format(example="{{ office.name }}"))


class _Resolver:
    def __init__(self, ds: DataSet, year: int, office: Office, oy: OfficeYear):
        self.ds, self.year, self.office, self.oy = ds, year, office, oy
        self.placeholders: list[PlaceholderUse] = []
        self.level = office.level

    def note(self, value: Any, src: Src | None, field: str = "", file_missing: bool = False) -> str:
        if isinstance(value, Placeholder):
            self.placeholders.append(PlaceholderUse(value.placeholder, value.src or src, field,
                                                    file_missing and value.src is None))
        return str(value)

    def text(self, text: str, src: Src | None, **extra: Any) -> str:
        variables = dict(self.base_vars)
        variables.update(extra)
        return expand(text, variables, src, on_value=lambda v: self.note(v, src))

    def applies(self, node: Any) -> bool:
        only = getattr(node, "only", None)
        return only is None or self.level in only


def resolve(ds: DataSet, year: int, office_id: str) -> Decree:
    office = ds.office(office_id)
    yd = ds.year(year)
    oy = yd.office_files.get(office_id) or OfficeYear()
    common, target_groups = build_common(ds, year, office_id)
    r = _Resolver(ds, year, office, oy)
    kep, lam = common.keputusan, common.lampiran
    # Where the office's own values for the year live (or would, once written).
    oy_src = oy.src or Src.of(yd.path / "offices" / f"{office_id}.yaml")
    # A key the file does not have yet is written anywhere in it: point at the file, not a line.
    oy_src = Src(oy_src.file)
    r.oy_src = oy_src

    number = oy.number if oy.number is not None else Placeholder(placeholder="Nomor Keputusan")
    date = oy.date if oy.date is not None else Placeholder(placeholder="Tanggal penetapan")
    r.oy_missing = oy.src is None
    # src_of falls back to the file's first key when the key is absent; a missing key points at the file.
    number_src = oy.src_of("number") if "number" in oy.model_fields_set else oy_src
    date_src = oy.src_of("date") if "date" in oy.model_fields_set else oy_src
    number_text = r.note(number, number_src, "number", r.oy_missing)
    date_text = (r.note(date, date_src, "date", r.oy_missing) if isinstance(date, Placeholder)
                 else long_date(date))
    if isinstance(date, dt.date) and date.year != year:
        raise DataError(_("the decree date {date} is not in {year}").format(date=date.isoformat(), year=year),
                        oy.src_of("date"), _("the year in the title must equal the year of signing"))
    if not isinstance(number, Placeholder):
        validate_number(str(number), office, year, date if isinstance(date, dt.date) else None,
                        oy.src_of("number") or oy_src)

    areas = [a for a in lam.areas if r.applies(a)]
    pengungkit = [a for a in areas if a.kind == "pengungkit"]
    r.base_vars = {
        "office": office,
        "year": year,
        "areas": _Vars(pengungkit=labels.join_list([a.name for a in pengungkit]),
                       hasil=" serta ".join(HASIL_90_2021)),
        "refs": _Vars(preceding=""),
    }
    title = r.text(kep.title, kep.src_of("title"))
    r.base_vars["decree"] = _Vars(title=title, number=number_text)

    # Keputusan
    menimbang_items = [m for m in kep.menimbang if r.applies(m)]
    menimbang = tuple(
        RItem(m.id, labels.item_label("letter", i + 1),
              r.text(m.text, m.src_of("text"), refs=_Vars(preceding=labels.preceding_refs("letter", i))),
              m.src_of("text"))
        for i, m in enumerate(menimbang_items))
    mengingat = _legal_bases(r, legal_bases(r.ds, year, office.id, "mengingat"), "mengingat")
    diktum_items = [d for d in kep.diktum if r.applies(d)]
    diktum = tuple(RItem(d.id, labels.diktum(i + 1), r.text(d.text, d.src_of("text")), d.src_of("text"))
                   for i, d in enumerate(diktum_items))

    # Lampiran
    dasar_hukum = _legal_bases(r, legal_bases(r.ds, year, office.id, "dasar_hukum"), "dasar_hukum")
    r_areas = tuple(RArea(a.id, labels.roman(i + 1), a.name, a.kind, a.src, a.src_of("name")) for i, a in enumerate(areas))
    ctx = _LampiranCtx(r, dasar_hukum, pengungkit)
    chapters_in = [c for c in lam.chapters if r.applies(c)]
    chapters = tuple(ctx.chapter(c, labels.roman(i + 1)) for i, c in enumerate(chapters_in))
    penutup = ctx.chapter(lam.penutup, labels.roman(len(chapters) + 1))
    kata_pengantar = tuple(ctx.blocks(lam.kata_pengantar))
    cover = tuple(r.text(line, lam.src_of("cover")).upper() for line in lam.cover)
    targets = _targets(r, target_groups, areas)

    # Officials are data of the year: a new ketua in 2027 never reaches the 2026 documents.
    ketua, salinan = oy.ketua, oy.salinan
    if ketua is not None:
        signer = r.note(ketua.name, ketua.src_of("name"), "ketua.name")
        signer_jabatan = ketua.jabatan
        if ketua.to_confirm:
            r.placeholders.append(PlaceholderUse(_("confirm the ketua for {year} ({name}), then remove to_confirm").format(
                                                     year=year, name=signer),
                                                 ketua.src_of("to_confirm")))
    else:
        signer = r.note(Placeholder(placeholder=f"Nama Ketua {office.short_name}"), oy_src, "ketua.name",
                        r.oy_missing)
        signer_jabatan = "Ketua"
    if salinan is not None:
        sal_jab = r.note(salinan.jabatan, salinan.src_of("jabatan"), "salinan.jabatan")
        sal_name = r.note(salinan.name, salinan.src_of("name"), "salinan.name")
        if salinan.to_confirm:
            r.placeholders.append(PlaceholderUse(_("confirm the salinan signer for {year} ({name}), then remove to_confirm").format(
                                                     year=year, name=sal_name), salinan.src_of("to_confirm")))
    else:
        sal_jab = r.note(Placeholder(placeholder=f"Jabatan pengesah salinan Sekretariat {office.short_name}"),
                         oy_src, "salinan.jabatan", r.oy_missing)
        sal_name = r.note(Placeholder(placeholder=f"Nama pengesah salinan Sekretariat {office.short_name}"),
                          oy_src, "salinan.name", r.oy_missing)
    logo = None
    if office.logo:
        logo = (ds.root / office.logo).resolve()
        if not logo.is_file():
            raise DataError(_("the logo '{path}' does not exist").format(path=office.logo), office.src_of("logo"),
                            _("give a PNG or JPEG path relative to the data folder, or remove logo:"))

    jdih, jdih_missing = _jdih(yd.file.jdih, oy.jdih, oy_src, oy.src is None)

    # Placeholders are listed once per place, in order of appearance.
    seen, uses = set(), []
    for p in r.placeholders:
        if (p.text, p.src, p.field) not in seen:
            seen.add((p.text, p.src, p.field))
            uses.append(p)

    return Decree(
        office=office, year=year, number=number_text,
        date=date if isinstance(date, dt.date) else None, date_text=date_text,
        title=title, menimbang=menimbang, mengingat=mengingat, diktum=diktum,
        signer_name=signer, salinan_jabatan=sal_jab, salinan_name=sal_name,
        signer_jabatan=signer_jabatan, salinan_nip=(salinan.nip or "") if salinan else "",
        tte=tuple(oy.tte.statement) if oy.tte else (), logo=logo, jdih=jdih, jdih_missing=jdih_missing,
        cover=cover, kata_pengantar=kata_pengantar, chapters=chapters, penutup=penutup,
        areas=r_areas,
        hasil_names=HASIL_90_2021,  # one definition: the figure and {{ areas.hasil }} read it
        targets_title=r.text(lam.targets_title, lam.src_of("targets_title")),
        targets=targets, placeholders=tuple(uses),
        srcs={"title": kep.src_of("title"), "cover": lam.src_of("cover"),
              "targets_title": lam.src_of("targets_title"), "number": oy.src_of("number") or oy_src,
              "date": oy.src_of("date") or oy_src,
              "ketua": (ketua.src if ketua is not None else None) or oy_src,
              "salinan": (salinan.src if salinan is not None else None) or oy_src},
    )


# 1/HK.03.1-Kpt/61/Prov/I/2027: serial / classification-Kpt / unit code / unit / month (roman) / year.
NASKAH_DINAS = re.compile(r"^(?P<serial>\d+)/(?P<klas>[A-Z]{2,4}(?:\.\d+)*)-Kpt/(?P<unit_code>\d+)/"
                          r"(?P<unit>[A-Za-z]+)/(?P<month>[IVX]+)/(?P<year>\d{4})$")


def validate_number(number: str, office: Office, year: int, date: dt.date | None, src: Src | None) -> None:
    """A decree number must have the form of the office's number style (offices.yaml number_style)."""
    if office.number_style == "peraturan":
        if not number.isdigit():
            hint = (_("that is a naskah dinas number: set number_style: naskah_dinas for the office in offices.yaml")
                    if NASKAH_DINAS.match(number) else _("write the number alone, e.g. number: 5"))
            raise DataError(_("decree number '{number}' is not a whole number (number style peraturan: "
                              "NOMOR 5 TAHUN {year})").format(number=number, year=year), src, hint)
        return
    m = NASKAH_DINAS.match(number)
    if not m:
        raise DataError(_("decree number '{number}' is not a naskah dinas number").format(number=number), src,
                        _("write it like 1/HK.03.1-Kpt/61/Prov/I/{year}, or set number_style: peraturan "
                          "for the office in offices.yaml").format(year=year))
    if int(m["year"]) != year:
        raise DataError(_("decree number '{number}' ends in {written}, not {year}").format(
            number=number, written=m["year"], year=year), src,
            _("the last part of the number is the year of the decree"))
    if date is not None and m["month"] != labels.roman(date.month):
        raise DataError(_("decree number '{number}' has month {written}, but the decree is dated {date} "
                          "(month {month})").format(number=number, written=m["month"], date=date.isoformat(),
                                                    month=labels.roman(date.month)), src,
                        _("the roman numeral before the year is the month of signing"))


# The fields of the JDIH record the data must give (the rest comes from the decree itself).
JDIH_FIELDS = (("abstrak", "abstrak"), ("subjek", "subjek"), ("bidang_hukum", "bidang hukum"), ("sumber", "sumber"))


def _jdih(year_info: JdihInfo | None, own: JdihInfo | None, oy_src: Src,
          file_missing: bool) -> tuple[JdihInfo | None, tuple[PlaceholderUse, ...]]:
    """The office's JDIH values over the year's, and a placeholder (in the office's file) for each one missing."""
    values: dict[str, str] = {}
    for info in (year_info, own):
        if info is not None:
            values.update({k: v for k, v in info.model_dump().items() if v is not None and str(v).strip()})
    # Where to write: beside the office's jdih: values, or (none yet) anywhere in its file.
    src = own.src if own is not None and own.src is not None else oy_src
    missing = tuple(PlaceholderUse(f"{name} untuk jdihn.json", src, f"jdih.{key}", file_missing)
                    for key, name in JDIH_FIELDS if key not in values)
    if own is None and year_info is None:
        return None, missing
    return JdihInfo(**values), missing


def _legal_bases(r: _Resolver, listed: list[tuple[str, Src | None]], what: str) -> tuple[RItem, ...]:
    """The office's list of legal bases (the year's, with the year's and the office's patch), cited in order."""
    regs = r.ds.regulations
    seen: dict[str, Src | None] = {}
    cited: list[citations.Cited] = []
    for rid, src in listed:
        if rid in seen:
            raise DataError(_("'{id}' is listed twice in {what}").format(id=rid, what=what), src,
                            _("remove one of them"))
        seen[rid] = src
        if rid not in regs:
            raise DataError(_("unknown regulation '{id}' in {what}").format(id=rid, what=what), src,
                            did_you_mean(rid, regs) or _("add it to data/regulations.yaml"))
        cited.append(_cited(r, rid, regs[rid]))
    cited.sort(key=citations.Cited.sort_key)
    out = []
    for i, c in enumerate(cited):
        amendments = [_cited(r, a, regs[a]) for a in c.reg.amended_by]
        out.append(RItem(c.id, labels.item_label("number", i + 1), citations.cite(c, amendments) + ";",
                         c.reg.src_of("title"), generated=what, role="legal-basis"))
    return tuple(out)


def _cited(r: _Resolver, rid: str, reg: Regulation) -> citations.Cited:
    issuer = r.text(reg.issuer, reg.src_of("issuer")) if reg.issuer else None
    title = r.text(reg.title, reg.src_of("title"))
    if reg.per_office == "team_decree":
        td = r.oy.team_decree
        num = td.number if td else Placeholder(placeholder="Nomor Keputusan Tim Pembangunan ZI")
        date = td.date if td else Placeholder(placeholder="Tanggal Keputusan Tim Pembangunan ZI")
        src = (td.src if td else None) or r.oy_src
        number = r.note(num, src, "team_decree.number", r.oy_missing)
        date_text = (r.note(date, src, "team_decree.date", r.oy_missing) if isinstance(date, Placeholder)
                     else long_date(date))
        return citations.Cited(rid, reg, number, r.year, date if isinstance(date, dt.date) else None,
                               date_text, issuer, title, year_in_number=bool(NASKAH_DINAS.match(number)))
    date_text = long_date(reg.date) if reg.date else None
    return citations.Cited(rid, reg, str(reg.number), int(reg.year), reg.date, date_text, issuer, title)


class _LampiranCtx:
    def __init__(self, r: _Resolver, dasar_hukum: tuple[RItem, ...], pengungkit: list[Area]):
        self.r, self.dasar_hukum, self.pengungkit = r, dasar_hukum, pengungkit

    def chapter(self, ch: Chapter, label: str) -> RChapter:
        sections = [s for s in ch.sections if self.r.applies(s)]
        rsections = [RSection(s.id, f"{labels.upper_letter(i + 1)}.", self.r.text(s.title, s.src_of("title")),
                              tuple(self.blocks(s.blocks)), s.src) for i, s in enumerate(sections)]
        if ch.generate == "areas":
            start = len(rsections)
            for j, area in enumerate(self.pengungkit):
                rsections.append(self.area_section(area, f"{labels.upper_letter(start + j + 1)}.", j + 1))
        return RChapter(ch.id, label, self.r.text(ch.title, ch.src_of("title")).upper(),
                        tuple(self.blocks(ch.blocks)), tuple(rsections), ch.src)

    def area_section(self, area: Area, label: str, n: int) -> RSection:
        blocks = [RBlock(f"{area.id}-target-label", "heading", "Target:", src=area.src_of("targets"),
                         generated="areas", role="area-targets-heading")]
        blocks.append(RBlock(f"{area.id}-targets", "list", items=self.items(area.targets, "number"),
                             src=area.src_of("targets"), role="area-targets"))
        blocks.append(RBlock(f"{area.id}-aksi-label", "heading", "Rencana Aksi:", src=area.src_of("actions"),
                             generated="areas", role="area-actions-heading"))
        if area.intro:
            blocks.append(RBlock(f"{area.id}-intro", "para", self.r.text(area.intro, area.src_of("intro")),
                                 src=area.src_of("intro"), role="area-intro"))
        blocks.append(RBlock(f"{area.id}-actions", "list", items=self.items(area.actions, area.numbering),
                             src=area.src_of("actions"), role="area-actions"))
        return RSection(area.id, label, f"AREA {labels.roman(n)} – {area.name}", tuple(blocks), area.src,
                        generated="areas", role="area")

    def blocks(self, blocks: list[Block]) -> Iterator[RBlock]:
        for b in blocks:
            if not self.r.applies(b):
                continue
            if b.text is not None:
                yield RBlock(b.id, "para", self.r.text(b.text, b.src_of("text")), src=b.src_of("text"))
            elif b.items is not None:
                yield RBlock(b.id, "list", items=self.items(b.items, b.numbering), src=b.src)
            elif b.generate == "dasar_hukum":
                # Body text: the list ends its last item with "." (Mengingat keeps ";" throughout).
                n = len(self.dasar_hukum)
                items = tuple(RItem(it.id, labels.item_label(b.numbering, i + 1),
                                    it.text[:-1] + "." if i == n - 1 and it.text.endswith(";") else it.text, it.src,
                                    generated="dasar_hukum", role="legal-basis")
                              for i, it in enumerate(self.dasar_hukum))
                yield RBlock(b.id, "list", items=items, src=b.src, generated="dasar_hukum", role="legal-bases")
            elif b.generate == "component_model":
                yield RBlock(b.id, "figure", src=b.src, generated="component_model", role="component-model")

    def items(self, items: list[ListItem], numbering: Numbering, depth: int = 1) -> tuple[RItem, ...]:
        if depth > 2:
            raise DataError(_("lists nest at most two levels deep"), items[0].src if items else None,
                            _("move the deeper items into their parent's text"))
        kept = [it for it in items if self.r.applies(it)]
        out = []
        for i, it in enumerate(kept):
            subs: tuple[RItem, ...] = ()
            if it.generate == "coordinators":
                names = [a.name for a in self.pengungkit]
                subs = tuple(RItem(f"{it.id}-{a.id}", labels.item_label(it.numbering, j + 1),
                                   f"Koordinator {a.name}" + (";" if j < len(names) - 1 else "."), it.src_of("generate"),
                                   generated="coordinators", role="coordinator")
                             for j, a in enumerate(self.pengungkit))
            elif it.items:
                subs = self.items(it.items, it.numbering, depth + 1)
            out.append(RItem(it.id, labels.item_label(numbering, i + 1), self.r.text(it.text, it.src_of("text")),
                             it.src_of("text"), term=self.r.text(it.term, it.src_of("term")) if it.term else "",
                             items=subs, term_src=it.src_of("term") if it.term else None,
                             role="coordinators" if it.generate == "coordinators" else ""))
        return tuple(out)


def _targets(r: _Resolver, groups: list[TargetGroup], areas: list[Area]) -> tuple[RTargetGroup, ...]:
    by_id = {a.id: (i, a) for i, a in enumerate(areas)}
    out = []
    seen: set[str] = set()
    for g in groups:
        if g.area not in by_id:
            raise DataError(_("target group for unknown area '{area}'").format(area=g.area), g.src_of("area"),
                            did_you_mean(g.area, by_id) or _("use an area id from common/lampiran.yaml"))
        if g.area in seen:
            raise DataError(_("area '{area}' has two target groups").format(area=g.area), g.src_of("area"),
                            _("merge their rows"))
        seen.add(g.area)
        idx, area = by_id[g.area]
        rows = [row for row in g.rows if r.applies(row)]
        rrows = tuple(RTargetRow(row.id, str(j + 1), r.text(row.label, row.src_of("label")),
                                 tuple(row.months.get(m) for m in MONTHS), row.cumulative, row.src,
                                 tuple(row.src_of(f"months.{m}") if m in row.months else row.src_of("months")
                                       for m in MONTHS))
                      for j, row in enumerate(rows))
        out.append(RTargetGroup(g.area, f"{labels.roman(idx + 1)}.", area.name, rrows, g.src, g.src_of("area")))
    return tuple(out)
