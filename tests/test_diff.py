"""`zi-docgen diff`: two years aligned by item id, two .docx files, and Word redlines."""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from rich.console import Console

from conftest import TEMPLATES
from zi_docgen.compare import align, documents, output, report as report_model
from zi_docgen.ooxml.package import fixed_datetime, w3cdtf
from zi_docgen.workflows import diff as wf_diff
from zi_docgen.workflows import newyear
from zi_docgen.compare.align import WordOp, word_diff
from zi_docgen.errors import DataError, ZiError

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"

TIM_KERJA = """      - id: mp-tim-kerja
        label: Tim Kerja
        months: {apr: 100}
"""

YEAR_PATCH = """
patch:
  replace:
    mp-budaya-kerja:
      text: >-
        Membangun budaya kerja dan pola pikir di {{ office.short_name }} dengan menjadikan pimpinan
        sebagai *role model* dan melibatkan seluruh pegawai serta pemangku kepentingan.
  remove: [pw-lingkungan]
"""

# Filled in as it would be once signed, so that what is left is the edits and the year.
KALBAR_2027 = """number: 5
date: 2027-01-05
team_decree:
  number: 2
  date: 2027-01-05
ketua:
  name: Muhammad Syarifuddin Budi
salinan:
  jabatan: >-
    Kepala Bagian Teknis Penyelenggaraan Pemilu, Partisipasi dan Hubungan Masyarakat,
    Hukum, dan Sumber Daya Manusia
  name: Deni Trisna Dyah
patch:
  # pw-lingkungan moves from Area V to Area II (the year patch removes it, this adds it back).
  add:
    - after: pt-kip-monev
      id: pw-lingkungan
      text: Membangun lingkungan pengendalian.
"""


@pytest.fixture
def edited(data_copy) -> Path:
    """2026 → 2027, then: one legal basis added and one removed, one target cell changed,
    one action reworded, one action moved to another area, one target row reordered."""
    newyear.new_year(data_copy, 2026, 2027)
    f = data_copy / "2027" / "decree.yaml"
    t = f.read_text()
    t = t.replace("mengingat:\n  - uu-7-2017\n  - perpres-81-2010\n", "mengingat:\n  - uu-7-2017\n  - uu-28-1999\n", 1)
    t = t.replace("label: Pola Mutasi Internal\n        months: {jun: 50, des: 50}",
                  "label: Pola Mutasi Internal\n        months: {jun: 60, des: 50}", 1)
    assert TIM_KERJA in t
    t = t.replace(TIM_KERJA, "", 1).replace("  - area: penataan-tatalaksana", TIM_KERJA + "  - area: penataan-tatalaksana", 1)
    f.write_text(t + YEAR_PATCH)
    (data_copy / "2027" / "offices" / "prov-kalbar.yaml").write_text(KALBAR_2027)
    return data_copy


def _run(data: Path, old: str, new: str, fmt: str = "text", redline: Path | None = None, **kw) -> tuple[int, str]:
    buf = io.StringIO()
    code = wf_diff.run_diff(old, new, data=data, satker=kw.get("satker"), fmt=fmt, redline=redline,
                            templates=TEMPLATES, console=Console(file=buf, width=200))
    return code, buf.getvalue()


