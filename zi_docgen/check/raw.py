"""check_text: the rules that make sense on plain text, e.g. a hand-typed or transcribed decree.

The text is taken as it is: one paragraph per line, list labels typed ("a.",
"1.", "1)"), perhaps "- " bullets and *italics* / **bold** markup from a
transcription. Structure is recognised from the usual headings (Menimbang,
Mengingat, Menetapkan, LAMPIRAN, DASAR HUKUM, AREA I – …, the target table).
"""
from __future__ import annotations

import bisect
import difflib
import re
from typing import Iterable

from ..resolve import citations
from ..errors import Src, closest
from . import textrules as tr
from .findings import Finding
from ..i18n import _
from .tables import AREA_ALIASES, AREA_OUTDATED, AREAS_90_2021


class _Text:
    def __init__(self, text: str, path: str):
        self.text, self.path = text, path
        self.starts = [0] + [m.end() for m in re.finditer(r"\n", text)]
        self.findings: list[Finding] = []

    def src(self, offset: int) -> Src:
        i = bisect.bisect_right(self.starts, offset) - 1
        return Src(self.path, i + 1, offset - self.starts[i] + 1)

    def add(self, offset: int, severity: str, rule: str, message: str, suggestion: str | None = None) -> None:
        self.findings.append(Finding(self.src(offset), severity, rule, message, suggestion))

    def hit(self, h: tr.Hit, base: int = 0) -> None:
        self.add(base + h.start, h.severity, h.rule, h.message, h.suggestion)

    def lines(self):
        """(offset, line) for every line."""
        for i, s in enumerate(self.starts):
            e = self.starts[i + 1] - 1 if i + 1 < len(self.starts) else len(self.text)
            yield s, self.text[s:e]


_LABEL = re.compile(r"^[ \t]*(?:[-•][ \t]*)*(?:(?:Menimbang|Mengingat)[ \t]*:[ \t]*)?"
                    r"(?P<label>[a-z]\.|\d+\.|\d+\)|[A-Z]\.|[IVX]+\.)[ \t]+")


def check_text(text: str, path: str, *, extra_words: Iterable[str] = ()) -> list[Finding]:
    """Findings for a raw text; `path` is what they name as their file (line:col into `text`).

    extra_words: names that are right although no dictionary has them (people, offices);
    `zi-docgen` passes the registry's.
    """
    t = _Text(text, path)
    _words(t, frozenset(extra_words))
    _menimbang(t)
    _citations(t)
    _titles(t)
    _dates_agree(t)
    _duplicates(t)
    _areas(t)
    _targets(t)
    _end_punctuation(t)
    seen, out = set(), []
    for f in sorted(t.findings, key=Finding.sort_key):
        if f.key() not in seen:
            seen.add(f.key())
            out.append(f)
    return out


# ---------------------------------------------------------------- words

def _words(t: _Text, extra: frozenset[str]) -> None:
    from ..resolve.dates import MONTH_ABBR
    from .tokens import iter_words

    masked = tr.mask(t.text)
    hits = tr.word_rules(masked)
    taken = tr.covered_by([(h.start, h.end) for h in hits])
    for h in hits:
        t.hit(h)
    # the month columns of the target table are abbreviated (Jan, Feb, …, Agt)
    checker = tr.checker(extra | frozenset(MONTH_ABBR))
    line_spans = []
    for s, line in t.lines():
        text = masked[s:s + len(line)]
        words = [w for w, _ in iter_words(text)]
        unknown = [w for w in words if not checker.is_correct(w)]
        if len(words) >= 8 and len(unknown) > 0.4 * len(words):
            # a transcriber's note or a foreign-language passage: one warning, not one per word
            t.add(s, "warning", "foreign-text",
                  _("this line does not read as Indonesian ({unknown} of {n} words unknown); not spell-checked").format(
                      unknown=len(unknown), n=len(words)))
        elif unknown:
            line_spans.append((s, text))
    results = tr.spelling(checker, [text for _, text in line_spans])
    for (s, _text), found in zip(line_spans, results):
        for h in found:
            if not taken(s + h.start):
                t.hit(h, s)


# ---------------------------------------------------------------- Menimbang

