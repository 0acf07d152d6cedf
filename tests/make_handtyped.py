"""Make hand-typed-style DOCX fixtures, the way an office types its decree in Word.

    python tests/make_handtyped.py OUT_DIR      writes the signed 2026 province decree
                                                (tests/fixtures/keputusan-kpu-kalbar-5-2026.txt)
                                                as OUT_DIR/keputusan.docx + lampiran.docx,
                                                and as one file OUT_DIR/decree-one-file.docx

What a typist does, and the fixtures do:
- labels typed as text ("a.", "1.", "1)"), sometimes after a bullet dash ("- b. …");
- a tab (or spaces) around the ":" after Menimbang, Mengingat, Menetapkan, KESATU;
- bold written as several runs (Word splits runs at every edit), headings bold;
- *italic* words as italic runs;
- the target table as a real Word table, or (table="tabs") as rows typed with tabs;
- optionally (word_numbering=True) some lists numbered by Word (numbering.xml), no typed labels;
- blank paragraphs where the transcription has blank lines (e.g. a page break inside a paragraph).

The text file is a transcription: one paragraph per line, **bold** and *italic* marked.
"""
from __future__ import annotations

import copy
import re
import sys
from pathlib import Path

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

HERE = Path(__file__).resolve().parent
SIGNED_2026 = HERE / "fixtures" / "keputusan-kpu-kalbar-5-2026.txt"

_KEYWORD = re.compile(r"^(?P<dash>-\s+)?(?P<kw>Menimbang|Mengingat|Menetapkan|KE(?:SATU|DUA|TIGA|EMPAT|LIMA))\s*:\s*")
_LABEL = re.compile(r"^(?P<lead>\s*(?:-\s+)?)(?P<label>[a-z]\.|\d{1,2}\.|\d{1,2}\))\s+")


def signed_lines() -> list[str]:
    return SIGNED_2026.read_text(encoding="utf-8").splitlines()


def split_parts(lines: list[str]) -> tuple[list[str], list[str]]:
    """Keputusan lines and Lampiran lines (the Lampiran starts at the line 'LAMPIRAN')."""
    k = next(i for i, ln in enumerate(lines) if ln.strip() == "LAMPIRAN")
    return lines[:k], lines[k:]


# ---------------------------------------------------------------- runs

def _runs(paragraph, text: str, bold: bool) -> None:
    """Text as several runs (as Word stores it), *italics* as italic runs."""
    parts = re.split(r"(\*[^*]+\*)", text)
    for part in parts:
        if not part:
            continue
        italic = part.startswith("*") and part.endswith("*") and len(part) > 2
        body = part[1:-1] if italic else part
        # Word splits runs at arbitrary places; three words a run is enough to test joining them
        chunks = re.findall(r"(?:\S+\s*){1,3}|\s+", body)
        for chunk in chunks:
            pieces = chunk.split("\t")
            for k, piece in enumerate(pieces):
                if k:
                    r = paragraph.add_run()
                    r.add_tab()
                    r.bold = bold or None
                if piece:
                    r = paragraph.add_run(piece)
                    r.bold = bold or None
                    r.italic = italic or None


def _typed(line: str, keputusan: bool) -> str:
    """Tabs where a typist puts them: after 'Menimbang :' and after a label."""
    m = _KEYWORD.match(line)
    if m:
        rest = line[m.end():]
        lm = _LABEL.match(rest)
        if lm:
            rest = f"{lm.group('label')}\t{rest[lm.end():]}"
        return f"{m.group('dash') or ''}{m.group('kw')}\t:\t{rest}"
    lm = _LABEL.match(line)
    if lm:
        return f"{lm.group('lead')}{lm.group('label')}\t{line[lm.end():]}"
    return line


# ---------------------------------------------------------------- Word numbering

