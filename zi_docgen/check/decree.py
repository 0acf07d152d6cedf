"""check_decree: every rule over one resolved office-year, findings pointing into the YAML."""
from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from dataclasses import dataclass
from typing import Iterator

from ..resolve import citations, labels
from ..errors import Src
from ..load.dataset import DataSet, build_common
from ..resolve.markup import to_plain
from ..load.model import MONTHS, Regulation
from ..resolve.decree import Decree, RItem
from . import textrules as tr
from .findings import Finding
from ..load.source import file_lines, locate
from .tables import AREA_ALIASES, AREA_OUTDATED, AREAS_90_2021, RAHMAT


@dataclass(frozen=True)
class Unit:
    """One piece of resolved text and where its value was written."""

    addr: str
    text: str            # as resolved, with *markup*
    src: Src | None
    part: str            # keputusan | lampiran | registry
    compare: bool = False  # taking part in the duplicate-paragraph rule


def _term_src(src: Src | None) -> Src | None:
    """A term is written on the line(s) above its text: `term: …` then `text: …`."""
    lines = file_lines(src.file) if src and src.line else None
    if lines:
        for i in range(src.line - 1, max(-1, src.line - 8), -1):
            m = re.match(r"^(\s*(?:-\s+)?term:\s*)\S", lines[i])
            if m:
                return Src(src.file, i + 1, len(m.group(1)) + 1)
    return src


def _items(items: tuple[RItem, ...], addr: str, compare: bool) -> Iterator[Unit]:
    for it in items:
        if it.term:
            yield Unit(f"{addr}/{it.id}/term", it.term, _term_src(it.src), "lampiran")
        if it.text:
            yield Unit(f"{addr}/{it.id}", it.text, it.src, "lampiran", compare)
        yield from _items(it.items, f"{addr}/{it.id}", compare)


def units(decree: Decree) -> list[Unit]:
    d = decree
    out = [Unit("keputusan/title", d.title, d.srcs.get("title"), "keputusan")]
    out += [Unit(f"keputusan/menimbang/{m.id}", m.text, m.src, "keputusan") for m in d.menimbang]
    out += [Unit(f"keputusan/mengingat/{m.id}", m.text, m.src, "keputusan") for m in d.mengingat]
    out += [Unit(f"keputusan/diktum/{m.id}", m.text, m.src, "keputusan") for m in d.diktum]
    out += [Unit(f"lampiran/cover/{i}", line, d.srcs.get("cover"), "lampiran") for i, line in enumerate(d.cover)]
    for ch in (*d.chapters, d.penutup):
        out.append(Unit(f"lampiran/{ch.id}/title", ch.title, ch.src, "lampiran"))
        for s in ch.sections:
            out.append(Unit(f"lampiran/{ch.id}/{s.id}/title", s.title, s.src, "lampiran"))
    for addr, b in d.blocks():
        generated = b.id.endswith("-daftar") and any(it.id in {m.id for m in d.mengingat} for it in b.items)
        if b.kind in ("para", "heading") and b.text:
            out.append(Unit(f"lampiran/{addr}", b.text, b.src, "lampiran", compare=b.kind == "para"))
        out += _items(b.items, f"lampiran/{addr}", compare=not generated)
    out.append(Unit("lampiran/targets/title", d.targets_title, d.srcs.get("targets_title"), "lampiran"))
    for g in d.targets:
        for r in g.rows:
            out.append(Unit(f"lampiran/targets/{g.area_id}/{r.id}", r.label, r.src, "lampiran"))
    out.append(Unit("registry/seat", d.office.seat, d.office.src_of("seat"), "registry"))
    return out