def _region(t: _Text, start_re: str, end_re: str) -> tuple[int, int] | None:
    m = re.search(start_re, t.text, re.M)
    if not m:
        return None
    e = re.search(end_re, t.text[m.end():], re.M)
    return m.start(), (m.end() + e.start()) if e else len(t.text)


def _items(t: _Text, a: int, b: int, kind: str) -> list[tuple[int, str, str]]:
    """(offset of the text, label, text) of the labelled items between offsets a and b."""
    starts = []
    for s, line in t.lines():
        if s < a or s >= b:
            continue
        m = _LABEL.match(line)
        if m and _kind(m.group("label")) == kind:
            starts.append((s + m.end(), m.group("label")))
    out = []
    for i, (s, label) in enumerate(starts):
        e = starts[i + 1][0] if i + 1 < len(starts) else b
        # the next item's own line starts before its label: cut at the start of that line
        e = t.text.rfind("\n", s, e) if i + 1 < len(starts) else e
        out.append((s, label, t.text[s:e].rstrip()))
    return out


def _kind(label: str) -> str:
    if re.fullmatch(r"[a-z]\.", label):
        return "letter"
    if re.fullmatch(r"\d+\.", label):
        return "number"
    if re.fullmatch(r"\d+\)", label):
        return "paren"
    return "other"


def _menimbang(t: _Text) -> None:
    region = _region(t, r"^[-\s]*Menimbang\b", r"^[-\s]*(?:Mengingat|Memperhatikan|MEMUTUSKAN)\b")
    if not region:
        return
    items = _items(t, *region, kind="letter")
    for i, (s, label, text) in enumerate(items):
        for h in tr.menimbang_item(text):
            t.hit(h, s)
        if i == len(items) - 1 and i > 0:
            for h in tr.menimbang_refs(text, i):
                t.hit(h, s)


# ---------------------------------------------------------------- citations (Mengingat, Dasar Hukum)

_CITE = re.compile(r"(?P<name>Undang-Undang Dasar|Undang-Undang|Peraturan Pemerintah Pengganti Undang-Undang|"
                   r"Peraturan Pemerintah|Peraturan Presiden|Peraturan Menteri|Peraturan Komisi Pemilihan Umum|"
                   r"Peraturan Badan|Peraturan Lembaga|Keputusan)\b[^;]*?(?:Nomor\s+(?P<num>\S+)(?:\s+Tahun\s+(?P<y>\d{4}))?)",
                   re.S)


def _cite_kind(name: str) -> str:
    return {"Undang-Undang Dasar": "UUD", "Undang-Undang": "UU", "Peraturan Pemerintah Pengganti Undang-Undang": "PERPPU",
            "Peraturan Pemerintah": "PP", "Peraturan Presiden": "PERPRES", "Peraturan Menteri": "PERMEN",
            "Peraturan Badan": "PERMEN", "Peraturan Lembaga": "PERMEN",
            "Peraturan Komisi Pemilihan Umum": "PKPU"}.get(name, "KEPUTUSAN")


def _citation_year(num: str, y: str | None) -> int | None:
    if y:
        return int(y)
    m = re.search(r"/(\d{4})$", num or "")
    return int(m.group(1)) if m else None


def _short(designation: str) -> str:
    """'Peraturan Menteri Pendayagunaan … Nomor 90 Tahun 2021' → 'Peraturan Menteri … Nomor 90 Tahun 2021'."""
    words = designation.split()
    if len(words) <= 8:
        return designation
    k = words.index("Nomor") if "Nomor" in words else len(words) - 4
    return " ".join(words[:2] + ["…"] + words[k:]) if k > 2 else " ".join(words[:8]) + " …"


