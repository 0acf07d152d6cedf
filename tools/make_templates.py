"""Build templates/keputusan.docx and templates/lampiran.docx.

The templates are ordinary Word documents: legal staff may open them in Word
and restyle them (every paragraph uses a named "ZI …" style; change the style,
not the paragraphs). This script is how they were first made and how to make
them again from scratch; it is not part of the build. Run:

    python tools/make_templates.py

Template rules: layout and named styles only. Tags are loops ({%p for %},
{%tr for %}) and variables ({{ x }}, {{r rich_text }}); no other logic.
An optional part is a loop over a list of zero or one elements.

One template serves the original and the certified copy: the renderer passes
what differs as data. `sign_place` is the lines between a jabatan and a name
(a signing space, "ttd." or an electronic-signature statement) and `salinan`
is the "Salinan sesuai dengan aslinya" block (an empty list in the original).
"""
from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from zi_docgen.ooxml.package import package_bytes
from zi_docgen.ooxml.xml import insert_in_order

FONT = "Bookman Old Style"
ROOT = Path(__file__).resolve().parent.parent
F4 = (Mm(215), Mm(330))


def base_document() -> Document:
    doc = Document()
    # python-docx's default template carries sample content styles; start clean.
    body = doc.element.body
    for child in list(body):
        if child.tag != qn("w:sectPr"):
            body.remove(child)
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(12)
    rfonts = normal.element.rPr.find(qn("w:rFonts"))
    for attr in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        rfonts.set(qn(attr), FONT)
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "id-ID")
    normal.element.rPr.append(lang)
    pf = normal.paragraph_format
    pf.space_before = Pt(0)
    pf.space_after = Pt(0)
    pf.line_spacing = 1.0
    pf.widow_control = True
    doc.core_properties.author = "zi-docgen"
    doc.core_properties.title = "{{ core_title }}"
    doc.core_properties.language = "id-ID"
    doc.core_properties.comments = ""
    doc.core_properties.keywords = ""
    return doc


def page_setup(section, landscape: bool = False) -> None:
    w, h = F4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (h, w) if landscape else (w, h)
    section.top_margin = Cm(2.0)
    section.bottom_margin = Cm(2.0)
    section.left_margin = Cm(2.5) if not landscape else Cm(2.0)
    section.right_margin = Cm(2.0)
    section.header_distance = Cm(1.0)
    section.footer_distance = Cm(1.0)


def pstyle(doc, name, *, base="Normal", align=None, bold=None, italic=None, size=None, left=None, first=None,
           right=None, before=None, after=None, line=None, tabs=(), keep_next=None, page_break=None,
           outline=None, caps=None, color=None):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    st.base_style = doc.styles[base]
    st.quick_style = True
    f = st.font
    if bold is not None:
        f.bold = bold
    if italic is not None:
        f.italic = italic
    if size is not None:
        f.size = Pt(size)
    if caps is not None:
        f.all_caps = caps
    if color is not None:
        f.color.rgb = RGBColor.from_string(color)
    pf = st.paragraph_format
    if align is not None:
        pf.alignment = align
    if left is not None:
        pf.left_indent = Cm(left)
    if first is not None:
        pf.first_line_indent = Cm(first)
    if right is not None:
        pf.right_indent = Cm(right)
    if before is not None:
        pf.space_before = Pt(before)
    if after is not None:
        pf.space_after = Pt(after)
    if line is not None:
        pf.line_spacing = line
    if keep_next is not None:
        pf.keep_with_next = keep_next
    if page_break is not None:
        pf.page_break_before = page_break
    for pos in tabs:
        pf.tab_stops.add_tab_stop(Cm(pos), WD_TAB_ALIGNMENT.LEFT)
    if outline is not None:
        ppr = st.element.get_or_add_pPr()
        el = OxmlElement("w:outlineLvl")
        el.set(qn("w:val"), str(outline))
        ppr.append(el)
    return st


def cstyle(doc, name, *, italic=None, bold=None):
    st = doc.styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
    if italic is not None:
        st.font.italic = italic
    if bold is not None:
        st.font.bold = bold
    return st


