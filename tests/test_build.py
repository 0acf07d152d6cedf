"""Read the generated DOCX back and assert on text and structure (prov-kalbar, 2026)."""
from __future__ import annotations

import json
import re
import zipfile

from docx import Document
from docx.shared import Mm

from conftest import body_text, paragraphs

KALBAR = "Komisi Pemilihan Umum Provinsi Kalimantan Barat"
TITLE = ("Rencana Kerja Pembangunan Zona Integritas Menuju Wilayah Bebas dari Korupsi dan Wilayah Birokrasi "
         f"Bersih dan Melayani di Lingkungan {KALBAR} Tahun 2026")


def _kep(built):
    return paragraphs(built / "prov-kalbar" / "keputusan.docx")


def test_every_office_gets_both_documents_and_a_manifest(built):
    manifest = json.loads((built / "manifest.json").read_text())
    offices = {d["office"] for d in manifest["documents"]}
    assert len(offices) == 15
    for d in manifest["documents"]:
        assert (built / d["file"]).is_file()
        assert re.fullmatch(r"[0-9a-f]{64}", d["sha256"])
    status = {d["office"]: d["status"] for d in manifest["documents"]}
    assert status["prov-kalbar"] == "final"
    assert status["kab-sambas"] == "draft"  # its officials are placeholders


def test_keputusan_heading_and_jabatan(built):
    p = _kep(built)
    assert p[:2] == ["KOMISI PEMILIHAN UMUM", "PROVINSI KALIMANTAN BARAT"]
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT" in p
    assert "NOMOR 5 TAHUN 2026" in p
    assert TITLE.upper() in p
    jab = [x for x in p if x.startswith("KETUA") and x.endswith(",")]
    assert jab[0] == "KETUA KOMISI PEMILIHAN UMUM PROVINSI KALIMANTAN BARAT,"
    assert not any("DENGAN RAHMAT TUHAN" in x for x in p)


def test_menimbang_labels_and_computed_cross_reference(built):
    p = _kep(built)
    m = [x for x in p if "\tbahwa " in x]
    assert m[0].startswith("Menimbang\t:\ta.\tbahwa untuk mewujudkan pelaksanaan Pembangunan Zona Integritas menuju "
                           "Wilayah Bebas dari Korupsi")
    assert m[1] == (f"\t\tb.\tbahwa berdasarkan pertimbangan sebagaimana dimaksud dalam huruf a, perlu menetapkan "
                    f"Keputusan {KALBAR} tentang {TITLE};")
    assert all(x.endswith(";") for x in m)


def test_mengingat_citations_order_and_gazettes(built):
    p = _kep(built)
    start = next(i for i, x in enumerate(p) if x.startswith("Mengingat"))
    items = p[start:start + 6]
    labels = [x.split("\t")[2] for x in items]
    assert labels == ["1.", "2.", "3.", "4.", "5.", "6."]
    texts = [x.split("\t", 3)[3] for x in items]
    assert texts[0] == (
        "Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum (Lembaran Negara Republik Indonesia Tahun 2017 "
        "Nomor 182, Tambahan Lembaran Negara Republik Indonesia Nomor 6109) sebagaimana telah diubah dengan "
        "Undang-Undang Nomor 7 Tahun 2023 tentang Penetapan Peraturan Pemerintah Pengganti Undang-Undang Nomor 1 "
        "Tahun 2022 tentang Perubahan atas Undang-Undang Nomor 7 Tahun 2017 tentang Pemilihan Umum menjadi "
        "Undang-Undang (Lembaran Negara Republik Indonesia Tahun 2023 Nomor 54, Tambahan Lembaran Negara Republik "
        "Indonesia Nomor 6863);")
    assert texts[1] == "Peraturan Presiden Nomor 81 Tahun 2010 tentang Grand Design Reformasi Birokrasi 2010-2025;"
    assert texts[2].startswith("Peraturan Komisi Pemilihan Umum Nomor 8 Tahun 2019 tentang Tata Kerja")
    assert "(Berita Negara Republik Indonesia Tahun 2019 Nomor 320) sebagaimana telah beberapa kali diubah terakhir " \
           "dengan Peraturan Komisi Pemilihan Umum Nomor 12 Tahun 2023 tentang Perubahan Kelima" in texts[2]
    assert texts[2].endswith("(Berita Negara Republik Indonesia Tahun 2023 Nomor 377);")
    assert texts[3].startswith("Peraturan Komisi Pemilihan Umum Nomor 14 Tahun 2020")
    assert "Perubahan Kedua" in texts[3] and texts[3].endswith("Nomor 826);")
    assert texts[4].startswith("Peraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 90 "
                               "Tahun 2021")
    assert "(Berita Negara Republik Indonesia Tahun 2021 Nomor 1571) sebagaimana telah diubah dengan Peraturan " \
           "Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi Nomor 5 Tahun 2024" in texts[4]
    assert texts[5].startswith("Keputusan Komisi Pemilihan Umum Nomor 314/ORT.07-Kpt/01/KPU/V/2021 tentang Petunjuk")
    assert "Tahun 2021 tentang Petunjuk" not in texts[5]  # the number already carries the year


