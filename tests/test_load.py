"""The load layer on small hand-made inputs: positions, bounds, every mistake at once, patches, variables."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

import tiny_data
from zi_docgen.errors import DataError, DataErrors, Src, ZiError
from zi_docgen.load import yamlsrc
from zi_docgen.load.dataset import apply_patch, load_dataset
from zi_docgen.load.yamlsrc import LocDict, LocList, load_yaml, parse_yaml
from zi_docgen.resolve.decree import resolve
from zi_docgen.resolve.textvars import DOCUMENTED, expand


def errors_of(fn, *args) -> list[ZiError]:
    with pytest.raises(DataError) as info:
        fn(*args)
    exc = info.value
    return exc.errors if isinstance(exc, DataErrors) else [exc]


def one_error(fn, *args) -> ZiError:
    errs = errors_of(fn, *args)
    assert len(errs) == 1, [str(e) for e in errs]
    return errs[0]


def pos(text: str, needle: str, nth: int = 0) -> tuple[int, int]:
    """1-based line and column of the nth occurrence of needle in text."""
    i = -1
    for _ in range(nth + 1):
        i = text.index(needle, i + 1)
    line = text.count("\n", 0, i) + 1
    return line, i - (text.rfind("\n", 0, i) + 1) + 1


# ---------------------------------------------------------------- positions

FOLDED = """\
items:
  - id: satu
    text: >-
      Pembangunan Zona Integritas
      dilaksanakan oleh seluruh
      jajaran {{ office.short_name }} secara konsisten.