def common_styles(doc) -> None:
    J = WD_ALIGN_PARAGRAPH.JUSTIFY
    C = WD_ALIGN_PARAGRAPH.CENTER
    cstyle(doc, "ZI Asing", italic=True)          # foreign terms, from *markup* in data
    pstyle(doc, "ZI Kepala Halaman", align=C, size=11)
    pstyle(doc, "ZI Draf", align=C, bold=True, size=11, color="C00000")
    pstyle(doc, "ZI Judul", align=C, bold=True, keep_next=True)
    pstyle(doc, "ZI Tanda Tangan", left=9.0, keep_next=True)
    pstyle(doc, "ZI Tanda Tangan Nama", base="ZI Tanda Tangan", bold=True, keep_next=False)
    pstyle(doc, "ZI Ruang Tanda Tangan", base="ZI Tanda Tangan", after=36)
    pstyle(doc, "ZI Isi", align=J, line=1.15, after=6)


def header_with_page_number(section, draft_tag: str = "{{ draft_mark }}") -> None:
    """Page numbers from page 2 ("- 2 -"), and the DRAFT mark on every page."""
    section.different_first_page_header_footer = True
    first = section.first_page_header
    p = first.paragraphs[0]
    p.style = "ZI Draf"
    p.add_run(draft_tag)
    hdr = section.header
    p = hdr.paragraphs[0]
    p.style = "ZI Kepala Halaman"
    p.add_run("- ")
    fld = OxmlElement("w:fldSimple")
    fld.set(qn("w:instr"), " PAGE ")
    r = OxmlElement("w:r")
    t = OxmlElement("w:t")
    t.text = "2"
    r.append(t)
    fld.append(r)
    p._p.append(fld)
    p.add_run(" -")
    p2 = hdr.add_paragraph(style="ZI Draf")
    p2.add_run(draft_tag)


def para(doc_or_cell, style, *runs):
    p = doc_or_cell.add_paragraph(style=style)
    for text in runs:
        p.add_run(text)
    return p


def loop(doc, tag):
    """A {%p … %} control paragraph: docxtpl removes the paragraph itself."""
    return para(doc, "Normal", tag)


def lines(doc, var: str, style: str) -> None:
    """One paragraph in `style` per element of the list `var`."""
    loop(doc, f"{{%p for line in {var} %}}")
    para(doc, style, "{{ line }}")
    loop(doc, "{%p endfor %}")


def signature(doc, lines_var: str, name_var: str) -> None:
    """Jabatan lines, the signature place (space, "ttd." or TTE statement), the name."""
    lines(doc, lines_var, "ZI Tanda Tangan")
    lines(doc, "sign_place", "ZI Tanda Tangan")
    para(doc, "ZI Tanda Tangan Nama", "{{ %s }}" % name_var)


def salinan_block(doc) -> None:
    """The certifier of the copy; the list `salinan` is empty in the original."""
    loop(doc, "{%p for s in salinan %}")
    para(doc, "ZI Salinan Awal", "Salinan sesuai dengan aslinya")
    lines(doc, "s.unit", "ZI Salinan")
    para(doc, "ZI Salinan", "{{ s.jabatan }}")
    lines(doc, "s.space", "ZI Salinan")
    para(doc, "ZI Salinan Nama", "{{ s.name }}")
    lines(doc, "s.nip", "ZI Salinan")
    loop(doc, "{%p endfor %}")


def salinan_styles(doc) -> None:
    pstyle(doc, "ZI Salinan", right=8.0, keep_next=True)
    pstyle(doc, "ZI Salinan Awal", base="ZI Salinan", before=24)
    pstyle(doc, "ZI Salinan Nama", base="ZI Salinan", bold=True)


# ---------------------------------------------------------------- Keputusan

