"""Rules over one piece of text: they work the same on a resolved decree text and on raw text.

Each rule returns Hits: offsets into the text it was given, so the caller can turn
them into file:line:col (through the YAML source for decree texts, directly for a
raw text file). Texts may carry the *italics* markup; `mask` blanks the markers and
the italic words (foreign terms) while keeping every offset.
"""
from __future__ import annotations

import datetime as dt
import functools
import re
import weakref
from dataclasses import dataclass
from typing import Any

from ..i18n import N_, _, get_language
from ..resolve.dates import day_name, month_names
from .tables import (AREA_OUTDATED, AREAS_90_2021, COLUMN_LABELS, CONFUSIONS, FIXED_TERMS, RAHMAT, TERM_FORMS,
                     Confusion)

HOLE = "\x00"  # stands for a masked character: not a space, not a letter


@dataclass(frozen=True)
class Hit:
    start: int
    end: int
    severity: str
    rule: str
    message: str
    suggestion: str | None = None


def mask(text: str) -> str:
    """`text` with *markup* stars and italic words replaced by HOLE (same length).

    Pairs stars like zi_docgen.markup.parse: \\* is a literal star, an unpaired
    last star is text.
    """
    if "*" not in text and "\\" not in text:
        return text
    chars = list(text)
    stars: list[int] = []
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text) and text[i + 1] in "*\\":
            chars[i] = HOLE
            i += 2
            continue
        if text[i] == "*":
            stars.append(i)
        i += 1
    if len(stars) % 2:
        stars.pop()
    for a, b in zip(stars[0::2], stars[1::2]):
        for k in range(a, b + 1):
            if not text[k].isspace():
                chars[k] = HOLE
    return "".join(chars)


def match_case(replacement: str, like: str) -> str:
    if like.isupper() and len(like) > 1:
        return replacement.upper()
    if like[:1].isupper() and replacement[:1].islower():
        return replacement[:1].upper() + replacement[1:]
    return replacement


# ---------------------------------------------------------------- known confusions

@functools.lru_cache(maxsize=None)
def _compiled(c: Confusion) -> re.Pattern:
    body = r"\s+".join(c.wrong.split(" "))
    return re.compile(rf"(?<![\w-])(?:{body})(?![\w-])", 0 if c.case else re.I)


_ANY_CONFUSION = re.compile("|".join("(?:" + r"\s+".join(c.wrong.split(" ")) + ")" for c in CONFUSIONS), re.I)


def confusions(text: str) -> list[Hit]:
    if not _ANY_CONFUSION.search(text):
        return []
    out = []
    for c in CONFUSIONS:
        for m in _compiled(c).finditer(text):
            if c.before and not re.search(c.before, text[max(0, m.start() - 60):m.start()], re.I):
                continue
            if c.after and not re.search(c.after, text[m.end():m.end() + 120], re.I):
                continue
            right = c.right.format(*m.groups()) if "{" in c.right else c.right
            if not c.case:
                right = match_case(right, m.group())
            out.append(Hit(m.start(), m.end(), "error", "confusion", _("'{text}': {why}").format(text=m.group(), why=_(c.why)), right))
    return out


# ---------------------------------------------------------------- Undang-Undang

_UNDANG = re.compile(r"(?<![\w-])undang(?:[ \t]+|[ \t]*\n[\s\-]*|[ \t]*-[\s\-]*)undang(?![\w-])", re.I)
_UU_ABBR = re.compile(r"(?<![\w-])UU(?:\s+(?:Nomor|No\.?)\s*\d|\s+\d+\s*/\s*\d{4}|\s+\d+\s+Tahun\b)")


