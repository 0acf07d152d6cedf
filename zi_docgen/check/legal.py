"""Drafting rules of issue 12 and the status of the legal bases.

Word rules over one text (they return textrules.Hit with offsets into the text):
    bound-form        antar-, pasca-, pra-, non- written apart ("antar jabatan" → antarjabatan)
    pleonasm          "dalam rangka untuk", "agar supaya", "demi untuk", "sejak dari"
    di-tahun          "di tahun 2026" → "pada tahun 2026"
    sebagaimana       "sebagaimana Pasal 44" → "sebagaimana dimaksud dalam Pasal 44"
    case-mixed        one phrase capitalised two ways in one paragraph
    diktum-lampiran   "Lampiran Keputusan yang merupakan …" → "Lampiran yang merupakan bagian tidak
                      terpisahkan dari Keputusan ini"
Rules over the whole decree:
    italic-mixed      a foreign term in italics in one place and not in another
    komponen-hasil    target group of the komponen hasil = PermenPANRB 90/2021's names, in its order
    regulation-status a cited regulation revoked, or its period ended, before the decree's year
    regulation-source a cited catalogue entry without a `source` (its numbers are not verified)
"""
from __future__ import annotations

import functools
import re
from typing import Iterable

from ..i18n import _, get_language
from ..load.dataset import DataSet, legal_bases
from ..resolve import citations
from ..resolve.decree import Decree
from ..resolve.zona import HASIL_90_2021
from . import textrules as tr

# ---------------------------------------------------------------- word rules

BOUND_FORMS = ("antar", "pasca", "pra", "non")
_BOUND = re.compile(r"(?<![\w-])(" + "|".join(BOUND_FORMS) + r")\s+([A-Za-z][\w-]*)", re.I)


def bound_forms(text: str) -> list[tr.Hit]:
    out = []
    for m in _BOUND.finditer(text):
        prefix, word = m.group(1), m.group(2)
        # Before a capital (a name, an abbreviation) the bound form takes a hyphen: pasca-Pemilu, non-ASN.
        joined = f"{prefix}-{word}" if word[:1].isupper() else f"{prefix}{word}"
        out.append(tr.Hit(m.start(), m.end(), "error", "bound-form",
                          _("'{text}': '{prefix}' is a bound form, written together with the next word").format(
                              text=m.group(0), prefix=prefix),
                          joined))
    return out


PLEONASMS = {
    "dalam rangka untuk": "dalam rangka / untuk",
    "agar supaya": "agar / supaya",
    "demi untuk": "demi / untuk",
    "sejak dari": "sejak / dari",
}
_PLEONASM = re.compile(r"(?<![\w-])(" + "|".join(r"\s+".join(p.split()) for p in PLEONASMS) + r")(?![\w-])", re.I)


def pleonasms(text: str) -> list[tr.Hit]:
    out = []
    for m in _PLEONASM.finditer(text):
        key = " ".join(m.group(1).lower().split())
        out.append(tr.Hit(m.start(), m.end(), "error", "pleonasm",
                          _("'{text}' says the same thing twice").format(text=m.group(1)),
                          _("one of: {choices}").format(choices=PLEONASMS[key])))
    return out


_DI_TAHUN = re.compile(r"(?<![\w-])(di)\s+(tahun)(?![\w-])", re.I)


def di_tahun(text: str) -> list[tr.Hit]:
    return [tr.Hit(m.start(), m.end(), "error", "di-tahun",
                   _("'{text}': time takes 'pada', not 'di'").format(text=m.group(0)), tr.match_case("pada", m.group(1)) + " tahun")
            for m in _DI_TAHUN.finditer(text)]


_SEBAGAIMANA = re.compile(r"(?<![\w-])sebagaimana\s+(?:dalam\s+)?(Pasal|ayat|huruf|angka|Lampiran)(?![\w-])", re.I)


def sebagaimana(text: str) -> list[tr.Hit]:
    return [tr.Hit(m.start(), m.end(), "error", "sebagaimana",
                   _("'{text}': a reference reads 'sebagaimana dimaksud dalam …'").format(text=m.group(0)),
                   f"sebagaimana dimaksud dalam {m.group(1)}")
            for m in _SEBAGAIMANA.finditer(text)]


_DIKTUM_LAMPIRAN = re.compile(r"(?<![\w-])Lampiran\s+Keputusan\s+(?:ini\s+)?yang\s+merupakan", re.I)


def diktum_lampiran(text: str) -> list[tr.Hit]:
    return [tr.Hit(m.start(), m.end(), "error", "diktum-lampiran",
                   _("the diktum names 'Lampiran Keputusan'; the Lampiran is part of this Keputusan"),
                   "tercantum dalam Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini")
            for m in _DIKTUM_LAMPIRAN.finditer(text)]


_WORD = re.compile(r"[A-Za-z][a-z]*(?:-[A-Za-z][a-z]*)*")


