"""The original to sign and the certified copy; officials per year; number styles; TTE; logo."""
from __future__ import annotations

import struct
import zlib

import pytest
from docx import Document

from conftest import TEMPLATES, paragraphs

from zi_docgen.errors import DataError
from zi_docgen.load.dataset import load_dataset
from zi_docgen.render.renderer import Renderer
from zi_docgen.resolve.decree import resolve


def _nonempty(path):
    return [x for x in paragraphs(path) if x.strip()]


@pytest.mark.parametrize("office", ["prov-kalbar", "kab-sambas"])
def test_four_documents_original_and_copy(built, office):
    folder = built / office
    for doc in ("keputusan", "lampiran"):
        original = _nonempty(folder / f"{doc}.docx")
        copy = _nonempty(folder / f"{doc}-salinan.docx")
        assert "ttd." not in original and "Salinan sesuai dengan aslinya" not in original
        assert "ttd." in copy
        # the salinan block closes the document, with its signer
        i = copy.index("Salinan sesuai dengan aslinya")
        assert copy[i + 1:i + 3] == ["SEKRETARIAT KOMISI PEMILIHAN UMUM", copy[i + 2]]
        assert copy[i + 2].startswith(("PROVINSI", "KABUPATEN", "KOTA"))
        assert len(copy) - i == 5
    # every signature place of the copy has "ttd.": the Lampiran is signed after the
    # Kata Pengantar and after the Penutup
    lam = _nonempty(folder / "lampiran-salinan.docx")
    assert lam.count("ttd.") == 2
    assert _nonempty(folder / "keputusan-salinan.docx").count("ttd.") == 1


def test_copy_differs_from_original_only_in_signature_places(built):
    folder = built / "prov-kalbar"
    for doc in ("keputusan", "lampiran"):
        original = _nonempty(folder / f"{doc}.docx")
        copy = _nonempty(folder / f"{doc}-salinan.docx")
        copy = copy[:copy.index("Salinan sesuai dengan aslinya")]
        assert [x for x in copy if x != "ttd."] == original


def _set_official(data, year: int, office: str, name: str) -> None:
    f = data / str(year) / "offices" / f"{office}.yaml"
    text = f.read_text(encoding="utf-8") if f.exists() else ""
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(text + f"\nketua:\n  name: {name}\n", encoding="utf-8")


def test_a_2027_official_never_changes_2026(data_copy):
    from zi_docgen.workflows import newyear

    r = Renderer(TEMPLATES)
    before = {n: r.render(resolve(load_dataset(data_copy), 2026, "kab-ketapang"), n) for n in ("keputusan", "lampiran")}
    newyear.new_year(data_copy, 2026, 2027)
    _set_official(data_copy, 2027, "kab-ketapang", "Budi Santoso")
    ds = load_dataset(data_copy)
    after = {n: r.render(resolve(ds, 2026, "kab-ketapang"), n) for n in ("keputusan", "lampiran")}
    assert after == before
    d27 = resolve(ds, 2027, "kab-ketapang")
    assert d27.signer_name == "Budi Santoso"
    assert resolve(ds, 2026, "kab-ketapang").signer_name == "[Nama Ketua KPU Kabupaten Ketapang]"


def test_diff_shows_a_change_of_official(data_copy):
    from zi_docgen.workflows import diff as diffing
    from zi_docgen.workflows import newyear

    newyear.new_year(data_copy, 2026, 2027)
    f = data_copy / "2027" / "offices" / "prov-kalbar.yaml"
    text = f.read_text(encoding="utf-8")
    assert "to_confirm: true" in text and "Muhammad Syarifuddin Budi" in text
    f.write_text(text.replace("Muhammad Syarifuddin Budi", "Siti Rahmawati"), encoding="utf-8")
    report = diffing.diff_years(data_copy, 2026, 2027, "prov-kalbar")
    changed = {(c.id, c.kind) for c in report.changes}
    assert ("penandatangan", "changed") in changed


def test_new_year_carries_officials_forward_to_confirm(data_copy):
    from zi_docgen.workflows import newyear

    lines = newyear.new_year(data_copy, 2026, 2027)
    assert any("to_confirm" in ln for ln in lines)
    ds = load_dataset(data_copy)
    d = resolve(ds, 2027, "prov-kalbar")
    assert d.signer_name == "Muhammad Syarifuddin Budi"   # carried, not invented
    assert d.is_draft and any("confirm the ketua" in p.text for p in d.placeholders)
    f = data_copy / "2027" / "offices" / "prov-kalbar.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("  to_confirm: true\n", ""), encoding="utf-8")
    d = resolve(load_dataset(data_copy), 2027, "prov-kalbar")
    assert not any("confirm" in p.text for p in d.placeholders)


def test_officials_in_the_registry_are_refused_with_a_hint(data_copy):
    f = data_copy / "offices.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace("    seat: Pontianak\n",
                                                        "    seat: Pontianak\n    ketua: {name: X}\n", 1))
    with pytest.raises(DataError) as exc:
        load_dataset(data_copy)
    assert "2026" not in exc.value.message and "offices/prov-kalbar.yaml" in exc.value.message


def _naskah_dinas(data, number: str) -> None:
    f = data / "offices.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "    seat: Pontianak\n", "    seat: Pontianak\n    number_style: naskah_dinas\n", 1), encoding="utf-8")
    y = data / "2026" / "offices" / "prov-kalbar.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace("number: 5\n", f"number: {number}\n", 1), encoding="utf-8")


