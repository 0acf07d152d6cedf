"""`zi-docgen new-year`: the next year from this year's data, with what must be decided anew as placeholders."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from docx import Document

from conftest import TEMPLATES
from zi_docgen.workflows import newyear as newyear
from zi_docgen.errors import DataError
from zi_docgen.load.dataset import load_dataset
from zi_docgen.resolve.decree import resolve


def _entries(data: Path) -> list[str]:
    return sorted(p.name for p in data.iterdir())


def test_new_year_copies_decree_as_is_and_renews_office_values(data_copy):
    lines = newyear.new_year(data_copy, 2026, 2027)
    old, new = data_copy / "2026", data_copy / "2027"
    assert (new / "decree.yaml").read_bytes() == (old / "decree.yaml").read_bytes()
    assert not (new / "ERRATA.md").exists()
    assert sorted(p.name for p in (new / "offices").iterdir()) == ["kab-sambas.yaml", "prov-kalbar.yaml"]

    kalbar = (new / "offices" / "prov-kalbar.yaml").read_text()
    assert "number: {placeholder: Nomor Keputusan}" in kalbar
    assert "date: {placeholder: Tanggal penetapan}" in kalbar
    assert "  number: {placeholder: Nomor Keputusan Tim Pembangunan ZI}" in kalbar
    assert "2026-01-05" not in kalbar and "\nnumber: 5" not in kalbar
    # The header comment is kept as written, 2026 and all: it is listed for review, not rewritten.
    assert kalbar.startswith("# KPU Provinsi Kalimantan Barat, 2026:")

    sambas_old = (old / "offices" / "kab-sambas.yaml").read_text()
    sambas = (new / "offices" / "kab-sambas.yaml").read_text()
    patch = sambas_old[sambas_old.index("patch:"):]
    assert sambas.endswith(patch)  # the office's own changes, comments included, byte for byte
    assert "# Change one paragraph of the shared text" in sambas
    assert "number: {placeholder: Nomor Keputusan}" in sambas
    assert not [p for p in data_copy.iterdir() if p.name.startswith(".")]  # no temporary folder left
    assert lines and lines[0].startswith("Created ")


def test_new_year_loads_with_placeholders_and_keeps_citations(data_copy):
    newyear.new_year(data_copy, 2026, 2027)
    ds = load_dataset(data_copy)
    assert ds.years == [2026, 2027]
    d26, d27 = resolve(ds, 2026, "prov-kalbar"), resolve(ds, 2027, "prov-kalbar")
    texts = {p.text for p in d27.placeholders}
    assert {"Nomor Keputusan", "Tanggal penetapan",
            "Nomor Keputusan Tim Pembangunan ZI",
            "Tanggal Keputusan Tim Pembangunan ZI"} <= texts
    assert d27.is_draft and not d26.is_draft
    assert "Tahun 2027" in d27.title
    # Citations of other regulations are not years of the decree: unchanged ("Tahun 2017" stays).
    assert [m.text for m in d27.mengingat] == [m.text for m in d26.mengingat]
    assert any("Nomor 7 Tahun 2017" in m.text for m in d27.mengingat)
    # Sambas keeps its own action.
    sambas = resolve(ds, 2027, "kab-sambas")
    actions = next(n for n in sambas.walk() if n.role == "area-actions" and n.parent_path.endswith("/manajemen-perubahan"))
    assert "sambas-apel-integritas" in [i.id for i in actions.children]


def test_checklist_names_files_lines_and_what_to_fill_in(data_copy):
    (data_copy / "2026" / "decree.yaml").write_text(
        (data_copy / "2026" / "decree.yaml").read_text() + "# reviewed for 2026 by Bagian Hukum\n")
    lines = newyear.new_year(data_copy, 2026, 2027)
    text = "\n".join(lines)
    kalbar = (data_copy / "2027" / "offices" / "prov-kalbar.yaml").read_text().splitlines()
    n_number = next(i for i, l in enumerate(kalbar, 1) if l.startswith("number:"))
    n_date = next(i for i, l in enumerate(kalbar, 1) if l.startswith("date:"))
    n_team = next(i for i, l in enumerate(kalbar, 1) if l.startswith("team_decree:"))
    assert f"prov-kalbar.yaml:{n_number}: number: the Nomor Keputusan 2027" in text
    assert f"prov-kalbar.yaml:{n_date}: date: the tanggal penetapan" in text
    assert f"prov-kalbar.yaml:{n_team}: team_decree: number and date of the Keputusan Tim Pembangunan ZI 2027" in text
    assert "kab-sambas.yaml" in text and "patch: KPU Kabupaten Sambas's own changes were kept" in text
    assert "13 satker have no file yet" in text and "kab-bengkayang" in text
    assert "mengingat and dasar_hukum" in text and "targets:" in text
    # Literals of the old year are listed with file:line, and left alone.
    n_decree = len((data_copy / "2027" / "decree.yaml").read_text().splitlines())
    assert f"2027/decree.yaml:{n_decree}: mentions 2026 (a comment" in text
    assert "prov-kalbar.yaml:1: mentions 2026 (a comment" in text
    assert "# reviewed for 2026 by Bagian Hukum" in (data_copy / "2027" / "decree.yaml").read_text()
    assert "Not copied (they belong to 2026): ERRATA.md" in text
    assert all("[ ]" in l for l in lines[1:] if l.startswith("  "))


def test_refuses_an_existing_year_and_changes_nothing(data_copy, capsys):
    from zi_docgen.cli import main

    newyear.new_year(data_copy, 2026, 2027)
    before = (data_copy / "2027" / "offices" / "prov-kalbar.yaml").read_text()
    with pytest.raises(DataError, match="year 2027 already exists"):
        newyear.new_year(data_copy, 2026, 2027)
    with pytest.raises(SystemExit) as exc:
        main(["new-year", "2026", "2027", "--data", str(data_copy)])
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "already exists" in err and err.count("\n") == 1
    assert (data_copy / "2027" / "offices" / "prov-kalbar.yaml").read_text() == before


@pytest.mark.parametrize("old,new,message", [
    (2025, 2026, "unknown year 2025"),
    (2026, 2026, "must come after 2026"),
    (2026, 2025, "must come after 2026"),
    (2026, 20270, "not a sensible decree year"),
    (2026, 207, "not a sensible decree year"),
])
def test_validates_years(data_copy, old, new, message):
    before = _entries(data_copy)
    with pytest.raises(DataError, match=message):
        newyear.new_year(data_copy, old, new)
    assert _entries(data_copy) == before


def test_a_failure_leaves_nothing_half_made(data_copy, monkeypatch):
    before = _entries(data_copy)

    def broken_rename(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(newyear.os, "rename", broken_rename)
    with pytest.raises(DataError, match="nothing was written"):
        newyear.new_year(data_copy, 2026, 2027)
    assert _entries(data_copy) == before


def test_a_broken_old_year_is_reported_at_its_own_file(data_copy):
    f = data_copy / "2026" / "decree.yaml"
    f.write_text(f.read_text().replace("  - pkpu-8-2019\n", "  - pkpu-8-2091\n", 1))
    with pytest.raises(DataError) as exc:
        newyear.new_year(data_copy, 2026, 2027)
    assert "2026/decree.yaml" in str(exc.value) and "pkpu-8-2091" in str(exc.value)
    assert not (data_copy / "2027").exists()


def test_renew_office_file_keeps_everything_else():
    text = ("# header\n"
            "number: 7  # as signed\n"
            "# the team\n"
            "team_decree:\n"
            "  number: 3\n"
            "  date: 2026-02-01\n"
            "# own changes follow\n"
            "patch:\n"
            "  remove: [x]\n"
            "date: 2026-02-02\n")
    out = newyear.renew_office_file(text, 2027, Path("x.yaml"))
    assert "2026" not in out and "as signed" not in out
    assert out.startswith("# header\n")
    # Comments that describe the next key stay with it.
    assert "# own changes follow\npatch:\n  remove: [x]\n" in out
    assert out.count("number: {placeholder") == 2 and out.count("date: {placeholder") == 2
    import yaml
    assert set(yaml.safe_load(out)) == {"number", "date", "team_decree", "patch"}


def test_the_new_year_builds_and_every_document_is_a_draft(data_copy, tmp_path):
    from zi_docgen.workflows.build import build

    newyear.new_year(data_copy, 2026, 2027)
    out = tmp_path / "out"
    result = build(data_copy, out, TEMPLATES, year=2027, satkers=["prov-kalbar", "kab-sambas"], jobs=1)
    assert result.year == 2027 and len(result.entries) == 10  # original and copy of both documents and the JDIH record, two offices
    manifest = json.loads((out / "2027" / "manifest.json").read_text())
    assert {d["status"] for d in manifest["documents"]} == {"draft"}
    kep = Document(out / "2027" / "prov-kalbar" / "keputusan.docx")
    body = "\n".join(p.text for p in kep.paragraphs)
    assert "Nomor Keputusan" in body and "TAHUN 2027" in body
    header = "".join(p.text for s in kep.sections for p in s.header.paragraphs)
    assert "DRAFT" in header