def _name_words(ds: DataSet) -> frozenset[str]:
    """People's and offices' names from the registry: correct by definition for spelling."""
    words: set[str] = set()
    for o in ds.offices.values():
        for value in (o.name, o.short_name, o.province):
            if isinstance(value, str):
                words.update(re.findall(r"[\w'-]+", value))
    # Officials are per year; their names are names whatever year is checked.
    for year in ds.years:
        for oy in ds.year(year).office_files.values():
            for value in (oy.ketua.name if oy.ketua else None, oy.salinan.name if oy.salinan else None):
                if isinstance(value, str):
                    words.update(re.findall(r"[\w'-]+", value))
    return frozenset(words)


@functools.lru_cache(maxsize=8)
def _checker(extra: frozenset[str]):
    from .spelling import SpellChecker, default_checker

    return SpellChecker(extra_words=sorted(extra)) if extra else default_checker()


class _Out:
    def __init__(self, office: str):
        self.office = office
        self.findings: list[Finding] = []

    def add(self, src: Src | None, severity: str, rule: str, message: str, suggestion: str | None = None) -> None:
        self.findings.append(Finding(src, severity, rule, message, suggestion, self.office))

    def hit(self, unit: Unit, h: tr.Hit) -> None:
        self.add(locate(unit.src, unit.text, h.start), h.severity, h.rule, h.message, h.suggestion)


def check_decree(decree: Decree, ds: DataSet) -> list[Finding]:
    """Every rule that applies to one office-year; see the package docstring for the list."""
    out = _Out(decree.office.id)
    us = units(decree)
    _text_rules(decree, ds, us, out)
    _keputusan_rules(decree, out)
    _lampiran_rules(decree, ds, out)
    _catalogue_rules(decree, ds, out)
    _consistency_rules(decree, ds, us, out)
    for p in decree.placeholders:
        out.add(p.src, "placeholder", "placeholder", f"[{p.text}] is not filled in yet", None)
    seen, result = set(), []
    for f in out.findings:
        if f.key() not in seen:
            seen.add(f.key())
            result.append(f)
    return result


# ---------------------------------------------------------------- words

def _text_rules(decree: Decree, ds: DataSet, us: list[Unit], out: _Out) -> None:
    holes = [f"[{p.text}]" for p in decree.placeholders]
    masked = []
    for u in us:
        m = tr.mask(u.text)
        for h in holes:  # a placeholder's words are not the decree's text
            if h in m:
                m = m.replace(h, tr.HOLE * len(h))
        masked.append(m)
    spelled = tr.spelling(_checker(_name_words(ds)), masked)
    for u, m, sp in zip(us, masked, spelled):
        hits = tr.word_rules(m)
        if u.part == "registry":
            hits = []
        taken = [(h.start, h.end) for h in hits]
        for h in sp:
            if not any(a <= h.start < b for a, b in taken):
                hits.append(h)
        for h in hits:
            out.hit(u, h)


# ---------------------------------------------------------------- Keputusan