def test_year_diff_shows_exactly_the_edits(edited):
    report = wf_diff.diff_years(edited, 2026, 2027, None)
    content = {(c.section, c.kind, c.id, c.month) for c in report.changes if c.category == "content"}
    assert content == {
        ("mengingat", "added", "uu-28-1999", ""),
        ("mengingat", "removed", "perpres-81-2010", ""),
        ("targets", "cell", "sdm-pola-mutasi", "jun"),
        ("area", "changed", "mp-budaya-kerja", ""),
        ("area", "moved", "pw-lingkungan", ""),
        ("targets", "moved", "mp-tim-kerja", ""),
    }
    by_id = {(c.id, c.kind): c for c in report.changes}
    cell = by_id[("sdm-pola-mutasi", "cell")]
    assert (cell.old_text, cell.new_text, cell.row) == ("50%", "60%", "Pola Mutasi Internal")
    reworded = by_id[("mp-budaya-kerja", "changed")]
    assert reworded.group == "manajemen-perubahan"
    assert [w for w in reworded.words if w.op != "equal"] == [
        WordOp("delete", "KPU Provinsi Kalimantan Barat"), WordOp("insert", "serta pemangku kepentingan")]
    moved = by_id[("pw-lingkungan", "moved")]
    assert moved.group == "penataan-tatalaksana" and moved.moved_from == "from AREA V – Penguatan Pengawasan"
    assert (moved.old_label, moved.new_label) == ("3.", "10.")
    assert not moved.words  # moved as it was, not rewritten
    # One address format: the document tree's, with the area it now stands in.
    assert moved.address.startswith("prov-kalbar:lampiran/") and "/penataan-tatalaksana/" in moved.address
    assert moved.address.endswith("/pw-lingkungan")
    assert by_id[("mp-tim-kerja", "moved")].new_label == "4"
    # A move is never a deletion plus an insertion.
    assert not [c for c in report.changes if c.id in ("pw-lingkungan", "mp-tim-kerja") and c.kind != "moved"]

    year = {(c.section, c.id) for c in report.changes if c.category == "year"}
    assert {("keputusan", "title"), ("keputusan", "tanggal"), ("menimbang", "penetapan"),
            ("diktum", "penetapan-rencana"), ("dasar_hukum", "kpt-tim-zi"), ("targets", "targets"),
            ("area", "mp-menyusun-rencana")} <= year
    for c in report.changes:
        if c.category == "year":
            assert {(w.op, w.text) for w in c.words if w.op != "equal"} == {("delete", "2026"), ("insert", "2027")}

    renumbered = {c.id: (c.old_label, c.new_label) for c in report.changes if c.category == "renumbered"}
    assert renumbered["uu-7-2017"] == ("1.", "2.")     # UU 28/1999 now comes first
    assert renumbered["pw-risiko-penilaian"] == ("4.", "3.")
    assert renumbered["mp-dokumen-rencana"] == ("2", "1")
    assert report.counts()["total"] == len(report.changes)


def test_text_report_groups_and_plain_markers_off_a_terminal(edited):
    code, out = _run(edited, "2026", "2027")
    assert code == 1
    assert "\x1b[" not in out
    assert "Summary: 6 change(s) of content" in out
    content, _, rest = out.partition("Changed only by the year")
    assert "+ added" in content and "uu-28-1999" in content and "- removed" in content
    assert "[-KPU Provinsi Kalimantan Barat-]{+serta pemangku kepentingan+}" in content
    assert "Pola Mutasi Internal (sdm-pola-mutasi) × Jun: 50% → 60%" in content
    assert "(moved from AREA V – Penguatan Pengawasan)" in content
    assert "Tahun 2027" not in content  # the roll-forward is its own group
    assert "(title)" in rest and "Renumbered only" in rest