def _numbering(doc) -> tuple:
    """An abstract list definition (decimal "%1."), and a function that starts a new list of it."""
    numbering = doc.part.numbering_part.element
    absn = OxmlElement("w:abstractNum")
    absn.set(qn("w:abstractNumId"), "90")
    lvl = OxmlElement("w:lvl")
    lvl.set(qn("w:ilvl"), "0")
    for tag, val in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", "%1.")):
        el = OxmlElement(tag)
        el.set(qn("w:val"), val)
        lvl.append(el)
    absn.append(lvl)
    numbering.insert(0, absn)
    state = {"next": 90}

    def new_list() -> str:
        state["next"] += 1
        num = OxmlElement("w:num")
        num.set(qn("w:numId"), str(state["next"]))
        ref = OxmlElement("w:abstractNumId")
        ref.set(qn("w:val"), "90")
        num.append(ref)
        ov = OxmlElement("w:lvlOverride")
        ov.set(qn("w:ilvl"), "0")
        so = OxmlElement("w:startOverride")
        so.set(qn("w:val"), "1")
        ov.append(so)
        num.append(ov)
        numbering.append(num)
        return str(state["next"])

    return new_list


def _set_num(paragraph, num_id: str) -> None:
    ppr = paragraph._p.get_or_add_pPr()
    npr = OxmlElement("w:numPr")
    ilvl = OxmlElement("w:ilvl")
    ilvl.set(qn("w:val"), "0")
    nid = OxmlElement("w:numId")
    nid.set(qn("w:val"), num_id)
    npr.append(ilvl)
    npr.append(nid)
    ppr.append(npr)


# ---------------------------------------------------------------- the document

def write_docx(lines: list[str], path: Path, *, table: str = "word", word_numbering: bool = False) -> Path:
    """One .docx from transcribed lines. table: "word" (a real table) or "tabs" (typed rows)."""
    doc = Document()
    new_list = _numbering(doc) if word_numbering else None
    bold = False
    rows: list[list[str]] = []
    in_table = False
    current_list: str | None = None
    numbered_area = False

    def flush_table() -> None:
        if not rows:
            return
        width = max(len(r) for r in rows)
        t = doc.add_table(rows=len(rows), cols=width)
        t.style = "Table Grid"
        for r, cells in zip(t.rows, rows):
            for c, value in zip(r.cells, cells + [""] * (width - len(cells))):
                c.text = ""
                _runs(c.paragraphs[0], value, False)
        rows.clear()

    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("NO\t") or (in_table and "\t" in line):
            in_table = True
            if table == "word":
                rows.append(line.split("\t"))
            else:
                p = doc.add_paragraph()
                _runs(p, line, False)
            continue
        if in_table and not line.strip():
            continue  # a blank line inside the table (a page break)
        if in_table:
            in_table = False
            flush_table()
        text = line.strip()
        starts_bold = text.startswith("**")
        ends_bold = text.endswith("**") and len(text) > 2
        text = text.replace("**", "")
        if starts_bold:
            bold = True
        heading = bool(re.match(r"^(BAB\s+[IVX]+|[A-F]\.\s+(AREA|[A-Z][a-z]|[A-Z]+\b)|KATA PENGANTAR|MEMUTUSKAN)", text))
        p = doc.add_paragraph()
        # Word numbering for the action lists of Area II and Area VI (the label disappears from the text)
        if re.match(r"^[A-F]\.\s+AREA\s+", text):
            numbered_area = bool(re.search(r"AREA\s+(II|VI)\b", text))
            current_list = None
        if new_list is not None and numbered_area:
            lm = re.match(r"^(\d{1,2})\.\s+", text)
            if lm:
                if current_list is None or lm.group(1) == "1":
                    current_list = new_list()
                _set_num(p, current_list)
                text = text[lm.end():]
        _runs(p, _typed(text, True), bold or heading)
        if ends_bold:
            bold = False
    if in_table:
        flush_table()
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.core_properties.author = "Sekretariat"
    doc.save(str(path))
    return path


def signed_2026(out: Path, *, one_file: bool = False, table: str = "word", word_numbering: bool = False) -> list[Path]:
    """The signed 2026 province decree, hand-typed: [keputusan.docx, lampiran.docx] or [one file]."""
    lines = signed_lines()
    out = Path(out)
    if one_file:
        return [write_docx(lines, out / "decree-one-file.docx", table=table, word_numbering=word_numbering)]
    kep, lam = split_parts(lines)
    return [write_docx(kep, out / "keputusan.docx", table=table, word_numbering=word_numbering),
            write_docx(lam, out / "lampiran.docx", table=table, word_numbering=word_numbering)]


def main(argv: list[str]) -> int:
    out = Path(argv[1]) if len(argv) > 1 else Path("handtyped")
    for p in signed_2026(out) + signed_2026(out, one_file=True, table="tabs", word_numbering=True):
        print(p)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