def test_grand_design_is_italic(built):
    doc = Document(built / "prov-kalbar" / "keputusan.docx")
    p = next(p for p in doc.paragraphs if "Grand Design" in p.text)
    italic = [r.text for r in p.runs if r.style is not None and r.style.name == "ZI Asing"]
    assert italic == ["Grand Design"]


def test_menetapkan_equals_title_and_diktum(built):
    p = _kep(built)
    men = next(x for x in p if x.startswith("Menetapkan\t:\t"))
    assert men == f"Menetapkan\t:\tKEPUTUSAN {KALBAR.upper()} TENTANG {TITLE.upper()}."
    dik = [x for x in p if x.startswith(("KESATU", "KEDUA", "KETIGA"))]
    assert dik == [
        f"KESATU\t:\tMenetapkan {TITLE} sebagaimana tercantum dalam Lampiran yang merupakan bagian tidak "
        "terpisahkan dari Keputusan ini.",
        "KEDUA\t:\tKeputusan ini mulai berlaku pada tanggal ditetapkan."]


def test_closing_signature_original_has_a_signing_space(built):
    raw = _kep(built)
    p = [x for x in raw if x]
    i = p.index("Ditetapkan di Pontianak")
    assert p[i:] == ["Ditetapkan di Pontianak", "pada tanggal 5 Januari 2026", "KETUA KOMISI PEMILIHAN UMUM",
                     "PROVINSI KALIMANTAN BARAT,", "MUHAMMAD SYARIFUDDIN BUDI"]
    # the space to sign in: empty lines between the jabatan and the name
    j = raw.index("PROVINSI KALIMANTAN BARAT,", raw.index("Ditetapkan di Pontianak"))
    assert raw[j + 1:j + 5] == ["", "", "", ""] and raw[j + 5] == "MUHAMMAD SYARIFUDDIN BUDI"


def test_closing_signature_and_salinan_in_the_copy(built):
    p = [x for x in paragraphs(built / "prov-kalbar" / "keputusan-salinan.docx") if x]
    i = p.index("Ditetapkan di Pontianak")
    assert p[i:i + 6] == ["Ditetapkan di Pontianak", "pada tanggal 5 Januari 2026", "KETUA KOMISI PEMILIHAN UMUM",
                          "PROVINSI KALIMANTAN BARAT,", "ttd.", "MUHAMMAD SYARIFUDDIN BUDI"]
    assert p[i + 6:] == ["Salinan sesuai dengan aslinya", "SEKRETARIAT KOMISI PEMILIHAN UMUM",
                         "PROVINSI KALIMANTAN BARAT",
                         "Kepala Bagian Teknis Penyelenggaraan Pemilu, Partisipasi dan Hubungan Masyarakat, Hukum, "
                         "dan Sumber Daya Manusia,", "Deni Trisna Dyah"]


def test_page_setup_is_f4_bookman(built):
    doc = Document(built / "prov-kalbar" / "keputusan.docx")
    s = doc.sections[0]
    assert abs(s.page_width - Mm(215)) < Mm(1) and abs(s.page_height - Mm(330)) < Mm(1)
    assert doc.styles["Normal"].font.name == "Bookman Old Style"
    assert s.different_first_page_header_footer  # page numbers from page 2
    lam = Document(built / "prov-kalbar" / "lampiran.docx")
    orient = [(round(x.page_width / Mm(1)), round(x.page_height / Mm(1))) for x in lam.sections]
    # cover and Kata Pengantar, the chapters (BAB I starts a page), the target table in
    # landscape, the Penutup
    assert orient == [(215, 330), (215, 330), (330, 215), (215, 330)]


def test_no_leftover_template_tags(built):
    for path in built.glob("*/*.docx"):
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.endswith(".xml"):
                    xml = z.read(name).decode("utf-8")
                    assert "{{" not in xml and "{%" not in xml and "}}" not in xml, (path, name)


def test_lampiran_header_repeats_number_year_title(built):
    p = paragraphs(built / "prov-kalbar" / "lampiran.docx")
    assert p[:4] == ["LAMPIRAN", f"KEPUTUSAN {KALBAR.upper()}", "NOMOR 5 TAHUN 2026", f"TENTANG {TITLE.upper()}"]


