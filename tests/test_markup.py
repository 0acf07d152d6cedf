from hypothesis import given, strategies as st

from zi_docgen.render.renderer import ITALIC_STYLE, _runs
from zi_docgen.resolve.markup import escape, parse, to_plain


def test_italics_and_escapes():
    segs = parse("Melakukan *public campaign* tentang")
    assert [(s.text, s.italic) for s in segs] == [("Melakukan ", False), ("public campaign", True), (" tentang", False)]
    assert to_plain(r"a \* b") == "a * b"
    assert to_plain("an unpaired * star") == "an unpaired * star"


def test_italics_become_richtext_runs_escaped_for_xml():
    xml = _runs("A & B <c> *d* e", prefix="a. ").xml
    assert xml == ('<w:r><w:t xml:space="preserve">a. </w:t></w:r>'
                   '<w:r><w:t xml:space="preserve">A &amp; B &lt;c&gt; </w:t></w:r>'
                   f'<w:r><w:rPr><w:rStyle w:val="{ITALIC_STYLE}"/></w:rPr><w:t xml:space="preserve">d</w:t></w:r>'
                   '<w:r><w:t xml:space="preserve"> e</w:t></w:r>')


@given(st.text())
def test_escape_round_trips_any_text(text):
    assert to_plain(escape(text)) == text
    assert all(not s.italic for s in parse(escape(text)))
