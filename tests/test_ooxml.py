"""zi_docgen.ooxml: the one zip writer, SOURCE_DATE_EPOCH, bounded reading, schema order."""
from __future__ import annotations

import io
import zipfile

import pytest
from docx import Document
from lxml import etree

from conftest import TEMPLATES
from zi_docgen.errors import DocxError, ZiError
from zi_docgen.ooxml import package as pkg
from zi_docgen.ooxml.reading import Limits, open_document, read_docx
from zi_docgen.ooxml.xml import W_NS, mark_paragraph, mark_row, paragraph_rpr, w


def _zipfile_bytes(entries, date_time=(2000, 1, 1, 0, 0, 0)) -> bytes:
    """The reference: what zipfile writes for the same entries."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in entries:
            zi = zipfile.ZipInfo(name.lstrip("/"), date_time=date_time)
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o100644 << 16
            zi.create_system = 3   # always Unix, also on Windows: the bytes must not depend on the OS
            zf.writestr(zi, data)
    return out.getvalue()


def _package_entries(package):
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(package.iter_parts())
    yield CONTENT_TYPES_URI, _ContentTypesItem.from_parts(parts).blob
    yield PACKAGE_URI.rels_uri, package.rels.xml
    for part in parts:
        yield part.partname, part.blob
        if len(part.rels):
            yield part.partname.rels_uri, part.rels.xml


@pytest.mark.parametrize("name", ["keputusan", "lampiran"])
def test_package_bytes_is_what_zipfile_writes_with_and_without_cache(name, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    package = Document(str(TEMPLATES / f"{name}.docx")).part.package
    expected = _zipfile_bytes(list(_package_entries(package)))
    assert pkg.package_bytes(package) == expected
    cache = pkg.EntryCache(p.blob for p in package.iter_parts())
    assert pkg.package_bytes(package, cache) == expected
    assert zipfile.ZipFile(io.BytesIO(expected)).testzip() is None


def test_write_entries_puts_content_types_first():
    data = pkg.write_entries([("word/document.xml", b"<a/>"), ("[Content_Types].xml", b"<b/>")])
    assert zipfile.ZipFile(io.BytesIO(data)).namelist() == ["[Content_Types].xml", "word/document.xml"]


def test_source_date_epoch_sets_every_fixed_timestamp(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")   # 2026-01-01T00:00:00Z
    assert pkg.w3cdtf(pkg.fixed_datetime()) == "2026-01-01T00:00:00Z"
    data = pkg.write_entries([("[Content_Types].xml", b"<x/>")])
    assert zipfile.ZipFile(io.BytesIO(data)).infolist()[0].date_time == (2026, 1, 1, 0, 0, 0)
    assert data == _zipfile_bytes([("[Content_Types].xml", b"<x/>")], (2026, 1, 1, 0, 0, 0))
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert pkg.w3cdtf(pkg.fixed_datetime()) == "2000-01-01T00:00:00Z"


def test_a_malformed_source_date_epoch_is_an_error(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "yesterday")
    with pytest.raises(ZiError, match="SOURCE_DATE_EPOCH"):
        pkg.fixed_datetime()


def test_rendered_documents_and_redlines_follow_source_date_epoch(monkeypatch, tmp_path):
    from zi_docgen.compare.redline import write_redline
    from zi_docgen.load.dataset import load_dataset
    from zi_docgen.render.renderer import Renderer
    from zi_docgen.resolve.decree import resolve
    from conftest import DATA

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    ds = load_dataset(DATA)
    d = resolve(ds, ds.latest_year, "prov-kalbar")
    data = Renderer(TEMPLATES).render(d, "keputusan")
    zf = zipfile.ZipFile(io.BytesIO(data))
    assert {i.date_time for i in zf.infolist()} == {(2026, 1, 1, 0, 0, 0)}
    assert b"2026-01-01T00:00:00Z" in zf.read("docProps/core.xml")   # lastPrinted
    old, new = tmp_path / "old.docx", tmp_path / "new.docx"
    old.write_bytes(data)
    new.write_bytes(Renderer(TEMPLATES).render(resolve(ds, ds.latest_year, "kab-sambas"), "keputusan"))
    assert write_redline(old, new, tmp_path / "r.docx") > 0
    xml = zipfile.ZipFile(tmp_path / "r.docx").read("word/document.xml")
    assert b'w:date="2026-01-01T00:00:00Z"' in xml and b"2000-01-01T" not in xml


# ---------------------------------------------------------------- bounded reading

def _docx_with(tmp_path, name: str, parts: dict[str, bytes]):
    path = tmp_path / name
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("[Content_Types].xml", b"<Types/>")
        for n, data in parts.items():
            zf.writestr(n, data)
    return path


def test_a_folder_named_docx_is_a_folder(tmp_path):
    (tmp_path / "x.docx").mkdir()
    with pytest.raises(DocxError, match="is a folder") as e:
        read_docx(tmp_path / "x.docx")
    assert e.value.src.file.endswith("x.docx")


def test_missing_and_not_a_zip(tmp_path):
    with pytest.raises(DocxError, match="file not found"):
        read_docx(tmp_path / "nope.docx")
    (tmp_path / "t.docx").write_text("just text")
    with pytest.raises(DocxError, match="not a zip package"):
        read_docx(tmp_path / "t.docx")


def test_zip_bomb_is_refused_from_the_directory_before_decompressing(tmp_path, monkeypatch):
    bomb = _docx_with(tmp_path, "bomb.docx", {"word/document.xml": b"\0" * (4 * 2**20)})
    assert bomb.stat().st_size < 64 * 1024
    # Nothing may be decompressed: reading any entry fails the test.
    monkeypatch.setattr(zipfile.ZipFile, "open", lambda *a, **k: pytest.fail("decompressed"))
    with pytest.raises(DocxError, match=r"compressed \d+:1") as e:
        read_docx(bomb)
    assert e.value.src.file.endswith("bomb.docx")
    with pytest.raises(DocxError, match="would expand to 4 MB"):
        read_docx(bomb, limits=Limits(part=2**20, ratio=10**9))
    with pytest.raises(DocxError, match="the package would expand to more than"):
        read_docx(bomb, limits=Limits(total=2**20, ratio=10**9))


def test_an_ordinary_document_reads(tmp_path):
    doc = open_document(TEMPLATES / "lampiran.docx")
    assert doc.element.body is not None


def test_diff_names_the_broken_file_not_the_good_one(tmp_path):
    from zi_docgen.compare.documents import diff_documents

    good = TEMPLATES / "keputusan.docx"
    broken = tmp_path / "broken.docx"
    broken.write_bytes(good.read_bytes()[:5000])   # truncated: the zip directory is gone
    for old, new in ((good, broken), (broken, good)):
        with pytest.raises(DocxError) as e:
            diff_documents(old, new)
        assert e.value.src.file.endswith("broken.docx"), str(e.value)
    folder = tmp_path / "x.docx"
    folder.mkdir()
    with pytest.raises(DocxError, match="is a folder") as e:
        diff_documents(good, folder)
    assert e.value.src.file.endswith("x.docx")


def test_a_package_without_a_document_names_the_file(tmp_path):
    path = _docx_with(tmp_path, "empty.docx", {"word/other.xml": b"<x/>"})
    with pytest.raises(DocxError, match="cannot be read as a Word document") as e:
        open_document(path)
    assert e.value.src.file.endswith("empty.docx")


# ---------------------------------------------------------------- schema order

def _el(xml: str):
    from docx.oxml import parse_xml

    return parse_xml(f'<w:root xmlns:w="{W_NS}">{xml}</w:root>')[0]


def _tags(el) -> list[str]:
    return [etree.QName(c).localname for c in el]


def test_row_mark_goes_after_tblprex_and_before_trprchange():
    for cls in (_el, lambda x: etree.fromstring(f'<w:root xmlns:w="{W_NS}">{x}</w:root>')[0]):
        tr = cls("<w:tr><w:tblPrEx/><w:tc/></w:tr>")
        mark_row(tr, etree.Element(w("ins")))
        assert _tags(tr) == ["tblPrEx", "trPr", "tc"]
        assert _tags(tr[1]) == ["ins"]
        tr = cls("<w:tr><w:trPr><w:cantSplit/><w:trPrChange/></w:trPr><w:tc/></w:tr>")
        mark_row(tr, etree.Element(w("del")))
        assert _tags(tr[0]) == ["cantSplit", "del", "trPrChange"]


def test_paragraph_mark_rpr_goes_before_sectpr_and_marks_come_first():
    for cls in (_el, lambda x: etree.fromstring(f'<w:root xmlns:w="{W_NS}">{x}</w:root>')[0]):
        p = cls("<w:p><w:pPr><w:jc/><w:sectPr/><w:pPrChange/></w:pPr><w:r/></w:p>")
        paragraph_rpr(p).append(etree.Element(w("b")))
        mark_paragraph(p, etree.Element(w("ins")))
        assert _tags(p[0]) == ["jc", "rPr", "sectPr", "pPrChange"]
        assert _tags(p[0][1]) == ["ins", "b"]
        p = cls("<w:p><w:r/></w:p>")
        mark_paragraph(p, etree.Element(w("del")))
        assert _tags(p) == ["pPr", "r"] and _tags(p[0]) == ["rPr"]


def test_row_flags_go_in_schema_order_whatever_order_they_are_added():
    from zi_docgen.ooxml.xml import insert_in_order, new

    trpr = new("trPr")
    for tag in ("tblHeader", "cantSplit", "trHeight", "ins"):
        insert_in_order(trpr, new(tag))
    assert _tags(trpr) == ["cantSplit", "trHeight", "tblHeader", "ins"]
