"""The JDIH record written beside each office's documents."""
from __future__ import annotations

import json

from conftest import TEMPLATES

from zi_docgen.publish.jdih import FIELDS


def test_every_office_gets_a_complete_record(built):
    for folder in built.iterdir():
        if not folder.is_dir():
            continue
        record = json.loads((folder / "jdihn.json").read_text(encoding="utf-8"))
        assert all(record.get(k) for k in FIELDS), (folder.name, [k for k in FIELDS if not record.get(k)])
    r = json.loads((built / "prov-kalbar" / "jdihn.json").read_text(encoding="utf-8"))
    assert r["noPeraturan"] == "5" and r["tahun_pengundangan"] == "2026"
    assert r["tanggal_pengundangan"] == "2026-01-05" and r["tempatTerbit"] == "Pontianak"
    assert r["teuBadan"] == "Komisi Pemilihan Umum Provinsi Kalimantan Barat"
    assert r["judul"].startswith("Keputusan Komisi Pemilihan Umum Provinsi Kalimantan Barat Nomor 5 Tahun 2026 "
                                 "tentang Rencana Kerja Pembangunan Zona Integritas")
    assert r["fileDownload"].endswith("prov-kalbar/keputusan-salinan.pdf")
    # the shipped data has no abstract: a placeholder, and the record says it is a draft
    assert r["abstrak"] == "[abstrak]" and r["draft"] is True and "abstrak" in r["missing"]


def test_the_record_is_filled_from_the_data(data_copy, tmp_path):
    from zi_docgen.workflows.build import build

    f = data_copy / "2026" / "decree.yaml"
    f.write_text(f.read_text(encoding="utf-8") + (
        "jdih:\n  abstrak: Rencana kerja pembangunan Zona Integritas tahun 2026.\n  subjek: ZONA INTEGRITAS\n"
        "  bidang_hukum: Hukum Administrasi Negara\n  sumber: '-'\n  url: https://jdih.example.go.id/files\n"),
        encoding="utf-8")
    out = tmp_path / "out"
    build(data_copy, out, TEMPLATES, satkers=["prov-kalbar"], jobs=1)
    r = json.loads((out / "2026" / "prov-kalbar" / "jdihn.json").read_text(encoding="utf-8"))
    assert r["abstrak"] == "Rencana kerja pembangunan Zona Integritas tahun 2026."
    assert r["subjek"] == "ZONA INTEGRITAS" and r["bidangHukum"] == "Hukum Administrasi Negara"
    assert r["fileDownload"] == "https://jdih.example.go.id/files/prov-kalbar/keputusan-salinan.pdf"
    assert r["draft"] is False and r["missing"] == []


def test_the_office_writes_its_own_record_and_check_says_what_is_missing(data_copy, tmp_path, capsys):
    """The office's year file is the record's place; a value shared by the year is overridden by it,
    and `check` lists each missing field with the file and the YAML to add, without making a DRAFT."""
    from zi_docgen.cli import main
    from zi_docgen.load.dataset import load_dataset
    from zi_docgen.resolve.decree import resolve
    from zi_docgen.workflows.build import build

    year = data_copy / "2026" / "decree.yaml"
    year.write_text(year.read_text(encoding="utf-8") + "jdih:\n  subjek: ZONA INTEGRITAS\n  sumber: shared\n",
                    encoding="utf-8")
    office = data_copy / "2026" / "offices" / "prov-kalbar.yaml"
    office.write_text(office.read_text(encoding="utf-8") + "jdih:\n  sumber: Berita Daerah (contoh)\n",
                      encoding="utf-8")
    decree = resolve(load_dataset(data_copy), 2026, "prov-kalbar")
    assert not decree.is_draft
    assert decree.jdih.subjek == "ZONA INTEGRITAS" and decree.jdih.sumber == "Berita Daerah (contoh)"
    assert [p.field for p in decree.jdih_missing] == ["jdih.abstrak", "jdih.bidang_hukum"]

    out = tmp_path / "out"
    build(data_copy, out, TEMPLATES, satkers=["prov-kalbar"], jobs=1)
    r = json.loads((out / "2026" / "prov-kalbar" / "jdihn.json").read_text(encoding="utf-8"))
    assert r["sumber"] == "Berita Daerah (contoh)" and r["subjek"] == "ZONA INTEGRITAS"
    assert r["abstrak"] == "[abstrak]" and r["draft"] is True

    try:
        main(["check", "--data", str(data_copy), "--satker", "prov-kalbar", "--lang", "en"])
    except SystemExit as exc:
        assert exc.code == 0, exc
    text = capsys.readouterr().out
    assert "Placeholders of the JDIH record" in text and "DRAFT" not in text
    # pointed at the office's jdih: values, where the missing ones go
    line = next(i + 1 for i, ln in enumerate(office.read_text(encoding="utf-8").splitlines())
                if ln.startswith("  sumber: Berita Daerah"))
    assert (f"prov-kalbar.yaml:{line}:3: [abstrak untuk jdihn.json] is not filled in yet; "
            "write the value here (jdih.abstrak)") in text
    assert "(jdih.bidang_hukum)" in text and "[subjek" not in text

    # Without jdih: in the office's file, check prints the YAML to add to it.
    office.write_text(office.read_text(encoding="utf-8").split("jdih:")[0], encoding="utf-8")
    try:
        main(["check", "--data", str(data_copy), "--satker", "prov-kalbar", "--lang", "en"])
    except SystemExit as exc:
        assert exc.code == 0, exc
    text = capsys.readouterr().out
    assert "Add to " in text and "prov-kalbar.yaml:\n      jdih:\n        abstrak:" in text


def test_new_year_does_not_carry_the_record_of_the_old_decree(data_copy):
    from zi_docgen.workflows.newyear import renew_office_file

    office = data_copy / "2026" / "offices" / "prov-kalbar.yaml"
    text = office.read_text(encoding="utf-8") + "jdih:\n  abstrak: >-\n    Rencana kerja 2026.\n  sumber: '-'\n"
    new = renew_office_file(text, 2027, office)
    assert "jdih" not in new and "Rencana kerja 2026" not in new and "ketua:" in new
