"""check_decree: every rule over one resolved office-year, read through its document tree.

Findings point into the YAML (the nodes' sources). What a node is for comes from
its kind and role (set by resolve), never from how its id is spelled.

Most text is the same for every office of a year. Findings on one text depend
only on the text, where it was written and the rule context (RunCache keys), so a
run over many offices (`check_offices`) computes them once.
"""
from __future__ import annotations

import datetime as dt
import re
import weakref
from dataclasses import dataclass, field
from typing import Any

from ..errors import DataError, Src, closest
from ..i18n import N_, _, get_language
from ..load.dataset import DataSet, legal_bases
from ..load.model import MONTHS, Regulation
from ..resolve import citations
from ..resolve.decree import Decree
from ..resolve.document import Node
from ..resolve.markup import to_plain
from . import textrules as tr
from .findings import Finding
from .tables import AREA_ALIASES, AREA_OUTDATED, AREAS_90_2021


@dataclass(frozen=True)
class Unit:
    """One piece of text that the word rules read, and where its value was written."""

    path: str            # the node's path (document.py); a term adds "/term"
    text: str            # as resolved, with *markup*
    src: Src | None
    registry: bool = False  # a registry value (the seat): spelling only
    compare: str = ""    # "paragraph" | "item": running text of the Lampiran (duplicate, end-punct)


# Containers and nodes without running text of their own.
_NO_TEXT = {"document", "part", "menimbang", "mengingat", "diktum", "cover", "kata-pengantar", "list", "figure",
            "target-group"}
# Values of the Keputusan that are not running text (number, date, names) or are checked elsewhere.
_TEXT_FIELDS = {"title"}


def units(decree: Decree) -> list[Unit]:
    """The texts of a decree that the word rules read, in reading order."""
    out: list[Unit] = []
    for n in decree.walk():
        if n.kind in _NO_TEXT:
            continue
        if n.kind == "field":
            if n.id == "tempat":
                out.append(Unit(n.path, n.text, n.src, registry=True))
            elif n.id in _TEXT_FIELDS:
                out.append(Unit(n.path, n.text, n.src))
            continue
        lampiran = n.part == "lampiran"
        if n.term:
            out.append(Unit(f"{n.path}/term", n.term, n.term_src or n.src))
        if not n.text:
            continue
        compare = ""
        if lampiran and n.kind == "para":
            compare = "paragraph"
        elif lampiran and n.kind == "item" and n.role != "legal-basis":
            compare = "item"
        out.append(Unit(n.path, n.text, n.src, compare=compare))
    return out


def name_words(ds: DataSet, seats: bool = False) -> frozenset[str]:
    """People's and offices' names from the registry: correct by definition for spelling."""
    words: set[str] = set()
    for o in ds.offices.values():
        for value in (o.name, o.short_name, o.province, o.seat if seats else None):
            if isinstance(value, str):
                words.update(re.findall(r"[\w'-]+", value))
    # Officials are per year; their names are names whatever year is checked.
    for year in ds.years:
        for oy in ds.year(year).office_files.values():
            for value in (oy.ketua.name if oy.ketua else None, oy.salinan.name if oy.salinan else None):
                if isinstance(value, str):
                    words.update(re.findall(r"[\w'-]+", value))
    return frozenset(words)


@dataclass
class RunCache:
    """Findings that do not depend on the office, computed once per run.

    texts: (text, src, context) → findings of the word, spelling and paragraph rules
    catalogue: year → findings of the regulation catalogue rules
    """

    texts: dict[tuple, tuple[tuple, ...]] = field(default_factory=dict)
    catalogue: dict[int, list[tuple]] = field(default_factory=dict)
    checker: Any = None


# One RunCache per loaded data set (a run loads its data once; tests that edit a copy load
# a new one). Keyed by id() and checked through a weak reference, so that an id reused by
# another data set never finds the old findings.
_CACHES: dict[tuple[int, str], tuple[weakref.ref, RunCache]] = {}


def run_cache(ds: DataSet) -> RunCache:
    # One per language as well: the findings carry their messages (the web editor serves both).
    key = (id(ds), get_language())
    entry = _CACHES.get(key)
    if entry is not None and entry[0]() is ds:
        return entry[1]
    for old in [k for k, (ref, _cache) in _CACHES.items() if ref() is None]:
        del _CACHES[old]
    cache = RunCache()
    _CACHES[key] = (weakref.ref(ds), cache)
    return cache


