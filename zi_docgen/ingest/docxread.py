"""Read a Word document as the typist made it: paragraphs in order, with their labels.

Every paragraph (also the ones inside table cells) gets its number ¶N, counted
from 1 in document order, so that a report can point at it. A list label is
taken from the text when it was typed ("a.", "1)", "- b.") and from
numbering.xml when Word generates it, so both read the same. Italic runs become
*markup*, like the data; bold is only remembered (headings are often bold).
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from docx.oxml.ns import qn

from ..errors import DocxError, Src
from ..i18n import _
from ..resolve.labels import letter, roman

MAX_PARAGRAPHS = 20000


@dataclass
class Para:
    n: int                       # ¶N, 1-based, document order
    text: str                    # text with *italics*; a generated label is put in front
    bold: bool = False           # every visible character is bold
    style: str = ""
    file: str = ""
    generated_label: str = ""    # the label Word generates from numbering.xml, if any

    @property
    def where(self) -> str:
        return f"{self.file}:¶{self.n}" if self.file else f"¶{self.n}"


@dataclass
class Table:
    n: int                       # ¶N of the first paragraph of the table
    rows: list[list[str]]
    row_n: list[int]             # ¶N of each row's first paragraph
    file: str = ""


@dataclass
class DocText:
    """The body of one .docx: paragraphs and tables in reading order."""

    file: str
    blocks: list[Para | Table] = field(default_factory=list)

    def paragraphs(self) -> list[Para]:
        return [b for b in self.blocks if isinstance(b, Para)]


# ---------------------------------------------------------------- Word numbering

def _letter(n: int) -> str:
    return letter(max(n, 1))


def _roman(n: int) -> str:
    # Word counts past 3999 in its own way; such a label is only shown in a report.
    return roman(n) if 0 < n < 4000 else str(n)


def _fmt(num: int, fmt: str) -> str:
    # Word's own formats (as Word counts: a…z, then aa…zz)
    if fmt == "lowerLetter":
        return _letter(num)
    if fmt == "upperLetter":
        return _letter(num).upper()
    if fmt == "lowerRoman":
        return _roman(num).lower()
    if fmt == "upperRoman":
        return _roman(num)
    if fmt == "bullet":
        return "-"
    if fmt == "none":
        return ""
    return str(num)


class _Numbering:
    """numbering.xml: numId → levels (format, text, start), with the counters Word keeps."""

    def __init__(self, doc):
        self.levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self.abstract_of: dict[str, str] = {}
        self.counters: dict[str, dict[int, int]] = {}
        self.overrides: dict[str, set[int]] = {}   # numId → levels whose count restarts (startOverride)
        self.used: set[tuple[str, int]] = set()
        try:
            root = doc.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        abstract: dict[str, dict[int, tuple[str, str, int]]] = {}
        for an in root.findall(qn("w:abstractNum")):
            abstract[an.get(qn("w:abstractNumId"))] = self._levels(an)
        for num in root.findall(qn("w:num")):
            nid = num.get(qn("w:numId"))
            ref = num.find(qn("w:abstractNumId"))
            aid = ref.get(qn("w:val")) if ref is not None else None
            lv = dict(abstract.get(aid, {}))
            for ov in num.findall(qn("w:lvlOverride")):
                ilvl = int(ov.get(qn("w:ilvl")))
                lvl = ov.find(qn("w:lvl"))
                if lvl is not None:
                    lv.update(self._levels_of([lvl]))
                so = ov.find(qn("w:startOverride"))
                if so is not None and ilvl in lv:
                    f, t, _ = lv[ilvl]
                    lv[ilvl] = (f, t, int(so.get(qn("w:val"))))
                    self.overrides.setdefault(nid, set()).add(ilvl)
            self.levels[nid] = lv
            self.abstract_of[nid] = aid or nid

    def _levels(self, an) -> dict[int, tuple[str, str, int]]:
        return self._levels_of(an.findall(qn("w:lvl")))

    @staticmethod
    def _levels_of(lvls) -> dict[int, tuple[str, str, int]]:
        out = {}
        for lvl in lvls:
            ilvl = int(lvl.get(qn("w:ilvl")))
            fmt_el, text_el, start_el = lvl.find(qn("w:numFmt")), lvl.find(qn("w:lvlText")), lvl.find(qn("w:start"))
            fmt = fmt_el.get(qn("w:val")) if fmt_el is not None else "decimal"
            text = text_el.get(qn("w:val")) if text_el is not None else f"%{ilvl + 1}."
            start = int(start_el.get(qn("w:val"))) if start_el is not None else 1
            out[ilvl] = (fmt, text, start)
        return out

    def label(self, num_id: str, ilvl: int) -> str:
        lv = self.levels.get(num_id)
        if not lv or ilvl not in lv or num_id == "0":
            return ""
        # Lists that share an abstract definition continue one count, as Word does.
        key = self.abstract_of.get(num_id, num_id)
        counters = self.counters.setdefault(key, {})
        fmt, _, start = lv[ilvl]
        if ilvl in self.overrides.get(num_id, ()) and (num_id, ilvl) not in self.used:
            counters.pop(ilvl, None)  # "restart numbering": this list counts from its own start
        self.used.add((num_id, ilvl))
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [k for k in counters if k > ilvl]:
            del counters[deeper]
        text = lv[ilvl][1]
        if fmt == "bullet":
            return "-"

        def sub(m: re.Match) -> str:
            k = int(m.group(1)) - 1
            if k not in lv:
                return ""
            return _fmt(counters.get(k, lv[k][2]), lv[k][0])

        return re.sub(r"%(\d)", sub, text)


def _num_pr(p, styles_numpr: dict[str, tuple[str, int]]) -> tuple[str, int] | None:
    ppr = p.find(qn("w:pPr"))
    if ppr is not None:
        npr = ppr.find(qn("w:numPr"))
        if npr is not None:
            nid = npr.find(qn("w:numId"))
            ilvl = npr.find(qn("w:ilvl"))
            if nid is not None:
                return nid.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0
        ps = ppr.find(qn("w:pStyle"))
        if ps is not None:
            return styles_numpr.get(ps.get(qn("w:val")))
    return None


def _style_numpr(doc) -> dict[str, tuple[str, int]]:
    out: dict[str, tuple[str, int]] = {}
    try:
        root = doc.styles.element
    except Exception:  # noqa: BLE001 - a document without styles has no style numbering
        return out
    for st in root.findall(qn("w:style")):
        npr = st.find(qn("w:pPr") + "/" + qn("w:numPr"))
        if npr is not None:
            nid = npr.find(qn("w:numId"))
            ilvl = npr.find(qn("w:ilvl"))
            if nid is not None:
                out[st.get(qn("w:styleId"))] = (nid.get(qn("w:val")), int(ilvl.get(qn("w:val"))) if ilvl is not None else 0)
    return out


# ---------------------------------------------------------------- runs

def _bool_prop(rpr, tag: str) -> bool | None:
    if rpr is None:
        return None
    el = rpr.find(qn(tag))
    if el is None:
        return None
    return el.get(qn("w:val")) not in ("0", "false", "off")


def _style_fonts(doc) -> dict[str, tuple[bool | None, bool | None]]:
    """styleId → (italic, bold) as the style sets them (following basedOn)."""
    own: dict[str, tuple[bool | None, bool | None, str | None]] = {}
    try:
        root = doc.styles.element
    except Exception:  # noqa: BLE001
        return {}
    for st in root.findall(qn("w:style")):
        rpr = st.find(qn("w:rPr"))
        based = st.find(qn("w:basedOn"))
        own[st.get(qn("w:styleId"))] = (_bool_prop(rpr, "w:i"), _bool_prop(rpr, "w:b"),
                                       based.get(qn("w:val")) if based is not None else None)
    out: dict[str, tuple[bool | None, bool | None]] = {}
    for sid in own:
        italic = bold = None
        seen, cur = set(), sid
        while cur in own and cur not in seen:
            seen.add(cur)
            i, b, base = own[cur]
            italic = i if italic is None else italic
            bold = b if bold is None else bold
            cur = base
        out[sid] = (italic, bold)
    return out


def _para_text(p, fonts: dict[str, tuple[bool | None, bool | None]] | None = None) -> tuple[str, bool]:
    """Text of a paragraph with *italics*, and whether every visible character is bold."""
    fonts = fonts or {}
    ppr = p.find(qn("w:pPr"))
    ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
    p_italic, p_bold = fonts.get(ps.get(qn("w:val")), (None, None)) if ps is not None else (None, None)
    pieces: list[tuple[str, bool, bool]] = []
    for r in p.iter(qn("w:r")):
        # runs of deleted text (tracked changes) are not part of the document as it reads
        if any(a.tag == qn("w:del") for a in r.iterancestors()):
            continue
        rpr = r.find(qn("w:rPr"))
        rs = rpr.find(qn("w:rStyle")) if rpr is not None else None
        c_italic, c_bold = fonts.get(rs.get(qn("w:val")), (None, None)) if rs is not None else (None, None)
        italic = _first(_bool_prop(rpr, "w:i"), c_italic, p_italic)
        bold = _first(_bool_prop(rpr, "w:b"), c_bold, p_bold)
        buf = []
        for ch in r:
            if ch.tag == qn("w:t"):
                buf.append(ch.text or "")
            elif ch.tag == qn("w:tab"):
                buf.append("\t")
            elif ch.tag in (qn("w:br"), qn("w:cr")):
                buf.append("\n")
            elif ch.tag == qn("w:noBreakHyphen"):
                buf.append("-")
        if buf:
            pieces.append(("".join(buf), italic, bold))
    out = []
    for text, italic, _ in pieces:
        if italic and text.strip():
            lead = text[: len(text) - len(text.lstrip())]
            trail = text[len(text.rstrip()):]
            out.append(f"{lead}*{text.strip()}*{trail}")
        else:
            out.append(text)
    joined = "".join(out).replace("**", "")  # adjacent italic runs join into one span
    visible = [b for t, _, b in pieces if t.strip()]
    return joined, bool(visible) and all(visible)


def _first(*values: bool | None) -> bool:
    for v in values:
        if v is not None:
            return v
    return False


def read_docx(path: Path) -> DocText:
    """The paragraphs and tables of a .docx (bounded: a huge or broken file is refused with one line)."""
    from ..ooxml.reading import open_document

    path = Path(path)
    # Bounded like every .docx the tool opens: sizes and compression ratio are checked
    # before anything is decompressed, and a folder or a broken file is named as such.
    document = open_document(path)
    numbering = _Numbering(document)
    styles_numpr = _style_numpr(document)
    style_names = {s.style_id: s.name for s in document.styles}
    fonts = _style_fonts(document)
    result = DocText(path.name)
    counter = 0

    def para(p) -> Para:
        nonlocal counter
        counter += 1
        if counter > MAX_PARAGRAPHS:
            raise DocxError(_("more than {n} paragraphs: not a decree").format(n=MAX_PARAGRAPHS), Src.of(path),
                            _("give the Keputusan and its Lampiran only"))
        text, bold = _para_text(p, fonts)
        label = ""
        npr = _num_pr(p, styles_numpr)
        if npr is not None:
            label = numbering.label(*npr)
        ppr = p.find(qn("w:pPr"))
        ps = ppr.find(qn("w:pStyle")) if ppr is not None else None
        style = style_names.get(ps.get(qn("w:val")), "") if ps is not None else ""
        if label and label != "-":
            text = f"{label}\t{text}"
        elif label == "-":
            text = f"- {text}"
        return Para(counter, text, bold, style or "", path.name, label)

    body = document.element.body
    for el in body.iterchildren():
        if el.tag == qn("w:p"):
            result.blocks.append(para(el))
        elif el.tag == qn("w:tbl"):
            rows, row_n = [], []
            first = counter + 1
            for tr in el.iter(qn("w:tr")):
                cells = []
                row_first = counter + 1
                for tc in tr.findall(qn("w:tc")):
                    cells.append("\n".join(para(p).text for p in tc.findall(qn("w:p"))).strip())
                rows.append(cells)
                row_n.append(row_first)
            result.blocks.append(Table(first, rows, row_n, path.name))
        elif el.tag == qn("w:sdt"):
            for p in el.iter(qn("w:p")):
                result.blocks.append(para(p))
    return result


def as_lines(docs: list[DocText]) -> tuple[str, list[tuple[str, int]]]:
    """One line per paragraph (a table row is one line, cells joined by tabs), and for
    every line the file and ¶N it came from: what the raw-text rules read."""
    lines: list[str] = []
    where: list[tuple[str, int]] = []
    for d in docs:
        style = None
        for b in d.blocks:
            if isinstance(b, Para):
                # A change of paragraph style ends a block as a blank line does in typed text
                # (the rules read a heading or header block up to the next blank line).
                if style is not None and b.style != style and lines and lines[-1].strip():
                    lines.append("")
                    where.append((d.file, b.n))
                style = b.style
                for piece in b.text.split("\n"):
                    lines.append(piece)
                    where.append((d.file, b.n))
            else:
                for cells, n in zip(b.rows, b.row_n):
                    lines.append("\t".join(c.replace("\n", " ") for c in cells))
                    where.append((d.file, n))
    return "\n".join(lines) + "\n", where