def test_lampiran_structure_chapters_and_sections(built):
    p = paragraphs(built / "prov-kalbar" / "lampiran.docx")
    babs = [x for x in p if x.startswith("BAB ")]
    assert babs == ["BAB I", "BAB II", "BAB III", "BAB IV"]
    assert p[p.index("BAB IV") + 1] == "PENUTUP"
    subs = [x for x in p if re.match(r"^[A-F]\.\t", x)]
    assert subs[:4] == ["A.\tLatar Belakang", "B.\tDasar Hukum", "C.\tMaksud dan Tujuan", "D.\tPengertian Umum"]
    assert "A.\tAREA I – Manajemen Perubahan" in subs
    assert "D.\tAREA IV – Penguatan Akuntabilitas Kinerja" in subs
    assert "F.\tAREA VI – Peningkatan Kualitas Pelayanan Publik" in subs
    # the Lampiran ends with the signature, after the Penutup
    tail = [x for x in p if x][-3:]
    assert tail == ["KETUA KOMISI PEMILIHAN UMUM", "PROVINSI KALIMANTAN BARAT,", "MUHAMMAD SYARIFUDDIN BUDI"]
    assert p.index("BAB IV") < len(p) - 3


def test_lampiran_lists_definitions_and_coordinators(built):
    p = paragraphs(built / "prov-kalbar" / "lampiran.docx")
    defs = [x for x in p if x.startswith(("a.\tZona", "b.\tWilayah", "f.\tMenteri", "g.\tTim Penilai"))]
    assert defs[0].startswith("a.\tZona Integritas (ZI) adalah predikat")
    assert sum("Tim Penilai Internal (TPI)" in x for x in p) == 1  # the duplicate is gone
    coord = [x for x in p if re.match(r"^\d\)\tKoordinator ", x)]
    assert coord == ["1)\tKoordinator Manajemen Perubahan;", "2)\tKoordinator Penataan Tatalaksana;",
                     "3)\tKoordinator Penataan Sistem Manajemen SDM;",
                     "4)\tKoordinator Penguatan Akuntabilitas Kinerja;", "5)\tKoordinator Penguatan Pengawasan;",
                     "6)\tKoordinator Peningkatan Kualitas Pelayanan Publik."]
    # Area I is lettered; the sosialisasi to kabupaten/kota is there for the province
    assert "c.\tMelakukan sosialisasi dan mendorong KPU Kabupaten/Kota di Kalimantan Barat untuk berkomitmen " \
           "melaksanakan pembangunan Zona Integritas menuju WBK/WBBM." in p
    dh = [x for x in p if re.match(r"^\d\.\t(Undang|Peraturan|Keputusan)", x)]
    assert [x.split(" Nomor")[0] for x in dh] == [
        "1.\tUndang-Undang", "2.\tUndang-Undang", "3.\tPeraturan Presiden", "4.\tPeraturan Presiden",
        "5.\tPeraturan Komisi Pemilihan Umum", "6.\tPeraturan Komisi Pemilihan Umum",
        "7.\tPeraturan Menteri Pendayagunaan Aparatur Negara dan Reformasi Birokrasi",
        "8.\tKeputusan Komisi Pemilihan Umum", "9.\tKeputusan Ketua Komisi Pemilihan Umum Provinsi Kalimantan Barat"]
    assert dh[8] == ("9.\tKeputusan Ketua Komisi Pemilihan Umum Provinsi Kalimantan Barat Nomor 2 Tahun 2026 tanggal "
                     "5 Januari 2026 tentang Tim Pembangunan Zona Integritas Menuju Wilayah Bebas dari Korupsi dan "
                     "Wilayah Birokrasi Bersih dan Melayani pada Komisi Pemilihan Umum Provinsi Kalimantan Barat Tahun "
                     "2026.")  # body text: the last item ends with "." (Mengingat keeps ";")
    assert all(x.endswith(";") for x in dh[:8])


def test_lampiran_figure_is_embedded(built):
    with zipfile.ZipFile(built / "prov-kalbar" / "lampiran.docx") as z:
        assert any(n.startswith("word/media/") and n.endswith(".png") for n in z.namelist())