def test_json_form(edited):
    code, out = _run(edited, "2026", "2027", "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["mode"] == "years" and doc["office"] == "prov-kalbar" and doc["identical"] is False
    assert doc["summary"]["content"] == 6
    kinds = {(c["id"], c["kind"], c["category"]) for c in doc["changes"]}
    assert ("uu-28-1999", "added", "content") in kinds and ("title", "changed", "year") in kinds
    cell = next(c for c in doc["changes"] if c["kind"] == "cell")
    assert (cell["month"], cell["old_text"], cell["new_text"]) == ("jun", "50%", "60%")


def test_html_form_is_self_contained_and_side_by_side(edited):
    code, out = _run(edited, "2026", "2027", "html")
    assert code == 1
    assert out.lstrip().startswith("<!DOCTYPE html>") and "</html>" in out
    assert "<style>" in out and not re.search(r"<(script|link)\b|src=", out)
    assert "<del>KPU Provinsi Kalimantan Barat</del>" in out and "<ins>serta pemangku kepentingan</ins>" in out
    assert "<details><summary>Changed only by the year" in out


def test_html_escapes_text():
    evil = '<script>alert("x")</script> & co'
    report = report_model.Report("years", "2026", "2027", [
        report_model.Change("lampiran", "changed", "x", old_text="a", new_text=evil, words=word_diff("a", evil)),
        report_model.Change("lampiran", "added", "y<z>", new_label="1.", new_text=evil)])
    out = output.to_html(report)
    assert "<script>" not in out and "&lt;script&gt;" in out and "&amp; co" in out and "y&lt;z&gt;" in out


def test_identical_years_and_documents_exit_0(edited, tmp_path):
    code, out = _run(edited, "2026", "2026")
    assert code == 0 and "No differences." in out
    code, out = _run(edited, "2027", "2027", "json")
    assert code == 0 and json.loads(out)["identical"] is True
    docs = _render(edited, tmp_path)
    code, out = _run(edited, str(docs["keputusan-2026"]), str(docs["keputusan-2026"]))
    assert code == 0


def _render(data: Path, tmp_path: Path) -> dict[str, Path]:
    from zi_docgen.load.dataset import load_dataset
    from zi_docgen.render.renderer import Renderer
    from zi_docgen.resolve.decree import resolve

    ds, r = load_dataset(data), Renderer(TEMPLATES)
    out = {}
    for year in (2026, 2027):
        d = resolve(ds, year, "prov-kalbar")
        for name in ("keputusan", "lampiran"):
            p = tmp_path / f"{name}-{year}.docx"
            p.write_bytes(r.render(d, name))
            out[f"{name}-{year}"] = p
    return out


def test_document_diff(edited, tmp_path):
    docs = _render(edited, tmp_path)
    code, out = _run(edited, str(docs["lampiran-2026"]), str(docs["lampiran-2027"]), "json")
    assert code == 1
    doc = json.loads(out)
    assert doc["mode"] == "documents" and doc["office"] is None
    changes = doc["changes"]
    assert any(c["kind"] == "changed" and c["category"] == "year" for c in changes)
    reworded = [c for c in changes if "serta pemangku kepentingan" in c["new_text"]]
    assert reworded and reworded[0]["kind"] == "changed" and reworded[0]["category"] == "content"
    assert any(c["kind"] == "changed" and c["old_text"] == "50%" and c["new_text"] == "60%" for c in changes)
    code, out = _run(edited, str(docs["keputusan-2026"]), str(docs["keputusan-2027"]), "html")
    assert code == 1 and "<ins>" in out
    code, out = _run(edited, str(docs["keputusan-2026"]), str(docs["keputusan-2027"]))
    assert code == 1 and "Changed only by the year" in out


def test_moved_paragraph_in_documents_is_a_move():
    from zi_docgen.compare.docxdiff import Block, diff_blocks

    a = [Block("p0", "satu"), Block("p1", "dua dua dua"), Block("p2", "tiga"), Block("p3", "empat")]
    b = [Block("p0", "satu"), Block("p1", "tiga"), Block("p2", "empat"), Block("p3", "dua dua dua")]
    changes = documents.compare_documents(diff_blocks(a, b))
    assert [(c.kind, c.old_label, c.new_label) for c in changes] == [("moved", "p1", "p3")]


def _revisions(path: Path) -> tuple[list[str], list[str]]:
    root = etree.fromstring(zipfile.ZipFile(path).read("word/document.xml"))
    ins = ["".join(t.text or "" for t in e.iter(f"{W}t")) for e in root.iter(f"{W}ins")]
    dels = ["".join(t.text or "" for t in e.iter(f"{W}delText")) for e in root.iter(f"{W}del")]
    authors = {e.get(f"{W}author") for e in root.iter() if e.tag in (f"{W}ins", f"{W}del")}
    dates = {e.get(f"{W}date") for e in root.iter() if e.tag in (f"{W}ins", f"{W}del")}
    assert authors == {"zi-docgen"} and dates == {w3cdtf(fixed_datetime())}
    return [x for x in ins if x], [x for x in dels if x]


def test_year_redline_carries_the_edits_as_tracked_changes(edited, tmp_path):
    target = tmp_path / "red" / "perubahan.docx"
    code, out = _run(edited, "2026", "2027", redline=target)
    assert code == 1
    lampiran = tmp_path / "red" / "perubahan-lampiran.docx"
    assert target.is_file() and lampiran.is_file()
    assert "perubahan.docx" in out and "perubahan-lampiran.docx" in out
    assert sorted(p.name for p in target.parent.iterdir()) == ["perubahan-lampiran.docx", "perubahan.docx"]

    ins, dels = _revisions(target)
    assert any("Undang-Undang Nomor 28 Tahun 1999" in x for x in ins)
    assert any("Peraturan Presiden Nomor 81 Tahun 2010" in x for x in dels)
    assert "2027" in ins and "2026" in dels
    assert not any("Nomor 7 Tahun 2017" in x for x in ins + dels)  # untouched citation

    ins, dels = _revisions(lampiran)
    joined_ins, joined_dels = " | ".join(ins), " | ".join(dels)
    for word in ("serta", "pemangku", "kepentingan"):
        assert word in joined_ins
    assert "Kalimantan Barat" in joined_dels
    assert "60" in ins and "50" in dels  # the cell 50% → 60% ("%" is unchanged)
    assert any("Membangun lingkungan pengendalian." in x for x in ins)   # moved: out of Area V, into Area II
    assert any("Membangun lingkungan pengendalian." in x for x in dels)
    # Word has no tracked row move: the reordered group I shows as rows deleted and inserted
    # (which rows is the alignment's choice: Tim Kerja, or the three it moved past).
    moved_rows = {"Tim Kerja", "Dokumen Rencana Pembangunan Zona Integritas"}
    assert moved_rows & set(ins) and moved_rows & set(dels)

    # Deterministic: the same inputs give the same bytes.
    again = tmp_path / "again.docx"
    _run(edited, "2026", "2027", fmt="json", redline=again)
    assert again.read_bytes() == target.read_bytes()


def test_document_redline(edited, tmp_path):
    docs = _render(edited, tmp_path)
    target = tmp_path / "k.docx"
    code, out = _run(edited, str(docs["keputusan-2026"]), str(docs["keputusan-2027"]), "json", redline=target)
    assert code == 1
    assert json.loads(out)["redline"][0]["revisions"] > 0
    ins, dels = _revisions(target)
    assert "2027" in ins and "2026" in dels


def test_trouble_exits_2(edited, tmp_path, capsys):
    from zi_docgen.cli import main

    with pytest.raises(DataError, match="unknown year 2031"):
        _run(edited, "2026", "2031")
    with pytest.raises(ZiError, match="neither a year nor a .docx"):
        _run(edited, "2026", "next")
    with pytest.raises(ZiError, match="cannot compare"):
        _run(edited, "2026", str(tmp_path / "x.docx"))
    with pytest.raises(ZiError, match="file not found"):
        _run(edited, str(tmp_path / "a.docx"), str(tmp_path / "b.docx"))
    (tmp_path / "a.docx").write_text("not a zip")
    with pytest.raises(ZiError, match="not a .docx"):
        _run(edited, str(tmp_path / "a.docx"), str(tmp_path / "a.docx"))
    with pytest.raises(ZiError, match="must end in .docx"):
        _run(edited, "2026", "2027", redline=tmp_path / "out.pdf")
    with pytest.raises(DataError, match="unknown office"):
        _run(edited, "2026", "2027", satker="kab-samba")

    for args in (["diff", "2026", "2031"], ["diff", "2026", "x.docx"]):
        with pytest.raises(SystemExit) as exc:
            main([*args, "--data", str(edited)])
        assert exc.value.code == 2
        assert "error:" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["diff", "2026", "2027", "--data", str(edited), "--format", "json"])
    assert exc.value.code == 1
    assert json.loads(capsys.readouterr().out)["summary"]["content"] == 6


