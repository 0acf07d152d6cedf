from hypothesis import given, strategies as st

from zi_docgen.resolve.markup import escape, parse, to_plain, to_runs


def test_italics_and_escapes():
    segs = parse("Melakukan *public campaign* tentang")
    assert [(s.text, s.italic) for s in segs] == [("Melakukan ", False), ("public campaign", True), (" tentang", False)]
    assert to_plain(r"a \* b") == "a * b"
    assert to_plain("an unpaired * star") == "an unpaired * star"


def test_runs_escape_xml():
    xml = to_runs("A & B <c> *d*", "ZIAsing").xml
    assert "A &amp; B &lt;c&gt; " in xml
    assert '<w:rStyle w:val="ZIAsing"/>' in xml


@given(st.text())
def test_escape_round_trips_any_text(text):
    assert to_plain(escape(text)) == text
    assert all(not s.italic for s in parse(escape(text)))
