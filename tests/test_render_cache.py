"""The render caches: work done once per process, and output identical to the plain path.

render.py reads each template package once, shares its unchanged parts between
documents and copies their deflated zip entries. These tests pin that down:
compile/parse counts, byte-identity with rendering from a freshly opened template
and zipfile's own writer, no state leaking from one document into the next,
and the same bytes in another process.
"""
from __future__ import annotations

import hashlib
import io
import multiprocessing
import zipfile
from concurrent.futures import ProcessPoolExecutor

import pytest
from docx import Document

from conftest import DATA, TEMPLATES
from zi_docgen.render import renderer as render
from zi_docgen.load.dataset import load_dataset
from zi_docgen.render.renderer import TEMPLATE_NAMES, Renderer, package_bytes
from zi_docgen.resolve.decree import resolve

OFFICES = ("prov-kalbar", "kab-sambas", "kota-pontianak")


@pytest.fixture(scope="module")
def decrees():
    ds = load_dataset(DATA)
    return {oid: resolve(ds, ds.latest_year, oid) for oid in OFFICES}


def _zipfile_bytes(package) -> bytes:
    """The reference writer: what package_bytes wrote with zipfile before it had its own."""
    from docx.opc.packuri import CONTENT_TYPES_URI, PACKAGE_URI
    from docx.opc.pkgwriter import _ContentTypesItem

    parts = list(package.iter_parts())
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        def put(name: str, data: bytes) -> None:
            zi = zipfile.ZipInfo(name.lstrip("/"), date_time=(1980, 1, 1, 0, 0, 0))
            zi.compress_type = zipfile.ZIP_DEFLATED
            zi.external_attr = 0o600 << 16
            zi.create_system = 3  # package_bytes always says Unix, also on Windows
            zf.writestr(zi, data)

        put(CONTENT_TYPES_URI, _ContentTypesItem.from_parts(parts).blob)
        put(PACKAGE_URI.rels_uri, package.rels.xml)
        for part in parts:
            put(part.partname, part.blob)
            if len(part.rels):
                put(part.partname.rels_uri, part.rels.xml)
    return out.getvalue()


def test_each_template_is_read_and_each_part_compiled_once(decrees, monkeypatch):
    reads, compiles = [], []
    real_from_file = render.PackageReader.from_file
    monkeypatch.setattr(render.PackageReader, "from_file",
                        staticmethod(lambda f: reads.append(1) or real_from_file(f)))
    r = Renderer(TEMPLATES)
    real_from_string = r.env.from_string
    monkeypatch.setattr(r.env, "from_string", lambda src, *a, **k: compiles.append(src) or real_from_string(src, *a, **k))
    counts = []
    for d in decrees.values():
        for name in TEMPLATE_NAMES:
            r.render(d, name)
        counts.append(len(compiles))
    parts = {name: set(r._loaded[name].compiled) for name in TEMPLATE_NAMES}
    assert all("body" in keys for keys in parts.values())
    # body + headers/footers of both templates, compiled while rendering the first office only
    assert counts == [sum(map(len, parts.values()))] * len(decrees)
    assert len(reads) == len(TEMPLATE_NAMES)


def test_same_bytes_as_rendering_from_a_freshly_opened_template(decrees, monkeypatch):
    fast = Renderer(TEMPLATES)
    fast_out = {(oid, n): fast.render(d, n) for oid, d in decrees.items() for n in TEMPLATE_NAMES}

    # The plain path: open the whole template with python-docx for every document,
    # and write the zip with zipfile.
    monkeypatch.setattr(render._TemplatePackage, "document",
                        lambda self: Document(io.BytesIO(self._blob_for_test)))
    real_init = render._TemplatePackage.__init__

    def init(self, blob):
        real_init(self, blob)
        self._blob_for_test = blob
    monkeypatch.setattr(render._TemplatePackage, "__init__", init)
    monkeypatch.setattr(render, "package_bytes", lambda package, cache=None: _zipfile_bytes(package))
    plain = Renderer(TEMPLATES)
    for (oid, n), data in fast_out.items():
        assert plain.render(decrees[oid], n) == data, f"{oid}/{n}"