def test_other_office(edited):
    report = wf_diff.diff_years(edited, 2026, 2027, "kab-sambas")
    assert report.office == "kab-sambas"
    ids = {(c.id, c.kind) for c in report.changes if c.category == "content"}
    # The move needs prov-kalbar's own patch: for Sambas the action is simply gone.
    assert ("pw-lingkungan", "removed") in ids and ("mp-budaya-kerja", "changed") in ids
    # 2026 had no number for Sambas ("[Nomor Keputusan]"); new-year wrote the same placeholder for 2027.
    assert ("nomor", "changed") not in ids


def test_colours_on_a_terminal_instead_of_markers(edited):
    buf = io.StringIO()
    console = Console(file=buf, force_terminal=True, color_system="standard", width=200)
    code = wf_diff.run_diff("2026", "2027", data=edited, satker=None, fmt="text", redline=None,
                            templates=TEMPLATES, console=console)
    out = buf.getvalue()
    assert code == 1 and "\x1b[" in out
    assert "[-KPU" not in out and "{+serta" not in out


def test_coalesce_keeps_both_sides_and_reads_as_one_replacement():
    a, b = "pada 5 Januari 2026 di Pontianak", "pada [Tanggal penetapan] di Pontianak"
    words = align.coalesce(word_diff(a, b))
    assert "".join(w.text for w in words if w.op != "insert") == a
    assert "".join(w.text for w in words if w.op != "delete") == b
    assert [w for w in words if w.op != "equal"] == [WordOp("delete", "5 Januari 2026"),
                                                     WordOp("insert", "[Tanggal penetapan]")]
    assert align.is_year_only(word_diff("Tahun 2026", "Tahun 2027"), 2026, 2027)
    assert not align.is_year_only(word_diff("Tahun 2026", "Tahun 2028"), 2026, 2027)
    assert align.is_year_only(word_diff("Tahun 2026", "Tahun 2028"))
    assert not align.is_year_only(word_diff("Nomor 5", "Nomor 6"))