def _citations(t: _Text) -> None:
    regions = []
    r = _region(t, r"^[-\s]*Mengingat\b", r"^[-\s]*(?:Memperhatikan|MEMUTUSKAN)\b")
    if r:
        regions.append(r)
    r = _region(t, r"^\s*(?:[A-Z]\.\s+)?DASAR\s+HUKUM\s*$", r"^\s*(?:[A-Z]\.\s+[A-Z ]+|BAB\s+[IVX]+)\s*$")
    if r:
        regions.append(r)
    for a, b in regions:
        items = _items(t, a, b, kind="number")
        prev = None
        for s, label, text in items:
            flat = re.sub(r"-\s*\n[\s\-]*", "-", text)  # "Undang-" ⏎ "- Undang" reads as one word here
            flat = " ".join(flat.split())
            if not flat.endswith(";") and not flat.endswith("."):
                t.add(s + len(text.rstrip()) - 1, "error", "mengingat-end", _("citation {label} does not end with ';'").format(label=label), ";")
            # the cited regulation, then each amendment
            parts = re.split(r"\s+sebagaimana\s+telah\s+(?:beberapa\s+kali\s+)?diubah\s+(?:terakhir\s+)?dengan\s+", flat)
            base = None
            for k, part in enumerate(parts):
                m = _CITE.match(part)
                if not m:
                    continue
                kind = _cite_kind(m["name"])
                year = _citation_year(m["num"], m["y"])
                if k == 0:
                    base = (citations.RANK[kind], year or 0, label, _short(part[:m.end()]))
                gz = part[m.end():]
                # the gazette is the parenthesis after the title
                paren = re.findall(r"\(([^()]*(?:Lembaran|Berita)[^()]*)\)", gz)
                gazette = paren[-1] if paren else ""
                what = f"{m['name']} Nomor {m['num']}" + (f" Tahun {m['y']}" if m["y"] else "")
                if kind in citations.NEEDS_LN_TLN:
                    for need, word in (("Lembaran Negara Republik Indonesia Tahun", "LN"),
                                       ("Tambahan Lembaran Negara", "TLN")):
                        if need not in gazette:
                            t.add(s, "error", "mengingat-gazette", _("citation {label}: {what} without its {gazette}").format(
                                label=label, what=what, gazette=word))
                if kind in citations.NEEDS_BN and "Berita Negara" not in gazette:
                    t.add(s, "error", "mengingat-gazette", _("citation {label}: {what} without its BN (Berita Negara)").format(
                        label=label, what=what))
                gy = re.search(r"(?:Lembaran|Berita) Negara Republik Indonesia Tahun (\d{4})", gazette)
                if gy and year and int(gy.group(1)) < year:
                    t.add(s, "error", "mengingat-gazette-year",
                          _("citation {label}: {what} cannot be in the gazette of {year}").format(
                              label=label, what=what, year=gy.group(1)))
            if base is not None:
                if prev is not None and base[:2] < prev[:2]:
                    t.add(s - len(label) - 1, "error", "mengingat-order",
                          _("{label} {what} should come before {other_label} {other} (hierarchy, then year)").format(
                              label=label, what=base[3], other_label=prev[2], other=prev[3]))
                else:
                    prev = base


# ---------------------------------------------------------------- title, Menetapkan, Lampiran header

def _collect(t: _Text, start: int, stop: re.Pattern) -> tuple[int, str]:
    """Non-empty lines from offset `start` until a line matching `stop` (or a blank line after text)."""
    parts, first = [], None
    for s, line in t.lines():
        if s < start:
            continue
        if stop.match(line):
            break
        if not line.strip():
            if parts:
                break
            continue
        first = s if first is None else first
        parts.append(line.strip())
    return (first or start), " ".join(parts)


def _first_difference(a: str, b: str) -> tuple[int, str]:
    """Word offset in b of its first difference from a, and what differs."""
    wa, wb = a.split(), b.split()
    sm = difflib.SequenceMatcher(a=wa, b=wb, autojunk=False)
    for op, i1, i2, j1, j2 in sm.get_opcodes():
        if op == "equal":
            continue
        missing = " ".join(wa[i1:i2])
        extra = " ".join(wb[j1:j2])
        what = (_("missing '{text}'").format(text=missing) if op == "delete"
                else _("'{text}' instead of '{other}'").format(text=extra, other=missing) if op == "replace"
                else _("extra '{text}'").format(text=extra))
        return j1, what
    return 0, ""


def _offset_of_word(text: str, k: int) -> int:
    ms = list(re.finditer(r"\S+", text))
    return ms[k].start() if k < len(ms) else 0