def undang_undang(text: str) -> list[Hit]:
    out = []
    for m in _UNDANG.finditer(text):
        s = m.group()
        if s in ("Undang-Undang", "UNDANG-UNDANG", "undang-undang"):
            continue
        if "\n" in s:
            msg = _("'Undang-Undang' is broken across lines")
        elif re.search(r"-\s", s):
            msg = _("'{text}': no space after the hyphen").format(text=s)
        else:
            msg = _("'{text}' is written 'Undang-Undang'").format(text=s)
        out.append(Hit(m.start(), m.end(), "error", "undang-undang", msg, "Undang-Undang"))
    for m in _UU_ABBR.finditer(text):
        out.append(Hit(m.start(), m.start() + 2, "warning", "undang-undang",
                       _("'UU' in running text: cite the law in full"), "Undang-Undang"))
    return out


# ---------------------------------------------------------------- fixed terms

def _words_re(phrase: str) -> str:
    return r"\s+".join(re.escape(w) for w in phrase.split())


_TERMS = [(t, re.compile(rf"(?<![\w-]){_words_re(t)}(?![\w-])", re.I)) for t in FIXED_TERMS]
_TERM_FORMS = [(re.compile(rf"(?<![\w-]){p}(?![\w-])", re.I), right, why) for p, right, why in TERM_FORMS]


def fixed_terms(text: str) -> list[Hit]:
    out = []
    for term, pat in _TERMS:
        for m in pat.finditer(text):
            s = " ".join(m.group().split())
            if s == term or s.isupper():
                continue
            out.append(Hit(m.start(), m.end(), "error", "term-case",
                           _("'{text}' is a fixed term, capitalised '{term}'").format(text=s, term=term), term))
    for pat, right, why in _TERM_FORMS:
        for m in pat.finditer(text):
            s = " ".join(m.group().split())
            out.append(Hit(m.start(), m.end(), "error", "term", _("'{text}': {why}").format(text=s, why=_(why)),
                           right.upper() if s.isupper() else right))
    return out


# ---------------------------------------------------------------- spacing

_SPACE_PUNCT = re.compile(r"(?<=\S)([ \t]+)([.,;:])(?=\s|$)")
_COLUMN = re.compile(rf"(?:{'|'.join(COLUMN_LABELS)})$")


def spacing(text: str) -> list[Hit]:
    out = []
    for m in _SPACE_PUNCT.finditer(text):
        before = text[max(0, m.start() - 20):m.start()]
        if m.group(2) == ":" and _COLUMN.search(before):
            continue  # "Menimbang :" is the label column of the konsiderans
        if m.group(2) == "." and text[m.end(2):m.end(2) + 1] == ".":
            continue
        out.append(Hit(m.start(), m.end(), "error", "spacing",
                       _("space before '{mark}'").format(mark=m.group(2)),
                       _("'{mark}' right after the word").format(mark=m.group(2))))
    return out


# ---------------------------------------------------------------- dates and day names

MONTHS = month_names()
_DATE = re.compile(
    r"(?:(?<![\w-])hari\s+(?P<day>Senin|Selasa|Rabu|Kamis|Jumat|Jum'at|Sabtu|Minggu|Ahad)\s*,?\s*(?:tanggal\s+)?)?"
    rf"(?<![\w-])(?P<d>\d{{1,2}})\s+(?P<m>{'|'.join(MONTHS)})\s+(?P<y>\d{{4}})(?!\d)", re.I)


def parse_date(d: str, m: str, y: str) -> dt.date | None:
    month = [x.lower() for x in MONTHS].index(m.lower()) + 1
    try:
        return dt.date(int(y), month, int(d))
    except ValueError:
        return None


def dates(text: str) -> list[Hit]:
    out = []
    for m in _DATE.finditer(text):
        date = parse_date(m["d"], m["m"], m["y"])
        ds = m.start("d")
        if date is None:
            out.append(Hit(ds, m.end(), "error", "date", _("'{text}' is not a date").format(text=text[ds:m.end()])))
            continue
        if m["day"]:
            day = m["day"].replace("'", "")
            day = "Minggu" if day.lower() == "ahad" else day
            right = day_name(date)
            if day.lower() != right.lower():
                out.append(Hit(m.start("day"), m.end("day"), "error", "day-name",
                               _("{date} is a {right}, not a {written}").format(
                                   date=f"{date.day} {MONTHS[date.month - 1]} {date.year}", right=right,
                                   written=m["day"]),
                               match_case(right, m["day"])))
    return out