def keputusan() -> Document:
    doc = base_document()
    J = WD_ALIGN_PARAGRAPH.JUSTIFY
    C = WD_ALIGN_PARAGRAPH.CENTER
    common_styles(doc)
    pstyle(doc, "ZI Kop", align=C, bold=True, size=14, keep_next=True)
    pstyle(doc, "ZI Jabatan", align=C, bold=True, before=12, after=12, keep_next=True)
    # Menimbang / Mengingat: label column, ":" column, item label, hanging text.
    pstyle(doc, "ZI Konsiderans", align=J, left=4.5, first=-4.5, tabs=(3.25, 3.75, 4.5), after=6)
    # Citations hold long numbers that cannot break; justified, their lines would show wide gaps.
    pstyle(doc, "ZI Konsiderans Dasar", base="ZI Konsiderans", align=WD_ALIGN_PARAGRAPH.LEFT)
    pstyle(doc, "ZI Memutuskan", align=C, bold=True, before=18, after=12, keep_next=True)
    pstyle(doc, "ZI Diktum", align=J, left=3.75, first=-3.75, tabs=(3.25, 3.75), after=6)
    pstyle(doc, "ZI Logo", align=C, after=6, keep_next=True)
    salinan_styles(doc)

    sec = doc.sections[0]
    page_setup(sec)
    header_with_page_number(sec)

    lines(doc, "logo", "ZI Logo")
    lines(doc, "kop", "ZI Kop")
    para(doc, "Normal")
    para(doc, "ZI Judul", "{{ heading }}")
    para(doc, "ZI Judul", "{{ number_line }}")
    para(doc, "Normal")
    para(doc, "ZI Judul", "TENTANG")
    para(doc, "Normal")
    para(doc, "ZI Judul", "{{ title_upper }}")
    para(doc, "ZI Jabatan", "{{ jabatan }}")

    for name, style in (("menimbang", "ZI Konsiderans"), ("mengingat", "ZI Konsiderans Dasar")):
        loop(doc, f"{{%p for m in {name} %}}")
        p = para(doc, style, "{{ m.head }}\t{{ m.colon }}\t{{ m.label }}\t")
        p.add_run("{{r m.text }}")
        loop(doc, "{%p endfor %}")

    para(doc, "ZI Memutuskan", "MEMUTUSKAN:")
    p = para(doc, "ZI Diktum", "Menetapkan\t:\t")
    p.add_run("{{r menetapkan }}")
    loop(doc, "{%p for d in diktum %}")
    p = para(doc, "ZI Diktum", "{{ d.label }}\t:\t")
    p.add_run("{{r d.text }}")
    loop(doc, "{%p endfor %}")

    para(doc, "Normal")
    para(doc, "ZI Tanda Tangan", "Ditetapkan di {{ seat }}")
    para(doc, "ZI Tanda Tangan", "pada tanggal {{ date_text }}")
    para(doc, "ZI Tanda Tangan")
    signature(doc, "signer_lines", "signer_name")
    salinan_block(doc)
    return doc


# ---------------------------------------------------------------- Lampiran

def blocks(doc, var: str, depth_styles=("ZI Daftar 1", "ZI Daftar 2")) -> None:
    """The body of a chapter or section: paragraphs, run-in headings, lists, figures."""
    loop(doc, f"{{%p for b in {var} %}}")
    loop(doc, "{%p for h in b.headings %}")
    para(doc, "ZI Label", "{{ h }}")
    loop(doc, "{%p endfor %}")
    loop(doc, "{%p for t in b.paragraphs %}")
    p = para(doc, "ZI Isi Bab")
    p.add_run("{{r t }}")
    loop(doc, "{%p endfor %}")
    loop(doc, "{%p for i in b.entries %}")
    p = para(doc, depth_styles[0], "{{ i.label }}\t")
    p.add_run("{{r i.text }}")
    loop(doc, "{%p for j in i.subitems %}")
    p = para(doc, depth_styles[1], "{{ j.label }}\t")
    p.add_run("{{r j.text }}")
    loop(doc, "{%p endfor %}")
    loop(doc, "{%p endfor %}")
    loop(doc, "{%p for i in b.bases %}")
    p = para(doc, "ZI Daftar Dasar Hukum", "{{ i.label }}\t")
    p.add_run("{{r i.text }}")
    loop(doc, "{%p endfor %}")
    loop(doc, "{%p for f in b.figures %}")
    para(doc, "ZI Gambar", "{{ f }}")
    loop(doc, "{%p endfor %}")
    loop(doc, "{%p endfor %}")


