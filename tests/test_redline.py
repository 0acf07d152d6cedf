from __future__ import annotations

import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from docx import Document
from docx.enum.text import WD_BREAK
from docx.oxml import parse_xml
from lxml import etree

from sample_docs import decree_docx
from zi_docgen.compare.docxdiff import docx_blocks
from zi_docgen.compare.redline import write_redline

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
NS = {"w": W}
AUTHOR = "Tim ZI"
DATE = "2024-05-01T08:00:00Z"


def q(tag: str) -> str:
    return f"{{{W}}}{tag}"


def build_basic(path: Path, *, new: bool) -> Path:
    """Decree-like pair: one reworded, one inserted, one deleted paragraph, one cell changed."""
    return decree_docx(
        path, new=new,
        mengingat_old="1. Undang-Undang Nomor 28 Tahun 1999 tentang Penyelenggaraan Negara yang Bersih;",
        mengingat_new="1. Undang-Undang Nomor 28 Tahun 1999 tentang Penyelenggara Negara yang Bersih dan Bebas;")


def _hyperlink_paragraph(doc, text: str) -> None:
    p = doc.add_paragraph("Lihat ")
    p._p.append(parse_xml(
        f'<w:hyperlink xmlns:w="{W}" w:anchor="lampiran"><w:r><w:t xml:space="preserve">'
        f"{text}</w:t></w:r></w:hyperlink>"
    ))


def build_handtyped(path: Path, *, new: bool) -> Path:
    """Things Word documents carry that the basic pair lacks."""
    doc = Document()
    p = doc.add_paragraph()
    p._p.append(parse_xml(f'<w:bookmarkStart xmlns:w="{W}" w:id="0" w:name="awal"/>'))
    p.add_run("Pasal 1").bold = True
    p._p.append(parse_xml(f'<w:bookmarkEnd xmlns:w="{W}" w:id="0"/>'))
    p.add_run(" ayat (2) huruf b" if new else " ayat (1) huruf a")
    doc.add_paragraph("Spasi  ganda." if new else "Spasi ganda.")
    if not new:
        doc.add_paragraph("")
    _hyperlink_paragraph(doc, "Lampiran II" if new else "Lampiran I")
    p = doc.add_paragraph("Halaman berikut")
    p.add_run().add_break(WD_BREAK.PAGE)
    p.add_run("baru" if new else "lama")
    table = doc.add_table(rows=0, cols=3)
    values = [["A", "B", "C"], ["D", "E", "F"], ["G", "H", "I"]]
    if new:
        values = [["A", "B", "C"], ["D", "E", "F"], ["Baris", "baru", "sisipan"], ["G", "H", "I"]]
    else:
        values.insert(1, ["Baris", "yang", "dihapus"])
    for vals in values:
        cells = table.add_row().cells
        for cell, v in zip(cells, vals):
            cell.text = v
    if not new:
        doc.add_paragraph("Tabel di bawah ini dihapus.")
        old_table = doc.add_table(rows=2, cols=2)
        for r in range(2):
            for c in range(2):
                old_table.cell(r, c).text = f"lama {r}{c}"
    doc.add_paragraph("Penutup.")
    doc.save(path)
    return path


# ---------------------------------------------------------------------------
# Accept / reject emulation, as Word's "Accept All" / "Reject All" behave.


def _is_mark(el) -> bool:
    return el.getparent() is not None and el.getparent().tag in (q("rPr"), q("trPr"))


def _resolve(root, keep: str) -> None:
    drop = "del" if keep == "ins" else "ins"
    for el in list(root.iter(q(drop))):
        if _is_mark(el):
            continue
        el.getparent().remove(el)
    for tr in list(root.iter(q("tr"))):
        if tr.find(f"w:trPr/w:{drop}", NS) is not None:
            tr.getparent().remove(tr)
    for p in list(root.iter(q("p"))):
        if p.find(f"w:pPr/w:rPr/w:{drop}", NS) is None:
            continue
        # A removed paragraph mark joins the paragraph with the next one.
        content = [c for c in p if c.tag != q("pPr")]
        nxt = p.getnext()
        if content and nxt is not None and nxt.tag == q("p"):
            anchor = nxt.find("w:pPr", NS)
            for c in reversed(content):
                if anchor is None:
                    nxt.insert(0, c)
                else:
                    anchor.addnext(c)
        p.getparent().remove(p)
    for el in list(root.iter(q(keep))):
        parent = el.getparent()
        if _is_mark(el):
            parent.remove(el)
            continue
        idx = parent.index(el)
        for k, child in enumerate(list(el)):
            parent.insert(idx + k, child)
        parent.remove(el)
    if keep == "del":
        for t in root.iter(q("delText")):
            t.tag = q("t")
        for t in root.iter(q("delInstrText")):
            t.tag = q("instrText")