# ---------------------------------------------------------------- area names in running text

def _outdated_patterns() -> list[tuple[re.Pattern, str, str]]:
    out = []
    for old, new in AREA_OUTDATED.items():
        guard = ""
        for current in AREAS_90_2021:
            if current.lower().startswith(old.lower() + " "):
                rest = current[len(old):].split()[0]
                guard = rf"(?!\s+{re.escape(rest)})"
        out.append((re.compile(rf"(?<![\w-]){_words_re(old)}(?![\w-]){guard}", re.I), old, new))
    return out


_OUTDATED = _outdated_patterns()


def area_names(text: str) -> list[Hit]:
    out = []
    for pat, old, new in _OUTDATED:
        for m in pat.finditer(text):
            s = " ".join(m.group().split())
            out.append(Hit(m.start(), m.end(), "warning", "area-name",
                           _("'{text}' is not the name of the area in PermenPANRB 90/2021").format(text=s),
                           match_case(new, s)
                           if s.isupper() else new))
    return out


# ---------------------------------------------------------------- DENGAN RAHMAT

_RAHMAT = re.compile(_words_re(RAHMAT), re.I)


def rahmat(text: str) -> list[Hit]:
    return [Hit(m.start(), m.end(), "error", "rahmat",
                _("a Keputusan of an official has no 'DENGAN RAHMAT TUHAN YANG MAHA ESA' (Lampiran II UU 12/2011)"),
                _("remove it")) for m in _RAHMAT.finditer(text)]


WORD_RULES = (confusions, undang_undang, fixed_terms, spacing, dates, area_names, rahmat)


@functools.lru_cache(maxsize=16384)
def _word_rules(masked: str, lang: str) -> tuple[Hit, ...]:  # lang: the messages are in it
    out: list[Hit] = []
    for rule in WORD_RULES:
        out.extend(rule(masked))
    return tuple(out)


def word_rules(masked: str) -> list[Hit]:
    """Every rule that looks at words and punctuation (not spelling, not structure).

    Cached by text: most texts are the same for every office of a year.
    """
    return list(_word_rules(masked, get_language()))


# ---------------------------------------------------------------- spelling

@functools.lru_cache(maxsize=8)
def checker(extra: frozenset[str] = frozenset()):
    """The spell checker with `extra` words (names from the registry) accepted; one per word set."""
    from .spelling import SpellChecker, default_checker

    return SpellChecker(extra_words=sorted(extra)) if extra else default_checker()


# Spelling hits per text, per checker. Keyed by the checker object itself (weakly), not by
# id(): a checker dropped from checker()'s cache may leave its id to a different one.
_SPELLED: "weakref.WeakKeyDictionary[Any, dict[str, dict[str, tuple[Hit, ...]]]]" = weakref.WeakKeyDictionary()


def _spelling_advice(suggestions) -> str:
    accept = _("if the word is correct, add it to data/lexicon.txt (one word a line)")
    return f"{', '.join(suggestions[:3])}; {accept}" if suggestions else accept


def _shown(word: str, limit: int = 60) -> str:
    return word if len(word) <= limit else f"{word[:limit - 1]}…"


def spelling(checker, texts: list[str]) -> list[list[Hit]]:
    """Spelling of many texts at once (each unique word is checked once; texts already
    checked with the same checker are not tokenised again)."""
    # per language too: the hits carry their message
    done = _SPELLED.setdefault(checker, {}).setdefault(get_language(), {})
    todo = list(dict.fromkeys(t for t in texts if t not in done))
    if todo:
        if len(done) > 50000:
            done.clear()
        for text, found in zip(todo, checker.check_texts(todo)):
            done[text] = tuple(
                Hit(m.start, m.start + len(m.word), "error", "spelling",
                    _("unknown word '{word}'").format(word=_shown(m.word)), _spelling_advice(m.suggestions))
                for m in found)
    return [list(done[t]) for t in texts]