def lampiran() -> Document:
    doc = base_document()
    J = WD_ALIGN_PARAGRAPH.JUSTIFY
    C = WD_ALIGN_PARAGRAPH.CENTER
    common_styles(doc)
    pstyle(doc, "ZI Kepala Lampiran", left=8.0)
    pstyle(doc, "ZI Judul Lampiran", base="ZI Judul", before=24, after=0)
    pstyle(doc, "ZI Sampul", align=C, bold=True, size=16, line=1.5, keep_next=True)
    pstyle(doc, "ZI Sampul Awal", base="ZI Sampul", before=150)
    # A chapter follows on from the one before, so that no page holds only the last lines of
    # a chapter; the Kata Pengantar and the first chapter start pages through section breaks.
    pstyle(doc, "ZI Bab", align=C, bold=True, before=24, keep_next=True, outline=0)
    pstyle(doc, "ZI Bab Awal", base="ZI Bab", before=0, page_break=True)
    pstyle(doc, "ZI Bab Judul", align=C, bold=True, after=18, keep_next=True)
    pstyle(doc, "ZI Subbab", bold=True, left=0.75, first=-0.75, tabs=(0.75,), before=12, after=6,
           keep_next=True, outline=1)
    pstyle(doc, "ZI Isi Bab", base="ZI Isi", left=0.75, first=1.25)
    pstyle(doc, "ZI Label", bold=True, left=0.75, before=6, after=6, keep_next=True)
    pstyle(doc, "ZI Daftar 1", align=J, left=1.5, first=-0.75, tabs=(1.5,), line=1.15, after=4)
    pstyle(doc, "ZI Daftar 2", align=J, left=2.25, first=-0.75, tabs=(2.25,), line=1.15, after=2)
    # Legal bases: long numbers that cannot break would leave wide gaps in a justified line.
    pstyle(doc, "ZI Daftar Dasar Hukum", base="ZI Daftar 1", align=WD_ALIGN_PARAGRAPH.LEFT)
    salinan_styles(doc)
    pstyle(doc, "ZI Gambar", align=C, before=6, after=6)
    pstyle(doc, "ZI Tempat Tanggal", left=9.0, before=12)
    pstyle(doc, "ZI Judul Tabel", align=C, bold=True, after=12, keep_next=True)
    pstyle(doc, "ZI Tabel", align=C, size=9)
    pstyle(doc, "ZI Tabel Kiri", size=9)
    pstyle(doc, "ZI Tabel Kepala", align=C, size=9, bold=True)
    pstyle(doc, "ZI Tabel Area", size=9, bold=True)

    sec = doc.sections[0]
    page_setup(sec)
    header_with_page_number(sec)

    # Header block, top right of the first page.
    lines(doc, "header_lines", "ZI Kepala Lampiran")
    para(doc, "ZI Judul Lampiran", "{{ title_upper }}")

    # Cover.
    lines(doc, "cover_first", "ZI Sampul Awal")
    lines(doc, "cover_rest", "ZI Sampul")

    # Kata Pengantar.
    para(doc, "ZI Bab Awal", "KATA PENGANTAR")
    para(doc, "ZI Bab Judul")
    loop(doc, "{%p for b in kata_pengantar %}")
    p = para(doc, "ZI Isi")
    p.paragraph_format.first_line_indent = None
    p.add_run("{{r b }}")
    loop(doc, "{%p endfor %}")
    para(doc, "ZI Tempat Tanggal", "{{ seat }}, {{ date_text }}")
    signature(doc, "signer_lines_title", "signer_name_title")

    # Chapters: the first starts a page (a section break, not a condition in the template).
    chapters = doc.add_section(WD_SECTION.NEW_PAGE)
    page_setup(chapters)
    chapters.different_first_page_header_footer = False
    loop(doc, "{%p for ch in chapters %}")
    para(doc, "ZI Bab", "BAB {{ ch.label }}")
    para(doc, "ZI Bab Judul", "{{ ch.title }}")
    blocks(doc, "ch.blocks")
    loop(doc, "{%p for s in ch.sections %}")
    para(doc, "ZI Subbab", "{{ s.label }}\t{{ s.title }}")
    blocks(doc, "s.blocks")
    loop(doc, "{%p endfor %}")
    loop(doc, "{%p endfor %}")

    # Target table, landscape.
    table_section = doc.add_section(WD_SECTION.NEW_PAGE)
    page_setup(table_section, landscape=True)
    # A new section copies "different first page"; only the document's first page has no number.
    table_section.different_first_page_header_footer = False
    para(doc, "ZI Judul Tabel", "{{ targets_title }}")
    target_table(doc)

    # Penutup, portrait again, then the signature.
    last = doc.add_section(WD_SECTION.NEW_PAGE)
    page_setup(last)
    last.different_first_page_header_footer = False
    para(doc, "ZI Bab", "BAB {{ penutup.label }}").paragraph_format.space_before = Pt(0)
    para(doc, "ZI Bab Judul", "{{ penutup.title }}")
    blocks(doc, "penutup.blocks")
    para(doc, "Normal")
    signature(doc, "signer_lines", "signer_name")
    salinan_block(doc)
    return doc