def _keputusan_rules(decree: Decree, out: _Out) -> None:
    from ..render.renderer import keputusan_context, lampiran_context

    title = to_plain(decree.title)
    n = len(decree.menimbang)
    for i, m in enumerate(decree.menimbang):
        u = Unit(m.id, m.text, m.src, "keputusan")
        for h in tr.menimbang_item(m.text):
            out.hit(u, h)
        if i == n - 1 and n > 1:
            for h in tr.menimbang_refs(m.text, n - 1):
                out.hit(u, h)
    if decree.menimbang:
        last = decree.menimbang[-1]
        mt = re.search(r"perlu\s+menetapkan\s+Keputusan\s+.+?\s+tentang\s+(.+?);?\s*$", to_plain(last.text), re.S)
        if mt and " ".join(mt.group(1).split()) != " ".join(title.split()):
            out.add(locate(last.src, last.text, last.text.find(mt.group(1)) if mt.group(1) in last.text else 0),
                    "error", "decree-title", "the last Menimbang names the decree differently from its title",
                    "write {{ decree.title }}")
    if not decree.menimbang:
        out.add(decree.srcs.get("title"), "error", "menimbang-bahwa", "the Keputusan has no Menimbang")

    # diktum: labels in sequence, the first one establishes the title, the last says when it applies
    for i, d in enumerate(decree.diktum):
        if d.label != labels.diktum(i + 1):
            out.add(d.src, "error", "diktum-label", f"diktum '{d.label}' is number {i + 1}", labels.diktum(i + 1))
        text = to_plain(d.text)
        if text.startswith("Menetapkan ") and " ".join(title.split()) not in " ".join(text.split()):
            out.add(locate(d.src, d.text, 0), "error", "decree-title", "this diktum establishes something other than the decree's title",
                    "write Menetapkan {{ decree.title }} …")
    if decree.diktum:
        last = decree.diktum[-1]
        if not re.search(r"mulai\s+berlaku\s+pada\s+tanggal\s+ditetapkan", to_plain(last.text)):
            out.add(locate(last.src, last.text, 0), "error", "diktum-berlaku",
                    f"the last diktum ({last.label}) does not say 'mulai berlaku pada tanggal ditetapkan'",
                    "Keputusan ini mulai berlaku pada tanggal ditetapkan.")
    else:
        out.add(decree.srcs.get("title"), "error", "diktum-berlaku", "the Keputusan has no diktum")

    k = keputusan_context(decree)
    lam = lampiran_context(decree)
    expected = f"{k['heading']} TENTANG {k['title_upper']}."
    if " ".join(k["menetapkan"].plain.split()) != " ".join(expected.split()):
        out.add(decree.srcs.get("title"), "error", "menetapkan", "Menetapkan differs from the heading and title",
                expected)
    header = ["LAMPIRAN", k["heading"], k["number_line"], f"TENTANG {k['title_upper']}"]
    if lam["header_lines"] != header:
        out.add(decree.srcs.get("title"), "error", "lampiran-header",
                "the Lampiran header does not repeat the decree's number, year and title", " / ".join(header))
    for key in ("seat", "date_text", "number", "year", "title_upper"):
        if k[key] != lam[key]:
            out.add(decree.srcs.get("date"), "error", "date-agree",
                    f"Keputusan and Lampiran disagree on {key}: '{k[key]}' / '{lam[key]}'")
    for key, value in k.items():
        if isinstance(value, str) and RAHMAT in value.upper():
            out.add(decree.srcs.get("title"), "error", "rahmat", f"'{RAHMAT}' in the Keputusan ({key})", "remove it")

    # the year in the title is the year of signing
    for text, src, what in ((title, decree.srcs.get("title"), "title"),
                            (to_plain(decree.targets_title), decree.srcs.get("targets_title"), "target table title"),
                            (decree.cover[-1] if decree.cover else "", decree.srcs.get("cover"), "cover")):
        m = re.search(r"\bTahun\s+(\d{4})\s*$", text, re.I)
        if m and int(m.group(1)) != decree.year:
            out.add(locate(src, text, m.start(1)) if what != "cover" else src, "error", "title-year",
                    f"the {what} says {m.group(1)}, the decree is for {decree.year}", "Tahun {{ year }}")
        elif m and decree.date and int(m.group(1)) != decree.date.year:
            out.add(decree.srcs.get("date"), "error", "title-year",
                    f"the {what} says {m.group(1)}, the decree is signed in {decree.date.year}")

    # Ditetapkan di: the office's seat
    office = decree.office
    if not office.seat.strip():
        out.add(office.src_of("seat"), "error", "seat", "the office has no seat for 'Ditetapkan di'")
    elif office.level == "kota":
        city = re.sub(r"^Kota\s+", "", office.region)
        if office.seat != city:
            out.add(office.src_of("seat"), "error", "seat",
                    f"'Ditetapkan di {office.seat}': a KPU Kota sits in its city", city)


# ---------------------------------------------------------------- dates

def _team_decree(decree: Decree, ds: DataSet):
    oy = ds.year(decree.year).office_files.get(decree.office.id)
    return oy.team_decree if oy else None