_SMALL_WORDS = {"dan", "di", "ke", "dari", "menuju", "yang", "untuk", "pada", "dalam", "atas", "bagi", "serta",
                "atau", "tentang", "oleh", "dengan", "terhadap", "sebagai", "ini", "itu"}


def mixed_case(text: str) -> list[tr.Hit]:
    """One two-word phrase written with different capitals in the same text.

    The first word is the same, the second is capitalised differently: "Rencana kerja …
    Rencana Kerja" fires; "Pembangunan Zona" at a sentence start and "pembangunan Zona" do not.
    """
    words = [(m.start(), m.group(0)) for m in _WORD.finditer(text)]
    seen: dict[tuple[str, str], tuple[str, str]] = {}
    out = []
    for (i, a), (j, b) in zip(words, words[1:]):
        between = text[i + len(a):j]
        if not between.strip() == "" or len(a) < 2 or len(b) < 3:
            continue
        if a.isupper() and len(a) > 1 or b.isupper():
            continue  # abbreviations and headings in capitals
        key = (a.lower(), b.lower())
        if key not in seen:
            seen[key] = (a, b)
            continue
        a0, b0 = seen[key]
        # The same first word, the second capitalised differently; a small word after a name
        # ("Zona Integritas Menuju" in a regulation's title) keeps the title's capitals.
        if a0 == a and b0 != b and b.lower() not in _SMALL_WORDS:
            out.append(tr.Hit(i, j + len(b), "warning", "case-mixed",
                              _("'{a} {b}' is written '{a0} {b0}' earlier in the same paragraph").format(
                                  a=a, b=b, a0=a0, b0=b0),
                              _("write it one way")))
    return out


def word_rules(text: str, diktum: bool = False) -> list[tr.Hit]:
    return list(_word_rules(text, diktum, get_language()))


# Most texts are the shared text, the same for all 15 offices: each is read once per process.
@functools.lru_cache(maxsize=8192)
def _word_rules(text: str, diktum: bool, lang: str) -> tuple[tr.Hit, ...]:  # lang: the messages are in it
    masked = tr.mask(text)
    hits = bound_forms(masked) + pleonasms(masked) + di_tahun(masked) + sebagaimana(masked) + mixed_case(masked)
    if diktum:
        hits += diktum_lampiran(masked)
    return tuple(hits)


# ---------------------------------------------------------------- italics

#: Foreign terms usual in ZI documents; each is written in italics (like the ones the data marks).
FOREIGN_TERMS = ("coaching", "mentoring", "counseling", "reward", "punishment", "role model",
                 "whistle blowing system", "grand design", "agent of change", "agents of change",
                 "benchmarking", "feedback", "stakeholder", "mystery shopper", "best practice", "website",
                 "online", "offline", "e-learning")

_ITALIC = re.compile(r"(?<!\\)\*([^*]+)\*")


def italic_terms(texts: Iterable[str]) -> set[str]:
    return {" ".join(m.group(1).lower().split()) for t in texts for m in _ITALIC.finditer(t)}