def test_package_bytes_matches_zipfile_with_and_without_cache():
    for name in TEMPLATE_NAMES:
        package = Document(str(TEMPLATES / f"{name}.docx")).part.package
        expected = _zipfile_bytes(package)
        assert package_bytes(package) == expected
        cache = render._EntryCache(p.blob for p in package.iter_parts())
        assert package_bytes(package, cache) == expected
        assert zipfile.ZipFile(io.BytesIO(expected)).testzip() is None


def test_no_state_leaks_between_documents(decrees):
    a, b = Renderer(TEMPLATES), Renderer(TEMPLATES)
    ids = list(decrees)
    first = {(oid, n): a.render(decrees[oid], n) for oid in ids for n in TEMPLATE_NAMES}
    again = {(oid, n): b.render(decrees[oid], n) for oid in reversed(ids) for n in TEMPLATE_NAMES}
    assert first == again
    assert {k: a.render(decrees[k[0]], k[1]) for k in first} == first
    for (oid, n), data in first.items():
        names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        media = [x for x in names if x.startswith("word/media/")]
        assert len(media) == (1 if n == "lampiran" else 0), (oid, n, media)
        assert len(names) == len(set(names))


def _digests(oids: tuple[str, ...]) -> dict[str, str]:
    ds = load_dataset(DATA)
    r = Renderer(TEMPLATES)
    return {f"{oid}/{n}": hashlib.sha256(r.render(resolve(ds, ds.latest_year, oid), n)).hexdigest()
            for oid in oids for n in TEMPLATE_NAMES}


def test_same_bytes_in_a_fresh_process(decrees):
    here = {f"{oid}/{n}": hashlib.sha256(Renderer(TEMPLATES).render(d, n)).hexdigest()
            for oid, d in decrees.items() for n in TEMPLATE_NAMES}
    # spawn: a new interpreter with nothing cached, as on Windows and macOS
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        there = pool.submit(_digests, OFFICES).result()
    assert there == here


W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _table(grid: int, rows: list[list[int]]) -> str:
    """A body with one table: `grid` gridCols, each row a list of cell spans."""
    def cell(span):
        pr = f'<w:tcPr><w:gridSpan w:val="{span}"/></w:tcPr>' if span > 1 else ""
        return f"<w:tc>{pr}<w:p/></w:tc>"
    cols = '<w:gridCol w:w="1000"/>' * grid
    body = "".join("<w:tr>" + "".join(cell(s) for s in row) + "</w:tr>" for row in rows)
    return f'<w:body xmlns:w="{W_NS}"><w:tbl><w:tblGrid>{cols}</w:tblGrid>{body}</w:tbl></w:body>'


@pytest.mark.parametrize("grid,rows", [
    (3, [[1, 1, 1], [1, 1, 1]]),      # consistent
    (3, [[2, 1], [1, 1, 1]]),         # a span
    (2, [[1, 1, 1]]),                 # a {%tc for %} made more cells than columns
    (3, [[1, 1], [1, 1]]),            # fewer cells than columns
    (3, [[1, 1, 1, 1], [3]]),
    (4, [[2, 1]]),
])
def test_table_check_agrees_with_docxtpl(grid, rows):
    from docxtpl import DocxTemplate
    from lxml import etree

    xml = _table(grid, rows)
    untouched = etree.tostring(etree.fromstring(xml))
    changed = etree.tostring(DocxTemplate.fix_tables(None, xml)) != untouched
    tbl = etree.fromstring(xml)[0]
    assert render._grid_mismatch(tbl) == changed


def test_a_tag_error_shows_when_the_template_is_loaded(tmp_path):
    # build probes the templates with _template() before starting its workers
    from zi_docgen.errors import TemplateProblem

    src = zipfile.ZipFile(TEMPLATES / "keputusan.docx")
    with zipfile.ZipFile(tmp_path / "keputusan.docx", "w") as dst:
        for info in src.infolist():
            data = src.read(info)
            if info.filename == "word/document.xml":
                broken = data.replace(b"{{ number_line }}", b"{{ number_line }", 1)
                assert broken != data
                data = broken
            dst.writestr(info, data)
    with pytest.raises(TemplateProblem, match="template error in body"):
        Renderer(tmp_path)._template("keputusan")
