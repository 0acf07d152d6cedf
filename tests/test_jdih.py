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
