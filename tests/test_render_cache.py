"""The render caches: work done once per process, and output identical to stock docxtpl.

renderer.py reads each template package once, shares its unchanged parts between
documents, compiles each part once and copies deflated zip entries. These tests
pin that down: parse/compile counts, byte-identity with stock docxtpl rendering a
freshly opened template (not our subclass again), no state leaking from one
document into the next, and the same bytes in another process.
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
from zi_docgen.render.renderer import TEMPLATE_NAMES, Renderer
from zi_docgen.resolve.decree import resolve

OFFICES = ("prov-kalbar", "kab-sambas", "kota-pontianak")


@pytest.fixture(scope="module")
def decrees():
    ds = load_dataset(DATA)
    return {oid: resolve(ds, ds.latest_year, oid) for oid in OFFICES}


def test_each_template_is_read_and_each_part_compiled_once(decrees, monkeypatch):
    import jinja2

    monkeypatch.setenv("ZI_DOCGEN_CACHE_DIR", "")   # no bytecode cache: every compile is seen
    reads, compiles = [], []
    real_from_file = render.PackageReader.from_file
    monkeypatch.setattr(render.PackageReader, "from_file",
                        staticmethod(lambda f: reads.append(1) or real_from_file(f)))
    real_from_string = jinja2.Environment.from_string
    monkeypatch.setattr(jinja2.Environment, "from_string",
                        lambda self, src, *a, **k: compiles.append(src) or real_from_string(self, src, *a, **k))
    r = Renderer(TEMPLATES)
    counts = []
    for d in decrees.values():
        for name in TEMPLATE_NAMES:
            r.render(d, name)
        counts.append(len(compiles))
    # body + headers/footers of both templates, each compiled once, when the template is loaded
    assert counts[0] >= 2 * len(TEMPLATE_NAMES)
    assert counts == [counts[0]] * len(decrees)
    assert len(set(compiles)) == len(compiles)
    assert len(reads) == len(TEMPLATE_NAMES)


def test_a_later_process_loads_the_compiled_templates_from_the_bytecode_cache(decrees, monkeypatch, tmp_path):
    import jinja2

    monkeypatch.setenv("ZI_DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    compiles = []
    real_compile = jinja2.Environment.compile
    monkeypatch.setattr(jinja2.Environment, "compile",
                        lambda self, *a, **k: compiles.append(1) or real_compile(self, *a, **k))
    d = decrees["prov-kalbar"]
    first = {n: Renderer(TEMPLATES).render(d, n) for n in TEMPLATE_NAMES}
    assert compiles and any((tmp_path / "cache").iterdir())
    compiles.clear()
    again = {n: Renderer(TEMPLATES).render(d, n) for n in TEMPLATE_NAMES}   # a new environment, as in a new process
    assert compiles == [] and again == first


def test_same_bytes_as_stock_docxtpl_on_a_freshly_opened_template(decrees):
    from test_render_stock import stock_render

    fast = Renderer(TEMPLATES)
    for oid, d in decrees.items():
        for n in TEMPLATE_NAMES:
            assert fast.render(d, n) == stock_render(d, n), f"{oid}/{n}"


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


def test_the_figure_is_drawn_once_and_read_back_from_the_cache(monkeypatch, tmp_path):
    from zi_docgen.render import figure

    monkeypatch.setenv("ZI_DOCGEN_CACHE_DIR", str(tmp_path / "cache"))
    names = (("Manajemen Perubahan", "Penataan Tatalaksana"), ("Pemerintah yang Bersih dan Akuntabel",))
    drawn = []
    real = figure.component_model_png
    monkeypatch.setattr(figure, "component_model_png", lambda *a: drawn.append(a) or real(*a))
    render._figure_png.cache_clear()
    first = render._figure_png(*names)
    render._figure_png.cache_clear()   # as in a new process
    assert render._figure_png(*names) == first and len(drawn) == 1
    # A damaged cache entry is drawn again, not used.
    (cached,) = (tmp_path / "cache" / "figures").iterdir()
    cached.write_bytes(b"not a png")
    render._figure_png.cache_clear()
    assert render._figure_png(*names) == first and len(drawn) == 2
    render._figure_png.cache_clear()