def _lampiran_rules(decree: Decree, ds: DataSet, out: _Out) -> None:
    if decree.date is None:
        return
    td = _team_decree(decree, ds)
    if td is not None and isinstance(td.date, dt.date) and td.date > decree.date:
        out.add(td.src_of("date"), "error", "date-order",
                f"the team decree ({td.date.isoformat()}) is dated after this decree ({decree.date.isoformat()}), "
                "which cites it", f"on or before {decree.date.isoformat()}")
    yd = ds.year(decree.year)
    for rid in (*yd.file.mengingat, *yd.file.dasar_hukum):
        reg = ds.regulations.get(rid)
        if reg is not None and reg.date and reg.date > decree.date:
            out.add(reg.src_of("date"), "error", "date-order",
                    f"'{rid}' ({reg.date.isoformat()}) is dated after the decree that cites it")


# ---------------------------------------------------------------- the catalogue of legal bases

def _reg_key(reg: Regulation) -> tuple:
    return (reg.year or 0, reg.date or dt.date(reg.year or 1, 12, 31))


def _catalogue_rules(decree: Decree, ds: DataSet, out: _Out) -> None:
    regs = ds.regulations
    yd = ds.year(decree.year)
    cited: list[str] = []
    for rid in (*yd.file.mengingat, *yd.file.dasar_hukum):
        if rid in regs and rid not in cited:
            cited.append(rid)
    amendments = {a for rid in cited for a in regs[rid].amended_by}
    for group, ids in (("mengingat", yd.file.mengingat), ("dasar_hukum", yd.file.dasar_hukum)):
        srcs = list(getattr(yd.raw.get(group), "item_src", [])) or [None] * len(ids)
        listed = set(ids)
        for rid, src in zip(ids, srcs):
            for other in listed - {rid}:
                if other in regs and rid in regs[other].amended_by:
                    out.add(src, "warning", "mengingat-duplicate",
                            f"'{rid}' is cited in the amendment clause of '{other}' already", "remove it here")
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
                        f"'{rid}': a citation of {name} carries {' and '.join(missing)}",
                        "gazette: {ln: {year: …, number: …}, tln: …}")
        if reg.kind in citations.NEEDS_BN and not (g and g.bn):
            out.add(gsrc, "error", "mengingat-gazette", f"'{rid}': a citation of {name} carries its BN (Berita Negara)",
                    "gazette: {bn: {year: …, number: …}}")
        for gz, label in ((g.ln if g else None, "LN"), (g.bn if g else None, "BN")):
            if gz is None or reg.year is None:
                continue
            if gz.year < reg.year:
                out.add(gz.src_of("year"), "error", "mengingat-gazette-year",
                        f"'{rid}' of {reg.year} cannot be in the {label} of {gz.year}", str(reg.year))
            elif gz.year > reg.year + 1 or (gz.year > reg.year and not (reg.date and reg.date.month == 12)):
                out.add(gz.src_of("year"), "warning", "mengingat-gazette-year",
                        f"'{rid}' of {reg.year} is in the {label} of {gz.year}: check the year", str(reg.year))
        if reg.date and reg.year and reg.date.year != reg.year:
            out.add(reg.src_of("date"), "error", "mengingat-date",
                    f"'{rid}' is of {reg.year} but dated {reg.date.isoformat()}", str(reg.year))
        m = re.search(r"-(\d{4})$", rid)
        if m and reg.year and int(m.group(1)) != reg.year:
            out.add(reg.src_of("year"), "warning", "mengingat-id",
                    f"the id '{rid}' says {m.group(1)} but the year is {reg.year}", m.group(1))
        previous = reg
        for aid in reg.amended_by:
            a = regs.get(aid)
            if a is None or a.per_office:
                continue
            if _reg_key(a) < _reg_key(reg):
                out.add(a.src_of("year"), "error", "mengingat-amendment",
                        f"'{aid}' ({a.year}) amends '{rid}' ({reg.year}) but is older", f"a year ≥ {reg.year}")
            elif _reg_key(a) < _reg_key(previous):
                out.add(reg.src_of("amended_by"), "error", "mengingat-amendment",
                        f"amended_by of '{rid}' is not oldest first ('{aid}' after '{previous.title[:30]}…')")
            if citations.RANK[a.kind] > citations.RANK[reg.kind]:
                out.add(reg.src_of("amended_by"), "error", "mengingat-amendment",
                        f"'{aid}' ({a.kind}) cannot amend '{rid}' ({reg.kind}): lower in the hierarchy")
            previous = a
    # the resolved order (computed; a cheap guard against a broken sort)
    keys = [(citations.RANK[regs[m.id].kind], regs[m.id].year or decree.year) for m in decree.mengingat if m.id in regs]
    for i in range(1, len(keys)):
        if keys[i] < keys[i - 1]:
            m = decree.mengingat[i]
            out.add(m.src, "error", "mengingat-order", f"Mengingat {m.label} is out of order (hierarchy, then year)")