EXPECTED_TABLE = {
    # row label: 12 cells, exactly as in the 2026 plan (blanks kept blank)
    "Tim Kerja": ["", "", "", "100%"] + [""] * 8,
    "Dokumen Rencana Pembangunan Zona Integritas": ["", "", "", "100%"] + [""] * 8,
    "Perencanaan Kebutuhan Pegawai": [""] * 5 + ["50%"] + [""] * 5 + ["50%"],
    "Pola Mutasi Internal": [""] * 5 + ["50%"] + [""] * 5 + ["50%"],
    "Pengembangan Pegawai Berbasis Kompetensi": ["25%", "50%", "60%", "65%", "70%", "75%", "80%", "85%", "90%",
                                                 "100%", "100%", "100%"],
    "Penegakan Aturan Disiplin/Kode Etik/Kode Perilaku": ["25%", "50%", "60%", "65%", "70%", "75%", "80%", "85%",
                                                          "90%", "100%", "100%", "100%"],
    "Penilaian Kepuasan terhadap Pelayanan": ["", "", "100%", "", "", "100%", "", "", "100%", "", "", "100%"],
    "Whistle Blowing System": ["100%"] * 12,
    "Pemerintah yang Bersih dan Akuntabel": ["100%"] * 12,
    "Pelayanan Publik yang Prima": ["100%"] * 12,
}


def test_target_table_every_value(built):
    doc = Document(built / "prov-kalbar" / "lampiran.docx")
    table = doc.tables[0]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0][:3] == ["NO", "AREA PEMBANGUNAN", "2026"]
    assert rows[1][2:] == ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agt", "Sep", "Okt", "Nov", "Des"]
    groups = [(r[0], r[1]) for r in rows[2:] if r[0].endswith(".")]
    assert groups == [("I.", "Manajemen Perubahan"), ("II.", "Penataan Tatalaksana"),
                      ("III.", "Penataan Sistem Manajemen SDM"), ("IV.", "Penguatan Akuntabilitas Kinerja"),
                      ("V.", "Penguatan Pengawasan"), ("VI.", "Peningkatan Kualitas Pelayanan Publik"),
                      ("VII.", "Komponen Hasil")]
    body = {r[1]: r[2:] for r in rows[2:] if not r[0].endswith(".")}
    assert len(body) == 25
    for label, cells in EXPECTED_TABLE.items():
        assert body[label] == cells, label
    full = [k for k, v in body.items() if v == ["100%"] * 12]
    assert len(full) == 17
    # header rows repeat on every page
    for r in table.rows[:2]:
        assert r._tr.trPr is not None and r._tr.trPr.find(
            "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}tblHeader") is not None


def test_kabupaten_variant_is_its_own_decree(built):
    kep = body_text(built / "kab-kapuas-hulu" / "keputusan.docx")
    assert "Ditetapkan di Putussibau" in kep
    assert "KEPUTUSAN KOMISI PEMILIHAN UMUM KABUPATEN KAPUAS HULU" in kep
    assert "Provinsi Kalimantan Barat" not in kep.replace("PROVINSI", "")
    assert "[NAMA KETUA KPU KABUPATEN KAPUAS HULU]" in kep  # placeholder, never an invented name
    assert "NOMOR [Nomor Keputusan] TAHUN 2026" in kep
    lam = body_text(built / "kab-kapuas-hulu" / "lampiran.docx")
    assert "mendorong KPU Kabupaten/Kota" not in lam  # province-only content
    assert "Penghargaan JDIH" not in lam
    assert "KPU Provinsi Kalimantan Barat" not in lam
    assert "KPU Kabupaten Kapuas Hulu" in lam
    assert "DRAFT" in "".join(p.text for s in Document(built / "kab-kapuas-hulu" / "lampiran.docx").sections
                              for p in s.header.paragraphs)


def test_same_input_same_bytes(built, tmp_path):
    from conftest import DATA, TEMPLATES
    from zi_docgen.workflows.build import build

    build(DATA, tmp_path, TEMPLATES, satkers=["prov-kalbar"], jobs=1)
    for name in ("keputusan.docx", "lampiran.docx"):
        assert (tmp_path / "2026" / "prov-kalbar" / name).read_bytes() == (built / "prov-kalbar" / name).read_bytes()


def test_komponen_hasil_read_the_same_everywhere(built):
    """PermenPANRB 90/2021's names, in its order: the text under the figure and table group VII."""
    from zi_docgen.resolve.zona import HASIL_90_2021

    p = paragraphs(built / "prov-kalbar" / "lampiran.docx")
    under = next(x for x in p if x.startswith("Melalui model tersebut"))
    assert under.endswith("komponen hasil, yaitu " + " serta ".join(HASIL_90_2021) + ".")
    rows = [[c.text for c in r.cells] for r in Document(built / "prov-kalbar" / "lampiran.docx").tables[0].rows]
    vii = next(i for i, r in enumerate(rows) if r[0] == "VII.")
    assert [r[1] for r in rows[vii + 1:vii + 3]] == list(HASIL_90_2021)