"""


def test_word_in_folded_scalar_maps_to_its_line_and_column():
    doc = parse_yaml(FOLDED, "f.yaml")
    item = doc["items"][0]
    src, text = item.key_src["text"], item["text"]
    assert text.startswith("Pembangunan Zona Integritas dilaksanakan")
    k = text.index("seluruh")
    assert (src.at(text, k).line, src.at(text, k).col) == pos(FOLDED, "seluruh")
    # the same word after the variables were expanded and the text upper-cased
    resolved = text.replace("{{ office.short_name }}", "KPU Kabupaten Sambas").upper()
    k = resolved.index("KONSISTEN")
    assert (src.at(resolved, k).line, src.at(resolved, k).col) == pos(FOLDED, "konsisten")
    # a character of the expanded value points at the variable
    k = resolved.index("SAMBAS")
    assert (src.at(resolved, k).line, src.at(resolved, k).col) == pos(FOLDED, "{{ office.short_name }}")


def test_positions_in_quoted_and_plain_scalars():
    text = 'a: "satu dua\n  tiga"\nb: empat lima\nc: \'x\'\'y kata\'\n'
    doc = parse_yaml(text, "q.yaml")
    for key, word in (("a", "tiga"), ("b", "lima"), ("c", "kata")):
        value, src = doc[key], doc.key_src[key]
        got = src.at(value, value.index(word))
        assert (got.line, got.col) == pos(text, word), key


def test_key_positions_and_value_positions():
    text = "top:\n  nested: 1\nother: 2\n"
    doc = parse_yaml(text, "k.yaml")
    assert (doc.key_pos["top"].line, doc.key_pos["top"].col) == (1, 1)
    assert doc.key_src["top"].line == 2          # the mapping value starts on the next line
    assert (doc.key_pos["other"].line, doc.key_src["other"].col) == (3, 8)


words = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(st.lists(words, min_size=1, max_size=40), st.integers(min_value=1, max_value=8), st.data())
def test_every_word_of_a_folded_paragraph_maps_to_where_it_was_typed(ws, per_line, data):
    lines = [" ".join(ws[i:i + per_line]) for i in range(0, len(ws), per_line)]
    text = "t: >-\n" + "".join(f"  {ln}\n" for ln in lines)
    doc = parse_yaml(text, "h.yaml")
    value, src = doc["t"], doc.key_src["t"]
    assert value == " ".join(ws)
    i = data.draw(st.integers(min_value=0, max_value=len(ws) - 1))
    k = sum(len(w) + 1 for w in ws[:i])
    got = src.at(value, k)
    line_no, in_line = divmod(i, per_line)
    col = 3 + sum(len(w) + 1 for w in ws[line_no * per_line:line_no * per_line + in_line])
    assert (got.line, got.col) == (2 + line_no, col)


# ---------------------------------------------------------------- bounds and clean errors

def test_alias_bomb_is_refused_at_the_alias():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(9))
    errs = errors_of(parse_yaml, bomb, "bomb.yaml")
    assert errs and all("alias" in e.message for e in errs)
    assert errs[0].src.line == 2


def test_any_alias_is_refused():
    e = one_error(parse_yaml, "a: &x satu\nb: *x\n", "al.yaml")
    assert "alias" in e.message and (e.src.line, e.src.col) == (2, 4)


def test_file_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(yamlsrc, "MAX_FILE_BYTES", 100)
    p = tmp_path / "big.yaml"
    p.write_text("a: " + "kata " * 30 + "\n", encoding="utf-8")
    assert "too large" in one_error(load_yaml, p).message
    p.write_text("a: kata\n", encoding="utf-8")
    assert load_yaml(p) == {"a": "kata"}


def test_text_value_and_word_limits():
    long_text = "a: " + " ".join(["kata"] * (yamlsrc.MAX_TEXT_CHARS // 5 + 1)) + "\n"
    assert "too long" in one_error(parse_yaml, long_text, "t.yaml").message
    word = "x" * (yamlsrc.MAX_WORD_CHARS + 1)
    e = one_error(parse_yaml, f"a: satu\nb: dua {word} tiga\n", "w.yaml")
    assert "word" in e.message and (e.src.line, e.src.col) == (2, 8)
    assert parse_yaml(f"b: {'x' * yamlsrc.MAX_WORD_CHARS}\n", "ok.yaml")


def test_nesting_limit():
    deep = "a: " + "[" * (yamlsrc.MAX_DEPTH + 5) + "]" * (yamlsrc.MAX_DEPTH + 5) + "\nb: 1\n"
    assert "nested too deeply" in one_error(parse_yaml, deep, "d.yaml").message


@pytest.mark.parametrize("value,char", [('"ab\\x07c"', "U+0007"), ('"ab\\x1bc"', "U+001B")])
def test_control_characters_are_an_error_not_dropped(value, char):
    e = one_error(parse_yaml, f"x: 1\nteks: {value}\n", "c.yaml")
    assert char in e.message and e.src.line == 2


def test_binary_values_are_refused():
    e = one_error(parse_yaml, "x: 1\nteks: !!binary YWIHYw==\n", "b.yaml")
    assert "!!binary" in e.message and e.src.line == 2


def test_non_utf8_byte_gives_line_and_column(tmp_path):
    p = tmp_path / "latin1.yaml"
    p.write_bytes("a: satu\nb: café\n".encode("latin-1"))
    e = one_error(load_yaml, p)
    assert "UTF-8" in e.message and (e.src.line, e.src.col) == (2, 7)


def test_duplicate_key_names_the_line_of_the_first():
    text = "a: 1\nblok:\n  x: 1\nb: 2\nblok:\n  y: 2\n"
    e = one_error(parse_yaml, text, "dup.yaml")
    assert "first at line 2" in e.message and e.src.line == 5


def test_impossible_date_is_a_clean_error_at_its_line():
    e = one_error(parse_yaml, "number: 1\ndate: 2027-02-30\n", "o.yaml")
    assert "2027-02-30" in e.message and (e.src.line, e.src.col) == (2, 7)


def test_every_mistake_of_a_file_at_once_sorted():
    text = "a: &x 1\nb: *x\nc: 2027-02-30\nc: 3\nd: !!python/name:os.system ''\n"
    errs = errors_of(parse_yaml, text, "many.yaml")
    assert [e.src.line for e in errs] == [2, 3, 4, 5]


def test_data_errors_print_a_count_and_cap_at_50():
    many = DataErrors([DataError(f"mistake {i}", Src("f.yaml", i + 1)) for i in range(60)])
    lines = many.lines()
    assert len(lines) == 52 and "10" in lines[50] and "60" in lines[51]
    assert lines[0].startswith("f.yaml:1:")


# ---------------------------------------------------------------- the data set: every mistake in one run

def write_tiny(tmp_path: Path) -> Path:
    return tiny_data.write(tmp_path)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_tiny_data_loads_and_resolves(tmp_path):
    data = write_tiny(tmp_path)
    ds = load_dataset(data)
    assert ds.errors == [] and resolve(ds, 2026, "prov-x").title


def test_three_mistakes_in_three_files_in_one_run(tmp_path):
    data = write_tiny(tmp_path)
    edit(data / "2026" / "decree.yaml", "months: {jan: 10, feb: 20}", "months: {jan: 10, des: 120}")
    edit(data / "2026" / "decree.yaml", "  - uu-7-2017\ndasar", "  - uu-7-2071\ndasar")
    edit(data / "common" / "keputusan.yaml", "  menimbang:", "  menimbng:")
    edit(data / "2026" / "offices" / "prov-x.yaml", "2026-01-05", "2026-02-30")
    errs = errors_of(load_dataset, data)
    text = "\n".join(str(e) for e in errs)
    assert 'target for Desember, row "Tim Kerja" (Manajemen Perubahan), must be 0–100 %, got 120' in text
    assert "unknown regulation 'uu-7-2071'" in text and "did you mean 'uu-7-2017'" in text
    assert "unknown key 'menimbng'" in text
    assert "2026-02-30" in text
    assert "months" not in text.replace("months are", "")  # never a pydantic path
    keys = [(e.src.file, e.src.line, e.src.col) for e in errs]
    assert keys == sorted(keys)


def test_tolerant_load_keeps_what_is_valid(tmp_path):
    data = write_tiny(tmp_path)
    edit(data / "2026" / "decree.yaml", "  - uu-7-2017\ndasar", "  - uu-7-2071\ndasar")
    ds = load_dataset(data, tolerant=True)
    assert len(ds.errors) == 1
    assert resolve(ds, 2026, "prov-x").title  # the unknown id was dropped


@pytest.mark.parametrize("value", ["true", "false", "yes", "'50'", "50.5"])
def test_a_target_is_a_number_not_a_boolean(tmp_path, value):
    data = write_tiny(tmp_path)
    edit(data / "2026" / "decree.yaml", "feb: 20", f"feb: {value}")
    e = one_error(load_dataset, data)
    assert "must be 0–100 %" in e.message and e.src.line == pos(tiny_data.DECREE, "feb: 20")[0]


def test_no_regulation_amends_itself(tmp_path):
    data = write_tiny(tmp_path)
    edit(data / "regulations.yaml", "    title: Pemilihan Umum\n", "    title: Pemilihan Umum\n    amended_by: [uu-7-2017]\n")
    e = one_error(load_dataset, data)
    assert "amended by itself" in e.message and e.src.file.endswith("regulations.yaml")


def test_no_regulations_amend_each_other_in_a_cycle(tmp_path):
    data = write_tiny(tmp_path)
    edit(data / "regulations.yaml", "    title: Pemilihan Umum\n", "    title: Pemilihan Umum\n    amended_by: [pkpu-8-2019]\n")
    edit(data / "regulations.yaml", "    title: Tata Kerja Komisi Pemilihan Umum\n",
         "    title: Tata Kerja Komisi Pemilihan Umum\n    amended_by: [uu-7-2017]\n")
    e = one_error(load_dataset, data)
    assert "cycle" in e.message and "uu-7-2017" in e.message and "pkpu-8-2019" in e.message


def test_unknown_year_is_one_check(tmp_path):
    ds = load_dataset(write_tiny(tmp_path))
    assert ds.require_year(None) == 2026 and ds.require_year(2026) == 2026
    for bad in (0, 2025):
        with pytest.raises(DataError, match=f"unknown year {bad}"):
            ds.require_year(bad)


# ---------------------------------------------------------------- patches on hand-made data

BASE = """\
blocks:
  - id: a
    text: satu
  - id: b
    text: dua
    items:
      - id: b1
        text: dua-satu
      - id: b2
        text: dua-dua
  - id: c
    text: tiga