class _Out:
    def __init__(self, office: str):
        self.office = office
        self.findings: list[Finding] = []

    def add(self, src: Src | None, severity: str, rule: str, message: str, suggestion: str | None = None) -> None:
        self.findings.append(Finding(src, severity, rule, message, suggestion, self.office))

    def add_all(self, found) -> None:
        for src, severity, rule, message, suggestion in found:
            self.add(src, severity, rule, message, suggestion)


def _at(src: Src | None, text: str, offset: int) -> Src | None:
    """The place of a character of a resolved text in its YAML file."""
    return src.at(text, offset) if src else None


def check_decree(decree: Decree, ds: DataSet, cache: RunCache | None = None) -> list[Finding]:
    """Every rule that applies to one office-year; see the package docstring for the list."""
    cache = cache if cache is not None else run_cache(ds)
    if cache.checker is None:
        cache.checker = tr.checker(name_words(ds) | ds.lexicon)
    out = _Out(decree.office.id)
    us = units(decree)
    _text_rules(decree, us, cache, out)
    _keputusan_rules(decree, out)
    _date_rules(decree, ds, out)
    if decree.year not in cache.catalogue:
        cat = _Out("")
        _catalogue_rules(decree.year, ds, cat)
        cache.catalogue[decree.year] = [(f.src, f.severity, f.rule, f.message, f.suggestion) for f in cat.findings]
    out.add_all(cache.catalogue[decree.year])
    _consistency_rules(decree, us, out)
    from .legal import findings as legal_findings  # issue 12's rules, kept apart to limit conflicts

    out.add_all(legal_findings(decree, ds, us))
    for p in decree.placeholders:
        out.findings.append(Finding(p.src, "placeholder", "placeholder",
                                    _("[{text}] is not filled in yet").format(text=p.text), None, out.office,
                                    p.field, p.file_missing))
    for p in decree.jdih_missing:   # the JDIH record's own: they keep jdihn.json a draft, not the decree
        out.findings.append(Finding(p.src, "placeholder", "jdih",
                                    _("[{text}] is not filled in yet").format(text=p.text), None, out.office,
                                    p.field, p.file_missing))
    seen, result = set(), []
    for f in out.findings:
        if f.key() not in seen:
            seen.add(f.key())
            result.append(f)
    return result


# ---------------------------------------------------------------- words

def _glued(c: str) -> bool:
    return c.isalnum() or c in "-_'"


class _OfficeValues:
    """Replaces the office's own values (its name, region, seat, placeholders) in a text
    by one HOLE each, so that the word rules see the same text for every office.

    The registry's names are right by definition (they are the spell checker's extra
    words), so nothing is lost; offsets map back to the office's text.
    """

    def __init__(self, decree: Decree):
        o = decree.office
        values = {o.name, o.short_name, o.region, o.seat, o.province}
        values |= {v.upper() for v in values}
        values |= {f"[{p.text}]" for p in decree.placeholders}
        self.values = sorted((v for v in values if len(v) > 1), key=len, reverse=True)

    def normalise(self, masked: str) -> tuple[str, list[tuple[int, int]]]:
        """(text with one HOLE per value, [(offset in that text, characters dropped up to there)])."""
        spans: list[tuple[int, int]] = []
        for v in self.values:  # longest first: a name wins over the region inside it
            i = masked.find(v)
            while i >= 0:
                j = i + len(v)
                # only a value that stands alone: "se-Kalimantan Barat" is one word with its prefix
                free = (i == 0 or not _glued(masked[i - 1])) and (j == len(masked) or not _glued(masked[j]))
                if free and not any(a < j and i < b for a, b in spans):
                    spans.append((i, j))
                i = masked.find(v, i + 1)
        if not spans:
            return masked, []
        spans.sort()
        parts, shifts, last, dropped = [], [], 0, 0
        for a, b in spans:
            parts.append(masked[last:a])
            parts.append(tr.HOLE)
            n_at = a - dropped
            dropped += b - a - 1
            shifts.append((n_at, dropped))
            last = b
        parts.append(masked[last:])
        return "".join(parts), shifts

    @staticmethod
    def back(offset: int, shifts: list[tuple[int, int]]) -> int:
        """The offset in the office's text of `offset` in the normalised text."""
        add = 0
        for at, dropped in shifts:
            if at < offset:
                add = dropped
            else:
                break
        return offset + add