def covered_by(spans: list[tuple[int, int]]):
    """A test `x -> bool`: is offset x inside one of the [start, end) spans? (log time per test)"""
    import bisect
    import itertools

    spans = sorted(spans)
    starts = [a for a, _ in spans]
    reach = list(itertools.accumulate((b for _, b in spans), max))

    def inside(x: int) -> bool:
        i = bisect.bisect_right(starts, x) - 1
        return i >= 0 and reach[i] > x

    return inside


@functools.lru_cache(maxsize=16384)
def normalise(text: str) -> str:
    """For comparing paragraphs: no labels, markup, case, punctuation or spacing differences."""
    t = re.sub(r"^\s*(?:[-•]\s*)*(?:[a-z]\.|\d+\.|\d+\)|[A-Z]\.)\s+", "", text)
    t = t.replace("*", "").lower()
    t = re.sub(r"[^\w/]+", " ", t)
    return " ".join(t.split())


def menimbang_item(text: str) -> list[Hit]:
    """One Menimbang: starts with 'bahwa', ends with ';' (the last one too)."""
    out = []
    stripped = text.strip()
    lead = len(text) - len(text.lstrip())
    if not re.match(r"bahwa\b", stripped):
        first = stripped.split(" ", 1)[0] if stripped else ""
        out.append(Hit(lead, lead + len(first), "error", "menimbang-bahwa",
                       _("a Menimbang starts with 'bahwa', not '{first}'").format(first=first), "bahwa …"))
    if not stripped.endswith(";"):
        end = lead + len(stripped)
        last = stripped[-1:] or ""
        out.append(Hit(max(end - 1, 0), end, "error", "menimbang-end",
                       (_("a Menimbang ends with ';', not '{last}'").format(last=last) if last and not last.isalnum()
                        else _("a Menimbang ends with ';'")), ";"))
    return out


def menimbang_refs(text: str, n_before: int) -> list[Hit]:
    """The last Menimbang cites every earlier letter: 'dalam huruf a, huruf b, dan huruf c'."""
    from ..resolve.labels import preceding_refs

    if n_before < 1:
        return []
    expected = preceding_refs("letter", n_before)
    m = re.search(r"sebagaimana\s+dimaksud\s+dalam\s+((?:huruf\s+[a-z](?:\s*,\s*|\s+dan\s+|,\s*dan\s+)?)+)", text)
    if m is None:
        return [Hit(0, min(len(text), 5), "error", "menimbang-refs",
                    _("the last Menimbang does not refer to the ones before it"),
                    f"… sebagaimana dimaksud dalam {expected}, …")]
    cited = " ".join(m.group(1).split()).rstrip(", ")
    if cited != expected:
        return [Hit(m.start(1), m.start(1) + len(m.group(1).rstrip(", ")), "error", "menimbang-refs",
                    _("cites '{cited}' but there are {n} Menimbang before it").format(cited=cited, n=n_before),
                    expected)]
    return []


_END_OK = re.compile(r"(?:[.;:,!?)]|;\s+(?:dan|atau)|\.\*)\s*$")


# What end_punctuation names (callers pass one of these; translated when shown).
_END_WHAT = (N_("this item"), N_("this paragraph"))


def end_punctuation(text: str, what: str) -> list[Hit]:
    """A list item or a paragraph ends with punctuation ('.', ';', ':' or '; dan')."""
    stripped = text.rstrip()
    if not stripped or _END_OK.search(stripped):
        return []
    return [Hit(len(stripped) - 1, len(stripped), "warning", "end-punct",
                _("{what} ends without punctuation: '…{tail}'").format(what=_(what), tail=stripped[-20:]),
                _("end it with '.' (or ';' in a running list)"))]


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
