"""What the checker reports."""
from __future__ import annotations

from dataclasses import asdict, dataclass

from ..errors import Src
from ..i18n import N_, _

SEVERITIES = ("error", "warning", "note", "placeholder")
# As printed: the severity in the user's language (the JSON keeps the English ids).
SEVERITY_LABELS = {"error": N_("error"), "warning": N_("warning"), "note": N_("note"),
                   "placeholder": N_("placeholder")}

# Every rule id the checker reports, with what it guards (the web editor and the docs list them).
RULES: dict[str, str] = {
    # the data itself: YAML, schema, unknown ids, dates, ranges, patches (found while loading)
    "data": "a mistake in the data files: every one is reported, at its file:line:col",
    # words: decree texts and raw text
    "spelling": "a word no dictionary knows (Hunspell id_ID, the project lexicon, the registry's names)",
    "confusion": "a known confusion or a non-standard (non-KBBI) form",
    "undang-undang": "'Undang-Undang' written exactly so, not abbreviated, not split",
    "term": "a fixed term with a word missing (Wilayah Bebas dari Korupsi)",
    "term-case": "a fixed term in its capitals (Zona Integritas)",
    "spacing": "no space before . , ; :",
    "date": "a date that does not exist",
    "day-name": "the day name agrees with the date",
    "area-name": "the six areas of PermenPANRB 90/2021 under their current names",
    "rahmat": "no 'DENGAN RAHMAT TUHAN YANG MAHA ESA' in a Keputusan of an official",
    "end-punct": "a paragraph or list item of the Lampiran ends with punctuation",
    # drafting
    "menimbang-bahwa": "every Menimbang starts with 'bahwa'",
    "menimbang-end": "every Menimbang ends with ';'",
    "menimbang-refs": "the last Menimbang cites every earlier letter",
    "decree-title": "the last Menimbang and the establishing diktum name the decree by its title",
    "diktum-berlaku": "the last diktum says 'mulai berlaku pada tanggal ditetapkan'",
    "title-year": "the year in the titles is the decree's year",
    "seat": "'Ditetapkan di' names the office's seat (a KPU Kota: its city)",
    "date-order": "nothing cited is dated after the decree",
    "mengingat-gazette": "a citation carries its LN/TLN (UU, PP) or BN (Permen, PKPU)",
    "mengingat-gazette-year": "the gazette's year fits the regulation's year",
    "mengingat-amendment": "amendments are newer, oldest first, and not lower in the hierarchy",
    "mengingat-date": "a regulation's date is in its year",
    "mengingat-id": "a regulation id's year is its year",
    "mengingat-duplicate": "a regulation cited in another's amendment clause is not cited again",
    # consistency
    "area-order": "the areas (and the coordinators) in the order of PermenPANRB 90/2021",
    "area-intro": "an area's intro names that area (not the one it was copied from)",
    "target-order": "the target groups in the order of the areas",
    "target-cumulative": "a cumulative target never goes down",
    "target-missing": "every area has rows in the target table",
    "duplicate": "no paragraph or definition twice",
    # raw text only: hand-typed text, where people type what the tool computes
    "foreign-text": "a line that does not read as Indonesian (a note, a foreign passage)",
    "mengingat-end": "every citation ends with ';'",
    "mengingat-order": "citations in the order of the hierarchy, then by year",
    "menetapkan": "Menetapkan repeats the heading and the title",
    "lampiran-header": "the Lampiran header repeats the decree's number, year and title",
    "date-agree": "the Lampiran is dated as the Keputusan",
    "heading-dash": "the area headings use one kind of dash",
    "area-consistency": "target group N is area N",
    "target-range": "a target is at most 100%",
    # issue 12: drafting rules and legal bases (check/legal.py)
    "bound-form": "antar-, pasca-, pra-, non- are written together with the next word",
    "pleonasm": "no pleonasm (dalam rangka untuk, agar supaya, demi untuk, sejak dari)",
    "di-tahun": "'pada tahun', not 'di tahun'",
    "sebagaimana": "'sebagaimana dimaksud dalam Pasal …', not 'sebagaimana Pasal …'",
    "case-mixed": "one phrase written with one capitalisation in a paragraph",
    "italic-mixed": "a foreign term in italics everywhere",
    "diktum-lampiran": "'Lampiran yang merupakan bagian tidak terpisahkan dari Keputusan ini'",
    "komponen-hasil": "the komponen hasil read PermenPANRB 90/2021's names, in its order",
    "regulation-status": "a cited regulation still holds in the decree's year (not revoked, period not ended)",
    "regulation-source": "a note: a cited catalogue entry has no source, its numbers are unverified",
    # not an error
    "placeholder": "a value not known yet: the document is a draft",
    "jdih": "a field of the JDIH record (jdihn.json) not written yet: the record is a draft, the decree is not",
}


@dataclass(frozen=True)
class Finding:
    src: Src | None          # where the text came from: the YAML value (or the raw text file)
    severity: str            # "error" | "warning" | "placeholder"
    rule: str                # e.g. "spelling", "confusion", "menimbang-bahwa", "mengingat-gazette"
    message: str             # short, English, quoting the Indonesian text involved
    suggestion: str | None = None
    office: str | None = None  # office id(s), comma-separated; None when the text is shared by all checked
    # placeholders only: the YAML key to write ("number", "ketua.name") and whether
    # src's file must be created first
    field: str = ""
    file_missing: bool = False

    def format(self) -> str:
        where = str(self.src) if self.src else (self.office or "-")
        tail = f" ({self.suggestion})" if self.suggestion else ""
        severity = _(SEVERITY_LABELS[self.severity]) if self.severity in SEVERITY_LABELS else self.severity
        return f"{where}: {severity} {self.rule}: {self.message}{tail}"

    def to_json(self) -> dict:
        d = asdict(self)
        src = d.pop("src")
        d = {"file": src["file"] if src else None, "line": src["line"] if src else 0,
             "col": src["col"] if src else 0, **d}
        return d

    def sort_key(self):
        s = self.src
        return (s.file if s else "", s.line if s else 0, s.col if s else 0,
                SEVERITIES.index(self.severity) if self.severity in SEVERITIES else 9, self.rule, self.message)

    def key(self):
        """Identity without the office: the same finding in shared text is reported once."""
        return (self.src, self.severity, self.rule, self.message, self.suggestion)