def _titles(t: _Text) -> None:
    text = t.text
    m = re.search(r"^\s*(KEPUTUSAN\s+.+?)\s*$\s*^\s*NOMOR\s+(\S+)\s+TAHUN\s+(\d{4})\s*$", text, re.M)
    if not m:
        return
    heading, number, year = " ".join(m.group(1).split()), m.group(2), m.group(3)
    tm = re.compile(r"^\s*TENTANG\s*$", re.M).search(text, m.end())
    if not tm:
        return
    _start, title = _collect(t, tm.end() + 1, re.compile(r"^\s*(?:KETUA|[-\s]*Menimbang)\b"))
    ty = re.search(r"TAHUN\s+(\d{4})$", title)
    if ty and ty.group(1) != year:
        t.add(tm.end() + 1, "error", "title-year", _("the title says {title_year}, the number says TAHUN {year}").format(
            title_year=ty.group(1), year=year))
    dm = re.search(r"^\s*pada\s+tanggal\s+(\d{1,2})\s+(\w+)\s+(\d{4})", text, re.M | re.I)
    if dm and ty and dm.group(3) != ty.group(1):
        t.add(dm.start(3), "error", "title-year", _("signed in {year}, the title says {title_year}").format(
            year=dm.group(3), title_year=ty.group(1)))
    expected = f"{heading} TENTANG {title}."
    mm = re.search(r"^[-\s]*Menetapkan\s*:\s*(.+)$", text, re.M)
    if mm:
        got = " ".join(mm.group(1).split())
        if got.upper() != expected.upper():
            k, what = _first_difference(expected, got)
            t.add(mm.start(1) + _offset_of_word(mm.group(1), k), "error", "menetapkan",
                  _("Menetapkan differs from the heading and title: {difference}").format(difference=what))
    lm = re.search(r"^\s*LAMPIRAN\s*$", text, re.M)
    if lm:
        start, header = _collect(t, lm.end() + 1, re.compile(r"^$^"))
        hm = re.match(r"(.+?)\s+NOMOR\s+(\S+)\s+TAHUN\s+(\d{4})\s+TENTANG\s+(.+)$", header)
        if hm:
            if (hm.group(2), hm.group(3)) != (number, year):
                t.add(start, "error", "lampiran-header",
                      _("the Lampiran header says NOMOR {number} TAHUN {year}, the Keputusan {k_number} {k_year}").format(
                          number=hm.group(2), year=hm.group(3), k_number=number, k_year=year))
            for got, want, what in ((hm.group(1), heading, _("the Lampiran header's heading differs from the "
                                                              "Keputusan's: {difference}")),
                                    (hm.group(4), title, _("the Lampiran header's title differs from the "
                                                           "Keputusan's: {difference}"))):
                if " ".join(got.split()).upper() != want.upper():
                    k, diff = _first_difference(want, got)
                    off = start + _offset_of_lampiran_word(text[start:], got, k)
                    t.add(off, "error", "lampiran-header", what.format(difference=diff),
                          want)


def _offset_of_lampiran_word(body: str, got: str, k: int) -> int:
    """Offset in body of the k-th word of `got` (which starts somewhere in body)."""
    first = got.split()[0] if got.split() else ""
    base = body.find(first)
    words = list(re.finditer(r"\S+", body[base:]))
    return base + (words[k].start() if k < len(words) else 0)


# ---------------------------------------------------------------- dates agree

def _dates_agree(t: _Text) -> None:
    m = re.search(r"Ditetapkan\s+di\s+(\S[^\n]*?)\s*\n\s*pada\s+tanggal\s+(\d{1,2}\s+\w+\s+\d{4})", t.text, re.I)
    if not m:
        return
    seat, date = m.group(1).strip(), " ".join(m.group(2).split())
    for k in re.finditer(r"^\s*([A-Z][\w ]+?),\s+(\d{1,2}\s+[A-Z]\w+\s+\d{4})\s*$", t.text, re.M):
        if k.start() < m.end():
            continue
        place, d2 = k.group(1).strip(), " ".join(k.group(2).split())
        if d2 != date:
            t.add(k.start(2), "error", "date-agree", _("dated {date}, the decree {decree_date}").format(
                date=d2, decree_date=date), date)
        if place != seat:
            t.add(k.start(1), "error", "seat", _("'{place}', the decree is 'Ditetapkan di {seat}'").format(
                place=place, seat=seat), seat)