def plain_foreign(text: str, terms: Iterable[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of each term written outside italics."""
    return list(_plain_foreign(text, tuple(terms)))


@functools.lru_cache(maxsize=8192)
def _plain_foreign(text: str, terms: tuple[str, ...]) -> tuple[tuple[int, int, str], ...]:
    masked = tr.mask(text)
    if _any_term(terms).search(masked) is None:
        return ()   # most texts hold none of the terms: one scan instead of one per term
    out = []
    for term in terms:
        for m in _term_pattern(term).finditer(masked):
            out.append((m.start(), m.end(), term))
    return tuple(out)


@functools.lru_cache(maxsize=64)
def _any_term(terms: tuple[str, ...]) -> re.Pattern:
    # The terms' patterns as one alternation, with the same boundaries and flags: it matches
    # somewhere exactly when one of them does (the regex engine tries every alternative).
    return re.compile(r"(?<![\w-])(?:" + "|".join(_term_body(t) for t in terms) + r")(?![\w-])", re.I)


def _term_body(term: str) -> str:
    return r"\s+".join(map(re.escape, term.split()))


@functools.lru_cache(maxsize=1024)
def _term_pattern(term: str) -> re.Pattern:
    return re.compile(r"(?<![\w-])" + _term_body(term) + r"(?![\w-])", re.I)


# ---------------------------------------------------------------- legal bases

def _designation(reg) -> str:
    name = citations.KIND_NAME[reg.kind].format(issuer=reg.issuer or "")
    if reg.kind == "UUD":
        return f"{name} Tahun {reg.year}"
    return f"{name} Nomor {reg.number}" + ("" if reg.year_in_number else f" Tahun {reg.year}")


def lapsed(ds: DataSet, rid: str, year: int) -> str | None:
    """Why regulation `rid` no longer holds in `year`, naming what the catalogue knows; None if it holds."""
    regs = ds.regulations
    reg = regs[rid]
    reasons = []
    if reg.status == "dicabut":
        by = regs.get(reg.revoked_by) if reg.revoked_by else None
        when = reg.revoked_year or (by.year if by is not None else None)
        if when is not None and when <= year:
            reasons.append(_("revoked in {year} by {regulation}").format(year=when, regulation=_designation(by))
                           if by is not None else _("revoked in {year}").format(year=when))
    if reg.period_end is not None and reg.period_end < year:
        reasons.append(_("its period ended in {year}").format(year=reg.period_end))
    if not reasons:
        return None
    succ = regs.get(reg.successor) if reg.successor else None
    if succ is not None:
        known = _("the catalogue names its successor: {regulation}").format(regulation=_designation(succ))
    elif reg.note:
        known = _("the catalogue knows: {note}").format(note=" ".join(reg.note.split()))
    else:
        known = _("the catalogue knows no successor: look it up on the JDIH")
    return f"{_designation(reg)}: {_(' and ').join(reasons)}; {known}"


# ---------------------------------------------------------------- over one decree

def findings(decree: Decree, ds: DataSet, units) -> list[tuple]:
    """(src, severity, rule, message, suggestion) of every rule above, for one office-year."""
    out: list[tuple] = []

    def at(u, start: int):
        return u.src.at(u.text, start) if u.src else None

    for u in units:
        if u.registry:
            continue
        for h in word_rules(u.text, diktum="/diktum/" in u.path or u.path.startswith("keputusan/diktum")):
            out.append((at(u, h.start), h.severity, h.rule, h.message, h.suggestion))

    # italics: a term in italics anywhere, or a usual foreign term, must be in italics everywhere
    texts = [u.text for u in units if not u.registry]
    italic = italic_terms(texts)
    if italic:
        terms = sorted(italic | set(FOREIGN_TERMS), key=len, reverse=True)
        for u in units:
            if u.registry:
                continue
            taken: list[tuple[int, int]] = []
            for start, end, term in plain_foreign(u.text, terms):
                if any(a < end and start < b for a, b in taken):
                    continue
                taken.append((start, end))
                example = next(iter(sorted(italic)))
                out.append((at(u, start), "warning", "italic-mixed",
                            _("'{text}' is a foreign term outside italics, while others are in italics (e.g. *{example}*)")
                            .format(text=u.text[start:end], example=example), f"*{u.text[start:end]}*"))

    # komponen hasil: the target group reads PermenPANRB 90/2021's names, in its order
    hasil_areas = {a.id for a in decree.areas if a.kind == "hasil"}
    for g in decree.targets:
        if g.area_id not in hasil_areas:
            continue
        labels = [" ".join(tr.mask(r.label).split()) for r in g.rows]
        if labels != list(HASIL_90_2021):
            bad = next((i for i, (a, b) in enumerate(zip(labels, HASIL_90_2021)) if a != b), None)
            src = g.rows[bad].src if bad is not None else g.src
            out.append((src, "error", "komponen-hasil",
                        _("target group {label} {name} reads {rows}").format(
                            label=g.label, name=g.name, rows=" / ".join(labels) or _("nothing")),
                        _("{names} (PermenPANRB 90/2021, in this order)").format(names=" / ".join(HASIL_90_2021))))

    # legal bases: lapsed ones (cited in the lists, or named in the text), and unverified numbers
    yd = ds.year(decree.year)
    regs = ds.regulations
    lists = {what: legal_bases(ds, decree.year, decree.office.id, what) for what in ("mengingat", "dasar_hukum")}
    for what, listed in lists.items():
        for rid, src in listed:
            why = lapsed(ds, rid, decree.year) if rid in regs else None
            if why:
                out.append((src, "warning", "regulation-status",
                            _("{part} cites a regulation that no longer holds in {year}: {why}").format(
                                part=what.replace("_", " "), year=decree.year, why=why),
                            _("the legal staff decide: keep, replace or remove it")))
    for rid, reg in regs.items():
        why = lapsed(ds, rid, decree.year)
        if not why or reg.per_office:
            continue
        pat = re.compile(r"\s+".join(map(re.escape, _designation(reg).split())) + r"(?![\w])")
        for u in units:
            m = pat.search(tr.mask(u.text))
            # a citation in Mengingat or Dasar Hukum starts with the designation: reported above
            if m and m.start() > 0:
                out.append((at(u, m.start()), "warning", "regulation-status",
                            _("the text relies on a regulation that no longer holds in {year}: {why}").format(
                                year=decree.year, why=why),
                            _("the legal staff decide how to word it")))
    cited = []
    for rid, _src in (*lists["mengingat"], *lists["dasar_hukum"]):
        if rid in regs and rid not in cited:
            cited.append(rid)
            cited.extend(a for a in regs[rid].amended_by if a not in cited)
    for rid in cited:
        reg = regs[rid]
        if reg.per_office:
            continue
        if not reg.source or reg.unverified:
            out.append((reg.src_of("title") or reg.src, "note", "regulation-source",
                        _("{regulation}: no source for its numbers (unverified)").format(regulation=_designation(reg)),
                        _("add source: the JDIH or peraturan.go.id page where they were checked")))
    return out