"""


def base() -> LocDict:
    return parse_yaml(BASE, "base.yaml")


def patch(text: str) -> LocDict:
    return parse_yaml(text, "patch.yaml")


def ids(node) -> list:
    return [it["id"] for it in node]


def test_patch_replace_add_remove():
    doc = base()
    apply_patch(doc, patch("""\
replace:
  a: {text: SATU}
remove: [c, b1]
add:
  - {id: x, text: baru, after: a}
  - {id: y, text: awal, before: a}
  - {id: b0, text: sub, before: b2}
"""))
    assert ids(doc["blocks"]) == ["y", "a", "x", "b"]
    assert doc["blocks"][1]["text"] == "SATU"
    assert doc["blocks"][1].key_src["text"].file == "patch.yaml"   # the replaced value points at the patch
    assert ids(doc["blocks"][3]["items"]) == ["b0", "b2"]
    assert len(doc["blocks"].item_src) == len(doc["blocks"])


def test_remove_then_add_with_the_same_id_moves_an_item():
    doc = base()
    apply_patch(doc, patch("remove: [a]\nadd:\n  - {id: a, text: pindah, after: c}\n"))
    assert ids(doc["blocks"]) == ["b", "c", "a"]


def test_year_patch_then_office_patch():
    doc = base()
    apply_patch(doc, patch("add:\n  - {id: tahun, text: dari tahun, after: a}\n"))
    apply_patch(doc, patch("replace:\n  tahun: {text: dari satker}\nremove: [a]\n"))
    assert ids(doc["blocks"]) == ["tahun", "b", "c"]
    assert doc["blocks"][0]["text"] == "dari satker"


def test_patch_mistakes_are_all_reported_at_their_lines():
    text = """\
replace:
  zz: {text: x}
  a: {id: lain}