def resolved(redline: Path, keep: str, out: Path) -> Path:
    with zipfile.ZipFile(redline) as z:
        root = etree.fromstring(z.read("word/document.xml"))
        _resolve(root, keep)
        with zipfile.ZipFile(out, "w") as zout:
            for info in z.infolist():
                data = z.read(info)
                if info.filename == "word/document.xml":
                    data = etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)
                zout.writestr(info.filename, data)
    return out


def document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        return z.read("word/document.xml").decode("utf-8")


@pytest.fixture(params=["basic", "handtyped"])
def scenario(request, tmp_path):
    builder = build_basic if request.param == "basic" else build_handtyped
    old = builder(tmp_path / "old.docx", new=False)
    new = builder(tmp_path / "new.docx", new=True)
    out = tmp_path / "redline.docx"
    count = write_redline(old, new, out, author=AUTHOR, date=DATE)
    return old, new, out, count


def test_redline_opens_and_carries_author_and_date(scenario):
    _, _, out, count = scenario
    Document(str(out))
    xml = document_xml(out)
    marks = re.findall(r"<w:(ins|del) ([^>]*)>", xml)
    assert count == len(marks) > 0
    for _, attrs in marks:
        assert f'w:author="{AUTHOR}"' in attrs
        assert f'w:date="{DATE}"' in attrs
    ids = [int(m) for m in re.findall(r'<w:(?:ins|del) w:id="(\d+)"', xml)]
    assert len(ids) == len(set(ids)) == count


def test_accept_all_gives_new_and_reject_all_gives_old(scenario, tmp_path):
    old, new, out, _ = scenario
    accepted = resolved(out, "ins", tmp_path / "accepted.docx")
    rejected = resolved(out, "del", tmp_path / "rejected.docx")
    assert docx_blocks(accepted) == docx_blocks(new)
    assert docx_blocks(rejected) == docx_blocks(old)


def test_basic_revisions_are_word_level(tmp_path):
    old = build_basic(tmp_path / "old.docx", new=False)
    new = build_basic(tmp_path / "new.docx", new=True)
    out = tmp_path / "r.docx"
    # Reworded: del+ins+ins; deleted and inserted paragraphs: runs + mark; cell: ins.
    assert write_redline(old, new, out) == 3 + 2 + 2 + 1
    root = etree.fromstring(document_xml(out).encode())
    def text(el) -> str:
        return "".join("\t" if e.tag == q("tab") else (e.text or "") for e in el.iter())

    dels = [text(d) for d in root.iter(q("del")) if not _is_mark(d)]
    ins = [text(i) for i in root.iter(q("ins")) if not _is_mark(i)]
    assert dels == ["Penyelenggaraan", "Paragraf yang akan dihapus sepenuhnya dari keputusan ini."]
    assert ins == ["Penyelenggara", " dan Bebas", "KESATU\t:\tMembentuk Tim Zona Integritas.",
                   " dan evaluasi"]
    # Inserted text keeps the NEW run's formatting (bold heading word).
    kesatu = root.xpath("//w:ins/w:r[w:t='KESATU']", namespaces=NS)[0]
    assert kesatu.find("w:rPr/w:b", NS) is not None
    assert 'w:author="zi-docgen"' in document_xml(out)


def test_package_is_new_apart_from_document_part(scenario):
    _, new, out, _ = scenario
    with zipfile.ZipFile(new) as a, zipfile.ZipFile(out) as b:
        assert [i.filename for i in b.infolist()][0] == "[Content_Types].xml"
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name != "word/document.xml":
                assert a.read(name) == b.read(name), name
        assert {i.date_time for i in b.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_deterministic_bytes(scenario, tmp_path):
    old, new, out, _ = scenario
    again = tmp_path / "again.docx"
    write_redline(old, new, again, author=AUTHOR, date=DATE)
    assert out.read_bytes() == again.read_bytes()


def test_identical_documents_give_no_revisions(tmp_path):
    old = build_basic(tmp_path / "old.docx", new=False)
    assert write_redline(old, old, tmp_path / "r.docx") == 0


SOFFICE = shutil.which("soffice")


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) not on PATH")
def test_libreoffice_opens_redline_and_sees_changes(tmp_path):
    old = build_basic(tmp_path / "old.docx", new=False)
    new = build_basic(tmp_path / "new.docx", new=True)
    out = tmp_path / "redline.docx"
    write_redline(old, new, out, author=AUTHOR, date=DATE)
    profile = f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}"
    for fmt in ("pdf", "fodt"):
        subprocess.run(
            [SOFFICE, profile, "--headless", "--convert-to", fmt, "--outdir", str(tmp_path), str(out)],
            check=True, capture_output=True, timeout=180,
        )
    assert (tmp_path / "redline.pdf").stat().st_size > 0
    # Flat ODT lists LibreOffice's tracked changes as text:changed-region.
    fodt = (tmp_path / "redline.fodt").read_text(encoding="utf-8")
    assert len(re.findall(r"<text:insertion>", fodt)) == 4
    assert len(re.findall(r"<text:deletion>", fodt)) == 2
    assert f"<dc:creator>{AUTHOR}</dc:creator>" in fodt