# ---------------------------------------------------------------- duplicates

_IS_CITATION = re.compile(r"^(?:Undang-Undang|Peraturan|Keputusan)\b.*\bNomor\b")


def _duplicates(t: _Text) -> None:
    seen: dict[str, int] = {}
    terms: dict[str, int] = {}
    lines = list(t.lines())
    for i, (s, line) in enumerate(lines):
        m = _LABEL.match(line)
        body = line[m.end():] if m else line.lstrip(" \t-•")
        if _IS_CITATION.match(body.strip()) or body.isupper():
            continue  # citations repeat in Mengingat and Dasar Hukum; titles repeat on title pages
        key = tr.normalise(body)
        if len(key.split()) >= 6:
            if key in seen:
                t.add(s, "error", "duplicate", _("the same text as line {line}").format(line=t.src(seen[key]).line),
                      _("remove one"))
                continue
            seen[key] = s
        # a defined term: "X adalah …", or "X :" with "Adalah …" on the next line
        term = None
        dm = re.match(r"(.{3,80}?)\s+adalah\s", body)
        if m and dm:
            term = dm.group(1)
        elif m and body.rstrip().endswith(":") and i + 1 < len(lines) and re.match(r"\s*adalah\b", lines[i + 1][1], re.I):
            term = body.rstrip().rstrip(":")
        if term:
            tkey = tr.normalise(re.sub(r"\([^)]*\)", "", term))
            if tkey in terms:
                t.add(s, "error", "duplicate", _("'{term}' is defined twice (also line {line})").format(
                    term=term.strip(), line=t.src(terms[tkey]).line), _("remove one"))
            else:
                terms[tkey] = s


# ---------------------------------------------------------------- areas

_AREA_HEAD = re.compile(r"^[ \t]*(?:[A-Z]\.[ \t]+)?AREA[ \t]+(?P<n>[IVX]+)[ \t]*(?P<dash>[-–—])[ \t]*(?P<name>.+?)[ \t]*$",
                        re.M)
_COORD = re.compile(r"^[ \t\-]*(?:\d+\)[ \t]+)?Koordinator[ \t]+(?P<name>.+?)[;.]?[ \t]*$", re.M)
_TABLE_GROUP = re.compile(r"^(?P<n>[IVX]+)\.\t(?P<name>[^\t\n]+)", re.M)


def _fix_typos(name: str) -> str:
    """The area name with the known confusions corrected (they are reported by their own rule)."""
    for h in sorted(tr.confusions(name), key=lambda h: -h.start):
        name = name[:h.start] + (h.suggestion or "") + name[h.end:]
    return name


def _canonical(name: str) -> str | None:
    name = " ".join(_fix_typos(name).split())
    for a in AREAS_90_2021:
        if name.lower() == a.lower():
            return a
    alias = {k.lower(): v for k, v in AREA_ALIASES.items()}.get(name.lower())
    return alias


def _check_area_name(t: _Text, offset: int, name: str, where: str) -> str | None:
    canon = _canonical(name)
    if canon:
        return canon
    fixed = " ".join(_fix_typos(name).split())
    outdated = {k.lower(): v for k, v in AREA_OUTDATED.items()}.get(fixed.lower())
    if outdated:
        return outdated  # the word rule area-name reports it where it stands
    t.add(offset, "error", "area-name", _("{where} '{name}' is not one of the six areas of PermenPANRB 90/2021").format(
              where=where, name=name),
          closest(fixed, AREAS_90_2021, cutoff=0.5))
    return None