# ---------------------------------------------------------------- consistency

def _norm_area(name: str) -> str:
    name = " ".join(name.split())
    return AREA_ALIASES.get(name, name)


def _consistency_rules(decree: Decree, ds: DataSet, us: list[Unit], out: _Out) -> None:
    common, groups = build_common(ds, decree.year, decree.office.id)
    models = {a.id: a for a in common.lampiran.areas}
    pengungkit = [a for a in decree.areas if a.kind == "pengungkit"]
    names = [_norm_area(a.name) for a in pengungkit]
    for a, name in zip(pengungkit, names):
        src = models[a.id].src_of("name") if a.id in models else a.src
        if name in AREAS_90_2021:
            continue
        if name in AREA_OUTDATED:
            out.add(src, "warning", "area-name", f"'{a.name}' is an outdated name of the area", AREA_OUTDATED[name])
        else:
            close = difflib.get_close_matches(name, AREAS_90_2021, n=1, cutoff=0.5)
            out.add(src, "warning", "area-name", f"'{a.name}' is not one of the six areas of PermenPANRB 90/2021",
                    close[0] if close else None)
    official = [n for n in names if n in AREAS_90_2021]
    if official != sorted(official, key=AREAS_90_2021.index):
        first = next(a for a, n in zip(pengungkit, names) if n in AREAS_90_2021 and
                     official.index(n) != sorted(official, key=AREAS_90_2021.index).index(n))
        out.add(first.src, "warning", "area-order", "the areas are not in the order of PermenPANRB 90/2021",
                ", ".join(AREAS_90_2021))
    missing = [n for n in AREAS_90_2021 if n not in names]
    if missing and pengungkit:
        out.add(pengungkit[-1].src, "warning", "area-name", "areas of PermenPANRB 90/2021 missing: " + ", ".join(missing))

    # the coordinator list and the target table name the same areas, in the same order
    area_names = [a.name for a in pengungkit]
    for _, b in decree.blocks():
        for it in b.items:
            coords = [s for s in it.items if s.id.startswith(f"{it.id}-")
                      and to_plain(s.text).startswith("Koordinator ")]
            if coords:
                got = [to_plain(s.text)[len("Koordinator "):].rstrip(";.") for s in coords]
                if got != area_names:
                    out.add(it.src, "error", "area-order", "the coordinator list does not follow the areas",
                            ", ".join(area_names))
    group_models = {g.area: g for g in groups}
    order = [a.id for a in decree.areas]
    last_idx = -1
    for g in decree.targets:
        idx = order.index(g.area_id)
        gm = group_models.get(g.area_id)
        gsrc = gm.src_of("area") if gm is not None else g.src
        if idx < last_idx:
            out.add(gsrc, "error", "target-order",
                    f"target group '{g.area_id}' ({g.label}) comes after a later area", "order the groups as the areas")
        last_idx = max(last_idx, idx)
        if g.name != decree.areas[idx].name:
            out.add(gsrc, "error", "area-consistency", f"target group '{g.name}' vs area '{decree.areas[idx].name}'")
        rows = {r.id: r for r in gm.rows} if gm is not None else {}
        for r in g.rows:
            msrc = rows[r.id].src_of("months") if r.id in rows else r.src
            prev = None
            for mon, v in zip(MONTHS, r.values):
                if v is None:
                    continue
                if not 0 <= v <= 100:
                    out.add(_month_src(msrc, mon), "error", "target-range", f"'{r.label}': {mon} {v}% is outside 0–100%")
                if r.cumulative and prev is not None and v < prev[1]:
                    out.add(_month_src(msrc, mon), "error", "target-cumulative",
                            f"'{r.label}' is cumulative but goes down from {prev[1]}% ({prev[0]}) to {v}% ({mon})",
                            f"≥ {prev[1]}")
                prev = (mon, v)
    targeted = {g.area_id for g in decree.targets}
    for a in decree.areas:
        if a.id not in targeted:
            out.add(decree.srcs.get("targets_title"), "warning", "target-missing",
                    f"area '{a.name}' has no row in the target table")

    _area_intros(decree, out)
    _duplicates(us, out)
    for u in us:
        if u.compare:  # paragraphs and list items of the Lampiran (not titles, terms, citations, table)
            for h in tr.end_punctuation(u.text, "this paragraph" if "/" not in u.addr.split("/", 3)[-1] else "this item"):
                out.hit(u, h)


