"""Our renderer against stock docxtpl: the same context gives the same XML.

zi_docgen.render.renderer keeps one small subclass of DocxTemplate (caches) and a
compiling Jinja environment. Here the same decree is rendered through a plain
`DocxTemplate(path).render(context, Environment(...), autoescape=True)`, freshly
opened, and every part of the package is compared byte for byte.
"""
from __future__ import annotations

import dataclasses
import io
import zipfile

import pytest
from docx import Document
from docxtpl import DocxTemplate
from jinja2 import Environment, StrictUndefined
from lxml import etree

from conftest import DATA, TEMPLATES
from zi_docgen.load.dataset import load_dataset
from zi_docgen.ooxml.package import package_bytes
from zi_docgen.ooxml.xml import paragraph_text, w
from zi_docgen.render.renderer import (TEMPLATE_NAMES, Renderer, keputusan_context, lampiran_context,
                                       set_core_properties)
from zi_docgen.resolve.decree import resolve

OFFICES = ("prov-kalbar", "kab-sambas", "kota-pontianak")


@pytest.fixture(scope="module")
def ds():
    return load_dataset(DATA)


def stock_render(decree, name: str, copy: bool = False) -> bytes:
    """docxtpl as documented, nothing cached; the package written by the same zip writer."""
    tpl = DocxTemplate(TEMPLATES / f"{name}.docx")
    context = (keputusan_context if name == "keputusan" else lampiran_context)(decree, tpl, copy)
    tpl.render(context, Environment(autoescape=True, undefined=StrictUndefined), autoescape=True)
    set_core_properties(tpl.docx, decree, name, copy)
    return package_bytes(tpl.docx.part.package)


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


@pytest.mark.parametrize("office", OFFICES)
@pytest.mark.parametrize("name", TEMPLATE_NAMES)
def test_same_parts_as_stock_docxtpl(ds, office, name):
    decree = resolve(ds, ds.latest_year, office)
    ours, stock = parts(Renderer(TEMPLATES).render(decree, name)), parts(stock_render(decree, name))
    assert sorted(ours) == sorted(stock)
    for part in stock:
        assert ours[part] == stock[part], f"{office}/{name}: {part} differs from stock docxtpl"


def test_a_second_document_from_the_caches_is_still_stock(ds):
    # The caches are warm from the first office; the second must not carry anything over.
    r = Renderer(TEMPLATES)
    first, second = (resolve(ds, ds.latest_year, o) for o in OFFICES[:2])
    for name in TEMPLATE_NAMES:
        r.render(first, name)
        assert parts(r.render(second, name)) == parts(stock_render(second, name))


def _salinan_paragraph(data: bytes, first_line: str):
    body = Document(io.BytesIO(data)).element.body
    return next(p for p in body.iter(w("p")) if paragraph_text(p).startswith(first_line))


def test_multiline_salinan_jabatan_prints_as_lines_in_word(ds):
    decree = resolve(ds, ds.latest_year, "prov-kalbar")
    jabatan = "Kepala Bagian Hukum\ndan Sumber Daya Manusia"
    decree = dataclasses.replace(decree, salinan_jabatan=jabatan)
    data = Renderer(TEMPLATES).render(decree, "keputusan", copy=True)   # the salinan block is in the copy
    p = _salinan_paragraph(data, "Kepala Bagian Hukum")
    # A line break element between the two lines, no raw newline left inside a w:t.
    assert len(p.findall(f".//{w('br')}")) == 1
    assert all("\n" not in (t.text or "") for t in p.iter(w("t")))
    assert paragraph_text(p) == jabatan + ","
    assert parts(data)["word/document.xml"] == parts(stock_render(decree, "keputusan", True))["word/document.xml"]


def test_escaping_and_docxtpl_unescape_as_stock(ds):
    decree = resolve(ds, ds.latest_year, "prov-kalbar")
    name = 'A & B <c> "d" {_{ e }_}'
    decree = dataclasses.replace(decree, salinan_name=name)
    data = Renderer(TEMPLATES).render(decree, "keputusan", copy=True)
    body = etree.fromstring(parts(data)["word/document.xml"])
    texts = [paragraph_text(p) for p in body.iter(w("p"))]
    # Escaped for XML, and docxtpl's documented {_{ → {{ applied.
    assert 'A & B <c> "d" {{ e }}' in texts
    assert parts(data)["word/document.xml"] == parts(stock_render(decree, "keputusan", True))["word/document.xml"]