def _areas(t: _Text) -> None:
    heads = list(_AREA_HEAD.finditer(t.text))
    by_number: dict[str, str] = {}
    dashes = {m["dash"] for m in heads}
    for m in heads:
        canon = _check_area_name(t, m.start("name"), m["name"], f"AREA {m['n']}")
        by_number[m["n"]] = canon or m["name"]
        if len(dashes) > 1 and m["dash"] != "–":
            t.add(m.start("dash"), "warning", "heading-dash",
                  _("AREA {n} uses '{dash}', the others '–'").format(n=m["n"], dash=m["dash"]), "–")
    order = [by_number[m["n"]] for m in heads]
    # the intro of each area names that area ("Rencana aksi dalam komponen … ini adalah")
    for i, m in enumerate(heads):
        end = heads[i + 1].start() if i + 1 < len(heads) else len(t.text)
        section = t.text[m.end():end]
        for para in re.finditer(r"[^\n]+", section):
            found = tr.area_intro_mismatch(para.group(), by_number[m["n"]], [n for n in order if n != by_number[m["n"]]])
            if found:
                off, named, other = found
                t.add(m.end() + para.start() + off, "error", "area-intro",
                      _("AREA {n} ({area}) speaks of '{named}' (area '{other}'): copied?").format(
                          n=m["n"], area=by_number[m["n"]], named=named, other=other),
                      by_number[m["n"]].lower())
    # the coordinator list follows the areas
    coords = list(_COORD.finditer(t.text))
    if coords:
        names = []
        for c in coords:
            canon = _check_area_name(t, c.start("name"), c["name"], _("coordinator"))
            names.append((c, canon))
        expected = [n for n in (order or list(AREAS_90_2021))]
        for k, (c, n) in enumerate(x for x in names if x[1]):
            if k < len(expected) and n != expected[k]:
                t.add(c.start("name"), "error", "area-order",
                      _("coordinator {k} is '{name}', area {k} is '{area}'").format(k=k + 1, name=n, area=expected[k]),
                      expected[k])
                break
    # the target table: group N is area N
    for g in _TABLE_GROUP.finditer(t.text):
        name = g["name"].strip()
        if name.lower().startswith("komponen hasil"):
            continue
        canon = _check_area_name(t, g.start("name"), name, _("target group {n}.").format(n=g["n"]))
        want = by_number.get(g["n"])
        if canon and want and canon != want:
            t.add(g.start("name"), "error", "area-consistency",
                  _("target group {n}. is '{name}', AREA {n} is '{area}'").format(n=g["n"], name=name, area=want), want)


def _targets(t: _Text) -> None:
    for m in re.finditer(r"(?<![\w.])(\d{1,4})\s*%", t.text):
        if int(m.group(1)) > 100:
            t.add(m.start(), "error", "target-range", _("{value}% is more than 100%").format(value=m.group(1)), "0–100%")
    # a row whose values go up and then down (cumulative rows never decrease)
    for s, line in t.lines():
        cells = line.split("\t")
        values = [int(c[:-1]) for c in cells if re.fullmatch(r"\d{1,3}%", c.strip() and c.strip())]
        if len(values) >= 4 and values != sorted(values) and values[:3] == sorted(values[:3]) and len(set(values)) > 2:
            t.add(s, "warning", "target-cumulative", _("the monthly targets rise and then fall: is the row cumulative?"))


def _end_punctuation(t: _Text) -> None:
    lines = list(t.lines())
    # the next non-empty line after each line (one pass, so that the rule stays linear)
    following: list[str] = [""] * len(lines)
    nxt = ""
    for i in range(len(lines) - 1, -1, -1):
        following[i] = nxt
        if lines[i][1].strip():
            nxt = lines[i][1].strip()
    for i, (s, line) in enumerate(lines):
        body = line.strip()
        words = body.split()
        label = _LABEL.match(line)
        if label and _kind(label.group("label")) == "other":
            continue  # "A. Latar Belakang", "I. …": headings
        if len(words) < (4 if label else 8) or "\t" in line or body.upper() == body or body.endswith("-"):
            continue
        if re.match(r"^[-\s]*(?:Menimbang|Mengingat|Menetapkan|KESATU|KEDUA)\b", body) or _IS_CITATION.match(body):
            continue
        nxt = re.sub(r"^[-\s]+", "", following[i])
        if nxt[:1].islower():
            continue  # the paragraph goes on after a page break
        for h in tr.end_punctuation(line, "this item" if label else "this paragraph"):
            t.hit(h, s)