def _text_rules(decree: Decree, us: list[Unit], cache: RunCache, out: _Out) -> None:
    values = _OfficeValues(decree)
    todo: list[tuple[Unit, str, list[tuple[int, int]]]] = []
    for u in us:
        key = (u.text, u.src, u.registry, u.compare)
        if key in cache.texts:  # the same text in the same place: its findings are known
            out.add_all(cache.texts[key])
            continue
        normal, shifts = values.normalise(tr.mask(u.text))
        todo.append((u, normal, shifts))
    if not todo:
        return
    # the word rules and the spelling are cached by the normalised text (textrules)
    spelled = tr.spelling(cache.checker, [n for _, n, _ in todo])
    for (u, normal, shifts), sp in zip(todo, spelled):
        hits = [] if u.registry else tr.word_rules(normal)
        taken = tr.covered_by([(h.start, h.end) for h in hits])
        hits += [h for h in sp if not taken(h.start)]
        starts = [values.back(h.start, shifts) for h in hits]
        if u.compare:
            for h in tr.end_punctuation(u.text, f"this {u.compare}"):
                hits.append(h)
                starts.append(h.start)
        found = tuple((_at(u.src, u.text, start), h.severity, h.rule, h.message, h.suggestion)
                      for h, start in zip(hits, starts))
        if not shifts:  # no office value in it: the same findings wherever this text is checked
            cache.texts[(u.text, u.src, u.registry, u.compare)] = found
        out.add_all(found)


# ---------------------------------------------------------------- Keputusan