def set_cell_width(cell, mm: float) -> None:
    cell.width = Mm(mm)


def mark_header_row(row) -> None:
    trpr = row._tr.get_or_add_trPr()
    insert_in_order(trpr, OxmlElement("w:tblHeader"))
    insert_in_order(trpr, OxmlElement("w:cantSplit"))   # goes before tblHeader (CT_TrPr order)


def target_table(doc) -> None:
    widths = [12, 86] + [16] * 12
    table = doc.add_table(rows=6, cols=14)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    for row in table.rows:
        for cell, w in zip(row.cells, widths):
            set_cell_width(cell, w)
    # LibreOffice lays a table out from its grid, Word from the cell widths: set both.
    for col, w in zip(table._tbl.tblGrid.gridCol_lst, widths):
        col.w = Mm(w)
    tblw = table._tbl.tblPr.find(qn("w:tblW"))
    if tblw is None:
        tblw = OxmlElement("w:tblW")
        table._tbl.tblPr.append(tblw)
    tblw.set(qn("w:type"), "dxa")
    tblw.set(qn("w:w"), str(int(sum(widths) / 25.4 * 1440)))

    def put(cell, text, style):
        p = cell.paragraphs[0]
        p.style = style
        if text:
            p.add_run(text)

    # Two header rows, repeated on every page.
    r0, r1 = table.rows[0], table.rows[1]
    put(r0.cells[0], "NO", "ZI Tabel Kepala")
    put(r0.cells[1], "AREA PEMBANGUNAN", "ZI Tabel Kepala")
    put(r0.cells[2], "{{ year }}", "ZI Tabel Kepala")
    for k in range(12):
        put(r1.cells[2 + k], "{{ months[%d] }}" % k, "ZI Tabel Kepala")
    for c in (0, 1):
        r1.cells[c].paragraphs[0].style = "ZI Tabel Kepala"
    r0.cells[0].merge(r1.cells[0])
    r0.cells[1].merge(r1.cells[1])
    r0.cells[2].merge(r0.cells[13])
    mark_header_row(r0)
    mark_header_row(r1)

    rows = table.rows
    put(rows[2].cells[0], "{%tr for g in target_groups %}", "ZI Tabel")
    put(rows[3].cells[0], "{{ g.label }}", "ZI Tabel Area")
    put(rows[3].cells[1], "{{ g.name }}", "ZI Tabel Area")
    for k in range(12):
        put(rows[3].cells[2 + k], "", "ZI Tabel")
    put(rows[4].cells[0], "{%tr for r in g.rows %}", "ZI Tabel")
    r5 = rows[5]
    put(r5.cells[0], "{{ r.no }}", "ZI Tabel")
    p = r5.cells[1].paragraphs[0]
    p.style = "ZI Tabel Kiri"
    p.add_run("{{r r.label }}")
    for k in range(12):
        put(r5.cells[2 + k], "{{ r.cells[%d] }}" % k, "ZI Tabel")
    end_inner = table.add_row()
    put(end_inner.cells[0], "{%tr endfor %}", "ZI Tabel")
    end_outer = table.add_row()
    put(end_outer.cells[0], "{%tr endfor %}", "ZI Tabel")
    for row in (end_inner, end_outer):
        for cell, w in zip(row.cells, widths):
            set_cell_width(cell, w)
    for row in (rows[3], r5):
        insert_in_order(row._tr.get_or_add_trPr(), OxmlElement("w:cantSplit"))


def save_deterministic(doc: Document, path: Path) -> None:
    # The one deterministic zip writer (fixed timestamps, SOURCE_DATE_EPOCH), as for rendered documents.
    path.write_bytes(package_bytes(doc.part.package))


def main() -> None:
    out = ROOT / "templates"
    out.mkdir(exist_ok=True)
    save_deterministic(keputusan(), out / "keputusan.docx")
    save_deterministic(lampiran(), out / "lampiran.docx")
    print("wrote", out / "keputusan.docx", out / "lampiran.docx")


if __name__ == "__main__":
    main()
