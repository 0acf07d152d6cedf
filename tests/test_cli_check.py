"""`check` through the installed script: the project lexicon and placeholder findings a person can act on."""
from __future__ import annotations

import re
import shutil

import yaml

from test_cli import ROOT_DIR, run


def workspace(tmp_path):
    shutil.copytree(ROOT_DIR / "data", tmp_path / "data")
    return tmp_path


def plant_word(ws, word: str) -> None:
    path = ws / "data" / "common" / "keputusan.yaml"
    text = path.read_text(encoding="utf-8")
    marker = "      text: >-\n"
    i = text.index(marker) + len(marker)
    line_end = text.index("\n", i)
    path.write_text(text[:line_end] + f" {word}" + text[line_end:], encoding="utf-8")


def test_a_rejected_word_says_how_to_accept_it_and_the_lexicon_accepts_it(tmp_path):
    ws = workspace(tmp_path)
    plant_word(ws, "kepemiluan")
    r = run(["check", "--satker", "prov-kalbar"], ws)
    assert r.returncode == 1, r
    lines = [ln for ln in r.stdout.splitlines() if "kepemiluan" in ln]
    assert len(lines) == 1, r.stdout
    assert re.match(r"^data/common/keputusan\.yaml:\d+:\d+: galat spelling: kata 'kepemiluan' tidak dikenal", lines[0])
    assert "tambahkan ke data/lexicon.txt" in lines[0]
    with (ws / "data" / "lexicon.txt").open("a", encoding="utf-8") as f:
        f.write("kepemiluan  # dipakai di Menimbang\n")
    r = run(["check", "--satker", "prov-kalbar"], ws)
    assert r.returncode == 0, r.stdout
    assert "kepemiluan" not in r.stdout


def test_two_words_on_a_lexicon_line_is_a_clean_error(tmp_path):
    ws = workspace(tmp_path)
    (ws / "data" / "lexicon.txt").write_text("kepemiluan\nsatu dua\n", encoding="utf-8")
    r = run(["check"], ws)
    assert r.returncode == 2
    assert "Traceback" not in r.stderr
    # check lists mistakes in the data with its findings (stdout); other commands print them as errors
    shown = r.stdout + r.stderr
    assert "data/lexicon.txt:2" in shown and "satu kata per baris" in shown


def test_placeholders_point_where_to_write_and_give_the_yaml(tmp_path):
    ws = workspace(tmp_path)
    assert not (ws / "data" / "2026" / "offices" / "kab-bengkayang.yaml").exists()
    r = run(["check", "--satker", "kab-bengkayang"], ws)
    assert r.returncode == 0, r
    out = r.stdout
    assert "placeholder placeholder" not in out and "isian isian" not in out
    lines = out.splitlines()
    mine = [ln.strip() for ln in lines if ln.strip().startswith("data/2026/offices/kab-bengkayang.yaml:")]
    # number, date, team decree (2), the officials of the year (3) and the JDIH record (4)
    assert len(mine) == 11
    assert len([ln for ln in mine if "jdihn.json" in ln]) == 4
    assert all("berkas ini belum ada" in ln for ln in mine)
    assert any("[Nama Ketua KPU Kabupaten Bengkayang] belum diisi" in ln for ln in mine)
    start = lines.index("  Buat data/2026/offices/kab-bengkayang.yaml berisi:")
    block = []
    for ln in lines[start + 1:]:
        if not ln.startswith("      "):
            break
        block.append(ln[6:])
    # The printed YAML is what the file needs: write it with values and the placeholders are gone.
    parsed = yaml.safe_load("\n".join(block))
    assert set(parsed) == {"number", "date", "team_decree", "ketua", "salinan", "jdih"}
    assert set(parsed["jdih"]) == {"abstrak", "bidang_hukum", "subjek", "sumber"}
    assert set(parsed["team_decree"]) == {"number", "date"} and set(parsed["salinan"]) == {"jabatan", "name"}
    filled = "\n".join(block).replace("number:", "number: 7", 1).replace("date:", "date: 2026-01-09", 1)
    filled = filled.replace("  number:", "  number: 3").replace("  date:", "  date: 2026-01-08")
    filled = filled.replace("  name:", "  name: Budi Santoso").replace("  jabatan:", "  jabatan: Kepala Subbagian")
    for key, value in (("abstrak", "Rencana kerja Zona Integritas."), ("bidang_hukum", "Hukum Tata Negara"),
                       ("subjek", "ZONA INTEGRITAS"), ("sumber", "Sekretariat KPU Kabupaten Bengkayang")):
        filled = filled.replace(f"  {key}:", f"  {key}: {value}")
    (ws / "data" / "2026" / "offices" / "kab-bengkayang.yaml").write_text(filled + "\n", encoding="utf-8")
    r = run(["check", "--satker", "kab-bengkayang"], ws)
    assert "kab-bengkayang.yaml" not in r.stdout, r.stdout
    assert "0 isian belum diisi" in r.stdout


def test_many_placeholders_become_one_line_per_satker(tmp_path):
    ws = workspace(tmp_path)
    r = run(["check"], ws)
    assert r.returncode == 0, r
    summary = [ln for ln in r.stdout.splitlines() if "isian belum diisi;" in ln or ln.endswith("isian belum diisi")]
    offices = yaml.safe_load((ws / "data" / "offices.yaml").read_text(encoding="utf-8"))
    assert len(summary) >= 10
    assert any(ln.strip().startswith("kab-bengkayang (") and "buat data/2026/offices/kab-bengkayang.yaml" in ln
               for ln in summary)
    assert "zi-docgen check --satker ID" in r.stdout
    assert len(r.stdout.splitlines()) < 30
    assert offices


def test_check_in_english_on_request(tmp_path):
    ws = workspace(tmp_path)
    r = run(["check", "--satker", "kab-sambas", "--lang", "en"], ws)
    assert "is not filled in yet; add 'number' to this file" in r.stdout
    assert "Add to data/2026/offices/kab-sambas.yaml:" in r.stdout


def test_diff_report_in_indonesian_and_english(tmp_path):
    ws = workspace(tmp_path)
    r = run(["new-year", "2026", "2027"], ws)
    assert r.returncode == 0, r
    assert "Traceback" not in r.stdout + r.stderr
    r = run(["diff", "2026", "2027", "--format", "html"], ws)
    assert r.returncode == 1, r
    page = r.stdout
    assert '<html lang="id">' in page and "<h2>Perubahan isi</h2>" in page
    assert "<th>lama</th><th>baru</th>" in page and "perubahan isi" in page
    r = run(["diff", "2026", "2027"], ws)
    assert r.stdout.splitlines()[1].startswith("Ringkasan: ")
    r = run(["diff", "2026", "2027", "--format", "html", "--lang", "en"], ws)
    assert '<html lang="en">' in r.stdout and "<h2>Changes of content</h2>" in r.stdout
    assert "<th>old</th><th>new</th>" in r.stdout