def _month_src(src: Src | None, mon: str) -> Src | None:
    lines = file_lines(src.file) if src and src.line else None
    if not lines:
        return src
    for i in range(src.line - 1, min(len(lines), src.line + 14)):
        m = re.search(rf"(?<![\w-]){mon}\s*:", lines[i])
        if m:
            return Src(src.file, i + 1, m.start() + 1)
    return src


_INTRO = re.compile(r"(?:Rencana\s+aksi|Kegiatan)\s+dalam\s+(?:komponen\s+)?(.+?)\s+(?:ini\s+)?adalah\s*:?\s*$",
                    re.I | re.S)


def area_intro_mismatch(intro: str, own: str, others: list[str]) -> tuple[int, str, str] | None:
    """(offset, named, area) when an area's intro names another area ("copied from Area V")."""
    m = _INTRO.search(intro)
    if not m:
        return None
    named = " ".join(m.group(1).split())
    key = re.sub(r"\s+", "", named.lower())

    def same(area: str) -> bool:
        a = re.sub(r"\s+", "", area.lower())
        return a.startswith(key) or key.startswith(a) or key.endswith(a)

    if same(own):
        return None
    for other in others:
        if same(other):
            return m.start(1), named, other
    return None


def _area_intros(decree: Decree, out: _Out) -> None:
    names = [a.name for a in decree.areas]
    for ch in decree.chapters:
        for s in ch.sections:
            area = next((a for a in decree.areas if a.id == s.id), None)
            if area is None:
                continue
            for b in s.blocks:
                if b.id == f"{area.id}-intro":
                    found = area_intro_mismatch(to_plain(b.text), area.name, [n for n in names if n != area.name])
                    if found:
                        off, named, other = found
                        out.add(locate(b.src, b.text, off), "error", "area-intro",
                                f"the intro of '{area.name}' speaks of '{named}' (area '{other}'): copied?",
                                area.name.lower())


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
            out.add(locate(u.src, u.text, 0), "error", "duplicate", f"the same text as {first.addr} ({first.src})",
                    "remove one")
            flagged.add(u.addr)
        else:
            seen[key] = u
    terms: dict[str, Unit] = {}
    for u in us:
        if not u.addr.endswith("/term"):
            continue
        key = tr.normalise(re.sub(r"\([^)]*\)", "", to_plain(u.text)))
        if key in terms and u.addr[:-len("/term")] not in flagged:
            out.add(locate(u.src, u.text, 0), "error", "duplicate",
                    f"'{to_plain(u.text)}' is defined twice (also {terms[key].src})", "remove one")
        else:
            terms[key] = u