def _keputusan_rules(decree: Decree, out: _Out) -> None:
    title = to_plain(decree.title)
    menimbang = decree.find("keputusan/menimbang").children
    n = len(menimbang)
    for i, m in enumerate(menimbang):
        hits = tr.menimbang_item(m.text)
        if i == n - 1 and n > 1:
            hits += tr.menimbang_refs(m.text, n - 1)
        for h in hits:
            out.add(_at(m.src, m.text, h.start), h.severity, h.rule, h.message, h.suggestion)
    if menimbang:
        last = menimbang[-1]
        mt = re.search(r"perlu\s+menetapkan\s+Keputusan\s+.+?\s+tentang\s+(.+?);?\s*$", last.plain, re.S)
        if mt and " ".join(mt.group(1).split()) != " ".join(title.split()):
            out.add(_at(last.src, last.text, last.text.find(mt.group(1)) if mt.group(1) in last.text else 0),
                    "error", "decree-title", _("the last Menimbang names the decree differently from its title"),
                    _("write {{ decree.title }}"))
    else:
        out.add(decree.srcs.get("title"), "error", "menimbang-bahwa", _("the Keputusan has no Menimbang"))

    # diktum: the one that establishes something establishes the title; the last says when it applies
    diktum = decree.find("keputusan/diktum").children
    for d in diktum:
        text = d.plain
        if text.startswith("Menetapkan ") and " ".join(title.split()) not in " ".join(text.split()):
            out.add(_at(d.src, d.text, 0), "error", "decree-title",
                    _("this diktum establishes something other than the decree's title"),
                    _("write Menetapkan {{ decree.title }} …"))
    if diktum:
        last = diktum[-1]
        if not re.search(r"mulai\s+berlaku\s+pada\s+tanggal\s+ditetapkan", last.plain):
            out.add(_at(last.src, last.text, 0), "error", "diktum-berlaku",
                    _("the last diktum ({label}) does not say 'mulai berlaku pada tanggal ditetapkan'").format(label=last.label),
                    "Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    else:
        out.add(decree.srcs.get("title"), "error", "diktum-berlaku", _("the Keputusan has no diktum"))

    # the year in the titles is the year of the decree (resolve keeps the date in that year)
    cover = decree.find("lampiran/cover").children
    for node, what in ((decree.find("keputusan/title"), "title"), (decree.find("lampiran/targets"), "target table title"),
                       (cover[-1] if cover else None, "cover")):
        if node is None:
            continue
        text = node.plain
        m = re.search(r"\bTahun\s+(\d{4})\s*$", text, re.I)
        if m and int(m.group(1)) != decree.year:
            out.add(_at(node.src, node.text, m.start(1)) if what != "cover" else node.src, "error", "title-year",
                    _("the {what} says {found}, the decree is for {year}").format(what=_(what), found=m.group(1), year=decree.year), "Tahun {{ year }}")

    # Ditetapkan di: the office's seat
    office = decree.office
    if not office.seat.strip():
        out.add(office.src_of("seat"), "error", "seat", _("the satker has no seat for 'Ditetapkan di'"))
    elif office.level == "kota":
        city = re.sub(r"^Kota\s+", "", office.region)
        if office.seat != city:
            out.add(office.src_of("seat"), "error", "seat",
                    _("'Ditetapkan di {seat}': a KPU Kota sits in its city").format(seat=office.seat), city)


# ---------------------------------------------------------------- dates

def _cited_ids(decree: Decree) -> list[str]:
    """Regulation ids the decree cites (Mengingat and every legal-bases list), in order, once each."""
    ids: list[str] = []
    for n in decree.walk():
        if n.role == "legal-basis" and n.id not in ids:
            ids.append(n.id)
    return ids


def _date_rules(decree: Decree, ds: DataSet, out: _Out) -> None:
    if decree.date is None:
        return
    oy = ds.year(decree.year).office_files.get(decree.office.id)
    td = oy.team_decree if oy else None
    if td is not None and isinstance(td.date, dt.date) and td.date > decree.date:
        out.add(td.src_of("date"), "error", "date-order",
                _("the team decree ({team}) is dated after this decree ({date}), which cites it").format(
                    team=td.date.isoformat(), date=decree.date.isoformat()),
                _("on or before {date}").format(date=decree.date.isoformat()))
    for rid in _cited_ids(decree):
        reg = ds.regulations.get(rid)
        if reg is not None and reg.date and reg.date > decree.date:
            out.add(reg.src_of("date"), "error", "date-order",
                    _("'{rid}' ({date}) is dated after the decree that cites it").format(rid=rid, date=reg.date.isoformat()))


# ---------------------------------------------------------------- the catalogue of legal bases

def _reg_key(reg: Regulation) -> tuple:
    return (reg.year or 0, reg.date or dt.date(reg.year or 1, 12, 31))


def _catalogue_rules(year: int, ds: DataSet, out: _Out) -> None:
    """The year's legal bases as the catalogue describes them (the same for every office)."""
    regs = ds.regulations
    yd = ds.year(year)
    cited: list[str] = []
    for rid in (*yd.file.mengingat, *yd.file.dasar_hukum):
        if rid in regs and rid not in cited:
            cited.append(rid)
    # and what offices add to their own lists (patch: mengingat: add:)
    for oid in ds.offices:
        for what in ("mengingat", "dasar_hukum"):
            try:
                listed = legal_bases(ds, year, oid, what)
            except DataError:
                continue  # reported by the loader
            cited.extend(rid for rid, _src in listed if rid in regs and rid not in cited)
    amendments = {a for rid in cited for a in regs[rid].amended_by}
    for group, ids in (("mengingat", yd.file.mengingat), ("dasar_hukum", yd.file.dasar_hukum)):
        srcs = list(getattr(yd.raw.get(group), "item_src", [])) or [None] * len(ids)
        listed = set(ids)
        for rid, src in zip(ids, srcs):
            for other in sorted(listed - {rid}):
                if other in regs and rid in regs[other].amended_by:
                    out.add(src, "warning", "mengingat-duplicate",
                            _("'{rid}' is cited in the amendment clause of '{other}' already").format(rid=rid, other=other),
                            _("remove it here"))
    for rid in (*cited, *sorted(amendments - set(cited))):
        reg = regs[rid]
        if reg.per_office:
            continue
        g = reg.gazette
        gsrc = reg.src_of("gazette") if g is not None else reg.src_of("title")
        name = citations.KIND_NAME[reg.kind].format(issuer=reg.issuer or "").strip()
        if reg.kind in citations.NEEDS_LN_TLN:
            missing = [w for w, ok in (("LN (Lembaran Negara)", g and g.ln), ("TLN (Tambahan Lembaran Negara)", g and g.tln))
                       if not ok]
            if missing:
                out.add(gsrc, "error", "mengingat-gazette",
                        _("'{rid}': a citation of {name} carries {gazettes}").format(rid=rid, name=name, gazettes=_(" and ").join(missing)),
                        "gazette: {ln: {year: …, number: …}, tln: …}")
        if reg.kind in citations.NEEDS_BN and not (g and g.bn):
            out.add(gsrc, "error", "mengingat-gazette", _("'{rid}': a citation of {name} carries its BN (Berita Negara)").format(rid=rid, name=name),
                    "gazette: {bn: {year: …, number: …}}")
        for gz, label in ((g.ln if g else None, "LN"), (g.bn if g else None, "BN")):
            if gz is None or reg.year is None:
                continue
            if gz.year < reg.year:
                out.add(gz.src_of("year"), "error", "mengingat-gazette-year",
                        _("'{rid}' of {year} cannot be in the {gazette} of {gazette_year}").format(rid=rid, year=reg.year, gazette=label, gazette_year=gz.year), str(reg.year))
            elif gz.year > reg.year + 1 or (gz.year > reg.year and not (reg.date and reg.date.month == 12)):
                out.add(gz.src_of("year"), "warning", "mengingat-gazette-year",
                        _("'{rid}' of {year} is in the {gazette} of {gazette_year}: check the year").format(
                            rid=rid, year=reg.year, gazette=label, gazette_year=gz.year), str(reg.year))
        if reg.date and reg.year and reg.date.year != reg.year:
            out.add(reg.src_of("date"), "error", "mengingat-date",
                    _("'{rid}' is of {year} but dated {date}").format(rid=rid, year=reg.year, date=reg.date.isoformat()), str(reg.year))
        m = re.search(r"-(\d{4})$", rid)
        if m and reg.year and int(m.group(1)) != reg.year:
            out.add(reg.src_of("year"), "warning", "mengingat-id",
                    _("the id '{rid}' says {found} but the year is {year}").format(rid=rid, found=m.group(1), year=reg.year), m.group(1))
        previous = reg
        for aid in reg.amended_by:
            a = regs.get(aid)
            if a is None or a.per_office:
                continue
            if _reg_key(a) < _reg_key(reg):
                out.add(a.src_of("year"), "error", "mengingat-amendment",
                        _("'{aid}' ({amend_year}) amends '{rid}' ({year}) but is older").format(
                            aid=aid, amend_year=a.year, rid=rid, year=reg.year),
                        _("a year ≥ {year}").format(year=reg.year))
            elif _reg_key(a) < _reg_key(previous):
                out.add(reg.src_of("amended_by"), "error", "mengingat-amendment",
                        _("amended_by of '{rid}' is not oldest first ('{aid}' after '{previous}…')").format(
                            rid=rid, aid=aid, previous=previous.title[:30]))
            if citations.RANK[a.kind] > citations.RANK[reg.kind]:
                out.add(reg.src_of("amended_by"), "error", "mengingat-amendment",
                        _("'{aid}' ({amend_kind}) cannot amend '{rid}' ({kind}): lower in the hierarchy").format(
                            aid=aid, amend_kind=a.kind, rid=rid, kind=reg.kind))
            previous = a


# ---------------------------------------------------------------- consistency

def _norm_area(name: str) -> str:
    name = " ".join(name.split())
    return AREA_ALIASES.get(name, name)


def _consistency_rules(decree: Decree, us: list[Unit], out: _Out) -> None:
    pengungkit = [a for a in decree.areas if a.kind == "pengungkit"]
    names = [_norm_area(a.name) for a in pengungkit]
    for a, name in zip(pengungkit, names):
        if name in AREAS_90_2021:
            continue
        if name in AREA_OUTDATED:
            out.add(a.name_src, "warning", "area-name", _("'{name}' is an outdated name of the area").format(name=a.name),
                    AREA_OUTDATED[name])
        else:
            close = closest(name, AREAS_90_2021, cutoff=0.5)
            out.add(a.name_src, "warning", "area-name",
                    _("'{name}' is not one of the six areas of PermenPANRB 90/2021").format(name=a.name), close)
    official = [n for n in names if n in AREAS_90_2021]
    in_order = sorted(official, key=AREAS_90_2021.index)
    if official != in_order:
        first = next(a for a, n in zip(pengungkit, names) if n in AREAS_90_2021 and
                     official.index(n) != in_order.index(n))
        out.add(first.src, "warning", "area-order", _("the areas are not in the order of PermenPANRB 90/2021"),
                ", ".join(AREAS_90_2021))
    missing = [n for n in AREAS_90_2021 if n not in names]
    if missing and pengungkit:
        out.add(pengungkit[-1].src, "warning", "area-name",
                _("areas of PermenPANRB 90/2021 missing: ") + ", ".join(missing))

    # the target table: groups in the order of the areas, cumulative rows never go down
    order = [a.id for a in decree.areas]
    last_idx = -1
    for g in decree.targets:
        idx = order.index(g.area_id)
        if idx < last_idx:
            out.add(g.area_src or g.src, "error", "target-order",
                    _("target group '{id}' ({label}) comes after a later area").format(id=g.area_id, label=g.label),
                    _("order the groups as the areas"))
        last_idx = max(last_idx, idx)
        for r in g.rows:
            prev = None
            for k, (mon, v) in enumerate(zip(MONTHS, r.values)):
                if v is None:
                    continue
                if r.cumulative and prev is not None and v < prev[1]:
                    out.add(r.month_srcs[k] if r.month_srcs else r.src, "error", "target-cumulative",
                            _("'{row}' is cumulative but goes down from {before}% ({month_before}) to {value}% ({month})").format(
                                row=r.label, before=prev[1], month_before=prev[0], value=v, month=mon),
                            f"≥ {prev[1]}")
                prev = (mon, v)
    targeted = {g.area_id for g in decree.targets}
    for a in decree.areas:
        if a.id not in targeted:
            out.add(decree.srcs.get("targets_title"), "warning", "target-missing",
                    _("area '{name}' has no row in the target table").format(name=a.name))

    _area_intros(decree, out)
    _duplicates(us, out)


def _area_intros(decree: Decree, out: _Out) -> None:
    areas = {a.id: a for a in decree.areas}
    names = [a.name for a in decree.areas]
    for section in decree.walk():
        if section.role != "area" or section.id not in areas:
            continue
        area = areas[section.id]
        for b in section.children:
            if b.role != "area-intro":
                continue
            found = tr.area_intro_mismatch(b.plain, area.name, [n for n in names if n != area.name])
            if found:
                off, named, other = found
                out.add(_at(b.src, b.text, off), "error", "area-intro",
                        _("the intro of '{area}' speaks of '{named}' (area '{other}'): copied?").format(
                            area=area.name, named=named, other=other),
                        area.name.lower())


# What a title-year finding names (translated when shown).
_TITLE_PLACES = (N_("title"), N_("target table title"), N_("cover"))


def _duplicates(us: list[Unit], out: _Out) -> None:
    seen: dict[str, Unit] = {}
    flagged: set[str] = set()
    for u in us:
        if not u.compare:
            continue
        key = tr.normalise(to_plain(u.text))
        if len(key.split()) < 6:
            continue
        if key in seen:
            first = seen[key]
            out.add(_at(u.src, u.text, 0), "error", "duplicate", _("the same text as {path} ({src})").format(path=first.path, src=first.src),
                    _("remove one"))
            flagged.add(u.path)
        else:
            seen[key] = u
    terms: dict[str, Unit] = {}
    for u in us:
        if not u.path.endswith("/term"):
            continue
        key = tr.normalise(re.sub(r"\([^)]*\)", "", to_plain(u.text)))
        if key in terms and u.path[:-len("/term")] not in flagged:
            out.add(_at(u.src, u.text, 0), "error", "duplicate",
                    _("'{term}' is defined twice (also {src})").format(term=to_plain(u.text), src=terms[key].src), _("remove one"))
        else:
            terms[key] = u