def test_naskah_dinas_number_prints_the_year_once(data_copy):
    _naskah_dinas(data_copy, "1/HK.03.1-Kpt/61/Prov/I/2026")
    d = resolve(load_dataset(data_copy), 2026, "prov-kalbar")
    assert d.number_line == "NOMOR: 1/HK.03.1-Kpt/61/Prov/I/2026"
    data = Renderer(TEMPLATES).render(d, "keputusan")
    import io
    text = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert "NOMOR: 1/HK.03.1-Kpt/61/Prov/I/2026" in text
    assert not any("TAHUN 2026" in x and "NOMOR" in x for x in text)
    lam = [p.text for p in Document(io.BytesIO(Renderer(TEMPLATES).render(d, "lampiran"))).paragraphs]
    assert "NOMOR: 1/HK.03.1-Kpt/61/Prov/I/2026" in lam


@pytest.mark.parametrize("number, words", [
    ("1/HK.03.1-Kpt/61/Prov/I/2027", "ends in 2027"),
    ("1/HK.03.1-Kpt/61/Prov/II/2026", "month II"),
    ("5", "not a naskah dinas number"),
])
def test_naskah_dinas_numbers_are_validated(data_copy, number, words):
    _naskah_dinas(data_copy, f'"{number}"')
    with pytest.raises(DataError) as exc:
        resolve(load_dataset(data_copy), 2026, "prov-kalbar")
    assert words in exc.value.message


def test_peraturan_style_refuses_a_naskah_dinas_number_with_a_hint(data_copy):
    y = data_copy / "2026" / "offices" / "prov-kalbar.yaml"
    y.write_text(y.read_text(encoding="utf-8").replace("number: 5\n", 'number: "1/HK.03.1-Kpt/61/Prov/I/2026"\n'),
                 encoding="utf-8")
    with pytest.raises(DataError) as exc:
        resolve(load_dataset(data_copy), 2026, "prov-kalbar")
    assert "number_style: naskah_dinas" in (exc.value.hint or "")


def test_tte_statement_comes_from_the_data(data_copy):
    y = data_copy / "2026" / "offices" / "prov-kalbar.yaml"
    y.write_text(y.read_text(encoding="utf-8") + "tte:\n  statement:\n    - Ditandatangani secara elektronik\n",
                 encoding="utf-8")
    d = resolve(load_dataset(data_copy), 2026, "prov-kalbar")
    import io
    r = Renderer(TEMPLATES)
    original = [p.text for p in Document(io.BytesIO(r.render(d, "keputusan"))).paragraphs]
    copy = [p.text for p in Document(io.BytesIO(r.render(d, "keputusan", copy=True))).paragraphs]
    i = original.index("PROVINSI KALIMANTAN BARAT,", original.index("Ditetapkan di Pontianak"))
    assert "Ditandatangani secara elektronik" in original[i:i + 4]
    assert "ttd." in copy and "ttd." not in original


def _png(width: int, height: int) -> bytes:
    raw = b"".join(b"\x00" + bytes([200, 30, 30]) * width for _ in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def test_logo_in_the_heading(data_copy):
    import io
    import zipfile

    (data_copy / "logo-kalbar.png").write_bytes(_png(40, 48))
    f = data_copy / "offices.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "    seat: Pontianak\n", "    seat: Pontianak\n    logo: logo-kalbar.png\n", 1), encoding="utf-8")
    d = resolve(load_dataset(data_copy), 2026, "prov-kalbar")
    data = Renderer(TEMPLATES).render(d, "keputusan")
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        media = [n for n in z.namelist() if n.startswith("word/media/")]
        assert len(media) == 1
        xml = z.read("word/document.xml").decode()
    # the picture stands before the kop's first line
    assert xml.index("<w:drawing>") < xml.index("KOMISI PEMILIHAN UMUM")
    # no logo: no picture
    plain = Renderer(TEMPLATES).render(resolve(load_dataset(data_copy), 2026, "kab-sambas"), "keputusan")
    with zipfile.ZipFile(io.BytesIO(plain)) as z:
        assert not [n for n in z.namelist() if n.startswith("word/media/")]


def test_missing_logo_is_one_clear_error(data_copy):
    f = data_copy / "offices.yaml"
    f.write_text(f.read_text(encoding="utf-8").replace(
        "    seat: Pontianak\n", "    seat: Pontianak\n    logo: nowhere.png\n", 1), encoding="utf-8")
    with pytest.raises(DataError) as exc:
        resolve(load_dataset(data_copy), 2026, "prov-kalbar")
    assert "nowhere.png" in exc.value.message and exc.value.src.line > 0


def test_core_properties(built):
    for name in ("keputusan", "lampiran-salinan"):
        props = Document(built / "prov-kalbar" / f"{name}.docx").core_properties
        assert props.author == "Komisi Pemilihan Umum Provinsi Kalimantan Barat"
        assert "Nomor 5 Tahun 2026" in props.title
        assert props.subject.startswith("Rencana Kerja Pembangunan Zona Integritas")
        assert "Zona Integritas" in props.keywords
    assert "Salinan" in Document(built / "prov-kalbar" / "lampiran-salinan.docx").core_properties.keywords
    assert "DRAFT" in Document(built / "kab-sambas" / "keputusan.docx").core_properties.keywords
