"""Data text is text: whatever legal staff type comes out of the DOCX exactly as typed."""
from __future__ import annotations

import io
import shutil
import zipfile

import yaml
from docx import Document
from hypothesis import HealthCheck, assume, given, settings, strategies as st
from lxml import etree

from conftest import DATA, TEMPLATES
from zi_docgen.load.dataset import load_dataset
from zi_docgen.resolve.markup import escape
from zi_docgen.render.renderer import Renderer
from zi_docgen.resolve.decree import resolve
from zi_docgen.resolve.textvars import VAR_RE

MARK = "bahwa untuk mewujudkan pelaksanaan"


def _render_with_first_menimbang(data_dir, text: str) -> bytes:
    path = data_dir / "common" / "keputusan.yaml"
    src = path.read_text(encoding="utf-8")
    start = src.index("      text: >-\n        bahwa untuk mewujudkan")
    end = src.index("    - id: penetapan")
    path.write_text(src[:start] + "      text: " + yaml.safe_dump(text, default_style='"', width=10**6).strip()
                    + "\n" + src[end:], encoding="utf-8")
    ds = load_dataset(data_dir)
    return _RENDERER.render(resolve(ds, 2026, "prov-kalbar"), "keputusan")


_RENDERER = Renderer(TEMPLATES)


def _menimbang_a(blob: bytes) -> str:
    doc = Document(io.BytesIO(blob))
    p = next(p for p in doc.paragraphs if p.text.startswith("Menimbang"))
    return p.text.split("\t", 3)[3]


def _well_formed(blob: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(blob)) as z:
        for name in z.namelist():
            if name.endswith((".xml", ".rels")):
                etree.fromstring(z.read(name))  # raises on malformed XML


def test_template_syntax_and_xml_characters_print_literally(tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA, data)
    text = "bahwa {{ }} dan {% if x %} & <b>tebal</b> \"kutip\" 'x' {# c #} }} {{1+1}} tetap teks;"
    blob = _render_with_first_menimbang(data, text)
    _well_formed(blob)
    assert _menimbang_a(blob) == text


# XML 1.0 characters; the loader rejects the C0 controls (tested in test_errors).
xml_text = st.text(alphabet=st.characters(blacklist_categories=("Cs",),
                                          blacklist_characters="".join(map(chr, range(0, 32))) + "\ufffe\uffff"),
                   min_size=1, max_size=80)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=xml_text)
def test_any_text_round_trips_through_the_whole_pipeline(tmp_path_factory, text):
    assume(not VAR_RE.search(text))  # {{ name }} is the one variable syntax
    data = tmp_path_factory.mktemp("d") / "data"
    shutil.copytree(DATA, data)
    blob = _render_with_first_menimbang(data, escape(text))
    _well_formed(blob)
    assert _menimbang_a(blob) == text