remove: [b3]
add:
  - {id: c, text: dobel, after: a}
  - {id: n, text: dua jangkar, after: a, before: b}
  - {text: tanpa id, after: a}
tambah: []
"""
    errs = errors_of(apply_patch, base(), patch(text))
    got = sorted((e.src.line, e.message) for e in errs)
    assert [line for line, _ in got] == [2, 3, 4, 6, 7, 8, 9]
    messages = " | ".join(m for _, m in got)
    for fragment in ("no item with id 'zz'", "cannot change an id", "no item with id 'b3'", "used twice",
                     "exactly one of after: or before:", "needs an id", "unknown key 'tambah'"):
        assert fragment in messages


def test_patches_of_every_office_are_checked_at_load(tmp_path):
    data = write_tiny(tmp_path)
    (data / "2026" / "offices" / "kab-y.yaml").write_text(
        "patch:\n  remove: [tidak-ada]\n  replace:\n    mp-tim: {teks: x}\n", encoding="utf-8")
    errs = errors_of(load_dataset, data)
    text = " | ".join(str(e) for e in errs)
    assert "kab-y.yaml:2" in text and "no item with id 'tidak-ada'" in text
    assert "unknown key 'teks'" in text and "kab-y.yaml:4" in text


# ---------------------------------------------------------------- only the documented variables

class _O:
    name, short_name, body, region, seat, province = "Komisi X", "KPU X", "Komisi", "X", "Kota", "Prov"
    src = "/secret/path"


class _D:
    title = "Judul"
    number = "5"


class _R:
    preceding = "huruf a"


class _A:
    pengungkit = "A, B"
    hasil = "H1 serta H2"


VARS = {"office": _O(), "year": 2026, "decree": _D(), "refs": _R(), "areas": _A()}


def test_documented_variables_expand():
    text = " ".join("{{ %s }}" % n for n in DOCUMENTED)
    assert expand(text, VARS, None) == "Komisi X KPU X Komisi X Kota Prov 2026 Judul huruf a A, B H1 serta H2"


@pytest.mark.parametrize("name", ["lipsum", "range", "cycler", "joiner", "namespace", "dict", "office.src",
                                  "office.model_fields", "year.bit_length", "decree", "office", "decree.number",
                                  "office.__class__", "nama"])
def test_anything_else_is_an_error_at_its_line(name):
    text = "x: 1\nteks: >-\n  awal\n  di {{ %s }} akhir\n" % name
    doc = parse_yaml(text, "v.yaml")
    with pytest.raises(DataError) as info:
        expand(doc["teks"], VARS, doc.key_src["teks"])
    assert (info.value.src.line, info.value.src.col) == (4, 6)
    assert "/secret" not in str(info.value)


identifiers = st.from_regex(r"[A-Za-z_][A-Za-z0-9_]{0,8}(\.[A-Za-z_][A-Za-z0-9_]{0,8}){0,2}", fullmatch=True)


@settings(max_examples=200, deadline=None)
@given(identifiers)
def test_no_undocumented_name_ever_expands(name):
    text = "a {{ %s }} b" % name
    if name in DOCUMENTED:
        assert "{{" not in expand(text, VARS, None)
    else:
        with pytest.raises(DataError):
            expand(text, VARS, None)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=80))
def test_text_without_variables_is_returned_as_written(text):
    if re.search(r"\{\{\s*[A-Za-z_]", text):
        return
    assert expand(text, VARS, None) == text


def test_a_value_the_loader_cannot_read_is_reported_once(tmp_path):
    """An impossible date inside a required key, or an alias in a list, is one mistake: not also
    'must be a date, got nothing' and 'missing required key' once the value is dropped."""
    data = write_tiny(tmp_path)
    office = data / "2026" / "offices" / "prov-x.yaml"
    office.write_text(office.read_text(encoding="utf-8")
                      + "team_decree:\n  number: 2\n  date: 2026-02-30\n", encoding="utf-8")
    edit(data / "2026" / "decree.yaml", "  - uu-7-2017\ndasar", "  - uu-7-2017\n  - *nowhere\ndasar")
    errs = errors_of(load_dataset, data)
    lines = {}
    for e in errs:
        lines.setdefault((e.src.file.rsplit("/", 1)[-1], e.src.line), []).append(e.message)
    dated = [k for k, msgs in lines.items() if k[0] == "prov-x.yaml"]
    assert len(dated) == 1 and len(lines[dated[0]]) == 1, lines
    assert "2026-02-30" in lines[dated[0]][0]
    assert not any("missing" in m or "nothing" in m or "empty" in m for msgs in lines.values() for m in msgs), lines
    aliased = [m for msgs in lines.values() for m in msgs if "nowhere" in m]
    assert len(aliased) == 1, lines
    assert len(errs) == 2, lines
